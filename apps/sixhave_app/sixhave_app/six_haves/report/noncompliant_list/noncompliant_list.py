"""不达标名单 (plan §四4: "对达标不合格的列出清单，督促整改落实"): the organisations the city found
不达标 in a year, with their score, the veto that applied, the items that lost most, and how far
their rectification has come.

Seam: the yearly cycle (six_haves, i10) adds `sixhave.app.noncompliant`; when it lands this report
should take its rows from there so that the list and the report cannot differ."""
from __future__ import annotations

from sixhave_app.engine import permissions
from sixhave_app.six_haves import report_data as rd

filters = [rd.YEAR_FILTER, rd.ORG_FILTER]

COLUMNS = [
    {"fieldname": "idx", "label": "序号", "fieldtype": "Int", "width": 60, "no_total": 1},
    {"fieldname": "party_org", "label": "党组织", "fieldtype": "Link", "options": "Party Organization", "width": 220},
    {"fieldname": "parent_unit", "label": "所在单位/社区", "fieldtype": "Link", "options": "Org Unit", "width": 160},
    {"fieldname": "sector", "label": "领域", "fieldtype": "Data", "width": 80},
    {"fieldname": "score", "label": "得分", "fieldtype": "Float", "width": 70},
    {"fieldname": "veto", "label": "一票否决", "fieldtype": "Data", "width": 160},
    {"fieldname": "lost_items", "label": "主要失分项", "fieldtype": "Data", "width": 260},
    {"fieldname": "rectification", "label": "整改项（已完成/全部）", "fieldtype": "Data", "width": 140},
]


def execute(ctx, filters: dict):
    year = int(filters["year"])
    rows = ctx.get_all("Self Assessment", filters=[["year", "=", year], ["workflow_state", "=", "不达标"], *rd.org_filter(filters)],
                       fields=["name", "party_org", "sector", "self_total", "district_total", "city_total", "workflow_state"],
                       order_by="party_org asc")
    units = rd.parent_units(ctx, {r["party_org"] for r in rows})
    names = [r["name"] for r in rows]
    lost, vetoes = _lost_items(ctx, names)
    rect = _rectification(ctx, year, {r["party_org"] for r in rows})
    data = []
    for index, row in enumerate(rows, start=1):
        done, total = rect.get(row["party_org"], (0, 0))
        data.append({"idx": index, "party_org": row["party_org"], "parent_unit": units.get(row["party_org"]),
                     "sector": row["sector"], "score": rd.final_score(row), "veto": "、".join(vetoes.get(row["name"], [])),
                     "lost_items": "；".join(lost.get(row["name"], [])[:6]), "rectification": f"{done}/{total}",
                     "assessment": row["name"]})
    summary = [{"label": "不达标组织", "value": len(data), "datatype": "Int"}]
    return COLUMNS, data, None, None, summary


def _readable_assessments(ctx, names: list[str]) -> dict[str, dict]:
    """The assessments as the user may read them (levels they cannot read removed)."""
    return {n: permissions.strip_unreadable(ctx, "Self Assessment", ctx.get_doc("Self Assessment", n).as_dict(convert=False))
            for n in names}


def _lost_items(ctx, names: list[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per assessment: the items scored below their points at the last level that scored them
    (largest loss first), and the veto items any level found."""
    lost: dict[str, list[str]] = {}
    vetoes: dict[str, list[str]] = {}
    for name, doc in _readable_assessments(ctx, names).items():
        items = []
        for row in doc.get("items") or []:
            score = next((row.get(k) for k in ("city_score", "district_score", "self_score") if row.get(k) is not None), None)
            if score is not None and row.get("points") is not None and score < row["points"]:
                items.append((row["points"] - score, f"{row['code']} {row['content']}（失{_n(row['points'] - score)}分）"))
        lost[name] = [text for _, text in sorted(items, key=lambda x: -x[0])]
        vetoes[name] = [f"{v['code']} {v['content']}" for v in doc.get("veto_items") or []
                        if v.get("city_triggered") or v.get("district_triggered") or v.get("self_triggered")]
    return lost, vetoes


def _rectification(ctx, year: int, party_orgs: set[str]) -> dict[str, tuple[int, int]]:
    if not party_orgs:
        return {}
    rows = ctx.get_all("Rectification Item", filters=[["year", "=", year], ["party_org", "in", sorted(party_orgs)]],
                       fields=["party_org", "workflow_state"])
    out: dict[str, list[int]] = {}
    for row in rows:
        counts = out.setdefault(row["party_org"], [0, 0])
        counts[1] += 1
        counts[0] += int(row["workflow_state"] in ("已完成", "已验收"))
    return {k: (v[0], v[1]) for k, v in out.items()}


def _n(value) -> str:
    from sixhave_app.engine.print_helpers import num

    return num(value)
