"""Customize Form (Frappe's name): a DocType's fields in layout order, the standard ones locked
(only their display properties change, as Property Setters) and the custom ones editable (their
Custom Field documents); new fields, order (the `field_order` Property Setter), list columns and
the title field. Every action is one recorded, revertible change (change_log).

Nothing is lost: a label change keeps the column; a custom field's new fieldname renames its
column with the values; a type change or a removed Select option that existing values would not
survive is refused, naming the records; a removed custom field keeps its column.

Who may: whoever may write Custom Field and Property Setter (DocPerm, the shared rights; the app
grants them to its city administrator in hooks.permissions)."""
from __future__ import annotations

import json

import sqlalchemy as sa

from . import change_log, fieldtypes, permissions, studio
from .errors import ValidationError
from .meta import FIELD_KEYS, INT_FIELD_KEYS

TOOL = "表单定制"
# what opens the tool (403 unless the user may write and create Custom Field and Property Setter)
RIGHTS = studio.Rights((("Custom Field", "write"), ("Custom Field", "create"), ("Property Setter", "write"),
                        ("Property Setter", "create")))
require, may_use = RIGHTS.require, RIGHTS.may_use
# properties of a standard field an administrator may change (fieldname and type stay locked)
STANDARD_PROPS = ("label", "hidden", "reqd", "in_list_view", "in_standard_filter", "description", "options",
                  "default", "depends_on", "mandatory_depends_on", "read_only_depends_on", "print_hide", "bold",
                  "read_only")
CUSTOM_PROPS = tuple(k for k in FIELD_KEYS if k not in ("name", "idx", "is_custom_field", "insert_after"))
PROP_LABELS = {"label": "标签", "hidden": "隐藏", "reqd": "必填", "in_list_view": "列表显示", "options": "选项",
               "description": "说明", "default": "默认值", "depends_on": "显示条件", "mandatory_depends_on": "必填条件",
               "read_only_depends_on": "只读条件", "fieldtype": "类型", "fieldname": "字段名", "permlevel": "权限级别",
               "in_standard_filter": "筛选", "print_hide": "打印时隐藏", "title_field": "标题字段",
               "field_order": "字段顺序", "read_only": "只读", "bold": "加粗"}
SAMPLE = 10  # records named in a refusal


def _doctype(ctx, doctype) -> str:
    if ctx.meta(studio.existing_doctype(ctx, doctype)).issingle:
        raise ValidationError(f"{ctx.meta(doctype).display_name} 是单一设置，不能在此定制", field="doctype")
    return doctype


# --------------------------------------------------------------------------- reading
def doctypes(ctx) -> list[dict]:
    out = []
    for name in ctx.site.metas.all_names():
        meta = ctx.meta(name)
        if meta.issingle:
            continue
        out.append({"name": name, "label": meta.display_name, "module": meta.module, "istable": meta.istable,
                    "custom": int(not ctx.site.metas.is_standard(name))})
    return out


def load(ctx, doctype: str) -> dict:
    """The merged fields in layout order, each with whether it is standard (locked)."""
    doctype = _doctype(ctx, doctype)
    meta = ctx.meta(doctype)
    custom_names = {cf.get("fieldname"): cf.get("name") for cf in ctx.site.metas._custom_fields.get(doctype, [])}
    fields = []
    for f in meta.fields:
        data = f.as_dict()
        data["standard"] = int(f.fieldname not in custom_names)
        data["custom_field"] = custom_names.get(f.fieldname)
        data["layout"] = int(f.kind.layout)
        fields.append(data)
    return {"doctype": doctype, "label": meta.display_name, "istable": meta.istable, "title_field": meta.title_field,
            "custom_doctype": int(not ctx.site.metas.is_standard(doctype)), "fields": fields,
            "field_types": offered_types(ctx), "standard_props": list(STANDARD_PROPS),
            "history": change_log.history(ctx, doctype)}


# --------------------------------------------------------------------------- property setters
def _standard_value(ctx, doctype: str, fieldname: str | None, prop: str):
    raw = ctx.site.metas.raw(doctype)
    if not fieldname:
        return raw.get(prop)
    for f in raw.get("fields") or []:
        if f.get("fieldname") == fieldname:
            return f.get(prop)
    return None


def _blank(value) -> bool:
    return value in (None, "", 0, "0", False)


def _find_setter(ctx, doctype: str, fieldname: str | None, prop: str) -> str | None:
    filters = [["doc_type", "=", doctype], ["property", "=", prop],
               ["field_name", "=", fieldname] if fieldname else ["field_name", "is", "not set"]]
    found = ctx.get_all("Property Setter", filters=filters, pluck="name", order_by="creation desc",
                        ignore_permissions=True)
    return found[0] if found else None


