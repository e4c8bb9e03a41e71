"""The workflow editor's server side: check an edited definition and show what it would do to the
documents already in flight (counts per state, which would be orphaned), then save it — with the
mapping of removed states — in one transaction. The definition is checked by the same
`workflow.validate_definition` every save of a Workflow goes through (every state reachable, every
condition parsed and run on a sample document, no transition to a missing state)."""
from __future__ import annotations

import sqlalchemy as sa

from . import studio, workflow
from .api.request import parse_json_arg
from .api.whitelist import whitelist
from .errors import SixhaveError, ValidationError

DEFINITION_KEYS = ("workflow_name", "document_type", "is_active", "workflow_state_field", "scope_field",
                   "scope_level_field", "override_status", "send_email_alert", "states", "transitions")


def _definition(doc) -> dict:
    data = parse_json_arg(doc, "doc")
    if not isinstance(data, dict):
        raise ValidationError("请提交流程定义（doc：含 states 与 transitions 的对象）", field="doc")
    for key in ("states", "transitions"):
        if not isinstance(data.get(key) or [], list):
            raise ValidationError(f"流程定义的 {key} 应为列表", field=key)
        for i, row in enumerate(data.get(key) or [], start=1):
            if not isinstance(row, dict):
                raise ValidationError(f"流程定义的 {key} 第 {i} 行应为对象", field=key)
    return data


def _remap(value) -> dict:
    remap = parse_json_arg(value, "remap") or {}
    if not isinstance(remap, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in remap.items()):
        raise ValidationError("状态迁移（remap）应为 {\"旧状态\": \"新状态\"}", field="remap")
    return {k: v for k, v in remap.items() if v}


def counts(ctx, doctype: str, state_field: str) -> dict[str, int]:
    """Documents of `doctype` per workflow state (every document, whoever may see it: the
    administrator changes the workflow for all of them)."""
    if not ctx.site.metas.exists(doctype) or not ctx.meta(doctype).has_field(state_field):
        return {}
    table = ctx.table(doctype)
    rows = ctx.conn.execute(sa.select(table.c[state_field], sa.func.count()).group_by(table.c[state_field])).all()
    return {(r[0] or ""): int(r[1]) for r in rows}


def impact(ctx, data: dict, remap: dict) -> dict:
    """What saving `data` does to the documents in flight, and whether it may be saved."""
    error = None
    try:
        wf = workflow.validate_definition(ctx, data)
    except SixhaveError as exc:
        error, wf = exc.message, workflow.definition_from(data)
    new_states = {s.state for s in wf.states}
    current = counts(ctx, wf.document_type, wf.state_field) if wf.document_type else {}
    old_states, old_status = [], {}
    name = data.get("name") or data.get("workflow_name")
    if name and ctx.exists("Workflow", name):
        for s in ctx.get_doc("Workflow", name).as_dict(convert=False).get("states") or []:
            old_states.append(s["state"])
            old_status[s["state"]] = int(s.get("doc_status") or 0)
    rows, orphaned = [], []
    for state in list(dict.fromkeys(old_states + [s.state for s in wf.states] + sorted(current))):
        count = current.get(state, 0)
        kept = state in new_states or (state == "" and bool(wf.states))
        target = None if kept else remap.get(state)
        row = {"state": state or wf.initial, "count": count, "kept": kept, "removed": not kept,
               "added": state not in old_states and state in new_states and bool(old_states), "target": target}
        rows.append(row)
        if not kept and count:
            orphaned.append(row)
            if target and target not in new_states:
                error = error or f"迁移目标状态 “{target}” 不在新流程中"
            elif target and wf.state(target).doc_status != old_status.get(state, 0):
                error = error or (f"状态 “{state}” 的单据不能迁到 “{target}”：两者的单据状态（草稿/已提交/已取消）不同，"
                                  "迁移不能提交或取消单据")
    missing = [r["state"] for r in orphaned if not r["target"]]
    if missing and not error:
        error = f"以下状态将被删除但仍有单据：{'、'.join(missing)}，请为它们选择迁往的状态"
    return {"ok": error is None, "error": error, "states": rows, "orphaned": orphaned,
            "total": sum(current.values()), "document_type": wf.document_type}


@whitelist(methods=("POST",))
def preview(ctx, doc=None, remap=None, **kwargs) -> dict:
    studio.require(ctx, "workflow")
    return impact(ctx, _definition(doc), _remap(remap))


@whitelist(methods=("POST",))
def save(ctx, doc=None, remap=None, **kwargs) -> dict:
    """Save the definition (new or changed) and move the documents of removed states, all or nothing."""
    studio.require(ctx, "workflow")
    data, mapping = _definition(doc), _remap(remap)
    result = impact(ctx, data, mapping)
    if not result["ok"]:
        raise ValidationError(result["error"])
    values = {k: data[k] for k in DEFINITION_KEYS if k in data}
    name = data.get("name") or data.get("workflow_name")
    with ctx.atomic():
        if name and ctx.exists("Workflow", name):
            record = ctx.get_doc("Workflow", name)
            record.update(values)
        else:
            record = ctx.new_doc("Workflow", values)
        used = {r["state"]: r["target"] for r in result["orphaned"]}
        record.set("remap_states", used or None)
        record.save() if not record.is_new() else record.insert()
    moved = {state: next(r["count"] for r in result["orphaned"] if r["state"] == state) for state in used}
    return {"name": record.name, "moved": moved, "doc": record.as_dict()}
