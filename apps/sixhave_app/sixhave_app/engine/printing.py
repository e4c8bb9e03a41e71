"""Printing: a document (or a report's result) rendered through a Print Format to A4 HTML and to
PDF with WeasyPrint and Debian's Noto CJK fonts.

A Print Format is data (core/doctype/print_format): a Jinja template run in the sandbox of
print_sandbox.py. The template receives `doc` — a read-only view of the document from which every
field the user may not read has already been removed (permlevels), so no template, shipped or
edited, can print what the user could not open — and helpers: the pure ones of print_helpers.py,
`records()` (a list through the user's permissions), `image()` (an attachment the user may read),
`tree_path()`, and those the apps declare in hooks.py (`print_helpers`). "Standard" is the
generic layout of every printable field. PDFs fetch nothing from outside: only `data:` URLs.
"""
from __future__ import annotations

import base64
import gc
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from . import permissions, print_helpers, print_sandbox
from .values import to_json_value
from .errors import DoesNotExistError, ValidationError

STANDARD = "Standard"
FONT_STACK = '"Noto Serif CJK SC", "Noto Serif CJK", "Noto Sans CJK SC", serif'
PAGE_NUMBER = '"第 " counter(page) " 页 共 " counter(pages) " 页"'
PAGE_NUMBER_PLACES = {"Bottom Center": "bottom-center", "Bottom Right": "bottom-right"}

# The rules every print shares: CJK serif, tables that break between rows with the header row
# repeated on each page, and no row split across two pages.
BASE_STYLE = f"""
html {{ font-family: {FONT_STACK}; color: #000; }}
body {{ margin: 0; font-size: 11pt; line-height: 1.5; }}
table {{ width: 100%; border-collapse: collapse; }}
thead {{ display: table-header-group; }}
tfoot {{ display: table-footer-group; }}
tr, img, .keep {{ page-break-inside: avoid; break-inside: avoid; }}
th, td {{ border: 0.6pt solid #000; padding: 1.2mm 1.8mm; vertical-align: middle; }}
h1, h2, h3 {{ page-break-after: avoid; break-after: avoid; }}
.letter-head {{ margin-bottom: 4mm; }}
"""

A4_STYLE = """
h1 { font-size: 18pt; text-align: center; margin: 0 0 6mm; }
.standard th { width: 30%; background: #f2f2f2; font-weight: normal; text-align: left; }
.standard td { text-align: left; }
.standard.child th { width: auto; text-align: center; }
.meta { font-size: 10pt; color: #444; text-align: right; }
"""

STANDARD_TEMPLATE = """<h1>{{ title }}</h1>
<p class="meta">编号：{{ doc.name }}</p>
<table class="standard"><tbody>{% for f in fields %}<tr><th>{{ f.label }}</th><td>{{ f.value }}</td></tr>{% endfor %}</tbody></table>
{% for t in tables %}<h3>{{ t.label }}</h3><table class="standard child"><thead><tr>{% for c in t.columns %}<th>{{ c.label }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in t.rows %}<tr>{% for c in t.columns %}<td>{{ row[c.fieldname] }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>{% endfor %}"""

_standard_env = SandboxedEnvironment(autoescape=True, finalize=lambda v: "" if v is None else v)


@dataclass(frozen=True)
class PrintFormat:
    """A Print Format record as the renderer needs it."""
    name: str
    doc_type: str | None = None
    html: str = ""
    css: str = ""
    version: Any = None
    page_size: str = "A4"
    orientation: str = "Portrait"
    page_number: str = "Bottom Center"
    font_size: int | None = None
    margins: tuple = (18, 16, 18, 16)  # top, right, bottom, left (mm)
    for_report: str | None = None

    @classmethod
    def from_record(cls, row: dict) -> "PrintFormat":
        def mm(key, default):
            value = row.get(key)
            return float(value) if value not in (None, "") else default

        return cls(name=row["name"], doc_type=row.get("doc_type"), html=row.get("html") or "", css=row.get("css") or "",
                   version=str(row.get("modified")), page_size=row.get("page_size") or "A4",
                   orientation=row.get("orientation") or "Portrait", page_number=row.get("page_number") or "Bottom Center",
                   font_size=int(row["font_size"]) if row.get("font_size") else None,
                   margins=(mm("margin_top", 18), mm("margin_right", 16), mm("margin_bottom", 18), mm("margin_left", 16)),
                   for_report=row.get("report") if row.get("print_format_for") == "Report" else None)

    def page_css(self) -> str:
        top, right, bottom, left = self.margins
        footer = ""
        place = PAGE_NUMBER_PLACES.get(self.page_number)
        if place:
            footer = f"@{place} {{ content: {PAGE_NUMBER}; font-family: {FONT_STACK}; font-size: 9pt; }}"
        size = f"{self.page_size} {'landscape' if self.orientation == 'Landscape' else 'portrait'}"
        body = f"body {{ font-size: {self.font_size}pt; }}" if self.font_size else ""
        return f"@page {{ size: {size}; margin: {top}mm {right}mm {bottom}mm {left}mm; {footer} }}\n{body}"


