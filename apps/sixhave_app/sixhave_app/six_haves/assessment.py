"""A branch's yearly self assessment: rows from the year's template, evidence proposals beside
the scores, totals per level, the template frozen once submitted, rectification from lost points."""
from __future__ import annotations

from sixhave_app.engine.errors import DuplicateEntryError, ValidationError
from sixhave_app.six_haves import scoring


def before_insert(doc) -> None:
    ctx = doc.ctx
    if ctx.get_value("Self Assessment", {"party_org": doc.party_org, "year": doc.year}, "name", ignore_permissions=True):
        raise DuplicateEntryError(f"{doc.party_org} 的 {doc.year} 年达标自评表已存在")
    scoring.fill_from_template(doc)
    propose(doc)


def propose(doc) -> None:
    """Evidence: each rule proposes a score from the branch's records, with the records used."""
    from sixhave_app.six_haves import evidence

    template = doc.ctx.get_doc("Scoring Template", doc.template)
    params = {item.code: item for item in template.items}
    items = [{"code": row.code, "points": row.points, "evidence_rule": params[row.code].evidence_rule,
              "evidence_params": params[row.code].evidence_params or {}} for row in doc.items
             if row.code in params and params[row.code].evidence_rule]
    proposals = evidence.propose_all(doc.ctx, doc.party_org, int(doc.year), items) if items else {}
    for row in doc.items:
        proposal = proposals.get(row.code)
        if proposal is None:
            continue
        row.proposed_score = proposal.score
        records = "、".join(r.get("label") or r.get("name") for r in proposal.records[:20])
        more = f" 等 {len(proposal.records)} 条" if len(proposal.records) > 20 else ""
        row.evidence = f"{proposal.note}" + (f"（{records}{more}）" if records else "")
        # the records themselves, so that the form can link to each one
        row.evidence_records = [{"doctype": r.get("doctype"), "name": r.get("name"), "label": r.get("label")}
                                for r in proposal.records[:50] if r.get("doctype") and r.get("name")]


def validate(doc) -> None:
    if not doc.template:
        doc.template = scoring.template_for(doc.ctx, int(doc.year))
    scoring.compute(doc)
    check_submission(doc)


def check_submission(doc) -> None:
    """A sheet leaves 草稿 only with every item self-scored; the message names the items left blank."""
    if not doc.flags.__dict__.get("workflow_transition"):
        return
    before = doc.get_original() or {}
    if (before.get("workflow_state") or "草稿") != "草稿" or doc.workflow_state in (None, "", "草稿"):
        return
    blank = [row for row in doc.items if row.self_score in (None, "")]
    if not doc.items:
        raise ValidationError("达标自评表没有评分项，不能提交")
    if blank:
        names = "、".join(f"{row.code} {row.content}" for row in blank)
        head = (f"达标自评表还没有填写任何自评得分，不能提交（共 {len(blank)} 项）" if len(blank) == len(doc.items)
                else f"有 {len(blank)} 个评分项未填写自评得分，不能提交")
        raise ValidationError(f"{head}：{names}")


def on_update(doc) -> None:
    if doc.workflow_state and doc.workflow_state != "草稿":
        scoring.freeze(doc.ctx, doc.template)  # history never changes under anyone


def on_final(doc) -> None:
    scoring.freeze(doc.ctx, doc.template)
    scoring.rectification_from(doc.ctx, doc)
