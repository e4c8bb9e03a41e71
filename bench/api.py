"""`python -m bench.api`: requests/s and p50/p99 latency of GET /api/resource under uvicorn, for
an org-scoped user's 20-row page of a 100,000-row DocType. Goal: ≥ 500 requests/s.

The site is a throw-away one (SQLite by default, `--backend mariadb` for MariaDB) with a real
org tree (无锡市 → 8 districts → streets → communities), a custom DocType made at run time the
way an administrator would, 100,000 rows bulk-loaded (setup, not measured), and a district
administrator (role 区级管理员) whose User Permission on one district scopes every list. The
server is `sixhave serve --workers N`, a separate process; the load is wrk when installed,
otherwise a small asyncio HTTP/1.1 keep-alive client. Both share the machine's cores with the
server, so the figure is what one machine does when it is both client and server.

When the goal is missed (or with `--profile`), the request path is run in-process under cProfile
and the hot spots are printed.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import json
import math
import os
import platform
import pstats
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from sixhave_app.engine import analyze as planner_statistics, auth
from sixhave_app.engine.site import Site, drop_database
from sixhave_app.engine.sites import new_site

GOAL_RPS = 500
DOCTYPE = "Bench Branch Record"
ROLE = "区级管理员"
USER = "bench.district@example.cn"
STATUSES = ("Open", "Closed", "Pending")
CITY = "无锡市"
DISTRICTS = ["梁溪区", "锡山区", "惠山区", "滨湖区", "新吴区", "江阴市", "宜兴市", "经开区"]
STREETS_PER_DISTRICT = 6
COMMUNITIES_PER_STREET = 5
SCOPED_DISTRICT = "梁溪区"
SEED = 20
PAGE_FIELDS = ["name", "title", "org", "status", "score"]
PAGE_FILTERS = [["status", "=", "Open"]]
PAGE_ORDER = "recorded_on desc"
PAGE_LENGTH = 20
_FIRST_DAY = dt.date(2021, 1, 1)

DOCTYPE_DEF = {
    "name": DOCTYPE, "module": "Custom", "custom": 1, "autoname": "hash", "title_field": "title",
    "sort_field": "modified", "sort_order": "DESC",
    "fields": [
        {"fieldname": "title", "fieldtype": "Data", "label": "标题", "reqd": 1, "in_list_view": 1},
        {"fieldname": "org", "fieldtype": "Link", "label": "组织", "options": "Org Unit", "in_standard_filter": 1,
         "in_list_view": 1},
        {"fieldname": "status", "fieldtype": "Select", "label": "状态", "options": "\n".join(STATUSES),
         "default": "Open", "in_standard_filter": 1},
        {"fieldname": "score", "fieldtype": "Float", "label": "得分", "precision": "1"},
        # The list is sorted by this date, so it is indexed, as a designer who sorts by it would do.
        {"fieldname": "recorded_on", "fieldtype": "Date", "label": "记录日期", "search_index": 1},
    ],
    "permissions": [
        {"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1, "report": 1, "export": 1,
         "print": 1, "share": 1},
        {"role": ROLE, "read": 1, "write": 1, "create": 1, "report": 1, "export": 1, "print": 1},
    ],
}

# Wide enough for the tables when the output is a file or a pipe (rich falls back to 80 there).
console = Console() if sys.stdout.isatty() else Console(width=150)


# --------------------------------------------------------------------------- the site
@dataclass
class Tree:
    districts: dict[str, list[str]] = field(default_factory=dict)   # district → streets
    streets: dict[str, list[str]] = field(default_factory=dict)     # street → communities

    def units(self) -> list[str]:
        return [CITY, *self.districts, *self.streets, *(c for cs in self.streets.values() for c in cs)]

    def subtree(self, district: str) -> set[str]:
        out = {district, *self.districts[district]}
        for street in self.districts[district]:
            out.update(self.streets[street])
        return out


def build_tree(site: Site) -> Tree:
    """无锡市 → 8 districts → 6 streets each → 5 communities each, through the document API. The
    app's migrate may already have made the city and its districts: only missing nodes are added."""
    tree = Tree()

    def unit(ctx, name: str, level: str, parent: str | None, **extra) -> None:
        if not ctx.exists("Org Unit", name):
            ctx.insert({"doctype": "Org Unit", "unit_name": name, "level": level, "parent_org_unit": parent, **extra})

    with site.context(ignore_permissions=True) as ctx:
        unit(ctx, CITY, "市", None)
        for district in DISTRICTS:
            unit(ctx, district, "市（县）区", CITY)
            tree.districts[district] = []
            for s in range(1, STREETS_PER_DISTRICT + 1):
                street = f"{district}第{s}街道"
                unit(ctx, street, "街道", district)
                tree.districts[district].append(street)
                tree.streets[street] = []
                for c in range(1, COMMUNITIES_PER_STREET + 1):
                    community = f"{street}第{c}社区"
                    unit(ctx, community, "社区", street, is_group=0)
                    tree.streets[street].append(community)
    return tree


