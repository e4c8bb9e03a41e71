"""The benchmark's DocTypes and its seeded data: the same documents on every backend.

Values are generated before any clock starts, so no timing includes the random generator, and
with the same seed SQLite and MariaDB receive identical documents and identical query results.
"""
from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal

PARENT = "Bench Record"
CHILD = "Bench Record Item"
TABLE_FIELD = "items"
CHILD_ROWS = 5
USER = "Administrator"

# 50 organisations × 3 statuses: one (status, org) pair matches about 1 row in 150, so the page
# query at 100,000 rows filters ~670 candidates out of ~2,000 that share the indexed org.
ORGS = [f"ORG-{i:02d}" for i in range(50)]
STATUSES = ("Open", "Closed", "Pending")

PAGE_FIELDS = ["name", "title", "status", "amount", "recorded_on"]
PAGE_FILTERS = {"status": "Open", "org": "ORG-07"}
PAGE_ORDER = "recorded_on desc"
PAGE_LENGTH = 20

_FIRST_DAY = dt.date(2022, 1, 1)

# The DocTypes, as DocType documents: created at run time as custom DocTypes through the engine's
# own API, the way a site administrator would, so the bench needs no app of its own on disk.
CHILD_DOCTYPE = {
    "name": CHILD, "module": "Custom", "custom": 1, "istable": 1,
    "fields": [
        {"fieldname": "item", "fieldtype": "Data", "label": "Item", "in_list_view": 1},
        {"fieldname": "qty", "fieldtype": "Int", "label": "Qty", "in_list_view": 1},
        {"fieldname": "rate", "fieldtype": "Currency", "label": "Rate", "in_list_view": 1},
    ],
}
PARENT_DOCTYPE = {
    "name": PARENT, "module": "Custom", "custom": 1, "autoname": "hash", "title_field": "title",
    "sort_field": "modified", "sort_order": "DESC",
    "fields": [
        {"fieldname": "title", "fieldtype": "Data", "label": "Title", "reqd": 1, "in_list_view": 1},
        {"fieldname": "status", "fieldtype": "Select", "label": "Status", "options": "\n".join(STATUSES),
         "default": "Open", "in_standard_filter": 1},
        {"fieldname": "org", "fieldtype": "Data", "label": "Organisation", "search_index": 1,
         "in_standard_filter": 1},
        {"fieldname": "amount", "fieldtype": "Currency", "label": "Amount"},
        {"fieldname": "recorded_on", "fieldtype": "Date", "label": "Recorded on"},
        {"fieldname": "score", "fieldtype": "Float", "label": "Score", "precision": "2"},
        {"fieldname": TABLE_FIELD, "fieldtype": "Table", "label": "Items", "options": CHILD},
    ],
    "permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}],
    # A composite index declared in the DocType (the engine's `indexes` key) for the list people
    # filter by org and status and sort by date: what an administrator adds for a hot list.
    "indexes": [["org", "status", "recorded_on"]],
}


def documents(count: int, seed: int) -> list[dict]:
    """`count` documents as the values a caller hands to `ctx.new_doc`, child rows included."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        out.append({
            "title": f"记录 {seed}-{i}",
            "status": rng.choice(STATUSES),
            "org": rng.choice(ORGS),
            "amount": Decimal(rng.randrange(0, 1_000_000)) / 100,
            "recorded_on": _FIRST_DAY + dt.timedelta(days=rng.randrange(3 * 365)),
            "score": Decimal(rng.randrange(0, 10_000)) / 100,
            TABLE_FIELD: [{"item": f"物品 {j}", "qty": rng.randrange(1, 20),
                           "rate": Decimal(rng.randrange(1, 100_000)) / 100} for j in range(CHILD_ROWS)],
        })
    return out


def table_rows(doc: dict, now: dt.datetime) -> tuple[dict, list[dict]]:
    """One document as the rows a hand-written SQLAlchemy Core insert writes: the parent row with
    the standard columns the engine would stamp, and its child rows linked to it."""
    name = secrets.token_hex(5)
    stamp = {"creation": now, "modified": now, "owner": USER, "modified_by": USER, "docstatus": 0}
    parent = {k: v for k, v in doc.items() if k != TABLE_FIELD}
    parent.update(stamp, name=name, idx=0)
    children = [dict(row, **stamp, name=secrets.token_hex(5), parent=name, parenttype=PARENT,
                     parentfield=TABLE_FIELD, idx=i) for i, row in enumerate(doc[TABLE_FIELD], start=1)]
    return parent, children