STANDARD_FORMAT = PrintFormat(name=STANDARD, html=STANDARD_TEMPLATE, css=A4_STYLE, version="builtin")


@dataclass
class Printed:
    """A finished print: the whole HTML page, its style, and which format made it."""
    html: str
    style: str
    body: str
    format: str
    title: str


# --------------------------------------------------------------------------- formats
def get_format(ctx, name: str) -> PrintFormat:
    if name == STANDARD:
        return STANDARD_FORMAT
    table = ctx.table("Print Format")
    import sqlalchemy as sa

    row = ctx.conn.execute(sa.select(table).where(table.c.name == name)).mappings().first()
    if row is None:
        raise DoesNotExistError(f"打印格式 “{name}” 不存在", doctype="Print Format", name=name)
    if row["disabled"]:
        raise ValidationError(f"打印格式 “{name}” 已停用")
    return PrintFormat.from_record(dict(row))


def format_for(ctx, doctype: str, name: str | None = None) -> PrintFormat:
    """The named format, else the DocType's default (Property Setter `default_print_format`),
    else Standard. A named format must be made for this DocType."""
    chosen = name or ctx.meta(doctype).get("default_print_format") or STANDARD
    spec = get_format(ctx, chosen)
    if spec.for_report:
        raise ValidationError(f"打印格式 “{spec.name}” 是报表 “{spec.for_report}” 的格式，不能打印单据")
    if spec.name != STANDARD and spec.doc_type and spec.doc_type != doctype:
        raise ValidationError(f"打印格式 “{spec.name}” 用于{ctx.meta(spec.doc_type).display_name}，不能打印{ctx.meta(doctype).display_name}")
    return spec


def formats_of(ctx, doctype: str) -> list[dict]:
    """The enabled formats of one DocType, default first: what a print dialog offers."""
    rows = ctx.get_all("Print Format", filters={"doc_type": doctype, "disabled": 0},
                       fields=["name", "standard", "print_format_for", "report", "orientation"],
                       order_by="name asc", ignore_permissions=True)
    default = ctx.meta(doctype).get("default_print_format") or STANDARD
    out = [{"name": STANDARD, "standard": "Yes", "default": int(default == STANDARD)}]
    out += [{**r, "default": int(r["name"] == default)} for r in rows if r["print_format_for"] != "Report"]
    return sorted(out, key=lambda r: -r["default"])


# --------------------------------------------------------------------------- the sandbox per site
def renderer(site) -> print_sandbox.Renderer:
    """One sandbox and template cache per site (made on first print)."""
    existing = site.__dict__.get("_print_renderer")
    if existing is None:
        names = set(CONTEXT_HELPERS) | set(getattr(site.hooks, "print_helpers", {}) or {})
        env = print_sandbox.PrintEnvironment({**print_helpers.PURE, **{n: _unbound for n in names}},
                                             dict(print_helpers.PURE))
        limit = float(site.config.get("print_time_limit") or print_sandbox.DEFAULT_TIME_LIMIT)
        existing = print_sandbox.Renderer(env, time_limit=limit)
        site.__dict__["_print_renderer"] = existing
    return existing


def _unbound(*args, **kwargs):
    raise ValidationError("此函数只能在打印时使用")


def check_template(ctx, source: str, what: str = "模板") -> None:
    """Refuse a template that is broken or tries to leave the sandbox (used when saving)."""
    print_sandbox.check(renderer(ctx.site).env, source, what=what)