def org_unit_count(site: Site) -> int:
    with site.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(site.table("Org Unit"))).scalar())


def define_doctype(site: Site, index: list[str] | None = None) -> None:
    definition = dict(DOCTYPE_DEF)
    if index:  # a composite index declared in the DocType, as a designer may for the list's filter + order
        definition["indexes"] = json.dumps([index])
    with site.context(ignore_permissions=True) as ctx:
        ctx.new_doc("DocType", definition).insert()


def table_indexes(site: Site) -> list[str]:
    return sorted("+".join(ix["column_names"]) for ix in sa.inspect(site.engine).get_indexes(site.table(DOCTYPE).name))


def bulk_load(site: Site, tree: Tree, count: int, seed: int, chunk: int = 5000) -> None:
    """Setup, not measured: rows by executemany. Most records belong to communities, some to
    streets and districts, as a branch's, a street's and a district's own records would."""
    rng = random.Random(seed)
    communities = [c for cs in tree.streets.values() for c in cs]
    streets, districts = list(tree.streets), list(tree.districts)
    table = site.table(DOCTYPE)
    now = dt.datetime.now()
    stamp = {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator",
             "docstatus": 0, "idx": 0}
    names: set[str] = set()
    with site.engine.connect().execution_options(sixhave_write=True) as conn:
        for offset in range(0, count, chunk):
            rows = []
            for i in range(offset, min(offset + chunk, count)):
                pick = rng.random()
                org = rng.choice(communities if pick < 0.85 else streets if pick < 0.97 else districts)
                name = f"{rng.getrandbits(40):010x}"
                while name in names:
                    name = f"{rng.getrandbits(40):010x}"
                names.add(name)
                rows.append(dict(stamp, name=name, title=f"{org}台账 {i + 1}", org=org,
                                 status=rng.choice(STATUSES), score=round(rng.uniform(60, 100), 1),
                                 recorded_on=_FIRST_DAY + dt.timedelta(days=rng.randrange(4 * 365))))
            conn.execute(table.insert(), rows)
            conn.commit()


def analyze(site: Site) -> None:
    """Planner statistics, as a table that has lived in production has them: MariaDB computes
    InnoDB's in the background some time after a bulk load (until then it may plan a full scan),
    SQLite only on ANALYZE. Done explicitly, so that every run plans with the same statistics."""
    planner_statistics.run(site, [DOCTYPE, "Org Unit"])


def make_user(site: Site, district: str) -> dict:
    with site.context(ignore_permissions=True) as ctx:
        ctx.insert({"doctype": "User", "email": USER, "first_name": "区级管理员（基准）", "roles": [{"role": ROLE}]})
        ctx.insert({"doctype": "User Permission", "user": USER, "allow": "Org Unit", "for_value": district})
        return auth.generate_keys(ctx, USER)


def row_count(site: Site) -> int:
    with site.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(site.table(DOCTYPE))).scalar())


def server_version(site: Site) -> str:
    with site.engine.connect() as conn:
        if site.backend == "sqlite":
            return "SQLite " + conn.exec_driver_sql("select sqlite_version()").scalar()
        return "MariaDB " + conn.exec_driver_sql("select version()").scalar()


