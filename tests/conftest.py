"""Test fixtures: real sites on real databases (SQLite files and MariaDB), real Redis.

Every site a test makes gets its own database (MariaDB: `sixhave_t_<worker>_<hex>`) and Redis key
prefix, removed afterwards; under pytest-xdist (`make test` runs `-n auto`) the worker's id
(`gw0`, `gw1`…; `main` without xdist) is part of every name, so that workers never share one.
With SIXHAVE_REQUIRE_SERVICES=1 (as in CI) a missing MariaDB or Redis fails the run instead of
skipping its tests.
"""
from __future__ import annotations

import os
import sqlite3
import sys
import uuid
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from _pytest.nodeid import coerce_node_id  # see _name_groups

sys.path.insert(0, str(Path(__file__).parent / "sixhave_test_app"))

from sixhave_app.engine.site import Site, create_database, drop_database, make_engine  # noqa: E402
from sixhave_app.engine.sites import new_site, write_site_folder  # noqa: E402

MARIADB_SERVER = os.environ.get("SIXHAVE_TEST_MARIADB", "mariadb+mariadbconnector://root@127.0.0.1:3306")
REDIS_URL = os.environ.get("SIXHAVE_TEST_REDIS", "redis://127.0.0.1:6379/0")
REQUIRE_SERVICES = os.environ.get("SIXHAVE_REQUIRE_SERVICES") == "1"
TEST_APPS = ["sixhave_app", "sixhave_test_app"]
ADMIN_PASSWORD = "admin-test-pw"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # pytest-xdist's worker id
# The test sites hash passwords with argon2id at a small cost (one pass over 1 MiB, 0.6 ms instead of
# 132 ms): the suite makes and checks thousands of passwords. The login timing test and the
# template's own migrate use the full default cost.
CHEAP_PASSWORDS = {"password_hash": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}}


def pytest_collection_modifyitems(config, items):
    """The browser tests share one demo world per backend (tests/desk/conftest.py): under xdist
    (`--dist loadgroup`) those of each backend run in one worker, which builds its world once.
    Every other test may run in any worker, in any order: a test makes the records it needs."""
    for item in items:
        if item.nodeid.startswith("tests/desk/"):
            # the MariaDB world is a second group: another worker may build it and run its tests
            on_mariadb = "mariadb" in getattr(getattr(item, "callspec", None), "params", {}).values()
            item.add_marker(pytest.mark.xdist_group("desk_mariadb" if on_mariadb else "desk"))
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        _name_groups(items)


def _name_groups(items) -> None:
    """pytest-xdist's loadgroup finds a test's group in its node id ("…@group"), which xdist 3.8 writes
    into `item._nodeid`; pytest 9 keeps the id in `item._id`, so that write is lost and every group
    was spread over all workers (the desk's tests too, each worker building the desk's worlds).
    The suffix is written where pytest 9 reads it; nothing is done if xdist already wrote it."""
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        if names and item.nodeid.rfind("@") <= item.nodeid.rfind("]"):
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")


def _unavailable(what: str, why: Exception | str):
    message = f"{what} is not reachable: {why}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " (SIXHAVE_REQUIRE_SERVICES=1: MariaDB and Redis tests may not be skipped)")
    pytest.skip(message)


def _check_mariadb():
    import mariadb

    try:
        conn = mariadb.connect(host="127.0.0.1", port=3306, user="root", password="", connect_timeout=3)
        conn.close()
    except mariadb.Error as exc:
        _unavailable("MariaDB", exc)


def _check_redis():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        _unavailable("Redis", exc)


def db_url_for(backend: str, folder: Path, name: str) -> str:
    if backend == "mariadb":
        return f"{MARIADB_SERVER}/sixhave_t_{name}"
    return f"sqlite:///{folder / name / 'site.db'}"


