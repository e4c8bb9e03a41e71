"""Delete: refuse while other documents link here; otherwise archive to Deleted Document, from
which the document can be restored."""
from __future__ import annotations

import sqlalchemy as sa

from . import storage, tree
from .docstatus import DocStatus
from .errors import DocstatusTransitionError, DoesNotExistError, DuplicateEntryError, LinkExistsError, ValidationError
from .rights import strip_unreadable

NOT_ARCHIVED = {"Deleted Document", "Version"}
# Records about documents, not references to them: they never block a delete.
IGNORED_REFERRERS = {"Deleted Document", "Version", "Workflow Action", "Workflow History", "Notification Log"}


def referrers(ctx, doctype: str, name: str, *, limit: int = 10) -> list[tuple[str, str]]:
    """(DocType, name) of documents, not cancelled, whose Link or Dynamic Link points here."""
    found: list[tuple[str, str]] = []
    metas = ctx.site.metas
    fields_of: dict[str, list] = {}
    for source, f in metas.linking_fields(doctype, dynamic=True):
        if source not in IGNORED_REFERRERS and f.fieldname != "amended_from":
            fields_of.setdefault(source, []).append(f)
    for source, fields in fields_of.items():
        meta = metas.get(source)
        table = ctx.table(source)
        conds = [table.c[f.fieldname] == name if f.kind.link
                 else sa.and_(table.c[f.options] == doctype, table.c[f.fieldname] == name) for f in fields]
        cols = [table.c.name] + ([table.c.parenttype, table.c.parent] if meta.istable else [])
        stmt = sa.select(*cols).where(sa.or_(*conds), table.c.docstatus < DocStatus.CANCELLED).limit(limit)
        if source == doctype:
            stmt = stmt.where(table.c.name != name)
        for row in ctx.conn.execute(stmt):
            found.append((row.parenttype, row.parent) if meta.istable else (source, row.name))
        if len(found) >= limit:
            break
    return found[:limit]


def delete_doc(ctx, doctype: str, name: str, *, archive: bool = True) -> None:
    with ctx.atomic():
        _delete(ctx, doctype, name, archive)


def _delete(ctx, doctype: str, name: str, archive: bool) -> None:
    meta = ctx.meta(doctype)
    if meta.istable:
        raise ValidationError(f"{meta.display_name} 是子表，请在上级单据中删除这一行")
    doc = ctx.get_doc(doctype, name)
    ctx.before_write(doc, "delete")
    if doc.docstatus == DocStatus.SUBMITTED:
        raise DocstatusTransitionError(f"{meta.display_name} “{name}” 已提交，须先取消才能删除")
    doc.run_method("on_trash")
    links = [(dt, dn) for dt, dn in referrers(ctx, doctype, name) if not (dt == doctype and dn == name)]
    if links:
        listed = "、".join(f"{ctx.meta(dt).display_name} {dn}" for dt, dn in links)
        raise LinkExistsError(f"不能删除{meta.display_name} “{name}”：它被以下单据引用：{listed}",
                              doctype=doctype, name=name, links=links)
    if meta.is_tree:
        tree.on_delete(ctx, doc)
    if archive and doctype not in NOT_ARCHIVED:
        archived = ctx.new_doc("Deleted Document", deleted_doctype=doctype, deleted_name=name, data=doc.as_dict())
        archived.flags.ignore_permissions = True
        archived.insert()
    storage.delete(ctx, doctype, name)
    doc.run_method("after_delete")


def restore(ctx, deleted_document: str):
    """Put an archived document back under its old name; returns the restored document."""
    archive = ctx.get_doc("Deleted Document", deleted_document)
    if archive.restored:
        raise ValidationError(f"已删除单据 {deleted_document} 已经恢复过（{archive.new_name}）")
    data = dict(archive.data or {})
    doctype = data.pop("doctype", archive.deleted_doctype)
    if storage.exists(ctx, doctype, data.get("name")):
        raise DuplicateEntryError(f"{ctx.meta(doctype).display_name} “{data.get('name')}” 已存在，不能恢复")
    status = int(data.get("docstatus") or 0)
    if status == DocStatus.CANCELLED:
        data["docstatus"] = DocStatus.DRAFT
    doc = ctx.new_doc(doctype, data)
    for key in ("lft", "rgt"):
        doc.set(key, None)
    ctx.flags["keep_owner"] = True
    try:
        doc.insert()
    finally:
        ctx.flags.pop("keep_owner", None)
    if status == DocStatus.CANCELLED:
        ctx.db_set(doc, "docstatus", DocStatus.CANCELLED, update_modified=False)
    archive.restored = 1
    archive.new_name = doc.name
    archive.flags.ignore_permissions = True
    archive.save()
    return doc


def get_archive(ctx, doctype: str, name: str):
    rows = ctx.get_list("Deleted Document", filters={"deleted_doctype": doctype, "deleted_name": name, "restored": 0},
                        fields=["name"], order_by="creation desc", limit_page_length=1, ignore_permissions=True)
    if not rows:
        raise DoesNotExistError(f"没有 {doctype} “{name}” 的删除存档")
    return rows[0]["name"]


def _filter_archive(ctx, row: dict) -> None:
    """A Deleted Document's copy, as its reader may see it: fields at permission levels the
    reader cannot read on the deleted DocType are left out."""
    if "data" not in row:
        return
    doctype = row.get("deleted_doctype")
    data = row["data"]
    if not isinstance(data, dict) or not doctype or not ctx.site.metas.exists(doctype):
        row["data"] = None
        return
    row["data"] = strip_unreadable(ctx, doctype, dict(data))


def archive_conditions(ctx, doctype: str, table, ptype: str) -> list:
    """Who lists, counts, exports and reads a Deleted Document (a site query guard, so
    permissions.read_guard asks it of one row too). Its document is gone, so no row predicate of
    the deleted DocType can be asked of it (as `reference_fields` does for Version): a reader must
    be able to read the deleted DocType, and one whose reading of it is limited (a scope,
    `if_owner`, personal records) sees only the deletions they made themselves."""
    from . import ownership, permissions
    from .errors import PermissionError

    if doctype != "Deleted Document" or ownership.sees_all(ctx):
        return []
    kind = table.c.deleted_doctype
    present = [r[0] for r in ctx.conn.execute(sa.select(kind).where(kind.is_not(None)).distinct())]
    open_types, clauses = [], []
    for deleted in present:
        if not ctx.site.metas.exists(deleted) or not permissions.rights_for(ctx, deleted).has("read"):
            continue
        try:
            limited = ctx.site.permission_conditions(ctx, deleted, ctx.table(deleted), "read")
        except PermissionError:
            continue
        if limited:
            clauses.append(sa.and_(kind == deleted, table.c.owner == ctx.user))
        else:
            open_types.append(deleted)
    if open_types:
        clauses.append(kind.in_(open_types))
    return [sa.or_(*clauses)] if clauses else [sa.false()]


def install(site) -> None:
    site.row_filters["Deleted Document"] = _filter_archive
    site.query_guards.append(archive_conditions)
