"""Reports in Frappe's shape: a `Report` document is either a Report Builder report (saved columns,
filters, sort and group-by over one DocType, run through the list query) or a Script Report (a
Python module in an app, `<app>/<module>/report/<folder>/<folder>.py`, with declared `filters` and
`execute(ctx, filters) -> (columns, data[, message, chart, report_summary])`).

Every report reads through the user's permissions: the builder runs `get_list` in the user's
context (scope, if_owner), scripts are handed the same context, and columns of fields at
permission levels the user may not read are removed from every result before it is returned,
exported or printed.
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import time
from decimal import Decimal
from pathlib import Path

from . import fieldtypes, permissions
from .errors import DoesNotExistError, PermissionError, ValidationError
from .meta import scrub

TOTAL_LABEL = "合计"


# --------------------------------------------------------------------------- the report record
def get_report(ctx, name: str):
    if not name or not ctx.exists("Report", name):
        raise DoesNotExistError(f"报表 “{name}” 不存在", doctype="Report", name=name)
    doc = ctx.get_doc("Report", name) if permissions.has_permission(ctx, "Report", "read") else _load_quietly(ctx, name)
    if doc.disabled:
        raise ValidationError(f"报表 “{name}” 已停用")
    return doc


def _load_quietly(ctx, name):
    doc = ctx.new_doc("Report")
    from . import storage

    data = storage.load(ctx, "Report", name)
    doc.update({k: v for k, v in data.items() if k != "roles"})
    doc.set("roles", data.get("roles") or [])
    return doc


def check_permitted(ctx, report) -> None:
    """Frappe's rule: the user holds one of the report's roles (when it lists any) and may read
    reports of its DocType (the `report` right)."""
    if permissions.is_unrestricted(ctx) and ctx.user == "Administrator":
        return
    roles = {r.role for r in report.roles}
    if roles and not roles & set(ctx.roles):
        raise PermissionError(f"没有权限：报表 “{report.name}” 只对以下角色开放：{'、'.join(sorted(roles))}")
    permissions.check(ctx, report.ref_doctype, "report")


# --------------------------------------------------------------------------- script reports
def _report_modules(site) -> dict[str, tuple[str, Path]]:
    """report name → (dotted module, JSON path) for every standard report the apps ship."""
    cached = site.__dict__.get("_report_modules")
    if cached is None:
        cached = {}
        for app in site.metas.app_packages:
            root = Path(importlib.import_module(app).__file__).parent
            modules_txt = root / "modules.txt"
            modules = [m.strip() for m in modules_txt.read_text("utf-8").splitlines() if m.strip()] if modules_txt.exists() else []
            for module in modules:
                for path in sorted((root / scrub(module) / "report").glob("*/*.json")):
                    if path.stem != path.parent.name:
                        continue
                    data = json.loads(path.read_text("utf-8"))
                    name = data.get("report_name") or data.get("name")
                    dotted = f"{app}.{scrub(module)}.report.{path.stem}.{path.stem}"
                    cached[name] = (dotted, path, module, data)
        site.__dict__["_report_modules"] = cached
    return cached


def script_module(ctx, report):
    found = _report_modules(ctx.site).get(report.name)
    if found is None:
        raise DoesNotExistError(f"脚本报表 “{report.name}” 的程序不存在（应在应用的 report/ 目录中）")
    return importlib.import_module(found[0])


def declared_filters(ctx, report) -> list[dict]:
    if report.report_type != "Script Report":
        return []
    return [dict(f) for f in getattr(script_module(ctx, report), "filters", [])]


def sync_standard(ctx) -> dict[str, int]:
    """Insert or update the apps' standard reports from their JSON files (run by migrate)."""
    changed = 0
    for name, (_dotted, _path, module, data) in _report_modules(ctx.site).items():
        if not ctx.site.metas.exists(data.get("ref_doctype") or ""):
            continue
        values = {"report_name": name, "ref_doctype": data["ref_doctype"], "report_type": data.get("report_type", "Script Report"),
                  "is_standard": "Yes", "module": module, "description": data.get("description"),
                  "add_total_row": int(data.get("add_total_row") or 0),
                  "json": json.dumps(data["json"], ensure_ascii=False) if isinstance(data.get("json"), (dict, list)) else data.get("json"),
                  "roles": [{"role": r["role"] if isinstance(r, dict) else r} for r in data.get("roles") or []]}
        if ctx.exists("Report", name):
            doc = ctx.get_doc("Report", name)
            same = all(str(doc.get(k) or "") == str(v or "") for k, v in values.items() if k != "roles") and \
                [r.role for r in doc.roles] == [r["role"] for r in values["roles"]]
            if same:
                continue
            doc.update(values)
        else:
            doc = ctx.new_doc("Report", values)
        doc.flags.ignore_permissions = True
        doc.save() if not doc.is_new() else doc.insert()
        changed += 1
    return {"reports": changed}


