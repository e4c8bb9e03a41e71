"""Export (Excel/CSV): the same permission predicate as every list, plus the export right (printing
lives in printview.py). Exports stream to a temporary file that the response sends and
then removes; `sixhave.export.start` runs the same export as a background job."""
from __future__ import annotations

import os
import re
import tempfile

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from .. import data_export, excel, files, jobs, permissions
from ..errors import DoesNotExistError, PermissionError, ValidationError
from .request import parse_json_arg, truthy
from .responses import Reply
from .whitelist import whitelist

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_QUALIFIED = re.compile(r"^`?tab([^`.]+)`?\.`?([a-zA-Z0-9_]+)`?$")


def _attachment(content: bytes, filename: str, media: str) -> Reply:
    return Reply(response=Response(content, media_type=media, headers=files.download_headers(filename)))


def file_reply(path: str, filename: str, media: str, *, remove: bool = True) -> Reply:
    """A file made for this request, sent as a download under a safe name (files.content_disposition)."""
    headers = files.download_headers(filename)
    task = BackgroundTask(os.unlink, path) if remove else None
    return Reply(response=FileResponse(path, media_type=media, headers=headers, background=task))


def _doctype(ctx, doctype) -> str:
    if not doctype or not isinstance(doctype, str) or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    return doctype


def export_fields(doctype: str, fields) -> tuple[list[str] | None, bool]:
    """Frappe sends `tabDocType`.`field` strings; plain fieldnames are accepted too. Returns the
    parent's fields (None: all) and whether child-table columns were asked for."""
    fields = parse_json_arg(fields, "fields")
    if fields in (None, "", []):
        return None, True
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    if not isinstance(fields, list):
        raise ValidationError("参数 fields 应为字段名列表", field="fields")
    out, children = [], False
    for spec in fields:
        if not isinstance(spec, str):
            raise ValidationError(f"字段 “{spec}” 应为文本", field="fields")
        match = _QUALIFIED.match(spec.strip())
        if match and match.group(1) != doctype:
            children = True
            continue
        name = match.group(2) if match else spec.strip().strip("`")
        if name not in out:
            out.append(name)
    return out or None, children


@whitelist(methods=("GET", "POST"))
def export_query(ctx, doctype=None, fields=None, filters=None, order_by=None, file_format_type="Excel",
                 title=None, **kwargs) -> Reply:
    doctype = _doctype(ctx, doctype)
    meta = ctx.meta(doctype)
    if meta.istable:  # a table's rows, for whoever can read their documents
        return child_export(ctx, doctype, fields, filters, order_by, file_format_type, title, kwargs.get("parent_doctype"))
    permissions.check(ctx, doctype, "export")
    chosen, children = export_fields(doctype, fields)
    filters = parse_json_arg(filters, "filters")
    name = files.safe_filename(title or meta.display_name)
    kind = str(file_format_type or "Excel").lower()
    if kind not in ("excel", "xlsx", "csv"):
        raise ValidationError("file_format_type 应为 Excel 或 CSV", field="file_format_type")
    suffix = ".csv" if kind == "csv" else ".xlsx"
    handle, path = tempfile.mkstemp(prefix="sixhave-export-", suffix=suffix)
    os.close(handle)
    try:
        if kind == "csv":
            data_export.export_csv(ctx, doctype, path, fields=chosen, filters=filters, order_by=order_by or None)
            return file_reply(path, f"{name}.csv", "text/csv; charset=utf-8")
        data_export.export_list(ctx, doctype, path, fields=chosen, filters=filters, order_by=order_by or None,
                                child_tables=chosen is None or children, title=title)
        return file_reply(path, f"{name}.xlsx", XLSX)
    except BaseException:
        os.unlink(path)
        raise


@whitelist(methods=("POST",))
def start_export(ctx, doctype=None, fields=None, filters=None, order_by=None, child_tables=1, file_name=None,
                 **kwargs) -> dict:
    """The same export as a background job (long queue): returns the job; its result is the file."""
    doctype = _doctype(ctx, doctype)
    meta = ctx.meta(doctype)
    permissions.check(ctx, doctype, "export")
    chosen, children = export_fields(doctype, fields)
    file_name = files.safe_filename(file_name or meta.display_name)
    file_name = file_name if file_name.lower().endswith(".xlsx") else file_name + ".xlsx"
    name = jobs.enqueue(ctx, "sixhave_app.engine.data_export.export_job", queue="long",
                        job_title=f"导出{meta.display_name}", reference=("DocType", doctype), doctype=doctype,
                        fields=chosen, filters=parse_json_arg(filters, "filters"), order_by=order_by or None,
                        child_tables=truthy(child_tables, True) and (chosen is None or children),
                        file_name=file_name)
    return {"job": name, "name": name, "status_url": f"/api/method/sixhave.jobs.status?name={name}"}


@whitelist(methods=("POST",))
def start_pdf_batch(ctx, doctype=None, names=None, filters=None, file_name=None, format=None, **kwargs) -> dict:
    """PDFs of many documents (by `names`, or every document `filters` selects) as a zip, rendered
    by the background workers in parallel; returns the job to follow."""
    from .. import print_jobs

    doctype = _doctype(ctx, doctype)
    names = parse_json_arg(names, "names")
    if names in (None, "", []):
        names = ctx.get_list(doctype, filters=parse_json_arg(filters, "filters"), pluck="name", limit_page_length=0,
                             ptype="print")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValidationError("names 应为单据编号的列表", field="names")
    if not names:
        raise ValidationError("没有可打印的单据", field="names")
    job = print_jobs.start_batch(ctx, doctype, names, file_name=file_name, print_format=format or None)
    return {"job": job, "count": len(names), "status_url": f"/api/method/sixhave.jobs.status?name={job}"}


def table_file(name: str, columns: list[tuple[str, str]], rows: list[dict], file_format_type="Excel") -> Reply:
    """Rows already in memory (a report's answer) as the file an official downloads: Excel with
    typed, never-formula cells, or CSV (UTF-8 with BOM, formula-like text prefixed)."""
    import io

    kind = str(file_format_type or "Excel").lower()
    if kind == "csv":
        buffer = io.StringIO()
        excel.write_csv(buffer, [label for _, label in columns], ([row.get(k) for k, _ in columns] for row in rows))
        return _attachment(("\ufeff" + buffer.getvalue()).encode("utf-8"), f"{name}.csv", "text/csv; charset=utf-8")
    if kind not in ("excel", "xlsx"):
        raise ValidationError("file_format_type 应为 Excel 或 CSV", field="file_format_type")
    return _attachment(excel.rows_to_xlsx(name, columns, rows), f"{name}.xlsx", XLSX)


def child_export(ctx, child: str, fields, filters, order_by, file_format_type, title, parent_doctype) -> Reply:
    meta = ctx.meta(child)
    chosen = export_fields(child, fields)[0] or [f.fieldname for f in meta.data_fields if f.in_list_view]
    rows = child_rows(ctx, child, chosen, parse_json_arg(filters, "filters"), order_by, parent_doctype)
    columns = [(k, meta.label_of(k)) for k in chosen]
    return table_file(files.safe_filename(title or meta.display_name), columns, rows, file_format_type)


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

