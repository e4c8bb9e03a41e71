"""Organisational coverage (plan §二1–2, §三1 有党的组织): every unit with retired-cadre Party
members has an organisation covering them; a unit whose Party organisation has approval authority
(党委、党组 or 总支) and 3 or more such members has its own 党支部, any other unit a 党小组.

The survey (Unit Survey, one per unit and year, from 自查摸底) says how many members a unit has;
the organisations under the unit in the tree say how it is covered. The report lists every unit
with its gap, and per street the communities covered (one more each year, §二2)."""
from __future__ import annotations

from sixhave_app.engine.errors import ValidationError

MIN_MEMBERS_FOR_BRANCH = 3
UNIT_TYPES = ("机关", "事业单位", "企业", "高校", "社区")


def validate_survey(doc) -> None:
    if doc.retired_members is not None and int(doc.retired_members) < 0:
        raise ValidationError("离退休干部党员人数不能为负数")
    level = doc.ctx.get_value("Org Unit", doc.org, "level", ignore_permissions=True) if doc.org else None
    if level in ("市", "党支部", "党小组"):
        raise ValidationError(f"摸底登记的是单位或社区，“{doc.org}” 是{level}")


def required_form(members: int, has_approval: bool) -> str | None:
    if members <= 0:
        return None
    return "党支部" if members >= MIN_MEMBERS_FOR_BRANCH and has_approval else "党小组"


def _latest_surveys(ctx, year: int) -> dict[str, dict]:
    rows = ctx.get_all("Unit Survey", filters=[["year", "<=", year]],
                       fields=["name", "org", "year", "unit_type", "retired_members", "has_approval"],
                       order_by="year asc", limit_page_length=0)
    return {r["org"]: r for r in rows}  # the latest survey of each unit up to `year`


def report(ctx, year: int, org: str | None = None) -> dict:
    """Every surveyed unit (within `org` when given) with what covers it and its gap."""
    surveys = _latest_surveys(ctx, year)
    if org:
        inside = set(ctx.get_all("Org Unit", filters=[["name", "descendants of (inclusive)", org]], pluck="name",
                                 limit_page_length=0, ignore_permissions=True))
        surveys = {k: v for k, v in surveys.items() if k in inside}
    orgs = ctx.get_all("Party Organization", filters=[["parent_unit", "in", sorted(surveys) or [""]]],
                       fields=["name", "org_name", "org_type", "parent_unit", "member_count", "founded_on"],
                       limit_page_length=0, ignore_permissions=True)
    by_unit: dict[str, list[dict]] = {}
    for o in orgs:
        if not o["founded_on"] or o["founded_on"].year <= year:
            by_unit.setdefault(o["parent_unit"], []).append(o)
    rows, gaps = [], []
    for unit, survey in sorted(surveys.items()):
        members = int(survey["retired_members"] or 0)
        need = required_form(members, bool(survey["has_approval"]))
        have = by_unit.get(unit, [])
        forms = sorted({o["org_type"] for o in have})
        covered = sum(int(o["member_count"] or 0) for o in have)
        problems = []
        if need and not have:
            problems.append(f"有离退休干部党员 {members} 名，尚未建立党组织（应建{need}）")
        elif need == "党支部" and "党支部" not in forms:
            problems.append(f"有离退休干部党员 {members} 名且有批准权限，应单独建立党支部（现为{'、'.join(forms)}）")
        if have and covered < members:
            problems.append(f"{members - covered} 名党员尚未纳入党组织管理")
        row = {"unit": unit, "unit_type": survey["unit_type"], "year": survey["year"], "retired_members": members,
               "has_approval": bool(survey["has_approval"]), "required_form": need,
               "organisations": [o["name"] for o in have], "forms": forms, "members_covered": covered,
               "covered": bool(have) or not need, "gaps": problems}
        rows.append(row)
        if problems:
            gaps.append(row)
    by_type = {}
    for t in UNIT_TYPES:
        typed = [r for r in rows if r["unit_type"] == t]
        by_type[t] = {"units": len(typed), "covered": sum(1 for r in typed if r["covered"] and r["required_form"]),
                      "with_members": sum(1 for r in typed if r["required_form"])}
    return {"year": year, "units": rows, "gaps": gaps, "by_type": by_type}


def community_coverage(ctx, year: int, org: str | None = None) -> list[dict]:
    """Per street: its communities, those with a retired-cadre Party organisation, and those that
    got one this year (the plan: one more per street each year)."""
    filters = [["level", "=", "街道"]]
    if org:
        filters.append(["name", "descendants of (inclusive)", org])
    streets = ctx.get_all("Org Unit", filters=filters, fields=["name", "lft", "rgt", "parent_org_unit"], order_by="lft asc",
                          limit_page_length=0)
    if not streets:
        return []
    # through the caller's permissions too: the dashboard's figures (dashboards.py) read no other way
    communities = ctx.get_all("Org Unit", filters=[["level", "=", "社区"]], fields=["name", "parent_org_unit"],
                              limit_page_length=0)
    orgs = ctx.get_all("Party Organization", filters=[["sector", "=", "社区"]], fields=["parent_unit", "founded_on"],
                       limit_page_length=0)
    first_founded: dict[str, object] = {}
    for o in orgs:
        if o["founded_on"] is None or o["founded_on"].year <= year:
            day = o["founded_on"]
            prior = first_founded.get(o["parent_unit"], "none")
            if prior == "none" or (day is not None and prior is not None and day < prior) or day is None:
                first_founded[o["parent_unit"]] = day
    out = []
    for street in streets:
        mine = [c["name"] for c in communities if c["parent_org_unit"] == street["name"]]
        covered = [c for c in mine if c in first_founded]
        added = [c for c in covered if first_founded[c] is not None and first_founded[c].year == year]
        out.append({"street": street["name"], "district": street["parent_org_unit"], "communities": len(mine),
                    "covered": len(covered), "added": len(added), "target_added": 1, "meets_target": len(added) >= 1,
                    "uncovered": sorted(set(mine) - set(covered))})
    return out
