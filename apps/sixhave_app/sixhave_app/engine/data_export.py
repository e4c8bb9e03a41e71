"""Exporting a list to .xlsx: the user's own list (their filters, scope and permission levels,
through the same query builder and permission predicate as every list), streamed from the
database in batches into a write-only workbook on disk, child tables on sheets of their own."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import sqlalchemy as sa

from . import columns as cols
from . import excel, jobs, permissions, query
from .errors import PermissionError

BATCH = 2000  # rows fetched per round trip (server-side cursor on MariaDB)


def _stream(ctx, doctype: str, stmt):
    """Rows of a statement, fetched in batches without holding the result in memory, each
    through the DocType's row filter as a list would show it (query.row_filter_for)."""
    row_filter = query.row_filter_for(ctx, doctype)
    result = ctx.conn.execute(stmt, execution_options={"stream_results": True, "yield_per": BATCH})
    try:
        if row_filter is None:
            yield from result
            return
        keys = list(result.keys())
        for row in result:
            values = dict(zip(keys, row))
            row_filter(ctx, values)
            yield tuple(values.get(k) for k in keys)
    finally:
        result.close()


def export_list(ctx, doctype: str, path: Path, *, fields: list[str] | None = None, filters=None, or_filters=None,
                order_by=None, child_tables: bool = True, title: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Write the rows `ctx.user` may export of `doctype` to `path`; returns the number of rows."""
    meta = ctx.meta(doctype)
    permissions.check(ctx, doctype, "export")
    readable = permissions.readable_fieldnames(ctx, doctype)
    if fields:
        hidden = [f for f in fields if f != "name" and readable is not None and f not in readable]
        if hidden:
            raise PermissionError(f"没有权限导出{meta.display_name}的字段 “{meta.label_of(hidden[0])}”", field=hidden[0])
        unknown = [f for f in fields if f != "name" and not meta.has_field(f)]
        if unknown:
            raise query.QueryError(f"{meta.display_name}：字段 “{unknown[0]}” 不存在", field=unknown[0])
    main = cols.main_columns(ctx, meta, fields=fields)
    convert = [c.to_cell for c in main]
    total = query.get_count(ctx, doctype, filters=filters, or_filters=or_filters) if progress else 0
    stmt = query.select_list(ctx, doctype, fields=[c.fieldname for c in main], filters=filters, or_filters=or_filters,
                             order_by=order_by, limit_page_length=0, ptype="export")
    book = excel.new_book()
    sheet = excel.SheetWriter(book, title or meta.display_name, [c.header for c in main],
                              widths=[c.width for c in main], formats=[c.number_format for c in main])
    done = 0
    for row in _stream(ctx, doctype, stmt):
        sheet.append([to_cell(v) for to_cell, v in zip(convert, row)])
        done += 1
        if progress and done % 1000 == 0:
            progress(done, total)
    if child_tables and not fields:
        parents = query.select_list(ctx, doctype, fields=["name"], filters=filters, or_filters=or_filters,
                                    limit_page_length=0, ptype="export").order_by(None).subquery()
        for tf in cols.table_fields(ctx, meta):
            _child_sheet(ctx, book, meta, tf, parents)
    book.save(path)
    if progress:
        progress(done, total or done)
    return done


def _child_sheet(ctx, book, meta, tf, parents) -> None:
    child = ctx.table(tf.options)
    columns = cols.child_columns(ctx, meta, tf)
    headers = [cols.ID_HEADER] + [c.header for c in columns]
    sheet = excel.SheetWriter(book, tf.display_label, headers, widths=[16] + [c.width for c in columns],
                              formats=["@"] + [c.number_format for c in columns])
    stmt = (sa.select(child.c.parent, *[child.c[c.fieldname] for c in columns])
            .where(child.c.parenttype == meta.name, child.c.parentfield == tf.fieldname,
                   child.c.parent.in_(sa.select(parents.c.name)))
            .order_by(child.c.parent, child.c.idx))
    convert = [lambda v: v] + [c.to_cell for c in columns]
    for row in _stream(ctx, tf.options, stmt):
        sheet.append([to_cell(v) for to_cell, v in zip(convert, row)])


def export_csv(ctx, doctype: str, path: Path, *, fields: list[str] | None = None, filters=None, or_filters=None,
               order_by=None) -> int:
    """The same rows as CSV (UTF-8 with BOM for Excel), every cell through excel.csv_cell."""
    meta = ctx.meta(doctype)
    permissions.check(ctx, doctype, "export")
    main = cols.main_columns(ctx, meta, fields=fields)
    stmt = query.select_list(ctx, doctype, fields=[c.fieldname for c in main], filters=filters, or_filters=or_filters,
                             order_by=order_by, limit_page_length=0, ptype="export")
    rows = ([c.to_cell(v) if v is not None else None for c, v in zip(main, row)] for row in _stream(ctx, doctype, stmt))
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        return excel.write_csv(out, [c.header for c in main], rows)


@jobs.reads_only
def export_job(ctx, job, doctype: str, fields=None, filters=None, or_filters=None, order_by=None,
               child_tables: bool = True, file_name: str | None = None) -> dict:
    """The background job behind `sixhave.export.start`: the workbook becomes the job's result."""
    meta = ctx.meta(doctype)
    name = file_name or f"{meta.display_name}.xlsx"
    rows = export_list(ctx, doctype, job.result_path(name), fields=fields, filters=filters, or_filters=or_filters,
                       order_by=order_by, child_tables=child_tables,
                       progress=lambda done, total: job.progress(done, total, note=f"已导出 {done} 行"))
    return {"rows": rows, "file_name": name}
