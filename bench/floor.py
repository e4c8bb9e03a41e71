"""`python -m bench.floor`: sixhave's scoped REST list page against its floor, side by side.

    .venv/bin/python -m bench.floor                         # SQLite and MariaDB, 100,000 documents
    .venv/bin/python -m bench.floor --docs 20000 --rounds 4 --seconds 3 --backends sqlite   # a quick look

For each database: a throw-away site with the org tree, a custom DocType with only the indexes it
ships (its Link and its `search_index` date), the documents bulk-loaded and ANALYZEd, and a
district user (role 区级管理员, a User Permission on one district of eight) with API keys. Three
servers run at once, each a separate process:

- **sixhave**, `sixhave serve --workers 1`: GET /api/resource with the user's token — the page of
  20 Open records, newest first, inside the user's district;
- **floor**, a bare Starlette endpoint under the same uvicorn (bench/floor_server.py) that runs the
  very statement sixhave's get_list builds for that user and page, with SQLAlchemy Core on a plain
  engine, and returns the same JSON (checked before timing);
- **sixhave ×2**, `sixhave serve --workers 2`, for the worker-scaling figure.

The load (wrk when installed, else the asyncio client of bench.api) is given to one server at a
time, in rounds whose order alternates (floor, sixhave / sixhave, floor …), so that whatever else
the machine does touches both alike; the figure is floor ÷ sixhave requests per second over all
rounds. Worker scaling is measured the same way: sixhave ×2 ÷ sixhave ×1. Goals: floor ÷ sixhave
≤ 1.3 on each database; two workers ≥ 1.7 × one.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from rich.table import Table

from . import api
from .api import console

GOAL_FLOOR = 1.3
GOAL_WORKERS = 1.7
BACKENDS = ("sqlite", "mariadb")


class FloorServer(api.Server):
    """bench/floor_server.py under uvicorn, one worker, the same uvicorn settings as `sixhave serve`."""

    def __init__(self, sites_path: Path, site: str, log: Path):
        super().__init__(sites_path, site, 1, log)
        self.cmd = [sys.executable, "-m", "uvicorn", "--factory", "bench.floor_server:app_from_env",
                    "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1", "--log-level", "warning"]
        self.env = dict(os.environ, BENCH_FLOOR_SITE=site, BENCH_FLOOR_SITES=str(sites_path), BENCH_FLOOR_USER=api.USER,
                        BENCH_FLOOR_PAGE=json.dumps({"doctype": api.DOCTYPE, "fields": api.PAGE_FIELDS,
                                                     "filters": api.PAGE_FILTERS, "order_by": api.PAGE_ORDER,
                                                     "limit_page_length": api.PAGE_LENGTH}),
                        PYTHONPATH=str(Path(__file__).resolve().parent.parent))


def setup(backend: str, args, root: Path) -> dict:
    """A site with the tree, the DocType (shipped indexes only), the rows, the user; then closed."""
    name = "bench_floor_" + uuid.uuid4().hex[:10]
    url = (f"{args.mariadb_url.rstrip('/')}/sixhave_bench_floor_{name[12:]}" if backend == "mariadb"
           else f"sqlite:///{root / name / 'site.db'}")
    from sixhave_app.engine.sites import new_site

    t0 = time.perf_counter()
    site, _ = new_site(name, db_url=url, sites_path=root, admin_password=uuid.uuid4().hex)
    try:
        tree = api.build_tree(site)
        api.define_doctype(site, [])  # only the indexes the DocType ships: its Link and its search_index
        api.bulk_load(site, tree, args.docs, api.SEED)
        api.analyze(site)
        keys = api.make_user(site, api.SCOPED_DISTRICT)
        info = {"name": name, "url": url, "tree": tree, "keys": keys, "server": api.server_version(site),
                "rows": api.row_count(site), "indexes": api.table_indexes(site),
                "setup_s": time.perf_counter() - t0}
    finally:
        site.dispose()
    return info


def same_answer(floor_url: str, sixhave_url: str, path: str, headers: dict, allowed: set[str]) -> int:
    """Both servers give the same JSON, a full page inside the user's district."""
    import httpx

    rows = api.check_page(sixhave_url, path, headers, allowed)
    floor = httpx.get(floor_url + "/floor", timeout=30)
    if floor.status_code != 200 or floor.json() != {"data": rows}:
        raise AssertionError(f"the floor answers differently:\n sixhave {rows[:2]}\n floor   {floor.text[:300]}")
    return len(rows)


