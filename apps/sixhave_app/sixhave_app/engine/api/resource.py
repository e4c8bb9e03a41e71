"""/api/resource/<DocType>[/<name>]: list, create, get, update, delete."""
from __future__ import annotations

from .. import paging, permissions
from ..document import rows_of
from ..errors import DoesNotExistError, PermissionError, ValidationError
from ..meta import CHILD_COLUMNS, STANDARD_COLUMNS
from .request import parse_json_arg, truthy
from .responses import Reply


def _doctype(ctx, caller) -> str:
    doctype = caller.request.path_params["doctype"]
    if not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在", doctype="DocType", name=doctype)
    return doctype


def doc_json(ctx, doc) -> dict:
    """The readable part of a document for a response; values stay as stored (the response's
    encoder writes dates as text and decimals exactly, see responses.decimal_json)."""
    return permissions.strip_unreadable(ctx, doc.doctype, doc.as_dict(convert=False))


# --------------------------------------------------------------------------- handlers, one per verb
def get_collection(ctx, caller) -> Reply:
    """GET /api/resource/<DocType>: a page of the list; with `after`, keyset paging (paging.py):
    the page after a cursor, and the next cursor."""
    doctype = _doctype(ctx, caller)
    if "after" in caller.args:
        rows, following = list_after(ctx, doctype, caller.args)
        return Reply(body=rows, key="data", extra={"next": following})
    return Reply(body=list_documents(ctx, doctype, caller.args), key="data")


def post_collection(ctx, caller) -> Reply:
    """POST /api/resource/<DocType>: a new document."""
    return Reply(body=create(ctx, _doctype(ctx, caller), caller.args), key="data")


def get_member(ctx, caller) -> Reply:
    """GET /api/resource/<DocType>/<name>: one document."""
    doctype = _doctype(ctx, caller)
    return Reply(body=doc_json(ctx, ctx.get_doc(doctype, caller.request.path_params["name"])), key="data")


def put_member(ctx, caller) -> Reply:
    """PUT /api/resource/<DocType>/<name>: change a document."""
    doctype = _doctype(ctx, caller)
    return Reply(body=update_document(ctx, doctype, caller.request.path_params["name"], _document_data(caller.args)),
                 key="data")


def delete_member(ctx, caller) -> Reply:
    """DELETE /api/resource/<DocType>/<name>: delete (into the Deleted Document archive)."""
    doctype = _doctype(ctx, caller)
    ctx.delete_doc(doctype, caller.request.path_params["name"])
    return Reply(body="ok", key="data", status=202)


# --------------------------------------------------------------------------- what they do


def list_after(ctx, doctype: str, args: dict):
    fields = parse_json_arg(args.get("fields"), "fields") or ["name"]
    limit = args.get("limit_page_length", args.get("limit", args.get("page_length")))
    if args.get("limit_start", args.get("start")) not in (None, "", 0, "0"):
        raise ValidationError("参数 after（游标分页）不能与 limit_start 同用")
    rows, following = paging.get_page(
        ctx, doctype, after=str(args.get("after") or ""), fields=fields,
        filters=parse_json_arg(args.get("filters"), "filters"), or_filters=parse_json_arg(args.get("or_filters"), "or_filters"),
        order_by=args.get("order_by"), limit_page_length=20 if limit in (None, "") else limit,
        as_list=not truthy(args.get("as_dict"), True))
    return ([list(r) for r in rows] if rows and isinstance(rows[0], tuple) else rows), following


def list_documents(ctx, doctype: str, args: dict, *, ptype: str = "read"):
    fields = parse_json_arg(args.get("fields"), "fields") or ["name"]
    limit = args.get("limit_page_length", args.get("limit", args.get("page_length")))
    rows = ctx.get_list(doctype, fields=fields, filters=parse_json_arg(args.get("filters"), "filters"),
                        or_filters=parse_json_arg(args.get("or_filters"), "or_filters"),
                        order_by=args.get("order_by"), group_by=args.get("group_by") or None,
                        limit_start=args.get("limit_start", args.get("start", 0)),
                        limit_page_length=20 if limit in (None, "") else limit,
                        as_list=not truthy(args.get("as_dict"), True), ptype=ptype)
    return [list(r) for r in rows] if rows and isinstance(rows[0], tuple) else rows


def _document_data(args: dict) -> dict:
    data = args.get("data")
    if data is not None:
        data = parse_json_arg(data, "data")
        if not isinstance(data, dict):
            raise ValidationError("参数 data 应为 JSON 对象（单据内容）")
        return dict(data)
    return {k: v for k, v in args.items() if k not in ("cmd", "__body")}


def create(ctx, doctype: str, args: dict) -> dict:
    data = _document_data(args)
    data.pop("doctype", None)
    for key in ("owner", "creation", "modified", "modified_by"):
        data.pop(key, None)
    doc = ctx.new_doc(doctype, data).insert()
    return doc_json(ctx, doc)


def update_document(ctx, doctype: str, name: str, data: dict) -> dict:
    doc = ctx.get_doc(doctype, name)
    data = dict(data)
    for key in ("doctype", "name", "owner", "creation", "modified_by", "docstatus", "idx") + CHILD_COLUMNS:
        data.pop(key, None)
    for tf in doc.meta.table_fields:
        if tf.fieldname in data:  # child rows are replaced by what the client sends
            rows = []
            for row in rows_of(doc.meta, tf.fieldname, data.pop(tf.fieldname)):  # 417 unless rows of objects
                rows.append({k: v for k, v in row.items() if k not in ("doctype", "parent", "parenttype", "parentfield")})
            doc.set(tf.fieldname, rows)
    doc.update(data)
    doc.save()
    return doc_json(ctx, doc)


STD = STANDARD_COLUMNS
