"""A Site: one configuration, one database, one meta store, an optional Redis. No globals.

`Site.open(name)` reads `sites/<name>/site_config.json`. Everything that touches data takes a
`Context` made from a site (see context.py); tests build their own sites and contexts.
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from . import custom_rows, dotted, fieldtypes, layers, schema, users
from .context import Context
from .document import Document, load_controller
from .errors import SiteError
from .meta import Meta, MetaStore
from .versions import VERSION_SERIES

DEFAULT_APPS = ["sixhave_app"]


def default_sites_path() -> Path:
    env = os.environ.get("SIXHAVE_SITES")
    if env:
        return Path(env).resolve()
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "sites").is_dir() and (folder / "apps").is_dir():
            return folder / "sites"
    return here / "sites"


def read_site_config(name: str, sites_path: Path | None = None) -> tuple[Path, dict]:
    sites_path = Path(sites_path or default_sites_path())
    folder = sites_path / name
    config_file = folder / "site_config.json"
    if not config_file.exists():
        known = sorted(p.name for p in sites_path.glob("*/site_config.json") for p in [p.parent]) if sites_path.exists() else []
        hint = f"；现有站点：{', '.join(known)}" if known else "；请先运行 sixhave new-site"
        raise SiteError(f"站点 “{name}” 不存在（未找到 {config_file}）{hint}")
    try:
        return folder, json.loads(config_file.read_text("utf-8"))
    except ValueError as exc:
        raise SiteError(f"{config_file} 不是有效的 JSON：{exc}") from None


def current_site_name(sites_path: Path | None = None) -> str | None:
    marker = Path(sites_path or default_sites_path()) / "currentsite.txt"
    if marker.exists():
        return marker.read_text("utf-8").strip() or None
    return None


# Whatever the server's default, a MariaDB connection refuses a value too long, out of range or
# invalid — never truncates or zeroes it silently (validation refuses such values first).
MARIADB_SQL_MODE = "STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION"


def make_engine(db_url: str) -> sa.Engine:
    url = sa.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        # Pool as many connections as the server's threadpool runs requests at once (anyio's 40):
        # beyond pool_size every request would open a new connection (and its PRAGMAs) and close it.
        pooled = {"pool_size": 20, "max_overflow": 20} if url.database not in (None, "", ":memory:") else {}
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pooled)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            # Let SQLAlchemy, not the driver, open transactions, so that writers can BEGIN IMMEDIATE.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            if conn.get_execution_options().get("sixhave_write", False):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                # A reading context runs its statements as they come, each on the latest committed
                # data (as MariaDB's READ COMMITTED does), and begins a transaction only before
                # its first write: a list page costs its own statements and no BEGIN.
                conn.info["sixhave_lazy_begin"] = True

        @event.listens_for(engine, "before_cursor_execute")
        def _begin_before_write(conn, cursor, statement, parameters, context, executemany):
            if conn.info.get("sixhave_lazy_begin") and not _READS.match(statement):
                conn.info["sixhave_lazy_begin"] = False
                cursor.execute("BEGIN")

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _transaction_over(conn):
            conn.info.pop("sixhave_lazy_begin", None)

        return engine
    if url.get_backend_name() in ("mariadb", "mysql"):
        query = dict(url.query)
        query["init_command"] = f"SET SESSION sql_mode = '{MARIADB_SQL_MODE}'"  # every connection, see above
        url = url.set(query=query)
        engine = sa.create_engine(url, pool_recycle=3600, pool_size=10, max_overflow=20,
                                  isolation_level="READ COMMITTED")
        _ping_when_idle(engine)
        return engine
    return sa.create_engine(url)


_READS = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN)\b", re.IGNORECASE)
IDLE_PING_SECONDS = 5.0


def _ping_when_idle(engine: sa.Engine) -> None:
    """Ping a pooled connection before use only when it has been idle for a while (a restarted
    server, a dropped link), not on every checkout as pool_pre_ping does: a busy server's
    requests save that round trip. A connection found dead is replaced (DisconnectionError
    makes the pool connect again); one that dies within the idle window fails its statement,
    and the pool, seeing a disconnect, replaces all its connections."""
    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_conn, record):
        record.info["sixhave_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn, record, proxy):
        since = record.info.get("sixhave_idle_since")
        if since is not None and time.monotonic() - since > IDLE_PING_SECONDS:
            try:
                dbapi_conn.ping()
            except Exception as exc:  # noqa: BLE001 - any failure: the connection is gone
                raise sa.exc.DisconnectionError(str(exc)) from exc


def create_database(db_url: str) -> None:
    """Create the database a MariaDB URL names (SQLite files are created on first connect)."""
    url = sa.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        if url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return
    server = make_engine(url.set(database=""))
    try:
        with server.connect() as conn:
            quoted = conn.dialect.identifier_preparer.quote(url.database)
            conn.exec_driver_sql(f"CREATE DATABASE IF NOT EXISTS {quoted} "
                                 "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    except sa.exc.DBAPIError as exc:
        raise SiteError(_explain_db_error(db_url, exc)) from None
    finally:
        server.dispose()


def drop_database(db_url: str) -> None:
    url = sa.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            p = Path((url.database or "") + suffix)
            if url.database and p.exists():
                p.unlink()
        return
    server = make_engine(url.set(database=""))
    try:
        with server.connect() as conn:
            quoted = conn.dialect.identifier_preparer.quote(url.database)
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted}")
    finally:
        server.dispose()


def _explain_db_error(db_url: str, exc: Exception) -> str:
    safe = sa.make_url(db_url).render_as_string(hide_password=True)
    text = str(getattr(exc, "orig", exc))
    if "Access denied" in text:
        return f"数据库拒绝登录（用户名或密码错误）：{safe}"
    if "Unknown database" in text:
        return f"数据库不存在：{safe}（请用 sixhave new-site 创建）"
    if "Can't connect" in text or "Connection refused" in text or "unable to open" in text:
        return f"无法连接数据库：{safe}（{text}）"
    return f"数据库错误：{safe}（{text}）"


class Hooks:
    """What each app's `hooks.py` declares, merged in app order."""

    def __init__(self):
        self.doc_events: dict[tuple[str, str], list] = {}
        self.after_migrate: list = []
        self.on_site_open: list = []
        self.fixtures: list = []
        self.commands: list = []
        self.unrestricted_roles: list[str] = []  # roles that see everything (no org scope)
        self.scope_doctypes: list[str] = []  # DocTypes scopes are drawn on (User Permission `allow`)
        self.method_aliases: dict[str, str] = {}  # /api/method name → dotted path: the one table of them
        self.workflow_deadline: list = []  # (ctx, doc, phase) → date: deadlines of queue items
        self.condition_helpers: dict = {}  # name → fn(ctx, *args): safe helpers for workflow conditions
        self.print_helpers: dict = {}  # name → fn(ctx, *args): helpers print templates may call
        self.permissions: dict[str, list[dict]] = {}  # DocType → DocPerm rows an app adds (e.g. to core DocTypes)
        self.scheduler_events: dict = {}  # Frappe's: event (daily, hourly…, or "cron") → dotted paths
        self.module_labels: dict[str, str] = {}  # module → its label in the desk's sidebar
        self.desk_sections: dict[str, list[str]] = {}  # sidebar group label → DocTypes, in order
        self.studio_tools: dict[str, str] = {}  # the desk's studio: tool → the DocType whose write right opens it
        self.field_types: list = []  # FieldType rows an app adds (fieldtypes.registry)


