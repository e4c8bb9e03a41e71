"""The yearly cycle's reminders: 7 days and 1 day before each deadline of the plan, a notice to
those who still owe something.

Each kind is a daily job in the scheduler's shape, `fn(ctx, job=None, as_of=None)` (hooks.py
`scheduler_events`; `sixhave execute` runs one by hand); `as_of` defaults to the date the site is
told. Each returns the notices sent as (user, subject) pairs, and never sends the same notice twice.

- `deadline_reminders`: the year's phases — 动员部署 (districts and city-level units without a
  实施方案), 自查摸底 (organisations without a submitted Self Check), 整改 (organisations with open
  rectification items), 申报 (branches whose sheet is not submitted; reviewers holding sheets and
  applications), 考核 (the city's reviewers holding sheets and applications).
- `rectification_reminders`: each open rectification item's own deadline, to its branch.
- `inspection_reminders`: each planned half-yearly inspection's due date, to its supervisors."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from sixhave_app.six_haves import programme, reminders

DAYS_BEFORE = (7, 1)
BRANCH_ROLES = ["支部书记"]
REVIEW_ROLES = ["区级审核员", "单位审核员"]
PLANNING_ROLES = ["区级管理员", "单位审核员"]
SUPERVISOR_ROLES = ["区级管理员", "区级审核员", "单位审核员"]
CITY_ROLES = ["市级审核员"]


def users_in_scope(ctx, roles: list[str], node: str | None) -> list[str]:
    """Enabled users holding one of `roles` whose org scope covers `node` (unrestricted roles: all)."""
    users, has_role = ctx.table("User"), ctx.table("Has Role")
    rows = ctx.conn.execute(sa.select(users.c.name, has_role.c.role)
                            .join(has_role, sa.and_(has_role.c.parent == users.c.name, has_role.c.parenttype == "User"))
                            .where(has_role.c.role.in_(roles), users.c.enabled == 1)).all()
    if not rows:
        return []
    perms = ctx.table("User Permission")
    scopes: dict[str, set[str]] = {}
    for user, value in ctx.conn.execute(sa.select(perms.c.user, perms.c.for_value)
                                        .where(perms.c.allow == "Org Unit", perms.c.user.in_({r[0] for r in rows}))):
        scopes.setdefault(user, set()).add(value)
    above = set(ctx.get_all("Org Unit", filters=[["name", "ancestors of (inclusive)", node]], pluck="name",
                            ignore_permissions=True)) if node else set()
    unrestricted = set(ctx.site.unrestricted_roles)
    out = []
    for user, role in rows:
        # a city-wide matter (no node) reaches every holder of the role; else the scope must cover it
        if node is None or role in unrestricted or (scopes.get(user, set()) & above):
            out.append(user)
    return sorted(set(out))


def _send(ctx, users: list[str], subject: str, doctype: str | None = None, name: str | None = None) -> list[tuple]:
    return [(user, subject) for user in reminders.send_once(ctx, users, subject, doctype, name)]


def _due_in(day: dt.date, due: dt.date | None) -> int | None:
    if due is None:
        return None
    left = (due - day).days
    return left if left in DAYS_BEFORE else None


def phase_reminders(ctx, job=None, as_of=None) -> list[tuple]:
    """The open year's phase deadlines: to those who still owe that phase something."""
    day = reminders.day_of(ctx, as_of)
    sent: list[tuple] = []
    year = programme.open_year(ctx)
    for phase, owed in (("动员部署", _owe_plans), ("自查摸底", _owe_self_checks), ("整改", _owe_rectification),
                        ("申报", _owe_declarations), ("考核", _owe_evaluation)):
        due = programme.deadline(ctx, year, phase)
        left = _due_in(day, due)
        if left is None:
            continue
        for users, what, doctype, name in owed(ctx, year):
            subject = f"提醒：{year}年{phase}截止日期为 {due}（还有 {left} 天），{what}"
            sent += _send(ctx, users, subject, doctype, name)
    return sent


def _owe_plans(ctx, year):
    from sixhave_app.six_haves import mobilisation

    for unit in mobilisation.plan_status(ctx, year)["units"]:
        if not unit["has_plan"]:
            yield users_in_scope(ctx, PLANNING_ROLES, unit["org"]), f"{unit['org']}尚未登记“六有一提升”实施方案", "Org Unit", unit["org"]


def _branches(ctx):
    return ctx.get_all("Party Organization", fields=["name", "org_name", "org"], limit_page_length=0)


def _owe_self_checks(ctx, year):
    done = set(ctx.get_all("Self Check", filters={"year": year, "docstatus": 1}, pluck="party_org", limit_page_length=0))
    for b in _branches(ctx):
        if b["name"] not in done:
            yield (users_in_scope(ctx, BRANCH_ROLES, b["org"]), f"{b['org_name']}尚未提交自查摸底表（问题、任务、责任清单）",
                   "Party Organization", b["name"])


