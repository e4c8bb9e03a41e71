"""The measured work: inserts through the document API and through plain SQLAlchemy Core, the
bulk load that sets the query table up (not measured), and the page and count queries.

Each API figure has a Core twin that does the same work on the same tables, so the ratio between
them is the cost of the engine alone (meta, validation, naming, hooks, query building).
"""
from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Callable

import sqlalchemy as sa

from sixhave_app.engine.site import Site

from . import data

Advance = Callable[[int], None]


# --------------------------------------------------------------------------- inserts
def insert_api(site: Site, docs: list[dict], commit_every: int, advance: Advance) -> float:
    """Seconds to insert `docs` with `ctx.new_doc(...).insert()`, committing every `commit_every`."""
    start = time.perf_counter()
    with site.context(ignore_permissions=True) as ctx:
        for i, values in enumerate(docs, start=1):
            ctx.new_doc(data.PARENT, values).insert()
            if i % commit_every == 0:
                ctx.commit()
                advance(commit_every)
    elapsed = time.perf_counter() - start
    advance(len(docs) % commit_every)
    return elapsed


def insert_core(site: Site, docs: list[dict], commit_every: int, advance: Advance) -> float:
    """Seconds for the same inserts in plain Core: per document one parent INSERT and one
    executemany of its child rows — the granularity of the API, not one batch for all documents."""
    parent, child = site.table(data.PARENT), site.table(data.CHILD)
    start = time.perf_counter()
    # sixhave_write makes SQLite BEGIN IMMEDIATE, as the engine's write contexts do.
    with site.engine.connect().execution_options(sixhave_write=True) as conn:
        tx = conn.begin()
        for i, values in enumerate(docs, start=1):
            row, rows = data.table_rows(values, dt.datetime.now())
            conn.execute(parent.insert(), row)
            conn.execute(child.insert(), rows)
            if i % commit_every == 0:
                tx.commit()
                tx = conn.begin()
                advance(commit_every)
        tx.commit()
    elapsed = time.perf_counter() - start
    advance(len(docs) % commit_every)
    return elapsed


def bulk_load(site: Site, count: int, seed: int, advance: Advance, chunk: int = 5000) -> None:
    """Setup, not measured: `count` parent rows by executemany, to give the queries a big table.
    Child rows are left out: neither query reads them, and they would only lengthen the setup."""
    parent = site.table(data.PARENT)
    now = dt.datetime.now()
    with site.engine.connect().execution_options(sixhave_write=True) as conn:
        for offset in range(0, count, chunk):
            docs = data.documents(min(chunk, count - offset), seed + offset)
            conn.execute(parent.insert(), [data.table_rows(d, now)[0] for d in docs])
            conn.commit()
            advance(len(docs))


def row_count(site: Site) -> int:
    table = site.table(data.PARENT)
    with site.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar())


# --------------------------------------------------------------------------- queries
def page_api(ctx) -> list[dict]:
    return ctx.get_list(data.PARENT, fields=data.PAGE_FIELDS, filters=data.PAGE_FILTERS,
                        order_by=data.PAGE_ORDER, limit_page_length=data.PAGE_LENGTH)


def count_api(ctx) -> int:
    return ctx.get_count(data.PARENT, filters=data.PAGE_FILTERS)


def _where(table: sa.Table) -> list:
    return [table.c[field] == value for field, value in data.PAGE_FILTERS.items()]


def page_core(conn: sa.Connection, table: sa.Table) -> list[dict]:
    """The page as hand-written Core: the statement is built per call, as a request handler would,
    and rows come back as dicts, the shape get_list returns."""
    stmt = (sa.select(*[table.c[f] for f in data.PAGE_FIELDS]).where(*_where(table))
            .order_by(table.c.recorded_on.desc()).limit(data.PAGE_LENGTH))
    return [dict(row) for row in conn.execute(stmt).mappings()]


def count_core(conn: sa.Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*_where(table))).scalar())


def page_in_fresh_context(site: Site) -> list[dict]:
    """A list page as one web request pays for it: connection checkout, BEGIN, meta version check."""
    with site.context(write=False, ignore_permissions=True) as ctx:
        return page_api(ctx)


def time_queries(site: Site, repeat: int, warmup: int, advance: Advance) -> dict[str, list[float]]:
    """Milliseconds per call of each query, `repeat` times. The calls are interleaved round by
    round, so drift (caches, CPU clock, other processes) touches every query alike."""
    table = site.table(data.PARENT)
    with site.context(write=False, ignore_permissions=True) as ctx, site.engine.connect() as conn:
        api, core = page_api(ctx), page_core(conn, table)
        # Same query, same answer: ties on recorded_on may order names differently, dates may not.
        count = count_api(ctx)
        if count != count_core(conn, table):
            raise AssertionError("get_count and Core disagree on the count")
        if [r["recorded_on"] for r in api] != [r["recorded_on"] for r in core] or len(api) != min(count, data.PAGE_LENGTH):
            raise AssertionError(f"get_list and Core disagree on the page: {api[:2]} vs {core[:2]}")
        calls = {
            "page_api": lambda: page_api(ctx),
            "page_core": lambda: page_core(conn, table),
            "count_api": lambda: count_api(ctx),
            "count_core": lambda: count_core(conn, table),
            "page_request": lambda: page_in_fresh_context(site),
        }
        samples: dict[str, list[float]] = {key: [] for key in calls}
        for round_ in range(warmup + repeat):
            for key, call in calls.items():
                start = time.perf_counter_ns()
                call()
                if round_ >= warmup:
                    samples[key].append((time.perf_counter_ns() - start) / 1e6)
            if round_ >= warmup:
                advance(1)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """Median and 95th percentile of timings in ms."""
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
    return {"median": statistics.median(samples), "p95": p95}
