"""/api/openapi.json: an OpenAPI 3.1 document generated from the current metadata, custom fields
included, so integrators and API fuzzers (tests/security/test_schemathesis.py) can use it.

It describes what the server really takes: each DocType's list (fields, filters as JSON, order,
paging), create, read, update and delete with the DocType's own field schema; and every
/api/method the engine and the apps name (their hooks' `method_aliases`, merged by the Site),
its verb and its arguments as `api/arguments.py` reads them — so the document cannot drift from
the argument checks."""
from __future__ import annotations

from ..meta import CHILD_COLUMNS
from . import arguments, whitelist
from .responses import JSONReply, Reply

_ORDER_OPS = ["=", "!=", "<", ">", "<=", ">=", "like", "not like", "in", "not in", "is", "between"]
MAX_PAGE = 2 ** 31 - 1
# Methods left out of the document: they change the caller's own credentials or session, which a
# fuzzer (or an integrator's generated client) must not call by accident.
UNLISTED = {"frappe.core.doctype.user.user.generate_keys", "frappe.core.doctype.user.user.update_password", "logout"}


def _schema_name(doctype: str) -> str:
    return doctype.replace(" ", "_")


def field_schema(f) -> dict:
    schema = dict(f.kind.openapi(f))  # the field type's own fragment (fieldtypes.FieldType.openapi)
    if f.kind.link:
        schema["description"] = f"{f.display_label}（链接到 {f.options}）"
    else:
        schema["title"] = f.display_label
    if not f.reqd:
        schema = {"anyOf": [schema, {"type": "null"}]} if schema else schema
    return schema


def doctype_schema(ctx, meta) -> dict:
    props = {"name": {"type": "string"}, "owner": {"type": "string"}, "creation": {"type": "string"},
             "modified": {"type": "string"}, "modified_by": {"type": "string"},
             "docstatus": {"type": "integer", "enum": [0, 1, 2]}, "idx": {"type": "integer"},
             "doctype": {"type": "string"}}
    if meta.istable:
        props.update({c: {"type": "string"} for c in CHILD_COLUMNS})
    required = []
    for f in meta.fields:
        if f.is_table:
            props[f.fieldname] = {"type": "array", "items": {"$ref": f"#/components/schemas/{_schema_name(f.options)}"}}
        elif f.has_column:
            props[f.fieldname] = field_schema(f)
            if f.reqd:
                required.append(f.fieldname)
    schema = {"type": "object", "title": meta.display_name, "properties": props}
    if required:
        schema["x-required-on-create"] = required
    return schema


def _input_schema(meta, *, create: bool) -> dict:
    """What a client sends to create or update: the DocType's own fields (server-owned ones are
    ignored by the server, so they are not offered)."""
    props, required = {}, []
    for f in meta.fields:
        if f.is_table:
            props[f.fieldname] = {"type": "array", "maxItems": 3,
                                  "items": {"$ref": f"#/components/schemas/{_schema_name(f.options)}"}}
        elif f.has_column and not f.read_only:
            props[f.fieldname] = field_schema(f)
            if create and f.reqd:
                required.append(f.fieldname)
    schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return schema


def _json_param(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description,
            "content": {"application/json": {"schema": schema}}}


