"""The desk in a real browser: Debian's chromium driven by Playwright (pytest-playwright's
fixtures), against a live server the tests start (uvicorn in a thread), on a site filled by the
demo generator (the city's tree, a few branches with a year of records, users of every role).

A missing chromium or an unbuilt desk skips these tests on a developer's machine and fails them
under SIXHAVE_REQUIRE_SERVICES=1 (CI): the browser tests may not silently disappear."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.api.conftest import LiveServer
from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SIXHAVE_CHROMIUM", "/usr/bin/chromium")
DESK_DIST = ROOT / "desk" / "dist"
AXE = ROOT / "desk" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
DEMO_PASSWORD = "demo1234"
YEAR = 2018


def _missing(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} (SIXHAVE_REQUIRE_SERVICES=1: the browser tests may not be skipped)")
    pytest.skip(what)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, headless, quiet: no download of a browser is possible here."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]}


@dataclass
class DeskWorld:
    """A live server on a demo site, and who is who in it."""
    site: object
    server: LiveServer
    backend: str
    branches: list = field(default_factory=list)  # [{name, org, district}]
    users: dict = field(default_factory=dict)  # login → {role, scope}

    @property
    def url(self) -> str:
        return self.server.url

    def secretary(self, index: int = 0) -> str:
        return f"branch{index + 1:04d}.secretary@wuxi.example"

    def reviewer_of(self, district: str) -> str:
        return next(u for u, info in self.users.items() if info["role"] == "区级审核员" and info["scope"] == district)

    def ctx(self, user: str = "Administrator"):
        return self.site.context(user=user, ignore_permissions=(user == "Administrator"))


def _district_of(ctx, org: str) -> str | None:
    tree = ctx.get_value("Org Unit", org, ["lft", "rgt"], as_dict=True, ignore_permissions=True)
    rows = ctx.get_all("Org Unit", filters=[["lft", "<=", tree["lft"]], ["rgt", ">=", tree["rgt"]],
                                            ["level", "=", "市（县）区"]], fields=["name"], ignore_permissions=True)
    return rows[0]["name"] if rows else None


def _make_world(site_factory, backend: str) -> DeskWorld:
    from sixhave_app.six_haves import demo

    if not (DESK_DIST / "index.html").is_file():
        _missing(f"the desk is not built ({DESK_DIST}); run make install")
    site = site_factory(backend, apps=["sixhave_app"])
    with site.context(ignore_permissions=True) as ctx:
        # mid-December: every phase of the plan's year is over, so the sheets are due and overdue
        result = demo.generate(ctx, branches=4, year=YEAR, seed=7, today=dt.date(YEAR, 12, 10))
        branches = []
        for name in result["branches"]:
            org = ctx.get_value("Party Organization", name, "org", ignore_permissions=True)
            branches.append({"name": name, "org": org, "district": _district_of(ctx, org)})
    users = {u["user"]: {"role": u["role"], "scope": u["scope"]} for u in result["users"]}
    server = LiveServer(site)
    server.start()
    return DeskWorld(site=site, server=server, backend=backend, branches=branches, users=users)


_WORLDS: dict[str, DeskWorld] = {}


@pytest.fixture(scope="session")
def desk_worlds(site_factory):
    """One demo world per backend for the whole session, made when first asked for."""
    def get(backend: str) -> DeskWorld:
        if backend not in _WORLDS:
            _WORLDS[backend] = _make_world(site_factory, backend)
        return _WORLDS[backend]

    yield get
    for world in _WORLDS.values():
        world.server.stop()
    _WORLDS.clear()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def desk(request, desk_worlds) -> DeskWorld:
    """The desk on each backend: for the tests that must pass on both databases."""
    return desk_worlds(request.param)


@pytest.fixture(scope="session")
def desk_sqlite(desk_worlds) -> DeskWorld:
    """The desk on SQLite only: for the checks that do not depend on the database."""
    return desk_worlds("sqlite")


@pytest.fixture
def browser_context_args(browser_context_args):
    # an English browser: the desk must speak Chinese all the same
    # bypass_csp: axe-core is injected as a script (test_pages checks the CSP in contexts of its own)
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1366, "height": 768},
            "accept_downloads": True, "bypass_csp": True}


def submitted_sheet(world: DeskWorld, branch: dict) -> str:
    """The branch's self assessment for the year, made and submitted (to 区级/单位审核) if need be."""
    from sixhave_app.engine import workflow

    with world.site.context(ignore_permissions=True) as ctx:
        name = ctx.get_value("Self Assessment", {"party_org": branch["name"], "year": YEAR}, "name")
        if not name:
            name = ctx.insert({"doctype": "Self Assessment", "party_org": branch["name"], "year": YEAR}).name
        if ctx.get_value("Self Assessment", name, "workflow_state") == "草稿":
            sheet = ctx.get_doc("Self Assessment", name)
            for row in sheet.items:  # a sheet is submitted with every item self-scored (plan §四4)
                if row.self_score is None:
                    row.self_score = row.proposed_score if row.proposed_score is not None else row.points
            sheet.save()
            workflow.apply_action(ctx, "Self Assessment", name, "提交")
    return name