class SiteFactory:
    """Makes sites for a test and removes their databases and Redis keys afterwards.

    A site is made the way `sixhave new-site` makes one (migrate, fixtures, the Administrator)
    once per backend and app list in each worker: the template. Every site a test asks for is a
    copy of its template's database (SQLite: the backup API; MariaDB: each table created LIKE the
    template's and filled from it) opened as a new site — as a site opens after a restart — so a
    test gets a site of its own in 0.04 s (SQLite) or 0.4 s (MariaDB) instead of migrating one
    (3.8 s, 8.2 s). `tests/engine/test_cli.py` and the migrate tests still make sites
    from nothing."""

    def __init__(self, root: Path):
        self.root = root
        self.made: list[Site] = []
        self.templates: dict[tuple, Site] = {}

    def __call__(self, backend: str, *, redis: bool = False, apps=None, extra: dict | None = None) -> Site:
        if backend == "mariadb":
            _check_mariadb()
        if redis:
            _check_redis()
        apps = list(apps or TEST_APPS)
        name = f"{WORKER}_{uuid.uuid4().hex[:12]}"
        config = {"apps": apps, **CHEAP_PASSWORDS}
        if redis:
            config.update(redis_url=REDIS_URL, redis_prefix=f"sixhave_test:{name}:")
        config.update(extra or {})
        site = copy_site(self._template(backend, apps), name, db_url=db_url_for(backend, self.root, name),
                         folder=self.root / name, config=config)
        self.made.append(site)
        return site

    def _template(self, backend: str, apps: list[str]) -> Site:
        key = (backend, tuple(apps))
        if key not in self.templates:
            name = f"{WORKER}_template_{uuid.uuid4().hex[:8]}"
            site, _ = new_site(name, db_url=db_url_for(backend, self.root, name), admin_password=ADMIN_PASSWORD,
                               sites_path=self.root, extra_config={"apps": apps})
            site.engine.dispose()  # SQLite: the write-ahead log is folded into the file before it is copied
            self.templates[key] = site
        return self.templates[key]

    def cleanup(self):
        for site in [*self.made, *self.templates.values()]:
            if site.redis is not None:
                _drop_redis_keys(site.redis, site.redis_prefix)
            site.dispose()
            drop_database(site.db_url)


def copy_site(template: Site, name: str, *, db_url: str, folder: Path, config: dict) -> Site:
    """A new site whose database is a copy of the template's, with a configuration of its own."""
    config = {"db_url": db_url, **config}
    write_site_folder(folder, config)
    source, target = sa.make_url(template.db_url), sa.make_url(db_url)
    if target.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(source.database)) as src, closing(sqlite3.connect(target.database)) as dst:
            src.backup(dst)
    else:
        create_database(db_url)
        server = make_engine(target.set(database=""))
        try:
            with server.begin() as conn:
                quote = conn.dialect.identifier_preparer.quote
                tables = conn.execute(sa.text("SELECT table_name FROM information_schema.tables "
                                              "WHERE table_schema = :db AND table_type = 'BASE TABLE'"),
                                      {"db": source.database}).scalars().all()
                old, new = quote(source.database), quote(target.database)
                for table in tables:
                    conn.exec_driver_sql(f"CREATE TABLE {new}.{quote(table)} LIKE {old}.{quote(table)}")
                    conn.exec_driver_sql(f"INSERT INTO {new}.{quote(table)} SELECT * FROM {old}.{quote(table)}")
        finally:
            server.dispose()
    return Site(name, config, path=folder)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _drop_redis_keys(redis, prefix: str) -> None:
    """Everything a test site left in Redis: its own prefixed keys, and RQ's — the queues and
    registries named after the site's queues, their jobs and results, the workers that served them
    and their cron registrations (RQ names those keys itself, outside our prefix)."""
    site_name = prefix.rstrip(":").rsplit(":", 1)[-1]
    keys = {_text(k) for k in redis.scan_iter(prefix + "*")}
    rq_keys = {_text(k) for k in redis.scan_iter(f"rq:*{site_name}*")}
    extra = set()
    for key in rq_keys:
        kind = _text(redis.type(key))
        if kind == "zset":
            members = redis.zrange(key, 0, -1)
        elif kind == "list":
            members = redis.lrange(key, 0, -1)
        elif kind == "set":
            members = redis.smembers(key)
        else:
            continue
        for member in map(_text, members):
            if member.startswith("rq:worker:"):
                extra.add(member)
                redis.srem("rq:workers", member)
            else:
                job_id = member.split(":", 1)[0]
                extra.update({f"rq:job:{job_id}", f"rq:results:{job_id}", f"rq:job:{job_id}:dependents"})
    for key in rq_keys:
        if key.startswith("rq:queue:"):
            redis.srem("rq:queues", key)
    doomed = sorted(keys | rq_keys | extra)
    for start in range(0, len(doomed), 500):
        redis.delete(*doomed[start:start + 500])


@pytest.fixture(scope="session")
def site_factory(tmp_path_factory):
    factory = SiteFactory(tmp_path_factory.mktemp("sites"))
    yield factory
    factory.cleanup()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def site(site_factory, backend) -> Site:
    """One shared site per backend; tests use unique names so they do not step on each other."""
    return site_factory(backend)


@pytest.fixture
def ctx(site):
    with site.context(ignore_permissions=True) as c:
        yield c


@pytest.fixture
def fresh_site(site_factory, backend) -> Site:
    """A site of its own, for tests that change metadata or count whole tables."""
    site = site_factory(backend)
    yield site
    site.engine.dispose()  # its pooled connections are returned now, not at the end of the session


def unique(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex[:8]
