"""Print Formats as data: saving one (the template checked in the sandbox, a standard format kept
as its files say), the DocType's default format (Frappe's Property Setter `default_print_format`),
and the standard formats loaded by `migrate` from `print_formats/<folder>/` (a JSON record beside
its .html and .css)."""
from __future__ import annotations

import json
from pathlib import Path

from . import printing, storage
from .errors import PermissionError, ValidationError

DEFAULT_PROPERTY = "default_print_format"
# Fields an administrator may still change on a standard format (the rest comes from its files).
STANDARD_EDITABLE = {"default", "disabled", "modified", "modified_by"}


def _syncing(ctx) -> bool:
    return bool(ctx.flags.get("syncing_print_formats"))


def validate(doc) -> None:
    ctx = doc.ctx
    if (doc.print_format_for or "DocType") == "Report":  # as Frappe: a report's format names the report
        if not doc.report or not ctx.exists("Report", doc.report):
            raise ValidationError(f"打印格式 “{doc.name}”：报表 “{doc.report}” 不存在", field="report")
        doc.doc_type = None
    elif not doc.doc_type or not ctx.site.metas.exists(doc.doc_type):
        raise ValidationError(f"打印格式 “{doc.name}”：单据类型 “{doc.doc_type}” 不存在", field="doc_type")
    if (doc.print_format_type or "Jinja") != "Jinja":
        raise ValidationError("打印格式只支持 Jinja 模板", field="print_format_type")
    if not _syncing(ctx):
        _guard_standard(doc)
    printing.check_template(ctx, doc.html or "", what=f"打印格式 “{doc.name}” 的模板")
    if "</style" in (doc.css or "").lower():
        raise ValidationError(f"打印格式 “{doc.name}”：CSS 中不能含有 </style>", field="css")
    for key in ("margin_top", "margin_bottom", "margin_left", "margin_right"):
        value = doc.get(key)
        if value is not None and not 0 <= float(value) <= 100:
            raise ValidationError(f"打印格式 “{doc.name}”：边距须在 0–100 毫米之间", field=key)


def _guard_standard(doc) -> None:
    before = doc.get_original()
    if doc.standard == "Yes" and not before:
        # A verbatim copy of a shipped format (all its fields POSTed under a new name): it becomes
        # the administrator's own format, and does not take over as the DocType's default.
        doc.standard = "No"
        doc.default = 0
        return
    if not before or before.get("standard") != "Yes":
        return
    changed = [k for k, v in doc.as_dict(convert=False).items()
               if k not in STANDARD_EDITABLE and not isinstance(v, list) and _differs(before.get(k), v)]
    if changed:
        raise PermissionError(f"“{doc.name}” 是标准打印格式，不能直接修改（{', '.join(changed)}）；"
                              "请复制为新名称（POST /api/resource/Print Format）后修改副本", field=changed[0])


def _differs(old, new) -> bool:
    if old in (None, "", 0) and new in (None, "", 0):
        return False
    try:
        return float(old) != float(new)  # 16 in a file, 16.0 from a Float column
    except (TypeError, ValueError):
        return str(old) != str(new)


def on_update(doc) -> None:
    ctx = doc.ctx
    if (doc.print_format_for or "DocType") == "Report":
        if doc.default:  # one default format per report
            table = ctx.table("Print Format")
            ctx.conn.execute(table.update().where(table.c.report == doc.report, table.c.name != doc.name).values(default=0))
        return
    before = doc.get_original() or {}
    current = ctx.meta(doc.doc_type).get(DEFAULT_PROPERTY)
    if doc.default and current != doc.name:
        set_default(ctx, doc.doc_type, doc.name)
    elif not doc.default and before.get("default") and current == doc.name:
        set_default(ctx, doc.doc_type, None)


def on_trash(doc) -> None:
    if doc.standard == "Yes" and not _syncing(doc.ctx):
        raise PermissionError(f"“{doc.name}” 是标准打印格式，不能删除（可以停用）")
    if doc.doc_type and doc.ctx.meta(doc.doc_type).get(DEFAULT_PROPERTY) == doc.name:
        set_default(doc.ctx, doc.doc_type, None)


