"""Records that belong to a person, and child rows that belong to a document.

Personal records. A DocType whose JSON names `personal_field` — a field holding a User, or several
separated by commas (`owner` and `name` allowed) — holds records that belong to the users named
there: a notification's `for_user`, a to-do's `allocated_to` (and its `owner`, who assigned it), a
User record's own `name`. Whatever the role rights say, such a record is read, listed, counted,
exported, linked to, written and deleted only by a user it belongs to, by a System Manager and by
system work. The rule is a predicate added to every query (`conditions`) and a test of one row
(`belongs`), both used by permissions.py; no list of DocTypes lives in code.

Records about a document. A DocType whose JSON names `reference_fields` — its DocType field and
its name field, e.g. "reference_doctype,reference_name" (Workflow History, Comment) or
"ref_doctype,docname" (Version) — holds rows about other documents: whatever the role rights say,
a row is listed, counted, exported and read only by a user who may read the document it is about
(`reference_conditions`, `reference_readable`). System Managers and system work see all.

Child rows. A child DocType has no rights of its own: a row is read only through its parent. A
query on a child DocType (lists, counts, get_value) keeps the rows whose parent the user may read
— the parent's own predicate, for each DocType that holds the child — and a request for one row
by name is answered only if its parent may be read (otherwise 404).
"""
from __future__ import annotations

import sqlalchemy as sa

from .errors import DoesNotExistError, PermissionError
from .rights import parent_doctypes, rights_for
from .users import ADMIN

SEES_ALL = frozenset({"System Manager"})


def personal_fields(meta) -> list[str]:
    value = meta.get("personal_field") or ""
    return [f.strip() for f in str(value).split(",") if f.strip()]


def sees_all(ctx) -> bool:
    return bool(ctx.ignore_permissions or ctx.user == ADMIN or SEES_ALL & set(ctx.roles))


def conditions(ctx, meta, table) -> list:
    """The rows of a personal DocType that belong to the user (nothing to add for others)."""
    fields = personal_fields(meta)
    if not fields or sees_all(ctx):
        return []
    return [sa.or_(*[table.c[f] == ctx.user for f in fields if f in table.c])]


def belongs(ctx, meta, values: dict) -> bool:
    fields = personal_fields(meta)
    if not fields or sees_all(ctx):
        return True
    return any(values.get(f) == ctx.user for f in fields)


def reference_fields(meta) -> tuple[str, str] | None:
    value = [f.strip() for f in str(meta.get("reference_fields") or "").split(",") if f.strip()]
    return (value[0], value[1]) if len(value) == 2 else None


def reference_conditions(ctx, meta, table) -> list:
    """Rows about documents the user may read: for each DocType the rows refer to, the names that
    DocType's own predicate (rights, scope, owner, personal) lets the user read."""
    fields = reference_fields(meta)
    if not fields or sees_all(ctx):
        return []
    dt_col, name_col = table.c[fields[0]], table.c[fields[1]]
    present = [r[0] for r in ctx.conn.execute(sa.select(dt_col).where(dt_col.is_not(None)).distinct())]
    ctx.flags["statement_built_from_data"] = True  # query.BUILT_FROM_DATA: the DocTypes present now
    clauses = []
    for number, doctype in enumerate(sorted(present)):
        if not ctx.site.metas.exists(doctype) or doctype == meta.name:
            continue
        target = ctx.meta(doctype)
        rights = rights_for(ctx, doctype)
        if target.istable or not rights.has("read"):
            continue
        if target.issingle:
            clauses.append(dt_col == doctype)
            continue
        about = ctx.table(doctype).alias(f"about_{number}")
        try:
            inner = ctx.site.permission_conditions(ctx, doctype, about, "read")
        except PermissionError:
            continue
        clauses.append(sa.and_(dt_col == doctype,
                               sa.exists(sa.select(about.c.name).where(about.c.name == name_col, *inner))))
    return [sa.or_(*clauses)] if clauses else [sa.false()]


def reference_readable(ctx, meta, values: dict) -> bool:
    """One row about a document: the user may read that document (its read guard decides)."""
    fields = reference_fields(meta)
    if not fields or sees_all(ctx):
        return True
    doctype, name = values.get(fields[0]), values.get(fields[1])
    if not isinstance(doctype, str) or not ctx.site.metas.exists(doctype) or doctype == meta.name \
            or ctx.meta(doctype).istable:
        return False
    try:
        ctx.get_doc(doctype, name if not ctx.meta(doctype).issingle else doctype)
    except (PermissionError, DoesNotExistError):
        return False
    return True


def child_conditions(ctx, child: str, table, ptype: str) -> list:
    """Rows of child DocType `child` whose parent the user may read, whichever DocType holds it."""
    clauses = []
    for parent in parent_doctypes(ctx, child):
        rights = rights_for(ctx, parent)
        if not (rights.has("read") or rights.has("select")):
            continue
        holder = ctx.table(parent).alias(f"parent_of_{len(clauses)}")
        try:
            inner = ctx.site.permission_conditions(ctx, parent, holder, "read")
        except PermissionError:
            continue
        fields = [tf.fieldname for tf in ctx.meta(parent).table_fields if tf.options == child]
        clauses.append(sa.and_(table.c.parenttype == parent, table.c.parentfield.in_(fields),
                               sa.exists(sa.select(holder.c.name).where(holder.c.name == table.c.parent, *inner))))
    if not clauses:
        meta = ctx.meta(child)
        raise PermissionError(f"没有权限：{ctx.user} 不能查看{meta.display_name}（子表只能随可查看的上级单据读取）",
                              doctype=child, ptype=ptype)
    return [sa.or_(*clauses)]


def check_child_row(ctx, doc) -> None:
    """One child row asked for by name: its parent must exist, hold it, and be readable."""
    parenttype, parent = doc.get("parenttype"), doc.get("parent")
    if not parenttype or not parent or parenttype not in parent_doctypes(ctx, doc.doctype):
        raise DoesNotExistError(f"{doc.meta.display_name} “{doc.name}” 不存在", doctype=doc.doctype, name=doc.name)
    try:
        ctx.get_doc(parenttype, parent)  # the parent's read guard: right, scope, owner, personal
    except (PermissionError, DoesNotExistError):
        raise DoesNotExistError(f"{doc.meta.display_name} “{doc.name}” 不存在", doctype=doc.doctype, name=doc.name) from None
