"""The ASGI application for one site: routes, and the request lifecycle every route shares —
arguments, who is asking (token, session, CSRF), one transaction, the envelope, the error.

CSRF (`check_csrf`): a request that changes state on a session cookie must prove it comes from the
site's own pages. A desk session (one that has a CSRF token) sends the token; a session from the
API login (Frappe's clients, no token) may change state only with a JSON body, which a cross-site
page cannot send without a CORS preflight, and preflights are refused (`headers.SecurityHeaders`).
Any `Origin` sent must be the site's own. Token auth (Authorization header) carries no ambient
credential and needs none of this."""
from __future__ import annotations

import hmac
import logging
from typing import Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import auth, users
from ..errors import AuthenticationError, CSRFTokenError, SixhaveError
from . import bounds, peer
from .headers import SecurityHeaders
from .request import content_type, is_json_type
from .responses import JSONReply, Reply, error_body, http_exception_handler

log = logging.getLogger("sixhave.api")
STATE_CHANGING = ("POST", "PUT", "DELETE", "PATCH")
CSRF_EXEMPT = {"login"}  # no session yet to protect (its Origin is still checked)


class Caller:
    """What the lifecycle learned about a request, handed to handlers beside the Context."""

    def __init__(self, request: Request, args: dict, files: dict, site=None):
        self.request = request
        self.args = args
        self.files = files
        self.site = site
        self.session: auth.Session | None = None
        self.via_token = False

    @property
    def ip(self) -> str | None:
        """The client's address: the socket peer, or behind `trusted_proxies` the forwarded one."""
        if self.site is None:
            return peer.socket_peer(self.request)
        return peer.client_address(self.site, self.request)


def check_csrf(ctx, caller: Caller, session: auth.Session | None, *, exempt: bool = False) -> None:
    """Refuse a state-changing request on a cookie that a cross-site page could have sent."""
    request = caller.request
    if request.method not in STATE_CHANGING:
        return
    if not peer.same_origin(ctx.site, request):
        raise CSRFTokenError("请求来源不是本站（Origin 不符），已拒绝")
    if session is None or exempt:
        return
    sent = request.headers.get("x-frappe-csrf-token") or caller.args.get("csrf_token")
    if session.csrf_token:
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise CSRFTokenError("页面已过期或请求来源无效（CSRF 令牌不符），请刷新页面后重试")
        return
    # a session from the API login, without a token: only a request declaring a JSON body, which
    # no cross-site page can send without a (refused) CORS preflight, can have come from a client
    if is_json_type(content_type(request)):
        return
    raise CSRFTokenError("此会话修改数据须以 JSON 请求体发送（表单、文件和纯文本请求须带 CSRF 令牌）")


def identify(ctx, caller: Caller, *, csrf_exempt: bool = False) -> None:
    """Token first (Authorization header), then the session cookie; Guest otherwise."""
    request = caller.request
    token = auth.parse_authorization(request.headers.get("authorization"))
    if token:
        ctx.user = auth.user_for_token(ctx, *token)
        caller.via_token = True
    else:
        session = auth.get_session(ctx, request.cookies.get("sid"))
        if session is not None:
            caller.session = session
            ctx.user = session.user
        else:
            ctx.user = users.GUEST
        check_csrf(ctx, caller, session, exempt=csrf_exempt)
    ctx._roles = None


def _show_traceback(ctx) -> bool:
    if not (ctx.site.config.get("developer_mode") or ctx.site.config.get("show_tracebacks")):
        return False
    return ctx.user not in (users.GUEST, None) and "System Manager" in (ctx._roles or [])


def _apply_cookies(site, request: Request, response: Response, reply: Reply) -> None:
    """Every cookie SameSite=Lax, and Secure when the site is served over https
    (site_config `cookie_secure`: auto, true or false); the sid cookie HttpOnly."""
    secure = peer.cookie_secure(site, request)
    for name, (value, httponly, max_age) in reply.cookies.items():
        response.set_cookie(name, value, httponly=httponly, max_age=max_age, samesite="lax", path="/", secure=secure)
    for name in reply.delete_cookies:
        response.delete_cookie(name, path="/", samesite="lax", secure=secure, httponly=name == "sid")


def _error_headers(exc: BaseException) -> dict:
    details = getattr(exc, "details", None) or {}
    headers = {}
    if details.get("retry_after"):
        headers["Retry-After"] = str(int(details["retry_after"]))
    if details.get("allow"):
        headers["Allow"] = ", ".join(details["allow"])
    return headers


