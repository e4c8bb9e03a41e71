"""The pieces every rule uses: the Proposal, scores, dates and money, labels."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Iterable

from sixhave_app.engine.dates import age_on  # noqa: F401 - the rules and alerts read it from here
from sixhave_app.engine.errors import ValidationError

MEMBER = "在册"  # only members on the roll count as the branch's members
DECEASED = "去世"
SECRETARY = "书记"
COLLECTIVE_STUDY = "集体学习"  # a kind key that means every Activity Kind flagged 计为集体学习
HOME_STUDY = "送学上门"  # both an Activity Kind and an attendance status
CARE_EVENTS = ("生病住院", "遇到困难", "弥留去世")  # 四必访 triggers that are events with a date
FESTIVAL = "重大节日"
DYING = "弥留去世"
DUES_THRESHOLD = Decimal("5000")  # 离退休费 ≤ 5000 元: 0.5 %, above: 1 % of the whole amount
DUES_LOW_RATE, DUES_HIGH_RATE = Decimal("0.005"), Decimal("0.01")
TENTH, CENT = Decimal("0.1"), Decimal("0.01")
BATCH = 500  # branches per query in propose_many


# --------------------------------------------------------------------------- proposal
@dataclass
class Proposal:
    score: Decimal
    records: list[dict] = field(default_factory=list)  # {"doctype", "name", "label"}
    note: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["score"] = str(self.score)
        return data

    def evidence_text(self, limit: int = 20) -> str:
        """The note and the records' labels as one text, for a self-assessment row's 佐证 field."""
        labels = [r["label"] for r in self.records[:limit]]
        more = f"等{len(self.records)}条" if len(self.records) > limit else ""
        return self.note + ("：" + "；".join(labels) + more if labels else "")


def record(doctype: str, name: str, label: str) -> dict:
    return {"doctype": doctype, "name": name, "label": label}


def _points(points) -> Decimal:
    return points if isinstance(points, Decimal) else Decimal(str(points))


def _cut(value: Decimal, points: Decimal) -> Decimal:
    return max(Decimal(0), min(value, points)).quantize(TENTH, rounding=ROUND_DOWN)


def share_score(points, done: int, total: int) -> Decimal:
    """`done` of `total` as a share of `points`; nothing to count gives 0."""
    points = _points(points)
    if total <= 0:
        return _cut(Decimal(0), points)
    return _cut(points * Decimal(done) / Decimal(total), points)


def yes_no(points, ok: bool) -> Decimal:
    return _cut(_points(points) if ok else Decimal(0), _points(points))


# --------------------------------------------------------------------------- dates and money
def periods(year: int, per: str) -> list[tuple[str, dt.date, dt.date]]:
    """The year's months, quarters or the year itself as (label, first day, last day)."""
    if per == "month":
        return [(f"{m}月", dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1]))
                for m in range(1, 13)]
    if per == "quarter":
        return [(f"第{q}季度", dt.date(year, 3 * q - 2, 1),
                 dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])) for q in range(1, 5)]
    if per == "year":
        return [(f"{year}年", dt.date(year, 1, 1), dt.date(year, 12, 31))]
    raise ValidationError(f"佐证规则参数 per 应为 month、quarter 或 year，而不是 “{per}”")


