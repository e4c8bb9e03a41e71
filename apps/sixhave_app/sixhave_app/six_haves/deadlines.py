"""Deadlines that drive the yearly cycle: after a phase's deadline (plan §四) a submission to the
city needs the city to reopen the item first — recorded with who reopened it, why and until when.

Deadlines hold in the years the city opened (a Programme Year record gives their dates).
What counts as a submission: a workflow action that moves a document forward out of a state of
the 动员部署, 自查摸底 or 申报 phase (the branch's 提交, the district's 通过/推荐), submitting a Self
Check, and recording an Implementation Plan. Returns (退回) are never blocked."""
from __future__ import annotations

import datetime as dt

from sixhave_app.engine import workflow
from sixhave_app.engine.errors import ValidationError
from sixhave_app.engine.workflow_queue import is_return
from sixhave_app.six_haves import programme

SUBMISSION_PHASES = ("动员部署", "自查摸底", "申报")
# Documents without a workflow whose creation (or submission) is the submission of a phase.
PHASE_OF = {"Implementation Plan": "动员部署", "Self Check": "自查摸底"}
CITY_ROLES = ("市级管理员", "市级审核员")


def reopening_for(ctx, doc, phase: str) -> dict | None:
    """An open reopening for this document (or, with no document named, for its org)."""
    today = ctx.today()
    rows = ctx.get_all("Deadline Reopening", filters=[["reference_doctype", "=", doc.doctype], ["phase", "=", phase],
                                                      ["until", ">=", today]],
                       fields=["name", "reference_name", "org", "reason", "reopened_by", "until"],
                       order_by="until desc", ignore_permissions=True)
    org = doc.get("org")
    for row in rows:
        if row["reference_name"] and row["reference_name"] == doc.name:
            return row
        if not row["reference_name"] and org and row["org"] == org:
            return row
    return None


def _refuse(doc, phase: str, due: dt.date) -> None:
    what = f"{doc.meta.display_name}{' “' + doc.name + '”' if doc.name else ''}"
    raise ValidationError(f"已过{phase}截止日期（{due}），{what}不能再提交；请市级管理员先“重开”此项（写明理由），然后再提交")


def guard(doc, method=None) -> None:
    """validate hook (every DocType): refuse a late submission unless the city reopened it."""
    ctx = doc.ctx
    if doc.flags.__dict__.get("ignore_deadline") or doc.meta.istable:
        return
    year = programme.year_of(doc)
    if not year:
        return
    if doc.doctype in PHASE_OF:
        phase = PHASE_OF[doc.doctype]
        before = doc.get_original()
        submitting = before is None if doc.doctype == "Implementation Plan" else \
            (doc.docstatus == 1 and int((before or {}).get("docstatus") or 0) == 0)
        if not submitting:
            return
    elif doc.flags.__dict__.get("workflow_transition"):
        wf = workflow.active_definition(ctx, doc.doctype)
        before = doc.get_original() or {}
        from_state = workflow.current_state(wf, before)
        to_state = doc.get(wf.state_field)
        spec = wf.state(from_state)
        if spec is None or spec.phase not in SUBMISSION_PHASES or from_state == to_state \
                or is_return(wf, from_state, to_state) or wf.state(to_state).doc_status == 2:
            return
        phase = spec.phase
    else:
        return
    if programme.programme_year(ctx, year) is None:
        return  # a year the city has not opened has no deadlines to hold anyone to
    due = programme.deadline(ctx, year, phase)
    if due is None or ctx.today() <= due:
        return
    if reopening_for(ctx, doc, phase):
        return
    _refuse(doc, phase, due)


def validate_reopening(doc) -> None:
    ctx = doc.ctx
    if not doc.reason or not str(doc.reason).strip():
        raise ValidationError("请填写重开理由")
    if not doc.reference_doctype or not ctx.site.metas.exists(doc.reference_doctype):
        raise ValidationError(f"单据类型 “{doc.reference_doctype}” 不存在")
    if doc.reference_name:
        if not ctx.exists(doc.reference_doctype, doc.reference_name):
            raise ValidationError(f"{doc.reference_doctype} “{doc.reference_name}” 不存在")
        values = ctx.get_value(doc.reference_doctype, doc.reference_name, ["org", "year"], as_dict=True,
                               ignore_permissions=True) or {}
        doc.org = doc.org or values.get("org")
        doc.year = doc.year or values.get("year")
    before = doc.get_original()
    if before is None:
        doc.reopened_by = ctx.user
        doc.reopened_on = ctx.now()
    else:  # who reopened it, and when, never change afterwards
        doc.reopened_by, doc.reopened_on = before.get("reopened_by"), before.get("reopened_on")
    until = programme._date(doc.until)
    if until and until < ctx.today():
        raise ValidationError(f"重开至（{until}）不能早于今天（{ctx.today()}）")


def reopen(ctx, doctype: str, name: str | None, reason: str, until=None, org: str | None = None,
           phase: str | None = None, year: int | None = None):
    """The city reopens one item (or an org's submission of a kind) after its deadline."""
    values = {}
    if name:
        values = ctx.get_value(doctype, name, ["org", "year"], as_dict=True) or {}
    year = int(year or values.get("year") or programme.open_year(ctx))
    phase = phase or PHASE_OF.get(doctype) or _phase_of_state(ctx, doctype, name)
    until = programme._date(until) or ctx.today() + dt.timedelta(days=7)
    return ctx.new_doc("Deadline Reopening", reference_doctype=doctype, reference_name=name or None,
                       org=org or values.get("org"), year=year, phase=phase, reason=reason, until=until).insert()


def _phase_of_state(ctx, doctype: str, name: str | None) -> str:
    wf = workflow.active_definition(ctx, doctype)
    if wf and name:
        state = ctx.get_value(doctype, name, wf.state_field, ignore_permissions=True)
        spec = wf.state(state or wf.initial)
        if spec and spec.phase in SUBMISSION_PHASES:
            return spec.phase
    return "申报"
