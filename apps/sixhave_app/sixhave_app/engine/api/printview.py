"""Print through the API, in Frappe's names: `frappe.utils.print_format.download_pdf` and
`download_multi_pdf`, `frappe.www.printview.get_html_and_style`, the HTML preview at `/printview`,
and the formats a DocType offers. Every door checks the print right on the document inside the
user's scope (out of scope: "does not exist"); what the template sees has no unreadable field."""
from __future__ import annotations

import html as html_lib

from starlette.responses import HTMLResponse, Response

from .. import files, permissions, print_batch, print_formats, printing, reports
from ..errors import DoesNotExistError, SixhaveError, ValidationError
from .request import parse_json_arg, truthy
from .responses import Reply
from .whitelist import whitelist


def attachment(content: bytes, filename: str, media: str) -> Reply:
    headers = files.download_headers(filename)
    return Reply(response=Response(content, media_type=media, headers=headers))


def printable(ctx, doctype, name):
    if not doctype or not isinstance(doctype, str) or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    if not name or not isinstance(name, str):
        raise ValidationError("请指定要打印的单据（name）")
    doc = ctx.get_doc(doctype, name)  # 404 when out of scope
    permissions.check(ctx, doctype, "print", doc)
    return doc


def _render(ctx, doctype, name, format=None, letterhead=None, no_letterhead=0, args=None):
    document = printable(ctx, doctype, name)
    return printing.render_document(ctx, document, format or None, letter_head=letterhead or None,
                                    no_letterhead=truthy(no_letterhead), args=args)


@whitelist(methods=("GET", "POST"))
def get_html_and_style(ctx, doc=None, name=None, print_format=None, doctype=None, no_letterhead=0,
                       letterhead=None, **kwargs) -> dict:
    parsed = parse_json_arg(doc, "doc")
    if isinstance(parsed, dict):
        doctype, name = parsed.get("doctype"), parsed.get("name")
    else:
        doctype = doctype or parsed
    printed = _render(ctx, doctype, name, print_format, letterhead, no_letterhead)
    return {"html": printed.body, "style": printed.style, "print_format": printed.format}


@whitelist(methods=("GET", "POST"))
def download_pdf(ctx, doctype=None, name=None, format=None, no_letterhead=0, letterhead=None, **kwargs) -> Reply:
    printed = _render(ctx, doctype, name, format, letterhead, no_letterhead, _extra_args(kwargs))
    return attachment(printing.html_to_pdf(printed.html), printing.pdf_filename(name), "application/pdf")


def _extra_args(kwargs: dict) -> dict:
    """Query arguments a template may read as `args` (e.g. year=2018), plain strings only."""
    return {k: v for k, v in kwargs.items() if isinstance(v, (str, int)) and not k.startswith("_") and k != "cmd"}


@whitelist(methods=("GET", "POST"))
def download_multi_pdf(ctx, doctype=None, name: str | list | None = None, format=None, filters=None, output="pdf", no_letterhead=0,
                       letterhead=None, **kwargs) -> Reply:
    """Many documents in one PDF (Frappe's `name` is a JSON list) or, with output=zip, a zip of
    PDFs named by each document's title. `filters` may choose the documents instead of names."""
    if not doctype or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    names = parse_json_arg(name, "name")
    if names in (None, "", []):
        names = print_batch.names_for(ctx, doctype, parse_json_arg(filters, "filters"))
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValidationError("name 应为单据名称的 JSON 列表")
    as_zip = str(output or "pdf").lower() == "zip"
    content, _ = print_batch.to_bytes(ctx, doctype, names, format or None, as_zip=as_zip,
                                      letter_head=letterhead or None, no_letterhead=truthy(no_letterhead))
    title = ctx.meta(doctype).display_name
    if as_zip:
        return attachment(content, f"{title}.zip", "application/zip")
    return attachment(content, f"{title}.pdf", "application/pdf")


@whitelist(methods=("GET",))
def formats(ctx, doctype=None, **kwargs) -> list:
    """The formats a print dialog offers for a DocType (default first)."""
    if not doctype or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    permissions.check(ctx, doctype, "print")
    return printing.formats_of(ctx, doctype)


@whitelist(methods=("POST",))
def make_default(ctx, name=None, **kwargs) -> dict:
    if not name:
        raise ValidationError("请指定打印格式")
    return print_formats.make_default(ctx, name)


def page(ctx, caller) -> Reply:
    """`/printview?doctype=&name=&format=` (or `report=&filters=`): the print as an HTML page."""
    args = caller.args
    try:
        if args.get("report"):
            result = reports.run(ctx, args["report"], args.get("filters"))
            printed = printing.render_report(ctx, result, args.get("format") or None)
        else:
            printed = _render(ctx, args.get("doctype"), args.get("name"), args.get("format"),
                              args.get("letterhead"), args.get("no_letterhead"), _extra_args(args))
    except SixhaveError as exc:
        body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html_lib.escape(exc.title)}</title></head>'
                f'<body style="font:20px/1.7 sans-serif;margin:3rem"><h1>{html_lib.escape(exc.title)}</h1>'
                f"<p>{html_lib.escape(exc.message)}</p></body></html>")
        return Reply(response=HTMLResponse(body, status_code=exc.http_status))
    return Reply(response=HTMLResponse(printed.html))
