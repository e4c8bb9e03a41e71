"""The demo's planner without a database: the same seed gives the same rows, a longer plan begins
with the shorter one, and a branch's records name only its own people — the rows `sixhave demo`
inserts and bench/app.py bulk-loads."""
from __future__ import annotations

import datetime as dt

from sixhave_app.six_haves.demo_plan import TOPICS, Planner
from sixhave_app.six_haves.doctype.dues_payment.dues_payment import amount_due
from sixhave_app.six_haves.org_tree import city_nodes

YEAR, SEED = 2018, 3
KINDS = {kind: kind == "集体学习" for kind in TOPICS}


def plan(count: int, seed: int = SEED) -> list[dict]:
    """`count` branches planned in full, each member named as a bulk loader would name it."""
    planner = Planner(year=YEAR, seed=seed, today=dt.date(YEAR, 11, 20), units=[n for n, _, _ in city_nodes()],
                      kinds=KINDS)
    out = []
    for i in range(count):
        b = planner.branch(i)
        for p in b.people:
            p.name = f"PM-{i}-{p.key}"
        out.append({"name": b.name, "gaps": b.gaps, "units": b.units, "values": b.values,
                    "people": [p.values for p in b.people], "committee": planner.committee(b),
                    "records": planner.records(b)})
    out.append({"training": planner.training(), "accounts": planner.accounts()})
    return out


def test_same_seed_same_rows_and_a_longer_plan_begins_with_a_shorter_one():
    six = plan(6)
    assert six == plan(6)
    assert plan(3)[:3] == six[:3]
    assert plan(6, seed=SEED + 1)[:6] != six[:6]


def test_a_branch_records_name_its_own_people_and_show_its_gaps():
    branches = plan(6)[:6]
    for b in branches:
        own = {f"PM-{branches.index(b)}-{k}" for k in range(len(b["people"]))}
        kinds = {doctype for doctype, _ in b["records"]}
        assert kinds >= {"Meeting", "Talk Record", "Dues Payment", "Fund Record", "Venue Checklist"}
        for doctype, row in b["records"]:
            assert row["party_org"] == b["name"]
            assert row.get("member", next(iter(own))) in own
            assert {r["member"] for r in row.get("attendance", [])} <= own
            if doctype == "Dues Payment" and row.get("amount_paid") is not None:
                assert row["amount_paid"] == amount_due(row["pension"])
        assert {r["member"] for r in b["committee"]} <= own
    # the forced gaps of the first branches (demo_plan.FORCED) are in their rows
    assert "liaison_name" not in branches[1]["values"]  # no_liaison
    assert any(doctype == "Dues Payment" and row.get("amount_paid") is None for doctype, row in branches[3]["records"])
    assert not any(row["kind"] == "年度工作总结" for doctype, row in branches[4]["records"] if doctype == "Work Document")
