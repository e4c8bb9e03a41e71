"""The rules the rubric names, one function each, and the RULES registry."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Callable

from sixhave_app.engine.dates import add_years
from sixhave_app.engine.errors import ValidationError
from .basics import CARE_EVENTS, DYING, FESTIVAL, Proposal, SECRETARY, _cut, _md, _names, _points, age_on, counted, death_date, has_text, kinds_matching, months_text, period_index, periods, record, serving, share_score, unpaid_months, vacancies, yes_no  # noqa: F401
from .records import _branch_record, _meeting_record, _member_record, records_of  # noqa: F401

# --------------------------------------------------------------------------- 1 有党的组织
def separate_org_rule(ctx, branch: dict, year: int, points, *, min_members: int = 3) -> Proposal:
    """≥ min_members members and a parent with approval authority → a 党支部 of its own; otherwise a
    党小组 (or a branch already approved) is right."""
    rec = records_of(ctx, branch, year)
    count = len(rec.members)
    kind = branch.get("org_type") or "党支部"
    if count == 0:
        return Proposal(yes_no(points, False), [_branch_record(branch)], "没有在册党员")
    needs_branch = count >= min_members and bool(branch.get("parent_has_approval"))
    ok = kind == "党支部" or not needs_branch
    if needs_branch:
        note = f"在册党员{count}名，上级党组织有批准权限，{'已单独建立党支部' if ok else f'应单独建立党支部，现为{kind}'}"
    else:
        reason = f"在册党员{count}名" if count < min_members else f"在册党员{count}名，上级党组织无批准权限"
        note = f"{reason}，设{kind}符合要求"
    return Proposal(yes_no(points, ok), [_branch_record(branch)], note)


def term_in_force(ctx, branch: dict, year: int, points, *, min_years: int = 3, max_years: int = 5) -> Proposal:
    """The current term lasts min–max years (a month's leeway either side: elections rarely fall on
    the anniversary) and has not expired at the year's end."""
    start, end = branch.get("term_start"), branch.get("term_end")
    year_end = dt.date(int(year), 12, 31)
    used = [_branch_record(branch)]
    if not start or not end:
        return Proposal(yes_no(points, False), used, "未登记本届任期起止日期")
    leeway = dt.timedelta(days=31)
    length_ok = add_years(start, min_years) - leeway <= end <= add_years(start, max_years) + leeway
    span = f"本届任期{start}至{end}"
    if not length_ok:
        return Proposal(yes_no(points, False), used, f"{span}，不在{min_years}至{max_years}年之间")
    if start > year_end:
        return Proposal(yes_no(points, False), used, f"{span}，始于{year}年之后，台账中无{year}年末在任的任期")
    if end < year_end:
        return Proposal(yes_no(points, False), used, f"{span}，{year}年末已超期未换届")
    return Proposal(yes_no(points, True), used, f"{span}，{year}年末在任期内")


REGISTER_FIELDS = ("gender", "birth_date", "join_date", "phone")


def _check_fields(ctx, doctype: str, fields) -> list[str]:
    fields = [fields] if isinstance(fields, str) else list(fields)
    columns = ctx.meta(doctype).valid_columns()
    unknown = [f for f in fields if f not in columns]
    if unknown or not fields:
        raise ValidationError(f"佐证规则参数 fields：{ctx.meta(doctype).display_name}没有字段 {'、'.join(unknown) or '（空）'}")
    return fields


def _missing_fields(ctx, doctype: str, row: dict, fields: list[str]) -> list[str]:
    meta = ctx.meta(doctype)
    return [meta.label_of(f) for f in fields if row.get(f) in (None, "") or (isinstance(row.get(f), str) and not row[f].strip())]


def member_records_complete(ctx, branch: dict, year: int, points, *, fields=REGISTER_FIELDS) -> Proposal:
    """The roll: each member's register fields are filled (share of members)."""
    fields = _check_fields(ctx, "Party Member", fields)
    rec = records_of(ctx, branch, year)
    members = rec.members
    used, complete = [], 0
    for m in members:
        missing = _missing_fields(ctx, "Party Member", m, fields)
        complete += not missing
        used.append(_member_record(m, "缺" + "、".join(missing) if missing else ""))
    if not members:
        return Proposal(yes_no(points, False), [], "没有在册党员")
    return Proposal(share_score(points, complete, len(members)), used,
                    f"在册党员{len(members)}名，其中{complete}名名册信息完整")


