"""Print helpers: the pure functions a print template may call — Chinese dates (二〇一八年十月三十日
and 2018年10月30日), 大写 numbers (壹贰叁… and 一二三…), money in figures and in words, exact
totals of a column. No data access here: helpers that read records live in printing.py and pass
through the user's permissions."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation, ROUND_HALF_UP

UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
LOWER_DIGITS = "零一二三四五六七八九"
UPPER_UNITS = ("", "拾", "佰", "仟")
LOWER_UNITS = ("", "十", "百", "千")
SECTIONS = ("", "万", "亿", "万亿")
DATE_DIGITS = "〇一二三四五六七八九"


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------- numbers in words
def _section_words(number: int, digits: str, units: tuple) -> str:
    """0 < number < 10000 in words, with the zeros Chinese reads aloud (一千零五)."""
    out, pending_zero = "", False
    for power in (3, 2, 1, 0):
        digit = number // 10 ** power % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += digits[0]
            pending_zero = False
        out += digits[digit] + units[power]
    return out


def cn_number(value, upper: bool = True) -> str:
    """An integer in Chinese words: 大写 (壹仟零伍) by default, 小写 (一千零五) with upper=False."""
    number = _decimal(value)
    if number is None:
        return ""
    number = int(number.to_integral_value(rounding=ROUND_HALF_UP))
    digits, units = (UPPER_DIGITS, UPPER_UNITS) if upper else (LOWER_DIGITS, LOWER_UNITS)
    if number == 0:
        return digits[0]
    sign = "负" if number < 0 else ""
    number = abs(number)
    sections = []
    while number:
        sections.append(number % 10000)
        number //= 10000
    if len(sections) > len(SECTIONS):
        raise ValueError("数字过大")
    words, gap = "", False
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            gap = bool(words)
            continue
        if words and (gap or section < 1000):
            words += digits[0]
        words += _section_words(section, digits, units) + SECTIONS[index]
        gap = False
    if not upper and words.startswith("一十"):
        words = words[1:]  # 十五, not 一十五
    return sign + words


def cn_money(value) -> str:
    """An amount in 大写 words as on a receipt: 壹仟贰佰叁拾肆元伍角陆分, 壹佰元整."""
    amount = _decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if amount < 0 else ""
    amount = abs(amount)
    yuan = int(amount)
    fen_total = int((amount - yuan) * 100)
    jiao, fen = divmod(fen_total, 10)
    words = (cn_number(yuan) + "元") if yuan else ""
    if not jiao and not fen:
        return sign + (words or "零元") + "整"
    if jiao:
        words += UPPER_DIGITS[jiao] + "角"
    elif yuan:
        words += UPPER_DIGITS[0]
    if fen:
        words += UPPER_DIGITS[fen] + "分"
    return sign + words


def money(value, symbol: str = "¥", places: int = 2) -> str:
    """¥1,234.50 — grouped, exact (Decimal), two places unless told."""
    amount = _decimal(value)
    if amount is None:
        return ""
    quantum = Decimal(1).scaleb(-int(places))
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{'-' if amount < 0 else ''}{symbol}{abs(amount):,.{int(places)}f}"


def num(value, places: int | None = None) -> str:
    """A number without needless zeros: 3, 2.5, 95.25 (scores); `places` fixes the decimals."""
    number = _decimal(value)
    if number is None:
        return ""
    if places is not None:
        return f"{number.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP):f}"
    text = f"{number.normalize():f}"
    return text


def percent(value, places: int = 1) -> str:
    number = _decimal(value)
    return "" if number is None else f"{num(number, places)}%"


def sum_of(rows, field: str):
    """The exact total of one column over rows (dicts or print views); None when all are empty."""
    total, seen = Decimal(0), False
    for row in rows or ():
        value = _decimal(row.get(field) if hasattr(row, "get") else None)
        if value is not None:
            total += value
            seen = True
    return total if seen else None


# --------------------------------------------------------------------------- dates
def _date_words(number: int) -> str:
    """Month or day in words: 十, 十一, 二十, 三十一."""
    tens, ones = divmod(number, 10)
    if tens == 0:
        return LOWER_DIGITS[ones]
    return (LOWER_DIGITS[tens] if tens > 1 else "") + "十" + (LOWER_DIGITS[ones] if ones else "")


def cn_date(value, upper: bool = False) -> str:
    """2018年10月30日, or with upper=True 二〇一八年十月三十日 (as on seals and certificates)."""
    day = as_date(value)
    if day is None:
        return ""
    if not upper:
        return f"{day.year}年{day.month}月{day.day}日"
    year = "".join(DATE_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{_date_words(day.month)}月{_date_words(day.day)}日"


def cn_date_upper(value) -> str:
    return cn_date(value, upper=True)


def cn_year(value, upper: bool = False) -> str:
    """2018年, or 二〇一八年."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return ""
    return ("".join(DATE_DIGITS[int(c)] for c in str(year)) if upper else str(year)) + "年"


PURE = {"cn_date": cn_date, "cn_date_upper": cn_date_upper, "cn_year": cn_year, "cn_number": cn_number,
        "cn_money": cn_money, "money": money, "num": num, "percent": percent, "sum_of": sum_of}
