"""Frappe's envelopes: {"data": …} for resources, {"message": …} for methods, and errors with
`exc_type`, `exc` (never empty), `_server_messages` and the status of the exception's type."""
from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from decimal import Decimal

import orjson
from starlette.responses import Response

from ..errors import BadRequestError, DoesNotExistError, MethodNotAllowedError, SixhaveError
from ..values import to_json_value


def decimal_json(value: Decimal) -> orjson.Fragment:
    """A Decimal as a JSON number written from its own text, never through a float: the
    client reads exactly the digits stored (12345678901.23 stays 12345678901.23, 0.3 stays 0.3).
    Not-a-number and infinities, which JSON has no number for, are null."""
    if not value.is_finite():
        return orjson.Fragment(b"null")
    return orjson.Fragment(str(value).encode())


def _default(value):
    if isinstance(value, Decimal):
        return decimal_json(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "as_dict"):
        return value.as_dict()
    converted = to_json_value(value)
    if converted is value:
        raise TypeError(f"cannot serialise {type(value).__name__}")
    return converted


def dumps(value) -> bytes:
    return orjson.dumps(value, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS)


class JSONReply(Response):
    media_type = "application/json"

    def __init__(self, content, status_code: int = 200, headers: dict | None = None):
        super().__init__(dumps(content), status_code=status_code, headers=headers)


@dataclass
class Reply:
    """What a handler returns: a body for the envelope (or a ready Response), plus cookies."""
    body: object = None
    status: int = 200
    key: str = "message"
    cookies: dict = field(default_factory=dict)   # name → (value, httponly, max_age)
    delete_cookies: list = field(default_factory=list)
    response: Response | None = None
    extra: dict = field(default_factory=dict)


def server_messages(message: str, title: str, indicator: str = "red") -> str:
    return json.dumps([json.dumps({"message": message, "title": title, "indicator": indicator,
                                   "raise_exception": 1}, ensure_ascii=False)], ensure_ascii=False)


def error_body(exc: BaseException, *, show_traceback: bool) -> tuple[int, dict]:
    if isinstance(exc, SixhaveError):
        status, exc_type, message, title = exc.http_status, exc.exc_type, exc.message or exc.title, exc.title
    else:
        status, exc_type, title = 500, "InternalServerError", "服务器错误"
        message = "服务器内部错误，请稍后再试或联系管理员"
    if show_traceback:
        exc_list = ["".join(traceback.format_exception(type(exc), exc, exc.__traceback__))]
    else:
        exc_list = [f"frappe.exceptions.{exc_type}: {message}"]
    body = {"exc_type": exc_type, "exception": f"frappe.exceptions.{exc_type}: {message}",
            "exc": json.dumps(exc_list, ensure_ascii=False), "_server_messages": server_messages(message, title)}
    if isinstance(exc, SixhaveError) and exc.details.get("field"):
        body["field"] = exc.details["field"]
    return status, body


# --------------------------------------------------------------------------- the HTTP edge
# Errors raised before a handler runs (no route for the path, a verb the route does not take, a
# body the form parser cannot read) get the same envelope and a Chinese message as every other.
_VERB_NAMES = {"GET": "读取(GET)", "POST": "提交(POST)", "PUT": "修改(PUT)", "DELETE": "删除(DELETE)",
               "PATCH": "PATCH", "HEAD": "HEAD", "OPTIONS": "OPTIONS"}


def edge_error(request, status: int, headers: dict | None = None) -> SixhaveError:
    path = request.url.path
    if status == 404:
        return DoesNotExistError(f"地址 “{path}” 不存在")
    if status == 405:
        allowed = (headers or {}).get("Allow") or (headers or {}).get("allow") or ""
        verbs = "、".join(v.strip() for v in allowed.split(",") if v.strip())
        tail = f"（可用：{verbs}）" if verbs else ""
        return MethodNotAllowedError(f"地址 “{path}” 不接受 {_VERB_NAMES.get(request.method, request.method)} 请求{tail}")
    error = BadRequestError("请求内容过大" if status == 413 else f"请求格式无效，无法读取（HTTP {status}）")
    if 400 < status < 500:
        error.http_status = status  # keep the status the edge chose (413, 415…)
    return error


async def http_exception_handler(request, exc) -> Response:
    headers = dict(getattr(exc, "headers", None) or {})
    status, body = error_body(edge_error(request, exc.status_code, headers), show_traceback=False)
    keep = {k: v for k, v in headers.items() if k.lower() == "allow"}
    return JSONReply(body, status, headers=keep or None)
