"""Targets and dashboards (plan §二): pass rates against the year's target per district, unit and
sector; demonstration branches against 30–50; community organisations added per street per year;
associations with a Party organisation; submission progress per phase. Every figure is computed
through the caller's permissions, so a district sees its own subtree and the city sees all; any
unit can be drilled into down to its branches."""
from __future__ import annotations

import sqlalchemy as sa

from sixhave_app.engine import permissions

PASS_SECTORS = ("机关", "事业单位")
DEFAULT_TARGETS = {2018: 80, 2019: 90, 2020: 100}


def _target(ctx, year: int):
    value = ctx.get_value("Programme Year", str(year), "target_pass_rate", ignore_permissions=True) if ctx.exists("Programme Year", str(year)) else None
    if value is None:
        value = ctx.get_value("Scoring Template", {"year": year}, "target_pass_rate", ignore_permissions=True)
    return float(value) if value is not None else DEFAULT_TARGETS.get(year, 100)


def _children(ctx, org: str | None) -> list[dict]:
    """The units one level below `org` (the city's districts and units when org is the root)."""
    if org:
        rows = ctx.get_all("Org Unit", filters={"parent_org_unit": org}, fields=["name", "level", "lft", "rgt"], order_by="lft asc")
    else:
        roots = ctx.get_all("Org Unit", filters=[["parent_org_unit", "is", "not set"]], fields=["name"], order_by="lft asc")
        rows = ctx.get_all("Org Unit", filters=[["parent_org_unit", "in", [r["name"] for r in roots]]],
                           fields=["name", "level", "lft", "rgt"], order_by="lft asc") if roots else []
    return rows


def pass_rates(ctx, year: int, org: str | None = None) -> dict:
    """Per unit under `org` (drill down by passing a unit), and per sector: assessed, passed, rate."""
    tree = ctx.table("Org Unit")
    sa_table = ctx.table("Self Assessment")
    scope = permissions.query_conditions(ctx, "Self Assessment", sa_table, "report")
    result = sa.case((sa_table.c.city_result.is_not(None), sa_table.c.city_result), else_=None)
    base = [sa_table.c.year == year, *scope]
    units = []
    for unit in _children(ctx, org):
        node = tree.alias("node")
        cond = base + [sa_table.c.org.in_(sa.select(node.c.name).where(node.c.lft >= unit["lft"], node.c.rgt <= unit["rgt"]))]
        row = ctx.conn.execute(sa.select(sa.func.count(), sa.func.sum(sa.case((result == "达标", 1), else_=0)),
                                         sa.func.sum(sa.case((sa_table.c.workflow_state.in_(("达标", "不达标")), 1), else_=0)))
                               .where(*cond)).first()
        units.append(_rate_row(unit["name"], unit["level"], row))
    sectors = []
    for sector, total, passed, decided in ctx.conn.execute(
            sa.select(sa_table.c.sector, sa.func.count(), sa.func.sum(sa.case((result == "达标", 1), else_=0)),
                      sa.func.sum(sa.case((sa_table.c.workflow_state.in_(("达标", "不达标")), 1), else_=0)))
            .where(*base, *( [sa_table.c.org.in_(_subtree(ctx, org))] if org else []))
            .group_by(sa_table.c.sector).order_by(sa_table.c.sector)):
        sectors.append(_rate_row(sector or "（未填）", "领域", (total, passed, decided)))
    key = [s for s in sectors if s["unit"] in PASS_SECTORS]
    assessed = sum(s["assessed"] for s in key)
    passed = sum(s["passed"] for s in key)
    target = _target(ctx, year)
    overall = round(passed * 100.0 / assessed, 1) if assessed else None
    return {"year": year, "org": org, "target": target, "pass_rate": overall,
            "meets_target": overall is not None and overall >= target,
            "note": "达标合格率按机关、事业单位离退休干部党组织计算（市级考评结论）",
            "units": units, "sectors": sectors}


