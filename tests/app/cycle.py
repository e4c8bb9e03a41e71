"""Helpers for the yearly-cycle tests: a year opened with its template and Programme Year, a branch
ready for a plaque (members, secretary, term, a sheet the city passed), days the site is told."""
from __future__ import annotations

import datetime as dt

from sixhave_app.engine import workflow
from sixhave_app.six_haves import scoring
from tests.app.conftest import Branch, new_district


def open_year(ctx, year: int, **programme) -> None:
    """The year's template (copied from 2018's) and its Programme Year."""
    if not ctx.get_value("Scoring Template", {"year": year}, "name"):
        scoring.copy_template(ctx, ctx.get_value("Scoring Template", {"year": 2018}, "name"), year)
    if not ctx.exists("Programme Year", str(year)):
        ctx.insert({"doctype": "Programme Year", "year": year, "is_open": 1, **programme})


def on(ctx, day) -> None:
    """The day the site is told (for this context)."""
    ctx.flags["as_of"] = dt.date.fromisoformat(str(day))


def act(ctx, doctype: str, name: str, action: str, comment: str | None = None, next_state: str | None = None):
    return workflow.apply_action(ctx, doctype, name, action, comment=comment, next_state=next_state)


def scored_sheet(ctx, party_org: str, year: int, *, city: float | None = None):
    """A sheet with every item self-scored at full marks, through the district and the city
    (the city's score per item scaled to `city` % of the points; None stops at 市级考评)."""
    sheet = ctx.insert({"doctype": "Self Assessment", "party_org": party_org, "year": year})
    for row in sheet.items:
        row.self_score = row.points
    sheet.save()
    act(ctx, "Self Assessment", sheet.name, "提交")
    sheet = ctx.get_doc("Self Assessment", sheet.name)
    for row in sheet.items:
        row.district_score = row.points
    sheet.save()
    act(ctx, "Self Assessment", sheet.name, "通过")
    if city is None:
        return ctx.get_doc("Self Assessment", sheet.name)
    sheet = ctx.get_doc("Self Assessment", sheet.name)
    for row in sheet.items:
        row.city_score = round(float(row.points) * city / 100, 1)
    sheet.save()
    act(ctx, "Self Assessment", sheet.name, "达标" if sheet.city_result == "达标" else "不达标", comment="综合考评")
    return ctx.get_doc("Self Assessment", sheet.name)


def demonstration_candidate(ctx, year: int, district: str | None = None, *, secretary_born=None, term=None,
                            city=100.0, sector="机关") -> Branch:
    """A branch whose sheet the city passed, with a secretary (68 by default) and a current term;
    its application in 市级评审."""
    secretary_born = secretary_born or f"{year - 68}-03-01"
    term = term or (f"{year - 1}-01-01", f"{year + 3}-12-31")
    b = Branch(ctx, district or new_district(ctx), sector=sector, term_start=term[0], term_end=term[1])
    secretary = b.member("书记" + b.name[-4:], birth_date=secretary_born)
    b.member()
    b.member()
    b.committee("书记", secretary, term[0])
    scored_sheet(ctx, b.name, year, city=city)
    application = ctx.insert({"doctype": "Demonstration Application", "party_org": b.name, "year": year,
                              "brand": "银发先锋", "practices": "每月集体学习", "results": "成效明显"})
    act(ctx, "Demonstration Application", application.name, "申报")
    act(ctx, "Demonstration Application", application.name, "推荐")
    b.application = application.name
    return b


def publish(ctx, year: int, start, end, applications=None) -> str:
    rows = applications or ctx.get_all("Demonstration Application", filters={"year": year, "workflow_state": "市级评审"},
                                       pluck="name")
    return ctx.insert({"doctype": "Public Notice", "year": year, "title": f"{year}年公示", "start_date": start,
                       "end_date": end, "published": 1, "entries": [{"application": a} for a in rows]}).name
