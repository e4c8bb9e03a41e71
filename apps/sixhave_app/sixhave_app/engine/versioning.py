"""track_changes: a Version document per save, holding a field-level diff (child rows too)."""
from __future__ import annotations

from .rights import hidden_fieldnames
from .values import same, to_json_value

SKIP = {"modified", "modified_by", "creation", "owner", "idx", "lft", "rgt", "docstatus"}


def diff(meta, ctx, before: dict, after: dict) -> dict:
    changed = [[f.fieldname, to_json_value(before.get(f.fieldname)), to_json_value(after.get(f.fieldname))]
               for f in meta.data_fields
               if f.fieldname not in SKIP and not same(before.get(f.fieldname), after.get(f.fieldname))]
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
                     if f.fieldname not in SKIP and not same(old_rows[name].get(f.fieldname), row.get(f.fieldname))]
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


def visible_diff(ctx, ref_doctype: str, data) -> dict | None:
    """A Version's diff as the reader may see it: changes of fields (and child columns) at
    permission levels the reader cannot read on `ref_doctype` are left out."""
    if not isinstance(data, dict) or not ref_doctype or not ctx.site.metas.exists(ref_doctype):
        return None
    meta = ctx.meta(ref_doctype)
    hidden = hidden_fieldnames(ctx, ref_doctype)
    child_hidden = {tf.fieldname: hidden_fieldnames(ctx, tf.options, parent=ref_doctype) for tf in meta.table_fields}

    def row(table: str, values: dict) -> dict:
        return {k: v for k, v in (values or {}).items() if k not in child_hidden.get(table, ())}

    return {
        "changed": [c for c in data.get("changed") or [] if c and c[0] not in hidden],
        "added": [[t, row(t, r)] for t, r in data.get("added") or [] if t not in hidden],
        "removed": [[t, row(t, r)] for t, r in data.get("removed") or [] if t not in hidden],
        "row_changed": [[t, idx, name, kept] for t, idx, name, cells in data.get("row_changed") or [] if t not in hidden
                        for kept in [[c for c in cells if c[0] not in child_hidden.get(t, ())]] if kept],
    }


def _filter_version(ctx, row: dict) -> None:
    if "data" in row:
        data = row["data"]
        if isinstance(data, str):
            import json

            try:
                data = json.loads(data)
            except ValueError:
                data = None
        row["data"] = visible_diff(ctx, row.get("ref_doctype"), data)


def install(site) -> None:
    """Version rows reach readers only through visible_diff (lists, exports and GET alike)."""
    site.row_filters["Version"] = _filter_version