# --------------------------------------------------------------------------- running
def parse_filters(value) -> dict:
    if value in (None, ""):
        return {}
    if isinstance(value, (bytes, bytearray)):
        value = value.decode()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError("filters 不是有效的 JSON") from None
    if isinstance(value, list):  # Frappe's list of [field, op, value] for builder reports
        return {"__list__": value}
    if not isinstance(value, dict):
        raise ValidationError("filters 应为 JSON 对象")
    return dict(value)


def _apply_declared(ctx, report, filters: dict) -> dict:
    out = dict(filters)
    for spec in declared_filters(ctx, report):
        name = spec["fieldname"]
        if out.get(name) in (None, "") and spec.get("default") not in (None, ""):
            out[name] = spec["default"]() if callable(spec["default"]) else spec["default"]
        if spec.get("reqd") and out.get(name) in (None, ""):
            raise ValidationError(f"报表 “{report.name}”：请填写筛选条件 “{spec.get('label') or name}”", field=name)
        kind = ctx.site.field_types.get(spec.get("fieldtype"))
        if out.get(name) not in (None, "") and kind is not None and kind.integer:
            try:
                out[name] = int(out[name])
            except (TypeError, ValueError):
                raise ValidationError(f"报表 “{report.name}”：筛选条件 “{spec.get('label') or name}” 应为整数", field=name) from None
    return out


def run(ctx, report_name: str, filters=None) -> dict:
    """Frappe's `frappe.desk.query_report.run` answer: columns, result (the total row last when
    the report adds one), message, chart, report_summary."""
    started = time.perf_counter()
    report = get_report(ctx, report_name)
    check_permitted(ctx, report)
    filters = parse_filters(filters)
    message = chart = summary = None
    if report.report_type == "Script Report":
        filters = _apply_declared(ctx, report, filters)
        answer = script_module(ctx, report).execute(ctx, filters)
        columns, data = answer[0], answer[1]
        message = answer[2] if len(answer) > 2 else None
        chart = answer[3] if len(answer) > 3 else None
        summary = answer[4] if len(answer) > 4 else None
    else:
        columns, data = run_builder(ctx, report, filters)
    columns = [normalise_column(c) for c in columns]
    data = [row if isinstance(row, dict) else dict(zip([c["fieldname"] for c in columns], row)) for row in data]
    columns, data = _without_unreadable(ctx, report.ref_doctype, columns, data)
    wants_total = report.add_total_row or (report.report_type != "Script Report" and builder_settings(report).get("add_totals_row"))
    if wants_total and data:
        data.append(total_row(columns, data, ctx.site.field_types))
    labels = {f["fieldname"]: f.get("label") or f["fieldname"] for f in declared_filters(ctx, report)}
    return {"result": [_jsonable(r) for r in data], "columns": columns, "message": message, "chart": chart,
            "filter_labels": labels,
            "report_summary": summary, "skip_total_row": 0, "status": None,
            "add_total_row": int(bool(wants_total)), "filters": _jsonable(filters),
            "execution_time": round(time.perf_counter() - started, 4), "report_name": report.name,
            "report_type": report.report_type, "ref_doctype": report.ref_doctype}


