"""Benchmark: the "六有一提升" app's two city-wide figures on a city of 2,000 retired-cadre branches.

    .venv/bin/python -m bench.app [--branches 2000] [--years 10] [--backend sqlite|mariadb] [--repeat 20]

(a) Evidence and alerts for 2,000 branches × 1 year of records, goal ≤ 60 s on one core:
    `evidence.propose_all` for every branch with the items of the 2018 Scoring Template that
    `migrate` makes, then `alerts.alerts_for(ctx, today)` once for the whole city as Administrator;
    one process, one thread, timed separately and in total (wall time and this process's CPU time).
(b) The city dashboard over 10 years of such data, goal ≤ 500 ms: `dashboards.city(ctx, year)` for
    the latest year, median of --repeat calls, each in a fresh context, over 2,000 branches × 10
    years of Self Assessments in mixed states and results, plaques and rectification items.

Setup (not measured): a throw-away site; the city planned by the demo's planner
(six_haves/demo_plan.py, the same rows `sixhave demo` inserts); the org tree and the branches
through the document API (nested sets and each branch's own Org Unit node); the plan's members and
year of records per branch, and ten years of assessments, bulk-loaded with SQLAlchemy Core executemany (as bench/queue.py does); ANALYZE; on
MariaDB a wait for InnoDB to write out the pages the load dirtied. Before timing, the run checks
one branch's proposals (one per item with a rule, each within its points), that the dashboard has
the 8 districts' rows and that the city has alerts. The exit status is 1 on a MISS; a MISS (or
--profile) prints cProfile hot spots of the measured calls.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sixhave_app.engine.site import Site, drop_database
from sixhave_app.engine.sites import new_site
from sixhave_app.six_haves import alerts, dashboards, demo, evidence, scoring
from sixhave_app.six_haves.doctype.dues_payment.dues_payment import amount_due
from sixhave_app.six_haves.demo_plan import Branch, Planner

from .report import engine_revision, machine

GOAL_EVIDENCE_S = 60.0
GOAL_DASHBOARD_MS = 500.0
SA_STATES = ("草稿", "区级/单位审核", "市级考评", "达标", "不达标")
SA_DOCSTATUS = {"草稿": 0, "区级/单位审核": 0, "市级考评": 0, "达标": 1, "不达标": 1}
RECT_DOCSTATUS = {"待整改": 0, "整改中": 0, "已完成": 0, "已验收": 1}
TIER_QUALITY = {"示范": 96, "良好": 89, "一般": 82, "薄弱": 72}


# --------------------------------------------------------------------------- setup through the API
def progress_bar(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


def build_orgs(site: Site, count: int, year: int, years: int, seed: int, console: Console) -> tuple[Planner, dict]:
    """The demo's plan for `count` branches; their Org Units and Party Organizations through the
    document API (nested sets, each branch's own node); the yearly templates copied from the 2018
    one, as the city opens each year."""
    with progress_bar(console) as bar, site.context(ignore_permissions=True) as ctx:
        plan = demo.planner(ctx, year=year, seed=seed, today=dt.date(year, 12, 20))
        task = bar.add_task(f"{count:,} 个党组织及其上级组织（文档 API，每个带自己的组织节点）", total=count)
        for i in range(count):
            b = plan.branch(i)
            for row in b.units:
                ctx.insert({"doctype": "Org Unit", **row})
            b.org = ctx.insert({"doctype": "Party Organization", **b.values}).org
            bar.advance(task)
            if i % 50 == 49:
                ctx.commit()
        ctx.commit()
        templates = {year: scoring.template_for(ctx, year)}
        task = bar.add_task("年度评分模板（由 2018 年复制）", total=years - 1)
        for y in range(year + 1, year + years):
            templates[y] = ctx.get_value("Scoring Template", {"year": y}, "name") or scoring.copy_template(ctx, templates[y - 1], y).name
            bar.advance(task)
        ctx.commit()
    return plan, templates


# --------------------------------------------------------------------------- bulk load
class Loader:
    """Rows collected per DocType and written by executemany on site.table(doctype), with the
    standard columns filled; only columns the table has are written (every row gets all of them)."""

    def __init__(self, site: Site):
        self.site = site
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.counts: Counter = Counter()
        self.serial: Counter = Counter()

    def next_name(self, pattern: str) -> str:
        self.serial[pattern] += 1
        return pattern.format(n=self.serial[pattern])

    def add(self, doctype: str, row: dict, *, at: dt.datetime, docstatus: int = 0) -> dict:
        row.update(creation=at, modified=at, modified_by="Administrator", owner="Administrator",
                   docstatus=docstatus, idx=row.get("idx", 0))
        self.rows[doctype].append(row)
        return row

    def child(self, doctype: str, parent: dict, parenttype: str, parentfield: str, rows: list[dict]) -> None:
        for i, row in enumerate(rows, start=1):
            row.update(name=self.next_name("r{n:09x}"), parent=parent["name"], parenttype=parenttype,
                       parentfield=parentfield, idx=i)
            self.add(doctype, row, at=parent["creation"], docstatus=parent["docstatus"])

    def flush(self, conn: sa.Connection) -> int:
        written = 0
        for doctype, rows in self.rows.items():
            if not rows:
                continue
            table = self.site.table(doctype)
            present = set().union(*(r.keys() for r in rows))
            keys = [c for c in table.c.keys() if c in present]
            conn.execute(table.insert(), [{k: r.get(k) for k in keys} for r in rows])
            self.counts[doctype] += len(rows)
            written += len(rows)
        self.rows.clear()
        return written


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


# How the bulk loader names and dates each kind of the plan's records, as the document API would:
# DocType → (name pattern, the fields that date its creation, first one set, and the hour).
RECORDS = {
    "Meeting": ("MT-{year}-{{n:05d}}", ("meeting_date",), 17),
    "Talk Record": ("TK-{year}-{{n:05d}}", ("talk_date",), 16),
    "Care Visit": ("CV-{year}-{{n:05d}}", ("visit_date",), 15),
    "Dues Payment": ("DP-{year}-{{n:06d}}", ("paid_on", "month"), 10),
    "Fund Record": ("FD-{year}-{{n:05d}}", ("record_date",), 10),
    "Venue Checklist": ("VN-{party_org}-{year}", (), 10),
    "Work Document": ("WD-{year}-{{n:05d}}", ("doc_date",), 10),
}


def load_branch(b: Branch, plan: Planner, year: int, load: Loader) -> None:
    """One branch's members, committee and year of records, as the plan has them, with the columns
    the controllers would fill (org, member_name, amount_due) filled here."""
    for p in b.people:
        p.name = load.next_name("PM-{n:05d}")
        load.add("Party Member", {**p.values, "name": p.name, "party_org": b.name, "org": b.org},
                 at=_at(dt.date(year, 1, 5)))
    full_names = {p.name: p.full_name for p in b.people}
    parent = {"name": b.name, "creation": _at(dt.date(year, 1, 2)), "docstatus": 0}
    load.child("Committee Member", parent, "Party Organization", "committee",
               [dict(row, member_name=full_names[row["member"]]) for row in plan.committee(b)])
    for doctype, row in plan.records(b):
        pattern, dated_by, hour = RECORDS[doctype]
        attendance = row.pop("attendance", None)
        row.update(name=load.next_name(pattern.format(year=year, party_org=b.name)), org=b.org)
        if "member" in row:
            row["member_name"] = full_names[row["member"]]
        if doctype == "Dues Payment":
            row.update(pension=Decimal(row["pension"]), amount_due=amount_due(row["pension"]))
            row.setdefault("paid_by_relative", 0)
            row.setdefault("flexible", 0)
        day = next((row[f] for f in dated_by if row.get(f)), dt.date(year, 3, 1))
        doc = load.add(doctype, row, at=_at(day, hour))
        if attendance is not None:
            load.child("Meeting Attendance", doc, "Meeting", "attendance",
                       [dict(r, member_name=full_names[r["member"]]) for r in attendance])


def load_year(site: Site, plan: Planner, year: int, console: Console) -> Counter:
    """One year of records per branch, by executemany, 100 branches per transaction."""
    load = Loader(site)
    branches = plan.branches
    with progress_bar(console) as bar, site.engine.connect().execution_options(sixhave_write=True) as conn:
        task = bar.add_task(f"{year} 年台账（SQLAlchemy Core 批量载入）", total=len(branches))
        for b in branches:
            load_branch(b, plan, year, load)
            if b.index % 100 == 99 or b is branches[-1]:
                load.flush(conn)
                conn.commit()
            bar.advance(task)
        training = plan.training()
        attendees = training.pop("attendees")
        training = load.add("Training", {**training, "name": f"TR-{year}-0001"}, at=_at(training["start_date"]))
        secretaries = {b.name: b.people[0].full_name for b in branches}
        load.child("Training Attendee", training, "Training", "attendees",
                   [dict(r, member_name=secretaries[r["party_org"]]) for r in attendees])
        load.flush(conn)
        po = site.table("Party Organization")
        counts = {b.name: sum(1 for p in b.people if p.death is None) for b in branches}
        stmt = po.update().where(po.c.name == sa.bindparam("b_name")).values(member_count=sa.bindparam("b_count"))
        conn.execute(stmt, [{"b_name": k, "b_count": v} for k, v in counts.items()])
        conn.commit()
    return load.counts


def load_assessments(site: Site, branches: list[Branch], first_year: int, years: int, templates: dict,
                     console: Console) -> Counter:
    """Self Assessments for every branch and year (columns only), rectification items from lost
    points, plaques for the best branches (some revoked later)."""
    rng = random.Random(f"bench-app/assessments/{first_year}")
    load = Loader(site)
    latest = first_year + years - 1
    plaques: dict[str, dict] = {}
    revoked: dict[str, dict] = {}  # a plaque holder that fails a later year loses it
    with progress_bar(console) as bar, site.engine.connect().execution_options(sixhave_write=True) as conn:
        task = bar.add_task(f"{len(branches) * years:,} 份自评表、整改项、牌匾（批量载入）", total=len(branches) * years)
        for year in range(first_year, latest + 1):
            if year == latest:  # this year's round is under way: every phase at once
                weights = [20, 25, 15, 33, 7]
            else:
                weights = [1, 1, 2, 82, 14]
            for b in branches:
                state = rng.choices(SA_STATES, weights)[0]
                q = min(100.0, max(55.0, rng.gauss(TIER_QUALITY[b.tier], 4)))
                self_total = round(q, 1)
                district_total = round(max(50.0, self_total - rng.uniform(0, 4)), 1)
                city_total = round(max(50.0, district_total - rng.uniform(0, 3)), 1)
                if state in ("达标", "不达标"):  # the city's result decides the state
                    if (city_total >= 80) != (state == "达标"):
                        city_total = round(rng.uniform(80, 92), 1) if state == "达标" else round(rng.uniform(65, 79.9), 1)
                        district_total = max(district_total, city_total)
                        self_total = max(self_total, district_total)
                at = _at(dt.date(year, 10, 20))
                row = {"name": f"ZP-{year}-{b.name}", "party_org": b.name, "org": b.org, "year": year,
                       "sector": b.sector, "template": templates.get(year), "workflow_state": state,
                       "self_total": None, "self_result": None, "district_total": None, "district_result": None,
                       "city_total": None, "city_result": None}
                if state != "草稿":
                    row.update(self_total=self_total, self_result="达标" if self_total >= 80 else "不达标",
                               self_signed_by=b.people[0].full_name, self_signed_on=dt.date(year, 9, 30))
                if state in ("市级考评", "达标", "不达标"):
                    row.update(district_total=district_total, district_result="达标" if district_total >= 80 else "不达标",
                               district_signed_on=dt.date(year, 10, 31))
                if state in ("达标", "不达标"):
                    row.update(city_total=city_total, city_result=state, city_signed_on=dt.date(year, 11, 30))
                sa_row = load.add("Self Assessment", row, at=at, docstatus=SA_DOCSTATUS[state])
                scored = row["city_total"] or row["district_total"]
                if scored is not None and scored < 95 and rng.random() < (0.9 if scored < 80 else 0.35):
                    for code in rng.sample(["1.3", "2.3", "2.4", "3.1", "3.3", "3.5", "3.7", "4.2", "6.1", "6.3"],
                                           3 if scored < 80 else 1):
                        if year == latest:
                            rect_state = rng.choice(["待整改", "整改中", "整改中", "已完成"])
                        else:
                            rect_state = rng.choices(["已验收", "已完成", "整改中"], [90, 7, 3])[0]
                        load.add("Rectification Item", {
                            "name": load.next_name(f"ZG-{year}-{{n:05d}}"), "party_org": b.name, "org": b.org, "year": year,
                            "self_assessment": sa_row["name"], "item_code": code,
                            "source": "市级考评" if row["city_total"] is not None else "区级审核",
                            "lost_points": round(rng.uniform(0.5, 3), 1), "problem": f"评分项{code}未达标准",
                            "task": f"对照评分项{code}整改", "responsible_person": b.people[0].full_name,
                            "deadline": dt.date(year + 1, 3, 31), "workflow_state": rect_state},
                            at=at, docstatus=RECT_DOCSTATUS[rect_state])
                if state == "达标" and city_total >= 95 and b.name not in plaques and rng.random() < 0.25 and year < latest:
                    plaques[b.name] = load.add("Plaque", {
                        "name": load.next_name(f"SP-{year}-{{n:04d}}"), "party_org": b.name, "org": b.org, "year": year,
                        "title": "市级“六有一提升”示范党支部", "awarded_on": dt.date(year, 12, 20), "status": "有效"},
                        at=_at(dt.date(year, 12, 20)))
                elif b.name in plaques and b.name not in revoked and state == "不达标":
                    revoked[b.name] = {"p_name": plaques[b.name]["name"], "p_on": dt.date(year, 12, 10)}
                bar.advance(task)
            load.flush(conn)
            conn.commit()
        plaque = site.table("Plaque")
        if revoked:
            conn.execute(plaque.update().where(plaque.c.name == sa.bindparam("p_name"))
                         .values(status="撤销", revoked_on=sa.bindparam("p_on"), revoke_reason="年度考评不达标"),
                         list(revoked.values()))
        holders = [name for name in plaques if name not in revoked]
        po = site.table("Party Organization")
        if holders:
            conn.execute(po.update().where(po.c.name.in_(holders)).values(is_demonstration=1))
            conn.commit()
    return load.counts


def analyze(site: Site) -> None:
    """Planner statistics, as tables that have lived in production have them (see bench.api)."""
    with site.engine.connect() as conn:
        if site.backend == "sqlite":
            conn.exec_driver_sql("ANALYZE")
        else:
            for table in sa.inspect(conn).get_table_names():
                conn.exec_driver_sql(f"ANALYZE TABLE `{table}`").all()
        conn.commit()


def settle(site: Site, limit: float = 180.0) -> str:
    """MariaDB only: wait (at most `limit` s) until InnoDB has written out most of the pages the bulk
    load dirtied, so that the timed calls do not compete with that flushing. The counter is the
    server's, so other databases' writes count too."""
    if site.backend != "mariadb":
        return ""
    start = time.perf_counter()
    with site.engine.connect() as conn:
        def status(name: str) -> int:
            return int(conn.exec_driver_sql(f"SHOW GLOBAL STATUS LIKE '{name}'").first()[1])
        total = status("Innodb_buffer_pool_pages_total")
        dirty = status("Innodb_buffer_pool_pages_dirty")
        while dirty > total * 0.02 and time.perf_counter() - start < limit:
            time.sleep(2)
            dirty = status("Innodb_buffer_pool_pages_dirty")
    return f"waited {time.perf_counter() - start:.0f} s for InnoDB to flush ({dirty:,} of {total:,} pages dirty then)"


def mariadb_facts(site: Site) -> dict[str, str]:
    """The buffer pool against the data: the measured calls read from it."""
    with site.engine.connect() as conn:
        pool = int(conn.exec_driver_sql("SELECT @@innodb_buffer_pool_size").scalar())
        rows = conn.exec_driver_sql(
            "SELECT table_name, data_length, index_length FROM information_schema.tables WHERE table_schema = DATABASE() "
            "ORDER BY data_length + index_length DESC").all()
    mib = 1024 * 1024
    total = sum(r[1] + r[2] for r in rows)
    top = ", ".join(f"{r[0]} {r[1] / mib:.0f}+{r[2] / mib:.0f}" for r in rows[:4])
    return {"InnoDB buffer pool": f"{pool / mib:.0f} MiB",
            "database size": f"{total / mib:.0f} MiB (largest, data+index MiB: {top})"}


# --------------------------------------------------------------------------- checks and figures
def template_items(site: Site, name: str) -> list[dict]:
    with site.context(write=False) as ctx:
        return [row.as_dict() for row in ctx.get_doc("Scoring Template", name).items]


def verify(site: Site, branch: str, year: int, items: list[dict], latest: int, today: dt.date, console: Console) -> dict:
    ruled = [i for i in items if i.get("evidence_rule")]
    points = {str(i["code"]): Decimal(str(i["points"])) for i in items}
    with site.context(write=False) as ctx:
        proposals = evidence.propose_all(ctx, branch, year, items)
    assert len(items) == 36, f"the 2018 template has {len(items)} items, not 36"
    assert set(proposals) == {str(i["code"]) for i in ruled}, "a proposal per item with an evidence rule"
    bad = {c: p.score for c, p in proposals.items() if not (Decimal(0) <= p.score <= points[c])}
    assert not bad, f"scores outside 0..points: {bad}"
    assert all(p.note for p in proposals.values()), "every proposal explains itself"
    with site.context(write=False) as ctx:
        board = dashboards.city(ctx, latest)
    districts = [u for u in board["pass_rates"]["units"] if u["level"] == "市（县）区"]
    assert len(districts) == 8, f"{len(districts)} district rows, not 8"
    assessed = sum(u["assessed"] for u in board["pass_rates"]["units"])
    with site.context(write=False) as ctx:
        found = alerts.alerts_for(ctx, today)
    assert found, "alerts for the city"
    got = sum(p.score for p in proposals.values())
    most = sum(points[c] for c in proposals)
    console.print(f"检查：支部 {branch} 的佐证建议 {len(proposals)} 项（模板 {len(items)} 项，其中 {len(ruled)} 项有佐证规则），"
                  f"建议得分 {got} / {most}，均在 0 与分值之间；看板 {len(board['pass_rates']['units'])} 个单位行"
                  f"（8 个市（县）区），{latest} 年自评表 {assessed:,} 份，合格率 {board['pass_rates']['pass_rate']}%，"
                  f"示范 {board['demonstration']['count']} 个；提醒 {len(found):,} 条"
                  f"（{', '.join(f'{k} {n}' for k, n in Counter(a.kind for a in found).most_common())}）")
    return {"proposals": len(proposals), "alerts": len(found), "assessed": assessed}


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def measure_evidence(site: Site, names: list[str], year: int, items: list[dict], today: dt.date,
                     console: Console) -> dict:
    out = {}
    console.print(f"计时：propose_all × {len(names):,}，alerts_for，propose_many（无进度条，免得它的线程分走时间）…")
    start = _clock()
    with site.context(write=False) as ctx:
        for name in names:
            evidence.propose_all(ctx, name, year, items)
    out["evidence"] = _since(start)
    start = _clock()
    with site.context(write=False) as ctx:
        found = alerts.alerts_for(ctx, today)
    out["alerts"] = _since(start)
    out["alert_count"] = len(found)
    # For comparison (no goal): the same proposals through propose_many, which reads each kind of
    # record once per 500 branches instead of once per branch.
    start = _clock()
    with site.context(write=False) as ctx:
        batched = evidence.propose_many(ctx, names, year, items)
    out["many"] = _since(start)
    out["many_count"] = len(batched)
    return out


def measure_dashboard(site: Site, year: int, repeat: int, warmup: int = 3) -> dict:
    samples = []
    for i in range(repeat + warmup):
        start = time.perf_counter()
        with site.context(write=False) as ctx:
            dashboards.city(ctx, year)
        if i >= warmup:  # warm-up calls fill the meta and permission caches, as a running server has them
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"median": statistics.median(samples), "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
            "min": samples[0], "max": samples[-1]}


def profile(what: str, fn, console: Console, top: int = 25) -> None:
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    fn()
    prof.disable()
    console.print(f"\n[bold]cProfile：{what}[/]（带分析器 {time.perf_counter() - start:.2f} s）")
    for sort in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(sort).print_stats(top)
        text = buf.getvalue()
        console.print(text[text.find("   ncalls"):], markup=False, highlight=False)


def row_counts(site: Site, doctypes: list[str]) -> dict[str, int]:
    with site.engine.connect() as conn:
        return {d: int(conn.execute(sa.select(sa.func.count()).select_from(site.table(d))).scalar()) for d in doctypes}


def server_version(site: Site) -> str:
    with site.engine.connect() as conn:
        if site.backend == "sqlite":
            return "SQLite " + conn.exec_driver_sql("select sqlite_version()").scalar()
        return "MariaDB " + conn.exec_driver_sql("select version()").scalar()


def _mark(ok: bool) -> str:
    return "[green]PASS[/]" if ok else "[red]MISS[/]"


# --------------------------------------------------------------------------- main
def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.app", description=__doc__.split("\n\n")[0])
    p.add_argument("--branches", type=int, default=2000)
    p.add_argument("--years", type=int, default=10, help="years of Self Assessments for the dashboard")
    p.add_argument("--year", type=int, default=2018, help="the records' year (the template's); assessments run from it on")
    p.add_argument("--backend", choices=("sqlite", "mariadb"), default="sqlite")
    p.add_argument("--repeat", type=int, default=20, help="timed dashboard calls")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-analyze", action="store_true", help="plan without statistics")
    p.add_argument("--profile", action=argparse.BooleanOptionalAction, default=None,
                   help="cProfile the measured calls afterwards (default: when a goal is missed)")
    p.add_argument("--profile-branches", type=int, default=300, help="branches of propose_all under cProfile")
    p.add_argument("--mariadb-url", default=os.environ.get("SIXHAVE_BENCH_MARIADB", "mariadb+mariadbconnector://root@127.0.0.1:3306"))
    args = p.parse_args(argv)
    console = Console(width=max(Console().width, 120))
    load_before = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    root = Path(tempfile.mkdtemp(prefix="sixhave-bench-app-"))
    name = uuid.uuid4().hex[:10]
    url = (f"{args.mariadb_url.rstrip('/')}/sixhave_bench_app_{name}" if args.backend == "mariadb"
           else f"sqlite:///{root / name / 'site.db'}")
    year, latest = args.year, args.year + args.years - 1
    today = dt.date(year, 12, 20)  # alerts are asked in the records' year, near its end
    site = None
    try:
        setup = time.perf_counter()
        with console.status("新建站点（migrate）…"):
            site, _ = new_site(name, db_url=url, sites_path=root)
        plan, templates = build_orgs(site, args.branches, year, args.years, args.seed, console)
        branches = plan.branches
        counts = load_year(site, plan, year, console)
        counts += load_assessments(site, branches, year, args.years, templates, console)
        if not args.no_analyze:
            with console.status("ANALYZE…"):
                analyze(site)
        settled = settle(site)
        setup = time.perf_counter() - setup
        shown = ["Org Unit", "Party Organization", "Party Member", "Committee Member", "Meeting", "Meeting Attendance",
                 "Talk Record", "Care Visit", "Dues Payment", "Fund Record", "Venue Checklist", "Work Document",
                 "Training Attendee", "Self Assessment", "Rectification Item", "Plaque", "Scoring Template"]
        rows = row_counts(site, shown)
        console.print(f"准备完毕（不计时）：{setup:.0f} s；" + "，".join(f"{d} {n:,}" for d, n in rows.items()))
        items = template_items(site, templates[year])
        names = [b.name for b in branches]
        verify(site, names[0], year, items, latest, today, console)
        ev = measure_evidence(site, names, year, items, today, console)
        board = measure_dashboard(site, latest, args.repeat)
        server = server_version(site)
        total_wall = ev["evidence"][0] + ev["alerts"][0]
        total_cpu = ev["evidence"][1] + ev["alerts"][1]
        ok_a, ok_b = total_wall <= GOAL_EVIDENCE_S, board["median"] <= GOAL_DASHBOARD_MS
        table = Table(title=f"六有一提升：{args.branches:,} 个支部（{server}）")
        for col in ("figure", "wall", "CPU (this process)", "goal", ""):
            table.add_column(col, justify="left" if col in ("figure", "goal") else "right")
        per = 1000 / max(1, args.branches)
        table.add_row(f"(a) evidence: propose_all × {args.branches:,} ({year})", f"{ev['evidence'][0]:.1f} s",
                      f"{ev['evidence'][1]:.1f} s", "", f"{ev['evidence'][0] * per:.1f} ms/branch")
        table.add_row(f"(a) alerts_for(ctx, {today}), whole city", f"{ev['alerts'][0]:.2f} s", f"{ev['alerts'][1]:.2f} s",
                      "", f"{ev['alert_count']:,} alerts")
        table.add_row("(a) evidence + alerts", f"[bold]{total_wall:.1f} s[/]", f"{total_cpu:.1f} s",
                      f"≤ {GOAL_EVIDENCE_S:.0f} s", _mark(ok_a))
        table.add_row("    for comparison: propose_many (500 branches a batch)", f"{ev['many'][0]:.1f} s",
                      f"{ev['many'][1]:.1f} s", "", f"{ev['many'][0] * per:.1f} ms/branch")
        table.add_row(f"(b) dashboards.city(ctx, {latest}), median of {args.repeat}", f"[bold]{board['median']:.0f} ms[/]", "",
                      f"≤ {GOAL_DASHBOARD_MS:.0f} ms", _mark(ok_b))
        table.add_row("    p95 / min / max", f"{board['p95']:.0f} / {board['min']:.0f} / {board['max']:.0f} ms", "", "", "")
        console.print(table)
        facts = machine({args.backend: server} if args.backend == "mariadb" else {}, engine_revision())
        facts["load average (1 min) at start / end"] = f"{load_before} / {Path('/proc/loadavg').read_text().split()[0]}"
        if args.backend == "mariadb":
            facts.update(mariadb_facts(site))
            facts["before timing"] = settled
        facts["data"] = (f"{args.branches:,} branches, records of {year}, assessments {year}–{latest}, "
                         f"{'no ANALYZE' if args.no_analyze else 'ANALYZE after loading'}, seed {args.seed}")
        console.print("\n".join(f"[dim]{k}:[/] {v}" for k, v in facts.items()))
        if args.profile or (args.profile is None and not (ok_a and ok_b)):
            some = names[: args.profile_branches]

            def run_evidence():
                with site.context(write=False) as ctx:
                    for n in some:
                        evidence.propose_all(ctx, n, year, items)

            def run_alerts():
                with site.context(write=False) as ctx:
                    alerts.alerts_for(ctx, today)

            def run_board():
                for _ in range(5):
                    with site.context(write=False) as ctx:
                        dashboards.city(ctx, latest)

            if args.profile or not ok_a:
                profile(f"propose_all × {len(some)}", run_evidence, console)
                profile("alerts_for, whole city", run_alerts, console)
            if args.profile or not ok_b:
                profile(f"dashboards.city({latest}) × 5", run_board, console)
        return 0 if ok_a and ok_b else 1
    finally:
        if site is not None:
            site.dispose()
        drop_database(url)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
