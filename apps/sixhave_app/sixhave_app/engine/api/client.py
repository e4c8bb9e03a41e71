"""The `frappe.client.*` family that Frappe's clients call, on our documents and queries."""
from __future__ import annotations

from .. import permissions, rename
from ..errors import DoesNotExistError, PermissionError, ValidationError
from . import resource
from .request import parse_json_arg, truthy
from .whitelist import whitelist


def _exists(ctx, doctype: str) -> str:
    if not doctype or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    return doctype


def _doc_arg(doc) -> dict:
    doc = parse_json_arg(doc, "doc")
    if not isinstance(doc, dict) or not doc.get("doctype"):
        raise ValidationError("参数 doc 应为含 doctype 的 JSON 对象")
    return dict(doc)


@whitelist(methods=("GET", "POST"))
def get_list(ctx, doctype, fields=None, filters=None, order_by=None, limit_start=None, limit_page_length=20,
             parent=None, debug=False, as_dict=True, or_filters=None, group_by=None, limit=None, **kwargs):
    _exists(ctx, doctype)
    args = {"fields": fields, "filters": filters, "or_filters": or_filters, "order_by": order_by,
            "group_by": group_by, "limit_start": limit_start, "as_dict": as_dict,
            "limit_page_length": limit if limit not in (None, "") else limit_page_length}
    return resource.list_documents(ctx, doctype, args)


@whitelist(methods=("GET", "POST"))
def get_count(ctx, doctype, filters=None, debug=False, cache=False, distinct=False, or_filters=None, **kwargs) -> int:
    _exists(ctx, doctype)
    return ctx.get_count(doctype, parse_json_arg(filters, "filters"), distinct=truthy(distinct),
                         or_filters=parse_json_arg(or_filters, "or_filters"))


@whitelist(methods=("GET", "POST"))
def get(ctx, doctype, name=None, filters=None, parent=None, **kwargs) -> dict:
    _exists(ctx, doctype)
    if ctx.meta(doctype).issingle:
        name = doctype
    if not name:
        filters = parse_json_arg(filters, "filters")
        name = ctx.get_value(doctype, filters or {}, "name") if filters else None
        if not name:
            raise DoesNotExistError(f"{ctx.meta(doctype).display_name}：没有符合条件的单据")
    return resource.doc_json(ctx, ctx.get_doc(doctype, name))


get_doc = whitelist(methods=("GET", "POST"))(lambda ctx, doctype, name=None, filters=None, **kw: get(ctx, doctype, name, filters))


@whitelist(methods=("GET", "POST"))
def get_value(ctx, doctype, fieldname, filters=None, as_dict=True, debug=False, parent=None, **kwargs):
    _exists(ctx, doctype)
    fields = parse_json_arg(fieldname, "fieldname")
    names = fields if isinstance(fields, list) else [fields]
    filters = parse_json_arg(filters, "filters")
    meta = ctx.meta(doctype)
    if meta.issingle:
        permissions.check(ctx, doctype, "read")
        _readable_single_fields(ctx, doctype, names)
        values = ctx.get_value(doctype, None, names, as_dict=True)
    else:
        if isinstance(filters, str) or filters is None:
            filters = {"name": filters} if filters else None
        rows = resource.list_documents(ctx, doctype, {"fields": names, "filters": filters, "limit_page_length": 1})
        values = rows[0] if rows else None
    if truthy(as_dict, True):
        return values or {}
    if not values:
        return None
    listed = [values.get(n) for n in names]
    return listed if len(names) > 1 else listed[0]


@whitelist(methods=("GET", "POST"))
def get_single_value(ctx, doctype, field, **kwargs):
    _exists(ctx, doctype)
    permissions.check(ctx, doctype, "read")
    _readable_single_fields(ctx, doctype, [field])
    return ctx.get_value(doctype, None, field)


def _readable_single_fields(ctx, doctype: str, names) -> None:
    """A Single's values are read without the query builder: the same field-level rule, here."""
    meta = ctx.meta(doctype)
    hidden = permissions.hidden_fieldnames(ctx, doctype)
    for name in names:
        if not isinstance(name, str) or not (meta.has_field(name) or name in meta.valid_columns()):
            raise ValidationError(f"{meta.display_name} 没有字段 “{name}”")
        if name in hidden:
            raise PermissionError(f"没有权限读取{meta.display_name}的字段 “{meta.label_of(name)}”", field=name)


