"""The studio's change log: every change an administrator makes through the studio (a field
added, a label changed, a permission row, a user's roles) is one `Customization Change` record
holding each touched document before and after. Who and when are the record's owner and
creation. Reverting puts every touched document back as it was before, through the normal
insert / save / delete (validation, permissions, schema), and is itself a recorded change.

Nothing here knows which tool made the change: it works on any DocType's documents."""
from __future__ import annotations

import json

from . import storage
from .errors import PermissionError, ValidationError
from .fixtures import _clean

LOG = "Customization Change"


def snapshot(ctx, doctype: str, name: str | None) -> dict | None:
    """A document as plain JSON values without the volatile columns; None when it is absent."""
    if not name or not storage.exists(ctx, doctype, name):
        return None
    data = _clean(system_get(ctx, doctype, name).as_dict())
    data["doctype"] = doctype
    return data


def system_get(ctx, doctype: str, name: str):
    """A document read for the studio, whose tool right was checked by the caller (a city
    administrator's tool may touch documents, e.g. a User's roles, they may not read otherwise)."""
    saved, ctx.ignore_permissions = ctx.ignore_permissions, True
    try:
        return ctx.get_doc(doctype, name)
    finally:
        ctx.ignore_permissions = saved


class Recorder:
    """Collects the before/after of the documents one studio action touches."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.changes: list[dict] = []

    def before(self, doctype: str, name: str | None) -> dict | None:
        return snapshot(self.ctx, doctype, name)

    def done(self, doctype: str, name: str | None, before: dict | None) -> None:
        after = snapshot(self.ctx, doctype, name)
        if after != before:
            self.changes.append({"doctype": doctype, "name": name or (before or {}).get("name"),
                                 "before": before, "after": after})

    def save(self, *, title: str, ref_doctype: str | None, tool: str, reverts: str | None = None) -> str | None:
        if not self.changes:
            return None
        log = self.ctx.new_doc(LOG, title=title[:240], ref_doctype=ref_doctype, tool=tool,
                               changes=self.changes, reverts=reverts)
        log.flags.ignore_permissions = True  # the studio action itself was checked; the log follows it
        log.insert()
        return log.name


def history(ctx, ref_doctype: str | None = None, *, tool: str | None = None, limit: int = 50) -> list[dict]:
    filters = {}
    if ref_doctype:
        filters["ref_doctype"] = ref_doctype
    if tool:
        filters["tool"] = tool
    rows = ctx.get_all(LOG, filters=filters, fields=["name", "title", "ref_doctype", "tool", "owner", "creation",
                                                     "changes", "reverts", "reverted_by"],
                       order_by="creation desc", limit_page_length=limit, ignore_permissions=True)
    names = {r["owner"] for r in rows}
    full = {u["name"]: u["full_name"] or u["name"] for u in ctx.get_all(
        "User", filters=[["name", "in", list(names) or [""]]], fields=["name", "full_name"], ignore_permissions=True)}
    for row in rows:
        changes = row["changes"] if isinstance(row["changes"], list) else json.loads(row["changes"] or "[]")
        row["changes"] = [{**c, "diff": diff(c.get("before"), c.get("after"))} for c in changes]
        row["owner_name"] = full.get(row["owner"], row["owner"])
    return rows


def diff(before: dict | None, after: dict | None) -> list[list]:
    """[[key, before, after], …] for the keys that differ (a document added or removed: all)."""
    before, after = before or {}, after or {}
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in ("doctype", "name")]
    return [[k, before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)]


def revert(ctx, name: str, *, allowed) -> str | None:
    """Undo one logged change: every document it touched goes back to its "before". Refused when
    a later change (not itself reverted) touched the same documents: undo that one first.
    `allowed(tool)` is the caller's check of the right to the tool that made the change; the
    documents are then written as that tool writes them (validation and admin_guard still run)."""
    if not ctx.exists(LOG, name):
        raise ValidationError(f"修改记录 “{name}” 不存在", field="name")
    log = ctx.get_doc(LOG, name)
    if log.reverted_by:
        raise ValidationError(f"这项修改已于记录 “{log.reverted_by}” 撤销过了", field="name")
    changes = log.changes if isinstance(log.changes, list) else json.loads(log.changes or "[]")
    touched = {(c["doctype"], c["name"]) for c in changes}
    if log.reverts:
        raise ValidationError("这是一条撤销记录：要恢复，请重新做那项修改", field="name")
    # later changes still in force (a revert record only brings a document back to before a change)
    later = ctx.get_all(LOG, filters=[["creation", ">", log.creation], ["reverted_by", "is", "not set"],
                                      ["reverts", "is", "not set"], ["name", "!=", log.name]],
                        fields=["name", "title", "changes"], order_by="creation asc", ignore_permissions=True)
    for row in later:
        theirs = row["changes"] if isinstance(row["changes"], list) else json.loads(row["changes"] or "[]")
        if touched & {(c["doctype"], c["name"]) for c in theirs}:
            raise ValidationError(f"之后的修改“{row['title']}”也改动了同一项，请先撤销它")
    if not allowed(log.tool):
        raise PermissionError(f"没有权限撤销“{log.tool}”的修改")
    recorder = Recorder(ctx)
    for change in reversed(changes):
        doctype, docname, before = change["doctype"], change["name"], change.get("before")
        prior = recorder.before(doctype, docname)
        restore(ctx, doctype, docname, before)
        recorder.done(doctype, docname, prior)
    new = recorder.save(title=f"撤销：{log.title}", ref_doctype=log.ref_doctype, tool="撤销", reverts=log.name)
    ctx.db_set(log, "reverted_by", new or "（无变化）", update_modified=False)
    return new


def restore(ctx, doctype: str, name: str, values: dict | None) -> None:
    """Make the document `name` equal `values` (None: remove it) through the normal lifecycle."""
    exists = storage.exists(ctx, doctype, name)
    if values is None:
        if exists:
            saved, ctx.ignore_permissions = ctx.ignore_permissions, True  # revert() checked the tool's right
            try:
                ctx.delete_doc(doctype, name)
            finally:
                ctx.ignore_permissions = saved
        return
    data = {k: v for k, v in values.items() if k != "doctype"}
    if exists:
        doc = system_get(ctx, doctype, name)
        for key in list(doc.as_dict(convert=False)):
            if key not in data and key not in ("name", "doctype", "owner", "creation", "modified", "modified_by",
                                                "docstatus", "idx", "parent", "parenttype", "parentfield"):
                data.setdefault(key, None)
        doc.update(data)
        doc.flags.ignore_permissions = True
        doc.save()
    else:
        doc = ctx.new_doc(doctype, data)
        doc.flags.ignore_permissions = True
        doc.insert()