def mobile_members_co_managed(ctx, branch: dict, year: int, points) -> Proposal:
    """Each mobile member has a co-managing org and a contact there (share of mobile members)."""
    rec = records_of(ctx, branch, year)
    mobile = [m for m in rec.members if m.get("is_mobile")]
    if not mobile:
        return Proposal(yes_no(points, True), [], "无流动党员")
    used, done = [], 0
    for m in mobile:
        gaps = [label for key, label in (("co_managing_org", "共管党组织"), ("co_managing_contact", "共管联系人"))
                if not has_text(m.get(key))]
        done += not gaps
        used.append(_member_record(m, "缺" + "、".join(gaps) if gaps else "双向共管"))
    return Proposal(share_score(points, done, len(mobile)), used,
                    f"流动党员{len(mobile)}名，其中{done}名落实双向共管")


def document_exists(ctx, branch: dict, year: int, points, *, kind: str) -> Proposal:
    """A Work Document of `kind` for the year."""
    rec = records_of(ctx, branch, year)
    docs = [d for d in rec.documents if d.get("kind") == kind]
    used = [record("Work Document", d["name"], f"{d.get('title') or kind}") for d in docs]
    return Proposal(yes_no(points, bool(docs)), used, f"有{year}年{kind}" if docs else f"没有{year}年{kind}")


# --------------------------------------------------------------------------- 2 有领导班子
def _committee_record(branch: dict, row: dict) -> dict:
    return record("Party Organization", branch["name"], f"{row.get('post')} {row.get('member_name') or row.get('member') or ''}".strip())


def committee_complete(ctx, branch: dict, year: int, points, *, committee_from: int = 7, min_committee: int = 3) -> Proposal:
    """A secretary in office at the year's end and, for a branch of ≥ committee_from members (which
    the Party's rules require to elect a 支部委员会), at least min_committee members in office. A
    smaller branch needs only its secretary; a 党小组 only its leader (组长, or whatever post it is
    recorded under)."""
    rec = records_of(ctx, branch, year)
    in_office = serving(branch.get("committee") or [], rec.end)
    used = [_committee_record(branch, r) for r in in_office]
    is_group = branch.get("org_type") == "党小组"
    has_head = bool(in_office) if is_group else any(r.get("post") == SECRETARY for r in in_office)
    count = len(rec.members)
    needs_committee = not is_group and count >= committee_from
    ok = has_head and (not needs_committee or len(in_office) >= min_committee)
    head = "组长" if is_group else "书记"
    parts = [f"在册党员{count}名", f"年末在任班子成员{len(in_office)}名", f"{'有' if has_head else '无'}{head}"]
    if needs_committee and len(in_office) < min_committee:
        parts.append(f"应设支部委员会（至少{min_committee}人）")
    return Proposal(yes_no(points, ok), used, "，".join(parts))


def _secretary(branch: dict, day: dt.date) -> dict | None:
    rows = [r for r in serving(branch.get("committee") or [], day) if r.get("post") == SECRETARY]
    return rows[-1] if rows else None


def secretary_max_age(ctx, branch: dict, year: int, points, *, max_age: int = 75) -> Proposal:
    """The secretary in office at the year's end is at most max_age years old then."""
    rec = records_of(ctx, branch, year)
    row = _secretary(branch, rec.end)
    if row is None:
        return Proposal(yes_no(points, False), [], f"{year}年末无在任书记")
    member = next((m for m in rec.all_members if m["name"] == row.get("member")), None)
    used = [_committee_record(branch, row)] + ([_member_record(member)] if member else [])
    age = age_on(member.get("birth_date") if member else None, rec.end)
    name = row.get("member_name") or (member or {}).get("full_name") or "书记"
    if age is None:
        return Proposal(yes_no(points, False), used, f"书记{name}未关联党员或未登记出生日期")
    return Proposal(yes_no(points, age <= max_age), used, f"书记{name}在{year}年末{age}岁（不超过{max_age}岁）"
                    if age <= max_age else f"书记{name}在{year}年末{age}岁，超过{max_age}岁")


