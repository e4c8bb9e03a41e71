"""Keyset paging: deep pages of a list without OFFSET.

`GET /api/resource/<DocType>?…&after=` asks for the first page and a cursor; each answer carries
`"next"` (null after the last page), which the client sends back as `after` for the page that
follows. The page after a cursor is found by the order's own columns — `WHERE (order columns)
beyond (the last row's values)` — so the database seeks to it through the index the order uses,
however deep it is, where OFFSET would read and drop every row before it. The order always ends
with `name` (added when the client did not name it), so that no two rows tie and no row is
skipped or repeated between pages; rows inserted or deleted meanwhile do not shift the pages.

A cursor is the last row's values of the order columns, as base64url JSON with their types;
it says nothing the user could not read in that row. The statement is the same for every page
(cursor values are bound parameters), kept with the other built statements (query.cached_select).
"""
from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.sql import operators

from . import query
from .errors import QueryError

KEY_LABEL = "sixhave_key_{}"
AFTER_PARAM = "sixhave_after_{}"


def _typed(value):
    if isinstance(value, dt.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, dt.time):
        return ["t", value.isoformat()]
    if isinstance(value, Decimal):
        return ["n", str(value)]
    if isinstance(value, dt.timedelta):
        return ["td", value.total_seconds()]
    raise TypeError(type(value).__name__)


def encode(values: list) -> str:
    text = json.dumps(values, default=_typed, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


_TAGS = {"dt": dt.datetime.fromisoformat, "d": dt.date.fromisoformat, "t": dt.time.fromisoformat,
         "n": Decimal, "td": lambda s: dt.timedelta(seconds=float(s))}


def decode(cursor: str, count: int) -> list:
    """The values a cursor holds; a QueryError (400) for anything that is not one of ours."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        if not isinstance(raw, list) or len(raw) != count:
            raise ValueError
        out = []
        for value in raw:
            if isinstance(value, list):
                tag, text = value
                value = _TAGS[tag](text)
            elif isinstance(value, dict):
                raise ValueError
            out.append(value)
        return out
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, ArithmeticError):
        raise QueryError(f"参数 after 不是有效的分页游标：{cursor[:40]}（请使用上一页返回的 next）",
                         field="after") from None


def _keys(stmt: sa.Select, table: sa.Table) -> list[tuple[sa.ColumnElement, bool]]:
    """The order's columns and directions, ending with `name`."""
    keys = []
    for clause in stmt._order_by_clauses:
        descending = getattr(clause, "modifier", None) is operators.desc_op
        column = clause.element if getattr(clause, "modifier", None) in (operators.desc_op, operators.asc_op) else clause
        if not isinstance(column, sa.Column):
            raise QueryError("按游标分页（after）只能按字段排序，不能按表达式或聚合排序", field="order_by")
        keys.append((column, descending))
    if not any(column is table.c.name for column, _ in keys):
        keys.append((table.c.name, keys[-1][1] if keys else True))
    return keys


def _beyond(keys, nulls: tuple[bool, ...]):
    """Rows after the cursor in this order. NULL sorts first ascending and last descending on
    both databases, so a NULL cursor value and a NULL column each have their own branch."""
    branches = []
    for i, (column, descending) in enumerate(keys):
        value = sa.bindparam(AFTER_PARAM.format(i), type_=column.type)
        ties = [keys[j][0].is_(None) if nulls[j] else keys[j][0] == sa.bindparam(AFTER_PARAM.format(j), type_=keys[j][0].type)
                for j in range(i)]
        if descending:
            step = sa.false() if nulls[i] else sa.or_(column < value, column.is_(None))
        else:
            step = column.is_not(None) if nulls[i] else column > value
        branches.append(sa.and_(*ties, step))
    return sa.or_(*branches)


def get_page(ctx, doctype: str, *, after: str, fields=None, filters=None, or_filters=None, order_by=None,
             limit_page_length=20, as_list: bool = False, ptype: str = "read") -> tuple[list, str | None]:
    """One page after `after` ("" for the first) and the cursor of the page that follows."""
    page, _ = query._page(None, limit_page_length, 0)
    if not page:
        raise QueryError("按游标分页（after）需要每页条数 limit_page_length（大于 0）", field="limit_page_length")
    ignore = ctx.ignore_permissions
    ctx.flags.pop(query.BUILT_FROM_DATA, None)
    base = query.select_list(ctx, doctype, fields=fields, filters=filters, or_filters=or_filters, order_by=order_by,
                             limit_page_length=page, ignore_permissions=ignore, ptype=ptype)
    if base._group_by_clauses or base._distinct:
        raise QueryError("按游标分页（after）不能与 group_by 或 distinct 同用", field="after")
    table = ctx.table(doctype)
    keys = _keys(base, table)
    values = decode(after, len(keys)) if after else None
    nulls = tuple(v is None for v in values) if values is not None else None
    volatile = ctx.flags.pop(query.BUILT_FROM_DATA, False)  # built from data: used once (query.cached_select)
    key = None if volatile else query._plan_key(ctx, doctype, ignore, ptype,
                                                ["keyset", fields, filters, or_filters, order_by, nulls])

    def build():
        stmt = base.order_by(None).order_by(*[c.desc() if d else c.asc() for c, d in keys])
        stmt = stmt.add_columns(*[c.label(KEY_LABEL.format(i)) for i, (c, _) in enumerate(keys)])
        return stmt.where(_beyond(keys, nulls)) if nulls is not None else stmt

    stmt = query.cached_select(ctx, key, build)
    params = {query.LIMIT_PARAM: page, query.OFFSET_PARAM: 0}
    if values is not None:
        params.update({AFTER_PARAM.format(i): v for i, v in enumerate(values) if v is not None})
    result = ctx.conn.execute(stmt, params)
    width = len(keys)
    raw = [tuple(row) for row in result]
    names = list(result.keys())[:-width]
    rows = [r[:-width] for r in raw]
    following = encode(list(raw[-1][-width:])) if len(raw) == page else None
    row_filter = None if ignore or ctx.user == "Administrator" else ctx.site.row_filters.get(doctype)
    dicts = [dict(zip(names, r)) for r in rows]
    for row in dicts if row_filter is not None else ():
        row_filter(ctx, row)
    return ([tuple(d.values()) for d in dicts] if as_list else dicts), following
