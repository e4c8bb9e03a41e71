"""Targets and dashboards (plan §二): pass rates against the year's target, whose denominator is
every organisation that must be assessed that year (not only the sheets that exist); every
organisation of a district whatever its result; demonstration branches against 30–50; community
coverage by street; associations; submission progress by phase with its deadline.

Every figure is computed through the caller's permissions — every read is `ctx.get_all`/`get_list`/
`get_count` with the registered guards on, the same entry point as every other door — so a
district sees its own subtree and the city sees all; any unit can be drilled into down to its
organisations."""
from __future__ import annotations

from sixhave_app.engine import permissions
from sixhave_app.six_haves import coverage, mobilisation, programme, rectification

PASS_SECTORS = ("机关", "事业单位")
DEFAULT_TARGETS = programme.DEFAULT_TARGETS
SUBMITTED_STATES_EXCLUDED = (None, "", "草稿")
DECIDED = ("达标", "不达标")


def _target(ctx, year: int) -> float:
    return programme.target_pass_rate(ctx, year)


def _children(ctx, org: str | None) -> list[dict]:
    """The units one level below `org` (the city's districts and units when org is not given)."""
    if org:
        return ctx.get_all("Org Unit", filters={"parent_org_unit": org}, fields=["name", "level", "lft", "rgt"],
                           order_by="lft asc", limit_page_length=0)
    roots = ctx.get_all("Org Unit", filters=[["parent_org_unit", "is", "not set"]], fields=["name"], order_by="lft asc")
    if not roots:
        return []
    return ctx.get_all("Org Unit", filters=[["parent_org_unit", "in", [r["name"] for r in roots]]],
                       fields=["name", "level", "lft", "rgt"], order_by="lft asc", limit_page_length=0)


def organisations(ctx, year: int, org: str | None = None) -> list[dict]:
    """Every organisation that must be assessed in `year` (existing by the year's end) that the
    caller can see, within `org`, with its sheet's state and result — those without a sheet too."""
    filters = [["org", "descendants of (inclusive)", org]] if org else []
    orgs = ctx.get_all("Party Organization", filters=filters,
                       fields=["name", "org_name", "org", "sector", "org_type", "founded_on", "is_demonstration"],
                       order_by="name asc", limit_page_length=0)
    orgs = [o for o in orgs if not o["founded_on"] or o["founded_on"].year <= year]
    sheets = {}
    if orgs:
        for s in ctx.get_all("Self Assessment", filters={"year": year},
                             fields=["name", "party_org", "workflow_state", "self_total", "district_total", "city_total",
                                     "city_result"], limit_page_length=0):
            sheets[s["party_org"]] = s
    nodes = {}
    names = [o["org"] for o in orgs if o["org"]]
    for chunk in (names[i:i + 1000] for i in range(0, len(names), 1000)):
        for n in ctx.get_all("Org Unit", filters=[["name", "in", chunk]], fields=["name", "lft"], limit_page_length=0):
            nodes[n["name"]] = n["lft"]
    out = []
    for o in orgs:
        s = sheets.get(o["name"]) or {}
        state = s.get("workflow_state") or ("草稿" if s else "未建表")
        out.append({"party_org": o["name"], "org_name": o["org_name"], "org": o["org"], "sector": o["sector"],
                    "org_type": o["org_type"], "is_demonstration": o["is_demonstration"], "sheet": s.get("name"),
                    "workflow_state": state, "submitted": bool(s) and state not in SUBMITTED_STATES_EXCLUDED,
                    "self_total": s.get("self_total"), "district_total": s.get("district_total"),
                    "city_total": s.get("city_total"), "city_result": s.get("city_result") if state in DECIDED else None,
                    "passed": state == "达标", "_lft": nodes.get(o["org"])})
    return out


def _rate(rows: list[dict]) -> dict:
    required = len(rows)
    passed = sum(1 for r in rows if r["passed"])
    return {"required": required, "submitted": sum(1 for r in rows if r["submitted"]),
            "decided": sum(1 for r in rows if r["workflow_state"] in DECIDED), "passed": passed,
            "assessed": required, "rate": round(passed * 100.0 / required, 1) if required else None}


def unit_rate(ctx, year: int, unit: str) -> dict:
    return _rate(organisations(ctx, year, unit))


def pass_rates(ctx, year: int, org: str | None = None, rows: list[dict] | None = None) -> dict:
    """Per unit under `org` and per sector: organisations to assess (the denominator), submitted,
    decided, passed, rate; the 机关/事业单位 pass rate against the year's target."""
    rows = organisations(ctx, year, org) if rows is None else rows
    units = []
    for unit in _children(ctx, org):
        inside = [r for r in rows if r["_lft"] is not None and unit["lft"] <= r["_lft"] <= unit["rgt"]]
        units.append({"unit": unit["name"], "level": unit["level"], **_rate(inside)})
    sectors = []
    for sector in sorted({r["sector"] or "（未填）" for r in rows}):
        sectors.append({"unit": sector, "level": "领域", **_rate([r for r in rows if (r["sector"] or "（未填）") == sector])})
    key = _rate([r for r in rows if r["sector"] in PASS_SECTORS])
    target = _target(ctx, year)
    return {"year": year, "org": org, "target": target, "pass_rate": key["rate"], "required": key["required"],
            "passed": key["passed"], "meets_target": key["rate"] is not None and key["rate"] >= target,
            "all_sectors": _rate(rows),
            "note": "达标合格率 = 市级考评达标的机关、事业单位离退休干部党组织 ÷ 当年应参加考评的全部机关、事业单位离退休干部党组织",
            "units": units, "sectors": sectors}