def set_property(ctx, rec: change_log.Recorder, doctype: str, fieldname: str | None, prop: str, value) -> None:
    """One Property Setter: made, changed, or removed when the value is the standard one again."""
    is_int = prop in INT_FIELD_KEYS
    if is_int:
        value = 1 if str(value).strip().lower() in ("1", "true", "yes", "on") else 0
    elif isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    standard = _standard_value(ctx, doctype, fieldname, prop)
    name = _find_setter(ctx, doctype, fieldname, prop)
    before = rec.before("Property Setter", name)
    same = (_blank(value) and _blank(standard)) or (str(value) == str(standard) if standard is not None else False)
    if same:
        if name:
            ctx.delete_doc("Property Setter", name)
            rec.done("Property Setter", name, before)
        return
    values = {"doc_type": doctype, "doctype_or_field": "DocField" if fieldname else "DocType",
              "field_name": fieldname, "property": prop, "value": "" if value is None else str(value),
              "property_type": "Check" if is_int else ("JSON" if prop == "field_order" else "Data")}
    if name:
        doc = ctx.get_doc("Property Setter", name)
        doc.update(values)
        doc.save()
    else:
        doc = ctx.new_doc("Property Setter", values)
        doc.insert()
        name = doc.name
    rec.done("Property Setter", name, before)


# --------------------------------------------------------------------------- data checks
def _values_in_use(ctx, doctype: str, fieldname: str, values: list[str]) -> list[str]:
    table = ctx.table(doctype)
    if fieldname not in table.c or not values:
        return []
    label = "parent" if ctx.meta(doctype).istable else "name"
    rows = ctx.conn.execute(sa.select(table.c[label]).where(table.c[fieldname].in_(values)).limit(SAMPLE)).scalars()
    return list(dict.fromkeys(rows))


def offered_types(ctx) -> list[str]:
    """The field types a new field may have: the site's types marked `customizable`, in table order."""
    return [name for name, kind in ctx.site.field_types.items() if kind.customizable]


def check_options_kept(ctx, doctype: str, field, new_options: str) -> None:
    """Removing a Select option that records still hold would lose their value: refused, named."""
    if not field.kind.select:
        return
    kept = {o.strip() for o in (new_options or "").split("\n") if o.strip()}
    removed = [o for o in field.select_options() if o not in kept]
    rows = _values_in_use(ctx, doctype, field.fieldname, removed)
    if rows:
        used = [o for o in removed if _values_in_use(ctx, doctype, field.fieldname, [o])]
        raise ValidationError(f"不能删去选项 “{'、'.join(used)}”：{ctx.meta(doctype).display_name} 的这些记录正在使用："
                              f"{'、'.join(rows)}（请先改掉这些记录的“{field.display_label}”）", field="options")


def check_type_change(ctx, doctype: str, field, new_type: str, new_options: str | None) -> None:
    """A custom field's new type must hold every stored value: else refused, naming the records."""
    kind = ctx.site.field_types.get(new_type)
    if kind is None:
        raise ValidationError(f"未知的字段类型 “{new_type}”", field="fieldtype")
    table = ctx.table(doctype)
    if field.fieldname not in table.c:
        return
    label = "parent" if ctx.meta(doctype).istable else "name"
    col = table.c[field.fieldname]
    probe = type(field)(fieldname=field.fieldname, fieldtype=new_type, label=field.label, options=new_options)
    bad = []
    rows = ctx.conn.execute(sa.select(table.c[label], col).where(col.is_not(None), col != "")).all() \
        if col.type.python_type is str else ctx.conn.execute(sa.select(table.c[label], col).where(col.is_not(None))).all()
    for name, value in rows:
        if kind.column is None:
            bad.append(name)
        elif kind.coerce is not None:
            try:
                kind.coerce(value, probe)
            except (fieldtypes.FieldValueError, ValueError, TypeError, ArithmeticError):
                bad.append(name)
        if len(bad) >= SAMPLE:
            break
    if bad:
        raise ValidationError(f"不能把“{field.display_label}”改为 {new_type}：这些记录的值会丢失："
                              f"{'、'.join(map(str, bad))}（请先改掉或清空这些值）", field="fieldtype")


def _check_hidden_required(field_values: dict, label: str) -> None:
    if int(field_values.get("hidden") or 0) and int(field_values.get("reqd") or 0) and _blank(field_values.get("default")):
        raise ValidationError(f"“{label}”既必填又隐藏，且没有默认值：没有人能填写它。请取消隐藏、取消必填或给出默认值",
                              field="hidden")


