"""Field types: the one table that maps each type to its column, its coercion and its validation,
and the flags that schema, validation, query, OpenAPI, printing, import/export and storage read.

Nothing else in the engine switches on a field type's name: it reads `field.kind.<flag>`. An app
adds a type without touching the engine by listing `FieldType` rows (or dotted paths to them) as
`field_types` in its hooks.py; each Site builds its own registry (`registry()`: these defaults plus
the apps' types) and its MetaStore resolves every field's `kind` through it, so no module-level
table is ever changed at run time.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable, Iterable

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import TypeDecorator

# Every exact decimal is stored with this many decimal places; a field's `precision` may ask for
# fewer (values are rounded to it), never more.
DECIMAL_SCALE = 6
MAX_PRECISION = DECIMAL_SCALE
_SCALE = 10 ** DECIMAL_SCALE


class ScaledInteger(sa.types.TypeEngine):
    """SQLite storage of an exact decimal: an integer count of 10^-DECIMAL_SCALE units. Its own
    declared type name (NUMERIC affinity) tells schema sync it apart from a plain integer column."""

    __visit_name__ = "scaled_integer"


@compiles(ScaledInteger, "sqlite")
def _compile_scaled(type_, compiler, **kw):
    return f"DECIMAL_SCALED_{DECIMAL_SCALE}"


class ExactDecimal(TypeDecorator):
    """DECIMAL(24,6) on MariaDB; on SQLite, which has no decimal type, a scaled 64-bit integer.

    Scaled integers keep SUM() exact in SQL on SQLite, which REAL or TEXT storage would not.
    """

    impl = sa.Numeric(24, DECIMAL_SCALE)
    cache_ok = True

    def __init__(self, places: int = DECIMAL_SCALE):
        super().__init__()
        self.places = places  # values read back are shown at the field's precision
        self._quantum = Decimal(1).scaleb(-places)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return ScaledInteger()
        return dialect.type_descriptor(sa.Numeric(24, DECIMAL_SCALE, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = to_decimal(value)
        if dialect.name == "sqlite":
            return int((value * _SCALE).to_integral_value(ROUND_HALF_UP))
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            if isinstance(value, float):  # avg() and friends come back as REAL
                return (Decimal(repr(value)) / _SCALE).quantize(self._quantum, rounding=ROUND_HALF_UP)
            number = Decimal(int(value)) / _SCALE
        else:
            number = to_decimal(value)
        return number.quantize(self._quantum, rounding=ROUND_HALF_UP)


_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def plain_number(text: str) -> str:
    """A number as typed: commas only as thousands separators ("1,000.5"); "3,5" or "1.234,5"
    (a decimal comma) is refused rather than read as 35 or 1.2345."""
    text = text.strip()
    if "," in text:
        if not _GROUPED.match(text):
            raise InvalidOperation(text)
        text = text.replace(",", "")
    return text


def to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, bool):
        return Decimal(int(value))
    return Decimal(plain_number(str(value)))


class FieldValueError(ValueError):
    """Raised by a coercer; the caller adds the DocType, label and value to the message."""


# --------------------------------------------------------------------------- coercers
def _text(value, field):
    if isinstance(value, (dict, list)):
        raise FieldValueError("应为文本")
    text = value if isinstance(value, str) else str(value)
    return text


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[+0-9()\- ]{3,30}$")


def _data(value, field):
    text = _text(value, field).strip()
    if not text:
        return None
    option = (field.options or "").strip()
    if option == "Email" and not _EMAIL.match(text):
        raise FieldValueError("不是有效的电子邮箱")
    if option == "Phone" and not _PHONE.match(text):
        raise FieldValueError("不是有效的电话号码")
    if option == "URL" and not re.match(r"^(https?://|/)", text):
        raise FieldValueError("不是有效的网址")
    return text


def _long_text(value, field):
    text = _text(value, field)
    return text if text.strip() else None


# An Int column is BIGINT on both databases: a value outside it is refused here, never left to
# the driver (SQLite raises OverflowError, MariaDB an out-of-range error).
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1


def _int(value, field):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or value != int(value):
            raise FieldValueError("应为整数")
        number = int(value)
    elif isinstance(value, (dict, list, tuple)):
        raise FieldValueError("应为整数")
    else:
        try:
            decimal = Decimal(plain_number(str(value)))
            if not decimal.is_finite() or decimal != decimal.to_integral_value():
                raise FieldValueError("应为整数")
            if not INT_MIN <= decimal <= INT_MAX:  # before int(): "1e999999999" is not built
                raise FieldValueError("超出整数范围")
            number = int(decimal)
        except (InvalidOperation, ValueError) as exc:
            if isinstance(exc, FieldValueError):
                raise
            raise FieldValueError("应为整数（小数点用“.”，不用“,”）") from None
    if not INT_MIN <= number <= INT_MAX:
        raise FieldValueError("超出整数范围")
    return number


def _check(value, field):
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on", "是"):
            return 1
        if lowered in ("", "0", "false", "no", "off", "否"):
            return 0
        raise FieldValueError("应为 0 或 1")
    if value in (0, 1, True, False):
        return int(value)
    raise FieldValueError("应为 0 或 1")


def _float(value, field):
    if isinstance(value, bool):
        raise FieldValueError("应为数字")
    try:
        number = float(plain_number(value)) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, InvalidOperation):
        raise FieldValueError("应为数字（小数点用“.”，不用“,”）") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise FieldValueError("应为有限数字")
    return number


def _decimal(value, field):
    if isinstance(value, bool):
        raise FieldValueError("应为数字")
    try:
        number = to_decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise FieldValueError("应为数字") from None
    if not number.is_finite():
        raise FieldValueError("应为有限数字")
    if abs(number) >= Decimal(10) ** (24 - DECIMAL_SCALE):  # before quantize, which fails on huge values
        raise FieldValueError("数值过大")
    places = field.decimal_places()
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if abs(number) >= Decimal(10) ** (24 - DECIMAL_SCALE):
        raise FieldValueError("数值过大")
    return number


def _date(value, field):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise FieldValueError("应为日期（年-月-日）") from None


def _datetime(value, field):
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("T", " ")).replace(tzinfo=None)
    except ValueError:
        raise FieldValueError("应为日期时间（年-月-日 时:分:秒）") from None


def _time(value, field):
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise FieldValueError("应为时间（时:分:秒）") from None


def _select(value, field):
    text = _text(value, field).strip()
    if not text:
        return None
    options = field.select_options()
    if options and text not in options:
        raise FieldValueError("不在可选项中（" + "、".join(options) + "）")
    return text


def _json(value, field):
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return orjson.loads(value)  # strict, and no recursion error however deep
        except ValueError:
            raise FieldValueError("不是有效的 JSON") from None
    return value


# --------------------------------------------------------------------------- OpenAPI fragments
def _string_schema(field) -> dict:
    return {"type": "string"}


def _short_text_schema(field) -> dict:
    """Data, Link, Select, Read Only: a VARCHAR's length; a Select's choices."""
    schema: dict = {"type": "string"}
    options = field.select_options() if field.kind.select else []
    if options:
        schema["enum"] = options + [""]
    schema["maxLength"] = field.length or 140
    return schema


def _data_schema(field) -> dict:
    schema = _short_text_schema(field)
    if field.options == "Email":
        schema["format"] = "email"
    return schema


def _int_schema(field) -> dict:
    return {"type": "integer", "minimum": -(2 ** 63), "maximum": 2 ** 63 - 1}


def _check_schema(field) -> dict:
    return {"type": "integer", "enum": [0, 1]}


def _number_schema(field) -> dict:
    return {"type": "number"}


def _any_schema(field) -> dict:
    return {}


def _format_schema(fmt: str):
    return lambda field: {"type": "string", "format": fmt}


# --------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class FieldType:
    name: str
    column: Callable[[Any], sa.types.TypeEngine] | None  # None: no column in the table
    coerce: Callable[[Any, Any], Any] | None = None
    layout: bool = False          # Section/Column/Tab Break…: no value at all
    table: bool = False           # Table / Table MultiSelect: child rows
    link: bool = False            # value is the name of a document of the DocType in `options`
    dynamic_link: bool = False    # value is the name of a document of the DocType held by the field `options` names
    width: int = 0                # for widening checks: a column may only move to a wider one
    searchable: bool = False      # text a link search may match
    indexable: bool = True        # may get an index (for links, search fields, search_index)
    # query and validation
    text_like: bool = False       # a filter value is compared as text
    blank_kept: bool = False      # "" is kept as a value (else it means not set)
    multiline: bool = False       # text kept as typed on import (not stripped)
    server_owned: bool = False    # computed by the server, never taken from a file (Read Only)
    # what the value is
    numeric: bool = False         # a number that sums (report totals)
    integer: bool = False
    decimal: str | None = None    # "float": exact only with a precision; "exact": always an exact decimal
    places: int = DECIMAL_SCALE   # decimal places when the field gives no precision
    boolean: bool = False         # 0/1, shown as 是/否
    temporal: str | None = None   # "date" | "datetime" | "time"
    select: bool = False          # a choice among the lines of `options`
    json: bool = False            # any JSON value, kept as text
    attach: bool = False          # a file's URL
    image: bool = False           # an image's URL (left out of the generic print layout)
    # where the value goes
    exchanged: bool = True        # written to export files and read from imports
    printed: bool = True          # offered and shown in print
    summary: bool = False         # short enough to show as a review-queue column (custom fields)
    customizable: bool = False    # offered when adding a field in Customize Form
    needs_label: bool = True      # a new field of this type must have a label
    openapi: Callable[[Any], dict] = _string_schema  # the value's JSON schema in /api/openapi.json
    excel_width: int | None = None  # a spreadsheet column's width (None: from the label and length)
    import_hint: str = ""         # what to type, in the import template
    sample: Any = None            # a value admin checks try rules on (None: by the flags)
    desk: str | None = None       # the desk's input for it: an engine type's name (None: its own; an
                                  # app's type names the engine type whose input it borrows)

    @property
    def refers(self) -> bool:
        """Names another document (Link or Dynamic Link)."""
        return self.link or self.dynamic_link


def _varchar(field):
    return sa.String(field.length or 140)


def _text_col(field):
    return sa.Text().with_variant(mysql.TEXT(), "mysql", "mariadb")


def _long_col(field):
    return sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


def _datetime_col(field):
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


class JSONText(TypeDecorator):
    """JSON kept as text (LONGTEXT on MariaDB, TEXT on SQLite), written without ASCII escapes."""

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.LONGTEXT())
        return dialect.type_descriptor(sa.Text())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            return value


def _json_col(field):
    return JSONText()


def _float_col(field):
    return ExactDecimal(field.decimal_places()) if field.precision not in (None, "") else sa.Float(53)


def _float_coerce(value, field):
    return _decimal(value, field) if field.precision not in (None, "") else _float(value, field)


_W_VARCHAR, _W_TEXT, _W_LONG = 10, 20, 30
_W_INT, _W_DECIMAL = 5, 6

_TEXT = dict(text_like=True, width=_W_VARCHAR)
_SHORT = dict(_TEXT, blank_kept=True, openapi=_short_text_schema)
_LONG = dict(text_like=True, multiline=True)
_DECIMAL = dict(numeric=True, width=_W_DECIMAL, openapi=_number_schema)

# In the order Customize Form offers them.
DEFAULT_TYPES: tuple[FieldType, ...] = (
    FieldType("Data", _varchar, _data, searchable=True, summary=True, customizable=True, import_hint="文本",
              **dict(_SHORT, openapi=_data_schema)),
    FieldType("Select", _varchar, _select, select=True, searchable=True, summary=True, customizable=True,
              import_hint="下拉选择", **_SHORT),
    FieldType("Link", _varchar, _data, link=True, searchable=True, summary=True, customizable=True,
              import_hint="链接（填写编号）", **_SHORT),
    FieldType("Check", lambda f: sa.SmallInteger(), _check, boolean=True, width=1, customizable=True,
              openapi=_check_schema, excel_width=8, import_hint="是/否"),
    FieldType("Int", lambda f: sa.BigInteger(), _int, numeric=True, integer=True, width=_W_INT, summary=True,
              customizable=True, openapi=_int_schema, excel_width=10, import_hint="整数"),
    FieldType("Float", _float_col, _float_coerce, decimal="float", customizable=True, excel_width=12,
              import_hint="数字", **_DECIMAL),
    FieldType("Currency", lambda f: ExactDecimal(f.decimal_places()), _decimal, decimal="exact", places=2,
              customizable=True, excel_width=14, import_hint="金额", **_DECIMAL),
    FieldType("Percent", _float_col, _float_coerce, decimal="float", customizable=True, excel_width=10,
              import_hint="百分数", **_DECIMAL),
    FieldType("Date", lambda f: sa.Date(), _date, temporal="date", width=40, summary=True, customizable=True,
              openapi=_format_schema("date"), excel_width=12, import_hint="日期（年-月-日，如 2024-05-01）"),
    FieldType("Datetime", _datetime_col, _datetime, temporal="datetime", width=41, customizable=True,
              openapi=_format_schema("date-time"), excel_width=20, import_hint="日期时间（如 2024-05-01 09:30:00）"),
    FieldType("Time", lambda f: sa.Time(), _time, temporal="time", width=42, customizable=True,
              openapi=_format_schema("time"), excel_width=10, import_hint="时间（如 09:30:00）"),
    FieldType("Small Text", _text_col, _long_text, width=_W_TEXT, searchable=True, indexable=False,
              customizable=True, excel_width=36, import_hint="多行文本", **_LONG),
    FieldType("Text", _text_col, _long_text, width=_W_TEXT, searchable=True, indexable=False, customizable=True,
              excel_width=40, import_hint="多行文本", **_LONG),
    FieldType("Long Text", _long_col, _long_text, width=_W_LONG, indexable=False, customizable=True,
              excel_width=50, import_hint="长文本", **_LONG),
    FieldType("Text Editor", _long_col, _long_text, width=_W_LONG, customizable=True, excel_width=50,
              import_hint="长文本", **_LONG),
    FieldType("Attach", _text_col, _long_text, attach=True, text_like=True, width=_W_TEXT, customizable=True,
              import_hint="附件地址"),
    FieldType("Attach Image", _text_col, _long_text, attach=True, image=True, text_like=True, width=_W_TEXT,
              customizable=True),
    FieldType("Rating", _float_col, _float_coerce, width=_W_DECIMAL, customizable=True,
              openapi=_number_schema),  # as Frappe: a fraction, 0–1
    FieldType("Section Break", None, layout=True, customizable=True, needs_label=False),
    FieldType("Column Break", None, layout=True, customizable=True, needs_label=False),
    FieldType("Tab Break", None, layout=True, customizable=True, needs_label=False),
    FieldType("Heading", None, layout=True, customizable=True),
    FieldType("HTML", None, layout=True, customizable=True),
    FieldType("Table", None, table=True, customizable=True),
    FieldType("Dynamic Link", _varchar, _data, dynamic_link=True, import_hint="链接（填写编号）", **_SHORT),
    FieldType("Read Only", _varchar, _data, server_owned=True, **_SHORT),
    FieldType("Password", _varchar, _data, text_like=True, width=_W_VARCHAR, exchanged=False, printed=False),
    FieldType("Code", _long_col, _long_text, width=_W_LONG, excel_width=40, import_hint="文本", **_LONG),
    FieldType("Markdown Editor", _long_col, _long_text, width=_W_LONG),
    FieldType("Color", _varchar, _data, width=_W_VARCHAR),
    FieldType("JSON", _json_col, _json, json=True, width=_W_LONG, printed=False, openapi=_any_schema,
              excel_width=40),
    FieldType("Table MultiSelect", None, table=True),
    FieldType("Button", None, layout=True),
)
FIELD_TYPES: dict[str, FieldType] = {t.name: t for t in DEFAULT_TYPES}


class FieldTypes(dict):
    """One site's field types by name: the engine's and its apps'. `field_class` is the DocField
    class whose `kind` reads this registry (made once by meta.field_class)."""

    field_class: type | None = None


def registry(extra: Iterable[FieldType] = ()) -> FieldTypes:
    """The engine's field types and the ones apps add (hooks' `field_types`); a Site keeps its own.
    An app may not redefine a type another app or the engine already defines."""
    types = FieldTypes(FIELD_TYPES)
    for kind in extra:
        if not isinstance(kind, FieldType):
            raise TypeError(f"field_types: {kind!r} 不是 FieldType")
        if kind.name in types:
            raise ValueError(f"field_types: 字段类型 “{kind.name}” 已定义")
        types[kind.name] = kind
    return types


# Moves between types that keep every stored value (schema sync widens along these, never back).
WIDENINGS = {
    ("Data", "Small Text"), ("Data", "Text"), ("Data", "Long Text"), ("Data", "Text Editor"),
    ("Small Text", "Text"), ("Small Text", "Long Text"), ("Text", "Long Text"),
    ("Text", "Text Editor"), ("Small Text", "Text Editor"), ("Text Editor", "Long Text"),
    ("Long Text", "Text Editor"), ("Select", "Data"), ("Data", "Select"), ("Link", "Data"),
    ("Data", "Link"), ("Read Only", "Data"), ("Data", "Read Only"), ("Int", "Float"),
    ("Int", "Currency"), ("Float", "Currency"), ("Currency", "Float"), ("Float", "Percent"),
    ("Percent", "Float"), ("Check", "Int"), ("Date", "Datetime"), ("Attach", "Attach Image"),
    ("Attach Image", "Attach"), ("Small Text", "Code"), ("Text", "Code"), ("Code", "Long Text"),
}

# The most a column holds on either database (MariaDB's TEXT counts bytes, VARCHAR characters);
# validation refuses more on both, so MariaDB never truncates and SQLite never keeps what
# MariaDB could not.
TEXT_BYTES = 65535
LONG_TEXT_BYTES = 4 * 1024 ** 3 - 1
INT_RANGE = (-(2 ** 63), 2 ** 63 - 1)


def length_limit(field) -> tuple[int, str] | None:
    """(limit, "chars" | "bytes") for a text-like field's column, None for other types."""
    kind = field.kind
    if kind.column is None:
        return None
    if kind.column is _varchar:
        return int(field.length or 140), "chars"
    if kind.column is _text_col:
        return TEXT_BYTES, "bytes"
    if kind.column in (_long_col, _json_col):
        return LONG_TEXT_BYTES, "bytes"
    return None


def get(fieldtype: str) -> FieldType | None:
    return FIELD_TYPES.get(fieldtype)


def parse_default(raw, field, *, today: dt.date | None = None, user: str | None = None):
    """A field's `default` as written in meta, made into a value for a new document."""
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        key = raw.strip().lower()
        if key == "today":
            return today or dt.date.today()
        if key == "now":
            return dt.datetime.now().replace(microsecond=0)
        if key == "__user":
            return user
    kind = field.kind
    return kind.coerce(raw, field) if kind.coerce else raw