def vacancies_filled(ctx, branch: dict, year: int, points, *, within_days: int = 90) -> Proposal:
    """Each committee vacancy open during the year (a row that ended) was filled within within_days
    (share of vacancies; one still inside its time limit is not counted; none → full points)."""
    rec = records_of(ctx, branch, year)
    done, total, used, late = 0, 0, [], []
    for v in vacancies(branch.get("committee") or [], within_days):
        if v["opened_on"] > rec.as_of:
            continue
        if v["opened_on"] < rec.start and v["filled_on"] and v["filled_on"] < rec.start:
            continue  # opened and filled before the year
        on_time = v["filled_on"] is not None and v["filled_on"] <= v["deadline"]
        if not on_time and v["filled_on"] is None and v["deadline"] > rec.as_of:
            continue  # still within its time limit
        total += 1
        done += on_time
        state = f"{_md(v['filled_on'])}增补" if v["filled_on"] else "未增补"
        label = f"{v['post']} {v['row'].get('member_name') or ''}{v['opened_on']}离任，{state}"
        used.append(record("Party Organization", branch["name"], label))
        if not on_time:
            late.append(f"{v['post']}（{v['opened_on']}出缺）")
    if not total:
        return Proposal(yes_no(points, True), used, f"{year}年无需增补的委员出缺")
    note = f"委员出缺{total}次，{done}次在{within_days}天内增补"
    return Proposal(share_score(points, done, total), used, note + (f"；未及时增补：{'、'.join(late)}" if late else ""))


def liaison_assigned(ctx, branch: dict, year: int, points) -> Proposal:
    """An in-service Party member is named as the branch's liaison."""
    name, unit = branch.get("liaison_name"), branch.get("liaison_unit")
    ok = has_text(name)
    note = f"联络员{name}{f'（{unit}）' if unit else ''}" if ok else "未选配支部联络员"
    return Proposal(yes_no(points, ok), [_branch_record(branch)], note)


def training_attended(ctx, branch: dict, year: int, points) -> Proposal:
    """The secretary or a committee member attended a Training of the year: an attendee row of this
    branch marked attended, naming a committee member of the year (or, unlinked, a 书记/委员 post)."""
    rec = records_of(ctx, branch, year)
    committee = [r for r in branch.get("committee") or []
                 if (not r.get("from_date") or r["from_date"] <= rec.end) and (not r.get("to_date") or r["to_date"] >= rec.start)]
    leaders = {r.get("member") for r in committee if r.get("member")}
    used = []
    for row in rec.trainings:
        if not row.get("attended"):
            continue
        linked = row.get("member") in leaders
        by_post = not row.get("member") and any(word in (row.get("post") or "") for word in ("书记", "委员", "组长"))
        if linked or by_post:
            used.append(record("Training", row["name"],
                               f"{row.get('title')}（{row.get('start_date')}）：{row.get('member_name') or row.get('post')}"))
    note = f"班子成员参加培训{len(used)}人次" if used else f"{year}年无书记或班子成员参加培训的记录"
    return Proposal(yes_no(points, bool(used)), used, note)


# --------------------------------------------------------------------------- 3/4 制度与活动
def _as_mapping(value, what: str):
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError(f"佐证规则参数 {what} 不是有效的 JSON") from None
    return value


def _kind_list(kinds) -> list[str]:
    kinds = _as_mapping(kinds, "kinds") if isinstance(kinds, str) and kinds.strip().startswith("[") else kinds
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    if not kinds:
        raise ValidationError("佐证规则参数 kinds 不能为空")
    return [str(k) for k in kinds]


def meetings_per_period(ctx, branch: dict, year: int, points, *, kinds) -> Proposal:
    """For each kind {per: month|quarter|year, min}: the periods with at least `min` meetings of
    that kind (share of kind-periods)."""
    kinds = _as_mapping(kinds, "kinds")
    if not isinstance(kinds, dict) or not kinds:
        raise ValidationError("佐证规则 meetings_per_period 的参数 kinds 应为 {类型: {per, min}}")
    rec = records_of(ctx, branch, year)
    done, total, notes, used_names = 0, 0, [], set()
    for key, spec in kinds.items():
        spec = spec or {}
        per, least = spec.get("per", "month"), int(spec.get("min", 1))
        matching = kinds_matching(rec.kinds, key)
        by_period: dict[int, list[dict]] = {}
        for m in rec.meetings:
            if m["kind"] in matching:
                by_period.setdefault(period_index(m["meeting_date"], per), []).append(m)
        k_done = k_total = 0
        missing = []
        for i, (label, start, end) in enumerate(periods(rec.year, per)):
            held = by_period.get(i, [])
            satisfied = len(held) >= least
            if not counted(start, end, rec.as_of, satisfied):
                continue
            k_total += 1
            k_done += satisfied
            used_names.update(m["name"] for m in held)
            if not satisfied:
                missing.append(label)
        done, total = done + k_done, total + k_total
        unit = {"month": "个月", "quarter": "个季度", "year": "年"}[per]
        text = f"{k_total}{unit}中有{k_done}{unit}开展{key}" + (f"（每{unit[-1]}至少{least}次）" if least > 1 else "")
        notes.append(text + (f"，缺{'、'.join(missing)}" if missing else ""))
    used = [_meeting_record(m) for m in rec.meetings if m["name"] in used_names]
    if not total:
        return Proposal(share_score(points, 0, 0), used, f"{year}年尚无应统计的期间")
    return Proposal(share_score(points, done, total), used, "；".join(notes))


