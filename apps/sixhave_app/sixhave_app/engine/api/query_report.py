"""Reports through the API in Frappe's names: `frappe.desk.query_report.run`, `get_script` and
`export_query`, and the report printed (`sixhave.report.download_pdf`, `/printview?report=`)."""
from __future__ import annotations

import json

from .. import printing, reports
from ..errors import ValidationError
from .export import table_file
from .printview import attachment
from .request import parse_json_arg
from .responses import Reply
from .whitelist import whitelist


@whitelist(methods=("GET", "POST"))
def run(ctx, report_name=None, filters=None, **kwargs) -> dict:
    return reports.run(ctx, report_name, filters)


@whitelist(methods=("GET", "POST"))
def get_script(ctx, report_name=None, **kwargs) -> dict:
    """The report's declared filters, as Frappe's client expects them (a script that registers
    `frappe.query_reports[name]`) and as plain data for our desk."""
    report = reports.get_report(ctx, report_name)
    reports.check_permitted(ctx, report)
    filters = [{k: v for k, v in f.items() if not callable(v)} for f in reports.declared_filters(ctx, report)]
    script = f"frappe.query_reports[{json.dumps(report.name, ensure_ascii=False)}] = " \
             f"{json.dumps({'filters': filters}, ensure_ascii=False)};"
    formats = ctx.get_all("Print Format", filters={"print_format_for": "Report", "report": report.name, "disabled": 0},
                          pluck="name", ignore_permissions=True)
    return {"script": script, "html_format": None, "execution_time": 0, "filters": filters,
            "report_type": report.report_type, "ref_doctype": report.ref_doctype, "print_formats": formats,
            "add_total_row": int(bool(report.add_total_row)), "description": report.description}


def _form(report_name, filters, file_format_type, form_params):
    params = parse_json_arg(form_params, "form_params") or {}
    if not isinstance(params, dict):
        raise ValidationError("form_params 应为 JSON 对象")
    return (params.get("report_name") or report_name, params.get("filters", filters),
            params.get("file_format_type") or file_format_type or "Excel")


@whitelist(methods=("GET", "POST"))
def export_query(ctx, report_name=None, filters=None, file_format_type=None, form_params=None, **kwargs) -> Reply:
    """The report's rows as an Excel file (or CSV) with the columns' labels; the same result as
    `run` for this user (scope and readable fields)."""
    report_name, filters, file_format_type = _form(report_name, filters, file_format_type, form_params)
    result = reports.run(ctx, report_name, filters)
    columns = [(c["fieldname"], c["label"]) for c in result["columns"]]
    rows = [dict(r) for r in result["result"]]
    for row in rows:
        if row.pop("is_total_row", None):
            row.setdefault(columns[0][0], reports.TOTAL_LABEL)
    return table_file(report_name, columns, rows, file_format_type)


@whitelist(methods=("GET", "POST"))
def download_pdf(ctx, report_name=None, filters=None, format=None, **kwargs) -> Reply:
    """The report printed through its format (a Print Format "for Report") or as a plain table."""
    result = reports.run(ctx, report_name, filters)
    printed = printing.render_report(ctx, result, format or None)
    return attachment(printing.html_to_pdf(printed.html), printing.pdf_filename(report_name), "application/pdf")


@whitelist(methods=("GET", "POST"))
def get_html(ctx, report_name=None, filters=None, format=None, **kwargs) -> dict:
    result = reports.run(ctx, report_name, filters)
    printed = printing.render_report(ctx, result, format or None)
    return {"html": printed.body, "style": printed.style, "print_format": printed.format}