def set_default(ctx, doctype: str, name: str | None) -> None:
    """The DocType's default format, as Frappe keeps it: a Property Setter on the DocType. Other
    formats of the DocType lose their `default` mark."""
    setter_name = f"{doctype}-main-{DEFAULT_PROPERTY}"
    table = ctx.table("Print Format")
    ctx.conn.execute(table.update().where(table.c.doc_type == doctype, table.c.name != (name or ""))
                     .values(default=0))
    if name is None and not storage.exists(ctx, "Property Setter", setter_name):
        return
    values = {"doc_type": doctype, "doctype_or_field": "DocType", "property": DEFAULT_PROPERTY, "value": name or "",
              "property_type": "Data"}
    # The Property Setter is bookkeeping of the format's `default`: permitted by the write right on
    # Print Format the caller has already shown, not by rights on Property Setter.
    previous, ctx.ignore_permissions = ctx.ignore_permissions, True
    try:
        if storage.exists(ctx, "Property Setter", setter_name):
            setter = ctx.get_doc("Property Setter", setter_name)
            setter.update(values)
            setter.save()
        else:
            ctx.new_doc("Property Setter", {"name": setter_name, **values}).insert()
    finally:
        ctx.ignore_permissions = previous
    if name:
        ctx.conn.execute(table.update().where(table.c.name == name).values(default=1))


def make_default(ctx, name: str) -> dict:
    """Frappe's "Set as Default" button: the caller needs the write right on Print Format."""
    from . import permissions

    permissions.check(ctx, "Print Format", "write")
    spec = printing.get_format(ctx, name)
    if not spec.doc_type or spec.for_report:
        raise ValidationError(f"打印格式 “{name}” 是报表的格式，报表按名称选择格式")
    set_default(ctx, spec.doc_type, name)
    return {"doc_type": spec.doc_type, "default_print_format": name}


# --------------------------------------------------------------------------- standard formats
def project_print_formats_path(site) -> Path:
    from .fixtures import project_path

    return project_path(site) / "print_formats"


def read_folder(folder: Path) -> dict:
    """One standard format: `<folder>/<folder>.json` with the template and style beside it."""
    files = sorted(folder.glob("*.json"))
    if len(files) != 1:
        raise ValidationError(f"{folder}: 须有且只有一个 JSON 文件")
    data = json.loads(files[0].read_text("utf-8"))
    stem = files[0].stem
    for key, suffix in (("html", ".html"), ("css", ".css")):
        path = folder / (stem + suffix)
        if path.exists():
            data[key] = path.read_text("utf-8")
    data["standard"] = "Yes"
    data.setdefault("doctype", "Print Format")
    data.setdefault("print_format_type", "Jinja")
    if not data.get("name"):
        raise ValidationError(f"{files[0]}: 缺少 name")
    return data


def sync_standard(ctx, root: Path) -> dict[str, int]:
    """Insert or update every standard format under `root` (idempotent: unchanged ones are left
    alone; `default` and `disabled` set by administrators are kept)."""
    changed = {"inserted": 0, "updated": 0}
    if not root.exists():
        return changed
    ctx.flags["syncing_print_formats"] = True
    try:
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            data = read_folder(folder)
            name = data["name"]
            if data.get("print_format_for") == "Report":
                if not ctx.exists("Report", data.get("report") or ""):
                    continue  # its report's app is not installed on this site
            elif not ctx.site.metas.exists(data.get("doc_type") or ""):
                continue
            values = {k: v for k, v in data.items() if k not in ("doctype", "default", "disabled")}
            if storage.exists(ctx, "Print Format", name):
                doc = ctx.get_doc("Print Format", name)
                if all(not _differs(doc.get(k), v) for k, v in values.items()):
                    continue
                doc.update(values)
                doc.flags.ignore_permissions = True
                doc.save()
                changed["updated"] += 1
            else:
                doc = ctx.new_doc("Print Format", {**values, "default": data.get("default", 0)})
                doc.flags.ignore_permissions = True
                doc.insert()
                changed["inserted"] += 1
    finally:
        ctx.flags.pop("syncing_print_formats", None)
    return changed
