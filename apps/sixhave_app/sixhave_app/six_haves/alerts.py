"""Alerts: what needs doing now in the branches a user can see, and the Party calendar.

`alerts_for(ctx, today, org=None)` reads through the user's permissions (the query layer limits
every list to the user's subtree) and, with `org`, only that subtree. Each kind of record is read
once for all branches (a handful of queries in all, none per branch); the checks then run in
Python. The rules are the evidence rules' (evidence.py), asked about today instead of a year.

Kinds (stable keys) and severities:
    term_expired (high), term_ending (medium, within 90 days), secretary_over_age (medium, > 75),
    should_be_branch (medium, a 党小组 with ≥ 3 members under a parent with approval authority),
    no_collective_study (medium, months of this year already over), visit_missing (high, a dated
    event or a death this year with no visit after 14 days), visit_late (medium, visited after 14
    days), home_study_due (low, medium in the quarter's last month), dues_unpaid (high, the last
    three months all unpaid), venue_incomplete (low), committee_vacancy (medium, open over 90 days),
    mobile_not_co_managed (medium), inspection_overdue (high, the half-year's 督促检查 not done by its
    due date), secretary_training_missed (medium, the secretary missed the year's city class once
    held), rectification_overdue (high, an open rectification item past its deadline).
`today` is the date asked about (the site's as_of, see programme.as_of_for), never the calendar's.
Calendar entries: election_due, political_birthday, fifty_years.
"""
from __future__ import annotations

import calendar
import datetime as dt
import inspect
from dataclasses import asdict, dataclass, field
from functools import cached_property

from sixhave_app.engine.dates import add_years
from sixhave_app.six_haves import evidence as ev


def _rule_default(rule, parameter: str):
    """A threshold an alert shares with the evidence rule that scores the same thing: the rule's
    own default, so that an alert and the self-assessment never disagree about one limit."""
    return inspect.signature(rule).parameters[parameter].default


TERM_WARNING_DAYS = 90
SECRETARY_MAX_AGE = _rule_default(ev.secretary_max_age, "max_age")
MIN_MEMBERS_FOR_BRANCH = _rule_default(ev.separate_org_rule, "min_members")
VISIT_WITHIN_DAYS = _rule_default(ev.required_visits_done, "within_days")
DUES_UNPAID_MONTHS = 3
VACANCY_DAYS = _rule_default(ev.vacancies_filled, "within_days")
PARTY_YEARS_HONOURED = 50
VENUE_FIELDS = ("has_place", "has_facilities", "has_sign", "has_periodicals", "has_rules", "has_board")
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Alert:
    kind: str  # stable key, e.g. "term_expired"
    severity: str  # "high" | "medium" | "low"
    party_org: str
    org: str | None
    message: str
    records: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class CalendarEntry:
    kind: str  # "election_due" | "political_birthday" | "fifty_years"
    date: dt.date
    party_org: str
    org: str | None
    message: str
    records: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**asdict(self), "date": self.date.isoformat()}


