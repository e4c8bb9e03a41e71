"""动员部署 (plan §四1): each 市（县）区 and each 市直单位 makes its own 实施方案 by the June
deadline — a document with its file, its date and who approved it — and the city sees who has
and who has not."""
from __future__ import annotations

from sixhave_app.engine.errors import ValidationError
from sixhave_app.six_haves import programme

PLANNING_LEVELS = ("市（县）区", "市直单位")


def validate_plan(doc) -> None:
    ctx = doc.ctx
    level = ctx.get_value("Org Unit", doc.org, "level", ignore_permissions=True) if doc.org else None
    if level not in PLANNING_LEVELS:
        raise ValidationError(f"实施方案由市（县）区或市直单位制定：“{doc.org}” 是{level or '未知层级'}")
    year = programme.year_of(doc)
    day = programme._date(doc.plan_date)
    if day and year and day.year != year:
        raise ValidationError(f"实施方案的印发日期（{day}）应在 {year} 年内")
    if not str(doc.attachment or "").strip():
        raise ValidationError("请上传实施方案文件（附件）")


def planning_units(ctx) -> list[dict]:
    return ctx.get_all("Org Unit", filters=[["level", "in", list(PLANNING_LEVELS)]], fields=["name", "level", "lft"],
                       order_by="lft asc", ignore_permissions=True)


def plan_status(ctx, year: int) -> dict:
    """Per district and city-level unit: its plan (date, approver, file) or that it has none yet,
    and whether it came in by the deadline. Read through the caller's permissions: a district
    sees its own line."""
    due = programme.deadline(ctx, year, "动员部署")
    plans = {p["org"]: p for p in ctx.get_all("Implementation Plan", filters={"year": year},
                                               fields=["name", "org", "title", "plan_date", "approved_by", "attachment",
                                                       "creation"], limit_page_length=0)}
    visible = {u["name"] for u in ctx.get_all("Org Unit", filters=[["level", "in", list(PLANNING_LEVELS)]],
                                               fields=["name"], limit_page_length=0)}
    rows = []
    for unit in planning_units(ctx):
        if unit["name"] not in visible:
            continue
        plan = plans.get(unit["name"])
        rows.append({"org": unit["name"], "level": unit["level"], "has_plan": bool(plan),
                     "plan": plan["name"] if plan else None, "title": plan["title"] if plan else None,
                     "plan_date": plan["plan_date"] if plan else None,
                     "approved_by": plan["approved_by"] if plan else None,
                     "attachment": plan["attachment"] if plan else None,
                     "on_time": bool(plan and plan["plan_date"] and plan["plan_date"] <= due)})
    missing = [r["org"] for r in rows if not r["has_plan"]]
    return {"year": year, "deadline": due, "total": len(rows), "with_plan": len(rows) - len(missing),
            "missing": missing, "units": rows}
