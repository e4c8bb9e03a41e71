"""The programme's outputs as plain functions (what the Script Reports and exports call):

- `noncompliant(ctx, year, org)`      不达标名单: organisations that did not pass, lost items, rectification status
- `recommendations(ctx, year, org)`   示范党支部名单 as recommendations for 省市先进集体
- `performance(ctx, year)`            绩效考核 per 市（县）区 / 市直单位
- `pass_rate_table(ctx, year, org)`   达标情况汇总表 per unit and sector
- `rectification_progress(ctx, year, org)`  整改进展
- `submission_progress(ctx, year, org)`     申报进度 by phase
- `published_cases(ctx, year, org)`   典型案例 published
- `plan_status(ctx, year)`            实施方案 who has / has not
- `coverage(ctx, year, org)`          组织覆盖 with gaps

Each reads through the caller's permissions. `TABLES` gives each exportable table's columns
(key, Chinese label) for Excel."""
from __future__ import annotations

from decimal import Decimal

from sixhave_app.six_haves import coverage as coverage_mod
from sixhave_app.six_haves import dashboards, demonstration, leadership, mobilisation, programme, publicity, rectification


def _d(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def noncompliant(ctx, year: int, org: str | None = None, as_of=None) -> list[dict]:
    """Per organisation that did not pass in `year` (within `org`): the city's 不达标 decisions,
    and — once the city's evaluation deadline has passed — organisations never assessed; with the
    items that lost points and the status of their rectification. Next year's follow-up starts
    from this list (its inspections are marked 重点督查)."""
    year, today = programme.as_of_for(ctx, year, as_of)
    rows = dashboards.organisations(ctx, year, org)
    evaluation_over = today > programme.deadline(ctx, year, "考核")
    failed = [r for r in rows if r["workflow_state"] == "不达标" or (evaluation_over and r["workflow_state"] not in dashboards.DECIDED)]
    out = []
    for r in failed:
        lost = []
        if r["sheet"]:
            sheet = ctx.get_doc("Self Assessment", r["sheet"]) if r["workflow_state"] == "不达标" else None
            for item in (sheet.items if sheet else []):
                score = item.city_score if item.city_score is not None else item.district_score
                if score is not None and _d(score) < _d(item.points):
                    lost.append({"code": item.code, "content": item.content, "points": item.points, "score": score,
                                 "lost": float(_d(item.points) - _d(score)), "remark": item.city_remark})
        items = ctx.get_all("Rectification Item", filters={"party_org": r["party_org"], "year": year},
                            fields=["name", "item_code", "workflow_state", "deadline", "closed_on"], limit_page_length=0,
                            ignore_permissions=True)
        closed = [i for i in items if i["workflow_state"] in rectification.CLOSED_STATES]
        overdue = [i for i in items if rectification.is_overdue(i, today)]
        reason = ("市级考评不达标" if r["workflow_state"] == "不达标"
                  else "未提交达标自评表" if not r["submitted"] else f"考评未完成（{r['workflow_state']}）")
        status = ("无整改项" if not items else "已全部整改验收" if len(closed) == len(items)
                  else f"整改中：{len(closed)}/{len(items)} 项已验收" + (f"，{len(overdue)} 项逾期" if overdue else ""))
        out.append({"party_org": r["party_org"], "org_name": r["org_name"], "org": r["org"],
                    "district": demonstration.district_of(ctx, r["org"]), "sector": r["sector"], "year": year,
                    "reason": reason, "city_total": r["city_total"], "lost_items": lost,
                    "lost_text": "；".join(f"{i['code']} {i['content']}（失{i['lost']:g}分）" for i in lost),
                    "rectification": items, "rectification_total": len(items), "rectification_closed": len(closed),
                    "rectification_overdue": len(overdue), "rectification_status": status})
    return out


def recommendations(ctx, year: int, org: str | None = None) -> list[dict]:
    return demonstration.recommendations(ctx, year, org)


def performance(ctx, year: int, as_of=None) -> list[dict]:
    return leadership.performance(ctx, year, as_of)


def pass_rate_table(ctx, year: int, org: str | None = None) -> list[dict]:
    rates = dashboards.pass_rates(ctx, year, org)
    return [{**row, "target": rates["target"]} for row in rates["units"] + rates["sectors"]]


def rectification_progress(ctx, year: int, org: str | None = None, as_of=None) -> list[dict]:
    year, today = programme.as_of_for(ctx, year, as_of)
    filters = [["year", "=", year]]
    if org:
        filters.append(["org", "descendants of (inclusive)", org])
    rows = ctx.get_all("Rectification Item", filters=filters,
                       fields=["name", "party_org", "org", "year", "item_code", "source", "problem", "task",
                               "responsible_department", "responsible_person", "deadline", "workflow_state", "closed_on"],
                       order_by="deadline asc", limit_page_length=0)
    for r in rows:
        r["overdue"] = rectification.is_overdue(r, today)
    return rows


def submission_progress(ctx, year: int, org: str | None = None, as_of=None) -> list[dict]:
    year, today = programme.as_of_for(ctx, year, as_of)
    return dashboards.progress(ctx, year, org, today=today)["phases"]


def published_cases(ctx, year: int | None = None, org: str | None = None) -> list[dict]:
    return publicity.published_cases(ctx, year, org)


def plan_status(ctx, year: int, org: str | None = None) -> list[dict]:
    return mobilisation.plan_status(ctx, year)["units"]


def coverage(ctx, year: int, org: str | None = None) -> list[dict]:
    return [{**r, "gaps": "；".join(r["gaps"]), "organisations": "、".join(r["organisations"])}
            for r in coverage_mod.report(ctx, year, org)["units"]]


TABLES = {
    "noncompliant": ("不达标名单", noncompliant, [
        ("district", "市（县）区/市直单位"), ("org_name", "党组织"), ("sector", "领域"), ("reason", "原因"),
        ("city_total", "市级得分"), ("lost_text", "失分项目"), ("rectification_status", "整改情况")]),
    "recommendations": ("示范党支部（推荐省市先进集体）", recommendations, [
        ("district", "市（县）区/市直单位"), ("org_name", "党组织"), ("sector", "领域"), ("members", "党员人数"),
        ("secretary", "书记"), ("brand", "特色品牌"), ("plaque_year", "授牌年度"), ("awarded_on", "授牌日期"),
        ("city_score", "市级考评得分"), ("recommended_for", "推荐方向")]),
    "performance": ("绩效考核", performance, [
        ("unit", "单位"), ("level", "层级"), ("required", "应考评党组织"), ("passed", "达标"), ("pass_rate", "达标率（%）"),
        ("target", "目标（%）"), ("demonstration", "示范党支部"), ("rectification_total", "整改项"),
        ("rectification_closed_on_time", "按时整改验收"), ("rectification_on_time_rate", "按时整改率（%）"),
        ("has_plan", "实施方案"), ("hearings", "听取汇报次数"), ("in_party_building_plan", "纳入党建计划"),
        ("score", "得分"), ("grade", "等次")]),
    "pass_rates": ("达标情况汇总表", pass_rate_table, [
        ("unit", "单位/领域"), ("level", "层级"), ("required", "应考评"), ("submitted", "已申报"), ("decided", "已考评"),
        ("passed", "达标"), ("rate", "达标率（%）"), ("target", "目标（%）")]),
    "rectification": ("整改进展", rectification_progress, [
        ("party_org", "党组织"), ("item_code", "评分项"), ("source", "来源"), ("problem", "问题"), ("task", "整改任务"),
        ("responsible_department", "责任部门"), ("responsible_person", "责任人"), ("deadline", "整改时限"),
        ("workflow_state", "状态"), ("closed_on", "验收日期"), ("overdue", "逾期")]),
    "progress": ("申报进度", submission_progress, [
        ("phase", "阶段"), ("deadline", "截止日期"), ("unit", "事项"), ("done", "已完成"), ("total", "应完成"),
        ("rate", "完成率（%）"), ("late", "逾期")]),
    "cases": ("典型案例", published_cases, [
        ("title", "标题"), ("category", "类别"), ("party_org", "党组织"), ("year", "年度"), ("summary", "摘要"),
        ("published_on", "发布日期")]),
    "plans": ("实施方案", plan_status, [
        ("org", "单位"), ("level", "层级"), ("has_plan", "已制定"), ("title", "方案名称"), ("plan_date", "印发日期"),
        ("approved_by", "审定人"), ("on_time", "按期")]),
    "coverage": ("组织覆盖", coverage, [
        ("unit", "单位"), ("unit_type", "类别"), ("retired_members", "离退休干部党员"), ("required_form", "应建"),
        ("organisations", "已建党组织"), ("members_covered", "已纳入管理"), ("gaps", "缺口")]),
}
