"""/api/method/<dotted.path> and the legacy /?cmd=<method>."""
from __future__ import annotations

from ..errors import MethodNotAllowedError, PermissionError, ValidationError
from .. import users
from . import whitelist
from .responses import Reply


def dispatch(ctx, caller, name: str | None = None) -> Reply:
    name = name or caller.request.path_params["method"]
    fn = whitelist.resolve(ctx.site, name)
    spec = getattr(fn, whitelist.MARK)
    verb = caller.request.method
    if verb not in spec["methods"]:
        raise MethodNotAllowedError(f"方法 “{name}” 不接受 {verb} 请求（可用：{'、'.join(spec['methods'])}）",
                                    allow=list(spec["methods"]))
    if ctx.user == users.GUEST and not spec["allow_guest"]:
        raise PermissionError(f"请先登录后再调用 “{name}”")
    args = dict(caller.args)
    if caller.files:
        args["__files"] = caller.files
    ctx.flags["caller"] = caller
    result = whitelist.call(fn, ctx, args)
    return result if isinstance(result, Reply) else Reply(body=result)


def root(ctx, caller) -> Reply:
    """`/?cmd=…` behaves like /api/method/…; without cmd, `/` leads to the desk."""
    cmd = caller.args.get("cmd")
    if cmd:
        if not isinstance(cmd, str):
            raise ValidationError("cmd 无效")
        return dispatch(ctx, caller, cmd)
    from . import ui

    return ui.root_page(ctx, caller)
