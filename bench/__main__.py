"""`python -m bench`: the engine's insert, list and count figures on SQLite and MariaDB, side by
side, each beside the same work done in plain SQLAlchemy Core, held to the goals in README.md.

Backends run one after the other, never at once: the machine has few cores, and two databases
competing for them would measure the competition.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import data, measure, report, sites

SEED = 6
WARMUP_DOCS = 50
RESULTS = Path(__file__).parent / "results"  # git-ignored: one JSON file per run


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=100_000, help="rows in the table the queries run on")
    p.add_argument("--inserts", type=int, default=10_000, help="documents inserted per insert figure")
    p.add_argument("--repeat", type=int, default=200, help="timed calls of each query (median, p95)")
    p.add_argument("--warmup", type=int, default=20, help="untimed calls of each query first")
    p.add_argument("--commit-every", type=int, default=500, help="documents per transaction")
    p.add_argument("--backends", default="sqlite,mariadb", help="comma-separated: sqlite, mariadb")
    p.add_argument("--mariadb-url", default=os.environ.get("SIXHAVE_BENCH_MARIADB",
                                                         "mariadb+mariadbconnector://root@127.0.0.1:3306"),
                   help="server URL without database; each run creates and drops sixhave_bench_<hex>")
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="after the timed run, profile N more API inserts per backend with cProfile")
    p.add_argument("--no-save", action="store_true", help=f"do not write the figures to {RESULTS.name}/")
    args = p.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in args.backends if b not in sites.BACKENDS]
    if unknown or not args.backends:
        p.error(f"unknown backend {', '.join(unknown) or '(none)'}; choose from {', '.join(sites.BACKENDS)}")
    if min(args.inserts, args.repeat, args.commit_every) < 1:
        p.error("--inserts, --repeat and --commit-every must be at least 1")
    return args


def run_backend(backend: str, args, root: Path, progress: Progress, console: Console) -> dict:
    label = sites.LABELS[backend]
    setup = progress.add_task(f"{label}: new site, benchmark DocTypes", total=None)
    with sites.bench_site(backend, root, args.mariadb_url) as site:
        progress.remove_task(setup)
        out = {"server": sites.server_version(site), "inserts": args.inserts}
        # Warm both paths (imports, meta, compiled-statement caches) before any clock starts.
        warm = data.documents(WARMUP_DOCS, SEED + 1)
        measure.insert_api(site, warm, args.commit_every, lambda n: None)
        measure.insert_core(site, warm, args.commit_every, lambda n: None)

        docs = data.documents(args.inserts, SEED)
        for key, fn, what in (("insert_api_s", measure.insert_api, "document API"),
                              ("insert_core_s", measure.insert_core, "SQLAlchemy Core")):
            task = progress.add_task(f"{label}: insert via {what}", total=args.inserts)
            out[key] = fn(site, docs, args.commit_every, lambda n, t=task: progress.advance(t, n))

        missing = args.rows - measure.row_count(site)
        if missing > 0:
            task = progress.add_task(f"{label}: bulk load to {args.rows:,} rows (setup)", total=missing)
            measure.bulk_load(site, missing, SEED + 1000, lambda n: progress.advance(task, n))
        out["rows"] = measure.row_count(site)
        out["indexes"] = sites.indexes(site, data.PARENT)

        task = progress.add_task(f"{label}: list page and count", total=args.repeat)
        samples = measure.time_queries(site, args.repeat, args.warmup, lambda n: progress.advance(task, n))
        out["queries"] = {key: measure.summary(values) for key, values in samples.items()}
        with site.context(write=False, ignore_permissions=True) as ctx:
            out["matching_rows"] = measure.count_api(ctx)

        if args.profile:
            out["profile"] = profile_inserts(site, args, console, label)
    return out


def profile_inserts(site, args, console: Console, label: str) -> str:
    """cProfile of further API inserts (kept out of the timed figures, which it would slow)."""
    docs = data.documents(args.profile, SEED + 2)
    profiler = cProfile.Profile()
    profiler.enable()
    measure.insert_api(site, docs, args.commit_every, lambda n: None)
    profiler.disable()
    path = Path(tempfile.gettempdir()) / f"sixhave-bench-{site.backend}.prof"
    profiler.dump_stats(path)
    console.rule(f"{label}: cProfile of {args.profile:,} API inserts (saved to {path})")
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("tottime").print_stats(20)
    console.print(text.getvalue(), markup=False, highlight=False)
    return str(path)


def main(argv=None) -> int:
    args = parse_args(argv)
    # Piped output (make bench | tee) would wrap the table at 80 columns; give it room.
    console = Console(width=None if sys.stdout.isatty() else 132)
    if "mariadb" in args.backends:
        why = sites.check_mariadb(args.mariadb_url)
        if why:
            console.print(f"[red]MariaDB is not reachable at {args.mariadb_url}: {why}[/]\n"
                          "Start it (see .ci/run), pass --mariadb-url, or run with --backends sqlite.")
            return 2
    started = dt.datetime.now().astimezone()
    engine = report.engine_revision()  # now, as the code this process imported, not as it ends
    load = os.getloadavg()[0]  # other work on the machine moves the figures; say how much there was
    root = Path(tempfile.mkdtemp(prefix="sixhave-bench-"))
    raw: dict[str, dict] = {}
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, refresh_per_second=4) as progress:
            for backend in args.backends:
                raw[backend] = run_backend(backend, args, root, progress, console)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    figures = {backend: report.derive(r) for backend, r in raw.items()}
    rows = ", ".join(f"{sites.LABELS[b]} {r['rows']:,} rows / {r['matching_rows']:,} match" for b, r in raw.items())
    title = (f"sixhave bench — {args.inserts:,} inserts × {data.CHILD_ROWS} child rows, commit every "
             f"{args.commit_every}; page of {data.PAGE_LENGTH} and count over {rows}; "
             f"{args.repeat} timed calls each"
             )
    console.print()
    console.print(report.table(figures, title))
    verdicts = report.verdicts(figures)
    missed = [f"{label} ({where})" for label, where, ok in verdicts if not ok]
    console.print(f"goals met: {len(verdicts) - len(missed)} of {len(verdicts)}"
                  + (f"; missed: {'; '.join(missed)}" if missed else ""))
    console.print(f"indexes on tab{data.PARENT}: " + ", ".join(next(iter(raw.values()))["indexes"]))
    info = report.machine({b: r["server"] for b, r in raw.items()}, engine)
    info["date"] = started.strftime("%Y-%m-%d %H:%M %Z")
    info["load average at start"] = f"{load:.2f}"
    console.print("machine: " + "; ".join(f"{k} {v}" for k, v in info.items()))

    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{started:%Y%m%d-%H%M%S}.json"
        path.write_text(json.dumps({"args": {k: v for k, v in vars(args).items() if k != "mariadb_url"},
                                    "machine": info, "figures": figures, "raw": raw,
                                    "verdicts": verdicts}, ensure_ascii=False, indent=1, default=str))
        console.print(f"figures saved to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
