"""Field types: the one table that maps each type to its column, its coercion and its validation.

Adding a field type means adding a row to FIELD_TYPES; nothing else in the engine switches on a
field type's name except through the flags kept here.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable

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


# --------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class FieldType:
    name: str
    column: Callable[[Any], sa.types.TypeEngine] | None  # None: no column in the table
    coerce: Callable[[Any, Any], Any] | None = None
    layout: bool = False          # Section/Column/Tab Break: no value at all
    table: bool = False           # Table / Table MultiSelect: child rows
    link: bool = False            # value is the name of another document
    width: int = 0                # for widening checks: a column may only move to a wider one
    searchable: bool = False      # text a link search may match


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

FIELD_TYPES: dict[str, FieldType] = {t.name: t for t in [
    FieldType("Data", _varchar, _data, width=_W_VARCHAR, searchable=True),
    FieldType("Link", _varchar, _data, link=True, width=_W_VARCHAR, searchable=True),
    FieldType("Dynamic Link", _varchar, _data, link=True, width=_W_VARCHAR),
    FieldType("Select", _varchar, _select, width=_W_VARCHAR, searchable=True),
    FieldType("Read Only", _varchar, _data, width=_W_VARCHAR),
    FieldType("Password", _varchar, _data, width=_W_VARCHAR),
    FieldType("Small Text", _text_col, _long_text, width=_W_TEXT, searchable=True),
    FieldType("Text", _text_col, _long_text, width=_W_TEXT, searchable=True),
    FieldType("Long Text", _long_col, _long_text, width=_W_LONG),
    FieldType("Text Editor", _long_col, _long_text, width=_W_LONG),
    FieldType("Markdown Editor", _long_col, _long_text, width=_W_LONG),
    FieldType("Code", _long_col, _long_text, width=_W_LONG),
    FieldType("Attach", _text_col, _long_text, width=_W_TEXT),
    FieldType("Attach Image", _text_col, _long_text, width=_W_TEXT),
    FieldType("JSON", _json_col, _json, width=_W_LONG),
    FieldType("Int", lambda f: sa.BigInteger(), _int, width=_W_INT),
    FieldType("Check", lambda f: sa.SmallInteger(), _check, width=1),
    FieldType("Float", _float_col, _float_coerce, width=_W_DECIMAL),
    FieldType("Currency", lambda f: ExactDecimal(f.decimal_places()), _decimal, width=_W_DECIMAL),
    FieldType("Percent", _float_col, _float_coerce, width=_W_DECIMAL),
    FieldType("Rating", _float_col, _float_coerce, width=_W_DECIMAL),  # as Frappe: a fraction, 0–1
    FieldType("Color", _varchar, _data, width=_W_VARCHAR),
    FieldType("Date", lambda f: sa.Date(), _date, width=40),
    FieldType("Datetime", _datetime_col, _datetime, width=41),
    FieldType("Time", lambda f: sa.Time(), _time, width=42),
    FieldType("Table", None, table=True),
    FieldType("Table MultiSelect", None, table=True),
    FieldType("Section Break", None, layout=True),
    FieldType("Column Break", None, layout=True),
    FieldType("Tab Break", None, layout=True),
    FieldType("HTML", None, layout=True),
    FieldType("Button", None, layout=True),
    FieldType("Heading", None, layout=True),
]}

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
    kind = FIELD_TYPES.get(field.fieldtype)
    if kind is None or kind.column is None:
        return None
    if kind.column is _varchar:
        return int(field.length or 140), "chars"
    if kind.column is _text_col:
        return TEXT_BYTES, "bytes"
    if kind.column in (_long_col, _json_col):
        return LONG_TEXT_BYTES, "bytes"
    return None


NUMERIC_TYPES = {"Int", "Float", "Currency", "Percent", "Check"}
DATE_TYPES = {"Date", "Datetime", "Time"}


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
    kind = FIELD_TYPES[field.fieldtype]
    return kind.coerce(raw, field) if kind.coerce else raw
