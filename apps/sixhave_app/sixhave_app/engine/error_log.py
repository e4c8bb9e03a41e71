"""Run-time failures of what administrators author (workflow conditions, depends_on rules,
templates…), recorded where administrators see them: an Error Log document in Frappe's shape.

Such a failure affects only the item that failed — a transition is not offered, a rule falls
back to its safe default, a message to its plain text — and is noted here: once per request and
item, and as one row per distinct error that counts its occurrences until an administrator marks
it seen. Entries are written with the request's own transaction, or, when the request fails and
rolls back, in a short transaction right after (Context.commit / Context.rollback), so that a
record survives the failure it describes and never holds a second connection's lock.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa

log = logging.getLogger("sixhave.errors")


def record(ctx, method: str, error: str, *, reference_doctype: str | None = None,
           reference_name: str | None = None) -> None:
    method, error = str(method)[:255], str(error)
    key = (method, error)
    if key in ctx.error_keys:
        return
    ctx.error_keys.add(key)
    log.warning("%s: %s (%s %s)", method, error, reference_doctype or "", reference_name or "")
    ctx.pending_errors.append({"method": method, "error": error, "reference_doctype": reference_doctype,
                               "reference_name": reference_name})


def write(ctx, conn, entries: list[dict]) -> None:
    """Insert (or count again) the entries on `conn`, inside its current transaction."""
    from .naming import random_hash

    try:
        table = ctx.site.table("Error Log")
    except Exception:  # noqa: BLE001 - a site not migrated since Error Log arrived: the log line stays
        return
    now = ctx.now()
    for entry in entries:
        try:
            found = conn.execute(sa.select(table.c.name).where(table.c.method == entry["method"], table.c.error == entry["error"],
                                                               table.c.seen == 0).limit(1)).scalar()
            if found:
                conn.execute(table.update().where(table.c.name == found)
                             .values(occurrences=sa.func.coalesce(table.c.occurrences, 0) + 1, modified=now))
                continue
            conn.execute(table.insert().values(name=random_hash(16), creation=now, modified=now, owner=ctx.user,
                                               modified_by=ctx.user, docstatus=0, idx=0, occurrences=1, seen=0, **entry))
        except sa.exc.DBAPIError as exc:
            log.warning("could not record %s: %s", entry["method"], exc)
