"""Importing a workbook: every sheet read (Excel, WPS and LibreOffice files alike), every cell
coerced by its field's type from meta, every row run through the normal document insert or save
as the importing user (so permissions, scope, workflow field rights and the DocType's own rules
apply), every problem reported by sheet, row, column and reason.

One transaction: a preview is the import rolled back; an import commits only when every row is
valid, or — when asked — commits the valid rows and returns the failed ones as a workbook to fix
and upload again. Two layouts are read: Frappe's (child-table columns "Label (Table)" on the
parent's sheet, a child row on its parent's row or on the rows below it) and our export's (each
child table on a sheet of its own, its rows tied to their parent by the "ID" column).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable

from . import columns as cols
from . import excel, fieldtypes, links, permissions
from .values import same
from .errors import DoesNotExistError, PermissionError, SixhaveError, ValidationError

INSERT, UPDATE = "Insert New Records", "Update Existing Records"
IMPORT_TYPES = (INSERT, UPDATE)
INSTRUCTIONS_SHEET = "填写说明"
CHOICES_SHEET = "可选值"  # the template's hidden sheet of drop-down values
ERROR_HEADER = "错误原因"
IGNORED_HEADERS = {ERROR_HEADER, "行号"}
MAX_PROBLEMS = 5000


@dataclass
class Problem:
    sheet: str
    row: int                 # the spreadsheet's row number (1 is the header)
    column: str | None       # the header, when one cell is at fault
    reason: str
    value: object = None
    doc: int | None = None   # which document (0-based) the row belongs to

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason,
                "value": None if self.value is None else str(self.value)[:200],
                "message": f"工作表“{self.sheet}”第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
                           + f"：{self.reason}"}


@dataclass
class SourceRow:
    sheet: str
    row: int
    values: list


@dataclass
class Parsed:
    """One document read from the file: its values, child rows and where each came from."""
    index: int
    sheet: str
    row: int
    name: str | None = None
    values: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)     # table fieldname → [(row number, {field: value})]
    sources: list = field(default_factory=list)      # SourceRow, for the failed-rows workbook
    problems: list = field(default_factory=list)


@dataclass
class Outcome:
    docs: list
    problems: list
    header_problems: list
    sheets: dict            # sheet name → headers (for the failed-rows workbook)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    names: list = field(default_factory=list)
    committed: bool = False  # False: nothing was written (a preview, or a refused file)

    @property
    def failed_docs(self) -> list:
        return [d for d in self.docs if d.problems]

    def summary(self) -> dict:
        problems = self.header_problems + [p for d in self.docs for p in d.problems]
        return {"total": len(self.docs), "valid": len(self.docs) - len(self.failed_docs),
                "failed": len(self.failed_docs), "inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "problems": [p.as_dict() for p in problems[:MAX_PROBLEMS]],
                "problem_count": len(problems), "names": self.names[:1000], "committed": self.committed}


# --------------------------------------------------------------------------- cells
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:[ T]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?)?\s*$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _from_serial(number: float) -> dt.datetime:
    if not 1 <= number < 2958466:
        raise fieldtypes.FieldValueError("不是有效的日期")
    return _EXCEL_EPOCH + dt.timedelta(days=number)


def _date_text(text: str):
    m = _DATE_TEXT.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(x) if x else 0 for x in m.groups())
    try:
        return dt.datetime(y, mo, d, h, mi, s)
    except ValueError:
        raise fieldtypes.FieldValueError("不是有效的日期") from None


def _number_text(value) -> str:
    """A number read from a cell, as the text a person typed (13800000000.0 → 13800000000)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def coerce_cell(f, value):
    """A cell's value as the field's type. Spreadsheets give numbers as floats and dates as
    dates, serials or text; text fields get back the text that was typed, decimals are taken
    from the float's shortest repr and rounded to the field's precision (never through binary)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = f.kind
    if isinstance(value, str):
        value = value.strip() if not kind.multiline else value
    if kind.temporal in ("date", "datetime"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = _from_serial(float(value))
        elif isinstance(value, str):
            value = _date_text(value) or value
        if isinstance(value, dt.time):
            raise fieldtypes.FieldValueError("应为日期（年-月-日）")
        return f.kind.coerce(value, f)
    if kind.temporal == "time":
        if isinstance(value, float) and 0 <= value < 1:
            seconds = round(value * 86400)
            return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
        if isinstance(value, dt.datetime):
            return value.time()
        return f.kind.coerce(value, f)
    if kind.decimal and isinstance(value, float):
        value = Decimal(repr(value))
    if kind.decimal and isinstance(value, str):
        try:
            value = Decimal(value.replace(",", "").replace("，", "").rstrip("%"))
        except InvalidOperation:
            raise fieldtypes.FieldValueError("应为数字") from None
    if kind.decimal and not f.exact_decimal:
        return float(value)
    if kind.decimal:
        return f.kind.coerce(value, f)
    if kind.integer and isinstance(value, float):
        if not value.is_integer():
            raise fieldtypes.FieldValueError("应为整数")
        return int(value)
    if kind.boolean and isinstance(value, float):
        value = int(value) if value.is_integer() else value
    if kind.text_like:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = _number_text(value)
        elif isinstance(value, dt.datetime):
            value = value.isoformat(sep=" ") if (value.hour, value.minute, value.second) != (0, 0, 0) else value.date().isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
    return f.kind.coerce(value, f)


# --------------------------------------------------------------------------- reading a file
class Reader:
    def __init__(self, ctx, doctype: str, import_type: str):
        if import_type not in IMPORT_TYPES:
            raise ValidationError(f"导入类型应为 {INSERT} 或 {UPDATE}", field="import_type")
        self.ctx, self.doctype, self.import_type = ctx, doctype, import_type
        self.meta = ctx.meta(doctype)
        self.docs: list[Parsed] = []
        self.by_name: dict[str, Parsed] = {}
        self.header_problems: list[Problem] = []
        self.sheets: dict[str, list] = {}

    def read(self, data: bytes) -> None:
        try:
            sheets = excel.read_workbook(data)
        except excel.WorkbookError as exc:
            raise ValidationError(str(exc), field="import_file") from None
        main_done = False
        for title, rows in sheets:
            if title in (INSTRUCTIONS_SHEET, CHOICES_SHEET) or not rows:
                continue
            header_at = next((i for i, r in enumerate(rows) if any(str(v).strip() for v in r if v is not None)), None)
            if header_at is None:
                continue
            headers = rows[header_at]
            matched, unknown = cols.match_headers(self.ctx, self.meta, headers)
            if not matched:
                continue
            body = rows[header_at + 1:]
            first_row = header_at + 2
            self.sheets[title] = list(headers)
            self._unknown_columns(title, header_at + 1, unknown, body)
            parent_cols = {p: c for p, c in matched.items() if c.table is None}
            if not main_done and any(c.field is not None for c in parent_cols.values()):
                self._main_sheet(title, matched, body, first_row)
                main_done = True
            elif any(c.table is not None for c in matched.values()):
                self._child_sheet(title, matched, body, first_row)
        if not main_done:
            raise ValidationError(f"文件中没有{self.meta.display_name}的数据表：第一行应为列名（可下载导入模板）",
                                  field="import_file")

    def _unknown_columns(self, title, header_row, unknown, body):
        for position, header in unknown:
            if header in IGNORED_HEADERS:
                continue
            if any(position < len(r) and r[position] not in (None, "") for r in body):
                self.header_problems.append(Problem(title, header_row, header,
                                                    f"“{header}”不是{self.meta.display_name}可导入的列（请对照导入模板的列名）"))

    def _cells(self, sheet, row_no, row, matched, target: Parsed | None):
        """{Column: coerced value} of one row; problems go to `target` (or are returned)."""
        out, problems = {}, []
        for position, column in matched.items():
            raw = row[position] if position < len(row) else None
            if column.field is None:
                text = None if raw in (None, "") else _number_text(raw).strip()
                out[column] = text or None
                continue
            if cols.server_owned(column.field):
                continue  # server-owned (totals, fetched values): the server computes them
            try:
                out[column] = coerce_cell(column.field, raw)
            except (fieldtypes.FieldValueError, ValueError, TypeError, ArithmeticError) as exc:
                reason = str(exc) if isinstance(exc, fieldtypes.FieldValueError) else "值无效"
                problems.append(Problem(sheet, row_no, column.header, f"“{raw}” {reason}", raw))
                out[column] = None
        return out, problems

    def _main_sheet(self, title, matched, body, first_row):
        current = None
        for offset, row in enumerate(body):
            row_no = first_row + offset
            if not any(v not in (None, "") and str(v).strip() for v in row):
                continue
            cells, problems = self._cells(title, row_no, row, matched, current)
            parent_values = {c: v for c, v in cells.items() if c.table is None}
            starts = current is None or any(v not in (None, "") for v in parent_values.values())
            if starts:
                current = Parsed(len(self.docs), title, row_no)
                self.docs.append(current)
                for column, value in parent_values.items():
                    if column.field is None:
                        current.name = value
                    else:
                        current.values[column.fieldname] = value
                if current.name:
                    if current.name in self.by_name:
                        problems.append(Problem(title, row_no, cols.ID_HEADER, f"ID “{current.name}” 在文件中重复"))
                    self.by_name.setdefault(current.name, current)
            current.sources.append(SourceRow(title, row_no, list(row)))
            for p in problems:
                p.doc = current.index
            current.problems.extend(problems)
            self._add_child_rows(current, row_no, cells)

    def _add_child_rows(self, doc: Parsed, row_no: int, cells: dict) -> None:
        by_table: dict[str, dict] = {}
        for column, value in cells.items():
            if column.table is not None:
                by_table.setdefault(column.table.fieldname, {})[column.fieldname] = value
        for table, values in by_table.items():
            if any(v not in (None, "") for v in values.values()):
                doc.children.setdefault(table, []).append((row_no, values))

    def _child_sheet(self, title, matched, body, first_row):
        link = next((p for p, c in matched.items() if c.table is None and c.field is None), None)
        for offset, row in enumerate(body):
            row_no = first_row + offset
            if not any(v not in (None, "") and str(v).strip() for v in row):
                continue
            parent = _number_text(row[link]).strip() if link is not None and link < len(row) and row[link] not in (None, "") else ""
            doc = self.by_name.get(parent)
            cells, problems = self._cells(title, row_no, row, {p: c for p, c in matched.items() if c.table is not None}, doc)
            if doc is None:
                self.header_problems.append(Problem(title, row_no, cols.ID_HEADER,
                                                    f"找不到 ID 为“{parent}”的{self.meta.display_name}（子表行须对应主表中的 ID）"
                                                    if parent else "缺少上级记录的 ID"))
                continue
            for p in problems:
                p.doc = doc.index
            doc.problems.extend(problems)
            doc.sources.append(SourceRow(title, row_no, list(row)))
            self._add_child_rows(doc, row_no, cells)


# --------------------------------------------------------------------------- cell checks
def _required(f) -> bool:
    return bool(f.reqd and not f.depends_on and not f.mandatory_depends_on and f.default in (None, "")
                and not f.fetch_from)


def precheck(ctx, reader: Reader) -> None:
    """What can be said of single cells before a document is saved: empty required cells and
    links to records that do not exist (the save then finds what needs the whole document)."""
    meta = reader.meta
    main = {c.fieldname: c for c in cols.main_columns(ctx, meta)}
    inserting = reader.import_type == INSERT
    for parsed in reader.docs:
        for f in meta.data_fields:
            if not _required(f) or cols.server_owned(f):
                continue
            given = f.fieldname in parsed.values
            if (inserting and not given) or (given and parsed.values[f.fieldname] in (None, "")):
                header = main[f.fieldname].header if f.fieldname in main else f.display_label
                parsed.problems.append(Problem(parsed.sheet, parsed.row, header, f"“{f.display_label}”为必填项，不能为空",
                                               doc=parsed.index))
        _check_links(ctx, meta, parsed, parsed.values, parsed.row, main)
        for table, rows in parsed.children.items():
            tf = meta.get_field(table)
            child = ctx.meta(tf.options)
            headers = {c.fieldname: c.header for c in cols.child_columns(ctx, meta, tf)}
            for row_no, values in rows:
                for f in child.data_fields:
                    if _required(f) and not cols.server_owned(f) and values.get(f.fieldname) in (None, ""):
                        parsed.problems.append(Problem(parsed.sheet, row_no, headers.get(f.fieldname, f.display_label),
                                                       f"“{f.display_label}”为必填项，不能为空", doc=parsed.index))
                _check_links(ctx, child, parsed, values, row_no, {k: _Named(v) for k, v in headers.items()})


class _Named:
    def __init__(self, header):
        self.header = header


def _check_links(ctx, meta, parsed: Parsed, values: dict, row_no: int, columns: dict) -> None:
    for f in meta.link_fields:
        value = values.get(f.fieldname)
        if value in (None, "") or cols.server_owned(f):
            continue
        # the importer may link only to what they may read (links.py, the rule every save applies)
        scoped = not f.ignore_user_permissions
        if not links.readable(ctx, f.options, [value], scoped=scoped):
            header = columns[f.fieldname].header if f.fieldname in columns else f.display_label
            reason = "不存在或不在您的权限范围内" if links.limited(ctx, f.options, scoped=scoped) else "不存在"
            parsed.problems.append(Problem(parsed.sheet, row_no, header,
                                           f"链接的{ctx.meta(f.options).display_name}“{value}”{reason}", value, parsed.index))


# --------------------------------------------------------------------------- running
def _apply(ctx, meta, parsed: Parsed, import_type: str, submit: bool):
    """Insert or update one document through the normal lifecycle. Returns (action, name)."""
    values = dict(parsed.values)
    for table, rows in parsed.children.items():
        values[table] = [dict(v) for _, v in rows]
    if import_type == INSERT:
        if parsed.name:
            values["name"] = parsed.name
        doc = ctx.new_doc(meta.name, values)
        doc.flags.importing = True  # the ID column is kept where no counter names (server_fields.py)
        if submit and meta.is_submittable:
            doc.submit()  # docstatus moves only through submit (server_fields.py): create and submit rights
        else:
            doc.insert()
        return "inserted", doc.name
    if not parsed.name:
        raise ValidationError("更新已有记录时 ID 列不能为空", field="name")
    try:
        doc = ctx.get_doc(meta.name, parsed.name, for_update=True)
    except DoesNotExistError:
        raise DoesNotExistError(f"{meta.display_name} “{parsed.name}” 不存在或不在您的权限范围内", field="name") from None
    before = doc.as_dict(convert=False)
    for fieldname, value in parsed.values.items():
        doc.set(fieldname, value)
    for table, rows in parsed.children.items():
        existing = {r.name: r for r in doc.get(table)}
        merged = []
        for _, row in rows:
            old = existing.get(row.get("name")) if row.get("name") else None
            data = old.as_dict(convert=False) if old is not None else {}
            data.update({k: v for k, v in row.items() if k != "name" or v})
            merged.append({k: v for k, v in data.items() if k not in ("doctype", "parent", "parenttype", "parentfield")})
        doc.set(table, merged)
    if _unchanged(meta, ctx, before, doc):
        return "unchanged", doc.name
    doc.save()
    return "updated", doc.name


def _unchanged(meta, ctx, before: dict, doc) -> bool:
    after = doc.as_dict(convert=False)
    for f in meta.data_fields:
        if not same(before.get(f.fieldname), after.get(f.fieldname)):
            return False
    for tf in meta.table_fields:
        old, new = before.get(tf.fieldname) or [], after.get(tf.fieldname) or []
        if len(old) != len(new):
            return False
        child = ctx.meta(tf.options)
        for a, b in zip(old, new):
            if a.get("name") != b.get("name") or any(not same(a.get(f.fieldname), b.get(f.fieldname)) for f in child.data_fields):
                return False
    return True


def _problem_from(exc: Exception, parsed: Parsed, headers: dict) -> Problem:
    if isinstance(exc, SixhaveError):
        reason = exc.message or exc.title
        fieldname = exc.details.get("field")
    else:
        reason, fieldname = f"无法保存：{type(exc).__name__}: {exc}", None
    column = headers.get(fieldname) if isinstance(fieldname, str) else None
    if column is None and isinstance(exc, SixhaveError) and exc.details.get("fields"):
        labels = {h.rstrip(" *"): h for h in headers.values()}
        column = next((labels[label] for label in exc.details["fields"] if label in labels), None)
    return Problem(parsed.sheet, parsed.row, column, reason, exc.details.get("value") if isinstance(exc, SixhaveError) else None,
                   parsed.index)


def check_allowed(ctx, doctype: str, import_type: str) -> None:
    """Importing needs Frappe's `import` right, or the right each row needs anyway (create for
    new records, write for existing ones); every row is then checked on its own."""
    if permissions.has_permission(ctx, doctype, "import"):
        return
    needed = "create" if import_type == INSERT else "write"
    if not permissions.has_permission(ctx, doctype, needed):
        meta = ctx.meta(doctype)
        raise PermissionError(f"没有权限导入{meta.display_name}（需要{permissions.RIGHT_WORDS[needed]}权限）", doctype=doctype)


def run(ctx, doctype: str, data: bytes, import_type: str = INSERT, *, commit: bool = False,
        only_valid: bool = False, submit: bool = False,
        progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Read, check and (with `commit`) import. Without `commit`, or when a row fails and
    `only_valid` is not set, nothing is written: the caller's transaction is rolled back."""
    check_allowed(ctx, doctype, import_type)
    reader = Reader(ctx, doctype, import_type)
    reader.read(data)
    precheck(ctx, reader)
    meta = reader.meta
    headers = {c.fieldname: c.header for c in cols.main_columns(ctx, meta)}
    outcome = Outcome(reader.docs, [], reader.header_problems, reader.sheets)
    with ctx.bulk():  # e.g. a branch's member count is counted once at the end, not per row
        _apply_all(ctx, meta, reader, outcome, headers, import_type, submit, progress)
    failed = bool(outcome.failed_docs or outcome.header_problems)
    outcome.committed = commit and not (failed and not only_valid)
    if not outcome.committed:
        ctx.rollback()
    return outcome


