"""Reading a request the way Frappe does: one dict of arguments (form_dict) from the query
string, a form (urlencoded or multipart) and a JSON body; files kept apart."""
from __future__ import annotations

import json

from starlette.datastructures import UploadFile
from starlette.requests import Request

from ..errors import ValidationError


async def read_args(request: Request) -> tuple[dict, dict]:
    args: dict = dict(request.query_params)
    files: dict = {}
    if request.method in ("POST", "PUT", "DELETE", "PATCH"):
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
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
                try:
                    body = json.loads(raw)
                except ValueError:
                    if content_type == "application/json":
                        raise ValidationError("请求体不是有效的 JSON") from None
                    body = None
                if isinstance(body, dict):
                    args.update(body)
                elif body is not None:
                    args["__body"] = body
    return args, files


def parse_json_arg(value, name: str):
    """Arguments that clients send as JSON strings (filters, fields, doc…) or as native JSON."""
    if isinstance(value, (bytes, bytearray)):
        value = value.decode()
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("[", "{"):
            try:
                return json.loads(text)
            except ValueError:
                raise ValidationError(f"参数 {name} 不是有效的 JSON") from None
    return value


def truthy(value, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "none", "null")
    return bool(value)
