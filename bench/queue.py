"""Benchmark: a reviewer's review queue (待办) over 50,000 documents in mixed workflow states.

    .venv/bin/python -m bench.queue [--docs 50000] [--backend sqlite|mariadb] [--repeat 200]

Setup (not measured): a city tree of 8 districts × 5 streets × 5 communities, 2,000 branches
(through the document API), then 50,000 Self Assessments in mixed states with their queue items
and a completed item each (bulk-loaded in SQLAlchemy Core). Measured: `workflow_queue.todo` for a
district reviewer (counts per DocType and state plus the first page with the actions open on
each item), each call in a fresh request context, interleaved call by call with the same statements
run bare through a plain SQLAlchemy engine. Goal: ≤ 50 ms median and ≤ 1.5 × the bare SQL.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
import sqlalchemy as sa
from sqlalchemy import event

from sixhave_app.engine import analyze, workflow_queue
from sixhave_app.engine.site import drop_database
from sixhave_app.engine.sites import new_site

STATES = [("草稿", 0, 0.30), ("区级/单位审核", 0, 0.25), ("市级考评", 0, 0.15), ("达标", 1, 0.25), ("不达标", 1, 0.05)]
GOAL_MS, GOAL_RATIO = 50, 1.5
OPEN_ROLES = {"草稿": ["支部书记"], "区级/单位审核": ["区级审核员", "单位审核员"], "市级考评": ["市级审核员"]}


def build(site, docs: int, seed: int, console: Console) -> str:
    rng = random.Random(seed)
    branches = []
    with Progress(console=console, transient=True) as progress, site.context(ignore_permissions=True) as ctx:
        if not ctx.exists("Org Unit", "无锡市"):  # migrate makes the city's top of the tree
            ctx.insert({"doctype": "Org Unit", "unit_name": "无锡市", "level": "市"})
        task = progress.add_task("组织树与支部", total=2000)
        for d in range(8):
            district = ctx.insert({"doctype": "Org Unit", "unit_name": f"区{d}", "level": "市（县）区", "parent_org_unit": "无锡市"}).name
            for s in range(5):
                street = ctx.insert({"doctype": "Org Unit", "unit_name": f"区{d}街道{s}", "level": "街道", "parent_org_unit": district}).name
                for c in range(5):
                    community = ctx.insert({"doctype": "Org Unit", "unit_name": f"{street}社区{c}", "level": "社区", "parent_org_unit": street}).name
                    for b in range(10):
                        po = ctx.insert({"doctype": "Party Organization", "org_name": f"{community}支部{b}", "org_type": "党支部",
                                         "sector": "社区", "parent_unit": community})
                        branches.append((po.name, po.org))
                        progress.advance(task)
                ctx.commit()
        reviewer = "queue-reviewer@example.cn"
        ctx.insert({"doctype": "User", "email": reviewer, "first_name": "区级审核员", "roles": [{"role": "区级审核员"}]})
        ctx.insert({"doctype": "User Permission", "user": reviewer, "allow": "Org Unit", "for_value": "区0"})
        ctx.commit()
        now = dt.datetime.now()
        sa_table, wa, roles = ctx.table("Self Assessment"), ctx.table("Workflow Action"), ctx.table("Workflow Action Permitted Role")
        task = progress.add_task("5 万份自评表与待办（批量载入）", total=docs)
        weights = [w for _, _, w in STATES]
        batch_docs, batch_actions, batch_roles = [], [], []
        for i in range(docs):
            party, org = branches[i % len(branches)]
            year = 1990 + i // len(branches)
            state, status, _ = rng.choices(STATES, weights)[0]
            name = f"ZP-{year}-{party}"
            common = {"creation": now, "modified": now, "modified_by": "Administrator", "owner": "Administrator", "idx": 0}
            batch_docs.append({**common, "name": name, "docstatus": status, "party_org": party, "org": org, "year": year,
                               "workflow_state": state})
            done = uuid.uuid4().hex[:16]
            batch_actions.append({**common, "name": done, "docstatus": 0, "reference_doctype": "Self Assessment",
                                  "reference_name": name, "workflow_state": "草稿", "status": "Completed", "org": org,
                                  "completed_by": "Administrator", "due_date": None})
            if state in OPEN_ROLES:
                item = uuid.uuid4().hex[:16]
                due = dt.date(year, 10, 31) if state != "市级考评" else dt.date(year, 11, 30)
                batch_actions.append({**common, "name": item, "docstatus": 0, "reference_doctype": "Self Assessment",
                                      "reference_name": name, "workflow_state": state, "status": "Open", "org": org,
                                      "due_date": due, "completed_by": None})
                for role in OPEN_ROLES[state]:
                    batch_roles.append({**common, "name": uuid.uuid4().hex[:16], "docstatus": 0, "parent": item,
                                        "parenttype": "Workflow Action", "parentfield": "permitted_roles", "role": role})
            if len(batch_docs) == 2000 or i == docs - 1:
                for table, rows in ((sa_table, batch_docs), (wa, batch_actions), (roles, batch_roles)):
                    if rows:
                        ctx.conn.execute(table.insert(), rows)
                progress.advance(task, len(batch_docs))
                batch_docs, batch_actions, batch_roles = [], [], []
                ctx.commit()
    analyze.run(site, ["Self Assessment", "Workflow Action", "Workflow Action Permitted Role", "Org Unit"])
    return reviewer


def captured_statements(site, reviewer: str) -> list[tuple[str, object]]:
    """The statements one todo() call runs, with their parameters, in order."""
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(site.engine, "before_cursor_execute", keep)
    try:
        with site.context(user=reviewer, write=False) as ctx:
            workflow_queue.todo(ctx, page_length=20)
    finally:
        event.remove(site.engine, "before_cursor_execute", keep)
    return seen


def measure(site, reviewer: str, repeat: int) -> dict:
    """todo() in a fresh request context, and beside it, interleaved call by call, the same
    statements run bare: a plain engine (no pre-ping, nothing of sixhave's), one connection
    from its pool per call, each statement executed with its parameters and its rows fetched."""
    samples, bare, result = [], [], None
    for i in range(10):  # warm-up calls fill the meta and permission caches, as a running server has them
        with site.context(user=reviewer, write=False) as ctx:
            workflow_queue.todo(ctx, page_length=20)
    statements = captured_statements(site, reviewer)
    plain = sa.create_engine(site.db_url, **({"connect_args": {"check_same_thread": False}}
                                            if site.backend == "sqlite" else {"isolation_level": "READ COMMITTED"}))
    try:
        for i in range(repeat):
            for which in ((0, 1) if i % 2 == 0 else (1, 0)):
                start = time.perf_counter()
                if which == 0:
                    with site.context(user=reviewer, write=False) as ctx:
                        result = workflow_queue.todo(ctx, page_length=20)
                    samples.append((time.perf_counter() - start) * 1000)
                else:
                    with plain.connect() as conn:
                        for statement, parameters in statements:
                            conn.exec_driver_sql(statement, parameters).all()
                    bare.append((time.perf_counter() - start) * 1000)
    finally:
        plain.dispose()
    samples.sort()
    bare.sort()
    return {"median": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1],
            "bare": statistics.median(bare), "statements": len(statements),
            "total": result["total"], "page": len(result["items"]), "counts": result["counts"]}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.queue", description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=50_000)
    p.add_argument("--backend", choices=("sqlite", "mariadb"), default="sqlite")
    p.add_argument("--repeat", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mariadb-url", default=os.environ.get("SIXHAVE_BENCH_MARIADB", "mariadb+mariadbconnector://root@127.0.0.1:3306"))
    args = p.parse_args(argv)
    console = Console() if os.isatty(1) else Console(width=170)
    root = Path(tempfile.mkdtemp(prefix="sixhave-bench-queue-"))
    name = uuid.uuid4().hex[:10]
    url = (f"{args.mariadb_url}/sixhave_bench_q_{name}" if args.backend == "mariadb" else f"sqlite:///{root / name / 'site.db'}")
    site = None
    try:
        site, _ = new_site(name, db_url=url, sites_path=root)
        reviewer = build(site, args.docs, args.seed, console)
        figures = measure(site, reviewer, args.repeat)
    finally:
        if site is not None:
            site.dispose()
        drop_database(url)
        shutil.rmtree(root, ignore_errors=True)
    table = Table(title=f"待办队列：{args.docs:,} 份自评表（{args.backend}），区级审核员（区0）")
    for column in ("backend", "median ms", "p95 ms", "same SQL bare, median ms", "÷ bare", "statements",
                   "items in queue", "page", "goal ≤ 50 ms and ≤ 1.5× bare"):
        table.add_column(column)
    ratio = figures["median"] / figures["bare"]
    ok = figures["median"] <= GOAL_MS and ratio <= GOAL_RATIO
    table.add_row(args.backend, f"{figures['median']:.2f}", f"{figures['p95']:.2f}", f"{figures['bare']:.2f}",
                  f"{ratio:.2f}×", str(figures["statements"]), f"{figures['total']:,}", str(figures["page"]),
                  "[green]PASS[/]" if ok else "[red]MISS[/]")
    console.print(table)
    console.print("counts:", ", ".join(f"{c['workflow_state']} {c['count']} (逾期 {c['overdue']})" for c in figures["counts"]))
    console.print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
