"""Excel files (the electronic copy officials exchange): rows with Chinese column labels."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

_THIN = Side(style="thin", color="999999")


def rows_to_xlsx(title: str, columns: list[tuple[str, str]], rows: list[dict]) -> bytes:
    """`columns` are (key, label) pairs; values are written typed (numbers stay numbers)."""
    book = Workbook()
    sheet = book.active
    sheet.title = (title or "Sheet")[:31]
    sheet.append([label for _, label in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True, size=12)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([_cell(row.get(key)) for key, _ in columns])
    for index, (key, label) in enumerate(columns, start=1):
        width = max([len(str(label)) * 2] + [len(str(r.get(key) or "")) for r in rows[:200]]) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), 60)
    for line in sheet.iter_rows():
        for cell in line:
            cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value
