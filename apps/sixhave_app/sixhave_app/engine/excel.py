"""Excel files (the electronic copy officials exchange): cells written typed and never as formulas,
sheets streamed in openpyxl's write-only mode (bounded memory at any size), and workbooks read back
from what Excel, WPS or LibreOffice saved (python-calamine when installed, openpyxl otherwise)."""
from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

_THIN = Side(style="thin", color="999999")
BORDER = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
HEADER_FONT = Font(bold=True, size=12)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
REQUIRED_FILL = PatternFill("solid", fgColor="FDE2E1")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
# Text a spreadsheet would read as the start of a formula (or of a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_EXACT_DIGITS = 15  # Excel keeps 15 significant digits; longer decimals are written as text
# openpyxl's own formats for these types, so that a date needs no style of its own
DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss", "h:mm:ss"
# Formats a plain value gets anyway ("0" for an int is General's look): no styled cell needed
_IMPLIED_FORMATS = {None, "0", DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT}


def is_formula_like(text: str) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def safe_cell(sheet, value, *, number_format: str | None = None, font=None, fill=None, alignment=None,
              border=None) -> WriteOnlyCell:
    """The one way a value becomes a cell: typed (numbers, exact decimals, dates), and text —
    even text starting with = + - @ tab or CR — always stored as text, never as a formula."""
    value = cell_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        if is_formula_like(value):
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, dt.time):
        cell.number_format = TIME_FORMAT
    for attr, style in (("font", font), ("fill", fill), ("alignment", alignment), ("border", border)):
        if style is not None:
            setattr(cell, attr, style)
    return cell


def cell_value(value):
    """A Python value as a cell holds it: exact decimals as numbers when Excel can hold them
    exactly, as text otherwise; JSON as text; nothing else converted."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        digits = len(value.as_tuple().digits)
        return value if digits <= MAX_EXACT_DIGITS else format(value, "f")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def csv_cell(value):
    """The one way a value becomes a CSV cell: as cell_value makes it, and text a spreadsheet
    would take for a formula prefixed with an apostrophe (CSV has no other way to say "text")."""
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return "'" + value if is_formula_like(value) else value


def write_csv(out, headers, rows) -> int:
    """Headers and rows (iterables of values) to a text stream as CSV, every cell through
    csv_cell; returns the number of rows. Callers open `out` as UTF-8 with BOM, for Excel."""
    import csv

    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count


def decimal_format(places: int, *, thousands: bool = False) -> str:
    body = "#,##0" if thousands else "0"
    return body + ("." + "0" * places if places else "")


# --------------------------------------------------------------------------- writing
class SheetWriter:
    """One write-only sheet: a styled, frozen header row with column widths, then rows streamed
    straight to disk."""

    def __init__(self, book: Workbook, title: str, headers: list[str], *, widths: list[float] | None = None,
                 formats: list[str | None] | None = None, required: list[bool] | None = None):
        self.sheet = book.create_sheet(title=sheet_title(title, book))
        self.formats = formats or [None] * len(headers)
        self.styles = [None if f in _IMPLIED_FORMATS else f for f in self.formats]
        self.rows = 0
        for index, width in enumerate(widths or [max(len(h) * 2 + 2, 10) for h in headers], start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), 60)
        self.sheet.freeze_panes = "A2"
        required = required or [False] * len(headers)
        self.sheet.append([safe_cell(self.sheet, h, font=HEADER_FONT, fill=REQUIRED_FILL if req else HEADER_FILL,
                                     alignment=HEADER_ALIGN, border=BORDER) for h, req in zip(headers, required)])

    def append(self, values) -> None:
        """A row of values. A cell is styled only where its column's format says more than the
        value's type does (decimals, thousands, "@" text) or where text looks like a formula;
        every other value goes to openpyxl as it is, which writes it typed (str as text, never
        as a formula: openpyxl reads only "=…" as one, and those are styled cells here)."""
        sheet, row = self.sheet, []
        for value, style in zip(values, self.styles):
            value = cell_value(value)
            if value is None:
                row.append(None)
            elif style is not None or (value.__class__ is str and value.startswith(FORMULA_STARTS)):
                row.append(safe_cell(sheet, value, number_format=style))
            else:
                row.append(value)
        sheet.append(row)
        self.rows += 1


def sheet_title(title: str, book: Workbook | None = None) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    clean = "".join("_" if ch in '[]:*?/\\' else ch for ch in (title or "Sheet")).strip("'")[:31] or "Sheet"
    if book is None:
        return clean
    taken = set(book.sheetnames)
    candidate, n = clean, 1
    while candidate in taken:
        n += 1
        candidate = f"{clean[:28]}_{n}"
    return candidate


def new_book() -> Workbook:
    return Workbook(write_only=True)


def rows_to_xlsx(title: str, columns: list[tuple[str, str]], rows: list[dict]) -> bytes:
    """A small workbook in memory: `columns` are (key, label) pairs, values written typed."""
    book = new_book()
    widths = [max([len(str(label)) * 2] + [len(str(r.get(key) or "")) for r in rows[:200]]) + 2 for key, label in columns]
    writer = SheetWriter(book, title, [label for _, label in columns], widths=widths)
    for row in rows:
        writer.append([row.get(key) for key, _ in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading
class WorkbookError(ValueError):
    """A file that is not a workbook we can read."""


def read_workbook(source: Path | bytes) -> list[tuple[str, list[list]]]:
    """Every sheet as (name, rows of cell values), in the file's order. Numbers come back as
    int or float (callers coerce them by field type), dates as date/datetime, text as str."""
    data = source if isinstance(source, (bytes, bytearray)) else Path(source).read_bytes()
    if not data.startswith(b"PK"):
        raise WorkbookError("文件不是 Excel 工作簿（.xlsx）")
    try:
        return _read_calamine(data)
    except ImportError:
        return _read_openpyxl(data)


def _read_calamine(data: bytes) -> list[tuple[str, list[list]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [(name, [list(r) for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False)])
                for name in book.sheet_names]
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise WorkbookError(f"无法读取工作簿：{exc}") from None


def _read_openpyxl(data: bytes) -> list[tuple[str, list[list]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001
        raise WorkbookError(f"无法读取工作簿：{exc}") from None
    try:
        return [(ws.title, [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)])
                for ws in book.worksheets]
    finally:
        book.close()