def _owe_rectification(ctx, year):
    rows = ctx.get_all("Rectification Item", filters=[["year", "=", year], ["workflow_state", "!=", "已验收"]],
                       fields=["party_org", "org"], limit_page_length=0)
    counts: dict[tuple, int] = {}
    for r in rows:
        counts[(r["party_org"], r["org"])] = counts.get((r["party_org"], r["org"]), 0) + 1
    for (party_org, org), n in sorted(counts.items()):
        yield users_in_scope(ctx, BRANCH_ROLES, org), f"{party_org}还有 {n} 项整改未完成验收", "Party Organization", party_org


def _owe_declarations(ctx, year):
    sheets = {s["party_org"]: s for s in ctx.get_all("Self Assessment", filters={"year": year},
                                                     fields=["name", "party_org", "org", "workflow_state"],
                                                     limit_page_length=0)}
    for b in _branches(ctx):
        s = sheets.get(b["name"])
        if s is None or s["workflow_state"] in (None, "", "草稿"):
            yield (users_in_scope(ctx, BRANCH_ROLES, b["org"]), f"{b['org_name']}的达标自评表尚未提交",
                   "Self Assessment" if s else "Party Organization", s["name"] if s else b["name"])
        elif s["workflow_state"] == "区级/单位审核":
            yield (users_in_scope(ctx, REVIEW_ROLES, s["org"]), f"{b['org_name']}的达标自评表待您审核上报",
                   "Self Assessment", s["name"])
    for a in ctx.get_all("Demonstration Application", filters={"year": year, "workflow_state": ["in", ["草稿", "区级推荐"]]},
                         fields=["name", "party_org", "org", "workflow_state"], limit_page_length=0):
        roles = BRANCH_ROLES if a["workflow_state"] == "草稿" else REVIEW_ROLES
        yield users_in_scope(ctx, roles, a["org"]), f"{a['party_org']}的示范党支部创建申报表尚未报市", "Demonstration Application", a["name"]


def _owe_evaluation(ctx, year):
    n = ctx.get_count("Self Assessment", {"year": year, "workflow_state": "市级考评"})
    m = ctx.get_count("Demonstration Application", {"year": year, "workflow_state": "市级评审"})
    if n or m:
        yield users_in_scope(ctx, CITY_ROLES, None), f"尚有 {n} 张达标自评表待市级考评、{m} 份示范申报待市级评审", None, None


def _items_due(ctx, as_of, doctype: str, date_field: str, filters: list, fields: list, roles: list[str], subject) -> list[tuple]:
    """Records of `doctype` whose `date_field` is 7 or 1 days after the day, each to the holders of
    `roles` whose scope covers the record's org."""
    day = reminders.day_of(ctx, as_of)
    sent: list[tuple] = []
    targets = [day + dt.timedelta(days=n) for n in DAYS_BEFORE]
    for r in ctx.get_all(doctype, filters=[[date_field, "in", targets], *filters],
                         fields=["name", "org", date_field, *fields], limit_page_length=0, ignore_permissions=True):
        sent += _send(ctx, users_in_scope(ctx, roles, r["org"]), subject(r, (r[date_field] - day).days), doctype, r["name"])
    return sent


def rectification_reminders(ctx, job=None, as_of=None) -> list[tuple]:
    """Each open rectification item's own deadline, to its branch."""
    return _items_due(ctx, as_of, "Rectification Item", "deadline", [["workflow_state", "!=", "已验收"]],
                      ["party_org", "item_code"], BRANCH_ROLES,
                      lambda r, left: f"提醒：整改项 {r['name']}（{r['party_org']} {r['item_code'] or ''}）整改时限为 "
                                      f"{r['deadline']}（还有 {left} 天）")


def inspection_reminders(ctx, job=None, as_of=None) -> list[tuple]:
    """Each planned half-yearly inspection's due date, to its supervisors."""
    return _items_due(ctx, as_of, "Inspection", "due_date", [["status", "=", "计划"]], ["party_org", "year", "half"],
                      SUPERVISOR_ROLES,
                      lambda r, left: f"提醒：{r['party_org']} {r['year']}年{r['half']}督促检查应于 {r['due_date']} 前完成"
                                      f"（还有 {left} 天）")


KINDS = {"phase": phase_reminders, "rectification": rectification_reminders, "inspection": inspection_reminders}


def daily(ctx, job=None, as_of=None) -> dict[str, list[tuple]]:
    """Every kind once (the scheduler runs each as its own job; this is for a hand run)."""
    return {kind: fn(ctx, as_of=as_of) for kind, fn in KINDS.items()}