def _query_param(name: str, schema: dict, description: str = "", required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def list_parameters(meta, hidden=()) -> list[dict]:
    columns = sorted(c for c in meta.valid_columns() if c not in hidden)
    value = {"anyOf": [{"type": "string", "maxLength": 40}, {"type": "number"}, {"type": "null"}]}
    triple = {"type": "array", "minItems": 3, "maxItems": 3,
              "prefixItems": [{"enum": columns}, {"enum": _ORDER_OPS}, value]}
    by_field = {"type": "object", "properties": {c: value for c in columns}, "additionalProperties": False}
    filters = {"anyOf": [by_field, {"type": "array", "maxItems": 3, "items": triple}]}
    fields = {"type": "array", "maxItems": 6, "items": {"enum": columns + ["count(*)", "*"]}}
    return [
        _json_param("fields", fields, "要读取的字段（JSON 列表）"),
        _json_param("filters", filters, "过滤条件：{字段: 值} 或 [[字段, 运算符, 值], …]（JSON）"),
        _json_param("or_filters", filters, "“或”过滤条件（JSON）"),
        _query_param("order_by", {"enum": [f"{c} {d}" for c in columns for d in ("asc", "desc")]}, "排序"),
        _query_param("limit_start", {"type": "integer", "minimum": 0, "maximum": MAX_PAGE}, "从第几行开始"),
        _query_param("limit_page_length", {"type": "integer", "minimum": 0, "maximum": MAX_PAGE}, "每页行数（0 为全部）"),
        _query_param("as_dict", {"type": "boolean"}, "按对象返回（默认）或按列表返回"),
    ]


def _error_ref():
    return {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _errors(*codes) -> dict:
    return {str(code): _error_ref() for code in codes}


def resource_paths(ctx, doctype: str, meta) -> dict:
    ref = {"$ref": f"#/components/schemas/{_schema_name(doctype)}"}
    one = {"content": {"application/json": {"schema": {"type": "object", "properties": {"data": ref}}}}}
    errors = _errors(400, 401, 403, 404, 405, 417)
    tags = [meta.module]
    name_param = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1,
                                                                              "maxLength": 140}}]
    listed = {"description": "列表", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"data": {"type": "array"}}}}}}
    return {
        f"/api/resource/{doctype}": {
            "get": {"summary": f"列出{meta.display_name}", "operationId": f"list_{_schema_name(doctype)}", "tags": tags,
                    "parameters": list_parameters(meta), "responses": {"200": listed, **errors}},
            "post": {"summary": f"新建{meta.display_name}", "operationId": f"create_{_schema_name(doctype)}", "tags": tags,
                     "requestBody": {"content": {"application/json": {"schema": _input_schema(meta, create=True)}}},
                     "responses": {"200": {"description": "新建的单据", **one}, **errors, **_errors(409)}},
        },
        f"/api/resource/{doctype}/{{name}}": {
            "get": {"summary": f"读取{meta.display_name}", "operationId": f"get_{_schema_name(doctype)}", "tags": tags,
                    "parameters": name_param, "responses": {"200": {"description": "单据", **one}, **errors}},
            "put": {"summary": f"修改{meta.display_name}", "operationId": f"update_{_schema_name(doctype)}", "tags": tags,
                    "parameters": name_param,
                    "requestBody": {"content": {"application/json": {"schema": _input_schema(meta, create=False)}}},
                    "responses": {"200": {"description": "修改后的单据", **one}, **errors, **_errors(409)}},
            "delete": {"summary": f"删除{meta.display_name}", "operationId": f"delete_{_schema_name(doctype)}", "tags": tags,
                       "parameters": name_param,
                       "responses": {"202": {"description": "已删除", "content": {"application/json": {"schema": {
                           "type": "object", "properties": {"data": {"type": "string"}}}}}}, **errors}},
        },
    }


# --------------------------------------------------------------------------- /api/method
def _argument_schema(name: str, kinds, doctypes: list[str]) -> tuple[dict, bool]:
    """(schema, is_json) of one method argument, from the type `arguments` checks it as."""
    if name in ("doctype", "reference_doctype"):
        return {"enum": doctypes}, False
    if name in ("filters", "or_filters"):
        return {"anyOf": [{"type": "object", "maxProperties": 3}, {"type": "array", "maxItems": 3}]}, True
    if name in ("fields", "docnames", "docs", "names"):
        return {"type": "array", "maxItems": 5}, True
    if name == "doc":
        return {"type": "object", "properties": {"doctype": {"enum": doctypes}, "name": {"type": "string"}},
                "required": ["doctype"]}, True
    kinds = kinds or (str,)
    options = []
    for kind in kinds:
        if kind is arguments.Count:
            options.append({"type": "integer", "minimum": 0, "maximum": arguments.MAX_COUNT})
        elif kind is int:
            options.append({"type": "integer"})
        elif kind is float:
            options.append({"type": "number"})
        elif kind is bool:
            options.append({"type": "boolean"})
        elif kind is dict:
            options.append({"type": "object"})
        elif kind is list:
            options.append({"type": "array"})
        else:
            options.append({"type": "string", "maxLength": 140})
    json_value = any(k in (dict, list) for k in kinds)
    return (options[0] if len(options) == 1 else {"anyOf": options}), json_value


