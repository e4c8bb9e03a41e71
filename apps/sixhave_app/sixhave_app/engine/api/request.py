"""Reading a request the way Frappe does: one dict of arguments (form_dict) from the query
string, a form (urlencoded or multipart) and a JSON body; files kept apart."""
from __future__ import annotations

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request

from ..errors import BadRequestError, ValidationError


def loads(text, what: str):
    """Strict JSON (orjson): invalid UTF-8, lone surrogates, NaN/Infinity and nesting deeper than
    1024 levels are refused with a Chinese message naming `what`, never a server error."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        reason = "嵌套过深" if "depth" in str(exc) else "格式错误"
        raise ValidationError(f"{what}不是有效的 JSON（{reason}）") from None


def _no_control_characters(request: Request, args: dict) -> None:
    """A NUL byte in the path or the query string is never meaningful: a 400, not a file-system
    or database error further in."""
    if "\x00" in request.url.path or any("\x00" in str(k) + str(v) for k, v in args.items()):
        raise BadRequestError("请求地址或参数中含有不允许的控制字符（NUL）")


async def read_args(request: Request) -> tuple[dict, dict]:
    args: dict = dict(request.query_params)
    _no_control_characters(request, args)
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
                    body = loads(raw, "请求体")
                except ValidationError:
                    if content_type == "application/json":
                        raise
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
            return loads(text, f"参数 {name} ")
    return value


def truthy(value, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "none", "null")
    return bool(value)
