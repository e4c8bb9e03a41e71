"""Benchmark: Excel exchange and background jobs, side by side in one run.

    .venv/bin/python -m bench.excel [--backend sqlite|mariadb] [--rows 100000] [--imports 10000] [--pdfs 500]

(a) Export of --rows Party Members to .xlsx through `data_export.export_list` (the user's query,
    typed cells, styles, widths, frozen header), goal ≤ 15 s and ≤ 200 MB peak RSS, beside a bare
    openpyxl write-only loop over the same query (no styles, no conversions), goal ≤ 1.5× of it.
    Each runs in a subprocess of its own: wall time and that process's peak RSS (ru_maxrss).
(b) Import of --imports Party Members from a workbook through `data_import.run` as a district
    administrator (every row through the normal insert with scope checks), goal ≤ 20 s.
(c) A batch of --pdfs 自评表 PDFs (`print_jobs.start_batch`) on real Redis, first with one
    `sixhave worker --burst` process, then with two; goal: two ≥ 1.7× one.

Setup (not measured): a throw-away site (Redis prefix of its own), the city's tree, branches, the
members bulk-loaded with SQLAlchemy Core, the assessments made through the document API.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from sixhave_app.engine import naming
from sixhave_app.engine.site import Site, drop_database
from sixhave_app.engine.sites import new_site

REDIS = os.environ.get("SIXHAVE_TEST_REDIS", "redis://127.0.0.1:6379/0")
MARIADB = os.environ.get("SIXHAVE_BENCH_MARIADB", "mariadb+mariadbconnector://root@127.0.0.1:3306")
FIELDS = ["name", "full_name", "gender", "party_org", "org", "retire_type", "birth_date", "join_date", "status",
          "phone", "residence", "activity", "family_health", "health", "needs", "homebound", "pension", "is_mobile"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.excel", description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", default="sqlite", choices=["sqlite", "mariadb"])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--imports", type=int, default=10_000)
    p.add_argument("--pdfs", type=int, default=500)
    p.add_argument("--branches", type=int, default=200)
    return p.parse_args(argv)


# --------------------------------------------------------------------------- setup
def make_site(backend: str, root: Path) -> Site:
    name = "xl" + uuid.uuid4().hex[:10]
    url = f"{MARIADB}/sixhave_bench_{name}" if backend == "mariadb" else f"sqlite:///{root / name / 'site.db'}"
    site, _ = new_site(name, db_url=url, sites_path=root, redis_url=REDIS,
                       extra_config={"redis_prefix": f"sixhave_bench:{name}:"})
    return site


def make_branches(site: Site, count: int) -> tuple[str, list[str]]:
    with site.context() as ctx:
        district = ctx.insert({"doctype": "Org Unit", "unit_name": "基准区", "level": "市（县）区",
                               "parent_org_unit": "无锡市" if ctx.exists("Org Unit", "无锡市") else None}).name
        branches = [ctx.insert({"doctype": "Party Organization", "org_name": f"基准支部{i:04d}", "org_type": "党支部",
                                "sector": "社区", "parent_unit": district}).name for i in range(count)]
    return district, branches


def member_row(rng: random.Random, i: int, branch: str, org: str) -> dict:
    born = dt.date(1935 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28))
    return {"full_name": f"党员{i:06d}", "gender": rng.choice(["男", "女"]), "party_org": branch, "org": org,
            "retire_type": "退休", "birth_date": born, "join_date": born.replace(year=born.year + 25),
            "status": "在册", "phone": f"138{i:08d}", "residence": f"某某街道{i % 97}号", "activity": "书法、太极",
            "family_health": "与老伴同住，身体尚可", "health": rng.choice(["良好", "一般"]), "needs": "无",
            "homebound": rng.randrange(2), "pension": f"{3000 + rng.randrange(5000)}.{rng.randrange(100):02d}",
            "is_mobile": 0}


def bulk_members(site: Site, branches: list[str], count: int) -> None:
    rng = random.Random(12)
    now = dt.datetime.now()
    with site.context() as ctx:
        orgs = dict(ctx.conn.execute(sa.select(ctx.table("Party Organization").c.name, ctx.table("Party Organization").c.org)).all())
        table = ctx.table("Party Member")
        batch = []
        for i in range(count):
            branch = branches[i % len(branches)]
            row = member_row(rng, i, branch, orgs[branch])
            row.update(name=naming.random_hash(), creation=now, modified=now, owner="Administrator",
                       modified_by="Administrator", docstatus=0, idx=0)
            batch.append(row)
            if len(batch) == 5000:
                ctx.conn.execute(table.insert(), batch)
                batch = []
        if batch:
            ctx.conn.execute(table.insert(), batch)


# --------------------------------------------------------------------------- (a) export
def _child(mode: str, site: Site, out: Path) -> dict:
    """Run one export in a fresh process; its wall time and peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.run([sys.executable, "-m", "bench.excel", "--child", mode, str(site.path.parent), site.name, str(out)],
                          capture_output=True, text=True, env=env, timeout=1800)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child_main(mode: str, sites_path: str, name: str, out: str) -> None:
    from openpyxl import Workbook

    from sixhave_app.engine import data_export, query

    site = Site.open(name, Path(sites_path))
    start = time.perf_counter()
    with site.context(write=False) as ctx:
        if mode == "engine":
            rows = data_export.export_list(ctx, "Party Member", Path(out), fields=FIELDS)
        else:
            stmt = query.select_list(ctx, "Party Member", fields=FIELDS, limit_page_length=0, ptype="export")
            book = Workbook(write_only=True)
            sheet = book.create_sheet("Party Member")
            sheet.append(FIELDS)
            rows = 0
            for row in ctx.conn.execute(stmt, execution_options={"stream_results": True, "yield_per": 2000}):
                sheet.append(list(row))
                rows += 1
            book.save(out)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB → MiB on Linux
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "rows": rows, "bytes": os.path.getsize(out)}))