def activity_count(ctx, branch: dict, year: int, points, *, kinds, min: int = 1) -> Proposal:  # noqa: A002 - the rubric's word
    """At least `min` meetings of the given kinds in the year (share of `min` when fewer)."""
    least = int(min)
    rec = records_of(ctx, branch, year)
    wanted = set().union(*(kinds_matching(rec.kinds, k) for k in _kind_list(kinds)))
    held = [m for m in rec.meetings if m["kind"] in wanted]
    label = "、".join(_kind_list(kinds))
    note = f"{year}年开展{label}{len(held)}次（要求至少{least}次）"
    return Proposal(share_score(points, len(held) if least else 1, least or 1), [_meeting_record(m) for m in held], note)


def talks_cover_members(ctx, branch: dict, year: int, points, *, min_share: float = 1.0) -> Proposal:
    """Members with at least one Talk Record in the year, against min_share of the members."""
    rec = records_of(ctx, branch, year)
    members = rec.members
    if not members:
        return Proposal(yes_no(points, False), [], "没有在册党员")
    talked = {t["member"] for t in rec.talks}
    covered = [m for m in members if m["name"] in talked]
    uncovered = [m for m in members if m["name"] not in talked]
    ids = {m["name"] for m in members}
    used = [record("Talk Record", t["name"], f"{t['talk_date']} 与{t.get('member_name') or t['member']}谈心谈话")
            for t in rec.talks if t["member"] in ids]
    used += [_member_record(m, "本年无谈话记录") for m in uncovered]
    share = Decimal(len(covered)) / Decimal(len(members))
    target = _points(min_share) if _points(min_share) > 0 else Decimal(1)
    score = _cut(_points(points) * min(Decimal(1), share / target), _points(points))
    note = f"在册党员{len(members)}名，{year}年谈心谈话覆盖{len(covered)}名"
    return Proposal(score, used, note + (f"，未谈：{_names(uncovered)}" if uncovered else ""))


PROFILE_FIELDS = ("residence", "activity", "family_health", "needs")


def member_profiles_complete(ctx, branch: dict, year: int, points, *, fields=PROFILE_FIELDS) -> Proposal:
    """四知道: members whose every listed field is filled (share of members)."""
    fields = _check_fields(ctx, "Party Member", fields)
    rec = records_of(ctx, branch, year)
    members = rec.members
    if not members:
        return Proposal(yes_no(points, False), [], "没有在册党员")
    used, complete = [], 0
    for m in members:
        missing = _missing_fields(ctx, "Party Member", m, fields)
        complete += not missing
        used.append(_member_record(m, "缺" + "、".join(missing) if missing else ""))
    return Proposal(share_score(points, complete, len(members)), used,
                    f"在册党员{len(members)}名，其中{complete}名“四知道”信息齐全")


