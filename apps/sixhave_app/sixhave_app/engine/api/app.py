"""The ASGI application for one site: routes, and the request lifecycle every route shares —
arguments, who is asking (token, session, CSRF), one transaction, the envelope, the error."""
from __future__ import annotations

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
from .request import read_args
from .responses import JSONReply, Reply, error_body, http_exception_handler

log = logging.getLogger("sixhave.api")
STATE_CHANGING = ("POST", "PUT", "DELETE", "PATCH")
CSRF_EXEMPT = {"login", "logout"}


class Caller:
    """What the lifecycle learned about a request, handed to handlers beside the Context."""

    def __init__(self, request: Request, args: dict, files: dict):
        self.request = request
        self.args = args
        self.files = files
        self.session: auth.Session | None = None
        self.via_token = False

    @property
    def ip(self) -> str | None:
        forwarded = self.request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[0].strip()
        return self.request.client.host if self.request.client else None


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
            if request.method in STATE_CHANGING and session.csrf_token and not csrf_exempt:
                sent = request.headers.get("x-frappe-csrf-token") or caller.args.get("csrf_token")
                if sent != session.csrf_token:
                    raise CSRFTokenError("页面已过期或请求来源无效（CSRF 令牌不符），请刷新页面后重试")
        else:
            ctx.user = users.GUEST
    ctx._roles = None


def _show_traceback(ctx) -> bool:
    if not (ctx.site.config.get("developer_mode") or ctx.site.config.get("show_tracebacks")):
        return False
    return ctx.user not in (users.GUEST, None) and "System Manager" in (ctx._roles or [])


def _apply_cookies(response: Response, reply: Reply) -> None:
    for name, (value, httponly, max_age) in reply.cookies.items():
        response.set_cookie(name, value, httponly=httponly, max_age=max_age, samesite="lax", path="/")
    for name in reply.delete_cookies:
        response.delete_cookie(name, path="/")


class Api:
    def __init__(self, site):
        self.site = site

    def endpoint(self, handler: Callable, *, csrf_exempt_for: Callable[[Request], bool] | None = None):
        async def run(request: Request) -> Response:
            try:
                args, files = await read_args(request)
            except SixhaveError as exc:
                status, body = error_body(exc, show_traceback=False)
                return JSONReply(body, status)
            exempt = bool(csrf_exempt_for and csrf_exempt_for(request))
            return await run_in_threadpool(self._run, request, Caller(request, args, files), handler, exempt)

        return run

    def _run(self, request: Request, caller: Caller, handler: Callable, csrf_exempt: bool) -> Response:
        ctx = self.site.context(user=users.GUEST, write=request.method in STATE_CHANGING or caller.args.get("cmd") == "login")
        try:
            identify(ctx, caller, csrf_exempt=csrf_exempt)
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
            _apply_cookies(response, reply)
            return response
        except Exception as exc:  # noqa: BLE001 - every failure becomes Frappe's error envelope
            if isinstance(exc, SixhaveError) and ctx.flags.get("commit_on_error"):
                ctx.commit()
            else:
                ctx.rollback()
            if not isinstance(exc, SixhaveError):
                log.exception("unhandled error in %s %s", request.method, request.url.path)
            status, body = error_body(exc, show_traceback=_show_traceback(ctx))
            response = JSONReply(body, status)
            if isinstance(exc, AuthenticationError) and request.cookies.get("sid"):
                response.delete_cookie("sid", path="/")
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

    def login_is_exempt(request: Request) -> bool:
        return request.path_params.get("method") in CSRF_EXEMPT

    routes = [
        Route("/api/resource/{doctype}", api.endpoint(resource.collection), methods=["GET", "POST"]),
        Route("/api/resource/{doctype}/{name:path}", api.endpoint(resource.member), methods=["GET", "PUT", "DELETE"]),
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
        Route("/", api.endpoint(method.root, csrf_exempt_for=lambda r: r.query_params.get("cmd") in CSRF_EXEMPT),
              methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_exception_handler})
    app.state.site = site
    return app
