"""Login, logout and who am I: Frappe's method names, our sessions."""
from __future__ import annotations

from urllib.parse import quote

from .. import auth, users
from ..errors import AuthenticationError, PermissionError
from .responses import Reply
from .whitelist import whitelist


def session_cookies(ctx, session: auth.Session) -> dict:
    max_age = int(auth.max_age(ctx.site).total_seconds())
    system = session.data.get("user_type", "System User") == "System User"
    return {"sid": (session.sid, True, max_age),
            "user_id": (quote(session.user), False, max_age),
            "full_name": (quote(session.data.get("full_name") or session.user), False, max_age),
            "system_user": ("yes" if system else "no", False, max_age),
            "user_image": ("", False, max_age)}


@whitelist(methods=("POST",), allow_guest=True)
def login(ctx, usr: str | None = None, pwd: str | None = None, **kwargs) -> Reply:
    if not usr or not pwd:
        raise AuthenticationError("请输入用户名和密码")
    caller = ctx.flags.get("caller")
    ip = caller.ip if caller else None
    user = auth.authenticate(ctx, usr, pwd, ip)
    session = auth.create_session(ctx, user, ip=ip)
    if kwargs.get("__ui"):
        auth.ensure_csrf_token(ctx, session)
    return Reply(body="Logged In", cookies=session_cookies(ctx, session),
                 extra={"home_page": "/app", "full_name": session.data.get("full_name")})


@whitelist(methods=("POST",), allow_guest=True)
def logout(ctx, **kwargs) -> Reply:
    """POST only: a link or an image on another page must not sign anyone out."""
    caller = ctx.flags.get("caller")
    if caller and caller.session:
        auth.delete_session(ctx, caller.session.sid)
        auth.log_activity(ctx, user=caller.session.user, status="Success", ip=caller.ip,
                          subject=f"{caller.session.user} 退出", operation="Logout")
    return Reply(body=None, delete_cookies=["sid", "user_id", "full_name", "system_user", "user_image"])


@whitelist(methods=("GET", "POST"))
def get_logged_user(ctx) -> str:
    return ctx.user


@whitelist(methods=("GET", "POST"), allow_guest=True)
def ping(ctx) -> str:
    return "pong"


@whitelist(methods=("POST",))
def generate_keys(ctx, user: str | None = None) -> dict:
    """A new API secret for `user` (an administrator's act, or a user's own)."""
    user = user or ctx.user
    if user != ctx.user and "System Manager" not in ctx.roles and ctx.user != users.ADMIN:
        raise PermissionError("只有系统管理员可以为其他用户生成 API 密钥")
    return auth.generate_keys(ctx, user)
