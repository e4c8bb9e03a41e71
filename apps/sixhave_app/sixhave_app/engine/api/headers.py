"""Security headers on every response, and CORS preflights refused — one ASGI middleware around
the whole site, so no route, error page or file can forget them.

* every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
  `X-Frame-Options: SAMEORIGIN`;
* every HTML page without a policy of its own (print previews, error pages): a
  Content-Security-Policy with no scripts at all and `frame-ancestors 'self'`. The desk and the
  status page set their own (nonce-based) policy, which is kept;
* `OPTIONS` (a CORS preflight, or anything else): 403 without any Access-Control header, so no
  other site's page may send this site a JSON or non-simple request with the user's cookie.
"""
from __future__ import annotations

import json

ALWAYS = {b"x-content-type-options": b"nosniff", b"referrer-policy": b"same-origin", b"x-frame-options": b"SAMEORIGIN"}
PAGE_POLICY = ("default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
               "font-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'self'")
_PREFLIGHT_BODY = json.dumps({"exc_type": "PermissionError", "exception": "frappe.exceptions.PermissionError: 不接受跨站请求",
                              "_server_messages": json.dumps([json.dumps({"message": "不接受跨站请求（CORS 预检已拒绝）",
                                                                          "title": "没有权限", "indicator": "red"},
                                                                         ensure_ascii=False)], ensure_ascii=False)},
                             ensure_ascii=False).encode()


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(_PREFLIGHT_BODY)).encode()),
                                    *ALWAYS.items()]})
            await send({"type": "http.response.body", "body": _PREFLIGHT_BODY})
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                for key, value in ALWAYS.items():
                    if key not in present:
                        headers.append((key, value))
                kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if kind.lower().startswith(b"text/html") and b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", PAGE_POLICY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
