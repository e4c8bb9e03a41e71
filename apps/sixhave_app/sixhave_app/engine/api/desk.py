"""What the desk (the browser interface) asks of the engine, under Frappe's method names where
Frappe has one: metadata as a user may see it (`frappe.desk.form.load.getdoctype`), a document
with its history and what the user may change in it now (`getdoc`), the boot info, the search
box, comments, password change and the user's own display preferences.

Nothing here is a side door: every read goes through the same permission predicate as
/api/resource, and what the desk is told may be edited is what the save-time guards allow."""
from __future__ import annotations

import json

from .. import permissions, users, versioning, workflow
from ..errors import AuthenticationError, DoesNotExistError, PermissionError, ValidationError
from ..meta import PERM_RIGHTS
from . import resource
from .responses import Reply
from .whitelist import whitelist

LANGUAGES = ("zh", "en")
SEARCH_PER_DOCTYPE = 4


# --------------------------------------------------------------------------- metadata
def _readable_levels(ctx, doctype: str) -> set[int] | None:
    if ctx.ignore_permissions or ctx.user == users.ADMIN:
        return None
    return permissions.rights_for(ctx, doctype).readable_levels() | {0}


def _can_read(ctx, doctype: str) -> bool:
    meta = ctx.meta(doctype)
    if meta.istable:
        return any(_can_read(ctx, parent) for parent in _parents_of(ctx, doctype))
    if ctx.user == users.ADMIN:
        return True
    rights = permissions.rights_for(ctx, doctype)
    return rights.has("read") or rights.has("select")


def _parents_of(ctx, child: str) -> list[str]:
    out = []
    for name in ctx.site.metas.all_names():
        meta = ctx.meta(name)
        if not meta.istable and any(f.options == child for f in meta.table_fields):
            out.append(name)
    return out


def _my_rights(ctx, doctype: str) -> dict:
    """Rights per permission level, as {level: {right: 1}} (if_owner rights say "owner")."""
    if ctx.user == users.ADMIN:
        levels = {int(p.get("permlevel") or 0) for p in ctx.meta(doctype).permissions} | {0}
        return {str(lvl): {r: 1 for r in PERM_RIGHTS} for lvl in sorted(levels)}
    rights = permissions.rights_for(ctx, doctype)
    return {str(lvl): {r: ("owner" if owner_only else 1) for r, owner_only in granted.items()}
            for lvl, granted in sorted(rights.levels.items())}


def _workflow_meta(ctx, doctype: str) -> dict | None:
    wf = workflow.active_definition(ctx, doctype)
    if wf is None:
        return None
    roles = set(ctx.roles) | ({users.ADMIN} if ctx.user == users.ADMIN else set())
    meta = ctx.meta(doctype)
    scope = meta.get_field(wf.scope_field) if wf.scope_field else None
    return {"name": wf.name, "state_field": wf.state_field, "initial": wf.initial,
            "scope_field": wf.scope_field, "scope_doctype": scope.options if scope is not None else None,
            "states": [{"state": s.state, "doc_status": s.doc_status, "style": s.style, "phase": s.phase}
                       for s in wf.states],
            "transitions": [{"state": t.state, "action": t.action, "next_state": t.next_state,
                             "comment_required": int(t.comment_required), "mine": int(t.allowed in roles)}
                            for t in wf.transitions]}


def meta_for_user(ctx, doctype: str) -> dict:
    """A DocType's merged definition (Custom Fields and Property Setters applied) without the
    fields at permission levels the user may not read, plus the user's rights on it."""
    meta = ctx.meta(doctype)
    data = meta.as_dict()
    levels = _readable_levels(ctx, doctype if not meta.istable else (_parents_of(ctx, doctype) or [doctype])[0])
    if levels is not None:
        data["fields"] = [f for f in data["fields"] if int(f.get("permlevel") or 0) in levels]
    # the input the desk shows for a type it has no component of its own for (an app's type names
    # the engine type it borrows, FieldType.desk): the desk's one map of types stays the engine's
    for f in data["fields"]:
        kind = ctx.site.field_types.get(f.get("fieldtype"))
        if kind is not None and kind.desk:
            f["__widget"] = kind.desk
    data["doctype"] = "DocType"
    data.pop("permissions", None)
    if not meta.istable:
        data["__perm"] = _my_rights(ctx, doctype)
        data["__workflow"] = _workflow_meta(ctx, doctype)
    return data


def _frappe_reply(payload: dict) -> Reply:
    """Frappe answers these calls with top-level keys ({"docs": …, "docinfo": …}); the same payload
    is also under "message" for clients that read every method's answer there."""
    return Reply(body=payload, extra=payload)


