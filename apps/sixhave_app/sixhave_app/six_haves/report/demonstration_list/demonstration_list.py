"""示范党支部名单: the city's demonstration branches — those holding a valid plaque — with what the
city weighs when it recommends 先进集体 (plan §四4): sector, year awarded, scores, featured brand."""
from __future__ import annotations

from sixhave_app.six_haves import report_data as rd

filters = [{"fieldname": "year", "label": "授牌年度", "fieldtype": "Int"}, rd.ORG_FILTER,
           {"fieldname": "include_revoked", "label": "含已撤销", "fieldtype": "Check"}]

COLUMNS = [
    {"fieldname": "idx", "label": "序号", "fieldtype": "Int", "width": 60, "no_total": 1},
    {"fieldname": "party_org", "label": "党组织", "fieldtype": "Link", "options": "Party Organization", "width": 220},
    {"fieldname": "parent_unit", "label": "所在单位/社区", "fieldtype": "Link", "options": "Org Unit", "width": 160},
    {"fieldname": "sector", "label": "领域", "fieldtype": "Data", "width": 80},
    {"fieldname": "year", "label": "授牌年度", "fieldtype": "Int", "width": 80, "no_total": 1},
    {"fieldname": "awarded_on", "label": "授牌日期", "fieldtype": "Date", "width": 100},
    {"fieldname": "score", "label": "当年得分", "fieldtype": "Float", "width": 80, "no_total": 1},
    {"fieldname": "brand", "label": "特色品牌", "fieldtype": "Data", "width": 180},
    {"fieldname": "status", "label": "状态", "fieldtype": "Data", "width": 70},
]


def execute(ctx, filters: dict):
    where = [*rd.org_filter(filters)]
    if filters.get("year"):
        where.append(["year", "=", int(filters["year"])])
    if not filters.get("include_revoked"):
        where.append(["status", "=", "有效"])
    plaques = ctx.get_all("Plaque", filters=where, fields=["name", "party_org", "year", "awarded_on", "status"],
                          order_by="year asc, party_org asc")
    orgs = sorted({p["party_org"] for p in plaques})
    facts = {r["name"]: r for r in ctx.get_all("Party Organization", filters=[["name", "in", orgs]],
                                               fields=["name", "parent_unit", "sector", "brand"])} if orgs else {}
    scores = {}
    if orgs:
        for row in ctx.get_all("Self Assessment", filters=[["party_org", "in", orgs]],
                               fields=["party_org", "year", "self_total", "district_total", "city_total"]):
            scores[(row["party_org"], row["year"])] = rd.final_score(row)
    data = []
    for index, plaque in enumerate(plaques, start=1):
        org = facts.get(plaque["party_org"], {})
        data.append({"idx": index, "party_org": plaque["party_org"], "parent_unit": org.get("parent_unit"),
                     "sector": org.get("sector"), "year": plaque["year"], "awarded_on": plaque["awarded_on"],
                     "score": scores.get((plaque["party_org"], plaque["year"])), "brand": org.get("brand"),
                     "status": plaque["status"]})
    by_sector: dict[str, int] = {}
    for row in data:
        by_sector[row["sector"] or "（未填）"] = by_sector.get(row["sector"] or "（未填）", 0) + 1
    summary = [{"label": "示范党支部", "value": len(data), "datatype": "Int"},
               {"label": "三年目标", "value": "30–50 个", "datatype": "Data"}]
    summary += [{"label": sector, "value": count, "datatype": "Int"} for sector, count in sorted(by_sector.items())]
    return COLUMNS, data, None, None, summary
