"""track_changes: a Version document per save, holding a field-level diff (child rows too)."""
from __future__ import annotations

from . import changes
from .rights import hidden_fieldnames
from .values import to_json_value

SKIP = {"modified", "modified_by", "creation", "owner", "idx", "lft", "rgt", "docstatus"}


def diff(meta, ctx, before: dict, after: dict) -> dict:
    changed, added, removed, row_changed = [], [], [], []
    cells_of: dict[tuple[str, str], list] = {}  # (table, row name) → its changed cells
    for change in changes.walk(meta, before, after, ctx.meta, skip=SKIP):
        if change.table is None and not change.rows:
            changed.append([change.field.fieldname, to_json_value(change.old), to_json_value(change.new)])
        elif change.table is not None and change.stored is not None:
            key = (change.table.fieldname, change.row.get("name"))
            if key not in cells_of:
                cells_of[key] = []
                row_changed.append([key[0], change.row.get("idx"), key[1], cells_of[key]])
            cells_of[key].append([change.field.fieldname, to_json_value(change.old), to_json_value(change.new)])
    if before.get("docstatus") != after.get("docstatus"):
        changed.append(["docstatus", before.get("docstatus"), after.get("docstatus")])
    for tf in meta.table_fields:
        child_meta = ctx.meta(tf.options)
        for stored, row in changes.paired_rows(tf, before, after):
            if stored is None:
                added.append([tf.fieldname, _plain(child_meta, row)])
            elif row is None:
                removed.append([tf.fieldname, _plain(child_meta, stored)])
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