def branches(ctx, year: int, org: str) -> list[dict]:
    """The bottom of the drill-down: each organisation under a unit with its scores and state —
    those without a sheet too."""
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in organisations(ctx, year, org)]


def demonstration(ctx, year: int | None = None, org: str | None = None) -> dict:
    """Demonstration branches holding a valid plaque, against the plan's 30–50 across sectors."""
    filters = [["status", "=", "有效"]]
    if year:
        filters.append(["year", "<=", year])
    if org:
        filters.append(["org", "descendants of (inclusive)", org])
    plaques = ctx.get_all("Plaque", filters=filters, fields=["party_org"], limit_page_length=0)
    sectors: dict[str, int] = {}
    if plaques:
        for row in ctx.get_all("Party Organization", filters=[["name", "in", [p["party_org"] for p in plaques]]],
                               fields=["sector"], limit_page_length=0):
            sectors[row["sector"]] = sectors.get(row["sector"], 0) + 1
    low, high = programme.quota_bounds(ctx, year) if year else (30, 50)
    count = len(plaques)
    return {"count": count, "target_min": low, "target_max": high, "by_sector": sectors,
            "meets_target": low <= count <= high, "remaining": max(0, high - count)}


def community_orgs(ctx, year: int, org: str | None = None) -> list[dict]:
    return coverage.community_coverage(ctx, year, org)


def associations(ctx) -> dict:
    total = ctx.get_count("Party Organization", {"sector": "协会/团体"})
    by_kind = {kind: ctx.get_count("Party Organization", {"sector": "协会/团体", "establishment": kind}) for kind in ("建制式", "非建制式")}
    return {"organisations": total, **by_kind}


def progress(ctx, year: int, org: str | None = None, rows: list[dict] | None = None, today=None) -> dict:
    """Submission progress per phase of the plan, each with its deadline and whether it is late."""
    today = today or programme.as_of_for(ctx, year)[1]
    rows = organisations(ctx, year, org) if rows is None else rows
    scope = [["org", "descendants of (inclusive)", org]] if org else []

    def by_state(doctype):
        found = ctx.get_list(doctype, fields=["workflow_state", "count(name) as n"], filters=[["year", "=", year], *scope],
                             group_by="workflow_state", order_by="workflow_state asc", limit_page_length=0)
        return {r["workflow_state"] or "草稿": r["n"] for r in found}

    def phase(name, done, total, **extra):
        due = programme.deadline(ctx, year, name)
        return {"phase": name, "deadline": due, "done": done, "total": total,
                "rate": round(done * 100.0 / total, 1) if total else None,
                "late": bool(due and today > due and done < total), **extra}

    plans = mobilisation.plan_status(ctx, year)
    if org:
        inside = set(ctx.get_all("Org Unit", filters=[["name", "descendants of (inclusive)", org]], pluck="name",
                                 limit_page_length=0))
        plan_units = [u for u in plans["units"] if u["org"] in inside]
    else:
        plan_units = plans["units"]
    checks = ctx.get_count("Self Check", [["year", "=", year], ["docstatus", "=", 1], *scope])
    rect = rectification.progress(ctx, year, today, org)
    sheets = by_state("Self Assessment")
    submitted = sum(1 for r in rows if r["submitted"])
    decided = sum(1 for r in rows if r["workflow_state"] in DECIDED)
    phases = [phase("动员部署", sum(1 for u in plan_units if u["has_plan"]), len(plan_units), unit="实施方案"),
              phase("自查摸底", checks, len(rows), unit="自查摸底表（三张清单）"),
              phase("整改", rect["closed"], rect["total"], unit="整改项", overdue=rect["overdue"]),
              phase("申报", submitted, len(rows), unit="达标自评表"),
              phase("考核", decided, submitted, unit="市级考评")]
    return {"year": year, "as_of": today, "phases": phases, "self_assessment": sheets,
            "demonstration_application": by_state("Demonstration Application"),
            "rectification": {**by_state("Rectification Item"), "_overdue": rect["overdue"]}}


def city(ctx, year: int, org: str | None = None, as_of=None) -> dict:
    year, today = programme.as_of_for(ctx, year, as_of)
    rows = organisations(ctx, year, org)
    out = {"year": year, "as_of": today, "pass_rates": pass_rates(ctx, year, org, rows),
           "demonstration": demonstration(ctx, year, org), "community_orgs": community_orgs(ctx, year, org),
           "associations": associations(ctx), "progress": progress(ctx, year, org, rows, today)}
    if org or not permissions.is_unrestricted(ctx):
        # a district (or a drilled unit) sees its own organisations, whatever their results
        out["organisations"] = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    return out
