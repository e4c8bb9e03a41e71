"""达标情况汇总表: each organisation of a district (or unit) and year with its scores, result and
rank; totals and the pass rate against the year's target (plan §二: 机关、事业单位 80/90/100 %)."""
from __future__ import annotations

from sixhave_app.six_haves import report_data as rd

filters = [rd.YEAR_FILTER, rd.ORG_FILTER,
           {"fieldname": "sector", "label": "领域", "fieldtype": "Select", "options": "\n机关\n事业单位\n企业\n高校\n社区\n协会\n团体"}]

COLUMNS = [
    {"fieldname": "idx", "label": "序号", "fieldtype": "Int", "width": 60, "no_total": 1},
    {"fieldname": "party_org", "label": "党组织", "fieldtype": "Link", "options": "Party Organization", "width": 220},
    {"fieldname": "parent_unit", "label": "所在单位/社区", "fieldtype": "Link", "options": "Org Unit", "width": 160},
    {"fieldname": "sector", "label": "领域", "fieldtype": "Data", "width": 80},
    {"fieldname": "self_total", "label": "自评分", "fieldtype": "Float", "width": 80},
    {"fieldname": "district_total", "label": "区(单位)评分", "fieldtype": "Float", "width": 100},
    {"fieldname": "city_total", "label": "市评分", "fieldtype": "Float", "width": 80},
    {"fieldname": "score", "label": "最终得分", "fieldtype": "Float", "width": 90},
    {"fieldname": "result", "label": "结论", "fieldtype": "Data", "width": 110},
    {"fieldname": "rank", "label": "名次", "fieldtype": "Int", "width": 60, "no_total": 1},
]


def execute(ctx, filters: dict):
    year = int(filters["year"])
    where = [["year", "=", year], *rd.org_filter(filters)]
    if filters.get("sector"):
        where.append(["sector", "=", filters["sector"]])
    rows = ctx.get_all("Self Assessment", filters=where, order_by="party_org asc",
                       fields=["name", "party_org", "org", "sector", "workflow_state", "self_total", "district_total", "city_total"])
    units = rd.parent_units(ctx, {r["party_org"] for r in rows})
    data = []
    for row in rows:
        data.append({"party_org": row["party_org"], "parent_unit": units.get(row["party_org"]), "sector": row["sector"],
                     "self_total": row["self_total"], "district_total": row["district_total"], "city_total": row["city_total"],
                     "score": rd.final_score(row), "result": rd.result_of(row), "assessment": row["name"]})
    rd.rank(data, "score")
    data.sort(key=lambda r: (r.get("rank") is None, r.get("rank") or 0, r["party_org"]))
    for index, row in enumerate(data, start=1):
        row["idx"] = index
    summary, message = totals(ctx, year, data)
    return COLUMNS, data, message, None, summary


def totals(ctx, year: int, data: list[dict]):
    decided = [r for r in data if r["result"] in rd.FINAL]
    passed = [r for r in decided if r["result"] == "达标"]
    key = [r for r in decided if r["sector"] in ("机关", "事业单位")]
    key_passed = [r for r in key if r["result"] == "达标"]
    target = rd.target_rate(ctx, year)
    key_rate = rd.rate(len(key_passed), len(key))
    summary = [
        {"label": "参评组织", "value": len(data), "datatype": "Int"},
        {"label": "已考评", "value": len(decided), "datatype": "Int"},
        {"label": "达标", "value": len(passed), "datatype": "Int"},
        {"label": "不达标", "value": len(decided) - len(passed), "datatype": "Int"},
        {"label": "达标率", "value": f"{rd.rate(len(passed), len(decided))}%" if decided else "—", "datatype": "Data"},
        {"label": "机关、事业单位达标率", "value": f"{key_rate}%" if key_rate is not None else "—", "datatype": "Data"},
        {"label": "年度目标", "value": f"{target:g}%", "datatype": "Data"},
        {"label": "是否达到目标", "value": ("是" if key_rate >= target else "否") if key_rate is not None else "—",
         "datatype": "Data", "indicator": "green" if key_rate is not None and key_rate >= target else "red"},
    ]
    message = "达标率按已完成市级考评的党组织计算；年度目标按机关、事业单位离退休干部党组织计算（实施方案第二部分）。"
    return summary, message
