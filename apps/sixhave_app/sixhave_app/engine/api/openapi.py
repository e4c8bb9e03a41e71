"""/api/openapi.json: an OpenAPI 3.1 document generated from the current metadata, custom fields
included, so integrators and API fuzzers can use it."""
from __future__ import annotations

from ..meta import CHILD_COLUMNS
from .responses import Reply, JSONReply

_JSON_TYPES = {"Int": {"type": "integer"}, "Check": {"type": "integer", "enum": [0, 1]},
               "Float": {"type": "number"}, "Currency": {"type": "number"}, "Percent": {"type": "number"}, "Rating": {"type": "number"},
               "Date": {"type": "string", "format": "date"}, "Datetime": {"type": "string"},
               "Time": {"type": "string"}, "JSON": {}}


def _schema_name(doctype: str) -> str:
    return doctype.replace(" ", "_")


def field_schema(f) -> dict:
    schema = dict(_JSON_TYPES.get(f.fieldtype, {"type": "string"}))
    if f.fieldtype == "Select" and f.select_options():
        schema["enum"] = f.select_options() + [""]
    if f.fieldtype in ("Data", "Link", "Dynamic Link", "Select", "Read Only"):
        schema["maxLength"] = f.length or 140
    if f.fieldtype == "Data" and f.options == "Email":
        schema["format"] = "email"
    if f.fieldtype == "Link":
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


def _error_ref():
    return {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def build(ctx) -> dict:
    schemas = {"Error": {"type": "object", "properties": {"exc_type": {"type": "string"}, "exc": {"type": "string"},
                                                         "_server_messages": {"type": "string"}}}}
    paths: dict = {}
    for doctype in ctx.site.metas.all_names():
        meta = ctx.meta(doctype)
        schemas[_schema_name(doctype)] = doctype_schema(ctx, meta)
        if meta.istable or meta.issingle:
            continue
        ref = {"$ref": f"#/components/schemas/{_schema_name(doctype)}"}
        one = {"content": {"application/json": {"schema": {"type": "object", "properties": {"data": ref}}}}}
        errors = {"403": _error_ref(), "404": _error_ref(), "417": _error_ref()}
        list_params = [{"name": n, "in": "query", "required": False, "schema": {"type": t}}
                       for n, t in (("fields", "string"), ("filters", "string"), ("or_filters", "string"),
                                    ("order_by", "string"), ("group_by", "string"), ("limit_start", "integer"),
                                    ("limit_page_length", "integer"), ("limit", "integer"), ("as_dict", "boolean"))]
        paths[f"/api/resource/{doctype}"] = {
            "get": {"summary": f"列出{meta.display_name}", "operationId": f"list_{_schema_name(doctype)}",
                    "tags": [meta.module], "parameters": list_params,
                    "responses": {"200": {"description": "列表", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"data": {"type": "array", "items": {"type": "object"}}}}}}}, **errors}},
            "post": {"summary": f"新建{meta.display_name}", "operationId": f"create_{_schema_name(doctype)}",
                     "tags": [meta.module], "requestBody": {"content": {"application/json": {"schema": ref}}},
                     "responses": {"200": {"description": "新建的单据", **one}, **errors, "409": _error_ref()}},
        }
        name_param = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
        paths[f"/api/resource/{doctype}/{{name}}"] = {
            "get": {"summary": f"读取{meta.display_name}", "operationId": f"get_{_schema_name(doctype)}",
                    "tags": [meta.module], "parameters": name_param, "responses": {"200": {"description": "单据", **one}, **errors}},
            "put": {"summary": f"修改{meta.display_name}", "operationId": f"update_{_schema_name(doctype)}",
                    "tags": [meta.module], "parameters": name_param,
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": {"200": {"description": "修改后的单据", **one}, **errors}},
            "delete": {"summary": f"删除{meta.display_name}", "operationId": f"delete_{_schema_name(doctype)}",
                       "tags": [meta.module], "parameters": name_param,
                       "responses": {"202": {"description": "已删除", "content": {"application/json": {"schema": {
                           "type": "object", "properties": {"data": {"type": "string"}}}}}}, **errors}},
        }
    paths["/api/method/login"] = {"post": {"summary": "登录", "operationId": "login", "requestBody": {"content": {
        "application/json": {"schema": {"type": "object", "required": ["usr", "pwd"],
                                        "properties": {"usr": {"type": "string"}, "pwd": {"type": "string"}}}}}},
        "responses": {"200": {"description": "Logged In"}, "401": _error_ref(), "429": _error_ref()}}}
    paths["/api/method/frappe.auth.get_logged_user"] = {"get": {"summary": "当前用户", "operationId": "get_logged_user",
                                                                "responses": {"200": {"description": "用户名"}, "403": _error_ref()}}}
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
