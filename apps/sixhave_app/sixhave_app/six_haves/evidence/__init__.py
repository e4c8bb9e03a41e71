"""Evidence: what a branch's own records for the assessment year say about a rubric item.

Each item of the yearly scoring template may name a rule with parameters (rubric-default.yaml's
`evidence: {rule: ..., <params>}`, stored as the item's `evidence_rule` / `evidence_params`). A rule
reads the branch's records for the year and proposes a score with the records it used and a short
note; people still set the scores.

    rule(ctx, branch, year, points, **params) -> Proposal

`RULES` maps the names the rubric uses to the rules. `propose` runs one rule; `propose_all` runs a
template's items for one branch and `propose_many` for many, loading each kind of record once (one
query per kind for all the branches) however many items read it.

Scoring: where the standard is a share (months with collective study, members talked with) the
score is that share of the points; where it is a yes/no fact, all or nothing. Scores are cut (not
rounded up) to 0.1, so full points are proposed only for full evidence, and never exceed the points.

Dates: states (term, committee, secretary's age) are judged at the year's end, as the plan's
yearly assessment asks. Periods (months, quarters) that have not begun by `as_of` (default: today,
for the current year) are not counted, and the one in progress counts only once it is satisfied,
so that a self-check in July is not marked down for December.
"""
from __future__ import annotations

import datetime as dt
import inspect
from typing import Any, Callable

from sixhave_app.engine.errors import ValidationError
from .basics import BATCH, Proposal  # noqa: F401
from .records import YearRecords, _chunks  # noqa: F401
from .rules import RULES, _as_mapping  # noqa: F401

from .basics import *  # noqa: F401,F403
from .records import *  # noqa: F401,F403
from .rules import *  # noqa: F401,F403
from .basics import _TAGS, _cut, _md, _names, _points  # noqa: F401 - helpers the alerts share
from .records import _branch_record, _chunks, _group, _meeting_record, _member_record  # noqa: F401 - helpers the alerts share
from .rules import _as_mapping, _check_fields, _committee_record, _kind_list, _missing_fields, _secretary  # noqa: F401 - helpers the alerts share

def rule_for(name: str, code: str | None = None) -> Callable[..., Proposal]:
    rule = RULES.get((name or "").strip())
    if rule is None:
        where = f"评分项 {code} 的" if code else ""
        raise ValidationError(f"{where}佐证规则 “{name}” 不存在（可用：{'、'.join(RULES)}）", rule=name)
    return rule


def _params(params, rule_name: str, rule) -> dict:
    params = _as_mapping(params, "evidence_params") if params else {}
    if not isinstance(params, dict):
        raise ValidationError(f"佐证规则 {rule_name} 的参数应为对象（键值对）")
    params = {k: v for k, v in params.items() if k != "rule"}
    accepted = [p for p in inspect.signature(rule).parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    unknown = set(params) - {p.name for p in accepted}
    if unknown:
        raise ValidationError(f"佐证规则 {rule_name} 不接受参数 {'、'.join(sorted(unknown))}", rule=rule_name)
    missing = [p.name for p in accepted if p.default is inspect.Parameter.empty and p.name not in params]
    if missing:
        raise ValidationError(f"佐证规则 {rule_name} 缺少参数 {'、'.join(missing)}", rule=rule_name)
    return params


def _item_rule(item: dict) -> tuple[str | None, Any]:
    """An item's rule and parameters, from a template row (evidence_rule / evidence_params) or from
    the rubric file's form (evidence: {rule, ...params})."""
    if item.get("evidence_rule"):
        return item["evidence_rule"], item.get("evidence_params")
    evidence = item.get("evidence")
    if isinstance(evidence, dict) and evidence.get("rule"):
        return evidence["rule"], {k: v for k, v in evidence.items() if k != "rule"}
    return None, None


def propose(ctx, party_org_name: str, year: int, rule_name: str, points, params=None, *,
            as_of: dt.date | None = None) -> Proposal:
    rule = rule_for(rule_name)
    kwargs = _params(params, rule_name, rule)
    branch = YearRecords(ctx, [party_org_name], year, as_of).branch(party_org_name)
    return rule(ctx, branch, int(year), points, **kwargs)


def propose_many(ctx, party_org_names: list[str], year: int, items: list[dict], *,
                 as_of: dt.date | None = None) -> dict[str, dict[str, Proposal]]:
    """{branch: {code: Proposal}} for every item that names a rule; each kind of record is read
    once per BATCH branches."""
    plan = []
    for item in items:
        name, params = _item_rule(item)
        if name:
            rule = rule_for(name, item.get("code"))
            plan.append((str(item.get("code")), rule, _params(params, name, rule), item.get("points") or 0))
    out: dict[str, dict[str, Proposal]] = {}
    for chunk in _chunks(list(dict.fromkeys(party_org_names)), BATCH):
        batch = YearRecords(ctx, chunk, year, as_of)
        for name in chunk:
            branch = batch.branch(name)
            out[name] = {code: rule(ctx, branch, int(year), points, **kwargs) for code, rule, kwargs, points in plan}
    return out


def propose_all(ctx, party_org_name: str, year: int, items: list[dict], *,
                as_of: dt.date | None = None) -> dict[str, Proposal]:
    """{code: Proposal} for one branch's items, reading each kind of record once."""
    return propose_many(ctx, [party_org_name], year, items, as_of=as_of)[party_org_name]
