"""整改推进 (plan §四3): rectification items with a due date after their creation (never one
already past), a responsible person, progress notes, evidence and a closing review; overdue
items in queues (the item's deadline is its queue due date), alerts and dashboards."""
from __future__ import annotations

import datetime as dt

from sixhave_app.engine.errors import ValidationError
from sixhave_app.six_haves import programme

CLOSED_STATES = ("已验收",)
DEFAULT_DAYS = 60


def secretary_name(ctx, party_org: str) -> str | None:
    rows = ctx.get_all("Committee Member", filters={"parent": party_org, "parenttype": "Party Organization", "post": "书记"},
                       fields=["member_name", "member", "to_date"], ignore_permissions=True)
    current = [r for r in rows if not r["to_date"]]
    row = (current or rows or [None])[0]
    return (row["member_name"] or row["member"]) if row else None


def defaults(ctx, party_org: str, year: int) -> dict:
    """Who answers for an item and by when, when the item is made by the system: the branch's
    secretary; the year's rectification deadline if still ahead, else 60 days from today."""
    today = ctx.today()
    due = programme.deadline(ctx, int(year), "整改")
    if not due or due <= today:
        due = today + dt.timedelta(days=DEFAULT_DAYS)
    unit = ctx.get_value("Party Organization", party_org, "parent_unit", ignore_permissions=True)
    return {"responsible_person": secretary_name(ctx, party_org) or "支部书记", "responsible_department": unit or "党支部",
            "deadline": due}


def validate(doc) -> None:
    ctx = doc.ctx
    today = ctx.today()
    before = doc.get_original() or {}
    deadline = programme._date(doc.deadline)
    if not str(doc.responsible_person or "").strip():
        raise ValidationError("整改项须有责任人（责任清单）")
    if deadline is None:
        raise ValidationError("整改项须有整改时限")
    changed = programme._date(before.get("deadline")) != deadline
    if (doc.is_new() or changed) and deadline <= today:
        raise ValidationError(f"整改时限（{deadline}）须晚于今天（{today}），不能设为已经过去的日期")
    for row in doc.progress:
        day = programme._date(row.note_date)
        if day and day > today:
            raise ValidationError(f"整改进展第 {row.idx} 行：日期（{day}）不能晚于今天")


def on_update(doc) -> None:
    """A moved deadline moves the open review task's due date with it."""
    before = doc.get_original() or {}
    if before and programme._date(before.get("deadline")) != programme._date(doc.deadline):
        table = doc.ctx.table("Workflow Action")
        doc.ctx.conn.execute(table.update().where(table.c.reference_doctype == doc.doctype,
                                                  table.c.reference_name == doc.name, table.c.status == "Open")
                             .values(due_date=programme._date(doc.deadline)))


def on_closed(doc) -> None:
    """The closing review (验收): who accepted it and when."""
    doc.db_set("reviewed_by", doc.ctx.user, update_modified=False)
    doc.db_set("closed_on", doc.ctx.today(), update_modified=False)


def is_overdue(row: dict, today: dt.date) -> bool:
    return row.get("workflow_state") not in CLOSED_STATES and bool(row.get("deadline")) and row["deadline"] < today


def overdue(ctx, today: dt.date, org: str | None = None, year: int | None = None) -> list[dict]:
    """Open items past their deadline, through the caller's permissions."""
    filters = [["deadline", "<", today], ["workflow_state", "not in", list(CLOSED_STATES)]]
    if org:
        filters.append(["org", "descendants of (inclusive)", org])
    if year:
        filters.append(["year", "=", year])
    rows = ctx.get_all("Rectification Item", filters=filters,
                       fields=["name", "party_org", "org", "year", "item_code", "problem", "responsible_person",
                               "deadline", "workflow_state"], order_by="deadline asc", limit_page_length=0)
    for r in rows:
        r["days_overdue"] = (today - r["deadline"]).days
    return rows


def progress(ctx, year: int, today: dt.date, org: str | None = None) -> dict:
    """Counts for dashboards: all, closed, closed on time, open, overdue."""
    filters = [["year", "=", year]]
    if org:
        filters.append(["org", "descendants of (inclusive)", org])
    rows = ctx.get_all("Rectification Item", filters=filters, fields=["workflow_state", "deadline", "closed_on"],
                       limit_page_length=0)
    closed = [r for r in rows if r["workflow_state"] in CLOSED_STATES]
    on_time = [r for r in closed if r["closed_on"] and r["deadline"] and r["closed_on"] <= r["deadline"]]
    return {"total": len(rows), "closed": len(closed), "closed_on_time": len(on_time),
            "open": len(rows) - len(closed), "overdue": sum(1 for r in rows if is_overdue(r, today))}