# --------------------------------------------------------------------------- (b) import
def import_workbook(branches: list[str], count: int, path: Path) -> None:
    from openpyxl import Workbook

    rng = random.Random(34)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员名册")
    headers = ["姓名", "性别", "党组织", "出生日期", "入党日期", "电话", "健康状况", "基本离退休费（月）"]
    sheet.append(headers)
    for i in range(count):
        r = member_row(rng, i, branches[i % len(branches)], "")
        sheet.append([f"导入{r['full_name']}", r["gender"], r["party_org"], r["birth_date"], r["join_date"], r["phone"],
                      r["health"], float(r["pension"])])
    book.save(path)


def measure_import(site: Site, district: str, path: Path) -> dict:
    from sixhave_app.engine import data_import

    with site.context() as ctx:
        user = "bench-importer@example.cn"
        ctx.insert({"doctype": "User", "email": user, "first_name": "导入", "roles": [{"role": "区级管理员"}]})
        ctx.insert({"doctype": "User Permission", "user": user, "allow": "Org Unit", "for_value": district})
    data = path.read_bytes()
    start = time.perf_counter()
    with site.context(user=user) as ctx:
        outcome = data_import.run(ctx, "Party Member", data, data_import.INSERT, commit=True)
    elapsed = time.perf_counter() - start
    summary = outcome.summary()
    if summary["problems"] or summary["inserted"] != summary["total"]:
        raise RuntimeError(f"import failed: {summary['problems'][:3]}")
    return {"seconds": elapsed, "rows": summary["inserted"]}


# --------------------------------------------------------------------------- (c) PDFs
def make_assessments(site: Site, branches: list[str], count: int) -> list[str]:
    names = []
    with site.context() as ctx:
        for branch in branches[:count]:
            names.append(ctx.insert({"doctype": "Self Assessment", "party_org": branch, "year": 2018}).name)
    return names


def measure_batch(site: Site, names: list[str], workers: int) -> dict:
    from sixhave_app.engine import jobs, print_jobs

    with site.context() as ctx:
        batch = print_jobs.start_batch(ctx, "Self Assessment", names)
    env = dict(os.environ)
    command = [sys.executable, "-m", "sixhave_app.engine.cli", "--sites-path", str(site.path.parent), "--site", site.name,
               "worker", "--burst", "--queue", "long"]
    start = time.perf_counter()
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(workers)]
    for proc in procs:
        proc.wait(timeout=3600)
    with site.context(write=False) as ctx:
        info = jobs.status(ctx, batch)
    elapsed = time.perf_counter() - start
    if info["status"] != "finished":
        raise RuntimeError(f"batch {info['status']}: {info['error']}")
    return {"seconds": elapsed, "pdfs": info["done"], "per_second": info["done"] / elapsed}


