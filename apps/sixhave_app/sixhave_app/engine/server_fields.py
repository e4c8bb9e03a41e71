"""Server-owned fields: the columns only the server writes, whatever a client sends.

`owner`, `creation`, `modified`, `modified_by`, `docstatus`, `idx`, a child row's `parent`,
`parenttype`, `parentfield` and `name`, a tree's `lft`, `rgt` and `old_parent`, and the `name` of
a DocType whose naming rule does not let people choose names. Every insert and save passes
through `claim_on_insert` / `claim_on_update` (called by Document), so no door — REST, the
`frappe.client` family, the legacy `cmd`, imports, workflow actions — can place a value there.

Server code that must keep such values (restoring a deleted document, fixtures, migrations) runs
with `ignore_permissions` (or `doc.flags.restoring`): a trusted write. Even then, tree bounds
are always computed by tree.py and never taken from the document.
"""
from __future__ import annotations

import sqlalchemy as sa

from . import naming
from .docstatus import DocStatus
from .errors import DocstatusTransitionError, DoesNotExistError

TREE_OWNED = ("lft", "rgt", "old_parent")


def trusted(doc) -> bool:
    """A write by server code on its own authority (not on behalf of a client's values)."""
    flags = doc.flags.__dict__
    return bool(doc.ctx.ignore_permissions or flags.get("ignore_permissions") or flags.get("restoring"))


def claim_on_insert(doc) -> None:
    """Before a new document is named and validated: drop what only the server may choose."""
    meta = doc.meta
    values = doc.values()
    if meta.is_tree:
        for key in TREE_OWNED:
            values[key] = None  # tree.on_insert places the node
    values["idx"] = 0
    if trusted(doc):
        return
    if doc.docstatus != DocStatus.DRAFT and not doc.flags.__dict__.get("submitting"):
        raise DocstatusTransitionError(f"{meta.display_name}：新单据只能保存为草稿；提交须通过“提交”操作（或审批流程）",
                                       field="docstatus")
    # A data import keeps the IDs of its rows (Frappe's in_import) where no counter makes names,
    # so that an exported list comes back as the same documents and no series can be blocked.
    importing = doc.flags.__dict__.get("importing") and not naming.uses_counter(meta)
    if not naming.client_may_name(meta) and not importing:
        values.pop("name", None)
        values.pop("__newname", None)
    for key in ("owner", "creation", "modified", "modified_by"):
        values.pop(key, None)
    amended_from = values.get("amended_from")
    if amended_from:
        _check_amended_from(doc, amended_from)
    for rows in doc._rows.values():
        for row in rows:
            for key in ("owner", "creation", "modified", "modified_by") + (() if importing else ("name",)):
                row.values().pop(key, None)


def _check_amended_from(doc, amended_from) -> None:
    """An amendment names itself after a cancelled document (X-1, X-2…): never after any other."""
    table = doc.ctx.table(doc.doctype)
    status = doc.ctx.conn.execute(sa.select(table.c.docstatus).where(table.c.name == amended_from)).scalar()
    if status is None:
        raise DoesNotExistError(f"{doc.meta.display_name} “{amended_from}” 不存在", doctype=doc.doctype, name=amended_from)
    if int(status) != DocStatus.CANCELLED:
        raise DocstatusTransitionError(f"{doc.meta.display_name} “{amended_from}” 未取消，不能据此修订", field="amended_from")


def claim_on_update(doc, before: dict) -> None:
    """Before a save: the stored values of server-owned columns win over whatever was set."""
    values = doc.values()
    for key in ("owner", "creation", "idx") + (TREE_OWNED if doc.meta.is_tree else ()):
        if key in before:
            values[key] = before.get(key)
    if trusted(doc):
        return
    flags = doc.flags.__dict__
    if doc.docstatus != int(before.get("docstatus") or 0) and not (flags.get("submitting") or flags.get("cancelling")):
        raise DocstatusTransitionError(f"{doc.meta.display_name}：单据状态只能通过“提交”或“取消”改变", field="docstatus")
    for tf in doc.meta.table_fields:
        stored = {r.get("name") for r in before.get(tf.fieldname) or []}
        for row in doc.get(tf.fieldname) or []:
            if row.values().get("name") not in stored:
                # a row the client calls by another row's name is a new row of this document
                for key in ("name", "owner", "creation"):
                    row.values().pop(key, None)


def stamp_children(doc, now, *, new: bool, before: dict | None) -> None:
    """Child rows' server-owned columns: parent link and order from their place in the document,
    creation and owner from the stored row (or now and the user, for a new row)."""
    user = doc.ctx.user
    for fieldname, rows in doc._rows.items():
        stored = {r.get("name"): r for r in (before or {}).get(fieldname) or []} if not new else {}
        for i, row in enumerate(rows, start=1):
            row.values().update(parent=doc.name, parenttype=doc.doctype, parentfield=fieldname, idx=i,
                                docstatus=doc.docstatus, modified=now, modified_by=user)
            if not row.values().get("name"):
                row.values()["name"] = naming.random_hash(16)
            prior = stored.get(row.values()["name"])
            if prior is not None:
                row.values()["creation"] = prior.get("creation") or now
                row.values()["owner"] = prior.get("owner") or user
            else:
                row.values()["creation"] = now
                row.values()["owner"] = user