def interleave(servers: dict[str, str], headers: dict[str, dict], args, label: str) -> dict[str, dict]:
    """Rounds of load, one server at a time, the order alternating; requests and seconds summed."""
    totals = {key: {"requests": 0, "seconds": 0.0, "errors": 0, "p50": []} for key in servers}
    keys = list(servers)
    for key in keys:  # warm every worker
        api.run_load(args.generator, servers[key], headers[key], args.warmup, args.concurrency, args.wrk_threads)
    for r in range(args.rounds):
        order = keys if r % 2 == 0 else keys[::-1]
        for key in order:
            with console.status(f"{label}: round {r + 1}/{args.rounds}, {key}…"):
                load = api.run_load(args.generator, servers[key], headers[key], args.seconds, args.concurrency,
                                    args.wrk_threads)
            t = totals[key]
            t["requests"] += load.requests
            t["seconds"] += load.seconds
            t["errors"] += load.errors
            t["p50"].append(load.p50_ms)
    for t in totals.values():
        t["rps"] = t["requests"] / t["seconds"] if t["seconds"] else 0.0
        t["p50"] = sorted(t["p50"])[len(t["p50"]) // 2]
    return totals


def run_backend(backend: str, args, root: Path) -> dict:
    with console.status(f"{backend}: site, tree, {args.docs:,} documents, ANALYZE (setup, not measured)…"):
        info = setup(backend, args, root)
    console.print(f"{backend}: {info['server']}, {info['rows']:,} rows, indexes {', '.join(info['indexes'])}; "
                  f"setup {info['setup_s']:.0f} s")
    path = api.page_path()
    token = {"Authorization": f"token {info['keys']['api_key']}:{info['keys']['api_secret']}"}
    one = api.Server(root, info["name"], 1, root / f"{backend}-sixhave1.log")
    two = api.Server(root, info["name"], 2, root / f"{backend}-sixhave2.log") if not args.no_workers else None
    floor = FloorServer(root, info["name"], root / f"{backend}-floor.log")
    started = [s for s in (one, two, floor) if s is not None]
    try:
        with console.status(f"{backend}: starting the servers…"):
            one.start(path, token)
            floor.start("/floor", {})
            if two is not None:
                two.start(path, token)
        n = same_answer(floor.url, one.url, path, token, info["tree"].subtree(api.SCOPED_DISTRICT))
        console.print(f"{backend}: sixhave and the floor give the same {n} rows (all inside "
                      f"{api.SCOPED_DISTRICT}, all Open)")
        out = {"server": info["server"], "rows": info["rows"], "indexes": info["indexes"]}
        out["floor"] = interleave({"floor": floor.url + "/floor", "sixhave": one.url + path},
                                  {"floor": {}, "sixhave": token}, args, backend)
        if two is not None:
            out["workers"] = interleave({"1 worker": one.url + path, "2 workers": two.url + path},
                                        {"1 worker": token, "2 workers": token}, args, backend + " workers")
        return out
    finally:
        for server in started:
            server.stop()
        from sixhave_app.engine.site import drop_database

        drop_database(info["url"])


def report(results: dict[str, dict], args) -> bool:
    table = Table(title=f"scoped list page, {args.docs:,} documents, a district user — {args.rounds} interleaved "
                        f"rounds × {args.seconds:g} s, {args.concurrency} connections ({args.generator})")
    for col in ("database", "floor req/s", "sixhave req/s", "floor ÷ sixhave", f"goal ≤ {GOAL_FLOOR}",
                "p50 floor / sixhave ms", "sixhave ×2 req/s", "×2 ÷ ×1", f"goal ≥ {GOAL_WORKERS}"):
        table.add_column(col, justify="left" if col == "database" else "right")
    ok = True
    for backend, r in results.items():
        f, s = r["floor"]["floor"], r["floor"]["sixhave"]
        ratio = f["rps"] / s["rps"] if s["rps"] else float("inf")
        passed = ratio <= GOAL_FLOOR and not (f["errors"] or s["errors"])
        ok &= passed
        cells = [r["server"], f"{f['rps']:,.0f}", f"{s['rps']:,.0f}", f"{ratio:.2f}×",
                 "[green]PASS[/]" if passed else "[red]MISS[/]", f"{f['p50']:.2f} / {s['p50']:.2f}"]
        if "workers" in r:
            w1, w2 = r["workers"]["1 worker"], r["workers"]["2 workers"]
            scale = w2["rps"] / w1["rps"] if w1["rps"] else 0.0
            wpass = scale >= GOAL_WORKERS and not (w1["errors"] or w2["errors"])
            ok &= wpass
            cells += [f"{w2['rps']:,.0f}", f"{scale:.2f}×", "[green]PASS[/]" if wpass else "[red]MISS[/]"]
        else:
            cells += ["—", "—", "—"]
        table.add_row(*cells)
    console.print(table)
    m = api.machine()
    console.print(f"machine: {m['cpus']} × {m['cpu']}, {m['ram']}, Python {m['python']}; load average now {m['load']} "
                  "(the load generator and every other process share these cores)")
    return ok


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=100_000, help="documents in the listed DocType")
    p.add_argument("--backends", default="sqlite,mariadb", help="comma-separated: sqlite, mariadb")
    p.add_argument("--mariadb-url", default=os.environ.get("SIXHAVE_BENCH_MARIADB",
                                                         "mariadb+mariadbconnector://root@127.0.0.1:3306"))
    p.add_argument("--rounds", type=int, default=6, help="interleaved rounds per comparison")
    p.add_argument("--seconds", type=float, default=5, help="seconds of load per server per round")
    p.add_argument("--warmup", type=float, default=2, help="seconds of unmeasured load per server first")
    p.add_argument("--concurrency", type=int, default=8, help="connections kept busy at once")
    p.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument("--wrk-threads", type=int, default=1)
    p.add_argument("--no-workers", action="store_true", help="skip the two-worker scaling figure")
    args = p.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not args.backends or any(b not in BACKENDS for b in args.backends):
        p.error(f"--backends: choose from {', '.join(BACKENDS)}")
    if args.docs < api.PAGE_LENGTH * 24 or min(args.rounds, args.concurrency) < 1 or args.seconds <= 0:
        p.error("--docs (≥ 480), --rounds, --concurrency and --seconds must be positive")
    if args.generator == "auto":
        args.generator = "wrk" if shutil.which("wrk") else "python"
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="sixhave-bench-floor-"))
    results = {}
    try:
        for backend in args.backends:
            results[backend] = run_backend(backend, args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if report(results, args) else 1


if __name__ == "__main__":
    sys.exit(main())
