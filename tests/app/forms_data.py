"""A year of paper for the official forms: a branch under a district with its secretary and
members, a scored 达标自评表 with every level's opinion, a demonstration application, rectification
items, a plaque and a public notice — made as the administrator, printed as each user."""
from __future__ import annotations

import datetime as dt

from tests.conftest import unique

CITY_OPINION = "市级考评意见：材料齐全，同意评定达标"
CITY_SIGNER = "市级签字人丙"
DISTRICT_OPINION = "区级审核意见：经审核，同意上报"


def user(ctx, roles: list[str], scope: list[str] = ()) -> str:
    email = f"{unique('print')}@example.cn"
    ctx.insert({"doctype": "User", "email": email, "first_name": email.split("@")[0], "roles": [{"role": r} for r in roles]})
    for unit in scope:
        ctx.insert({"doctype": "User Permission", "user": email, "allow": "Org Unit", "for_value": unit})
    return email


def district(ctx) -> tuple[str, str]:
    name = ctx.insert({"doctype": "Org Unit", "unit_name": unique("区"), "level": "市（县）区", "parent_org_unit": "无锡市"}).name
    street = ctx.insert({"doctype": "Org Unit", "unit_name": unique("街道"), "level": "街道", "parent_org_unit": name}).name
    return name, street


def branch(ctx, street: str, sector: str = "机关", secretary: str = "王建国") -> str:
    org = ctx.insert({"doctype": "Party Organization", "org_name": unique("离退休干部党支部"), "org_type": "党支部",
                      "sector": sector, "parent_unit": street, "parent_party_org_name": "市级机关党委",
                      "founded_on": "2012-07-01", "brand": "银发先锋"}).name
    member = ctx.insert({"doctype": "Party Member", "full_name": secretary, "party_org": org, "birth_date": "1950-02-01"}).name
    for i in range(3):
        ctx.insert({"doctype": "Party Member", "full_name": f"党员{i}", "party_org": org, "birth_date": "1948-05-01"})
    doc = ctx.get_doc("Party Organization", org)
    doc.append("committee", {"post": "书记", "member": member, "from_date": "2017-01-01"})
    doc.save()
    return org


def assessment(ctx, org: str, year: int, *, state: str | None = None, lose: dict | None = None):
    """A scored sheet: full points except `lose` ({code: points lost at city level})."""
    doc = ctx.insert({"doctype": "Self Assessment", "party_org": org, "year": year})
    lose = lose or {}
    for row in doc.items:
        row.self_score = row.points
        row.district_score = row.points
        row.city_score = row.points - lose.get(row.code, 0)
    doc.self_opinion = "对照6类36项标准逐项自查，台账齐全，特申请达标。"
    doc.self_signed_by, doc.self_signed_on = "王建国", dt.date(year, 10, 20)
    doc.district_opinion, doc.district_signed_by = DISTRICT_OPINION, "区级签字人乙"
    doc.city_opinion, doc.city_signed_by, doc.city_signed_on = CITY_OPINION, CITY_SIGNER, dt.date(year, 11, 28)
    doc.save()
    if state:
        table = ctx.table("Self Assessment")
        ctx.conn.execute(table.update().where(table.c.name == doc.name).values(workflow_state=state))
    return ctx.get_doc("Self Assessment", doc.name)
