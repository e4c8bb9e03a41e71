"""The app's scheduled jobs (declared in hooks.py `scheduler_events`, run by `sixhave scheduler`):
each day, the alerts of every branch to those who keep its books, reminders of review deadlines
that are near or passed, and reminders of committee terms about to end. Each is `fn(ctx, job,
as_of=None)` and runs as a background job; reminders already sent today are not sent again."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from sixhave_app.engine import notifications
from sixhave_app.six_haves import alerts as alert_rules

BRANCH_ROLES = ["支部书记", "支部委员"]
REVIEW_ROLES = ["区级管理员", "区级审核员", "单位审核员"]
DEADLINE_DAYS = 3  # remind this many days before a review deadline, and every day once it has passed


def day_of(ctx, as_of) -> dt.date:
    """The day a reminder job reasons about: `as_of` (a date or ISO text), else the date the site
    is told (ctx.today)."""
    if isinstance(as_of, dt.date):
        return as_of
    if as_of:
        return dt.date.fromisoformat(str(as_of)[:10])
    return ctx.today()


def send_once(ctx, users, subject: str, doctype: str | None = None, name: str | None = None, *,
              since: dt.date | None = None) -> list[str]:
    """Notify each of `users` of `subject` unless already notified of it (since the day `since`,
    or ever when None); the users notified now. Every reminder of the app sends through this."""
    table = ctx.table("Notification Log")
    fresh = []
    for user in users:
        seen = sa.select(table.c.name).where(table.c.for_user == user, table.c.subject == subject)
        if since is not None:
            seen = seen.where(table.c.creation >= dt.datetime.combine(since, dt.time.min))
        if ctx.conn.execute(seen.limit(1)).first() is None:
            fresh.append(user)
    if fresh:
        notifications.notify_users(ctx, fresh, doctype, name, subject, from_user="Administrator")
    return fresh


def _notify(ctx, users, doctype: str, name: str, subject: str, day: dt.date) -> int:
    return len(send_once(ctx, users, subject, doctype, name, since=day))


def _readers(ctx, roles: list[str], doctype: str, values: dict) -> list[str]:
    return [u for u in notifications.users_with_roles(ctx, roles) if notifications.can_see(ctx, u, doctype, values)]


def daily_alerts(ctx, job=None, as_of=None) -> dict:
    """每日提醒: a digest of each branch's alerts to its secretary and committee members."""
    day = day_of(ctx, as_of)
    by_branch: dict[str, list] = {}
    for alert in alert_rules.alerts_for(ctx, day):
        by_branch.setdefault(alert.party_org, []).append(alert)
    sent = 0
    for i, (branch, items) in enumerate(sorted(by_branch.items()), start=1):
        values = ctx.get_value("Party Organization", branch, ["*"], as_dict=True, ignore_permissions=True) or {}
        values["name"] = branch
        subject = f"{day.isoformat()} 今日提醒（{len(items)} 项）：" + "；".join(a.message for a in items[:3]) + \
            ("……" if len(items) > 3 else "")
        sent += _notify(ctx, _readers(ctx, BRANCH_ROLES, "Party Organization", values), "Party Organization", branch,
                        subject[:500], day)
        if job is not None:
            job.progress(i, len(by_branch))
    return {"branches": len(by_branch), "sent": sent}


def deadline_reminders(ctx, job=None, as_of=None) -> dict:
    """截止提醒: review items due within DEADLINE_DAYS days, or overdue, to those who can act."""
    day = day_of(ctx, as_of)
    table = ctx.table("Workflow Action")
    rows = ctx.conn.execute(sa.select(table.c.name, table.c.reference_doctype, table.c.reference_name,
                                      table.c.workflow_state, table.c.due_date, table.c.user)
                            .where(table.c.status == "Open", table.c.due_date.is_not(None),
                                   table.c.due_date <= day + dt.timedelta(days=DEADLINE_DAYS))
                            .order_by(table.c.due_date)).mappings().all()
    roles_table = ctx.table("Workflow Action Permitted Role")
    sent = 0
    for i, row in enumerate(rows, start=1):
        if not ctx.exists(row["reference_doctype"], row["reference_name"]):
            continue
        values = ctx.get_value(row["reference_doctype"], row["reference_name"], ["*"], as_dict=True,
                               ignore_permissions=True) or {}
        values["name"] = row["reference_name"]
        if row["user"]:
            users = [row["user"]]
        else:
            roles = list(ctx.conn.execute(sa.select(roles_table.c.role).where(roles_table.c.parent == row["name"])).scalars())
            users = _readers(ctx, roles, row["reference_doctype"], values)
        title = ctx.meta(row["reference_doctype"]).display_name
        due = row["due_date"]
        when = f"已逾期 {(day - due).days} 天" if due < day else ("今天到期" if due == day else f"将于 {due} 到期")
        subject = f"{title} {row['reference_name']}（{row['workflow_state']}）{when}，请及时处理"
        sent += _notify(ctx, users, row["reference_doctype"], row["reference_name"], subject, day)
        if job is not None:
            job.progress(i, len(rows))
    return {"items": len(rows), "sent": sent}


def term_expiry_reminders(ctx, job=None, as_of=None) -> dict:
    """换届提醒: branches whose committee term has ended or ends soon, to the branch and its district."""
    day = day_of(ctx, as_of)
    due = [a for a in alert_rules.alerts_for(ctx, day) if a.kind in ("term_expired", "term_ending")]
    sent = 0
    for i, alert in enumerate(due, start=1):
        values = ctx.get_value("Party Organization", alert.party_org, ["*"], as_dict=True, ignore_permissions=True) or {}
        values["name"] = alert.party_org
        users = _readers(ctx, BRANCH_ROLES + REVIEW_ROLES, "Party Organization", values)
        sent += _notify(ctx, users, "Party Organization", alert.party_org, f"换届提醒：{alert.message}", day)
        if job is not None:
            job.progress(i, len(due))
    return {"branches": len(due), "sent": sent}
