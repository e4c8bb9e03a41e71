"""The permission manager: roles × DocTypes × permission levels (Custom DocPerm rows, which replace
a DocType's standard rows once it has any), users with their roles and org scopes (User
Permission on the scope tree) in one place, and "see as this user": what a user reaches, computed
by the real permission predicate in a context of that user.

Who may: whoever may write Custom DocPerm and User Permission (DocPerm; the app grants them to its
city administrator). The rules that stop an administrator who is not a System Manager from making
themselves one live in the shared mechanism (admin_guard, called by the Custom DocPerm, User,
Custom Field and Property Setter controllers, whatever the door)."""
from __future__ import annotations

from . import change_log, permissions, studio, users
from .context import Context
from .errors import DoesNotExistError, PermissionError, ValidationError
from .meta import PERM_RIGHTS

TOOL = "权限"
# what opens the tool (403 unless the user may change role rights and user scopes)
RIGHTS = studio.Rights((("Custom DocPerm", "write"), ("Custom DocPerm", "create"), ("Custom DocPerm", "delete"),
                        ("User Permission", "create"), ("User Permission", "delete")))
require, may_use = RIGHTS.require, RIGHTS.may_use
SHOWN_RIGHTS = ("read", "write", "create", "delete", "submit", "cancel", "print", "export", "import", "share")
PREVIEW_SAMPLE = 5


def _doctype(ctx, doctype) -> str:
    if ctx.meta(studio.existing_doctype(ctx, doctype)).istable:
        raise ValidationError(f"{ctx.meta(doctype).display_name} 是子表：它的权限随上级单据", field="doctype")
    return doctype


def roles(ctx) -> list[dict]:
    return ctx.get_all("Role", fields=["name", "description", "restrict_to_scope", "disabled"], order_by="name asc",
                       ignore_permissions=True)


# --------------------------------------------------------------------------- the matrix
def _custom_rows(ctx, doctype: str) -> list[dict]:
    return ctx.get_all("Custom DocPerm", filters={"parent_doctype": doctype}, fields=["*"], order_by="creation asc",
                       ignore_permissions=True)


def matrix(ctx, doctype: str) -> dict:
    doctype = _doctype(ctx, doctype)
    meta = ctx.meta(doctype)
    custom = _custom_rows(ctx, doctype)
    source = custom or [*meta.permissions, *ctx.site.hooks.permissions.get(doctype, ())]
    rows = []
    for row in source:
        out = {"role": row.get("role"), "permlevel": int(row.get("permlevel") or 0),
               "if_owner": int(bool(row.get("if_owner")))}
        out.update({r: int(bool(row.get(r))) for r in PERM_RIGHTS})
        rows.append(out)
    levels = sorted({int(f.permlevel or 0) for f in meta.fields} | {0})
    return {"doctype": doctype, "label": meta.display_name, "customised": int(bool(custom)), "rows": rows,
            "rights": list(SHOWN_RIGHTS), "levels": levels, "is_submittable": meta.is_submittable,
            "history": change_log.history(ctx, doctype, tool=TOOL)}


def save_matrix(ctx, doctype: str, rows, *, reset: bool = False) -> dict:
    """Replace the DocType's Custom DocPerm rows with `rows` (reset: none, the standard rows again)."""
    doctype = _doctype(ctx, doctype)
    meta = ctx.meta(doctype)
    clean = []
    if not reset:
        if not isinstance(rows, list) or not rows:
            raise ValidationError("请至少保留一行权限（或选择“恢复标准权限”）", field="rows")
        seen = set()
        for position, row in enumerate(rows, start=1):
            role = (row or {}).get("role") if isinstance(row, dict) else None
            if not isinstance(role, str) or not role or not ctx.exists("Role", role):
                raise ValidationError(f"第 {position} 行：角色 “{role or ''}” 不存在", field="rows")
            try:
                level = int(row.get("permlevel") or 0)
            except (TypeError, ValueError):
                level = -1
            if not 0 <= level <= 9:
                raise ValidationError(f"第 {position} 行：权限级别须为 0–9", field="rows")
            key = (role, level, int(bool(row.get("if_owner"))))
            if key in seen:
                raise ValidationError(f"第 {position} 行：角色 “{role}” 在级别 {level} 已有一行", field="rows")
            seen.add(key)
            entry = {"parent_doctype": doctype, "role": role, "permlevel": level, "if_owner": key[2]}
            entry.update({r: int(bool(row.get(r))) for r in PERM_RIGHTS})
            clean.append(entry)
    rec = change_log.Recorder(ctx)
    for old in _custom_rows(ctx, doctype):
        before = rec.before("Custom DocPerm", old["name"])
        ctx.delete_doc("Custom DocPerm", old["name"])
        rec.done("Custom DocPerm", old["name"], before)
    for entry in clean:
        doc = ctx.new_doc("Custom DocPerm", entry)
        doc.insert()
        rec.done("Custom DocPerm", doc.name, None)
    rec.save(title=f"{meta.display_name}：{'恢复标准权限' if reset else '修改角色权限'}", ref_doctype=doctype, tool=TOOL)
    return matrix(ctx, doctype)


# --------------------------------------------------------------------------- users
def _scope_doctype(ctx) -> str:
    scopes = ctx.site.hooks.scope_doctypes
    if not scopes:
        raise ValidationError("本站点没有组织范围（scope_doctypes）")
    return scopes[0]


