"""The programme year (plan §四): its phases and deadlines, targets, opening and closing, and the
year every question defaults to.

Phases and their defaults: 动员部署 by 30 June, 自查摸底 by 31 July, 整改推进 1 August – 30 September,
申报 (self assessments and demonstration applications in) by 31 October, 考核 (the city's evaluation)
by 30 November, 持续推进 after; the half-yearly 督促检查 by 30 June and 31 December. A Programme Year
record may move any date; its save checks they are in order and inside the year."""
from __future__ import annotations

import datetime as dt

from sixhave_app.engine.errors import ValidationError

# The plan's defaults when a year has no Programme Year record, or a date is left empty.
DEFAULT_DEADLINES = {"动员部署": (6, 30), "自查摸底": (7, 31), "整改": (9, 30), "申报": (10, 31), "考核": (11, 30)}
PHASE_FIELDS = {"动员部署": "mobilise_by", "自查摸底": "survey_by", "整改": "rectify_by", "申报": "declare_by",
                "考核": "assess_by"}
# Every dated field of a Programme Year, in the order the plan runs them, with its default.
ORDERED_DATES = [("mobilise_by", (6, 30)), ("survey_by", (7, 31)), ("rectify_from", (8, 1)), ("rectify_by", (9, 30)),
                 ("declare_by", (10, 31)), ("assess_by", (11, 30))]
OTHER_DATES = [("inspect_h1_by", (6, 30)), ("inspect_h2_by", (12, 31)), ("training_by", (12, 31))]
DEFAULT_TARGETS = {2018: 80, 2019: 90, 2020: 100}
QUOTA_YEARS = 3  # "力争三年内……打造30至50个示范党支部"
# The DocTypes a closed year refuses to create, submit or edit (rectification goes on after).
YEAR_BOUND = ("Self Assessment", "Demonstration Application", "Implementation Plan", "Self Check", "Unit Survey",
              "Public Notice")


def year_of(doc) -> int | None:
    year = doc.get("year")
    try:
        return int(year) if year else None
    except (TypeError, ValueError):
        return None


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def programme_year(ctx, year: int) -> dict | None:
    if not year:
        return None
    rows = ctx.get_all("Programme Year", filters={"name": str(year)}, fields=["*"], ignore_permissions=True)
    return rows[0] if rows else None


def date_of(ctx, year: int, fieldname: str, record: dict | None = None) -> dt.date:
    """A Programme Year's date (from `record` when the caller has it), else the plan's default."""
    record = programme_year(ctx, year) if record is None else record
    value = _date((record or {}).get(fieldname))
    if value:
        return value
    month, day = dict(ORDERED_DATES + OTHER_DATES)[fieldname]
    return dt.date(year, month, day)


def deadline(ctx, year: int, phase: str) -> dt.date | None:
    if phase not in PHASE_FIELDS:
        return None
    return date_of(ctx, year, PHASE_FIELDS[phase])


def phase_deadline(ctx, doc, phase: str) -> dt.date | None:
    """The engine's workflow_deadline hook: a queue item's due date. A rectification item is due on
    its own deadline; anything else on its phase's."""
    own = doc.get("deadline") if doc.meta.has_field("deadline") else None
    if own:
        return _date(own)
    year = year_of(doc)
    if not year:
        return None
    return deadline(ctx, year, phase)


def open_year(ctx) -> int:
    """The year questions default to: the latest open, not closed, Programme Year; else the
    latest one; else the year of the site's today."""
    rows = ctx.get_all("Programme Year", filters={"is_open": 1}, fields=["year", "closed"], order_by="year desc",
                       ignore_permissions=True)
    for row in rows:
        if not row.get("closed"):
            return int(row["year"])
    rows = ctx.get_all("Programme Year", fields=["year"], order_by="year desc", limit_page_length=1,
                       ignore_permissions=True)
    return int(rows[0]["year"]) if rows else ctx.today().year


def as_of_for(ctx, year: int | None = None, as_of=None) -> tuple[int, dt.date]:
    """(year, day) a question is asked about: `year` defaults to the open programme year, `as_of`
    to the site's today; a day past that year's end is the year's last day, so a historical
    year is judged as it ended, not against today."""
    year = int(year) if year else open_year(ctx)
    day = _date(as_of) if as_of else ctx.today()
    return year, min(day, dt.date(year, 12, 31))


def is_closed(ctx, year: int | None) -> bool:
    if not year:
        return False
    record = programme_year(ctx, year)
    return bool(record and record.get("closed"))


