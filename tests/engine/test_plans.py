"""The plans the databases choose for a scoped list page and a reviewer's queue never read a big
table whole: every statement they run is EXPLAINed (SQLite: EXPLAIN QUERY PLAN; MariaDB: EXPLAIN)
with its own parameters, after ANALYZE, on tables of some thousands of rows, and a full scan of
one of them fails the test. The org scope is a join on the tree's lft range, never a subquery run
per row."""
from __future__ import annotations

import contextlib
import datetime as dt
import random
import uuid

import pytest
from sqlalchemy import event

from sixhave_app.engine import workflow_queue

BIG = ("tabTest Org Record", "tabWorkflow Action", "tabWorkflow Action Permitted Role")
ROWS = 12_000
STATES = {"草稿": ["支部书记"], "区级/单位审核": ["区级审核员", "单位审核员"], "市级考评": ["市级审核员"]}


@pytest.fixture(scope="module")
def big_site(site_factory, backend):
    site = site_factory(backend)
    rng = random.Random(15)
    communities = []
    with site.context() as ctx:
        if not ctx.exists("Org Unit", "无锡市"):
            ctx.insert({"doctype": "Org Unit", "unit_name": "无锡市", "level": "市"})
        for d in range(4):
            district = ctx.insert({"doctype": "Org Unit", "unit_name": f"计划区{d}", "level": "市（县）区",
                                   "parent_org_unit": "无锡市"}).name
            for s in range(4):
                street = ctx.insert({"doctype": "Org Unit", "unit_name": f"计划区{d}街道{s}", "level": "街道",
                                     "parent_org_unit": district}).name
                for c in range(4):
                    communities.append(ctx.insert({"doctype": "Org Unit", "unit_name": f"{street}社区{c}", "level": "社区",
                                                   "parent_org_unit": street}).name)
        for user, role in (("plan.admin@example.cn", "区级管理员"), ("plan.reviewer@example.cn", "区级审核员")):
            ctx.insert({"doctype": "User", "email": user, "first_name": role, "roles": [{"role": role}]})
            ctx.insert({"doctype": "User Permission", "user": user, "allow": "Org Unit", "for_value": "计划区0"})
        now = dt.datetime.now()
        common = {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator",
                  "docstatus": 0, "idx": 0}
        records, actions, roles = [], [], []
        for i in range(ROWS):
            org = rng.choice(communities)
            records.append({**common, "name": uuid.uuid4().hex[:12], "title": f"计划-{i}", "org": org,
                            "self_score": rng.randrange(100), "modified": now - dt.timedelta(minutes=i)})
            state = rng.choice(list(STATES))
            item = uuid.uuid4().hex[:16]
            open_ = rng.random() < 0.2
            actions.append({**common, "name": item, "reference_doctype": "Self Assessment", "reference_name": f"ZP-{i}",
                            "workflow_state": state, "status": "Open" if open_ else "Completed", "org": org,
                            "due_date": dt.date(2026, 10, 31), "user": None, "completed_by": None if open_ else "Administrator"})
            if open_:
                roles += [{**common, "name": uuid.uuid4().hex[:16], "parent": item, "parenttype": "Workflow Action",
                           "parentfield": "permitted_roles", "role": r} for r in STATES[state]]
        for doctype, rows in (("Test Org Record", records), ("Workflow Action", actions),
                              ("Workflow Action Permitted Role", roles)):
            ctx.conn.execute(ctx.table(doctype).insert(), rows)
    with site.engine.begin() as conn:  # statistics, as after any bulk load (bench and demo do the same)
        if site.backend == "sqlite":
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE TABLE " + ", ".join(f"`{t}`" for t in (*BIG, "tabOrg Unit"))).all()
    return site


@contextlib.contextmanager
def captured(site):
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(site.engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(site.engine, "before_cursor_execute", keep)


def full_scans(site, statements) -> list[str]:
    """Plan lines that read one of the big tables whole."""
    bad = []
    with site.engine.connect() as conn:
        for statement, parameters in statements:
            if not any(t in statement for t in BIG):
                continue
            if site.backend == "sqlite":
                for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
                    detail = row[-1]
                    if detail.startswith("SCAN ") and "INDEX" not in detail and any(
                            detail[5:].startswith(t) for t in BIG):
                        bad.append(f"{detail}\n  in: {statement}")
            else:
                result = conn.exec_driver_sql("EXPLAIN " + statement, parameters)
                for row in result.mappings():
                    if row["type"] == "ALL" and row["table"] in BIG:
                        bad.append(f"{dict(row)}\n  in: {statement}")
    return bad


def test_a_scoped_list_page_reads_no_big_table_whole(big_site):
    with big_site.context(user="plan.admin@example.cn", write=False) as ctx, captured(big_site) as seen:
        rows = ctx.get_list("Test Org Record", fields=["name", "title", "org"], order_by="modified desc",
                            limit_start=40, limit_page_length=20)
        assert len(rows) == 20 and all(r["org"].startswith("计划区0") for r in rows)
    assert seen and not full_scans(big_site, seen), "\n".join(full_scans(big_site, seen))


def test_a_reviewers_queue_reads_no_big_table_whole(big_site):
    with big_site.context(user="plan.reviewer@example.cn", write=False) as ctx, captured(big_site) as seen:
        result = workflow_queue.todo(ctx, page_length=20, check_conditions=False)
        assert result["total"] > 20 and all(i["org"].startswith("计划区0") for i in result["items"])
    assert seen and not full_scans(big_site, seen), "\n".join(full_scans(big_site, seen))


def test_the_scope_is_a_range_join_not_a_subquery_per_row(big_site):
    with big_site.context(user="plan.admin@example.cn", write=False) as ctx, captured(big_site) as seen:
        ctx.get_list("Test Org Record", fields=["name"], limit_page_length=5)
    page = next(s for s, _ in seen if "tabTest Org Record" in s)
    assert "scope_anchor" in page and "EXISTS" not in page.upper()


def test_the_queue_scope_is_a_range_join_not_a_list_of_units(big_site):
    """The reviewer's queue names the anchor of the scope, not the units under it: each statement
    is a semi-join on the tree's lft range (a list of units grew with the district and cost MariaDB
    more to plan than to run), and items naming no unit come as a branch of their own."""
    with big_site.context(user="plan.reviewer@example.cn", write=False) as ctx, captured(big_site) as seen:
        result = workflow_queue.todo(ctx, page_length=5, check_conditions=False)
    assert result["total"] > 5
    queue = [s for s, _ in seen if "tabWorkflow Action" in s]
    assert len(queue) == 2  # the counts and the page
    for statement in queue:
        assert "scope_anchor" in statement and "UNION ALL" in statement.upper() and "EXISTS" not in statement.upper()
        assert statement.count("?") + statement.count("%s") < 40, "the permitted units are listed one by one"
