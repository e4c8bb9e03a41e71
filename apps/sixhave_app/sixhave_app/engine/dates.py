"""Calendar arithmetic the whole code base shares: a date some years on (29 February becomes
28 February in a common year) and a person's age on a day."""
from __future__ import annotations

import datetime as dt


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    """Completed years of age on `day` (None when the birth date is unknown)."""
    if not birth:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