def target_pass_rate(ctx, year: int) -> float:
    record = programme_year(ctx, year) or {}
    value = record.get("target_pass_rate")
    if value is None:
        value = ctx.get_value("Scoring Template", {"year": year}, "target_pass_rate", ignore_permissions=True)
    return float(value) if value is not None else float(DEFAULT_TARGETS.get(year, 100))


# --------------------------------------------------------------------------- Programme Year
def validate_programme_year(doc) -> None:
    year = year_of(doc)
    if not year or not 1949 <= year <= 9999:
        raise ValidationError(f"年度 “{doc.get('year')}” 无效，应为四位年份")
    for fieldname, (month, day) in ORDERED_DATES + OTHER_DATES:
        if not doc.get(fieldname):
            doc.set(fieldname, dt.date(year, month, day))
    meta = doc.meta
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for fieldname, _ in ORDERED_DATES + OTHER_DATES:
        value = _date(doc.get(fieldname))
        if not first <= value <= last:
            raise ValidationError(f"{meta.label_of(fieldname)}（{value}）不在 {year} 年内")
    previous = None
    for fieldname, _ in ORDERED_DATES:
        value = _date(doc.get(fieldname))
        if previous and value < previous[1]:
            raise ValidationError(f"{meta.label_of(fieldname)}（{value}）不能早于{meta.label_of(previous[0])}（{previous[1]}），"
                                  "各阶段须按动员部署、自查摸底、整改推进、申报、考核的顺序")
        previous = (fieldname, value)
    if _date(doc.inspect_h2_by) < _date(doc.inspect_h1_by):
        raise ValidationError("下半年督促检查截止日期不能早于上半年的")
    if doc.target_pass_rate is None:
        doc.target_pass_rate = DEFAULT_TARGETS.get(year, 100)
    if not 0 <= float(doc.target_pass_rate) <= 100:
        raise ValidationError(f"{meta.label_of('target_pass_rate')}应在 0 到 100 之间（现为 {doc.target_pass_rate}）")
    low, high = int(doc.demonstration_target_min or 0), int(doc.demonstration_target_max or 0)
    if low < 0 or high < low:
        raise ValidationError(f"示范党支部目标：下限（{low}）不能大于上限（{high}），且不能为负数")
    before = doc.get_original() or {}
    if doc.closed and not before.get("closed"):
        doc.closed_on = doc.ctx.today()
        doc.is_open = 0
    elif not doc.closed:
        doc.closed_on = None


def guard_closed_year(doc, method=None) -> None:
    """A closed year refuses new records and edits of its drafts and submissions in review."""
    if doc.doctype not in YEAR_BOUND or doc.flags.__dict__.get("ignore_closed_year"):
        return
    year = year_of(doc)
    if not is_closed(doc.ctx, year):
        return
    before = doc.get_original()
    what = doc.meta.display_name
    if before is None:
        raise ValidationError(f"{year} 年度已关闭，不能再新建{what}")
    if int(before.get("docstatus") or 0) == 0:
        raise ValidationError(f"{year} 年度已关闭，{what} “{doc.name}” 不能再提交或修改")


# --------------------------------------------------------------------------- quota
def demonstration_quota(ctx, year) -> int:
    """Plaques the city may hold in `year`: the year's template quota when set, else 50 (the plan's
    30–50 within three years). Kept for workflow conditions an administrator may write."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return 0
    template = ctx.get_value("Scoring Template", {"year": year}, "demonstration_quota", ignore_permissions=True)
    return int(template) if template else quota_bounds(ctx, year)[1]


def quota_bounds(ctx, year: int) -> tuple[int, int]:
    """(min, max) demonstration branches over the three programme years ending with `year`."""
    record = programme_year(ctx, year) or {}
    return int(record.get("demonstration_target_min") or 30), int(record.get("demonstration_target_max") or 50)


def quota_check(ctx, year: int) -> str | None:
    """Why one more plaque would break the quota (a sentence), or None."""
    low, high = quota_bounds(ctx, year)
    held = ctx.get_count("Plaque", [["status", "=", "有效"], ["year", "between", [year - QUOTA_YEARS + 1, year]]],
                         ignore_permissions=True)
    if held >= high:
        return f"三年内示范党支部以 {low}—{high} 个为限，{year - QUOTA_YEARS + 1}—{year} 年已授牌 {held} 个，配额已用完"
    yearly = ctx.get_value("Scoring Template", {"year": year}, "demonstration_quota", ignore_permissions=True)
    if yearly:
        this_year = ctx.get_count("Plaque", {"status": "有效", "year": year}, ignore_permissions=True)
        if this_year >= int(yearly):
            return f"{year} 年度示范党支部配额为 {int(yearly)} 个，已授牌 {this_year} 个，配额已用完"
    return None