def period_index(day: dt.date, per: str) -> int:
    """The position of `day`'s period in periods(day.year, per)."""
    return {"month": day.month - 1, "quarter": (day.month - 1) // 3}.get(per, 0)


def counted(start: dt.date, end: dt.date, as_of: dt.date, satisfied: bool) -> bool:
    """Whether a period counts by `as_of`: begun, and either over or already satisfied."""
    return start <= as_of and (end <= as_of or satisfied)


def dues_due(pension) -> Decimal | None:
    """Monthly dues of a retired member: 0.5 % of the whole pension up to 5,000 yuan, 1 % above."""
    if pension in (None, ""):
        return None
    pension = _points(pension)
    rate = DUES_LOW_RATE if pension <= DUES_THRESHOLD else DUES_HIGH_RATE
    return (pension * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def unpaid_months(member: dict, payments: Iterable[dict], months: list[dt.date]) -> list[dt.date]:
    """The months (first days) in which `member` did not pay in full. A month's payments add up;
    the surplus of a payment made flexibly (经支部同意灵活交纳, e.g. a quarter at once) carries
    into the following months. A month's due comes from the payment's own base, else the member's."""
    paid: dict[dt.date, Decimal] = {}
    due: dict[dt.date, Decimal] = {}
    flexible: set[dt.date] = set()
    for p in payments:
        month = month_start(p["month"])
        paid[month] = paid.get(month, Decimal(0)) + _points(p.get("amount_paid") or 0)
        row_due = dues_due(p.get("pension")) if p.get("pension") else None
        if row_due is None and p.get("amount_due"):
            row_due = _points(p["amount_due"])
        if row_due is not None:
            due[month] = row_due
        if p.get("flexible"):
            flexible.add(month)
    base = dues_due(member.get("pension"))
    wanted = {month_start(m) for m in months}
    out, carry = [], Decimal(0)
    for month in sorted(wanted | set(paid)):
        owed = due.get(month, base)
        credit = carry + paid.get(month, Decimal(0))
        if month in wanted:
            # without a known base any payment counts; a zero base still needs a payment on record
            ok = credit > 0 if owed is None else credit >= owed and (owed > 0 or month in paid)
            if not ok:
                out.append(month)
        surplus = credit - (owed or Decimal(0))
        carry = surplus if surplus > 0 and (month in flexible or carry > 0) else Decimal(0)
    return out


def serving(committee: list[dict], day: dt.date) -> list[dict]:
    """Committee rows in office on `day` (no dates means in office)."""
    return [r for r in committee
            if (not r.get("from_date") or r["from_date"] <= day) and (not r.get("to_date") or r["to_date"] >= day)]


def vacancies(committee: list[dict], within_days: int) -> list[dict]:
    """Each committee row that ended (`to_date`) is a vacancy. It is filled by the earliest row of
    the same post that began after the leaver did and no earlier than within_days before the leaver
    left (a successor elected for a hand-over counts); each successor fills one vacancy."""
    used: set[int] = set()
    out = []
    for row in sorted((r for r in committee if r.get("to_date")), key=lambda r: r["to_date"]):
        earliest = row["to_date"] - dt.timedelta(days=within_days)
        candidates = [(r["from_date"], i) for i, r in enumerate(committee)
                      if r is not row and i not in used and r.get("post") == row.get("post") and r.get("from_date")
                      and r["from_date"] >= earliest and (not row.get("from_date") or r["from_date"] > row["from_date"])]
        filled_on = None
        if candidates:
            filled_on, index = min(candidates)
            used.add(index)
        out.append({"row": row, "post": row.get("post"), "opened_on": row["to_date"], "filled_on": filled_on,
                    "deadline": row["to_date"] + dt.timedelta(days=within_days)})
    return out


def death_date(member: dict) -> dt.date | None:
    """When a deceased member died: `death_date`, else (older records) the day the record was last
    changed, since setting the status to 去世 is normally its last change."""
    if member.get("status") != DECEASED:
        return None
    if member.get("death_date"):
        return member["death_date"]
    modified = member.get("modified")
    return modified.date() if isinstance(modified, dt.datetime) else modified


def kinds_matching(kinds: dict[str, dict], key: str) -> set[str]:
    """Meeting kinds a rubric key stands for: the kind itself, every kind of that category, and for
    集体学习 every kind flagged 计为集体学习 (党课, 主题党日, 参观学习…)."""
    out = {key}
    out |= {name for name, k in kinds.items() if k.get("category") == key}
    if key == COLLECTIVE_STUDY:
        out |= {name for name, k in kinds.items() if k.get("is_collective_study")}
    return out


_TAGS = re.compile(r"<[^>]*>|&nbsp;|\s")


def has_text(value) -> bool:
    return bool(value) and bool(_TAGS.sub("", str(value)))


def _md(day: dt.date | None) -> str:
    return f"{day.month}月{day.day}日" if day else "（无日期）"


def months_text(months: list[dt.date]) -> str:
    """Months as runs: 1—3月、5月."""
    runs: list[list[int]] = []
    for m in sorted(d.month for d in months):
        if runs and m == runs[-1][1] + 1:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    return "、".join(f"{a}月" if a == b else f"{a}—{b}月" for a, b in runs)


def _names(rows: list[dict], key: str = "full_name", limit: int = 5) -> str:
    names = [str(r.get(key) or r.get("name")) for r in rows]
    return "、".join(names[:limit]) + (f"等{len(names)}人" if len(names) > limit else "")


