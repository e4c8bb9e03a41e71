"""Export (Excel/CSV): the same permission predicate as every list, plus the export right.
Printing lives in printview.py."""
from __future__ import annotations

import csv
import io
from urllib.parse import quote

from starlette.responses import Response

from .. import excel, permissions
from ..errors import DoesNotExistError, ValidationError
from . import resource
from .request import parse_json_arg
from .responses import Reply
from .whitelist import whitelist


def _attachment(content: bytes, filename: str, media: str) -> Reply:
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}
    return Reply(response=Response(content, media_type=media, headers=headers))


@whitelist(methods=("GET", "POST"))
def export_query(ctx, doctype=None, fields=None, filters=None, order_by=None, file_format_type="Excel",
                 title=None, **kwargs) -> Reply:
    if not doctype or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    meta = ctx.meta(doctype)
    permissions.check(ctx, doctype, "export")
    fields = parse_json_arg(fields, "fields") or ["name"] + [f.fieldname for f in meta.data_fields if f.in_list_view]
    rows = resource.list_documents(ctx, doctype, {"fields": fields, "filters": filters, "order_by": order_by,
                                                  "limit_page_length": 0}, ptype="export")
    keys = list(rows[0].keys()) if rows else [f if isinstance(f, str) else str(f) for f in fields]
    columns = [(k, meta.label_of(k)) for k in keys]
    return table_file(title or meta.display_name, columns, rows, file_format_type)


def table_file(name: str, columns: list[tuple[str, str]], rows: list[dict], file_format_type="Excel") -> Reply:
    """Rows as the file an official downloads: Excel (typed cells) or CSV (UTF-8 with BOM)."""
    if str(file_format_type).upper() == "CSV":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([label for _, label in columns])
        for row in rows:
            writer.writerow(["" if row.get(k) is None else row.get(k) for k, _ in columns])
        return _attachment(("\ufeff" + buffer.getvalue()).encode("utf-8"), f"{name}.csv", "text/csv; charset=utf-8")
    if str(file_format_type).lower() not in ("excel", "xlsx"):
        raise ValidationError("file_format_type 应为 Excel 或 CSV")
    content = excel.rows_to_xlsx(name, columns, rows)
    return _attachment(content, f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
