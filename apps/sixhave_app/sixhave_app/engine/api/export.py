"""Export (Excel/CSV) and print (HTML/PDF): the same permission predicate as every list, plus
the export and print rights."""
from __future__ import annotations

import csv
import io
from urllib.parse import quote

from starlette.responses import Response

from .. import excel, permissions, printing
from ..errors import DoesNotExistError, PermissionError, ValidationError
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
    if meta.istable:
        fields = parse_json_arg(fields, "fields") or [f.fieldname for f in meta.data_fields if f.in_list_view]
        rows = child_rows(ctx, doctype, fields, parse_json_arg(filters, "filters"), order_by, kwargs.get("parent_doctype"))
    else:
        permissions.check(ctx, doctype, "export")
        fields = parse_json_arg(fields, "fields") or ["name"] + [f.fieldname for f in meta.data_fields if f.in_list_view]
        rows = resource.list_documents(ctx, doctype, {"fields": fields, "filters": filters, "order_by": order_by,
                                                      "limit_page_length": 0}, ptype="export")
    keys = list(rows[0].keys()) if rows else [f if isinstance(f, str) else str(f) for f in fields]
    columns = [(k, meta.label_of(k)) for k in keys]
    name = title or meta.display_name
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


def parent_doctype_of(ctx, child: str, given: str | None = None) -> str:
    """The DocType whose table field holds `child` rows (the one named, when it does)."""
    holders = [name for name in ctx.site.metas.all_names() if not ctx.meta(name).istable
               and any(tf.options == child for tf in ctx.meta(name).table_fields)]
    if given:
        if given not in holders:
            raise ValidationError(f"{given} 没有 {ctx.meta(child).display_name} 子表")
        return given
    if len(holders) != 1:
        raise ValidationError(f"请指定 parent_doctype（{ctx.meta(child).display_name} 属于：{'、'.join(holders) or '无'}）")
    return holders[0]


def child_rows(ctx, child: str, fields: list, filters, order_by, parent_doctype: str | None = None) -> list[dict]:
    """A child table's rows are the parent's: whoever can read a document can export its rows
    (the fields of the levels they may read), and only the rows of documents they can read."""
    parent = parent_doctype_of(ctx, child, parent_doctype)
    permissions.check(ctx, parent, "read")
    meta = ctx.meta(child)
    levels = permissions.rights_for(ctx, parent).readable_levels() | {0}
    wanted = [f for f in fields if isinstance(f, str)]
    for name in wanted:
        field = meta.get_field(name)
        if field is not None and (field.permlevel or 0) not in levels and not permissions.is_unrestricted(ctx):
            raise PermissionError(f"没有权限读取{meta.display_name}的字段 “{meta.label_of(name)}”", field=name)
    rows = ctx.get_all(child, fields=list(dict.fromkeys([*wanted, "parent"])),
                       filters=[*(_as_list(filters)), ["parenttype", "=", parent]],
                       order_by=order_by or "parent asc, idx asc", limit_page_length=0, ignore_permissions=True)
    parents = sorted({r["parent"] for r in rows})
    readable: set[str] = set()
    for start in range(0, len(parents), 1000):
        readable |= set(ctx.get_list(parent, filters=[["name", "in", parents[start:start + 1000]]], pluck="name",
                                     limit_page_length=0))
    keep_parent = "parent" in wanted
    return [{k: v for k, v in r.items() if keep_parent or k != "parent"} for r in rows if r["parent"] in readable]


def _as_list(filters) -> list:
    if not filters:
        return []
    if isinstance(filters, dict):
        return [[k, *(v if isinstance(v, (list, tuple)) and len(v) == 2 and isinstance(v[0], str) else ["=", v])]
                for k, v in filters.items()]
    return list(filters)


def _printable(ctx, doctype, name):
    if not doctype or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    doc = ctx.get_doc(doctype, name)  # 404 when out of scope
    permissions.check(ctx, doctype, "print", doc)
    return doc


@whitelist(methods=("GET", "POST"))
def get_html_and_style(ctx, doc=None, name=None, print_format=None, doctype=None, **kwargs) -> dict:
    parsed = parse_json_arg(doc, "doc")
    if isinstance(parsed, dict):
        doctype, name = parsed.get("doctype"), parsed.get("name")
    else:
        doctype = doctype or parsed
    document = _printable(ctx, doctype, name)
    html = printing.standard_html(ctx, document, permissions.readable_fieldnames(ctx, doctype))
    return {"html": html, "style": printing.A4_STYLE}


@whitelist(methods=("GET", "POST"))
def download_pdf(ctx, doctype=None, name=None, format=None, no_letterhead=0, **kwargs) -> Reply:
    document = _printable(ctx, doctype, name)
    html = printing.standard_html(ctx, document, permissions.readable_fieldnames(ctx, doctype))
    return _attachment(printing.html_to_pdf(html), f"{name}.pdf", "application/pdf")
