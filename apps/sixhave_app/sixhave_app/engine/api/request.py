"""Reading a request the way Frappe does: one dict of arguments (form_dict) from the query
string, a form (urlencoded or multipart) and a JSON body; files kept apart. Each body is parsed
only as its Content-Type (`read_args`)."""
from __future__ import annotations

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request

from ..errors import BadRequestError, UnsupportedMediaTypeError, ValidationError


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def is_json_type(kind: str) -> bool:
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


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
    """A body is read only as what its Content-Type says: a form as a form, JSON as JSON. A body
    of any other type (text/plain, none at all…) is refused with 415 — never guessed to be JSON,
    which a cross-site page could send without a CORS preflight."""
    args: dict = dict(request.query_params)
    _no_control_characters(request, args)
    files: dict = {}
    if request.method in ("POST", "PUT", "DELETE", "PATCH"):
        kind = content_type(request)
        if kind in FORM_TYPES:
            form = await request.form()
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    files[key] = value
                else:
                    args[key] = value
        else:
            raw = await request.body()
            if not raw.strip():
                return args, files
            if not is_json_type(kind):
                shown = kind or "（未注明）"
                raise UnsupportedMediaTypeError(f"请求体类型 {shown} 不受支持：请以 application/json 或表单"
                                                "（application/x-www-form-urlencoded、multipart/form-data）发送")
            body = loads(raw, "请求体")
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
