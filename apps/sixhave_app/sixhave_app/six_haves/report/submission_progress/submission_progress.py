"""申报进度 by phase (plan §四4: by end October districts and units submit every branch's 达标自评表
and the demonstration candidates' 创建申报表): per unit, the self assessments and applications in
each state of their workflows. The states are read from the active Workflow, so a state added by
an administrator becomes a column without code."""
from __future__ import annotations

from sixhave_app.six_haves import report_data as rd

filters = [rd.YEAR_FILTER, rd.ORG_FILTER]


def _states(ctx, doctype: str, fallback: tuple) -> list[str]:
    name = ctx.get_value("Workflow", {"document_type": doctype, "is_active": 1}, "name", ignore_permissions=True)
    if not name:
        return list(fallback)
    # the definition is configuration, not records: read whatever the user's rights on Workflow
    states = ctx.get_all("Workflow Document State", filters={"parent": name, "parenttype": "Workflow"}, pluck="state",
                         order_by="idx asc", ignore_permissions=True)
    return states or list(fallback)


def execute(ctx, filters: dict):
    year = int(filters["year"])
    unit_rows = rd.units(ctx, filters)
    kinds = (("sa", "Self Assessment", "自评", ("草稿", "区级/单位审核", "市级考评", "达标", "不达标")),
             ("da", "Demonstration Application", "示范", ("草稿", "区级推荐", "市级评审", "授牌", "未通过")))
    columns = [{"fieldname": "unit", "label": "单位", "fieldtype": "Link", "options": "Org Unit", "width": 160}]
    stats = {u["name"]: {"unit": u["name"]} for u in unit_rows}
    states = {key: _states(ctx, doctype, fallback) for key, doctype, _, fallback in kinds}
    for key, doctype, word, _ in kinds:
        columns.append({"fieldname": f"{key}_total", "label": f"{word}表合计", "fieldtype": "Int", "width": 80})
        columns.append({"fieldname": f"{key}_submitted", "label": f"{word}已上报", "fieldtype": "Int", "width": 80})
        columns += [{"fieldname": f"{key}_{i}", "label": f"{word}·{s}", "fieldtype": "Int", "width": 90}
                    for i, s in enumerate(states[key])]
        rows = ctx.get_all(doctype, filters=[["year", "=", year], *rd.org_filter(filters)], fields=["org", "workflow_state"])
        owner = rd.unit_of(ctx, unit_rows, {r["org"] for r in rows if r["org"]})
        for entry in stats.values():
            entry.update({f"{key}_total": 0, f"{key}_submitted": 0, **{f"{key}_{i}": 0 for i in range(len(states[key]))}})
        for row in rows:
            unit = owner.get(row["org"])
            if not unit:
                continue
            state = row["workflow_state"] or states[key][0]
            entry = stats[unit]
            entry[f"{key}_total"] += 1
            entry[f"{key}_submitted"] += int(state != states[key][0])
            if state in states[key]:
                entry[f"{key}_{states[key].index(state)}"] += 1
    return columns, list(stats.values())
