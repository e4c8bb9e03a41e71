"""`python -m bench.tree`: nested-set inserts per node on SQLite and MariaDB, side by side.

    .venv/bin/python -m bench.tree [--nodes 1500] [--backends sqlite,mariadb]

A throw-away site per database; an org tree grown through the document API the way branches
arrive in a city — each new node under a parent drawn at random from the nodes so far, so that
most inserts shift the lft/rgt of nodes to their right (the expensive case). Measured: the whole
insert per node, and the part spent in `tree.on_insert` (lock, the parent's bounds, the shift and
the node's own bounds). Goal: MariaDB per node within 1.25 × SQLite's (the issue: "as fast").
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sixhave_app.engine import tree
from sixhave_app.engine.site import drop_database
from sixhave_app.engine.sites import new_site

GOAL = 1.25
console = Console() if sys.stdout.isatty() else Console(width=150)


def grow(site, nodes: int, seed: int) -> dict:
    rng = random.Random(seed)
    spent = [0.0]
    original = tree.on_insert

    def timed(ctx, doc):
        start = time.perf_counter()
        try:
            original(ctx, doc)
        finally:
            spent[0] += time.perf_counter() - start

    tree.on_insert = timed
    try:
        with site.context() as ctx:
            root = "基准市"
            ctx.insert({"doctype": "Org Unit", "unit_name": root, "level": "市"})
            parents = [root]
            ctx.commit()
            start = time.perf_counter()
            for i in range(nodes):
                parent = rng.choice(parents)
                name = ctx.insert({"doctype": "Org Unit", "unit_name": f"基准节点{i}", "level": "社区",
                                   "parent_org_unit": parent}).name
                parents.append(name)
                if i % 100 == 99:
                    ctx.commit()
            ctx.commit()
            total = time.perf_counter() - start
            t = ctx.table("Org Unit")
            import sqlalchemy as sa

            rows = ctx.conn.execute(sa.select(t.c.lft, t.c.rgt)).all()
            assert len({v for r in rows for v in r}) == 2 * len(rows), "lft/rgt values repeat"
    finally:
        tree.on_insert = original
    return {"per_node_ms": total * 1000 / nodes, "tree_ms": spent[0] * 1000 / nodes, "nodes": nodes}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.tree", description=__doc__.split("\n\n")[0])
    p.add_argument("--nodes", type=int, default=1500)
    p.add_argument("--backends", default="sqlite,mariadb")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--mariadb-url", default=os.environ.get("SIXHAVE_BENCH_MARIADB",
                                                         "mariadb+mariadbconnector://root@127.0.0.1:3306"))
    args = p.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="sixhave-bench-tree-"))
    results = {}
    try:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            name = "tree_" + uuid.uuid4().hex[:10]
            url = (f"{args.mariadb_url.rstrip('/')}/sixhave_bench_{name}" if backend == "mariadb"
                   else f"sqlite:///{root / name / 'site.db'}")
            site = None
            try:
                with console.status(f"{backend}: {args.nodes:,} nodes…"):
                    site, _ = new_site(name, db_url=url, sites_path=root)
                    results[backend] = grow(site, args.nodes, args.seed)
            finally:
                if site is not None:
                    site.dispose()
                drop_database(url)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    table = Table(title=f"nested-set inserts: {args.nodes:,} Org Units under random parents, through the document API")
    for col in ("database", "ms per node (whole insert)", "ms per node in tree.on_insert"):
        table.add_column(col, justify="left" if col == "database" else "right")
    for backend, r in results.items():
        table.add_row(backend, f"{r['per_node_ms']:.2f}", f"{r['tree_ms']:.2f}")
    console.print(table)
    if {"sqlite", "mariadb"} <= set(results):
        ratio = results["mariadb"]["per_node_ms"] / results["sqlite"]["per_node_ms"]
        shift = results["mariadb"]["tree_ms"] / results["sqlite"]["tree_ms"]
        ok = ratio <= GOAL
        console.print(f"MariaDB ÷ SQLite per node: {ratio:.2f}× (tree part {shift:.2f}×) — goal ≤ {GOAL}: "
                      + ("[green]PASS[/]" if ok else "[red]MISS[/]"))
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
