"""A branch's records for the year, loaded once per kind for many branches."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable

from sixhave_app.engine.errors import DoesNotExistError
from .basics import HOME_STUDY, MEMBER, record  # noqa: F401

# --------------------------------------------------------------------------- records
MEMBER_COLUMNS = ["*"]
MEETING_FIELDS = ["name", "party_org", "kind", "meeting_date", "topic", "minutes", "photo", "home_study"]
COMMITTEE_FIELDS = {"post": "c_post", "member": "c_member", "member_name": "c_member_name",
                    "from_date": "c_from_date", "to_date": "c_to_date", "name": "c_row"}


def _group(rows: Iterable[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _chunks(values: list, size: int):
    for i in range(0, len(values), size):
        yield values[i:i + size]


class YearRecords:
    """The records of a set of branches for one year. Each kind is loaded on first use with one
    query for all the branches, through the context's permissions."""

    def __init__(self, ctx, names: list[str], year: int, as_of: dt.date | None = None):
        self.ctx = ctx
        self.names = list(dict.fromkeys(names))
        self.year = int(year)
        self.start, self.end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        today = ctx.now().date()
        self.as_of = as_of or min(self.end, today)
        self._in_year = ["between", [self.start, self.end]]

    def _all(self, doctype: str, filters, fields, **kwargs) -> list[dict]:
        return self.ctx.get_all(doctype, filters=filters, fields=fields, order_by=kwargs.pop("order_by", "name asc"),
                                **kwargs)

    @cached_property
    def branches(self) -> dict[str, "Branch"]:
        fields = ["*"] + [f"`tabCommittee Member`.{f} as {alias}" for f, alias in COMMITTEE_FIELDS.items()]
        out: dict[str, Branch] = {}
        for row in self._all("Party Organization", [["name", "in", self.names]], fields):
            committee_row = {f: row.pop(alias) for f, alias in COMMITTEE_FIELDS.items()}
            branch = out.get(row["name"])
            if branch is None:
                branch = out[row["name"]] = Branch(row, committee=[])
                branch.records = BranchRecords(self, row["name"])
            if committee_row["name"]:
                branch["committee"].append(committee_row)
        for branch in out.values():
            branch["committee"].sort(key=lambda r: (r["from_date"] or dt.date.min, r["name"]))
        return out

    @cached_property
    def members(self) -> dict[str, list[dict]]:
        return _group(self._all("Party Member", [["party_org", "in", self.names]], MEMBER_COLUMNS), "party_org")

    @cached_property
    def kinds(self) -> dict[str, dict]:
        rows = self._all("Activity Kind", None, ["name", "category", "is_collective_study"])
        return {r["name"]: r for r in rows}

    @cached_property
    def meetings(self) -> dict[str, list[dict]]:
        """Each meeting with `signed`: whether it has sign-in rows."""
        where = [["party_org", "in", self.names], ["meeting_date", *self._in_year]]
        rows = self._all("Meeting", where, MEETING_FIELDS, order_by="meeting_date asc, name asc")
        signed: set[str] = set()
        for chunk in _chunks([r["name"] for r in rows], 1000):
            # Only the parent index is read, not the rows: whether a meeting has sign-ins, not who.
            # The meetings were listed through the user's permissions just above.
            signed.update(self._all("Meeting Attendance", [["parent", "in", chunk]], ["parent"], pluck="parent",
                                    distinct=True, order_by="parent asc", ignore_permissions=True))
        for row in rows:
            row["signed"] = row["name"] in signed
        return _group(rows, "party_org")

    @cached_property
    def home_study(self) -> dict[str, set[str]]:
        """For each homebound member on the roll, the meetings of the year that brought study home:
        every meeting flagged 送学上门 that lists them, and any meeting marking them 送学上门."""
        meetings = {m["name"]: m for rows in self.meetings.values() for m in rows}
        homebound = [m["name"] for rows in self.members.values() for m in rows
                     if m.get("homebound") and m.get("status") == MEMBER]
        out: dict[str, set[str]] = {}
        for chunk in _chunks(homebound, 1000):
            # The homebound members' own sign-in rows (few, by the member index); only those of the
            # meetings listed above through the user's permissions are used.
            rows = self._all("Meeting Attendance", [["member", "in", chunk]], ["parent", "member", "attendance"],
                             order_by="parent asc", ignore_permissions=True)
            for r in rows:
                meeting = meetings.get(r["parent"])
                if meeting and (meeting["home_study"] or meeting["kind"] == HOME_STUDY or r["attendance"] == HOME_STUDY):
                    out.setdefault(r["member"], set()).add(r["parent"])
        return out

    @cached_property
    def talks(self) -> dict[str, list[dict]]:
        return _group(self._all("Talk Record", [["party_org", "in", self.names], ["talk_date", *self._in_year]],
                                ["name", "party_org", "member", "member_name", "talk_date"]), "party_org")

    @cached_property
    def visits(self) -> dict[str, list[dict]]:
        rows = self._all("Care Visit", [["party_org", "in", self.names]],
                         ["name", "party_org", "member", "member_name", "trigger", "event_date", "visit_date"],
                         or_filters=[["event_date", *self._in_year], ["visit_date", *self._in_year]])
        return _group(rows, "party_org")

    @cached_property
    def dues(self) -> dict[str, list[dict]]:
        """Payments by member (not by branch: a member who moved keeps the months paid before)."""
        members = [m["name"] for rows in self.members.values() for m in rows if m["status"] == MEMBER]
        rows = []
        for chunk in _chunks(members, 1000):
            rows += self._all("Dues Payment", [["member", "in", chunk], ["month", *self._in_year]],
                              ["name", "party_org", "member", "member_name", "month", "pension", "amount_due",
                               "amount_paid", "flexible"])
        return _group(rows, "member")

    @cached_property
    def funds(self) -> dict[str, list[dict]]:
        return _group(self._all("Fund Record", [["party_org", "in", self.names], ["record_date", *self._in_year]],
                                ["name", "party_org", "kind", "amount", "record_date"]), "party_org")

    @cached_property
    def venues(self) -> dict[str, list[dict]]:
        return _group(self._all("Venue Checklist", [["party_org", "in", self.names], ["year", "=", self.year]], ["*"]),
                      "party_org")

    @cached_property
    def documents(self) -> dict[str, list[dict]]:
        return _group(self._all("Work Document", [["party_org", "in", self.names], ["year", "=", self.year]],
                                ["name", "party_org", "kind", "title", "doc_date"]), "party_org")

    @cached_property
    def trainings(self) -> dict[str, list[dict]]:
        # A training is hosted by the city or a unit, outside a branch user's scope; what is read
        # here is only this branch's own attendance rows of the year's trainings.
        rows = self._all("Training", [["`tabTraining Attendee`.party_org", "in", self.names], ["year", "=", self.year]],
                         ["name", "title", "start_date", "`tabTraining Attendee`.party_org as party_org",
                          "`tabTraining Attendee`.member as member", "`tabTraining Attendee`.member_name as member_name",
                          "`tabTraining Attendee`.post as post", "`tabTraining Attendee`.attended as attended"],
                         ignore_permissions=True)
        return _group(rows, "party_org")

    def branch(self, name: str) -> "Branch":
        branch = self.branches.get(name)
        if branch is None:
            raise DoesNotExistError(f"党组织 “{name}” 不存在或不在您的权限范围内", doctype="Party Organization", name=name)
        return branch


