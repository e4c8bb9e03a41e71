"""绩效考核 per unit (plan §五1: the programme is part of each unit's yearly performance appraisal):
for each district or city-level unit, its organisations, how many were declared on time, passed,
became demonstration branches, and how far rectification has come.

Seam: the yearly cycle (six_haves, i10) adds the 绩效考核 table with its weights; when it lands the
score column should come from there. Until then this report gives the facts the score is made of."""
from __future__ import annotations

from sixhave_app.six_haves import report_data as rd

filters = [rd.YEAR_FILTER, rd.ORG_FILTER]

COLUMNS = [
    {"fieldname": "unit", "label": "单位", "fieldtype": "Link", "options": "Org Unit", "width": 160},
    {"fieldname": "organisations", "label": "党组织数", "fieldtype": "Int", "width": 80},
    {"fieldname": "assessed", "label": "自评表数", "fieldtype": "Int", "width": 80},
    {"fieldname": "submitted", "label": "已上报", "fieldtype": "Int", "width": 70},
    {"fieldname": "passed", "label": "达标", "fieldtype": "Int", "width": 60},
    {"fieldname": "failed", "label": "不达标", "fieldtype": "Int", "width": 60},
    {"fieldname": "pass_rate", "label": "达标率(%)", "fieldtype": "Percent", "width": 80, "no_total": 1},
    {"fieldname": "demonstration", "label": "示范党支部", "fieldtype": "Int", "width": 80},
    {"fieldname": "rectification", "label": "整改项", "fieldtype": "Int", "width": 70},
    {"fieldname": "rectified", "label": "已完成整改", "fieldtype": "Int", "width": 90},
    {"fieldname": "rectified_rate", "label": "整改完成率(%)", "fieldtype": "Percent", "width": 100, "no_total": 1},
    {"fieldname": "rank", "label": "名次（按达标率）", "fieldtype": "Int", "width": 90, "no_total": 1},
]


def execute(ctx, filters: dict):
    year = int(filters["year"])
    unit_rows = rd.units(ctx, filters)
    stats = {u["name"]: dict(unit=u["name"], organisations=0, assessed=0, submitted=0, passed=0, failed=0, demonstration=0,
                             rectification=0, rectified=0) for u in unit_rows}

    def tally(doctype, where, fields, count):
        rows = ctx.get_all(doctype, filters=where, fields=["org", *fields])
        owner = rd.unit_of(ctx, unit_rows, {r["org"] for r in rows if r["org"]})
        for row in rows:
            unit = owner.get(row["org"])
            if unit:
                count(stats[unit], row)

    scope = rd.org_filter(filters)
    tally("Party Organization", scope, [], lambda s, r: s.__setitem__("organisations", s["organisations"] + 1))

    def assessed(s, r):
        s["assessed"] += 1
        s["submitted"] += int((r["workflow_state"] or "草稿") != "草稿")
        s["passed"] += int(r["workflow_state"] == "达标")
        s["failed"] += int(r["workflow_state"] == "不达标")

    tally("Self Assessment", [["year", "=", year], *scope], ["workflow_state"], assessed)
    tally("Plaque", [["status", "=", "有效"], ["year", "<=", year], *scope], [],
          lambda s, r: s.__setitem__("demonstration", s["demonstration"] + 1))

    def rectified(s, r):
        s["rectification"] += 1
        s["rectified"] += int(r["workflow_state"] in ("已完成", "已验收"))

    tally("Rectification Item", [["year", "=", year], *scope], ["workflow_state"], rectified)
    data = list(stats.values())
    for row in data:
        row["pass_rate"] = rd.rate(row["passed"], row["passed"] + row["failed"])
        row["rectified_rate"] = rd.rate(row["rectified"], row["rectification"])
    rd.rank(data, "pass_rate")
    return COLUMNS, data
