"""The Custom DocType builder: new DocTypes at run time (fields, naming, permissions, child table,
submittable, tree) saved as `DocType` documents with custom=1 — the table is made at once and the
meta version moves, so the desk and the API serve it on the next request, with no restart.

Who may: whoever may create and write DocType (DocPerm; the app grants its city administrator
those rights). Standard DocTypes stay refused by customize.check_doctype_doc, whatever the door.
Each save is a recorded, revertible change (change_log); reverting a creation removes the
definition and keeps the table with its rows."""
from __future__ import annotations

from . import change_log, storage, studio
from .errors import ValidationError
from .meta import PERM_RIGHTS

TOOL = "单据类型"
RIGHTS = studio.Rights((("DocType", "create"), ("DocType", "write")))  # what opens the tool
require, may_use = RIGHTS.require, RIGHTS.may_use
NAMING = {"hash": "随机编号", "autoincrement": "自增编号", "prompt": "新建时手工填写", "field": "取某字段的值",
          "format": "格式（如 HD-{YYYY}-{#####}）"}
FIELD_KEYS = ("fieldname", "label", "fieldtype", "options", "reqd", "default", "in_list_view", "in_standard_filter",
              "depends_on", "mandatory_depends_on", "read_only_depends_on", "description", "permlevel", "hidden",
              "read_only", "bold", "unique", "length", "precision", "print_hide")


def _naming(data: dict) -> str:
    rule = (data.get("naming") or "hash").strip()
    value = (data.get("naming_value") or "").strip()
    if rule == "hash":
        return "hash"
    if rule == "autoincrement":
        return "autoincrement"
    if rule == "prompt":
        return "Prompt"
    if rule == "field":
        if not value:
            raise ValidationError("命名规则“取某字段的值”须选定字段", field="naming_value")
        return f"field:{value}"
    if rule == "format":
        if "{" not in value:
            raise ValidationError("命名格式须含 {#####} 等占位符，例如 HD-{YYYY}-{#####}", field="naming_value")
        return f"format:{value}"
    raise ValidationError(f"未知的命名规则 “{rule}”（可选：{'、'.join(NAMING)}）", field="naming")


def _fields(raw) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        raise ValidationError("请至少添加一个字段", field="fields")
    out = []
    for position, row in enumerate(raw, start=1):
        if not isinstance(row, dict):
            raise ValidationError(f"第 {position} 个字段格式不对", field="fields")
        clean = {k: row.get(k) for k in FIELD_KEYS if row.get(k) not in (None, "")}
        for key, value in clean.items():
            if isinstance(value, (dict, list)) or (key in ("fieldname", "label", "fieldtype", "options") and not isinstance(value, str)):
                raise ValidationError(f"第 {position} 个字段的 “{key}” 格式不对", field="fields")
        if not clean.get("fieldname"):
            raise ValidationError(f"第 {position} 个字段缺少字段名（英文小写，如 topic）", field="fields")
        clean.setdefault("fieldtype", "Data")
        out.append(clean)
    return out


def _permissions(raw) -> list[dict]:
    out = []
    for position, row in enumerate(raw or [], start=1):
        if not isinstance(row, dict) or not row.get("role"):
            raise ValidationError(f"第 {position} 行权限缺少角色", field="permissions")
        try:
            level = int(row.get("permlevel") or 0)
        except (TypeError, ValueError):
            level = -1
        if not isinstance(row["role"], str) or not 0 <= level <= 9:
            raise ValidationError(f"第 {position} 行权限：角色须为文本，级别须为 0–9", field="permissions")
        clean = {"role": row["role"], "permlevel": level, "if_owner": int(bool(row.get("if_owner")))}
        clean.update({r: int(bool(row.get(r))) for r in PERM_RIGHTS if row.get(r)})
        out.append(clean)
    return out


def load(ctx, name: str) -> dict:
    if not ctx.site.metas.exists(name or "") or ctx.site.metas.is_standard(name):
        raise ValidationError(f"“{name}” 不是自定义单据类型", field="name")
    doc = ctx.get_doc("DocType", name)
    data = doc.as_dict()
    autoname = data.get("autoname") or "hash"
    for rule in ("field", "format"):
        if autoname.startswith(rule + ":"):
            data["naming"], data["naming_value"] = rule, autoname[len(rule) + 1:]
            break
    else:
        data["naming"], data["naming_value"] = autoname.lower(), ""
    return data


def save(ctx, data: dict) -> dict:
    """Create or change one custom DocType from the builder's form."""
    if not isinstance(data, dict):
        raise ValidationError("请给出单据类型的定义", field="doctype")
    for key in ("name", "label", "naming", "naming_value", "module", "description", "title_field"):
        if data.get(key) is not None and not isinstance(data.get(key), str):
            raise ValidationError(f"“{key}” 应为文本", field=key)
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError("请填写单据类型的英文名（如 Volunteer Service）", field="name")
    if ctx.site.metas.is_standard(name):
        raise ValidationError(f"“{name}” 是标准单据类型，只能在“表单定制”中调整", field="name")
    for role in {p["role"] for p in _permissions(data.get("permissions"))}:
        if not ctx.exists("Role", role):
            raise ValidationError(f"角色 “{role}” 不存在", field="permissions")
    values = {"name": name, "label": (data.get("label") or "").strip() or name, "module": data.get("module") or "Custom",
              "description": data.get("description") or None, "custom": 1,
              "istable": int(bool(data.get("istable"))), "is_submittable": int(bool(data.get("is_submittable"))),
              "is_tree": int(bool(data.get("is_tree"))), "track_changes": int(bool(data.get("track_changes", 1))),
              "autoname": _naming(data), "title_field": data.get("title_field") or None,
              "fields": _fields(data.get("fields")), "permissions": _permissions(data.get("permissions"))}
    if values["istable"] and (values["is_submittable"] or values["is_tree"]):
        raise ValidationError("子表不能同时是可提交或树形的单据类型", field="istable")
    if not values["istable"] and not values["permissions"]:
        raise ValidationError("请至少给一个角色权限，否则没有人能使用这个单据类型", field="permissions")
    if values["istable"]:
        values["permissions"] = []
    rec = change_log.Recorder(ctx)
    exists = storage.exists(ctx, "DocType", name)
    before = rec.before("DocType", name if exists else None)
    if exists:
        doc = ctx.get_doc("DocType", name)
        old_rows = {r.fieldname: r.name for r in doc.fields}
        for row in values["fields"]:
            if row["fieldname"] in old_rows:
                row["name"] = old_rows[row["fieldname"]]  # same row: its column and values stay
        doc.update({k: v for k, v in values.items() if k != "name"})
        doc.save()
    else:
        doc = ctx.new_doc("DocType", values)
        doc.insert()
    rec.done("DocType", name, before)
    rec.save(title=f"{'修改' if exists else '新建'}单据类型“{values['label']}”", ref_doctype=None, tool=TOOL)
    return load(ctx, name)


def custom_doctypes(ctx) -> list[dict]:
    return [{"name": n, "label": ctx.meta(n).display_name, "istable": ctx.meta(n).istable,
             "is_submittable": ctx.meta(n).is_submittable, "is_tree": ctx.meta(n).is_tree}
            for n in ctx.site.metas.all_names() if not ctx.site.metas.is_standard(n)]
