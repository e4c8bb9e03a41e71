"""Frappe's envelopes: {"data": …} for resources, {"message": …} for methods, and errors with
`exc_type`, `exc` (never empty), `_server_messages` and the status of the exception's type."""
from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from decimal import Decimal

import orjson
from starlette.responses import Response

from ..document import to_json_value
from ..errors import SixhaveError


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