# The engine declares its own (its /api/method names) the way an app does, read first so an app may override.
ENGINE_HOOKS = f"{__package__}.hooks"


def load_hooks(app_packages: list[str]) -> Hooks:
    hooks = Hooks()
    for module_name in [ENGINE_HOOKS, *(f"{app}.hooks" for app in app_packages)]:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for doctype, events in (getattr(module, "doc_events", None) or {}).items():
            for method, handlers in events.items():
                handlers = handlers if isinstance(handlers, (list, tuple)) else [handlers]
                hooks.doc_events.setdefault((doctype, method), []).extend(_resolve(h) for h in handlers)
        hooks.after_migrate += [_resolve(h) for h in getattr(module, "after_migrate", [])]
        hooks.on_site_open += [_resolve(h) for h in getattr(module, "on_site_open", [])]
        hooks.fixtures += list(getattr(module, "fixtures", []))
        hooks.commands += [_resolve(h) for h in getattr(module, "commands", [])]
        hooks.unrestricted_roles += list(getattr(module, "unrestricted_roles", []))
        hooks.scope_doctypes += [d for d in getattr(module, "scope_doctypes", []) if d not in hooks.scope_doctypes]
        hooks.method_aliases.update(getattr(module, "method_aliases", {}))
        hooks.workflow_deadline += [_resolve(h) for h in getattr(module, "workflow_deadline", [])]
        hooks.condition_helpers.update({k: _resolve(v) for k, v in getattr(module, "condition_helpers", {}).items()})
        hooks.print_helpers.update({k: _resolve(v) for k, v in getattr(module, "print_helpers", {}).items()})
        for doctype, rows in (getattr(module, "permissions", None) or {}).items():
            hooks.permissions.setdefault(doctype, []).extend(dict(r) for r in rows)
        for event, targets in (getattr(module, "scheduler_events", None) or {}).items():
            if event == "cron":
                for expression, methods in targets.items():
                    hooks.scheduler_events.setdefault("cron", {}).setdefault(expression, []).extend(methods)
            else:
                hooks.scheduler_events.setdefault(event, []).extend(targets)
        hooks.module_labels.update(getattr(module, "module_labels", {}))
        hooks.desk_sections.update(getattr(module, "desk_sections", {}))
        hooks.studio_tools.update(getattr(module, "studio_tools", {}))
        hooks.field_types += [t if isinstance(t, fieldtypes.FieldType) else dotted.resolve(t)
                              for t in getattr(module, "field_types", [])]
    return hooks


