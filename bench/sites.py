"""Throw-away sites for the benchmark: one per backend, in a temporary folder, dropped afterwards."""
from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

import sqlalchemy as sa

from sixhave_app.engine.site import Site, drop_database, make_engine
from sixhave_app.engine.sites import new_site

from . import data

BACKENDS = ("sqlite", "mariadb")
LABELS = {"sqlite": "SQLite", "mariadb": "MariaDB"}


def db_url(backend: str, root: Path, name: str, mariadb_server: str) -> str:
    if backend == "mariadb":
        return f"{mariadb_server.rstrip('/')}/sixhave_bench_{name}"
    return f"sqlite:///{root / name / 'site.db'}"


def check_mariadb(mariadb_server: str) -> str | None:
    """None when the server answers; otherwise why not, for a message that says what to do."""
    engine = make_engine(mariadb_server.rstrip("/") + "/")
    try:
        with engine.connect() as conn:
            conn.execute(sa.select(sa.literal(1)))
        return None
    except sa.exc.DBAPIError as exc:
        return str(getattr(exc, "orig", exc))
    finally:
        engine.dispose()


@contextlib.contextmanager
def bench_site(backend: str, root: Path, mariadb_server: str):
    """A fresh site with the benchmark DocTypes; its database is dropped however the run ends."""
    name = uuid.uuid4().hex[:12]
    url = db_url(backend, root, name, mariadb_server)
    site = None
    try:
        # Only the engine's own app: the benchmark DocTypes are custom ones, made below.
        site, _ = new_site(name, db_url=url, sites_path=root, extra_config={"apps": ["sixhave_app"]})
        define_doctypes(site)
        yield site
    finally:
        if site is not None:
            site.dispose()
        drop_database(url)


def define_doctypes(site: Site) -> None:
    """Insert the two DocType documents; the engine creates their tables and indexes as it saves."""
    for definition in (data.CHILD_DOCTYPE, data.PARENT_DOCTYPE):
        # One context each: the parent's Table field must see the child DocType's committed meta.
        with site.context(ignore_permissions=True) as ctx:
            ctx.new_doc("DocType", definition).insert()


def server_version(site: Site) -> str:
    with site.engine.connect() as conn:
        if site.backend == "sqlite":
            return "SQLite " + conn.exec_driver_sql("select sqlite_version()").scalar()
        return conn.exec_driver_sql("select version()").scalar()


def indexes(site: Site, doctype: str) -> list[str]:
    """The indexes the engine made on a DocType's table, as `col1+col2` strings (for the report)."""
    table = site.table(doctype).name
    return sorted("+".join(ix["column_names"]) for ix in sa.inspect(site.engine).get_indexes(table))