def required_visits_done(ctx, branch: dict, year: int, points, *, within_days: int = 14,
                         festival_visits: int = 1) -> Proposal:
    """四必访. Required visits: each hospitalisation, hardship or death recorded for the year (Care
    Visit rows with trigger and event date; rows of one member, trigger and date are one event),
    each member whose status became 去世 in the year with no 弥留去世 visit (a missing visit), and
    festival_visits 重大节日 visits. An event visited more than within_days after it is late.
    Share of required visits done on time."""
    rec = records_of(ctx, branch, year)
    events: dict[tuple, list[dict]] = {}
    festivals = []
    for v in rec.visits:
        if v["trigger"] == FESTIVAL:
            day = v.get("visit_date") or v.get("event_date")
            if day and rec.start <= day <= rec.end:
                festivals.append(v)
            continue
        day = v.get("event_date") or v.get("visit_date")
        if v["trigger"] in CARE_EVENTS and day and rec.start <= day <= rec.end:
            events.setdefault((v["member"], v["trigger"], v.get("event_date")), []).append(v)
    required = done = 0
    used, gaps = [], []
    for (member, trigger, event_day), rows in events.items():
        visited = [r["visit_date"] for r in rows if r.get("visit_date")]
        first = min(visited) if visited else None
        deadline = event_day + dt.timedelta(days=within_days) if event_day else None
        on_time = first is not None and (deadline is None or first <= deadline)
        if not on_time and first is None and deadline and deadline > rec.as_of:
            continue  # not yet due
        required += 1
        done += on_time
        who = rows[0].get("member_name") or member
        state = "按时" if on_time else ("逾期" if first else "未走访")
        for r in rows:
            used.append(record("Care Visit", r["name"], f"{who} {trigger}（事由{_md(event_day)}，走访{_md(r.get('visit_date'))}，{state}）"))
        if not on_time:
            gaps.append(f"{who}{trigger}{state}")
    dying_visited = {v["member"] for v in rec.visits if v["trigger"] == DYING}
    for m in rec.all_members:
        died = death_date(m)
        if died and rec.start <= died <= rec.end and m["name"] not in dying_visited:
            required += 1
            used.append(_member_record(m, "去世，无弥留去世走访记录"))
            gaps.append(f"{m.get('full_name')}去世未走访")
    if festival_visits:
        required += 1
        done += len(festivals) >= festival_visits
        used += [record("Care Visit", v["name"], f"{v.get('member_name') or v['member']} 重大节日（走访{_md(v.get('visit_date'))}）")
                 for v in festivals]
        if len(festivals) < festival_visits:
            gaps.append("无重大节日走访记录")
    note = f"应访{required}项，按时{done}项"
    return Proposal(share_score(points, done, required), used, note + (f"；{'；'.join(gaps)}" if gaps else ""))


def home_study_for_homebound(ctx, branch: dict, year: int, points, *, per: str = "quarter") -> Proposal:
    """Each homebound member had study brought home in each quarter (share of member-quarters; no
    homebound members → full points)."""
    rec = records_of(ctx, branch, year)
    homebound = [m for m in rec.members if m.get("homebound")]
    if not homebound:
        return Proposal(yes_no(points, True), [], "无需送学上门的党员")
    done = total = 0
    used_meetings, gaps = set(), []
    for m in homebound:
        reached = rec.home_study_of(m["name"])
        by_period: dict[int, list[dict]] = {}
        for mt in rec.meetings:
            if mt["name"] in reached:
                by_period.setdefault(period_index(mt["meeting_date"], per), []).append(mt)
        missing = []
        for i, (label, start, end) in enumerate(periods(rec.year, per)):
            held = by_period.get(i, [])
            if not counted(start, end, rec.as_of, bool(held)):
                continue
            total += 1
            done += bool(held)
            used_meetings.update(mt["name"] for mt in held)
            if not held:
                missing.append(label)
        if missing:
            gaps.append(f"{m.get('full_name')}缺{'、'.join(missing)}")
    used = [_meeting_record(mt) for mt in rec.meetings if mt["name"] in used_meetings]
    used += [_member_record(m, "行动不便") for m in homebound]
    note = f"行动不便党员{len(homebound)}名，应送学{total}人次，已送学{done}人次"
    return Proposal(share_score(points, done, total), used, note + (f"；{'；'.join(gaps)}" if gaps else ""))


def dues_paid_in_full(ctx, branch: dict, year: int, points) -> Proposal:
    """Each member on the roll paid each month of the year in full (share of member-months; months
    before a member joined in the year are not owed)."""
    rec = records_of(ctx, branch, year)
    members = rec.members
    if not members:
        return Proposal(yes_no(points, False), [], "没有在册党员")
    done = total = 0
    used, gaps = [], []
    for m in members:
        joined = m.get("join_date")
        months = [(start, end) for _, start, end in periods(rec.year, "month") if not joined or joined <= end]
        payments = rec.dues_of(m["name"])
        unpaid = set(unpaid_months(m, payments, [start for start, _ in months]))
        owed = [start for start, end in months if counted(start, end, rec.as_of, start not in unpaid)]
        short = [mo for mo in owed if mo in unpaid]
        total += len(owed)
        done += len(owed) - len(short)
        used += [record("Dues Payment", p["name"], f"{m.get('full_name')} {p['month'].month}月 实交{p.get('amount_paid') or 0}")
                 for p in payments]
        if short:
            used.append(_member_record(m, f"未足额交纳：{months_text(short)}"))
            gaps.append(f"{m.get('full_name')}（{months_text(short)}）")
    note = f"应交{total}人月，足额交纳{done}人月"
    return Proposal(share_score(points, done, total), used, note + (f"；未足额：{'；'.join(gaps)}" if gaps else ""))


