"""A field type the engine does not know: the test app adds it through its hooks (`field_types`),
as any app would, to show that a new type needs no change to the engine."""
from __future__ import annotations

import re

import sqlalchemy as sa

from sixhave_app.engine.fieldtypes import FieldType, FieldValueError

PATTERN = r"^\+?[0-9]{7,15}$"
_PHONE = re.compile(PATTERN)


def _phone(value, field):
    if isinstance(value, (dict, list, bool)):
        raise FieldValueError("应为电话号码")
    text = re.sub(r"[\s\-()]", "", str(value))  # "0510-8888 6666" is kept as 051088886666
    if not text:
        return None
    if not _PHONE.match(text):
        raise FieldValueError("不是有效的电话号码（7–15 位数字，可带 +）")
    return text


PHONE = FieldType(
    "Phone", lambda f: sa.String(20), _phone,
    text_like=True, width=10, searchable=True, summary=True, customizable=True,
    openapi=lambda f: {"type": "string", "pattern": PATTERN, "maxLength": 16},
    excel_width=18, import_hint="电话号码（7–15 位数字）", sample="13800000000", desk="Data",
)
