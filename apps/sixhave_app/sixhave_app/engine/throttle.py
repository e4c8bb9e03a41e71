"""Login throttling that protects and cannot be turned against users, and the login log.

Every login attempt is an Activity Log row (user, address, time, result), readable by System
Managers only. The same rows are the throttle's counters, so the state is shared by every worker
and survives restarts, on SQLite and MariaDB alike. Three counters, each over a window:

* the **account from one address** — failures since that account's last success from there
  (`login_max_failures`, default 5);
* the **address** whatever account it tries (`login_max_failures_per_address`, default 30) —
  a password spray from one place;
* the **account from all addresses** (`login_max_failures_per_account`, default 100, much
  higher), since the account's last success.

The account is the resolved user (name, e-mail and username are one account; an unknown login is
counted under its lower-cased text). A counter at its limit locks only what it counts, briefly,
and each further failure doubles the wait: `login_lockout_seconds` (default 60) × 2^(failures −
limit), at most `login_lockout_max_seconds` (default 900). So failures from one address never
stop the right password from another, and nobody can keep an account locked for long.
"""
from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa

from .errors import TooManyRequestsError

DEFAULTS = {"login_max_failures": 5, "login_max_failures_per_address": 30, "login_max_failures_per_account": 100,
            "login_lockout_seconds": 60, "login_lockout_max_seconds": 900, "login_failure_window": 3600}


def setting(site, key: str) -> float:
    try:
        value = float(site.config.get(key, DEFAULTS[key]))
    except (TypeError, ValueError):
        value = float(DEFAULTS[key])
    return value if value > 0 else float(DEFAULTS[key])


def log(ctx, *, user: str, status: str, ip: str | None, subject: str, operation: str = "Login") -> None:
    """One row of the login log (Activity Log): who, from which address, when, what happened."""
    entry = ctx.new_doc("Activity Log", user=(user or "")[:140], status=status, ip_address=ip, operation=operation,
                        subject=subject)
    entry.flags.ignore_permissions = True
    entry.insert()


def _counter(ctx, since: dt.datetime, *conditions) -> tuple[int, dt.datetime | None]:
    table = ctx.table("Activity Log")
    row = ctx.conn.execute(sa.select(sa.func.count(), sa.func.max(table.c.creation))
                           .where(table.c.operation == "Login", table.c.status == "Failed",
                                  table.c.creation > since, *conditions)).first()
    return int(row[0] or 0), row[1]


def _last_success(ctx, *conditions) -> dt.datetime | None:
    table = ctx.table("Activity Log")
    return ctx.conn.execute(sa.select(sa.func.max(table.c.creation))
                            .where(table.c.operation == "Login", table.c.status == "Success", *conditions)).scalar()


def _locked_for(site, count: int, limit: float, last: dt.datetime | None, now: dt.datetime) -> float:
    """Seconds still to wait (0: not locked) for a counter at `count` failures, the last at `last`."""
    if count < limit or last is None:
        return 0.0
    base, cap = setting(site, "login_lockout_seconds"), setting(site, "login_lockout_max_seconds")
    steps = min(int(count - limit), 30)
    wait = min(base * (2 ** steps), cap)
    return max(0.0, (last + dt.timedelta(seconds=wait) - now).total_seconds())


def wait_seconds(ctx, account: str, ip: str | None) -> int:
    """How long `account` must wait before trying again from `ip` (0: it may try now)."""
    site, table, now = ctx.site, ctx.table("Activity Log"), ctx.now()
    window_start = now - dt.timedelta(seconds=setting(site, "login_failure_window"))
    waits = []
    ok_anywhere = _last_success(ctx, table.c.user == account)
    since = max(window_start, ok_anywhere) if ok_anywhere else window_start
    count, last = _counter(ctx, since, table.c.user == account)
    waits.append(_locked_for(site, count, setting(site, "login_max_failures_per_account"), last, now))
    if ip:
        ok_here = _last_success(ctx, table.c.user == account, table.c.ip_address == ip)
        since_here = max(window_start, ok_here) if ok_here else window_start
        count, last = _counter(ctx, since_here, table.c.user == account, table.c.ip_address == ip)
        waits.append(_locked_for(site, count, setting(site, "login_max_failures"), last, now))
        count, last = _counter(ctx, window_start, table.c.ip_address == ip)
        waits.append(_locked_for(site, count, setting(site, "login_max_failures_per_address"), last, now))
    return int(math.ceil(max(waits)))


def in_words(seconds: int) -> str:
    """A wait in plain Chinese: “40 秒”, “2 分钟”, “1 小时 5 分钟”."""
    if seconds < 60:
        return f"{seconds} 秒"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, rest = divmod(minutes, 60)
    return f"{hours} 小时" + (f" {rest} 分钟" if rest else "")


def check(ctx, account: str, ip: str | None, login: str) -> None:
    """Refuse (429, with Retry-After) an attempt while one of its counters is locked; the refusal
    is logged too, as Blocked (not counted as a failure, so waiting always ends the lock)."""
    wait = wait_seconds(ctx, account, ip)
    if wait <= 0:
        return
    log(ctx, user=account, status="Blocked", ip=ip, subject=f"{login} 登录被暂时阻止（失败次数过多）")
    ctx.flags["commit_on_error"] = True
    raise TooManyRequestsError(f"登录失败次数过多，请 {in_words(wait)}后再试",
                               retry_after=wait)