def _months_back(day: dt.date, n: int) -> dt.date:
    """The first day of the month n months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


class Scan:
    """The records alerts read, each kind loaded once for every branch in scope."""

    def __init__(self, ctx, today: dt.date, org: str | None = None):
        self.ctx, self.today = ctx, today
        self.scope = [["org", "descendants of (inclusive)", org]] if org else []
        self.year_start = dt.date(today.year, 1, 1)

    def _all(self, doctype: str, filters=(), fields=("name",), **kwargs) -> list[dict]:
        return self.ctx.get_all(doctype, filters=[*self.scope, *filters], fields=list(fields),
                                order_by=kwargs.pop("order_by", "name asc"), **kwargs)

    @cached_property
    def branches(self) -> dict[str, dict]:
        fields = ["name", "org_name", "org", "org_type", "parent_has_approval", "term_start", "term_end", "founded_on"]
        fields += [f"`tabCommittee Member`.{f} as {alias}" for f, alias in ev.COMMITTEE_FIELDS.items()]
        out: dict[str, dict] = {}
        for row in self._all("Party Organization", fields=fields):
            committee_row = {f: row.pop(alias) for f, alias in ev.COMMITTEE_FIELDS.items()}
            branch = out.setdefault(row["name"], {**row, "committee": []})
            if committee_row["name"]:
                branch["committee"].append(committee_row)
        return out

    @cached_property
    def members(self) -> list[dict]:
        fields = ["name", "full_name", "party_org", "org", "status", "birth_date", "join_date", "homebound", "pension",
                  "is_mobile", "co_managing_org", "death_date", "modified"]
        return [m for m in self._all("Party Member", fields=fields) if m["party_org"] in self.branches]

    @cached_property
    def on_roll(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for m in self.members:
            if m["status"] == ev.MEMBER:
                out.setdefault(m["party_org"], []).append(m)
        return out

    @cached_property
    def member_by_name(self) -> dict[str, dict]:
        return {m["name"]: m for m in self.members}

    @cached_property
    def kinds(self) -> dict[str, dict]:
        return {k["name"]: k for k in self.ctx.get_all("Activity Kind", fields=["name", "category", "is_collective_study"])}

    def branch(self, name: str) -> dict:
        return self.branches[name]

    def alert(self, kind: str, severity: str, branch: dict, message: str, records: list[dict] | None = None) -> Alert:
        return Alert(kind, severity, branch["name"], branch.get("org"), message, records or [_branch_record(branch)])


def _branch_record(branch: dict) -> dict:
    return ev.record("Party Organization", branch["name"], branch.get("org_name") or branch["name"])


def _member_record(m: dict) -> dict:
    return ev.record("Party Member", m["name"], f"{m.get('full_name') or m['name']}（{m['party_org']}）")


# --------------------------------------------------------------------------- checks
def term_alerts(scan: Scan) -> list[Alert]:
    out = []
    soon = scan.today + dt.timedelta(days=TERM_WARNING_DAYS)
    for b in scan.branches.values():
        end = b.get("term_end")
        if not end:
            continue
        if end < scan.today:
            out.append(scan.alert("term_expired", "high", b, f"{b['org_name']}本届任期已于{end}届满，尚未换届"))
        elif end <= soon:
            days = (end - scan.today).days
            out.append(scan.alert("term_ending", "medium", b,
                                  f"{b['org_name']}本届任期将于{end}届满（还有{days}天），请按时换届选举"))
    return out


def secretary_age_alerts(scan: Scan) -> list[Alert]:
    out = []
    for b in scan.branches.values():
        rows = [r for r in ev.serving(b["committee"], scan.today) if r.get("post") == ev.SECRETARY]
        for row in rows:
            member = scan.member_by_name.get(row.get("member"))
            age = ev.age_on(member.get("birth_date") if member else None, scan.today)
            if age is not None and age > SECRETARY_MAX_AGE:
                name = row.get("member_name") or member.get("full_name")
                out.append(scan.alert("secretary_over_age", "medium", b,
                                      f"{b['org_name']}书记{name}已{age}岁，超过{SECRETARY_MAX_AGE}岁",
                                      [_branch_record(b), _member_record(member)]))
    return out


def org_form_alerts(scan: Scan) -> list[Alert]:
    out = []
    for b in scan.branches.values():
        count = len(scan.on_roll.get(b["name"], []))
        if b.get("org_type") == "党小组" and b.get("parent_has_approval") and count >= MIN_MEMBERS_FOR_BRANCH:
            out.append(scan.alert("should_be_branch", "medium", b,
                                  f"{b['org_name']}有在册党员{count}名，上级党组织有批准权限，应单独建立党支部（现为党小组）"))
    return out


def collective_study_alerts(scan: Scan) -> list[Alert]:
    """Months of this year already over (in January: last December) without collective study."""
    last = _months_back(scan.today, 1)
    first = dt.date(scan.today.year, 1, 1) if scan.today.month > 1 else last
    kinds = sorted(ev.kinds_matching(scan.kinds, ev.COLLECTIVE_STUDY))
    rows = scan._all("Meeting", [["kind", "in", kinds], ["meeting_date", "between", [first, _month_end(last)]]],
                     ["party_org", "meeting_date"], order_by="meeting_date asc")
    held: dict[str, set[dt.date]] = {}
    for r in rows:
        held.setdefault(r["party_org"], set()).add(ev.month_start(r["meeting_date"]))
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [_months_back(scan.today, n) for n in range(count, 0, -1)]
    out = []
    for b in scan.branches.values():
        founded = b.get("founded_on")
        missing = [m for m in months if m not in held.get(b["name"], set()) and not (founded and founded > _month_end(m))]
        if missing:
            out.append(scan.alert("no_collective_study", "medium", b,
                                  f"{b['org_name']}{missing[0].year}年{ev.months_text(missing)}未开展集体学习"))
    return out


def visit_alerts(scan: Scan) -> list[Alert]:
    """四必访: a hospitalisation, hardship or death this year visited late (over 14 days) or not at
    all; a member who died this year with no 弥留去世 visit."""
    rows = scan._all("Care Visit", [["trigger", "in", list(ev.CARE_EVENTS)]],
                     ["name", "party_org", "member", "member_name", "trigger", "event_date", "visit_date"],
                     or_filters=[["event_date", ">=", scan.year_start], ["visit_date", ">=", scan.year_start],
                                 ["trigger", "=", ev.DYING]])
    events: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["party_org"] in scan.branches and r.get("event_date") and scan.year_start <= r["event_date"] <= scan.today:
            events.setdefault((r["party_org"], r["member"], r["trigger"], r["event_date"]), []).append(r)
    out = []
    for (party_org, member, trigger, day), visits in events.items():
        b = scan.branch(party_org)
        done = [v["visit_date"] for v in visits if v.get("visit_date")]
        first = min(done) if done else None
        deadline = day + dt.timedelta(days=VISIT_WITHIN_DAYS)
        who = visits[0].get("member_name") or member
        records = [ev.record("Care Visit", v["name"], f"{who} {trigger}") for v in visits]
        if first is None and deadline < scan.today:
            out.append(scan.alert("visit_missing", "high", b,
                                  f"{who}（{b['org_name']}）{day}{trigger}，超过{VISIT_WITHIN_DAYS}天尚未走访", records))
        elif first is not None and first > deadline:
            out.append(scan.alert("visit_late", "medium", b,
                                  f"{who}（{b['org_name']}）{day}{trigger}，{first}才走访，超过{VISIT_WITHIN_DAYS}天", records))
    visited_dying = {r["member"] for r in rows if r["trigger"] == ev.DYING}
    for m in scan.members:
        died = ev.death_date(m)
        if (died and scan.year_start <= died and died + dt.timedelta(days=VISIT_WITHIN_DAYS) < scan.today
                and m["name"] not in visited_dying):
            b = scan.branch(m["party_org"])
            out.append(scan.alert("visit_missing", "high", b,
                                  f"{m['full_name']}（{b['org_name']}）已去世，没有弥留去世走访记录", [_member_record(m)]))
    return out


def home_study_alerts(scan: Scan) -> list[Alert]:
    """Homebound members without study brought home so far this quarter."""
    q_start = dt.date(scan.today.year, 3 * ((scan.today.month - 1) // 3) + 1, 1)
    homebound = [m for rows in scan.on_roll.values() for m in rows if m.get("homebound")]
    if not homebound:
        return []
    meetings = scan._all("Meeting", [["meeting_date", "between", [q_start, scan.today]]],
                         ["name", "party_org", "kind", "home_study"])
    by_branch: dict[str, list[dict]] = {}
    for mt in meetings:
        by_branch.setdefault(mt["party_org"], []).append(mt)
    by_name = {mt["name"]: mt for mt in meetings}
    reached = set()
    for chunk in ev._chunks(homebound, 200):
        # the homebound members' own sign-in rows at this quarter's meetings (listed above through
        # the user's permissions): everyone listed at a 送学上门 meeting, anyone marked 送学上门
        parents = [mt["name"] for branch in {m["party_org"] for m in chunk} for mt in by_branch.get(branch, [])]
        for some in ev._chunks(parents, 5000):
            rows = scan.ctx.get_all("Meeting Attendance", filters=[["member", "in", [m["name"] for m in chunk]],
                                                                   ["parent", "in", some]],
                                    fields=["parent", "member", "attendance"], order_by="parent asc",
                                    ignore_permissions=True)
            for r in rows:
                mt = by_name[r["parent"]]
                if mt["home_study"] or mt["kind"] == ev.HOME_STUDY or r["attendance"] == ev.HOME_STUDY:
                    reached.add(r["member"])
    waiting: dict[str, list[dict]] = {}
    for m in homebound:
        if m["name"] not in reached:
            waiting.setdefault(m["party_org"], []).append(m)
    quarter = (scan.today.month - 1) // 3 + 1
    severity = "medium" if scan.today.month % 3 == 0 else "low"  # the quarter's last month
    return [scan.alert("home_study_due", severity, scan.branch(party_org),
                       f"{scan.branch(party_org)['org_name']}本季度（第{quarter}季度）尚未为{ev._names(ms)}送学上门",
                       [_member_record(m) for m in ms])
            for party_org, ms in waiting.items()]


def dues_alerts(scan: Scan) -> list[Alert]:
    """Members who have not paid in full for each of the last three months."""
    months = [_months_back(scan.today, n) for n in range(DUES_UNPAID_MONTHS, 0, -1)]
    # flexible payments made earlier in the year may cover these months (see unpaid_months)
    since = min(months[0], dt.date(months[0].year, 1, 1))
    rows = scan._all("Dues Payment", [["month", "between", [since, _month_end(months[-1])]]],
                     ["name", "member", "month", "pension", "amount_due", "amount_paid", "flexible"],
                     or_filters=[["flexible", "=", 1], ["month", ">=", months[0]]])
    by_member: dict[str, list[dict]] = {}
    for r in rows:
        by_member.setdefault(r["member"], []).append(r)
    out = []
    for party_org, members in scan.on_roll.items():
        b = scan.branch(party_org)
        for m in members:
            if m.get("join_date") and m["join_date"] > _month_end(months[0]):
                continue
            unpaid = ev.unpaid_months(m, by_member.get(m["name"], []), months)
            if len(unpaid) == len(months):
                out.append(scan.alert("dues_unpaid", "high", b,
                                      f"{m['full_name']}（{b['org_name']}）已连续{len(months)}个月"
                                      f"（{months[0].year}年{ev.months_text(months)}）未足额交纳党费",
                                      [_member_record(m)]))
    return out


def venue_alerts(scan: Scan) -> list[Alert]:
    rows = scan._all("Venue Checklist", [["year", "=", scan.today.year]], ["name", "party_org", *VENUE_FIELDS])
    by_branch = {r["party_org"]: r for r in rows}
    meta = scan.ctx.meta("Venue Checklist")
    out = []
    for b in scan.branches.values():
        row = by_branch.get(b["name"])
        if row is None:
            out.append(scan.alert("venue_incomplete", "low", b, f"{b['org_name']}尚未填报{scan.today.year}年活动场所“六有”清单"))
            continue
        missing = [meta.label_of(f) for f in VENUE_FIELDS if not row.get(f)]
        if missing:
            out.append(scan.alert("venue_incomplete", "low", b, f"{b['org_name']}活动场所“六有”未达标：缺{'、'.join(missing)}",
                                  [ev.record("Venue Checklist", row["name"], f"{scan.today.year}年活动场所")]))
    return out


def vacancy_alerts(scan: Scan) -> list[Alert]:
    out = []
    for b in scan.branches.values():
        for v in ev.vacancies(b["committee"], VACANCY_DAYS):
            if v["filled_on"] is None and v["deadline"] < scan.today:
                who = v["row"].get("member_name") or ""
                out.append(scan.alert("committee_vacancy", "medium", b,
                                      f"{b['org_name']}{v['post']}{f'（原{who}）' if who else ''}自{v['opened_on']}出缺，"
                                      f"已超过{VACANCY_DAYS}天未增补"))
    return out


def mobile_alerts(scan: Scan) -> list[Alert]:
    out = []
    for party_org, members in scan.on_roll.items():
        b = scan.branch(party_org)
        for m in members:
            if m.get("is_mobile") and not ev.has_text(m.get("co_managing_org")):
                out.append(scan.alert("mobile_not_co_managed", "medium", b,
                                      f"流动党员{m['full_name']}（{b['org_name']}）未落实共管党组织（双向共管）",
                                      [_member_record(m)]))
    return out


def inspection_alerts(scan: Scan) -> list[Alert]:
    from sixhave_app.six_haves import supervision

    out = []
    for row in supervision.overdue(scan.ctx, scan.today, scan.branches):
        b = scan.branch(row["party_org"])
        out.append(scan.alert("inspection_overdue", "high", b,
                              f"{b['org_name']}{row['year']}年{row['half']}的督促检查应于{row['due']}前完成，已逾期"))
    return out


def training_alerts(scan: Scan) -> list[Alert]:
    from sixhave_app.six_haves import supervision

    held = supervision.class_attendance(scan.ctx, scan.today.year)
    if not held or not held["start_date"] or held["start_date"] > scan.today:
        return []
    out = []
    for b in scan.branches.values():
        if b.get("org_type") == "党小组":
            continue
        for row in ev.serving(b["committee"], scan.today):
            if row.get("post") != ev.SECRETARY:
                continue
            if (b["name"], row.get("member")) in held["present"]:
                continue
            name = row.get("member_name") or row.get("member") or "书记"
            out.append(scan.alert("secretary_training_missed", "medium", b,
                                  f"{b['org_name']}书记{name}未参加{scan.today.year}年全市党支部书记学习班（{held['start_date']}）",
                                  [_branch_record(b), ev.record("Training", held["name"], "全市党支部书记学习班")]))
    return out


def rectification_alerts(scan: Scan) -> list[Alert]:
    rows = scan._all("Rectification Item", [["deadline", "<", scan.today], ["workflow_state", "!=", "已验收"]],
                     ["name", "party_org", "item_code", "problem", "deadline", "responsible_person"], order_by="deadline asc")
    out = []
    for r in rows:
        b = scan.branches.get(r["party_org"])
        if b is None:
            continue
        days = (scan.today - r["deadline"]).days
        out.append(scan.alert("rectification_overdue", "high", b,
                              f"{b['org_name']}整改项{r['item_code'] or r['name']}应于{r['deadline']}前完成，已逾期{days}天"
                              f"（责任人：{r['responsible_person'] or '未填'}）",
                              [ev.record("Rectification Item", r["name"], (r["problem"] or "")[:60])]))
    return out


CHECKS = (term_alerts, secretary_age_alerts, org_form_alerts, collective_study_alerts, visit_alerts,
          home_study_alerts, dues_alerts, venue_alerts, vacancy_alerts, mobile_alerts, inspection_alerts, training_alerts,
          rectification_alerts)


def alerts_for(ctx, today: dt.date, org: str | None = None) -> list[Alert]:
    """Every alert for the branches the user can see (within `org`'s subtree when given), most
    severe first."""
    scan = Scan(ctx, today, org)
    if not scan.branches:
        return []
    alerts = [a for check in CHECKS for a in check(scan)]
    return sorted(alerts, key=lambda a: (SEVERITY_ORDER.get(a.severity, 9), a.party_org, a.kind))


# --------------------------------------------------------------------------- Party calendar
def calendar_for(ctx, today: dt.date, org: str | None = None) -> list[CalendarEntry]:
    """This month's Party calendar: elections due (term ending from the start of this month to 90
    days ahead), members' 政治生日 (anniversary of joining) this month, and members whose 50th year
    in the Party falls this year (光荣在党50年)."""
    scan = Scan(ctx, today, org)
    out: list[CalendarEntry] = []
    month_first = today.replace(day=1)
    soon = today + dt.timedelta(days=TERM_WARNING_DAYS)
    for b in scan.branches.values():
        end = b.get("term_end")
        if end and month_first <= end <= soon:
            out.append(CalendarEntry("election_due", end, b["name"], b.get("org"),
                                     f"{b['org_name']}本届任期{end}届满，应进行换届选举", [_branch_record(b)]))
    for members in scan.on_roll.values():
        for m in members:
            joined = m.get("join_date")
            if not joined or joined.year >= today.year:
                continue
            b = scan.branch(m["party_org"])
            years = today.year - joined.year
            day = add_years(joined, today.year - joined.year)
            if joined.month == today.month:
                out.append(CalendarEntry("political_birthday", day, b["name"], b.get("org"),
                                         f"{m['full_name']}（{b['org_name']}）{day.month}月{day.day}日政治生日，入党{years}周年",
                                         [_member_record(m)]))
            if years == PARTY_YEARS_HONOURED:
                out.append(CalendarEntry("fifty_years", day, b["name"], b.get("org"),
                                         f"{m['full_name']}（{b['org_name']}）{joined.year}年{joined.month}月{joined.day}日入党，"
                                         f"今年光荣在党{PARTY_YEARS_HONOURED}年", [_member_record(m)]))
    return sorted(out, key=lambda e: (e.date, e.kind, e.party_org))