# --------------------------------------------------------------------------- what a template sees
class PrintView:
    """A document as a template sees it: fields as attributes (None when absent or not readable),
    child tables as lists of views, `get()` as in Frappe. Immutable: the sandbox refuses writes."""

    __slots__ = ("_values",)

    def __init__(self, values: dict):
        object.__setattr__(self, "_values", values)

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        return self._values.get(key)

    def __getitem__(self, key):
        return self._values.get(key)

    def __contains__(self, key):
        return key in self._values

    def __setattr__(self, key, value):
        raise AttributeError("只读")

    def get(self, key, default=None):
        value = self._values.get(key)
        return default if value is None else value

    def __repr__(self):
        return f"<{self._values.get('doctype')} {self._values.get('name')}>"


def view_of(ctx, doctype: str, data: dict) -> PrintView:
    """The view a template receives: unreadable fields removed here, once, for every template."""
    data = permissions.strip_unreadable(ctx, doctype, data)
    return _wrap(data)


def _wrap(value):
    if isinstance(value, dict):
        return PrintView({k: _wrap(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


# --------------------------------------------------------------------------- context helpers
def records(ctx, doctype: str, filters=None, fields=None, order_by=None, limit: int = 500) -> list:
    """Rows of any DocType through the user's permissions and scope (the list's own predicate);
    fields the user may not read come back empty, as they do in the document itself."""
    if not ctx.site.metas.exists(doctype):
        raise ValidationError(f"DocType “{doctype}” 不存在")
    wanted = [f for f in (fields or ["name"]) if isinstance(f, str)]
    readable = permissions.readable_fieldnames(ctx, doctype)
    shown = [f for f in wanted if readable is None or f in readable or not ctx.meta(doctype).has_field(f)] or ["name"]
    rows = ctx.get_list(doctype, fields=shown, filters=filters, order_by=order_by,
                        limit_page_length=min(int(limit or 500), 5000))
    return [_wrap(dict(r)) for r in rows]


def tree_path(ctx, doctype: str, name: str | None, sep: str = " / ", top: int = 0) -> str:
    """The names from the root down to `name` in a tree DocType (e.g. 无锡市 / 梁溪区 / …);
    `top` drops that many levels from the root."""
    if not name or not ctx.site.metas.exists(doctype) or not ctx.meta(doctype).is_tree:
        return name or ""
    import sqlalchemy as sa

    table = ctx.table(doctype)
    node = ctx.conn.execute(sa.select(table.c.lft, table.c.rgt).where(table.c.name == name)).first()
    if node is None:
        return name
    names = ctx.conn.execute(sa.select(table.c.name).where(table.c.lft <= node.lft, table.c.rgt >= node.rgt)
                             .order_by(table.c.lft)).scalars().all()
    return sep.join(names[int(top or 0):])


def image(ctx, url: str | None, max_bytes: int = 8 * 1024 * 1024) -> str:
    """An attached image as a data: URL, when the user may read it (the file's own rule,
    engine/files.py: public files to anyone, private ones to readers of their document)."""
    from . import files

    if not url or not isinstance(url, str):
        return ""
    path = files.path_of(ctx.site, url)
    if path is None:
        return ""
    media = files.media_type(path.name)
    if not media.startswith("image/") or media == "image/svg+xml" or path.stat().st_size > max_bytes:
        return ""
    if not files.may_read(ctx, url):
        return ""
    return f"data:{media};base64,{base64.b64encode(path.read_bytes()).decode()}"


CONTEXT_HELPERS = {"records": records, "tree_path": tree_path, "image": image}


def context_helpers(ctx) -> dict:
    bound = {name: partial(fn, ctx) for name, fn in CONTEXT_HELPERS.items()}
    for name, fn in (getattr(ctx.site.hooks, "print_helpers", {}) or {}).items():
        bound[name] = partial(fn, ctx)
    bound["_"] = lambda text, *a: text  # Frappe's templates translate with _()
    bound["today"] = ctx.now().date()
    return bound


# --------------------------------------------------------------------------- rendering
def render(ctx, spec: PrintFormat, context: dict, *, title: str, letter_head: str | None = None) -> Printed:
    """Render `spec` with `context` (plus the helpers) into a whole A4 HTML page."""
    if spec.name == STANDARD:
        body = _standard_env.from_string(STANDARD_TEMPLATE).render(**context)
    else:
        engine = renderer(ctx.site)
        template = engine.template(("format", spec.name), spec.version, spec.html, spec.name)
        full = {**context_helpers(ctx), **context}
        body = engine.render(template, full)
        if letter_head:
            head = engine.template(("letter_head", letter_head), None, _letter_head_html(ctx, letter_head), f"信头 {letter_head}")
            body = f'<div class="letter-head">{engine.render(head, full)}</div>' + body
    style = "\n".join((spec.page_css(), BASE_STYLE, spec.css or ""))
    page = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{_escape(title)}</title>'
            f"<style>{style}</style></head><body>{body}</body></html>")
    return Printed(html=page, style=style, body=body, format=spec.name, title=title)


def _letter_head_html(ctx, name: str) -> str:
    row = ctx.get_value("Letter Head", name, ["content", "disabled"], as_dict=True, ignore_permissions=True)
    if not row:
        raise DoesNotExistError(f"信头 “{name}” 不存在")
    return "" if row.get("disabled") else (row.get("content") or "")


def default_letter_head(ctx) -> str | None:
    return ctx.get_value("Letter Head", {"is_default": 1, "disabled": 0}, "name", ignore_permissions=True)


def _escape(text: str) -> str:
    import html

    return html.escape(str(text or ""))


def render_document(ctx, doc, format_name: str | None = None, *, letter_head: str | None = None,
                    no_letterhead: bool = False, args: dict | None = None, spec: PrintFormat | None = None) -> Printed:
    """One document through its format (or `spec`, an unsaved one being edited). The caller has
    checked the print right and scope."""
    spec = spec or format_for(ctx, doc.doctype, format_name)
    view = view_of(ctx, doc.doctype, doc.as_dict(convert=False))
    title = f"{ctx.meta(doc.doctype).display_name} {doc.name}"
    if spec.name == STANDARD:
        context = _standard_context(ctx, doc, view)
    else:
        context = {"doc": view, "meta": _MetaView(ctx.meta(doc.doctype)), "args": dict(args or {}), "title": title}
    chosen_head = None if no_letterhead else (letter_head or default_letter_head(ctx))
    return render(ctx, spec, context, title=title, letter_head=chosen_head if spec.name != STANDARD else None)


class _MetaView:
    """Labels of a DocType's fields, for templates that print them (`meta.label('year')`)."""

    __slots__ = ("_meta",)

    def __init__(self, meta):
        object.__setattr__(self, "_meta", meta)

    def label(self, fieldname: str) -> str:
        return self._meta.label_of(fieldname)

    @property
    def title(self) -> str:
        return self._meta.display_name


def _standard_context(ctx, doc, view: PrintView) -> dict:
    meta = doc.meta
    data = view._values
    shown = lambda f: not (f.hidden or f.print_hide) and f.fieldname in data  # noqa: E731
    fields = [{"label": f.display_label, "value": _display(data.get(f.fieldname), f)}
              for f in meta.data_fields if shown(f) and f.kind.printed and not f.kind.image]
    tables = []
    for tf in meta.table_fields:
        if not shown(tf):
            continue
        child = ctx.meta(tf.options)
        columns = [f for f in child.data_fields if not (f.hidden or f.print_hide)]
        if [f for f in columns if f.in_list_view]:
            columns = [f for f in columns if f.in_list_view]
        rows = data.get(tf.fieldname) or []
        columns = [c for c in columns if any(c.fieldname in r for r in rows) or not rows]
        tables.append({"label": tf.display_label,
                       "columns": [{"fieldname": c.fieldname, "label": c.display_label} for c in columns],
                       "rows": [{c.fieldname: _display(r.get(c.fieldname), c) for c in columns} for r in rows]})
    return {"title": meta.display_name, "doc": view, "fields": fields, "tables": tables}


def _display(value, field) -> str:
    if value is None or value == "":
        return ""
    if field.kind.boolean:
        return "是" if value else "否"
    return str(to_json_value(value))


def standard_html(ctx, doc, readable: set[str] | None = None) -> str:
    """The generic layout of every printable field the user may read (kept for callers that
    want it without choosing a format)."""
    return render(ctx, STANDARD_FORMAT, _standard_context(ctx, doc, view_of(ctx, doc.doctype, doc.as_dict(convert=False))),
                  title=doc.meta.display_name).html


# --------------------------------------------------------------------------- reports
REPORT_TEMPLATE = """<h1>{{ title }}</h1>
{% if filter_text %}<p class="meta">{{ filter_text }}</p>{% endif %}
{% if summary %}<p class="summary">{% for s in summary %}<span>{{ s.label }}：{{ s.value }}</span>{% if not loop.last %}；{% endif %}{% endfor %}</p>{% endif %}
<table class="standard report"><thead><tr>{% for c in columns %}<th style="width: {{ widths[loop.index0] }}%">{{ c.label }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in data %}<tr{% if row.is_total_row %} class="total"{% endif %}>{% for c in columns %}<td>{{ row[c.fieldname] }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% if message %}<p>{{ message }}</p>{% endif %}"""
REPORT_STYLE = A4_STYLE + (".report { table-layout: fixed; } .report th { text-align: center; background: #f2f2f2; font-size: 9pt; }"
                            " .report td { text-align: center; font-size: 9pt; } .total td { font-weight: bold; }")


def _display_value(value) -> str:
    return "是" if value is True else str(value)


def report_format_for(ctx, report_name: str, name: str | None = None) -> PrintFormat:
    """The named format of a report, else its default (a Print Format "for Report"), else the
    standard report table."""
    if name and name != STANDARD:
        spec = get_format(ctx, name)
        if spec.for_report != report_name:
            raise ValidationError(f"打印格式 “{name}” 不是报表 “{report_name}” 的格式")
        return spec
    if not name:
        rows = ctx.get_all("Print Format", filters={"print_format_for": "Report", "report": report_name, "disabled": 0},
                           fields=["name", "default"], order_by="`default` desc, name asc", ignore_permissions=True)
        if rows:
            return get_format(ctx, rows[0]["name"])
    return PrintFormat(name=STANDARD, html=REPORT_TEMPLATE, css=REPORT_STYLE, version="builtin-report",
                       orientation="Landscape")


def render_report(ctx, result: dict, format_name: str | None = None, *, title: str | None = None) -> Printed:
    """A report's answer (reports.run) printed: rows as read-only views, the same columns."""
    spec = report_format_for(ctx, result["report_name"], format_name)
    filters = {k: v for k, v in (result.get("filters") or {}).items() if not str(k).startswith("__")}
    labels = result.get("filter_labels") or {}
    total_width = sum(int(c.get("width") or 120) for c in result["columns"]) or 1
    context = {"title": title or result["report_name"], "report_name": result["report_name"],
               "columns": [_wrap(c) for c in result["columns"]], "data": [_wrap(r) for r in result["result"]],
               "filters": _wrap(filters), "summary": [_wrap(s) for s in result.get("report_summary") or []],
               "message": result.get("message"),
               "widths": [round(int(c.get("width") or 120) * 100 / total_width, 2) for c in result["columns"]],
               "filter_text": "；".join(f"{labels.get(k, k)}：{_display_value(v)}" for k, v in filters.items() if v not in (None, "", 0))}
    if spec.name == STANDARD:
        body = _standard_env.from_string(REPORT_TEMPLATE).render(**context, today=ctx.now().date())
        style = "\n".join((spec.page_css(), BASE_STYLE, spec.css))
        page = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{_escape(context["title"])}</title>'
                f"<style>{style}</style></head><body>{body}</body></html>")
        return Printed(html=page, style=style, body=body, format=STANDARD, title=context["title"])
    return render(ctx, spec, context, title=context["title"])


# --------------------------------------------------------------------------- PDF
def _fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, timeout=1)


class _CollectorPause:
    """The cyclic garbage collector paused while WeasyPrint lays out and writes: it allocates
    hundreds of thousands of objects, and in a server process whose heap holds the site's meta and
    connections every full collection walks all of it (measured: a 3-page form 3–4× slower). The
    collector is process-wide, so the pause is counted across threads; it resumes when the last
    print ends, and frees the print's cycles then."""

    def __init__(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = True

    def __enter__(self):
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *exc):
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._was_enabled:
                gc.enable()


collector_paused = _CollectorPause()


def layout(html: str, font_config=None):
    """The laid-out WeasyPrint document (pages), fetching nothing but data: URLs. A batch passes
    one `font_config` for all its documents: each would otherwise load the CJK fonts again."""
    from weasyprint import HTML

    with collector_paused:
        return HTML(string=html, url_fetcher=_fetcher()).render(font_config=font_config)


def write_pdf(document, target=None):
    with collector_paused:
        return document.write_pdf(target)


def font_configuration():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str, target=None):
    """PDF bytes (or written to `target`, a path or a binary stream)."""
    return write_pdf(layout(html), target)


def pdf_filename(text: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_（）()·" else "_" for ch in str(text or "print")).strip("_")
    return (safe or "print")[:120] + ".pdf"