def _resolve(target):
    return target if callable(target) else dotted.resolve(target)


class Site:
    """Configuration, database engine, meta store and cache of one site."""

    def __init__(self, name: str, config: dict[str, Any], *, path: Path | None = None):
        self.name = name
        self.config = dict(config)
        self.path = Path(path) if path else default_sites_path() / name
        db_url = self.config.get("db_url") or f"sqlite:///{(self.path / 'site.db').resolve()}"
        self.db_url = db_url
        self.engine = make_engine(db_url)
        apps = self.config.get("apps") or DEFAULT_APPS
        self.hooks = load_hooks(apps)
        # the engine's field types and the apps' (hooks' field_types): every Meta of this site reads them
        self.field_types = fieldtypes.registry(self.hooks.field_types)
        self.metas = MetaStore(apps, field_types=self.field_types)
        self.redis = None
        self.redis_prefix = self.config.get("redis_prefix") or f"sixhave:{name}:"
        if self.config.get("redis_url"):
            import redis

            self.redis = redis.Redis.from_url(self.config["redis_url"], socket_timeout=5)
        self._tables: dict[int, tuple[Meta, sa.Table]] = {}
        self._controllers: dict[str, type] = {}
        self._meta_lock = threading.RLock()
        self.perm_cache: dict = {}
        self.perm_version: int | None = None
        self.passwords = users.Passwords(self.config.get("password_hash"))
        self.system = schema.system_tables(sa.MetaData())
        series = self.system["tabSeries"]
        # Built once: the same statement object every request, so SQLAlchemy's cache key and
        # compiled form are reused (an expanding IN would be re-rendered on each execution).
        self._versions_query = sa.select(series.c.name, series.c.current).where(
            sa.or_(*[series.c.name == value for value in VERSION_SERIES.values()]))
        # Extension points the engine's layers fill in (permissions, workflow, versioning…).
        self.write_guards: list = []
        self.read_guards: list = []
        self.query_guards: list = []
        self.row_filters: dict = {}  # DocType → fn(ctx, row): what a reader may see of a row about another document
        self.state_listeners: list = []  # fn(ctx, wf, doc, **what): a document entered a workflow state (workflow.announce_state)
        self.doc_events: dict[tuple[str, str], list] = {}
        for (doctype, method), handlers in self.hooks.doc_events.items():
            self.doc_events.setdefault((doctype, method), []).extend(handlers)
        self.unrestricted_roles: set[str] = {"Administrator"} | set(self.hooks.unrestricted_roles)
        layers.install(self)
        for setup in self.hooks.on_site_open:
            setup(self)

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, name: str | None = None, sites_path: Path | None = None) -> "Site":
        sites_path = Path(sites_path or default_sites_path())
        name = name or current_site_name(sites_path)
        if not name:
            raise SiteError("未指定站点：请用 --site NAME，或在 sites/currentsite.txt 中写入默认站点")
        folder, config = read_site_config(name, sites_path)
        return cls(name, config, path=folder)

    def check_connection(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.select(sa.literal(1)))
        except sa.exc.DBAPIError as exc:
            raise SiteError(_explain_db_error(self.db_url, exc)) from None

    def today(self):
        """The site's "today": `as_of` from its configuration (a historical or rehearsed year),
        else the calendar's date."""
        as_of = self.config.get("as_of")
        if as_of:
            try:
                return dt.date.fromisoformat(str(as_of)[:10])
            except ValueError:
                raise SiteError(f"站点配置 as_of “{as_of}” 不是日期（应为 年-月-日）") from None
        return dt.date.today()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()
        if self.redis is not None:
            self.redis.close()

    def context(self, user: str = "Administrator", **kwargs):
        return Context(self, user=user, **kwargs)

    # ----------------------------------------------------------------- meta
    def meta(self, doctype: str) -> Meta:
        return self.metas.get(doctype)

    def table(self, doctype: str) -> sa.Table:
        meta = self.metas.get(doctype)
        cached = self._tables.get(id(meta))
        if cached is None or cached[0] is not meta:
            cached = (meta, schema.build_table(meta))
            self._tables[id(meta)] = cached
        return cached[1]

    def redis_key(self, key: str) -> str:
        return self.redis_prefix + key

    def read_versions(self, conn: sa.Connection) -> dict[str, int]:
        """The committed cache versions (meta, perm): from Redis when the site has one, else the
        database. A change anywhere moves a version; every process compares on each request."""
        keys = list(VERSION_SERIES)
        if self.redis is not None:
            try:
                cached = self.redis.mget([self.redis_key(k + "_version") for k in keys])
                if all(v is not None for v in cached):
                    return {k: int(v) for k, v in zip(keys, cached)}
            except Exception:  # noqa: BLE001 - Redis down: the database still knows the versions
                pass
        try:
            rows = dict(conn.execute(self._versions_query).all())
        except sa.exc.DBAPIError:
            rows = {}
        versions = {k: int(rows.get(VERSION_SERIES[k]) or 0) for k in keys}
        if self.redis is not None:
            try:
                for k, v in versions.items():
                    self.redis.set(self.redis_key(k + "_version"), v, nx=True)
            except Exception:  # noqa: BLE001
                pass
        return versions

    def refresh_meta(self, conn: sa.Connection, *, force: bool = False) -> None:
        """Reload customisations (and drop permission caches) when another process, or this
        one, changed them since this process last looked."""
        versions = self.read_versions(conn)
        if versions["perm"] != self.perm_version:
            self.perm_cache.clear()
            self.perm_version = versions["perm"]
        if not force and versions["meta"] == self.metas.version:
            return
        with self._meta_lock:
            custom_doctypes, custom_fields, property_setters = custom_rows.load_all(self, conn)
            self.metas.load_customisations(custom_doctypes, custom_fields, property_setters, versions["meta"])
            self._tables.clear()
            self.perm_cache.clear()

    def publish_version(self, kind: str, version: int) -> None:
        if kind == "meta":
            self.metas.invalidate()
        self.perm_cache.clear()
        self.perm_version = None
        if self.redis is not None:
            try:
                self.redis.set(self.redis_key(kind + "_version"), version)
            except Exception:  # noqa: BLE001 - others fall back to the database version
                pass

    def permission_conditions(self, ctx, doctype: str, table, ptype: str) -> list:
        """Row-level predicates every list, count, report and export adds (see permissions.py)."""
        clauses = []
        for guard in self.query_guards:
            clauses.extend(guard(ctx, doctype, table, ptype))
        return clauses

    # ----------------------------------------------------------------- controllers
    def controller_class(self, doctype: str):
        cls = self._controllers.get(doctype)
        if cls is None:
            cls = load_controller(self.metas.controller_module(doctype), doctype) or Document
            self._controllers[doctype] = cls
        return cls
