"""The print format editor's server side: copy a format, check a template as it is typed (every
problem with its line, by the one sandbox check of print_sandbox.py), preview the unsaved
template and style on a real document the administrator picks (HTML, or the PDF), and the
"columns and fields" builder that writes the same kind of Jinja template for people who do not
write HTML. The preview goes through the document's own doors: read and print rights, scope and
the permission-filtered view every template sees."""
from __future__ import annotations

import html as html_lib

from . import print_sandbox, printing, studio
from .api.printview import attachment, printable
from .api.request import parse_json_arg
from .api.whitelist import whitelist
from .errors import DoesNotExistError, SixhaveError, ValidationError

PAGE_KEYS = ("page_size", "orientation", "page_number", "font_size", "margin_top", "margin_bottom", "margin_left",
             "margin_right")
COPY_KEYS = ("doc_type", "module", "print_format_for", "report", "print_format_type", "custom_format", "description",
             "html", "css") + PAGE_KEYS


def _text(value, field: str, limit: int = 500_000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{field} 应为文本", field=field)
    if len(value) > limit:
        raise ValidationError(f"{field} 过长（最多 {limit} 个字符）", field=field)
    return value


def check(ctx, source: str) -> list[dict]:
    """[{line, message}] — every reason the template would be refused on save."""
    env = printing.renderer(ctx.site).env
    return [{"line": line if isinstance(line, int) else None, "message": ("语法错误：" if syntax else "") + text}
            for line, text, syntax in print_sandbox.findings(env, source)]


@whitelist(methods=("POST",))
def copy(ctx, source=None, new_name=None, **kwargs) -> dict:
    """A copy of `source` (standard or not) under `new_name`: the administrator's own format."""
    studio.require(ctx, "print_format")
    new_name = _text(new_name, "new_name", 140).strip()
    if not new_name:
        raise ValidationError("请填写新打印格式的名称", field="new_name")
    if ctx.exists("Print Format", new_name):
        raise ValidationError(f"打印格式 “{new_name}” 已存在，请换一个名称", field="new_name")
    if not isinstance(source, str) or not ctx.exists("Print Format", source):
        raise DoesNotExistError(f"打印格式 “{source}” 不存在")
    original = ctx.get_doc("Print Format", source).as_dict(convert=False)
    values = {k: original.get(k) for k in COPY_KEYS if original.get(k) is not None}
    values.update(name=new_name, standard="No", default=0, disabled=0)
    doc = ctx.new_doc("Print Format", values)
    doc.insert()
    return doc.as_dict()


def _spec(ctx, doctype: str, name: str | None, html: str, css: str, page: dict) -> printing.PrintFormat:
    record = {"name": name or "（未保存的格式）", "doc_type": doctype, "html": html, "css": css,
              "modified": f"preview:{hash((html, css))}"}
    for key in PAGE_KEYS:
        if page.get(key) not in (None, ""):
            record[key] = page[key]
    try:
        return printing.PrintFormat.from_record(record)
    except (TypeError, ValueError):
        raise ValidationError("页面设置（字号、边距）应为数字") from None


def _render(ctx, doctype, name, html, css, page, format_name):
    html, css = _text(html, "html"), _text(css, "css")
    if "</style" in css.lower():
        raise ValidationError("CSS 中不能含有 </style>", field="css")
    document = printable(ctx, doctype, name)
    problems = check(ctx, html)
    if problems:
        return None, problems
    page = parse_json_arg(page, "page") or {}
    if not isinstance(page, dict):
        raise ValidationError("page 应为对象", field="page")
    spec = _spec(ctx, document.doctype, format_name, html, css, page)
    try:
        printed = printing.render_document(ctx, document, spec=spec, no_letterhead=True)
    except SixhaveError as exc:
        return None, [{"line": _line_of(exc.message), "message": exc.message}]
    return printed, []


def _line_of(message: str) -> int | None:
    import re

    found = re.search(r"第 (\d+) 行", message or "")
    return int(found.group(1)) if found else None


@whitelist(methods=("POST",))
def preview(ctx, doctype=None, name=None, html=None, css=None, page=None, format_name=None, **kwargs) -> dict:
    """The unsaved template rendered on document `name`: {html} or {errors: [{line, message}]}."""
    studio.require(ctx, "print_format")
    printed, problems = _render(ctx, doctype, name, html, css, page, format_name)
    if problems:
        return {"ok": False, "errors": problems}
    return {"ok": True, "errors": [], "html": printed.html}


# What a printed page may do in the browser: show its own styles and data: images, nothing else
# (an administrator's template is text and markup; no script runs from it).
PRINT_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"


def html_page(body: str, status: int = 200):
    from starlette.responses import HTMLResponse

    from .api.responses import Reply

    return Reply(response=HTMLResponse(body, status_code=status, headers={"Content-Security-Policy": PRINT_PAGE_CSP}))


@whitelist(methods=("POST",))
def preview_page(ctx, doctype=None, name=None, html=None, css=None, page=None, format_name=None, **kwargs):
    """The preview as a page (a form posted into the editor's frame): the rendered print, or the
    problems with their lines."""
    studio.require(ctx, "print_format")
    printed, problems = _render(ctx, doctype, name, html, css, page, format_name)
    if problems:
        items = "".join(f"<li>{'第 %s 行：' % p['line'] if p['line'] else ''}{html_lib.escape(p['message'])}</li>"
                        for p in problems)
        return html_page('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head>'
                         f'<body style="font:18px/1.7 sans-serif;margin:2rem;color:#b3261e"><ul>{items}</ul></body></html>')
    return html_page(printed.html)


@whitelist(methods=("POST",))
def preview_pdf(ctx, doctype=None, name=None, html=None, css=None, page=None, format_name=None, **kwargs):
    studio.require(ctx, "print_format")
    printed, problems = _render(ctx, doctype, name, html, css, page, format_name)
    if problems:
        raise ValidationError("；".join(f"第 {p['line']} 行：{p['message']}" if p["line"] else p["message"]
                                       for p in problems[:3]), field="html")
    return attachment(printing.html_to_pdf(printed.html), printing.pdf_filename(format_name or name),
                      "application/pdf")


@whitelist(methods=("POST",))
def validate(ctx, html=None, **kwargs) -> dict:
    studio.require(ctx, "print_format")
    problems = check(ctx, _text(html, "html"))
    return {"ok": not problems, "errors": problems}


# --------------------------------------------------------------------------- the builder
BUILDER_CSS = """h1.title { font-size: 18pt; text-align: center; margin: 0 0 5mm; }
table.fields th { width: 18%; background: #f2f2f2; font-weight: normal; text-align: left; }
table.fields td { text-align: left; }
table.rows th { background: #f2f2f2; text-align: center; }
h3 { font-size: 12pt; margin: 4mm 0 2mm; }
.signature { margin-top: 10mm; text-align: right; }
"""


def _esc(text) -> str:
    return html_lib.escape(str(text or ""), quote=True)


def build(ctx, doctype: str, layout: dict) -> dict:
    """A Jinja template (and its CSS) from a plain layout: a title, fields in 1–3 columns, child
    tables with chosen columns, and an optional signature line. Names are checked against the
    DocType; labels are written in, so the result reads as the administrator chose it."""
    if not isinstance(doctype, str) or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    meta = ctx.meta(doctype)
    if not isinstance(layout, dict):
        raise ValidationError("layout 应为对象", field="layout")
    try:
        columns = int(layout.get("columns") or 2)
    except (TypeError, ValueError):
        columns = 0
    if not 1 <= columns <= 3:
        raise ValidationError("每行栏数须为 1、2 或 3", field="columns")
    fields = layout.get("fields") or []
    tables = layout.get("tables") or []
    if not isinstance(fields, list) or not isinstance(tables, list):
        raise ValidationError("fields 与 tables 应为列表", field="fields")
    for i, fieldname in enumerate(fields, start=1):
        f = meta.get_field(fieldname) if isinstance(fieldname, str) else None
        if f is None or f.is_table or not f.has_column:
            raise ValidationError(f"第 {i} 个字段 “{fieldname}” 不是{meta.display_name}可打印的字段", field="fields")
    lines = [f'<h1 class="title">{_esc(layout.get("title") or meta.display_name)}</h1>']
    if fields:
        lines.append('<table class="fields"><tbody>')
        for start in range(0, len(fields), columns):
            cells = []
            for fieldname in fields[start:start + columns]:
                f = meta.get_field(fieldname)
                value = f"{{{{ doc.{fieldname}|num }}}}" if f.kind.decimal else \
                    f"{{{{ doc.{fieldname} }}}}"
                cells.append(f"<th>{_esc(f.display_label)}</th><td>{value}</td>")
            pad = "<th></th><td></td>" * (columns - len(cells))
            lines.append("  <tr>" + "".join(cells) + pad + "</tr>")
        lines.append("</tbody></table>")
    for i, table in enumerate(tables, start=1):
        tf = meta.get_field(table.get("fieldname")) if isinstance(table, dict) else None
        if tf is None or not tf.is_table:
            raise ValidationError(f"第 {i} 个表格不是{meta.display_name}的子表", field="tables")
        child = ctx.meta(tf.options)
        chosen = table.get("columns") or [f.fieldname for f in child.data_fields if f.in_list_view][:6]
        for fieldname in chosen:
            if not isinstance(fieldname, str) or child.get_field(fieldname) is None:
                raise ValidationError(f"表格 “{tf.display_label}” 没有列 “{fieldname}”", field="tables")
        head = "".join(f"<th>{_esc(child.get_field(c).display_label)}</th>" for c in chosen)
        body = "".join(f"<td>{{{{ row.{c} }}}}</td>" for c in chosen)
        lines += [f"<h3>{_esc(table.get('title') or tf.display_label)}</h3>",
                  f'<table class="rows"><thead><tr><th>序号</th>{head}</tr></thead>',
                  f"<tbody>{{% for row in doc.{tf.fieldname} %}}<tr><td>{{{{ loop.index }}}}</td>{body}</tr>{{% endfor %}}</tbody>",
                  "</table>"]
    if layout.get("signature"):
        lines.append(f'<p class="signature">{_esc(layout.get("signature"))}</p>')
    return {"html": "\n".join(lines) + "\n", "css": BUILDER_CSS}


@whitelist(methods=("POST",))
def builder(ctx, doctype=None, layout=None, **kwargs) -> dict:
    studio.require(ctx, "print_format")
    result = build(ctx, doctype, parse_json_arg(layout, "layout"))
    problems = check(ctx, result["html"])
    if problems:  # the builder writes only what the sandbox accepts; this guards the guard
        raise ValidationError(problems[0]["message"])
    return result


@whitelist(methods=("GET",))
def fields(ctx, doctype=None, **kwargs) -> dict:
    """The fields and child tables the builder offers for `doctype`."""
    studio.require(ctx, "print_format")
    if not isinstance(doctype, str) or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    meta = ctx.meta(doctype)
    plain = [{"fieldname": f.fieldname, "label": f.display_label, "fieldtype": f.fieldtype}
             for f in meta.data_fields if f.has_column and not f.is_table and f.kind.printed]
    tables = [{"fieldname": tf.fieldname, "label": tf.display_label,
               "columns": [{"fieldname": c.fieldname, "label": c.display_label, "in_list_view": int(bool(c.in_list_view))}
                           for c in ctx.meta(tf.options).data_fields if c.kind.printed]}
              for tf in meta.table_fields]
    return {"fields": plain, "tables": tables}