# --------------------------------------------------------------------------- actions
def _clean_field(values: dict, allowed) -> dict:
    if not isinstance(values, dict):
        raise ValidationError("字段属性须为对象 (values)", field="values")
    out = {}
    for key, value in (values or {}).items():
        if key not in allowed:
            raise ValidationError(f"字段属性 “{key}” 不能在此修改", field=key)
        if key in INT_FIELD_KEYS:
            try:
                if isinstance(value, (dict, list)):
                    raise TypeError(key)
                value = int(value or 0)
            except (TypeError, ValueError):
                raise ValidationError(f"字段属性 “{PROP_LABELS.get(key, key)}” 须为整数", field=key) from None
        elif value is not None and not isinstance(value, str):
            value = str(value)
        out[key] = value
    if "permlevel" in out and not 0 <= out["permlevel"] <= 9:
        raise ValidationError("权限级别须为 0–9", field="permlevel")
    return out


def add_field(ctx, doctype: str, field: dict) -> dict:
    doctype = _doctype(ctx, doctype)
    if not isinstance(field, dict):
        raise ValidationError("请给出新字段的属性 (field)", field="field")
    values = _clean_field({k: v for k, v in field.items() if k != "insert_after"}, CUSTOM_PROPS)
    label = (values.get("label") or "").strip()
    fieldtype = values.get("fieldtype") or "Data"
    kind = ctx.site.field_types.get(fieldtype) if isinstance(fieldtype, str) else None
    if not label and (kind is None or kind.needs_label):
        raise ValidationError("请填写字段标签", field="label")
    if kind is None or not kind.customizable:
        raise ValidationError(f"不支持的字段类型 “{fieldtype}”", field="fieldtype")
    if kind.select and not (values.get("options") or "").strip():
        raise ValidationError("下拉选择须填写选项（每行一个）", field="options")
    _check_hidden_required(values, label)
    meta = ctx.meta(doctype)
    after = field.get("insert_after") or (meta.fields[-1].fieldname if meta.fields else None)
    if not isinstance(after, (str, type(None))) or after and not meta.has_field(after):
        raise ValidationError(f"“{after}” 不是 {meta.display_name} 的字段", field="insert_after")
    rec = change_log.Recorder(ctx)
    doc = ctx.new_doc("Custom Field", {**values, "dt": doctype, "label": label, "fieldtype": fieldtype,
                                       "insert_after": after})
    doc.insert()
    rec.done("Custom Field", doc.name, None)
    order = _current_setter_order(ctx, doctype)
    if order is not None:  # keep an explicit order explicit: the new field goes where it was asked
        names = [n for n in order if n != doc.fieldname]
        names.insert(names.index(after) + 1 if after in names else len(names), doc.fieldname)
        set_property(ctx, rec, doctype, None, "field_order", names)
    rec.save(title=f"{meta.display_name}：新增字段“{label or fieldtype}”", ref_doctype=doctype, tool=TOOL)
    return {"fieldname": doc.fieldname, "custom_field": doc.name}


def _current_setter_order(ctx, doctype: str) -> list[str] | None:
    for ps in ctx.site.metas._property_setters.get(doctype, []):
        if ps.get("property") == "field_order" and not ps.get("field_name"):
            return [f.fieldname for f in ctx.meta(doctype).fields if f.fieldname]
    return None


def update_field(ctx, doctype: str, fieldname: str, values: dict) -> dict:
    doctype = _doctype(ctx, doctype)
    meta = ctx.meta(doctype)
    f = meta.get_field(fieldname or "")
    if f is None:
        raise ValidationError(f"{meta.display_name} 没有字段 “{fieldname}”", field="fieldname")
    rec = change_log.Recorder(ctx)
    custom = next((cf for cf in ctx.site.metas._custom_fields.get(doctype, []) if cf.get("fieldname") == fieldname), None)
    merged = f.as_dict()
    if custom is None:
        changes = _clean_field(values, STANDARD_PROPS)
        if "options" in changes and not f.kind.select:
            raise ValidationError(f"标准字段“{f.display_label}”只能修改下拉选择的选项", field="options")
        merged.update(changes)
        _check_hidden_required(merged, f.display_label)
        if "options" in changes:
            check_options_kept(ctx, doctype, f, changes["options"])
        for prop, value in changes.items():
            set_property(ctx, rec, doctype, fieldname, prop, value)
    else:
        changes = _clean_field(values, CUSTOM_PROPS)
        merged.update(changes)
        _check_hidden_required(merged, f.display_label)
        new_type = changes.get("fieldtype", f.fieldtype)
        if new_type != f.fieldtype:
            check_type_change(ctx, doctype, f, new_type, changes.get("options", f.options))
        elif "options" in changes:
            check_options_kept(ctx, doctype, f, changes["options"])
        before = rec.before("Custom Field", custom["name"])
        doc = ctx.get_doc("Custom Field", custom["name"])
        doc.update(changes)
        doc.save()
        rec.done("Custom Field", doc.name, before)
    words = "、".join(PROP_LABELS.get(k, k) for k in values)
    rec.save(title=f"{meta.display_name}：修改“{f.display_label}”的{words}", ref_doctype=doctype, tool=TOOL)
    return load(ctx, doctype)


