"""The HTML pages: the desk (a single-page application built from desk/ into desk/dist) served
for /login and /app/* (history-mode routing: every deep link gets the same index.html), its
built assets under /assets/desk/, `/` leading a visitor to it, and a status page.

A desk page opens its session to CSRF checks and carries the token (`window.csrf_token`, as
Frappe's desk does) in a script allowed by the page's CSP nonce; the desk also gets it from its
boot call. The built desk itself has no inline scripts or styles."""
from __future__ import annotations

import html
import secrets
from pathlib import Path
from urllib.parse import quote

from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from .. import auth, fixtures, users
from .responses import Reply

ASSETS_URL = "/assets/desk/"

STYLE = """body{font:20px/1.7 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1a1a1a;background:#f6f6f2}
main{max-width:40rem;margin:4rem auto;background:#fff;padding:2.5rem 3rem;border-radius:12px}
h1{font-size:1.6em;margin-top:0}th{text-align:left;padding-right:2rem}a{color:#8b0000}"""


def desk_dist(site) -> Path:
    """Where the built desk lives: site config `desk_dist`, else <project>/desk/dist."""
    configured = site.config.get("desk_dist")
    return Path(configured) if configured else fixtures.project_path(site) / "desk" / "dist"


def content_security_policy(nonce: str | None = None) -> str:
    """What the desk needs: its own scripts (plus the one nonce'd token script), its own styles
    (Element Plus and Vue set styles through the CSSOM, which CSP allows), images from itself,
    data: and blob: (previews), and frames from itself (print preview)."""
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return ("default-src 'self'; " f"script-src {script}; " "style-src 'self'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self' blob:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


def _page(title: str, body: str, status: int = 200) -> Reply:
    nonce = secrets.token_urlsafe(12)
    # the status pages' only style is in a nonce'd <style>: no inline script anywhere
    policy = content_security_policy().replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")
    return Reply(response=HTMLResponse(f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>
<style nonce="{nonce}">{STYLE}</style></head><body><main>{body}</main></body></html>""", status_code=status,
                                       headers={"Content-Security-Policy": policy}))


def status_page(ctx, caller) -> Reply:
    site = ctx.site
    rows = [("站点", site.name), ("数据库", site.backend), ("单据类型", len(site.metas.all_names())),
            ("Redis", "已配置" if site.redis is not None else "未配置（后台任务在进程内运行）"),
            ("工作台", "已构建" if (desk_dist(site) / "index.html").is_file() else "未构建（请运行 make install）")]
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return _page(f"sixhave · {site.name}", f"""<h1>sixhave 运行中</h1><table>{table}</table>
<p><a href="/app">进入工作台</a> · 接口说明：<a href="/api/openapi.json">/api/openapi.json</a></p>""")


def _index(ctx, token: str | None) -> Reply:
    index = desk_dist(ctx.site) / "index.html"
    if not index.is_file():
        return _page("工作台未构建", "<h1>工作台尚未构建</h1><p>请在项目目录运行 <code>make install</code>"
                                  "（会执行 <code>npm ci</code> 和 <code>npm run build</code>），然后刷新本页。</p>", 503)
    text = index.read_text("utf-8")
    nonce = secrets.token_urlsafe(12)
    if token:
        script = f"<script nonce=\"{nonce}\">window.csrf_token = '{token}';</script>"
        text = text.replace("</head>", f"{script}\n</head>", 1)
    headers = {"Content-Security-Policy": content_security_policy(nonce if token else None),
               "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
    return Reply(response=HTMLResponse(text, headers=headers))


def login_page(ctx, caller) -> Reply:
    if ctx.user != users.GUEST and caller.session is not None:
        target = caller.args.get("redirect-to") or "/app"
        if not str(target).startswith("/") or str(target).startswith("//"):
            target = "/app"
        return Reply(response=RedirectResponse(target, status_code=302))
    return _index(ctx, None)


def app_page(ctx, caller) -> Reply:
    """Every /app URL: the desk, for a signed-in user (a visitor is sent to /login and back)."""
    if ctx.user == users.GUEST or caller.session is None:
        path = caller.request.url.path
        query = caller.request.url.query
        target = path + (f"?{query}" if query else "")
        expired = "&expired=1" if caller.request.cookies.get("sid") else ""
        return Reply(response=RedirectResponse(f"/login?redirect-to={quote(target, safe='/')}{expired}", status_code=302),
                     delete_cookies=["sid"] if expired else [])
    token = auth.ensure_csrf_token(ctx, caller.session)
    return _index(ctx, token)


def root_page(ctx, caller) -> Reply:
    """`/` leads a visitor to the desk (or to the login page first)."""
    return Reply(response=RedirectResponse("/app" if ctx.user != users.GUEST else "/login", status_code=302))


def asset_response(site, request) -> Response:
    """A built file of the desk (gzip when the build left one beside it). Hashed names never
    change, so they are cached for a year."""
    # Vite's base is /assets/desk/ and its assetsDir assets/: /assets/desk/assets/x.js → dist/assets/x.js
    dist = desk_dist(site).resolve()
    folder = dist / "assets"
    path = (dist / request.path_params["path"]).resolve()
    if folder not in path.parents or not path.is_file():
        return Response("文件不存在", status_code=404, media_type="text/plain; charset=utf-8")
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff",
               "Vary": "Accept-Encoding"}
    media = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
             ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}.get(path.suffix)
    gz = path.with_name(path.name + ".gz")
    if gz.is_file() and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return FileResponse(gz, media_type=media or "application/octet-stream", headers=headers)
    return FileResponse(path, media_type=media, headers=headers)
