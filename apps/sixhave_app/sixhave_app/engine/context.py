"""A request Context: who acts (user, roles, language), on which site, inside which transaction.

Everything that reads or writes documents takes one. `with site.context(user) as ctx:` commits on
success and rolls back on error; callbacks registered with `after_commit` run after the commit.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import sqlalchemy as sa

from . import query, storage
from .errors import DoesNotExistError


class Context:
    def __init__(self, site, user: str = "Administrator", *, write: bool = True, lang: str = "zh",
                 roles: list[str] | None = None, ignore_permissions: bool = False):
        self.site = site
        self.user = user
        self.lang = lang
        self.write = write
        self.ignore_permissions = ignore_permissions
        self.flags: dict[str, Any] = {}
        self._roles = roles
        self._conn: sa.Connection | None = None
        self._tx = None
        self._after_commit: list[Callable[[], None]] = []
        self._link_cache: dict[tuple[str, str], bool] = {}
        self.link_access: dict[tuple[str, bool], set[str]] = {}  # links.readable: names this user may link to
        self.scope_hits: dict[tuple[str, str], set[str]] = {}  # permissions.in_scope: names found in scope
        self.pending_errors: list[dict] = []  # error_log.record: written at commit, or after a rollback
        self.error_keys: set = set()
        self._borrowed = False  # made by as_user: the transaction belongs to another context
        self._bulk: dict | None = None  # inside `bulk()`: work registered with `once`, by key

    # ----------------------------------------------------------------- transaction
    @property
    def conn(self) -> sa.Connection:
        """The connection, inside a transaction begun on first use (and again after a commit)."""
        if self._conn is None:
            conn = self.site.engine.connect()
            if self.write:
                conn = conn.execution_options(sixhave_write=True)
            self._conn = conn
        if self._tx is None:
            self._tx = self._conn.begin()
            self.site.refresh_meta(self._conn)
        return self._conn

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()
        self.close()

    def commit(self) -> None:
        if self._borrowed:
            raise RuntimeError("a context made by as_user cannot commit: its transaction belongs to the outer context")
        if self.pending_errors:
            from . import error_log

            entries, self.pending_errors = self.pending_errors, []
            error_log.write(self, self.conn, entries)
        if self._tx is not None:
            self._tx.commit()
            self._tx = None
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self) -> None:
        if self._borrowed:
            raise RuntimeError("a context made by as_user cannot roll back: its transaction belongs to the outer context")
        if self._tx is not None:
            self._tx.rollback()
            self._tx = None
        if self.pending_errors and self._conn is not None:
            from . import error_log

            entries, self.pending_errors = self.pending_errors, []
            with self._conn.begin():  # the failure's record outlives the work it failed
                error_log.write(self, self._conn, entries)
        self._after_commit = []
        self.forget_reads()
        if self.flags.pop("versions_changed", None):
            self.flags.pop("version_publish_registered", None)
            self.site.metas.invalidate()
            self.site.perm_cache.clear()

    def close(self) -> None:
        if self._conn is not None:
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
            self._conn.close()
        self._conn = None
        self._tx = None

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A savepoint: one document operation either happens whole or not at all, even inside
        a larger transaction whose caller catches the error and goes on. What was learnt
        inside it (links readable, names in scope) is forgotten with it."""
        with self.conn.begin_nested():
            try:
                yield
            except BaseException:
                self.forget_reads()
                raise

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Many writes as one batch (an import): work a write registers with `once` — a branch's
        member count, say — runs once per key when the block ends, not after every write."""
        if self._bulk is not None:  # already in a batch: the outer one runs the work
            yield
            return
        self._bulk = {}
        try:
            yield
            while self._bulk:
                pending, self._bulk = self._bulk, {}
                for work in pending.values():
                    work()
        finally:
            self._bulk = None

    def once(self, key, work: Callable[[], None]) -> None:
        """Run `work` now, or once for `key` at the end of the current `bulk()` block."""
        if self._bulk is None:
            work()
        else:
            self._bulk[key] = work

    def forget_reads(self) -> None:
        """Drop what this context remembers of the data (after a rollback, or a rename)."""
        self._link_cache.clear()
        self.link_access.clear()
        self.scope_hits.clear()

    @contextmanager
    def as_user(self, user: str, *, roles: list[str] | None = None) -> Iterator["Context"]:
        """Act as `user` inside this context's transaction: the same connection and view of the
        data (uncommitted rows included), that user's roles, scope and permissions. Work done as
        the other user is part of this unit of work: its after-commit callbacks, version bumps and
        error records are this context's, committed or rolled back with it."""
        other = Context(self.site, user=user, write=self.write, lang=self.lang, roles=roles)
        other._conn, other._tx = self.conn, self._tx
        other.flags, other._after_commit = self.flags, self._after_commit
        other._bulk = self._bulk  # one batch: work the other user registers runs with the rest
        other.pending_errors, other.error_keys = self.pending_errors, self.error_keys
        other._borrowed = True
        try:
            yield other
        finally:
            other._conn = other._tx = None

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def now(self) -> dt.datetime:
        return dt.datetime.now()

    def today(self) -> dt.date:
        """The date the system reasons about: `flags["as_of"]` for this request, else the date the
        site was told (`as_of` in site_config.json), else the calendar's."""
        as_of = self.flags.get("as_of")
        if as_of:
            return as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of)[:10])
        return self.site.today()

    # ----------------------------------------------------------------- meta
    def meta(self, doctype: str):
        if self._tx is None:
            _ = self.conn  # refresh customisations before the first meta lookup
        return self.site.metas.get(doctype)

    def table(self, doctype: str) -> sa.Table:
        if self._tx is None:
            _ = self.conn  # refresh customisations first, as meta() does
        return self.site.table(doctype)

    @property
    def roles(self) -> list[str]:
        if self._roles is None:
            from . import users

            self._roles = users.roles_of(self, self.user)
        return self._roles

    # ----------------------------------------------------------------- documents
    def new_doc(self, doctype: str, values: dict | None = None, **kwargs):
        cls = self.site.controller_class(doctype)
        data = dict(values or {})
        data.update(kwargs)
        data.pop("doctype", None)
        return cls(self, doctype, data)

    def get_doc(self, doctype_or_dict, name: str | None = None, *, for_update: bool = False):
        if isinstance(doctype_or_dict, dict):
            data = dict(doctype_or_dict)
            doctype = data.pop("doctype")
            return self.new_doc(doctype, data)
        doctype = doctype_or_dict
        meta = self.meta(doctype)
        if name is None and meta.issingle:
            name = doctype
        if name is None:
            raise DoesNotExistError(f"{meta.display_name}：未指定名称")
        data = storage.load(self, doctype, name, for_update=for_update)
        doc = self.site.controller_class(doctype)(self, doctype, None)
        for key, value in data.items():
            if key in doc._rows:
                for row in value:
                    doc.append(key, row)
                    doc._rows[key][-1]._v.update(row)
            else:
                doc._v[key] = value
        object.__setattr__(doc, "_loaded", doc.as_dict(convert=False))
        self.before_read(doc)
        return doc

    def insert(self, values: dict):
        data = dict(values)
        return self.new_doc(data.pop("doctype"), data).insert()

    def delete_doc(self, doctype: str, name: str) -> None:
        from . import trash

        trash.delete_doc(self, doctype, name)

    def exists(self, doctype: str, name: str) -> bool:
        return storage.exists(self, doctype, name)

    def link_exists(self, doctype: str, name: str) -> bool:
        key = (doctype, name)
        if key not in self._link_cache:
            meta = self.meta(doctype)
            self._link_cache[key] = True if meta.issingle else storage.exists(self, doctype, name)
        return self._link_cache[key]

    def db_set(self, doc, fieldname: str, value, *, update_modified: bool = True) -> None:
        table = self.table(doc.doctype)
        values = {fieldname: value}
        if update_modified:
            now = self.now()
            values.update(modified=now, modified_by=self.user)
            doc._v.update(modified=now, modified_by=self.user)
        self.conn.execute(table.update().where(table.c.name == doc.name).values(values))
        doc._v[fieldname] = value

    # ----------------------------------------------------------------- queries
    def get_list(self, doctype: str, **kwargs) -> list[dict]:
        return query.get_list(self, doctype, **kwargs)

    def get_all(self, doctype: str, **kwargs) -> list[dict]:
        kwargs.setdefault("limit_page_length", 0)
        return query.get_list(self, doctype, **kwargs)

    def get_count(self, doctype: str, filters=None, **kwargs) -> int:
        return query.get_count(self, doctype, filters=filters, **kwargs)

    def get_value(self, doctype: str, filters, fieldname="name", **kwargs):
        return query.get_value(self, doctype, filters, fieldname, **kwargs)

    # ----------------------------------------------------------------- extension points
    def before_write(self, doc, action: str, before: dict | None = None) -> None:
        """Guards registered by the engine's layers (permissions, workflow) see every write."""
        for key in [k for k in self.scope_hits if k[1] == doc.doctype]:
            del self.scope_hits[key]  # the scoped tree changes: ask it again
        for guard in self.site.write_guards:
            guard(self, doc, action, before)

    def before_read(self, doc) -> None:
        for guard in self.site.read_guards:
            guard(self, doc)

    def run_doc_event(self, doc, method: str) -> None:
        for handler in self.site.doc_events.get((doc.doctype, method), ()):
            handler(doc, method)
        for handler in self.site.doc_events.get(("*", method), ()):
            handler(doc, method)
