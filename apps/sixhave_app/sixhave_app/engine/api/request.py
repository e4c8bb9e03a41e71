"""Reading a request the way Frappe does: one dict of arguments (form_dict) from the query
string, a form (urlencoded or multipart) and a JSON body; files kept apart."""
from __future__ import annotations

import json

from starlette.datastructures import UploadFile
from starlette.requests import Request

from .. import limits
from ..errors import ValidationError


def _bounded(request: Request, limit: int, what: str) -> Request:
    """The request with a body that may not grow past `limit`: refused by its Content-Length
    before anything is read, and counted while it streams in (chunked bodies, lying lengths),
    so that no oversized body is ever read whole into memory or onto disk."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise ValidationError("请求头 Content-Length 无效") from None
        if size > limit:
            raise limits.too_large(what, limit)
    receive, seen = request.receive, 0

    async def bounded_receive():
        nonlocal seen
        message = await receive()
        if message.get("type") == "http.request":
            seen += len(message.get("body") or b"")
            if seen > limit:
                raise limits.too_large(what, limit)
        return message

    return Request(request.scope, bounded_receive)


async def read_args(request: Request, site=None) -> tuple[dict, dict]:
    args: dict = dict(request.query_params)
    files: dict = {}
    if request.method in ("POST", "PUT", "DELETE", "PATCH"):
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if site is not None:
            multipart = content_type == "multipart/form-data"
            request = _bounded(request, limits.body_limit(site, content_type), "上传内容" if multipart else "请求内容")
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form()
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    files[key] = value
                else:
                    args[key] = value
        else:
            raw = await request.body()
            if raw.strip():
                if site is not None:
                    limits.check_json_text(site, raw)
                try:
                    body = json.loads(raw)
                except (ValueError, RecursionError):
                    if content_type == "application/json":
                        raise ValidationError("请求体不是有效的 JSON") from None
                    body = None
                if isinstance(body, dict):
                    args.update(body)
                elif body is not None:
                    args["__body"] = body
    if site is not None:
        limits.clamp_page_args(site, args)
    return args, files


def parse_json_arg(value, name: str):
    """Arguments that clients send as JSON strings (filters, fields, doc…) or as native JSON."""
    if isinstance(value, (bytes, bytearray)):
        value = value.decode()
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("[", "{"):
            depth = limits.DEFAULTS["max_json_depth"]
            if limits.text_depth(text, depth) > depth:
                raise ValidationError(f"参数 {name} 的 JSON 嵌套过深（最多 {depth} 层）", field=name)
            try:
                return json.loads(text)
            except (ValueError, RecursionError):
                raise ValidationError(f"参数 {name} 不是有效的 JSON") from None
    return value


def truthy(value, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "none", "null")
    return bool(value)
