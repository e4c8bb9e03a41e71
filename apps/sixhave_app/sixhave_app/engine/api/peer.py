"""Who is on the other end of the connection: the client's address, whether the site is served
over https, and whether a request comes from the site's own pages (its Origin).

Headers a client can write (`X-Forwarded-For`, `X-Forwarded-Proto`) are believed only when the
socket peer is one of the proxies listed in site_config.json's `trusted_proxies` (addresses or
networks, e.g. ["127.0.0.1", "10.0.0.0/8"]); by default nothing is trusted and the address is the
socket peer's."""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

from starlette.requests import Request


@lru_cache(maxsize=64)
def _networks(entries: tuple[str, ...]) -> tuple:
    out = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            continue  # a typo in site_config trusts nothing rather than failing every request
    return tuple(out)


def _trusted(site, address: str | None) -> bool:
    entries = site.config.get("trusted_proxies") or ()
    if not address or not entries:
        return False
    if isinstance(entries, str):
        entries = [entries]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(entries)))


def socket_peer(request: Request) -> str | None:
    return request.client.host if request.client else None


def client_address(site, request: Request) -> str | None:
    """The socket peer; behind trusted proxies, the right-most X-Forwarded-For entry that is not
    itself a trusted proxy (the left-most entries are whatever the client chose to write)."""
    peer = socket_peer(request)
    if not _trusted(site, peer):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed chain: keep the address we know
        if not _trusted(site, hop):
            return hop
    return hops[0] if hops else peer


def is_https(site, request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    if _trusted(site, socket_peer(request)):
        return request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower() == "https"
    return False


def cookie_secure(site, request: Request) -> bool:
    """site_config `cookie_secure`: "auto" (default: Secure when served over https), true or false."""
    setting = site.config.get("cookie_secure", "auto")
    if isinstance(setting, str) and setting.strip().lower() == "auto":
        return is_https(site, request)
    if isinstance(setting, str):
        return setting.strip().lower() in ("1", "true", "yes", "on")
    return bool(setting)


def _netloc(value: str) -> str:
    value = (value or "").strip().lower().rstrip("/")
    return urlsplit(value).netloc if "://" in value else value


def own_hosts(site, request: Request) -> set[str]:
    """The names this site answers to: the Host header, a trusted proxy's X-Forwarded-Host, and
    site_config `host_name` (Frappe's key, e.g. "https://sixhave.wuxi.gov.cn")."""
    hosts = {_netloc(request.headers.get("host", ""))}
    if _trusted(site, socket_peer(request)) and request.headers.get("x-forwarded-host"):
        hosts.add(_netloc(request.headers["x-forwarded-host"].split(",")[0]))
    if site.config.get("host_name"):
        hosts.add(_netloc(str(site.config["host_name"])))
    hosts.discard("")
    return hosts


def same_origin(site, request: Request) -> bool:
    """True when the request has no Origin, or its Origin names this site (compared by host and
    port: behind a proxy that ends TLS the app may not see the https the browser used), or is one
    listed in site_config `allowed_origins`."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    origin = origin.strip().lower().rstrip("/")
    if origin in {str(o).strip().lower().rstrip("/") for o in site.config.get("allowed_origins") or ()}:
        return True
    if "://" not in origin or urlsplit(origin).scheme not in ("http", "https"):
        return False  # "null" (a sandboxed or file page) and anything else is not this site
    return _netloc(origin) in own_hosts(site, request)