def _apply_all(ctx, meta, reader, outcome: Outcome, headers: dict, import_type: str, submit: bool,
               progress: Callable[[int, int], None] | None) -> None:
    total = len(reader.docs)
    for i, parsed in enumerate(reader.docs, start=1):
        if not parsed.problems:
            # a row is written whole or not at all by insert()/save() themselves (each its own
            # savepoint, Context.atomic), so a failed row leaves nothing behind for the next
            try:
                action, name = _apply(ctx, meta, parsed, import_type, submit)
                setattr(outcome, action, getattr(outcome, action) + 1)
                outcome.names.append(name)
            except Exception as exc:  # noqa: BLE001 - every failure becomes a problem of its row
                parsed.problems.append(_problem_from(exc, parsed, headers))
        if progress and (i % 200 == 0 or i == total):
            progress(i, total)


# --------------------------------------------------------------------------- the failed rows
def failed_rows_workbook(outcome: Outcome, path) -> int:
    """The failed documents' rows, as read, on sheets named as in the upload, each row with its
    reasons in a last column: fix them and upload this file again."""
    failed = outcome.failed_docs
    reasons: dict[tuple[str, int], list[str]] = {}
    for d in failed:
        for p in d.problems:
            reasons.setdefault((p.sheet, p.row), []).append((f"“{p.column}”：" if p.column else "") + p.reason)
    book = excel.new_book()
    for title, headers in outcome.sheets.items():
        keep = [i for i, h in enumerate(headers) if str(h or "").strip() not in IGNORED_HEADERS]
        writer = excel.SheetWriter(book, title, [headers[i] for i in keep] + [ERROR_HEADER])
        for d in failed:
            for source in d.sources:
                if source.sheet != title:
                    continue
                values = [source.values[i] if i < len(source.values) else None for i in keep]
                writer.append(values + ["；".join(reasons.get((title, source.row), [])) or None])
    book.save(path)
    return len(failed)

