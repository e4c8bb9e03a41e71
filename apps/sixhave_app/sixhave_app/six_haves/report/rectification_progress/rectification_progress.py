"""整改进度 (plan §四3: "重点对照整改清单，逐条逐项推进工作落实"): per organisation, its rectification
items by state, the overdue ones and the share completed."""
from __future__ import annotations

import datetime as dt

from sixhave_app.six_haves import report_data as rd

filters = [rd.YEAR_FILTER, rd.ORG_FILTER,
           {"fieldname": "party_org", "label": "党组织", "fieldtype": "Link", "options": "Party Organization"}]
STATES = ("待整改", "整改中", "已完成", "已验收")
DONE = ("已完成", "已验收")

COLUMNS = [
    {"fieldname": "party_org", "label": "党组织", "fieldtype": "Link", "options": "Party Organization", "width": 220},
    {"fieldname": "total", "label": "整改项", "fieldtype": "Int", "width": 70},
    *({"fieldname": f"state_{i}", "label": s, "fieldtype": "Int", "width": 70} for i, s in enumerate(STATES)),
    {"fieldname": "overdue", "label": "逾期未完成", "fieldtype": "Int", "width": 90},
    {"fieldname": "objective_limit", "label": "受客观条件限制", "fieldtype": "Int", "width": 110},
    {"fieldname": "done_rate", "label": "完成率(%)", "fieldtype": "Percent", "width": 80, "no_total": 1},
]


def execute(ctx, filters: dict):
    where = [["year", "=", int(filters["year"])], *rd.org_filter(filters)]
    if filters.get("party_org"):
        where.append(["party_org", "=", filters["party_org"]])
    rows = ctx.get_all("Rectification Item", filters=where, order_by="party_org asc",
                       fields=["party_org", "workflow_state", "deadline", "objective_limit"])
    today = dt.date.today()
    out: dict[str, dict] = {}
    for row in rows:
        entry = out.setdefault(row["party_org"], {"party_org": row["party_org"], "total": 0, "overdue": 0, "objective_limit": 0,
                                                  **{f"state_{i}": 0 for i in range(len(STATES))}})
        state = row["workflow_state"] or STATES[0]
        entry["total"] += 1
        if state in STATES:
            entry[f"state_{STATES.index(state)}"] += 1
        entry["overdue"] += int(state not in DONE and row["deadline"] is not None and row["deadline"] < today)
        entry["objective_limit"] += int(bool(row["objective_limit"]))
    data = list(out.values())
    for entry in data:
        done = sum(entry[f"state_{STATES.index(s)}"] for s in DONE)
        entry["done_rate"] = rd.rate(done, entry["total"])
    total = sum(e["total"] for e in data)
    done = sum(e[f"state_{STATES.index(s)}"] for e in data for s in DONE)
    summary = [{"label": "整改项", "value": total, "datatype": "Int"}, {"label": "已完成", "value": done, "datatype": "Int"},
               {"label": "完成率", "value": f"{rd.rate(done, total)}%" if total else "—", "datatype": "Data"}]
    return COLUMNS, data, None, None, summary
