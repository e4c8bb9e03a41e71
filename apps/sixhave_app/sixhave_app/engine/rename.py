"""Renaming a document: its row, its child rows, and every Link and Dynamic Link that names it."""
from __future__ import annotations

from . import storage
from .errors import DuplicateEntryError, PermissionError, ValidationError


def rename_doc(ctx, doctype: str, old: str, new: str, *, merge: bool = False) -> str:
    meta = ctx.meta(doctype)
    new = (new or "").strip()
    if not new:
        raise ValidationError(f"{meta.display_name}：新名称不能为空")
    if new == old:
        return new
    if not meta.get("allow_rename") and ctx.user != "Administrator" and not ctx.ignore_permissions:
        raise PermissionError(f"{meta.display_name} 不允许重命名")
    doc = ctx.get_doc(doctype, old)
    ctx.before_write(doc, "update", before=doc.as_dict(convert=False))
    if merge:
        raise ValidationError(f"{meta.display_name}：暂不支持合并")
    if storage.exists(ctx, doctype, new):
        raise DuplicateEntryError(f"{meta.display_name} “{new}” 已存在", doctype=doctype, name=new)
    with ctx.atomic():
        storage.rename(ctx, doctype, old, new)
        if meta.autoname.startswith("field:"):
            field = meta.autoname[6:].strip()
            table = ctx.table(doctype)
            ctx.conn.execute(table.update().where(table.c.name == new).values({field: new}))
        _update_links(ctx, doctype, old, new)
    return new


def _update_links(ctx, doctype: str, old: str, new: str) -> None:
    for source, f in ctx.site.metas.linking_fields(doctype, dynamic=True):
        table = ctx.table(source)
        col = table.c[f.fieldname]
        if f.kind.link:
            ctx.conn.execute(table.update().where(col == old).values({f.fieldname: new}))
        else:
            ctx.conn.execute(table.update().where(col == old, table.c[f.options] == doctype).values({f.fieldname: new}))
    version = ctx.table("Version")
    ctx.conn.execute(version.update().where(version.c.ref_doctype == doctype, version.c.docname == old).values(docname=new))
    files = ctx.table("File")
    ctx.conn.execute(files.update().where(files.c.attached_to_doctype == doctype, files.c.attached_to_name == old)
                     .values(attached_to_name=new))
    ctx.site.perm_cache.clear()
    ctx.forget_reads()