def normalise_column(column) -> dict:
    """Frappe accepts "Label:Fieldtype/Options:Width" strings as well as dicts."""
    if isinstance(column, str):
        parts = column.split(":")
        label = parts[0]
        fieldtype, options = (parts[1].split("/", 1) + [None])[:2] if len(parts) > 1 and parts[1] else ("Data", None)
        width = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 120
        return {"label": label, "fieldname": scrub(label), "fieldtype": fieldtype or "Data", "options": options, "width": width}
    out = {"fieldtype": "Data", "width": 120, **dict(column)}
    out.setdefault("fieldname", scrub(out.get("label") or "column"))
    out.setdefault("label", out["fieldname"])
    return out


def _without_unreadable(ctx, doctype: str, columns: list[dict], data: list[dict]):
    """Drop columns that show a field of the report's DocType at a level the user cannot read
    (a column may name its source with "source": "DocType.fieldname")."""
    if not doctype or permissions.is_unrestricted(ctx) and ctx.user == "Administrator":
        return columns, data
    hidden = set()
    for column in columns:
        source = column.get("source") or f"{doctype}.{column['fieldname']}"
        source_doctype, _, fieldname = source.rpartition(".")
        if not ctx.site.metas.exists(source_doctype):
            continue
        readable = permissions.readable_fieldnames(ctx, source_doctype)
        field = ctx.meta(source_doctype).get_field(fieldname)
        if field is not None and readable is not None and fieldname not in readable:
            hidden.add(column["fieldname"])
    if not hidden:
        return columns, data
    return ([c for c in columns if c["fieldname"] not in hidden],
            [{k: v for k, v in row.items() if k not in hidden} for row in data])


def total_row(columns: list[dict], data: list[dict], field_types: dict | None = None) -> dict:
    """Sums of the number columns (`fieldtypes.FieldType.numeric`) not marked no_total."""
    field_types = fieldtypes.FIELD_TYPES if field_types is None else field_types
    row = {}
    for index, column in enumerate(columns):
        key = column["fieldname"]
        kind = field_types.get(column.get("fieldtype"))
        if kind is not None and kind.numeric and not column.get("no_total"):
            values = [r.get(key) for r in data if isinstance(r.get(key), (int, float, Decimal))]
            row[key] = sum((Decimal(str(v)) for v in values), Decimal(0)) if values else None
        elif index == 0:
            row[key] = TOTAL_LABEL
    row["is_total_row"] = 1
    return row


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- report builder
def builder_settings(report) -> dict:
    raw = report.get("json")
    if isinstance(raw, dict):
        return raw
    try:
        settings = json.loads(raw or "{}")
    except ValueError:
        raise ValidationError(f"报表 “{report.name}” 的设置不是有效的 JSON") from None
    if not isinstance(settings, dict):
        raise ValidationError(f"报表 “{report.name}” 的设置应为 JSON 对象")
    return settings


def _field_spec(item, doctype: str) -> tuple[str, str, str]:
    """A saved column — "field", ["field", "DocType"] or "`tabDocType`.`field`" — as (query spec,
    DocType, fieldname)."""
    if isinstance(item, (list, tuple)) and item:
        fieldname, source = item[0], (item[1] if len(item) > 1 and item[1] else doctype)
    else:
        text = str(item).strip()
        if text.startswith("`tab") and "." in text:
            source, fieldname = text[4:].split("`.", 1)
            fieldname = fieldname.strip("`")
        else:
            source, fieldname = doctype, text
    spec = fieldname if source == doctype else f"`tab{source}`.`{fieldname}`"
    return spec, source, fieldname