class Branch(dict):
    """A Party Organization's fields and its committee rows, with `.records` for the year."""

    records: "BranchRecords"


@dataclass
class BranchRecords:
    """One branch's slice of a YearRecords, as rules read it."""

    batch: YearRecords
    name: str

    year = property(lambda self: self.batch.year)
    start = property(lambda self: self.batch.start)
    end = property(lambda self: self.batch.end)
    as_of = property(lambda self: self.batch.as_of)
    kinds = property(lambda self: self.batch.kinds)

    @property
    def all_members(self) -> list[dict]:
        return self.batch.members.get(self.name, [])

    @property
    def members(self) -> list[dict]:
        return [m for m in self.all_members if m.get("status") == MEMBER]

    @property
    def meetings(self) -> list[dict]:
        return self.batch.meetings.get(self.name, [])

    @property
    def talks(self) -> list[dict]:
        return self.batch.talks.get(self.name, [])

    def home_study_of(self, member: str) -> set[str]:
        return self.batch.home_study.get(member, set())

    @property
    def visits(self) -> list[dict]:
        return self.batch.visits.get(self.name, [])

    def dues_of(self, member: str) -> list[dict]:
        return self.batch.dues.get(member, [])

    @property
    def funds(self) -> list[dict]:
        return self.batch.funds.get(self.name, [])

    @property
    def venues(self) -> list[dict]:
        return self.batch.venues.get(self.name, [])

    @property
    def documents(self) -> list[dict]:
        return self.batch.documents.get(self.name, [])

    @property
    def trainings(self) -> list[dict]:
        return self.batch.trainings.get(self.name, [])


def records_of(ctx, branch: dict, year: int) -> BranchRecords:
    """The records a rule reads: those loaded with the branch, or (for a branch given as a plain
    dict) loaded now."""
    records = getattr(branch, "records", None)
    if records is not None and records.year == int(year):
        return records
    return YearRecords(ctx, [branch["name"]], year).branch(branch["name"]).records


# --------------------------------------------------------------------------- labels
def _member_record(m: dict, gap: str = "") -> dict:
    return record("Party Member", m["name"], f"{m.get('full_name') or m['name']}{f'（{gap}）' if gap else ''}")


def _meeting_record(m: dict, gap: str = "") -> dict:
    label = f"{m['meeting_date']} {m['kind']}：{m.get('topic') or ''}{f'（{gap}）' if gap else ''}"
    return record("Meeting", m["name"], label)


def _branch_record(branch: dict, gap: str = "") -> dict:
    return record("Party Organization", branch["name"], f"{branch.get('org_name') or branch['name']}{f'（{gap}）' if gap else ''}")


