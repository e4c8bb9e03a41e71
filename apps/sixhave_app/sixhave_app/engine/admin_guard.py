"""What an administrator who is not a System Manager may not do, whichever door they use (the
studio, /api/resource, fixtures import): make anyone a System Manager or change a System
Manager's roles, or customise the engine's own DocTypes (module Core: users, roles, permissions,
DocType itself). Called from the Custom Field, Property Setter, Custom DocPerm and User
controllers, so the rule holds for every way of writing them."""
from __future__ import annotations

from .errors import PermissionError
from .users import ADMIN

SYSTEM_ROLES = frozenset({"System Manager", "Administrator"})
CORE_MODULE = "Core"


def is_system_manager(ctx) -> bool:
    return ctx.ignore_permissions or ctx.user == ADMIN or "System Manager" in ctx.roles


def check_core_customisation(ctx, doctype: str | None, what: str) -> None:
    """Customising a Core DocType (who may log in, hold which role, see what) is a System Manager's."""
    if not doctype or is_system_manager(ctx) or not ctx.site.metas.exists(doctype):
        return
    if ctx.meta(doctype).module == CORE_MODULE:
        raise PermissionError(f"没有权限：只有系统管理员可以{what}系统自身的单据类型 “{ctx.meta(doctype).display_name}”",
                              doctype=doctype)


def check_role_change(ctx, doc) -> None:
    """A user's roles: only a System Manager grants or takes System Manager, or touches the roles
    of a user who is one."""
    if is_system_manager(ctx):
        return
    before = doc.get_original() or {}
    old = {r.get("role") for r in before.get("roles") or []}
    new = {r.get("role") for r in doc.get("roles") or []}
    if old == new:
        return
    if (old | new) & SYSTEM_ROLES or doc.name == ADMIN:
        raise PermissionError(f"没有权限：只有系统管理员可以授予或修改系统管理员的角色（用户 {doc.name}）",
                              doctype="User", name=doc.name)
