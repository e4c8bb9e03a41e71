"""Workbook columns: how a DocType's fields become spreadsheet headers and back. Export, the
import template and the importer share this one mapping, so an export re-imports unchanged.

Headers are the fields' Chinese labels; the document's name is the "ID" column (as in Frappe);
a child-table field is "Label (Table)", e.g. "得分 (评分项)". On import a header may also be the
fieldname, and a label that two fields share is told apart by "Label [fieldname]".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import excel, permissions
from .meta import DocField, Meta
from .users import ADMIN

ID_HEADER = "ID"
ID_ALIASES = ("ID", "id", "name", "编号 (ID)", "编号（ID）")


@dataclass(eq=False)  # compared and hashed by identity: a column is one place in one sheet
class Column:
    field: DocField | None            # None: the ID column
    doctype: str                      # the DocType the field belongs to
    table: DocField | None = None     # the parent's Table field, for a child-table column
    header: str = ""

    @property
    def fieldname(self) -> str:
        return self.field.fieldname if self.field else "name"

    @property
    def fieldtype(self) -> str:
        return self.field.fieldtype if self.field else "Data"

    @property
    def required(self) -> bool:
        return bool(self.field and self.field.reqd)

    @property
    def width(self) -> float:
        if self.field is None:
            return 16
        if self.field.kind.excel_width is not None:
            return max(self.field.kind.excel_width, len(self.header) * 2 + 2)
        return min(max(len(self.header) * 2 + 4, (self.field.length or 20) // 2 + 6, 12), 40)

    def to_cell(self, value):
        if self.field is not None and self.field.kind.boolean and value is not None:
            return "是" if value else "否"
        return value

    @property
    def number_format(self) -> str | None:
        f = self.field
        if f is None:
            return "@"
        if f.kind.decimal == "exact":
            return excel.decimal_format(f.decimal_places(), thousands=True)
        if f.exact_decimal:
            return excel.decimal_format(f.decimal_places())
        if f.kind.integer:
            return "0"
        return {"date": excel.DATE_FORMAT, "datetime": excel.DATETIME_FORMAT, "time": excel.TIME_FORMAT}.get(f.kind.temporal)


def readable_levels(ctx, doctype: str) -> set[int] | None:
    """The permission levels whose fields the user may read (None: all)."""
    if ctx.ignore_permissions or ctx.user == ADMIN:
        return None
    return permissions.rights_for(ctx, doctype).readable_levels() | {0}


def server_owned(f: DocField) -> bool:
    """Computed or fetched by the server: written to files, never taken from them."""
    return bool(f.read_only) or f.kind.server_owned


def _shown(f: DocField, levels: set[int] | None, *, for_import: bool) -> bool:
    if not f.has_column or not f.kind.exchanged or f.hidden:  # a Password is never written to a file
        return False
    if levels is not None and (f.permlevel or 0) not in levels:
        return False
    if for_import and server_owned(f):
        return False  # server-owned: computed or fetched, never taken from a file
    return True


def _label_headers(fields: list[DocField], suffix: str = "") -> list[str]:
    counts: dict[str, int] = {}
    for f in fields:
        counts[f.display_label] = counts.get(f.display_label, 0) + 1
    return [(f"{f.display_label} [{f.fieldname}]" if counts[f.display_label] > 1 else f.display_label) + suffix
            for f in fields]


def main_columns(ctx, meta: Meta, *, fields: list[str] | None = None, for_import: bool = False,
                 with_id: bool = True) -> list[Column]:
    """The parent's columns: ID and every exchangeable field the user may read, or exactly
    `fields` in their order ("name" being the ID column)."""
    levels = readable_levels(ctx, meta.name)
    chosen = [f for f in meta.data_fields if _shown(f, levels, for_import=for_import)]
    headers = dict(zip([f.fieldname for f in chosen], _label_headers(chosen)))
    if fields is None:
        return ([Column(None, meta.name, header=ID_HEADER)] if with_id else []) + \
            [Column(f, meta.name, header=headers[f.fieldname]) for f in chosen]
    by_name = {f.fieldname: f for f in chosen}
    return [Column(None, meta.name, header=ID_HEADER) if x == "name" else Column(by_name[x], meta.name, header=headers[x])
            for x in fields if x == "name" or x in by_name]


def table_fields(ctx, meta: Meta) -> list[DocField]:
    levels = readable_levels(ctx, meta.name)
    return [tf for tf in meta.table_fields if not tf.hidden and (levels is None or (tf.permlevel or 0) in levels)]


def child_columns(ctx, meta: Meta, table: DocField, *, for_import: bool = False, with_id: bool = True) -> list[Column]:
    """Columns of one child table, headed "Label (Table)"; readable levels are the parent's."""
    levels = readable_levels(ctx, meta.name)
    child = ctx.meta(table.options)
    chosen = [f for f in child.data_fields if _shown(f, levels, for_import=for_import)]
    suffix = f" ({table.display_label})"
    columns = [Column(None, child.name, table, header=ID_HEADER + suffix)] if with_id else []
    columns += [Column(f, child.name, table, header=h) for f, h in zip(chosen, _label_headers(chosen, suffix))]
    return columns


def match_headers(ctx, meta: Meta, headers: list) -> tuple[dict[int, Column], list[tuple[int, str]]]:
    """Which column each header names: {position: Column}, and the headers no field answers to
    (position, header). Read-only fields are known (so an export's own columns are accepted) but
    marked so the importer leaves them to the server."""
    known: dict[str, Column] = {}

    def learn(column: Column, *names: str):
        for n in names:
            known.setdefault(_norm(n), column)

    all_main = main_columns(ctx, meta, for_import=False)
    for column in all_main:
        if column.field is None:
            learn(column, *ID_ALIASES)
        else:
            learn(column, column.header, column.field.fieldname, f"{column.field.display_label} [{column.field.fieldname}]",
                  column.field.display_label)
    for tf in table_fields(ctx, meta):
        for column in child_columns(ctx, meta, tf):
            names = [column.header]
            for table_name in (tf.display_label, tf.fieldname):
                if column.field is None:
                    names += [f"{alias} ({table_name})" for alias in ID_ALIASES]
                else:
                    names += [f"{column.field.display_label} ({table_name})", f"{column.field.fieldname} ({table_name})",
                              f"{column.field.display_label} [{column.field.fieldname}] ({table_name})"]
            learn(column, *names)
    matched, unknown = {}, []
    for position, header in enumerate(headers):
        text = "" if header is None else str(header).strip()
        if not text:
            continue
        column = known.get(_norm(text))
        if column is None:
            unknown.append((position, text))
        else:
            matched[position] = column
    return matched, unknown


def _norm(text: str) -> str:
    """Headers compare without spaces, with full-width brackets as half-width, and ignoring a
    trailing required mark (*)."""
    text = str(text).replace("（", "(").replace("）", ")").replace("［", "[").replace("］", "]")
    text = text.strip().rstrip("*＊").strip()
    return re.sub(r"\s+", "", text)
