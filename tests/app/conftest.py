"""A branch's books: a Party branch under its own district, and the records a branch keeps over a
year (members, committee, meetings, talks, visits, dues, funds, venue, plans, trainings), all made
through the engine's API as the branch's secretary would make them."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.conftest import unique


def new_district(ctx, label: str = "区") -> str:
    return ctx.insert({"doctype": "Org Unit", "unit_name": unique(label), "level": "市（县）区"}).name


class Branch:
    """One branch and its books. Dates are ISO strings or dates; members are Party Member names."""

    def __init__(self, ctx, district: str | None = None, **fields):
        self.ctx = ctx
        self.district = district or new_district(ctx)
        doc = ctx.insert({"doctype": "Party Organization", "org_name": unique("退休干部党支部"), "org_type": "党支部",
                          "sector": "社区", "parent_unit": self.district, **fields})
        self.name, self.org = doc.name, doc.org
        self.members: list[str] = []

    def member(self, full_name: str | None = None, **fields) -> str:
        values = {"doctype": "Party Member", "full_name": full_name or unique("党员"), "party_org": self.name,
                  "gender": "男", "birth_date": "1950-01-01", "join_date": "1975-07-01", "phone": "13800000000",
                  "residence": "健康社区", "activity": "书法", "family_health": "与老伴同住，身体尚可", "needs": "无",
                  "pension": "4000", **fields}
        name = self.ctx.insert(values).name
        if values.get("status", "在册") == "在册":
            self.members.append(name)
        return name

    def committee(self, post: str, member: str | None, from_date="2021-06-01", to_date=None) -> None:
        doc = self.ctx.get_doc("Party Organization", self.name)
        doc.append("committee", {"post": post, "member": member, "from_date": from_date, "to_date": to_date})
        doc.save()

    def meeting(self, kind: str, day, attendees=None, status: str = "出席", **fields) -> str:
        """A meeting signed in by `attendees` (default: every member); an attendee may be given as
        (member, status)."""
        attendees = self.members if attendees is None else attendees
        rows = [{"member": a[0], "attendance": a[1]} if isinstance(a, tuple) else {"member": a, "attendance": status}
                for a in attendees]
        values = {"doctype": "Meeting", "party_org": self.name, "kind": kind, "meeting_date": day, "topic": f"{kind}",
                  "minutes": "<p>会议记录</p>", "attendance": rows, **fields}
        return self.ctx.insert(values).name

    def talk(self, member: str, day) -> str:
        return self.ctx.insert({"doctype": "Talk Record", "party_org": self.name, "member": member, "talk_date": day}).name

    def visit(self, member: str, trigger: str, event_date, visit_date) -> str:
        return self.ctx.insert({"doctype": "Care Visit", "party_org": self.name, "member": member, "trigger": trigger,
                                "event_date": event_date, "visit_date": visit_date}).name

    def dues(self, member: str, month, paid, **fields) -> str:
        return self.ctx.insert({"doctype": "Dues Payment", "party_org": self.name, "member": member, "month": month,
                                "amount_paid": str(paid), **fields}).name

    def dues_for_year(self, member: str, year: int, paid, months=range(1, 13)) -> None:
        for month in months:
            self.dues(member, dt.date(year, month, 1), paid)

    def fund(self, kind: str, day, amount="1000") -> str:
        return self.ctx.insert({"doctype": "Fund Record", "party_org": self.name, "kind": kind, "amount": amount,
                                "record_date": day}).name

    def venue(self, year: int, **checks) -> str:
        values = {f: 1 for f in ("has_place", "has_facilities", "has_sign", "has_periodicals", "has_rules", "has_board")}
        values.update(checks)
        return self.ctx.insert({"doctype": "Venue Checklist", "party_org": self.name, "year": year,
                                "address": "社区活动室", **values}).name

    def document(self, kind: str, year: int) -> str:
        return self.ctx.insert({"doctype": "Work Document", "party_org": self.name, "kind": kind, "year": year,
                                "title": f"{year}年{kind}"}).name

    def training(self, year: int, attendees: list[dict], host: str | None = None) -> str:
        return self.ctx.insert({"doctype": "Training", "title": f"{year}年支部书记学习班", "kind": "全市书记学习班",
                                "org": host or self.district, "year": year, "start_date": dt.date(year, 9, 1),
                                "attendees": [{"party_org": self.name, **a} for a in attendees]}).name

    def set_modified(self, doctype: str, name: str, when: dt.datetime) -> None:
        """Back-date a record's last change (the engine stamps `modified` with today)."""
        table = self.ctx.table(doctype)
        self.ctx.conn.execute(table.update().where(table.c.name == name).values(modified=when))


@pytest.fixture
def branch(ctx):
    """A fresh branch with its own district, in the test's transaction."""
    return lambda **fields: Branch(ctx, **fields)


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *args):
        self.count += 1

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)
