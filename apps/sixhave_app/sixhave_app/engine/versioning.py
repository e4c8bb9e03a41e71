"""track_changes: a Version document per save, holding a field-level diff (child rows too)."""
from __future__ import annotations

from .document import _same, to_json_value

SKIP = {"modified", "modified_by", "creation", "owner", "idx", "lft", "rgt", "docstatus"}


def diff(meta, ctx, before: dict, after: dict) -> dict:
    changed = [[f.fieldname, to_json_value(before.get(f.fieldname)), to_json_value(after.get(f.fieldname))]
               for f in meta.data_fields
               if f.fieldname not in SKIP and not _same(before.get(f.fieldname), after.get(f.fieldname))]
    if before.get("docstatus") != after.get("docstatus"):
        changed.append(["docstatus", before.get("docstatus"), after.get("docstatus")])
    added, removed, row_changed = [], [], []
    for tf in meta.table_fields:
        child_meta = ctx.meta(tf.options)
        old_rows = {r.get("name"): r for r in before.get(tf.fieldname) or []}
        new_rows = {r.get("name"): r for r in after.get(tf.fieldname) or []}
        for name, row in new_rows.items():
            if name not in old_rows:
                added.append([tf.fieldname, _plain(child_meta, row)])
                continue
            cells = [[f.fieldname, to_json_value(old_rows[name].get(f.fieldname)), to_json_value(row.get(f.fieldname))]
                     for f in child_meta.data_fields
                     if f.fieldname not in SKIP and not _same(old_rows[name].get(f.fieldname), row.get(f.fieldname))]
            if cells:
                row_changed.append([tf.fieldname, row.get("idx"), name, cells])
        for name, row in old_rows.items():
            if name not in new_rows:
                removed.append([tf.fieldname, _plain(child_meta, row)])
    return {"changed": changed, "added": added, "removed": removed, "row_changed": row_changed}


def _plain(meta, row: dict) -> dict:
    out = {"name": row.get("name"), "idx": row.get("idx")}
    out.update({f.fieldname: to_json_value(row.get(f.fieldname)) for f in meta.data_fields if row.get(f.fieldname) is not None})
    return out


def record(ctx, doc, before: dict) -> None:
    data = diff(doc.meta, ctx, before, doc.as_dict(convert=False))
    if not any(data.values()):
        return
    version = ctx.new_doc("Version", ref_doctype=doc.doctype, docname=doc.name, data=data)
    version.flags.ignore_permissions = True  # the record of a permitted save, not a user's own write
    version.insert()