def user_list(ctx, txt: str | None = None, limit: int = 50) -> list[dict]:
    filters = [["name", "not in", [users.GUEST]]]
    or_filters = [["name", "like", f"%{txt}%"], ["full_name", "like", f"%{txt}%"]] if txt else None
    rows = ctx.get_all("User", filters=filters, or_filters=or_filters, fields=["name", "full_name", "enabled"],
                       order_by="name asc", limit_page_length=limit, ignore_permissions=True)
    names = [r["name"] for r in rows] or [""]
    has = ctx.get_all("Has Role", filters=[["parent", "in", names], ["parenttype", "=", "User"]],
                      fields=["parent", "role"], ignore_permissions=True)
    scopes = ctx.get_all("User Permission", filters=[["user", "in", names]],
                         fields=["name", "user", "allow", "for_value"], ignore_permissions=True)
    for row in rows:
        row["roles"] = [h["role"] for h in has if h["parent"] == row["name"]]
        row["scopes"] = [s for s in scopes if s["user"] == row["name"]]
    return rows


def user_detail(ctx, user: str) -> dict:
    if not user or not ctx.exists("User", user):
        raise DoesNotExistError(f"用户 “{user}” 不存在", doctype="User", name=user)
    rows = user_list(ctx, None, 100000)
    return next(r for r in rows if r["name"] == user)


def set_roles(ctx, user: str, wanted) -> dict:
    """A user's roles; the escalation rule (permissions.guard_escalation) runs in the User save."""
    detail = user_detail(ctx, user)
    if not isinstance(wanted, list) or not all(isinstance(r, str) for r in wanted):
        raise ValidationError("角色须为角色名的列表", field="roles")
    for role in wanted:
        if not ctx.exists("Role", role):
            raise ValidationError(f"角色 “{role}” 不存在", field="roles")
    rec = change_log.Recorder(ctx)
    before = rec.before("User", user)
    doc = change_log.system_get(ctx, "User", user)
    doc.set("roles", [{"role": r} for r in dict.fromkeys(wanted)])
    doc.flags.ignore_permissions = True  # the studio's right (require) was checked; only roles change here
    doc.save()  # User.validate runs admin_guard.check_role_change: no one makes a System Manager but one
    rec.done("User", user, before)
    rec.save(title=f"用户 {detail['full_name'] or user}：角色改为 {'、'.join(wanted) or '（无）'}", ref_doctype=None, tool="用户")
    return user_detail(ctx, user)


def add_scope(ctx, user: str, for_value: str) -> dict:
    user_detail(ctx, user)
    allow = _scope_doctype(ctx)
    if not for_value or not ctx.exists(allow, for_value):
        raise ValidationError(f"{ctx.meta(allow).display_name} “{for_value or ''}” 不存在", field="for_value")
    rec = change_log.Recorder(ctx)
    doc = ctx.new_doc("User Permission", {"user": user, "allow": allow, "for_value": for_value, "apply_to_all_doctypes": 1})
    # the tool's right was checked (require); the User link is another person's, which only a System
    # Manager may read through the REST door (User is personal)
    doc.flags.ignore_permissions = True
    doc.insert()
    rec.done("User Permission", doc.name, None)
    rec.save(title=f"用户 {user}：增加范围 {for_value}", ref_doctype=None, tool="用户")
    return user_detail(ctx, user)


def remove_scope(ctx, name: str) -> dict:
    if not name or not ctx.exists("User Permission", name):
        raise ValidationError(f"范围 “{name or ''}” 不存在", field="name")
    rec = change_log.Recorder(ctx)
    before = rec.before("User Permission", name)
    ctx.delete_doc("User Permission", name)
    rec.done("User Permission", name, before)
    rec.save(title=f"用户 {before['user']}：去掉范围 {before['for_value']}", ref_doctype=None, tool="用户")
    return user_detail(ctx, before["user"])


# --------------------------------------------------------------------------- see as this user
def preview(ctx, user: str) -> dict:
    """What `user` reaches: per DocType they may read, the count and a few titles — through
    the same permission predicate (rights, scope, if_owner, personal records) as every list, in a
    context of that user on this request's own connection and transaction."""
    user_detail(ctx, user)
    if user == users.ADMIN:
        raise ValidationError("Administrator 可以访问一切，无须预览", field="user")
    other = Context(ctx.site, user=user, write=False)
    other._conn, other._tx = ctx.conn, ctx._tx  # same transaction: sees what was just changed
    out = []
    for name in ctx.site.metas.all_names():
        meta = ctx.meta(name)
        if meta.istable or meta.issingle:
            continue
        rights = permissions.rights_for(other, name)
        if not rights.has("read"):
            continue
        try:
            count = other.get_count(name)
            fields = ["name"] + ([meta.title_field] if meta.title_field and meta.get_field(meta.title_field)
                                 and meta.get_field(meta.title_field).has_column else [])
            readable = permissions.readable_fieldnames(other, name)
            fields = [f for f in fields if readable is None or f in readable or f == "name"]
            sample = other.get_list(name, fields=fields, limit_page_length=PREVIEW_SAMPLE, order_by="modified desc")
        except PermissionError:
            continue
        level0 = rights.levels.get(0, {})
        out.append({"doctype": name, "label": meta.display_name, "count": count,
                    "rights": [r for r in SHOWN_RIGHTS if r in level0],
                    "owner_only": [r for r, only in level0.items() if only],
                    "sample": [{"name": r["name"], "title": str(r.get(meta.title_field) or r["name"])} for r in sample]})
    out.sort(key=lambda r: (-r["count"], r["label"]))
    return {"user": user, "roles": other.roles, "unrestricted": int(permissions.is_unrestricted(other)),
            "scope": [{"allow": r.allow, "for_value": r.for_value} for r in permissions.scope_rules(other)],
            "doctypes": out}