@whitelist(methods=("GET", "POST"))
def getdoctype(ctx, doctype=None, with_parent=None, cached_timestamp=None, **kwargs) -> Reply:
    """Frappe's `frappe.desk.form.load.getdoctype`: {"docs": [the DocType, its child DocTypes]}."""
    if not doctype or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在", doctype="DocType", name=doctype)
    if not _can_read(ctx, doctype):
        raise PermissionError(f"没有权限：{ctx.user} 不能查看{ctx.meta(doctype).display_name}", doctype=doctype)
    docs = [meta_for_user(ctx, doctype)]
    seen = {doctype}
    for f in docs[0]["fields"]:
        child = f.get("options")
        kind = ctx.site.field_types.get(f.get("fieldtype"))
        if kind is not None and kind.table and child not in seen:
            seen.add(child)
            child_meta = meta_for_user(ctx, child)
            levels = _readable_levels(ctx, doctype)
            if levels is not None:
                child_meta["fields"] = [c for c in child_meta["fields"] if int(c.get("permlevel") or 0) in levels]
            docs.append(child_meta)
    return _frappe_reply({"docs": docs, "user_settings": "{}"})


# --------------------------------------------------------------------------- one document
def editable(ctx, doc) -> dict:
    """What the user may change in this document now, as the save-time guards will judge it:
    permission levels, docstatus (allow_on_submit) and the workflow state's editable fields."""
    meta = doc.meta
    none = {"fields": [], "tables": {}}
    try:
        permissions.check(ctx, doc.doctype, "write", doc)
    except (PermissionError, DoesNotExistError):
        return none
    if doc.docstatus == 2:
        return none
    if ctx.user == users.ADMIN:
        writable = None
    else:
        writable = permissions.rights_for(ctx, doc.doctype).writable_levels()
    allowed = None  # None: no workflow limit
    wf = workflow.active_definition(ctx, doc.doctype)
    if wf is not None and ctx.user != users.ADMIN:
        spec = wf.state(workflow.current_state(wf, doc.as_dict(convert=False)))
        roles = set(ctx.roles)
        if spec is not None and spec.editable_fields:
            allowed = set()
            for role in roles:
                allowed |= set(spec.editable_fields.get(role) or [])
        elif spec is not None and spec.allow_edit:
            allowed = None if spec.allow_edit in roles else set()

    def ok(f, key: str) -> bool:
        if writable is not None and f.permlevel not in writable:
            return False
        if doc.docstatus == 1 and not f.allow_on_submit:
            return False
        return allowed is None or key in allowed

    fields = [f.fieldname for f in meta.data_fields if ok(f, f.fieldname)]
    tables = {}
    for tf in meta.table_fields:
        child = ctx.meta(tf.options)
        child_fields = [c.fieldname for c in child.data_fields
                        if ok(c, f"{tf.fieldname}.{c.fieldname}") or (allowed is not None and f"{tf.fieldname}.*" in allowed
                                                                      and (writable is None or c.permlevel in writable))]
        rows = ok(tf, f"{tf.fieldname}.*")
        if child_fields or rows:
            tables[tf.fieldname] = {"rows": int(rows), "fields": child_fields}
    return {"fields": fields, "tables": tables}


def _doc_rights(ctx, doc) -> dict:
    out = {}
    for right in ("read", "write", "create", "delete", "submit", "cancel", "amend", "print", "export", "report"):
        out[right] = int(permissions.has_permission(ctx, doc.doctype, right, doc))
    return out


def docinfo(ctx, doc) -> dict:
    ref = {"reference_doctype": doc.doctype, "reference_name": doc.name}
    attachments = ctx.get_all("File", filters={"attached_to_doctype": doc.doctype, "attached_to_name": doc.name},
                              fields=["name", "file_name", "file_url", "is_private", "file_size", "attached_to_field",
                                      "owner", "creation"], order_by="creation desc", ignore_permissions=True)
    comments = ctx.get_all("Comment", filters=ref, fields=["name", "comment_type", "content", "comment_email",
                                                           "comment_by", "creation"],
                           order_by="creation desc", ignore_permissions=True)
    versions = []
    if doc.meta.get("track_changes") or doc.meta.track_changes:
        for row in ctx.get_all("Version", filters={"ref_doctype": doc.doctype, "docname": doc.name},
                               fields=["name", "owner", "creation", "data"], order_by="creation desc",
                               limit_page_length=100, ignore_permissions=True):
            data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"] or "{}")
            row["data"] = versioning.visible_diff(ctx, doc.doctype, data) or {}
            if any(row["data"].values()):
                versions.append(row)
    history = ctx.get_all("Workflow History", filters=ref,
                          fields=["name", "from_state", "action", "to_state", "user", "role", "comment", "creation"],
                          order_by="creation asc", ignore_permissions=True)
    names = {r["user"] for r in history} | {c["comment_email"] for c in comments if c.get("comment_email")} \
        | {v["owner"] for v in versions} | {doc.get("owner"), doc.get("modified_by")}
    full_names = {u["name"]: u["full_name"] or u["name"] for u in
                  ctx.get_all("User", filters=[["name", "in", [n for n in names if n]]], fields=["name", "full_name"],
                              ignore_permissions=True)} if any(names) else {}
    transitions = workflow.get_transitions(ctx, doc)
    return {"doctype": doc.doctype, "name": doc.name, "attachments": attachments, "comments": comments,
            "versions": versions, "workflow_history": history, "permissions": _doc_rights(ctx, doc),
            "editable": editable(ctx, doc), "transitions": transitions, "user_names": full_names}