def method_paths(ctx, doctypes: list[str]) -> dict:
    targets = ctx.site.hooks.method_aliases
    chosen: dict[str, str] = {}  # one name per function: Frappe's where there is one, else the shortest
    for name in sorted(targets, key=lambda n: (not n.startswith("frappe."), len(n), n)):
        chosen.setdefault(targets[name], name)
    paths = {}
    for name in sorted(chosen.values()):
        if name in UNLISTED:
            continue
        try:
            fn = whitelist.resolve(ctx.site, name)
        except Exception:  # noqa: BLE001 - a method an app names but cannot import is left out
            continue
        spec = getattr(fn, whitelist.MARK)
        plan, _ = arguments._plan(fn)
        verb = "GET" if "GET" in spec["methods"] else spec["methods"][0]
        operation = {"summary": (fn.__doc__ or name).strip().splitlines()[0], "operationId": f"method_{name}",
                     "tags": ["method"], "responses": {"200": {"description": "结果（message）"},
                                                       **_errors(400, 401, 403, 404, 405, 409, 417)}}
        if spec["allow_guest"]:
            operation["security"] = [{}]
        if verb == "GET":
            params = []
            for arg, kinds, _nullable, required in plan:
                if arg.startswith("_"):
                    continue
                schema, as_json = _argument_schema(arg, kinds, doctypes)
                params.append(_json_param(arg, schema, "", required) if as_json else _query_param(arg, schema, "", required))
            operation["parameters"] = params
        else:
            props, required = {}, []
            for arg, kinds, _nullable, needed in plan:
                if arg.startswith("_"):
                    continue
                props[arg], _ = _argument_schema(arg, kinds, doctypes)
                if needed:
                    required.append(arg)
            body = {"type": "object", "properties": props}
            if required:
                body["required"] = required
            operation["requestBody"] = {"required": bool(required), "content": {"application/json": {"schema": body}}}
        paths[f"/api/method/{name}"] = {verb.lower(): operation}
    return paths


def build(ctx) -> dict:
    schemas = {"Error": {"type": "object", "properties": {"exc_type": {"type": "string"}, "exc": {"type": "string"},
                                                         "_server_messages": {"type": "string"}}}}
    paths: dict = {}
    listed = []
    for doctype in ctx.site.metas.all_names():
        meta = ctx.meta(doctype)
        schemas[_schema_name(doctype)] = doctype_schema(ctx, meta)
        if meta.istable or meta.issingle:
            continue
        listed.append(doctype)
        paths.update(resource_paths(ctx, doctype, meta))
    paths.update(method_paths(ctx, listed))
    return {"openapi": "3.1.0",
            "info": {"title": f"sixhave · {ctx.site.name}", "version": str(ctx.site.metas.version or 0),
                     "description": "Frappe v1 风格的接口：/api/resource 与 /api/method。认证：Authorization: token key:secret，或登录后的 sid Cookie。"},
            "servers": [{"url": "/"}],
            "components": {"schemas": schemas, "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "Authorization"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sid"}}},
            "security": [{"token": []}, {"session": []}],
            "paths": paths}


def document(ctx, caller) -> Reply:
    return Reply(response=JSONReply(build(ctx)))
