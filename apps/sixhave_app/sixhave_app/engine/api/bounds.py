"""What one request may carry (engine/limits.py, from site_config.json), enforced while it is
read, before any handler runs: the body's size — by its Content-Length, and by counting as it
streams in, so nothing oversized is ever read whole into memory or onto disk — the nesting of
its JSON (measured before parsing, so no parser's recursion can fail), and its page length."""
from __future__ import annotations

from starlette.requests import Request

from .. import limits
from ..errors import ValidationError
from . import request as request_reader

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = ("POST", "PUT", "DELETE", "PATCH")


def bounded(request: Request, limit: int, what: str) -> Request:
    """The request with a body that may not grow past `limit` bytes (413 otherwise)."""
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


async def read_args(request: Request, site) -> tuple[dict, dict]:
    """request.read_args within the site's limits."""
    if request.method in BODY_METHODS:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        multipart = content_type == "multipart/form-data"
        request = bounded(request, limits.body_limit(site, content_type), "上传内容" if multipart else "请求内容")
        if content_type not in FORM_TYPES:
            raw = await request.body()  # kept by the Request: read_args reads it from there
            if raw.strip():
                limits.check_json_text(site, raw)
    args, files = await request_reader.read_args(request)
    for name, value in args.items():  # JSON sent as text: filters, fields, doc…
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            limits.check_json_text(site, value, f"参数 {name} ")
    limits.clamp_page_args(site, args)
    return args, files