def run_builder(ctx, report, filters: dict) -> tuple[list[dict], list[dict]]:
    doctype = report.ref_doctype
    settings = builder_settings(report)
    saved = settings.get("filters") or []
    extra = filters.pop("__list__", None) or []
    extra += [[doctype, k, "=", v] for k, v in filters.items() if v not in (None, "")]
    where = list(saved) + list(extra)
    order = settings.get("order_by") or (f"{settings['sort_by']} {settings.get('sort_order', 'desc')}"
                                           if settings.get("sort_by") else None)
    group = settings.get("group_by")
    if isinstance(group, str):
        group = {"group_by": group, "aggregate_function": "count"}
    if group and group.get("group_by"):
        return _grouped(ctx, doctype, group, where)
    items = [_field_spec(f, doctype) for f in (settings.get("fields") or settings.get("columns") or ["name"])]
    items = [i for i in items if _readable(ctx, doctype, i[1], i[2])]
    specs = [f"{spec} as `{source == doctype and fieldname or scrub(source) + '_' + fieldname}`" for spec, source, fieldname in items]
    rows = ctx.get_list(doctype, fields=specs, filters=where, order_by=order,
                        limit_page_length=int(settings.get("page_length") or 0))
    columns = [_column_of(ctx, source, fieldname, key=(fieldname if source == doctype else scrub(source) + "_" + fieldname))
               for _, source, fieldname in items]
    return columns, rows


def _readable(ctx, doctype: str, source: str, fieldname: str) -> bool:
    readable = permissions.readable_fieldnames(ctx, doctype)
    if readable is None:
        return True
    if source == doctype:
        return fieldname in readable or not ctx.meta(doctype).has_field(fieldname)
    field = ctx.meta(source).get_field(fieldname)
    levels = permissions.rights_for(ctx, doctype).readable_levels() | {0}
    return field is None or field.permlevel in levels


def _column_of(ctx, doctype: str, fieldname: str, key: str | None = None) -> dict:
    meta = ctx.meta(doctype)
    field = meta.get_field(fieldname)
    return {"fieldname": key or fieldname, "label": meta.label_of(fieldname),
            "fieldtype": field.fieldtype if field else ("Datetime" if fieldname in ("creation", "modified") else "Data"),
            "options": field.options if field is not None and field.kind.link else None, "width": 140,
            "source": f"{doctype}.{fieldname}"}


def _grouped(ctx, doctype: str, group: dict, where: list) -> tuple[list[dict], list[dict]]:
    spec, source, fieldname = _field_spec(group["group_by"], doctype)
    if not _readable(ctx, doctype, source, fieldname):
        raise PermissionError(f"没有权限按字段 “{ctx.meta(source).label_of(fieldname)}” 分组")
    func = (group.get("aggregate_function") or "count").lower()
    if func not in ("count", "sum", "avg"):
        raise ValidationError("分组汇总只支持 count、sum、avg")
    fields = [f"{spec} as `{fieldname}`", "count(name) as `count`"]
    columns = [_column_of(ctx, source, fieldname), {"fieldname": "count", "label": "数量", "fieldtype": "Int", "width": 90}]
    on_field = group.get("aggregate_on") or group.get("aggregate_on_field")  # Frappe's two spellings
    sums = [on_field] if func != "count" and on_field else []
    sums += [s for s in group.get("sum_of") or [] if s not in sums]
    for on in sums:
        on_spec, on_source, on_field = _field_spec(on, doctype)
        if not _readable(ctx, doctype, on_source, on_field):
            raise PermissionError(f"没有权限汇总字段 “{ctx.meta(on_source).label_of(on_field)}”")
        word = "avg" if func == "avg" and on == on_field else "sum"
        fields.append(f"{word}({on_spec}) as `{word}_{on_field}`")
        columns.append({"fieldname": f"{word}_{on_field}", "fieldtype": "Float", "width": 110,
                        "label": f"{ctx.meta(on_source).label_of(on_field)}（{'平均' if word == 'avg' else '合计'}）",
                        "source": f"{on_source}.{on_field}"})
    rows = ctx.get_list(doctype, fields=fields, filters=where, group_by=spec, order_by=f"{spec} asc",
                        limit_page_length=0)
    return columns, rows
