"""组织领导 (plan §五1): units' leaders hear work reports regularly, the work is in the unit's
Party-building plan, and from 2018 the programme is part of the units' 老干部工作 performance
review (绩效考核) — computed here per 市（县）区 and 市直单位 from the programme's own data."""
from __future__ import annotations

from sixhave_app.engine.errors import ValidationError
from sixhave_app.six_haves import dashboards, mobilisation, programme, rectification

# The performance score: 60 for the pass rate against the year's target, 20 for demonstration
# branches, 20 for rectification closed on time; then the grade.
GRADES = ((90, "好"), (75, "较好"), (60, "一般"), (0, "差"))


def validate_hearing(doc) -> None:
    year = programme.year_of(doc)
    day = programme._date(doc.hearing_date)
    if day and year and day.year != year:
        raise ValidationError(f"汇报日期（{day}）应在 {year} 年内")
    if day and day > doc.ctx.today():
        raise ValidationError(f"汇报日期（{day}）不能晚于今天")


def performance(ctx, year: int, as_of=None) -> list[dict]:
    """One row per 市（县）区 and 市直单位 the caller can see: organisations to assess, passed, pass
    rate and target, demonstration branches, rectification closed on time, plan, hearings, the
    score and grade."""
    _, today = programme.as_of_for(ctx, year, as_of)
    target = programme.target_pass_rate(ctx, year)
    plans = mobilisation.plan_status(ctx, year)
    has_plan = {u["org"]: u["has_plan"] for u in plans["units"]}
    out = []
    for unit in mobilisation.planning_units(ctx):
        if unit["name"] not in has_plan:
            continue
        rates = dashboards.unit_rate(ctx, year, unit["name"])
        demos = ctx.get_count("Plaque", [["status", "=", "有效"], ["year", "<=", year],
                                         ["org", "descendants of (inclusive)", unit["name"]]])
        rect = rectification.progress(ctx, year, today, unit["name"])
        hearings = ctx.get_count("Work Report Hearing", {"org": unit["name"], "year": year})
        in_plan = bool(ctx.get_value("Party Building Plan", {"org": unit["name"], "year": year},
                                     "includes_retired_work"))
        rate = rates["rate"]
        on_time = round(rect["closed_on_time"] * 100.0 / rect["total"], 1) if rect["total"] else None
        score = 60 * min(1.0, (rate or 0) / target) if target else 60.0
        score += 20 if demos else 0
        score += 20 * (on_time / 100.0 if on_time is not None else 1.0)
        score = round(score, 1)
        out.append({"unit": unit["name"], "level": unit["level"], "year": year, "required": rates["required"],
                    "passed": rates["passed"], "pass_rate": rate, "target": target,
                    "meets_target": rate is not None and rate >= target, "demonstration": demos,
                    "rectification_total": rect["total"], "rectification_closed_on_time": rect["closed_on_time"],
                    "rectification_on_time_rate": on_time, "rectification_overdue": rect["overdue"],
                    "has_plan": has_plan[unit["name"]], "hearings": hearings, "in_party_building_plan": in_plan,
                    "score": score, "grade": next(g for floor, g in GRADES if score >= floor)})
    return out