def _subtree(ctx, org: str):
    tree = ctx.table("Org Unit")
    anchor = tree.alias("anchor")
    return sa.select(tree.c.name).where(sa.exists(sa.select(anchor.c.name).where(
        anchor.c.name == org, tree.c.lft >= anchor.c.lft, tree.c.rgt <= anchor.c.rgt)))


def _rate_row(unit, level, row) -> dict:
    total, passed, decided = (int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))
    return {"unit": unit, "level": level, "assessed": total, "decided": decided, "passed": passed,
            "rate": round(passed * 100.0 / decided, 1) if decided else None}


def branches(ctx, year: int, org: str) -> list[dict]:
    """The bottom of the drill-down: each branch under a unit with its scores and state."""
    return ctx.get_all("Self Assessment", filters=[["year", "=", year], ["org", "descendants of (inclusive)", org]],
                       fields=["name", "party_org", "sector", "workflow_state", "self_total", "district_total", "city_total",
                               "city_result"], order_by="party_org asc")


def demonstration(ctx, year: int | None = None) -> dict:
    """Demonstration branches holding a valid plaque, against the plan's 30–50 across sectors."""
    filters = {"status": "有效"}
    if year:
        filters["year"] = ["<=", year]
    plaques = ctx.get_all("Plaque", filters=filters, fields=["party_org"])
    sectors: dict[str, int] = {}
    if plaques:
        for row in ctx.get_all("Party Organization", filters=[["name", "in", [p["party_org"] for p in plaques]]],
                               fields=["sector"], ignore_permissions=True):
            sectors[row["sector"]] = sectors.get(row["sector"], 0) + 1
    count = len(plaques)
    return {"count": count, "target_min": 30, "target_max": 50, "by_sector": sectors, "meets_target": 30 <= count <= 50}


def community_orgs(ctx, year: int) -> list[dict]:
    """Per street: communities with a retired-cadre Party organisation founded in `year` (target 1)."""
    out = []
    for street in ctx.get_all("Org Unit", filters={"level": "街道"}, fields=["name", "lft", "rgt"], order_by="lft asc"):
        added = ctx.get_count("Party Organization", [["parent_unit", "descendants of (inclusive)", street["name"]],
                                                     ["sector", "=", "社区"],
                                                     ["founded_on", "between", [f"{year}-01-01", f"{year}-12-31"]]])
        out.append({"street": street["name"], "added": added, "target": 1, "meets_target": added >= 1})
    return out


def associations(ctx) -> dict:
    total = ctx.get_count("Party Organization", {"sector": "协会/团体"})
    by_kind = {kind: ctx.get_count("Party Organization", {"sector": "协会/团体", "establishment": kind}) for kind in ("建制式", "非建制式")}
    return {"organisations": total, **by_kind}


def progress(ctx, year: int) -> dict:
    """Submission progress per phase: self assessments and applications by workflow state."""
    def by_state(doctype):
        rows = ctx.get_list(doctype, fields=["workflow_state", "count(name) as n"], filters={"year": year},
                            group_by="workflow_state", order_by="workflow_state asc", limit_page_length=0)
        return {r["workflow_state"] or "草稿": r["n"] for r in rows}

    rect = ctx.get_list("Rectification Item", fields=["workflow_state", "count(name) as n"], filters={"year": year},
                        group_by="workflow_state", order_by="workflow_state asc", limit_page_length=0)
    return {"year": year, "self_assessment": by_state("Self Assessment"),
            "demonstration_application": by_state("Demonstration Application"),
            "rectification": {r["workflow_state"] or "待整改": r["n"] for r in rect}}


def city(ctx, year: int, org: str | None = None) -> dict:
    return {"pass_rates": pass_rates(ctx, year, org), "demonstration": demonstration(ctx, year),
            "community_orgs": community_orgs(ctx, year), "associations": associations(ctx), "progress": progress(ctx, year)}
