"""Field values on the ground floor: whether two stored values are the same, and how a value
leaves the engine as JSON. Imports nothing of the engine; documents, versions, permissions,
workflow and imports all compare and convert through these."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal


def same(a, b) -> bool:
    """Equal as stored values: empty equals empty (None or ""), numbers by value (1 == 1.0 ==
    Decimal("1.00")), anything else by ==."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return Decimal(repr(a) if isinstance(a, float) else a) == Decimal(repr(b) if isinstance(b, float) else b)
    return a == b


def to_json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return value