class Api:
    def __init__(self, site):
        self.site = site

    def endpoint(self, handler: Callable, *, csrf_exempt_for: Callable[[Request, dict], bool] | None = None):
        async def run(request: Request) -> Response:
            try:
                args, files = await bounds.read_args(request, self.site)
            except SixhaveError as exc:
                status, body = error_body(exc, show_traceback=False)
                return JSONReply(body, status)
            exempt = bool(csrf_exempt_for and csrf_exempt_for(request, args))
            return await run_in_threadpool(self._run, request, Caller(request, args, files, self.site), handler, exempt)

        return run

    def _run(self, request: Request, caller: Caller, handler: Callable, csrf_exempt: bool) -> Response:
        ctx = self.site.context(user=users.GUEST, write=request.method in STATE_CHANGING or caller.args.get("cmd") == "login")
        ctx.flags["caller"] = caller
        try:
            identify(ctx, caller, csrf_exempt=csrf_exempt)
            if ctx.flags.pop("session_written", False):
                ctx.commit()  # an expired session stays removed, a touch stays, whatever the handler does
            reply = handler(ctx, caller)
            if not isinstance(reply, Reply):
                reply = Reply(body=reply)
            ctx.commit()
            if reply.response is not None:
                response = reply.response
            else:
                envelope = {reply.key: reply.body}
                envelope.update(reply.extra)
                response = JSONReply(envelope, reply.status)
            _apply_cookies(self.site, request, response, reply)
            return response
        except Exception as exc:  # noqa: BLE001 - every failure becomes Frappe's error envelope
            if isinstance(exc, SixhaveError) and ctx.flags.get("commit_on_error"):
                ctx.commit()
            else:
                ctx.rollback()
            if not isinstance(exc, SixhaveError):
                log.exception("unhandled error in %s %s", request.method, request.url.path)
            status, body = error_body(exc, show_traceback=_show_traceback(ctx))
            response = JSONReply(body, status, headers=_error_headers(exc))
            if isinstance(exc, AuthenticationError) and request.cookies.get("sid"):
                response.delete_cookie("sid", path="/", samesite="lax", httponly=True,
                                       secure=peer.cookie_secure(self.site, request))
            return response
        finally:
            ctx.close()


def ui_assets(site):
    """The desk's built files, served without a database context (they are the same for all)."""
    from . import ui

    async def serve(request: Request) -> Response:
        reply = await run_in_threadpool(ui.asset_response, site, request)
        return reply

    return serve


def create_app(site) -> Starlette:
    from . import files, method, openapi, printview, resource, ui

    api = Api(site)

    def login_is_exempt(request: Request, args: dict) -> bool:
        return request.path_params.get("method") in CSRF_EXEMPT

    routes = [
        # one handler per verb (Starlette tries the next route of the same path for another verb)
        Route("/api/resource/{doctype}", api.endpoint(resource.get_collection), methods=["GET"]),
        Route("/api/resource/{doctype}", api.endpoint(resource.post_collection), methods=["POST"]),
        Route("/api/resource/{doctype}/{name:path}", api.endpoint(resource.get_member), methods=["GET"]),
        Route("/api/resource/{doctype}/{name:path}", api.endpoint(resource.put_member), methods=["PUT"]),
        Route("/api/resource/{doctype}/{name:path}", api.endpoint(resource.delete_member), methods=["DELETE"]),
        Route("/api/method/{method:path}", api.endpoint(method.dispatch, csrf_exempt_for=login_is_exempt),
              methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/api/openapi.json", api.endpoint(openapi.document), methods=["GET"]),
        Route("/files/{path:path}", api.endpoint(files.serve_public), methods=["GET"]),
        Route("/private/files/{path:path}", api.endpoint(files.serve_private), methods=["GET"]),
        Route("/printview", api.endpoint(printview.page), methods=["GET"]),
        Route("/assets/desk/{path:path}", ui_assets(site), methods=["GET", "HEAD"]),
        Route("/status", api.endpoint(ui.status_page), methods=["GET"]),
        Route("/login", api.endpoint(ui.login_page), methods=["GET"]),
        Route("/app", api.endpoint(ui.app_page), methods=["GET"]),
        Route("/app/{rest:path}", api.endpoint(ui.app_page), methods=["GET"]),
        Route("/", api.endpoint(method.root, csrf_exempt_for=lambda r, args: str(args.get("cmd")) in CSRF_EXEMPT),
              methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_exception_handler})
    app.state.site = site
    app.add_middleware(SecurityHeaders)
    return app
