"""The programme year: phase deadlines of the plan (§四) and the year's demonstration quota."""
from __future__ import annotations

import datetime as dt

# The plan's defaults when a year has no Programme Year record, or a date is left empty.
DEFAULT_DEADLINES = {"动员部署": (6, 30), "自查摸底": (7, 31), "整改": (9, 30), "申报": (10, 31), "考核": (11, 30)}
PHASE_FIELDS = {"动员部署": "mobilise_by", "自查摸底": "survey_by", "整改": "rectify_by", "申报": "declare_by",
                "考核": "assess_by"}


def year_of(doc) -> int | None:
    year = doc.get("year")
    try:
        return int(year) if year else None
    except (TypeError, ValueError):
        return None


def phase_deadline(ctx, doc, phase: str) -> dt.date | None:
    year = year_of(doc)
    if not year or phase not in DEFAULT_DEADLINES:
        return None
    field = PHASE_FIELDS[phase]
    if ctx.exists("Programme Year", str(year)):
        value = ctx.get_value("Programme Year", str(year), field, ignore_permissions=True)
        if value:
            return value
    month, day = DEFAULT_DEADLINES[phase]
    return dt.date(year, month, day)


def demonstration_quota(ctx, year) -> int:
    """Plaques the city may still award in `year`: the year's template quota, else 50 (the plan's
    30–50 within three years)."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return 0
    template = ctx.get_value("Scoring Template", {"year": year}, "demonstration_quota", ignore_permissions=True)
    return int(template) if template else 50