@whitelist(methods=("POST", "PUT"))
def set_value(ctx, doctype, name, fieldname, value=None, **kwargs) -> dict:
    _exists(ctx, doctype)
    values = parse_json_arg(fieldname, "fieldname")
    if not isinstance(values, dict):
        if not isinstance(fieldname, str):
            raise ValidationError("参数 fieldname 应为字段名，或 {字段名: 值} 的 JSON 对象", field="fieldname")
        values = {fieldname: value}
    return resource.update_document(ctx, doctype, name, values)


@whitelist(methods=("POST", "PUT"))
def insert(ctx, doc=None, **kwargs) -> dict:
    data = _doc_arg(doc)
    if data.get("parenttype") and data.get("parent") and data.get("parentfield"):
        parent = ctx.get_doc(data["parenttype"], data["parent"])
        row = {k: v for k, v in data.items() if k not in ("doctype", "parent", "parenttype", "parentfield")}
        parent.append(data["parentfield"], row)
        parent.save()
        return resource.doc_json(ctx, parent)
    doctype = _exists(ctx, data.pop("doctype"))
    return resource.create(ctx, doctype, {"data": data})


@whitelist(methods=("POST", "PUT"))
def insert_many(ctx, docs=None, **kwargs) -> list:
    docs = parse_json_arg(docs, "docs")
    if not isinstance(docs, list):
        raise ValidationError("参数 docs 应为单据列表")
    if len(docs) > 200:
        raise ValidationError("一次最多插入 200 条")
    return [insert(ctx, doc)["name"] for doc in docs]


@whitelist(methods=("POST", "PUT"))
def save(ctx, doc=None, **kwargs) -> dict:
    data = _doc_arg(doc)
    doctype = _exists(ctx, data["doctype"])
    if not data.get("name") or not ctx.exists(doctype, data["name"]):
        return insert(ctx, data)
    return resource.update_document(ctx, doctype, data["name"], data)


@whitelist(methods=("POST", "PUT"))
def bulk_update(ctx, docs=None, **kwargs) -> dict:
    docs = parse_json_arg(docs, "docs")
    if docs in (None, ""):
        docs = []
    if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
        raise ValidationError("参数 docs 应为单据（JSON 对象）的列表", field="docs")
    failed = []
    for doc in docs:
        data = dict(doc)
        try:
            resource.update_document(ctx, data.pop("doctype"), data.pop("docname", data.get("name")), data)
        except Exception as exc:  # noqa: BLE001 - reported per document
            failed.append({"doc": doc, "exc": str(exc)})
    return {"failed_docs": failed}


@whitelist(methods=("POST", "PUT"))
def submit(ctx, doc=None, **kwargs) -> dict:
    data = _doc_arg(doc)
    doctype = _exists(ctx, data["doctype"])
    if data.get("name") and ctx.exists(doctype, data["name"]):
        current = ctx.get_doc(doctype, data["name"])
        if data.get("modified"):
            current.set("modified", data["modified"])
        current.submit()
    else:
        current = ctx.new_doc(doctype, {k: v for k, v in data.items() if k != "doctype"}).submit()
    return resource.doc_json(ctx, current)


@whitelist(methods=("POST", "PUT"))
def cancel(ctx, doctype, name, **kwargs) -> dict:
    _exists(ctx, doctype)
    doc = ctx.get_doc(doctype, name)
    doc.cancel()
    return resource.doc_json(ctx, doc)


@whitelist(methods=("POST", "DELETE"))
def delete(ctx, doctype, name, **kwargs) -> None:
    _exists(ctx, doctype)
    ctx.delete_doc(doctype, name)
    return None


@whitelist(methods=("POST", "PUT"))
def rename_doc(ctx, doctype, old_name, new_name, merge=False, **kwargs) -> str:
    _exists(ctx, doctype)
    return rename.rename_doc(ctx, doctype, old_name, new_name, merge=truthy(merge))


@whitelist(methods=("GET", "POST"))
def reportview_get(ctx, doctype, fields=None, filters=None, order_by=None, start=0, page_length=20, **kwargs) -> dict:
    """frappe.desk.reportview.get: rows as keys + values, as Frappe's list view reads them."""
    _exists(ctx, doctype)
    rows = resource.list_documents(ctx, doctype, {"fields": fields, "filters": filters, "order_by": order_by,
                                                  "limit_start": start, "limit_page_length": page_length},
                                   ptype="read")
    keys = list(rows[0].keys()) if rows else []
    return {"keys": keys, "values": [list(r.values()) for r in rows]}