@whitelist(methods=("GET", "POST"))
def getdoc(ctx, doctype=None, name=None, **kwargs) -> Reply:
    """Frappe's `frappe.desk.form.load.getdoc`: {"docs": [doc], "docinfo": {…}}."""
    if not doctype or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在", doctype="DocType", name=doctype)
    if not name:
        raise ValidationError("请指定单据编号 (name)")
    doc = ctx.get_doc(doctype, name)  # read right and scope (404 when out of scope)
    return _frappe_reply({"docs": [resource.doc_json(ctx, doc)], "docinfo": docinfo(ctx, doc)})


@whitelist(methods=("POST",))
def add_comment(ctx, reference_doctype=None, reference_name=None, content=None, comment_email=None,
                comment_by=None, **kwargs) -> dict:
    """Frappe's `frappe.desk.form.utils.add_comment`: whoever may read a document may comment on it.
    The comment is stored and shown as plain text, and always under the caller's own name."""
    if not reference_doctype or not ctx.site.metas.exists(reference_doctype) or not reference_name:
        raise ValidationError("请指定要评论的单据")
    text = (content or "").strip()
    if not text:
        raise ValidationError("评论内容不能为空", field="content")
    if len(text) > 5000:
        raise ValidationError("评论过长（最多 5000 字）", field="content")
    ctx.get_doc(reference_doctype, reference_name)  # read right and scope
    full_name = ctx.get_value("User", ctx.user, "full_name", ignore_permissions=True) or ctx.user
    comment = ctx.new_doc("Comment", comment_type="Comment", reference_doctype=reference_doctype,
                          reference_name=reference_name, content=text, comment_email=ctx.user, comment_by=full_name)
    comment.flags.ignore_permissions = True  # permitted by the read right on the document above
    comment.insert()
    return comment.as_dict()


# --------------------------------------------------------------------------- boot
def _sidebar(ctx) -> list[dict]:
    readable = []
    for name in ctx.site.metas.all_names():
        meta = ctx.meta(name)
        if meta.istable or meta.issingle and False:
            continue
        try:
            if not (ctx.user == users.ADMIN or permissions.rights_for(ctx, name).has("read")):
                continue
        except DoesNotExistError:
            continue
        readable.append(meta)
    by_name = {m.name: m for m in readable}
    groups, placed = [], set()
    for label, names in ctx.site.hooks.desk_sections.items():
        items = [_sidebar_item(ctx, by_name[n]) for n in names if n in by_name]
        placed |= {n for n in names if n in by_name}
        if items:
            groups.append({"label": label, "doctypes": items})
    modules: dict[str, list] = {}
    for meta in readable:
        if meta.name not in placed:
            modules.setdefault(meta.module, []).append(_sidebar_item(ctx, meta))
    for module, items in modules.items():
        groups.append({"label": ctx.site.hooks.module_labels.get(module, module), "module": module,
                       "doctypes": sorted(items, key=lambda i: i["name"])})
    return groups


def _sidebar_item(ctx, meta) -> dict:
    rights = _my_rights(ctx, meta.name).get("0", {})
    return {"name": meta.name, "label": meta.display_name, "can_create": int(bool(rights.get("create"))),
            "is_submittable": meta.is_submittable, "issingle": meta.issingle,
            "has_workflow": int(workflow.active_definition(ctx, meta.name) is not None)}


