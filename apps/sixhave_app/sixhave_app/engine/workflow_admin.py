"""Saving a Workflow definition: validated as a whole, one active workflow per DocType, the state
field added as a Custom Field on activation, and no document ever stranded in a removed state."""
from __future__ import annotations

import json

import sqlalchemy as sa

from . import versions, workflow
from .errors import MetaError


def _definition_dict(doc) -> dict:
    return doc.as_dict(convert=False)


def validate(doc) -> None:
    ctx = doc.ctx
    wf = workflow.validate_definition(ctx, _definition_dict(doc))
    if doc.is_active:
        table = ctx.table("Workflow")
        other = ctx.conn.execute(sa.select(table.c.name).where(table.c.document_type == wf.document_type,
                                                               table.c.is_active == 1, table.c.name != doc.name)).scalar()
        if other:
            raise MetaError(f"{ctx.meta(wf.document_type).display_name} 已有启用的流程 “{other}”，同一单据类型只能启用一个流程")
    before = doc.get_original()
    if not before:
        return
    removed = {s.get("state") for s in before.get("states") or []} - {s.state for s in wf.states}
    remap = _remap(doc)
    meta = ctx.meta(wf.document_type)
    if not removed or not meta.has_field(wf.state_field):
        return
    table = ctx.table(wf.document_type)
    for state in sorted(removed):
        waiting = ctx.conn.execute(sa.select(sa.func.count()).where(table.c[wf.state_field] == state)).scalar()
        if not waiting:
            continue
        target = remap.get(state)
        if not target:
            raise MetaError(f"流程 “{doc.name}”：还有 {waiting} 份单据处于状态 “{state}”，不能删除该状态；"
                            f"请在“状态迁移”(remap_states) 中指定把它们迁到哪个状态")
        if wf.state(target) is None:
            raise MetaError(f"流程 “{doc.name}”：迁移目标状态 “{target}” 不在新流程中")


def _remap(doc) -> dict:
    value = doc.get("remap_states")
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value or {}


def on_update(doc) -> None:
    ctx = doc.ctx
    wf = workflow.definition_from(_definition_dict(doc))
    if doc.is_active:
        ensure_state_field(ctx, wf)
    remap = _remap(doc)
    if remap and ctx.meta(wf.document_type).has_field(wf.state_field):
        table = ctx.table(wf.document_type)
        actions = ctx.table("Workflow Action")
        for old, new in remap.items():
            scope = table.c[wf.scope_field] if wf.scope_field and wf.scope_field in table.c else sa.null()
            moved = ctx.conn.execute(sa.select(table.c.name, scope).where(table.c[wf.state_field] == old)).all()
            if not moved:
                continue
            ctx.conn.execute(table.update().where(table.c[wf.state_field] == old).values({wf.state_field: new}))
            ctx.conn.execute(actions.update().where(actions.c.reference_doctype == wf.document_type,
                                                    actions.c.workflow_state == old, actions.c.status == "Open")
                             .values(workflow_state=new))
            _record_moves(ctx, wf, doc.name, moved, old, new)
        doc.db_set("remap_states", None, update_modified=False)
    if doc.is_active:
        refresh_queue(ctx, wf)
    versions.bump_version(ctx, "perm")  # cached definitions are void


def refresh_queue(ctx, wf) -> None:
    """Open review-queue items follow the changed definition: the roles that may act in each
    state are the new ones (an item no role can act on any more is completed)."""
    table = ctx.table("Workflow Action")
    roles_by_state = {s.state: sorted({t.allowed for t in wf.outgoing(s.state)}) for s in wf.states}
    rows = ctx.conn.execute(sa.select(table.c.name, table.c.workflow_state)
                            .where(table.c.reference_doctype == wf.document_type, table.c.status == "Open")).all()
    # queue items are the system's bookkeeping of a permitted change of the workflow
    previous, ctx.ignore_permissions = ctx.ignore_permissions, True
    try:
        for name, state in rows:
            wanted = roles_by_state.get(state)
            if wanted is None:
                continue
            item = ctx.get_doc("Workflow Action", name)
            if sorted(r.role for r in item.permitted_roles) == wanted:
                continue
            if wanted:
                item.set("permitted_roles", [{"role": r} for r in wanted])
            else:
                item.status = "Completed"
                item.completed_on = ctx.now()
                item.completed_by = ctx.user
            item.save()
    finally:
        ctx.ignore_permissions = previous


REMAP_ACTION = "流程调整"


def _record_moves(ctx, wf, workflow_name: str, names: list, old: str, new: str) -> None:
    """Each moved document's history says it was moved, by whom and why (its timeline shows it)."""
    scoped = wf.scope_field and ctx.meta("Workflow History").has_field(wf.scope_field)
    for name, org in names:
        history = ctx.new_doc("Workflow History", reference_doctype=wf.document_type, reference_name=name,
                              from_state=old, action=REMAP_ACTION, to_state=new, user=ctx.user,
                              comment=f"审批流程 “{workflow_name}” 删除了状态 “{old}”，单据迁至 “{new}”")
        if scoped:
            history.set(wf.scope_field, org)
        history.flags.ignore_permissions = True
        history.insert()


def on_trash(doc) -> None:
    versions.bump_version(doc.ctx, "perm")


def ensure_state_field(ctx, wf) -> None:
    """The workflow's state lives in a field of the DocType; add it as a Custom Field if absent."""
    meta = ctx.meta(wf.document_type)
    if meta.has_field(wf.state_field):
        return
    field = ctx.new_doc("Custom Field", dt=wf.document_type, fieldname=wf.state_field, label="审批状态",
                        fieldtype="Data", read_only=1, in_list_view=1, in_standard_filter=1, search_index=1,
                        allow_on_submit=1, no_copy=1,
                        insert_after=meta.title_field or (meta.data_fields[0].fieldname if meta.data_fields else None))
    field.flags.ignore_permissions = True
    field.insert()
