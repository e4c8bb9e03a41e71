"""Printing: a document rendered to HTML (A4, CJK fonts) and to PDF with WeasyPrint. The standard
layout lists every printable field with its Chinese label; print formats as data build on this."""
from __future__ import annotations

from jinja2.sandbox import SandboxedEnvironment

from .document import to_json_value

A4_STYLE = """
@page { size: A4 portrait; margin: 18mm 16mm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 12pt; color: #000; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 8mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 6mm; }
th, td { border: 1px solid #000; padding: 2mm 3mm; vertical-align: top; text-align: left; }
th { width: 30%; background: #f2f2f2; font-weight: normal; }
.child th { width: auto; text-align: center; }
.meta { font-size: 10pt; color: #444; text-align: right; }
"""

STANDARD_TEMPLATE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ title }}</title><style>{{ style }}</style></head><body>
<h1>{{ title }}</h1>
<p class="meta">编号：{{ doc.name }}</p>
<table>{% for f in fields %}<tr><th>{{ f.label }}</th><td>{{ f.value }}</td></tr>{% endfor %}</table>
{% for t in tables %}<h3>{{ t.label }}</h3><table class="child"><tr>{% for c in t.columns %}<th>{{ c.label }}</th>{% endfor %}</tr>
{% for row in t.rows %}<tr>{% for c in t.columns %}<td>{{ row[c.fieldname] }}</td>{% endfor %}</tr>{% endfor %}</table>{% endfor %}
</body></html>"""

_env = SandboxedEnvironment(autoescape=True)


def _display(value, field) -> str:
    if value is None or value == "":
        return ""
    if field.fieldtype == "Check":
        return "是" if value else "否"
    return str(to_json_value(value))


def standard_html(ctx, doc, readable: set[str] | None = None) -> str:
    meta = doc.meta
    from .permissions import hidden_fieldnames

    hidden = hidden_fieldnames(ctx, doc.doctype)  # fields (and tables) at levels the reader cannot read
    shown = lambda f: not (f.hidden or f.print_hide) and f.fieldname not in hidden \
        and (readable is None or f.is_table or f.fieldname in readable)  # noqa: E731
    fields = [{"label": f.display_label, "value": _display(doc.get(f.fieldname), f)}
              for f in meta.data_fields if shown(f) and f.fieldtype not in ("Attach Image", "JSON", "Password")]
    tables = []
    for tf in meta.table_fields:
        if not shown(tf):
            continue
        child = ctx.meta(tf.options)
        unreadable = hidden_fieldnames(ctx, tf.options, parent=meta.name)
        columns = [f for f in child.data_fields if not (f.hidden or f.print_hide) and f.fieldname not in unreadable]
        if [f for f in columns if f.in_list_view]:
            columns = [f for f in columns if f.in_list_view]
        tables.append({"label": tf.display_label,
                       "columns": [{"fieldname": c.fieldname, "label": c.display_label} for c in columns],
                       "rows": [{c.fieldname: _display(r.get(c.fieldname), c) for c in columns} for r in doc.get(tf.fieldname)]})
    title = f"{meta.display_name}"
    return _env.from_string(STANDARD_TEMPLATE).render(title=title, style=A4_STYLE, doc=doc, fields=fields, tables=tables)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