def activities_documented(ctx, branch: dict, year: int, points) -> Proposal:
    """Meetings of the year with sign-in (attendance rows) and a photo or minutes (share)."""
    rec = records_of(ctx, branch, year)
    meetings = [m for m in rec.meetings if m["meeting_date"] <= rec.as_of]
    if not meetings:
        return Proposal(yes_no(points, False), [], f"{year}年无会议活动记录")
    done, used = 0, []
    for m in meetings:
        gaps = ([] if m["signed"] else ["无签到"]) + ([] if m.get("photo") or has_text(m.get("minutes")) else ["无记录或图片"])
        done += not gaps
        used.append(_meeting_record(m, "、".join(gaps)))
    return Proposal(share_score(points, done, len(meetings)), used,
                    f"{year}年会议活动{len(meetings)}次，{done}次有签到且有记录或图片")


# --------------------------------------------------------------------------- 6 有工作保障
def funding_recorded(ctx, branch: dict, year: int, points, *, kinds) -> Proposal:
    """A Fund Record of each kind in the year (share of kinds)."""
    rec = records_of(ctx, branch, year)
    kinds = _kind_list(kinds)
    rows = [f for f in rec.funds if f["kind"] in kinds]
    present = {f["kind"] for f in rows}
    missing = [k for k in kinds if k not in present]
    used = [record("Fund Record", f["name"], f"{f['record_date']} {f['kind']} {f['amount']}元") for f in rows]
    note = f"{year}年落实经费{len(kinds) - len(missing)}/{len(kinds)}类"
    return Proposal(share_score(points, len(kinds) - len(missing), len(kinds)), used,
                    note + (f"，缺{'、'.join(missing)}" if missing else ""))


def venue_checklist(ctx, branch: dict, year: int, points, *, items) -> Proposal:
    """The year's Venue Checklist: each item (a Check field, by label or fieldname) ticked (share)."""
    meta = ctx.meta("Venue Checklist")
    by_label = {f.label: f.fieldname for f in meta.data_fields if f.kind.boolean}
    checks = {f.fieldname for f in meta.data_fields if f.kind.boolean}
    items = _kind_list(items)
    unknown = [i for i in items if i not in by_label and i not in checks]
    if unknown:
        raise ValidationError(f"佐证规则 venue_checklist：活动场所清单没有 {'、'.join(unknown)}")
    rec = records_of(ctx, branch, year)
    if not rec.venues:
        return Proposal(yes_no(points, False), [], f"没有{year}年活动场所“六有”清单")
    venue = rec.venues[0]
    missing = [i for i in items if not venue.get(by_label.get(i, i))]
    used = [record("Venue Checklist", venue["name"], f"{year}年活动场所：{venue.get('address') or ''}".rstrip("："))]
    note = f"“六有”{len(items) - len(missing)}/{len(items)}项达标"
    return Proposal(share_score(points, len(items) - len(missing), len(items)), used,
                    note + (f"，缺{'、'.join(missing)}" if missing else ""))


# --------------------------------------------------------------------------- registry
RULES: dict[str, Callable[..., Proposal]] = {
    "separate_org_rule": separate_org_rule,
    "term_in_force": term_in_force,
    "member_records_complete": member_records_complete,
    "mobile_members_co_managed": mobile_members_co_managed,
    "document_exists": document_exists,
    "committee_complete": committee_complete,
    "secretary_max_age": secretary_max_age,
    "vacancies_filled": vacancies_filled,
    "liaison_assigned": liaison_assigned,
    "training_attended": training_attended,
    "meetings_per_period": meetings_per_period,
    "activity_count": activity_count,
    "talks_cover_members": talks_cover_members,
    "member_profiles_complete": member_profiles_complete,
    "required_visits_done": required_visits_done,
    "home_study_for_homebound": home_study_for_homebound,
    "dues_paid_in_full": dues_paid_in_full,
    "activities_documented": activities_documented,
    "funding_recorded": funding_recorded,
    "venue_checklist": venue_checklist,
}