def _spin(seconds_hint: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(seconds_hint * 10_000_000):
        total += i
    return time.perf_counter() - start


def machine_scaling(rounds: int = 3) -> float:
    """What two processes get from this machine's two cores for pure CPU work (best of `rounds`):
    the ceiling the PDF workers' scaling is measured under (shared or SMT cores give less than 2)."""
    import multiprocessing

    best = 0.0
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for _ in range(rounds):
            one = _spin(2)
            start = time.perf_counter()
            pool.map(_spin, [2, 2])
            best = max(best, 2 * one / (time.perf_counter() - start))
    return best


# --------------------------------------------------------------------------- main
def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(*sys.argv[2:6])
        return 0
    args = parse_args(argv)
    console = Console()
    root = Path(tempfile.mkdtemp(prefix="sixhave-bench-excel-"))
    site = None
    rows = []
    try:
        console.print(f"准备：站点（{args.backend}）、{args.branches} 个支部、{args.rows:,} 名党员 …")
        site = make_site(args.backend, root)
        district, branches = make_branches(site, max(args.branches, min(args.pdfs, 2000)))
        bulk_members(site, branches, args.rows)
        engine = _child("engine", site, root / "engine.xlsx")
        bare = _child("bare", site, root / "bare.xlsx")
        ratio = engine["seconds"] / bare["seconds"]
        rows.append((f"导出 {engine['rows']:,} 行（sixhave）", f"{engine['seconds']:.1f} s，峰值 {engine['peak_mb']:.0f} MB",
                     "≤ 15 s，≤ 200 MB", engine["seconds"] <= 15 and engine["peak_mb"] <= 200))
        rows.append((f"导出 {bare['rows']:,} 行（裸 openpyxl write-only）", f"{bare['seconds']:.1f} s，峰值 {bare['peak_mb']:.0f} MB",
                     "—", None))
        rows.append(("sixhave / 裸 openpyxl", f"{ratio:.2f}×", "≤ 1.5×", ratio <= 1.5))
        workbook = root / "import.xlsx"
        import_workbook(branches, args.imports, workbook)
        imported = measure_import(site, district, workbook)
        rows.append((f"导入 {imported['rows']:,} 行（区级管理员，逐行新建）", f"{imported['seconds']:.1f} s", "≤ 20 s",
                     imported["seconds"] <= 20))
        names = make_assessments(site, branches, args.pdfs)
        one = measure_batch(site, names, 1)
        two = measure_batch(site, names, 2)
        speedup = two["per_second"] / one["per_second"]
        ceiling = machine_scaling()
        rows.append((f"{one['pdfs']} 份自评表 PDF，1 个 worker", f"{one['seconds']:.1f} s", "—", None))
        rows.append((f"{two['pdfs']} 份自评表 PDF，2 个 worker", f"{two['seconds']:.1f} s", "—", None))
        rows.append(("2 个 worker / 1 个 worker", f"{speedup:.2f}×", "≥ 1.7×", speedup >= 1.7))
        rows.append(("本机 2 个进程纯计算 / 1 个（上限参照）", f"{ceiling:.2f}×", "—", None))
    finally:
        if site is not None:
            keys = list(site.redis.scan_iter(site.redis_prefix + "*"))
            if keys:
                site.redis.delete(*keys)
            site.dispose()
            drop_database(site.db_url)
        shutil.rmtree(root, ignore_errors=True)
    table = Table(title=f"Excel 与后台任务（{args.backend}，{os.cpu_count()} 核，机器与他人共用）")
    for column in ("测量", "结果", "目标", ""):
        table.add_column(column)
    for name, value, goal, ok in rows:
        table.add_row(name, value, goal, "" if ok is None else ("[green]PASS[/]" if ok else "[red]MISS[/]"))
    console.print(table)
    return 0 if all(ok is not False for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