def remove_field(ctx, doctype: str, fieldname: str) -> dict:
    """A custom field leaves the form; its column and values stay (revert brings it back whole)."""
    doctype = _doctype(ctx, doctype)
    meta = ctx.meta(doctype)
    custom = next((cf for cf in ctx.site.metas._custom_fields.get(doctype, []) if cf.get("fieldname") == fieldname), None)
    if custom is None:
        f = meta.get_field(fieldname or "")
        if f is None:
            raise ValidationError(f"{meta.display_name} 没有字段 “{fieldname}”", field="fieldname")
        raise ValidationError(f"“{f.display_label}”是标准字段，不能删除（可以隐藏）", field="fieldname")
    rec = change_log.Recorder(ctx)
    before = rec.before("Custom Field", custom["name"])
    ctx.delete_doc("Custom Field", custom["name"])
    rec.done("Custom Field", custom["name"], before)
    rec.save(title=f"{meta.display_name}：删除字段“{custom.get('label') or fieldname}”（数据保留）",
             ref_doctype=doctype, tool=TOOL)
    return load(ctx, doctype)


def reorder(ctx, doctype: str, order: list) -> dict:
    doctype = _doctype(ctx, doctype)
    meta = ctx.meta(doctype)
    if isinstance(order, str):
        try:
            order = json.loads(order)
        except ValueError:
            raise ValidationError("字段顺序须为字段名的列表", field="order") from None
    names = [f.fieldname for f in meta.fields if f.fieldname]
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(names):
        missing = [n for n in names if n not in (order or [])]
        extra = [n for n in order or [] if n not in names]
        raise ValidationError(f"字段顺序须恰好列出 {meta.display_name} 的每个字段一次"
                              + (f"（缺少 {'、'.join(missing)}）" if missing else "")
                              + (f"（多出 {'、'.join(map(str, extra))}）" if extra else ""), field="order")
    rec = change_log.Recorder(ctx)
    set_property(ctx, rec, doctype, None, "field_order", order)
    rec.save(title=f"{meta.display_name}：调整字段顺序", ref_doctype=doctype, tool=TOOL)
    return load(ctx, doctype)


def set_list_view(ctx, doctype: str, columns: list, title_field: str | None = None) -> dict:
    """The list's columns (in_list_view on exactly these fields) and the title field."""
    doctype = _doctype(ctx, doctype)
    meta = ctx.meta(doctype)
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ValidationError("列表列须为字段名的列表", field="columns")
    wanted = set(columns)
    unknown = [c for c in wanted if not meta.has_field(c) or not meta.get_field(c).has_column]
    if unknown:
        raise ValidationError(f"“{'、'.join(map(str, unknown))}” 不是 {meta.display_name} 可显示在列表中的字段",
                              field="columns")
    if title_field and (not meta.has_field(title_field) or not meta.get_field(title_field).has_column):
        raise ValidationError(f"“{title_field}” 不是 {meta.display_name} 的字段", field="title_field")
    rec = change_log.Recorder(ctx)
    customs = {cf.get("fieldname"): cf["name"] for cf in ctx.site.metas._custom_fields.get(doctype, [])}
    for f in meta.data_fields:
        on = int(f.fieldname in wanted)
        if on == int(f.in_list_view or 0):
            continue
        if f.fieldname in customs:
            before = rec.before("Custom Field", customs[f.fieldname])
            doc = ctx.get_doc("Custom Field", customs[f.fieldname])
            doc.in_list_view = on
            doc.save()
            rec.done("Custom Field", doc.name, before)
        else:
            set_property(ctx, rec, doctype, f.fieldname, "in_list_view", on)
    if title_field is not None and title_field != meta.title_field:
        set_property(ctx, rec, doctype, None, "title_field", title_field)
    rec.save(title=f"{meta.display_name}：设置列表列与标题字段", ref_doctype=doctype, tool=TOOL)
    return load(ctx, doctype)


def revert(ctx, name: str) -> dict:
    new = change_log.revert(ctx, name, allowed=lambda d: permissions.has_permission(ctx, d, "write")
                            and permissions.has_permission(ctx, d, "delete"))
    log = ctx.get_doc(change_log.LOG, name)
    return {"reverted": name, "change": new, "ref_doctype": log.ref_doctype}

