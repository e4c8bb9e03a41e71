"""Benchmark: the desk in a real browser — first-load size and time to a usable list and form.

    .venv/bin/python -m bench.desk [--rows 100000] [--backend sqlite|mariadb] [--repeat 5]

Sizes (from the build, desk/dist): the gzip bytes a browser fetches to show the login page and
the home page (entry chunk, the page's chunk, every chunk they import statically, their CSS).

Times (Debian's chromium through Playwright, against a live server on a throw-away site with
`--rows` Party Member rows bulk-loaded in SQLAlchemy Core): from the start of navigation to a
usable page — the list's first page of rows and its count shown; the form's fields filled —
for a full page load (cold: JavaScript included) and for a move inside the desk (warm: the
click on a row). Median of `--repeat` runs. Goal: each under 1 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "desk" / "dist"
GOAL_MS = 1000


# --------------------------------------------------------------------------- sizes
def _manifest() -> dict:
    for path in (DIST / ".vite" / "manifest.json", DIST / "manifest.json"):
        if path.is_file():
            return json.loads(path.read_text("utf-8"))
    raise SystemExit("desk/dist has no manifest: run make install first")


def _closure(manifest: dict, keys: list[str]) -> tuple[set[str], set[str]]:
    files, css, seen = set(), set(), set()

    def walk(key):
        if key in seen or key not in manifest:
            return
        seen.add(key)
        chunk = manifest[key]
        files.add(chunk["file"])
        css.update(chunk.get("css", []))
        for child in chunk.get("imports", []):
            walk(child)

    for key in keys:
        walk(key)
    return files, css


def _gzip_bytes(name: str) -> int:
    gz = DIST / (name + ".gz")
    if gz.is_file():
        return gz.stat().st_size
    import gzip

    return len(gzip.compress((DIST / name).read_bytes(), 9))


def first_load_sizes() -> dict:
    manifest = _manifest()
    entry = next(k for k, v in manifest.items() if v.get("isEntry"))
    pages = {"login": [entry, "src/pages/LoginView.vue"],
             "home": [entry, "src/layout/DeskShell.vue", "src/pages/HomeView.vue"],
             "list": [entry, "src/layout/DeskShell.vue", "src/pages/ListView.vue"],
             "form": [entry, "src/layout/DeskShell.vue", "src/pages/FormView.vue"]}
    out = {}
    for page, keys in pages.items():
        files, css = _closure(manifest, keys)
        js = sum(_gzip_bytes(f) for f in files)
        styles = sum(_gzip_bytes(f) for f in css)
        out[page] = {"js_gzip": js, "css_gzip": styles, "total_gzip": js + styles, "files": len(files) + len(css)}
    html = (DIST / "index.html").read_bytes()
    import gzip

    for page in out.values():
        page["total_gzip"] += len(gzip.compress(html, 9))
    return out


# --------------------------------------------------------------------------- data
def build_site(backend: str, rows: int, console: Console):
    from sixhave_app.engine.sites import new_site

    root = Path(tempfile.mkdtemp(prefix="sixhave-bench-desk-"))
    name = "bench" + uuid.uuid4().hex[:8]
    url = (f"{os.environ.get('SIXHAVE_BENCH_MARIADB', 'mariadb+mariadbconnector://root@127.0.0.1:3306')}/sixhave_bench_{name}"
           if backend == "mariadb" else f"sqlite:///{root / name / 'site.db'}")
    site, _ = new_site(name, db_url=url, admin_password="admin", sites_path=root, extra_config={"apps": ["sixhave_app"]})
    with site.context(ignore_permissions=True) as ctx:
        district = ctx.insert({"doctype": "Org Unit", "unit_name": "基准区", "level": "市（县）区", "parent_org_unit": "无锡市"}).name
        branch = ctx.insert({"doctype": "Party Organization", "org_name": "基准社区离退休干部党支部", "org_type": "党支部",
                             "sector": "社区", "parent_unit": district})
        ctx.commit()
        table = ctx.table("Party Member")
        now = dt.datetime.now()
        started = time.monotonic()
        batch = []
        for i in range(1, rows + 1):
            stamp = now - dt.timedelta(seconds=rows - i)
            batch.append({"name": f"PM-{i:06d}", "full_name": f"党员{i:06d}", "party_org": branch.name, "org": branch.org,
                          "gender": "男" if i % 2 else "女", "retire_type": "退休", "status": "在册", "health": "良好",
                          "birth_date": dt.date(1940 + i % 20, 1 + i % 12, 1 + i % 28), "homebound": 0, "is_mobile": 0,
                          "creation": stamp, "modified": stamp, "modified_by": "Administrator", "owner": "Administrator",
                          "docstatus": 0, "idx": 0})
            if len(batch) == 5000:
                ctx.conn.execute(table.insert(), batch)
                batch = []
        if batch:
            ctx.conn.execute(table.insert(), batch)
        ctx.commit()
        console.print(f"{backend}: {rows:,} 条党员记录已装入（{time.monotonic() - started:.1f} 秒）")
    return site, root


class Server:
    def __init__(self, site):
        import uvicorn

        from sixhave_app.engine.api.app import create_app

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(create_app(site), host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


# --------------------------------------------------------------------------- times
def measure(url: str, rows: int, repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"list (page load)": [], "form (page load)": [], "list (in the desk)": [],
                                     "form (in the desk)": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("SIXHAVE_CHROMIUM", "/usr/bin/chromium"), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--disable-sync", "--no-first-run"])
        # bypass_csp: the page checks below are scripts Playwright evaluates (the desk itself needs no eval)
        page = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True).new_page()
        page.goto(url + "/login")
        page.fill("#login-usr", "Administrator")
        page.fill("#login-pwd", "admin")
        page.click("button[type=submit]")
        page.wait_for_url("**/app**")
        page.wait_for_load_state("networkidle")
        list_ready = "document.querySelectorAll('.list-table tbody tr a').length >= 20 && /共 [0-9,]+ 条/.test(document.querySelector('.count')?.textContent || '')"
        form_ready = "(document.querySelector('#f-full_name')?.value || '').startsWith('党员')"
        for i in range(repeat + 1):  # the first round warms the server's caches and is not counted
            page.goto(url + "/app/party-member")
            page.wait_for_function(list_ready, timeout=30_000)
            t_list = page.evaluate("performance.now()")
            target = f"PM-{rows - 1000 * (i + 1):06d}"
            page.goto(url + f"/app/party-member/{target}")
            page.wait_for_function(form_ready, timeout=30_000)
            t_form = page.evaluate("performance.now()")
            # inside the desk: breadcrumb back to the list, then a click on a row
            started = page.evaluate("performance.now()")
            page.locator("nav.crumbs a", has_text="党员").click()
            page.wait_for_function(list_ready, timeout=30_000)
            t_list_warm = page.evaluate("performance.now()") - started
            started = page.evaluate("performance.now()")
            page.locator(".list-table tbody tr a").nth(3).click()
            page.wait_for_function(form_ready, timeout=30_000)
            t_form_warm = page.evaluate("performance.now()") - started
            if i:
                times["list (page load)"].append(t_list)
                times["form (page load)"].append(t_form)
                times["list (in the desk)"].append(t_list_warm)
                times["form (in the desk)"].append(t_form_warm)
        browser.close()
    return {k: {"median_ms": round(statistics.median(v), 1), "max_ms": round(max(v), 1)} for k, v in times.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.desk", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "mariadb"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    console = Console()

    sizes = first_load_sizes()
    table = Table(title="首次加载（gzip 字节，含 index.html）")
    for col in ("页面", "JS", "CSS", "合计", "文件数"):
        table.add_column(col, justify="right" if col != "页面" else "left")
    for page, s in sizes.items():
        table.add_row(page, f"{s['js_gzip'] / 1024:.1f} KB", f"{s['css_gzip'] / 1024:.1f} KB", f"{s['total_gzip'] / 1024:.1f} KB",
                      str(s["files"]))
    console.print(table)

    site, root = build_site(args.backend, args.rows, console)
    server = Server(site)
    try:
        times = measure(server.url, args.rows, args.repeat)
    finally:
        server.stop()
        from sixhave_app.engine.site import drop_database

        site.dispose()
        drop_database(site.db_url)
        shutil.rmtree(root, ignore_errors=True)
    table = Table(title=f"可用时间（{args.backend}，{args.rows:,} 行，{args.repeat} 次的中位数）")
    for col in ("页面", "中位数", "最慢", f"目标 < {GOAL_MS} ms"):
        table.add_column(col, justify="right" if col != "页面" else "left")
    for name, t in times.items():
        table.add_row(name, f"{t['median_ms']:.0f} ms", f"{t['max_ms']:.0f} ms", "PASS" if t["median_ms"] < GOAL_MS else "MISS")
    console.print(table)
    console.print(json.dumps({"sizes": sizes, "times": times, "rows": args.rows, "backend": args.backend}, ensure_ascii=False))


if __name__ == "__main__":
    main()