# --------------------------------------------------------------------------- the server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sixhave_command() -> str:
    beside = Path(sys.executable).with_name("sixhave")
    if beside.exists():
        return str(beside)
    found = shutil.which("sixhave")
    if not found:
        raise SystemExit("找不到 sixhave 命令：请在项目的虚拟环境中运行（.venv/bin/python -m bench.api）")
    return found


class Server:
    """`sixhave serve --workers N` in its own process group, stopped by that group's id."""

    def __init__(self, sites_path: Path, site: str, workers: int, log: Path, env: dict | None = None):
        self.port = free_port()
        self.env = env
        self.log = log
        self.cmd = [sixhave_command(), "--sites-path", str(sites_path), "--site", site, "serve",
                    "--port", str(self.port), "--workers", str(workers)]
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, probe_path: str, headers: dict, timeout: float = 60) -> None:
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                         env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + probe_path, headers=headers, timeout=5).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def cpu_seconds(self) -> tuple[float, float] | None:
        """User and system CPU seconds used so far by the server's processes (its process group:
        the supervisor and the workers), from /proc; None where there is no /proc."""
        if self.proc is None or not Path("/proc/self/stat").exists():
            return None
        tick = os.sysconf("SC_CLK_TCK")
        user = system = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == self.proc.pid:  # pgrp: the session start_new_session made
                user += int(fields[11])
                system += int(fields[12])
        return user / tick, system / tick

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores have spent busy since boot (/proc/stat), None where there is none."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return None
    values = [int(v) for v in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float | None:
    """CPU seconds used so far by a local MariaDB/MySQL server process, None when none is seen."""
    tick, total, seen = os.sysconf("SC_CLK_TCK"), 0, False
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() not in ("mariadbd", "mysqld"):
                continue
            fields = (comm.parent / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
        seen = True
    return total / tick if seen else None


def own_cpu_seconds() -> float:
    """CPU used by this process and its finished children (wrk runs as one)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def page_path() -> str:
    query = urlencode({"fields": json.dumps(PAGE_FIELDS), "filters": json.dumps(PAGE_FILTERS),
                       "order_by": PAGE_ORDER, "limit_page_length": PAGE_LENGTH}, quote_via=quote)
    return f"/api/resource/{quote(DOCTYPE)}?{query}"


def check_page(url: str, path: str, headers: dict, allowed: set[str]) -> list[dict]:
    """The first answer must be 200 with a full page, every row inside the user's district."""
    response = httpx.get(url + path, headers=headers, timeout=30)
    if response.status_code != 200:
        raise AssertionError(f"GET {path} → {response.status_code}: {response.text[:300]}")
    rows = response.json()["data"]
    if len(rows) != PAGE_LENGTH:
        raise AssertionError(f"expected {PAGE_LENGTH} rows, got {len(rows)}")
    outside = [r for r in rows if r["org"] not in allowed or r["status"] != "Open"]
    if outside:
        raise AssertionError(f"rows outside the user's scope or filter: {outside[:3]}")
    return rows


# --------------------------------------------------------------------------- load generators
@dataclass
class Load:
    generator: str
    concurrency: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    note: str = ""
    server_user_s: float | None = None
    server_sys_s: float | None = None
    generator_cpu_s: float | None = None
    machine_busy_s: float | None = None
    database_cpu_s: float | None = None

    @property
    def server_cpu_ms(self) -> float | None:
        """Server CPU (user + system, all workers) per request during the measured run."""
        if self.server_user_s is None or not self.requests:
            return None
        return (self.server_user_s + self.server_sys_s) * 1000 / self.requests


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(output: str, concurrency: int, seconds: float) -> Load:
    p50 = re.search(r"^\s*50(?:\.0+)?%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s*99(?:\.0+)?%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not (p50 and p99 and total and rps):
        raise ValueError(f"unreadable wrk output:\n{output}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    return Load("wrk", concurrency, _ms(total.group(2) + total.group(3)) / 1000, int(total.group(1)),
                float(rps.group(1)), _ms(p50.group(1)), _ms(p99.group(1)), errors)


def run_wrk(url: str, headers: dict, seconds: float, concurrency: int, threads: int) -> Load:
    threads = max(1, min(threads, concurrency))
    cmd = ["wrk", "--latency", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(url)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    load = parse_wrk(done.stdout, concurrency, seconds)
    load.note = f"wrk -t{threads} -c{concurrency}"
    return load


def _percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank, as wrk reports it."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


async def _python_load(host: str, port: int, request: bytes, seconds: float, concurrency: int):
    latencies: list[float] = []
    errors = 0
    stop_at = 0.0

    async def one_connection():
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < stop_at:
                start = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                        break
                else:
                    raise RuntimeError("response without Content-Length")
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - start)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    stop_at = time.perf_counter() + seconds
    began = time.perf_counter()
    await asyncio.gather(*(one_connection() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - began


def run_python(url: str, headers: dict, seconds: float, concurrency: int) -> Load:
    """A lean asyncio HTTP/1.1 client, one keep-alive connection per concurrent request; its
    requests are written once as bytes, so it spends its CPU on sockets, not on building them."""
    parsed = httpx.URL(url)
    target = parsed.raw_path.decode()
    lines = [f"GET {target} HTTP/1.1", f"Host: {parsed.host}:{parsed.port}", "Connection: keep-alive",
             *(f"{k}: {v}" for k, v in headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    try:
        import uvloop

        runner = uvloop.run
        loop_name = "uvloop"
    except ImportError:
        runner = asyncio.run
        loop_name = "asyncio"
    latencies, errors, elapsed = runner(_python_load(parsed.host, parsed.port, request, seconds, concurrency))
    latencies.sort()
    return Load("python", concurrency, elapsed, len(latencies), len(latencies) / elapsed,
                _percentile(latencies, 50) * 1000, _percentile(latencies, 99) * 1000, errors,
                note=f"asyncio sockets ({loop_name}), {concurrency} keep-alive connections")


def run_load(kind: str, url: str, headers: dict, seconds: float, concurrency: int, threads: int) -> Load:
    if kind == "wrk":
        return run_wrk(url, headers, seconds, concurrency, threads)
    return run_python(url, headers, seconds, concurrency)


# --------------------------------------------------------------------------- profile
def _scope(path: str, headers: dict) -> dict:
    raw_path, _, query = path.partition("?")
    from urllib.parse import unquote

    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": unquote(raw_path), "raw_path": raw_path.encode(), "query_string": query.encode(),
            "root_path": "", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000),
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}


async def _drive(app, scope: dict, n: int) -> int:
    failures = 0
    for _ in range(n):
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await app(dict(scope), receive, send)
        if sent[0]["status"] != 200:
            failures += 1
    return failures


def profile_in_process(sites_path: Path, site_name: str, path: str, headers: dict, n: int, top: int):
    """The request path in this process, in one thread: the app's threadpool hop is replaced by
    a direct call so cProfile (which sees one thread) sees the handler too. Only uvicorn's own
    HTTP parsing and the threadpool hand-off are left out."""
    from sixhave_app.engine.api import app as app_module

    async def inline(fn, *args, **kwargs):
        return fn(*args, **kwargs)

    site = Site.open(site_name, sites_path)
    original = app_module.run_in_threadpool
    app_module.run_in_threadpool = inline
    try:
        app = app_module.create_app(site)
        scope = _scope(path, headers)
        if asyncio.run(_drive(app, scope, 50)):
            raise AssertionError("in-process requests failed")
        start, cpu = time.perf_counter(), time.process_time()
        asyncio.run(_drive(app, scope, n))
        plain_ms = (time.perf_counter() - start) * 1000 / n
        cpu_ms = (time.process_time() - cpu) * 1000 / n
        profiler = cProfile.Profile()
        profiler.enable()
        asyncio.run(_drive(app, scope, n))
        profiler.disable()
    finally:
        app_module.run_in_threadpool = original
        site.dispose()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():
        rows.append({"where": _where(filename, line, func), "calls": nc / n, "tottime_ms": tt * 1000 / n,
                     "cumtime_ms": ct * 1000 / n})
    total = sum(r["tottime_ms"] for r in rows)
    by_self = sorted(rows, key=lambda r: -r["tottime_ms"])[:top]
    # The engine's own functions, less the wrappers every request passes whole (the endpoint,
    # the lifecycle, the collection handler), whose cumulative time is the request's.
    ours = [r for r in rows if "sixhave_app" in r["where"] and r["cumtime_ms"] < 0.9 * total]
    by_cum = sorted(ours, key=lambda r: -r["cumtime_ms"])[:top]
    return plain_ms, cpu_ms, total, by_self, by_cum


def sql_alone(sites_path: Path, site_name: str, n: int = 200) -> dict:
    """The statement get_list builds for this user and page, executed alone: how much of a
    request is the database, and the plan the database chose."""
    from sixhave_app.engine import query

    site = Site.open(site_name, sites_path)
    try:
        with site.context(user=USER, write=False) as ctx:
            stmt = query.select_list(ctx, DOCTYPE, fields=PAGE_FIELDS, filters=PAGE_FILTERS, order_by=PAGE_ORDER,
                                     limit_page_length=PAGE_LENGTH)
            # The plan of the statement as executed, with bound parameters: SQLite may plan the
            # same query with literals differently.
            compiled = stmt.compile(site.engine, compile_kwargs={"render_postcompile": True})
            values = compiled.construct_params()
            params = tuple(values[k] for k in compiled.positiontup)
            explain = "EXPLAIN QUERY PLAN " if site.backend == "sqlite" else "EXPLAIN "
            plan = [" ".join(str(v) for v in row) for row in ctx.conn.exec_driver_sql(explain + str(compiled), params)]
            text = str(stmt.compile(site.engine, compile_kwargs={"literal_binds": True}))
            for _ in range(10):
                ctx.conn.execute(stmt).all()
            times = []
            for _ in range(n):
                start = time.perf_counter()
                ctx.conn.execute(stmt).all()
                times.append((time.perf_counter() - start) * 1000)
    finally:
        site.dispose()
    times.sort()
    return {"median_ms": _percentile(times, 50), "p99_ms": _percentile(times, 99), "plan": plan, "sql": text}


def _where(filename: str, line: int, func: str) -> str:
    for marker in ("site-packages/", "apps/sixhave_app/", "lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({func})" if line else func


# --------------------------------------------------------------------------- report
def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    try:
        load = Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        load = "?"
    return {"cpus": os.cpu_count(), "cpu": cpu, "ram": ram, "python": platform.python_version(), "load": load}


def print_results(load: Load, backend: str, server: str, workers: int, rows: int, load_before: str) -> None:
    table = Table(title=f"GET /api/resource/{DOCTYPE} — {PAGE_LENGTH}-row page, org-scoped user, {rows:,} rows")
    for col in ("backend", "workers", "generator", "concurrency", "requests", "seconds", "requests/s",
                "p50 ms", "p99 ms", "errors", f"goal ≥ {GOAL_RPS} req/s"):
        table.add_column(col, justify="left" if col in ("backend", "generator") else "right")
    verdict = "[green]PASS[/]" if load.rps >= GOAL_RPS and not load.errors else "[red]MISS[/]"
    table.add_row(server, str(workers), load.generator, str(load.concurrency), f"{load.requests:,}",
                  f"{load.seconds:.1f}", f"{load.rps:,.0f}", f"{load.p50_ms:.2f}", f"{load.p99_ms:.2f}",
                  str(load.errors), verdict)
    console.print(table)
    m = machine()
    console.print(f"load: {load.note}. The generator runs on the same {m['cpus']} cores as the server "
                  f"and takes its share of them.")
    if load.server_cpu_ms is not None:
        console.print(f"server CPU: {load.server_cpu_ms:.2f} ms per request (user {load.server_user_s:.1f} s, "
                      f"system {load.server_sys_s:.1f} s over the run) — {m['cpus']} cores given to the server "
                      f"alone would serve at most ≈ {m['cpus'] * 1000 / load.server_cpu_ms:,.0f} requests/s")
        if load.machine_busy_s is not None:
            server_s = load.server_user_s + load.server_sys_s
            database_s = load.database_cpu_s or 0.0
            other = max(0.0, load.machine_busy_s - server_s - load.generator_cpu_s - database_s)
            database = (f"MariaDB server {database_s / load.seconds:.2f} "
                        f"({database_s * 1000 / max(load.requests, 1):.2f} ms per request), "
                        if load.database_cpu_s is not None else "")
            console.print(f"cores busy during the run (of {m['cpus']}): sixhave server {server_s / load.seconds:.2f}, "
                          f"{database}load generator {load.generator_cpu_s / load.seconds:.2f}, "
                          f"everything else on the machine {other / load.seconds:.2f}")
    console.print(f"machine: {m['cpus']} × {m['cpu']}, {m['ram']}, Python {m['python']}; {server}; "
                  f"load average (1 min) before the server started: {load_before} — other busy processes "
                  f"lower the figure")


def print_profile(plain_ms: float, cpu_ms: float, total_ms: float, by_self: list, by_cum: list, n: int,
                  sql: dict) -> None:
    console.print(f"\n[bold]In-process request path[/] ({n} requests, one thread, no HTTP server): "
                  f"{plain_ms:.2f} ms/request wall, {cpu_ms:.2f} ms CPU, without the profiler "
                  f"(≈ {1000 / cpu_ms:,.0f} requests/s per core); {total_ms:.2f} ms/request under cProfile.")
    console.print(f"[bold]SQL alone[/] (the statement get_list builds for this user, executed directly): "
                  f"median {sql['median_ms']:.2f} ms, p99 {sql['p99_ms']:.2f} ms = "
                  f"{100 * sql['median_ms'] / plain_ms:.0f}% of the in-process request.")
    console.print("plan: " + " | ".join(sql["plan"]), markup=False)
    for title, rows, key in (("hot spots by own time", by_self, "tottime_ms"),
                             ("the engine's functions by cumulative time", by_cum, "cumtime_ms")):
        table = Table(title=f"{title} (per request, under cProfile)")
        table.add_column("function")
        table.add_column("calls/req", justify="right")
        table.add_column("own ms", justify="right")
        table.add_column("cum ms", justify="right")
        table.add_column("% of req", justify="right")
        for r in rows:
            table.add_row(r["where"], f"{r['calls']:.1f}", f"{r['tottime_ms']:.3f}", f"{r['cumtime_ms']:.3f}",
                          f"{100 * r[key] / total_ms:.1f}")
        console.print(table)


# --------------------------------------------------------------------------- main
def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=("sqlite", "mariadb"), default="sqlite")
    p.add_argument("--mariadb-url", default=os.environ.get("SIXHAVE_BENCH_MARIADB",
                                                         "mariadb+mariadbconnector://root@127.0.0.1:3306"),
                   help="server URL without database; the run creates and drops sixhave_bench_api_<hex>")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--concurrency", type=int, default=16, help="connections kept busy at once")
    p.add_argument("--seconds", type=float, default=10, help="length of the measured run")
    p.add_argument("--warmup", type=float, default=3, help="seconds of unmeasured load first (every worker warms)")
    p.add_argument("--index", type=lambda v: [c.strip() for c in v.split(",") if c.strip()],
                   default=["status", "recorded_on"], metavar="COL,COL",
                   help="the composite index declared in the DocType for the list's filter + order "
                        "(default status,recorded_on; pass '' to declare none)")
    p.add_argument("--no-analyze", action="store_true",
                   help="skip ANALYZE after the bulk load (SQLite then plans without statistics)")
    p.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto",
                   help="auto: wrk when installed, else the asyncio client")
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--profile", action="store_true", help="profile the request path even when the goal is met")
    p.add_argument("--no-profile", action="store_true", help="never profile")
    p.add_argument("--profile-requests", type=int, default=2000)
    p.add_argument("--top", type=int, default=15, help="hot spots listed")
    args = p.parse_args(argv)
    if args.generator == "auto":
        args.generator = "wrk" if shutil.which("wrk") else "python"
    elif args.generator == "wrk" and not shutil.which("wrk"):
        p.error("wrk is not installed (Debian: apt-get install wrk)")
    if min(args.rows, args.workers, args.concurrency) < 1 or args.seconds <= 0 or args.rows < PAGE_LENGTH * 24:
        p.error("--rows (≥ 480), --workers, --concurrency and --seconds must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="sixhave-bench-api-"))
    name = "bench_api_" + uuid.uuid4().hex[:10]
    url = (f"{args.mariadb_url.rstrip('/')}/sixhave_bench_api_{name[10:]}" if args.backend == "mariadb"
           else f"sqlite:///{root / name / 'site.db'}")
    site = server = None
    load = None
    try:
        with console.status("new site, org tree, DocType, bulk load (setup, not measured)…"):
            t0 = time.perf_counter()
            site, _ = new_site(name, db_url=url, sites_path=root, admin_password=uuid.uuid4().hex)
            tree = build_tree(site)
            define_doctype(site, args.index)
            bulk_load(site, tree, args.rows, SEED)
            if not args.no_analyze:
                analyze(site)
            keys = make_user(site, SCOPED_DISTRICT)
            rows, version, units = row_count(site), server_version(site), org_unit_count(site)
            indexes = table_indexes(site)
            site.dispose()
        console.print(f"setup: {version}, {units} org units ({len(tree.units())} in the benchmark's tree), "
                      f"{rows:,} rows of {DOCTYPE} "
                      f"in {time.perf_counter() - t0:.1f} s{'' if args.no_analyze else ', then ANALYZE'}; "
                      f"user {USER} scoped to {SCOPED_DISTRICT}; indexes on {DOCTYPE}: {', '.join(indexes)}")
        headers = {"Authorization": f"token {keys['api_key']}:{keys['api_secret']}"}
        path = page_path()
        load_before = machine()["load"]
        server = Server(root, name, args.workers, root / "server.log")
        with console.status(f"starting sixhave serve --workers {args.workers}…"):
            server.start(path, headers)
        sample = check_page(server.url, path, headers, tree.subtree(SCOPED_DISTRICT))
        console.print(f"first answer: 200, {len(sample)} rows, all in {SCOPED_DISTRICT}'s subtree "
                      f"(e.g. {sample[0]['org']}, {sample[0]['title']})")
        if args.warmup > 0:
            with console.status(f"warm-up {args.warmup:.0f} s ({args.generator})…"):
                run_load(args.generator, server.url + path, headers, args.warmup, args.concurrency, args.wrk_threads)
        with console.status(f"measuring {args.seconds:.0f} s ({args.generator}, {args.concurrency} connections)…"):
            database = database_cpu_seconds() if args.backend == "mariadb" else None
            before, own, busy = server.cpu_seconds(), own_cpu_seconds(), machine_busy_seconds()
            load = run_load(args.generator, server.url + path, headers, args.seconds, args.concurrency,
                            args.wrk_threads)
            after, own, busy = server.cpu_seconds(), own_cpu_seconds() - own, (
                None if busy is None else machine_busy_seconds() - busy)
            if database is not None:
                load.database_cpu_s = database_cpu_seconds() - database
            if before and after:
                load.server_user_s, load.server_sys_s = after[0] - before[0], after[1] - before[1]
            load.generator_cpu_s, load.machine_busy_s = own, busy
        server.stop()
        print_results(load, args.backend, version, args.workers, rows, load_before)
        if load.errors:
            console.print(f"[red]{load.errors} requests failed[/]; server log:\n{server.log_tail()}")
        missed = load.rps < GOAL_RPS or load.errors
        if (missed or args.profile) and not args.no_profile:
            with console.status(f"profiling {args.profile_requests} in-process requests…"):
                result = profile_in_process(root, name, path, headers, args.profile_requests, args.top)
                sql = sql_alone(root, name)
            print_profile(*result, n=args.profile_requests, sql=sql)
        return 1 if missed else 0
    finally:
        if server is not None:
            server.stop()
        if site is not None:
            site.dispose()
        drop_database(url)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
