"""What the programme's reports share: the year's assessments seen through the user's own list
(scope and permissions apply), the unit each organisation belongs to at a level of the tree, the
final score and result of an assessment, and ranks."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from sixhave_app.engine import permissions

FINAL = ("达标", "不达标")
YEAR_FILTER = {"fieldname": "year", "label": "年度", "fieldtype": "Int", "reqd": 1,
               "default": lambda: dt.date.today().year}
ORG_FILTER = {"fieldname": "org", "label": "市（县）区/单位", "fieldtype": "Link", "options": "Org Unit"}


def org_filter(filters: dict) -> list:
    return [["org", "descendants of (inclusive)", filters["org"]]] if filters.get("org") else []


def final_score(row: dict):
    for key in ("city_total", "district_total", "self_total"):
        if row.get(key) is not None:
            return row[key]
    return None


def result_of(row: dict) -> str:
    state = row.get("workflow_state") or "草稿"
    return state if state in FINAL else f"未定（{state}）"


def rank(rows: list[dict], key: str, into: str = "rank") -> None:
    """Competition ranking (1, 2, 2, 4) by `key` descending; rows without a value get none."""
    ordered = sorted((r for r in rows if r.get(key) is not None), key=lambda r: -Decimal(str(r[key])))
    previous, position = None, 0
    for index, row in enumerate(ordered, start=1):
        if row[key] != previous:
            position, previous = index, row[key]
        row[into] = position


def rate(part: int, whole: int):
    return round(part * 100.0 / whole, 1) if whole else None


def units(ctx, filters: dict) -> list[dict]:
    """The rows of a per-unit table: the children of the chosen unit; without one, the city's
    districts and units (unrestricted users) or the units of the user's own scope."""
    tree = ctx.table("Org Unit")
    if filters.get("org"):
        anchors = [filters["org"]]
        rows = ctx.get_all("Org Unit", filters={"parent_org_unit": filters["org"]}, fields=["name", "level", "lft", "rgt"],
                           order_by="lft asc")
        return rows or ctx.get_all("Org Unit", filters={"name": filters["org"]}, fields=["name", "level", "lft", "rgt"])
    if permissions.is_unrestricted(ctx):
        roots = ctx.get_all("Org Unit", filters=[["parent_org_unit", "is", "not set"]], pluck="name", order_by="lft asc")
        return ctx.get_all("Org Unit", filters=[["parent_org_unit", "in", roots]], fields=["name", "level", "lft", "rgt"],
                           order_by="lft asc") if roots else []
    anchors = [r.for_value for r in permissions.scope_rules(ctx) if r.allow == "Org Unit"]
    if not anchors:
        return []
    return ctx.get_all("Org Unit", filters=[["name", "in", anchors]], fields=["name", "level", "lft", "rgt"], order_by="lft asc")


def unit_of(ctx, unit_rows: list[dict], orgs: set[str]) -> dict[str, str]:
    """Each Org Unit name in `orgs` → the unit row (by nested-set range) it falls under."""
    if not orgs or not unit_rows:
        return {}
    tree = ctx.table("Org Unit")
    found = ctx.conn.execute(sa.select(tree.c.name, tree.c.lft).where(tree.c.name.in_(list(orgs)))).all()
    out = {}
    for name, lft in found:
        for unit in unit_rows:
            if unit["lft"] <= lft <= unit["rgt"]:
                out[name] = unit["name"]
                break
    return out


def parent_units(ctx, party_orgs: set[str]) -> dict[str, str]:
    """Party organisation → the unit or community it sits in (its parent_unit)."""
    if not party_orgs:
        return {}
    rows = ctx.get_all("Party Organization", filters=[["name", "in", sorted(party_orgs)]], fields=["name", "parent_unit"])
    return {r["name"]: r["parent_unit"] for r in rows}


def target_rate(ctx, year: int):
    from sixhave_app.six_haves.dashboards import _target

    return _target(ctx, year)