@whitelist(methods=("GET",))
def boot(ctx, **kwargs) -> dict:
    """Who I am and what the desk may offer me: roles, preferences, the DocTypes I may read
    grouped for the sidebar, and the session's CSRF token (the desk sends it on every change)."""
    from .. import auth

    user = ctx.user
    info = ctx.get_value("User", user, ["full_name", "language", "desk_large_text", "desk_high_contrast", "email"],
                         as_dict=True, ignore_permissions=True) or {}
    caller = ctx.flags.get("caller")
    token = None
    if caller is not None and caller.session is not None:
        token = auth.ensure_csrf_token(ctx, caller.session)
    return {"user": user, "full_name": info.get("full_name") or user, "email": info.get("email"),
            "roles": [r for r in ctx.roles if r not in ("All", users.GUEST)],
            "language": info.get("language") if info.get("language") in LANGUAGES else "zh",
            "large_text": int(info.get("desk_large_text") or 0), "high_contrast": int(info.get("desk_high_contrast") or 0),
            "unrestricted": int(permissions.is_unrestricted(ctx)),
            "scope": [{"allow": r.allow, "for_value": r.for_value} for r in permissions.scope_rules(ctx)],
            "sidebar": _sidebar(ctx), "csrf_token": token}


@whitelist(methods=("POST",))
def save_preferences(ctx, language=None, large_text=None, high_contrast=None, **kwargs) -> dict:
    """The user's own display preferences (language, 大字, high contrast): stored on their User."""
    values = {}
    if language is not None:
        if language not in LANGUAGES:
            raise ValidationError(f"不支持的语言 “{language}”（可选：zh、en）", field="language")
        values["language"] = language
    for key, field in (("large_text", "desk_large_text"), ("high_contrast", "desk_high_contrast")):
        value = locals()[key]
        if value is not None:
            values[field] = 1 if str(value).lower() in ("1", "true", "yes", "on") else 0
    if values:
        table = ctx.table("User")
        ctx.conn.execute(table.update().where(table.c.name == ctx.user).values(**values))
    return values


# --------------------------------------------------------------------------- search box
@whitelist(methods=("GET", "POST"))
def search(ctx, txt=None, limit=None, **kwargs) -> list:
    """Records whose name, title or search fields contain `txt`, in every DocType the user may
    read (through the same list predicate as everything else), a few per DocType."""
    txt = (txt or "").strip()
    if len(txt) < 1:
        return []
    try:
        per = max(1, min(int(limit or SEARCH_PER_DOCTYPE), 10))
    except (TypeError, ValueError):
        per = SEARCH_PER_DOCTYPE
    out = []
    for group in _sidebar(ctx):
        for item in group["doctypes"]:
            meta = ctx.meta(item["name"])
            if meta.issingle:
                continue
            fields = ["name"] + [f for f in meta.search_fields if f != "name" and meta.has_field(f)]
            if meta.title_field and meta.title_field not in fields and meta.has_field(meta.title_field):
                fields.append(meta.title_field)
            readable = permissions.readable_fieldnames(ctx, meta.name)
            if readable is not None:
                fields = [f for f in fields if f in readable]
            try:
                rows = ctx.get_list(meta.name, fields=fields, or_filters=[[f, "like", f"%{txt}%"] for f in fields],
                                    limit_page_length=per)
            except PermissionError:
                continue
            for row in rows:
                title = row.get(meta.title_field) if meta.title_field else None
                out.append({"doctype": meta.name, "doctype_label": meta.display_name, "name": row["name"],
                            "title": str(title) if title not in (None, "") else row["name"]})
    return out


# --------------------------------------------------------------------------- password
@whitelist(methods=("POST",))
def update_password(ctx, new_password=None, old_password=None, logout_all_sessions=None, key=None, **kwargs) -> dict:
    """Frappe's `frappe.core.doctype.user.user.update_password`, for the signed-in user: the
    old password is required; other sessions of the user end (`auth.set_password`)."""
    from .. import auth

    if ctx.user in (users.GUEST, None):
        raise AuthenticationError("请先登录")
    if not old_password or not users.check_password(ctx, ctx.user, old_password):
        raise ValidationError("原密码不正确", field="old_password")
    new_password = new_password or ""
    if len(new_password) < 8:
        raise ValidationError("新密码至少需要 8 个字符", field="new_password")
    if new_password == old_password:
        raise ValidationError("新密码不能与原密码相同", field="new_password")
    if not (any(c.isalpha() for c in new_password) and any(c.isdigit() for c in new_password)):
        raise ValidationError("新密码须同时包含字母和数字", field="new_password")
    auth.set_password(ctx, ctx.user, new_password)  # ends the user's other sessions, keeps this one
    caller = ctx.flags.get("caller")
    auth.log_activity(ctx, user=ctx.user, status="Success", ip=caller.ip if caller else None,
                      subject=f"{ctx.user} 修改密码", operation="Login")
    return {"message": "密码已修改"}
