"""The limits a site puts on what one request may ask of it, each read from `site_config.json`
with a default (docs/SECURITY.md lists them): body sizes, file sizes and types, page length,
the depth and size of filters and of JSON in general. Checks that need a request live where the
request is read (api/request.py) and where queries are built (query.py); this module only says
how much is allowed and how to measure it."""
from __future__ import annotations

from .errors import QueryError, SixhaveError, ValidationError

MB = 1024 * 1024
DEFAULTS = {
    "max_body_size": 4 * MB,          # JSON, urlencoded and any other non-multipart body
    "max_file_size": 50 * MB,         # one uploaded file (a multipart body may be 1 MB more)
    "max_page_length": 1000,          # rows one list request returns (0 / "all" mean this many)
    "max_json_depth": 32,             # nesting of any JSON a request carries
    "max_filter_depth": 5,            # nesting of `filters` / `or_filters`
    "max_filter_conditions": 100,     # conditions in `filters` plus `or_filters`
}
MULTIPART_OVERHEAD = 1 * MB
# What may be uploaded unless site_config.json says otherwise (`allowed_file_extensions`).
DEFAULT_EXTENSIONS = (
    "pdf", "txt", "csv", "xlsx", "xls", "docx", "doc", "pptx", "ppt", "odt", "ods", "odp", "rtf", "wps", "et", "dps",
    "ofd", "jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "heic", "mp3", "m4a", "wav", "mp4", "mov", "zip",
)


class RequestEntityTooLarge(SixhaveError):
    """Werkzeug's (and so Frappe's) name for HTTP 413."""
    http_status = 413
    title = "内容过大"


def setting(site, key: str) -> int:
    """A positive whole number from site_config.json, or the default when unset or invalid."""
    raw = site.config.get(key)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return DEFAULTS[key]
    return value if value > 0 else DEFAULTS[key]


def allowed_extensions(site) -> frozenset[str]:
    """`allowed_file_extensions`: a list, or one string separated by commas, spaces or new lines
    (as Frappe's System Settings keep it); extensions without the dot, any case."""
    raw = site.config.get("allowed_file_extensions")
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    if not isinstance(raw, (list, tuple)) or not raw:
        raw = DEFAULT_EXTENSIONS
    return frozenset(str(e).strip().lstrip(".").lower() for e in raw if str(e).strip())


def size_words(size: int) -> str:
    return f"{size / MB:g} MB" if size >= MB else f"{max(size // 1024, 1)} KB"


def too_large(what: str, limit: int) -> RequestEntityTooLarge:
    return RequestEntityTooLarge(f"{what}过大：最多 {size_words(limit)}，请减小后重试", limit=limit)


def body_limit(site, content_type: str) -> int:
    if content_type == "multipart/form-data":
        return setting(site, "max_file_size") + MULTIPART_OVERHEAD
    return setting(site, "max_body_size")


# --------------------------------------------------------------------------- JSON depth
def text_depth(text: str | bytes, limit: int) -> int:
    """How deep brackets nest in JSON text (strings skipped), measured before parsing, so that a
    deeply nested request cannot exhaust the parser's recursion; stops counting past `limit`."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    if "[" not in text and "{" not in text:
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def check_json_text(site, text, what: str = "请求体") -> None:
    limit = setting(site, "max_json_depth")
    if text_depth(text, limit) > limit:
        raise ValidationError(f"{what}的 JSON 嵌套过深（最多 {limit} 层）")


def value_depth(value, limit: int, _depth: int = 0) -> int:
    """How deep lists and dicts nest in a parsed value (stops past `limit`)."""
    if not isinstance(value, (list, tuple, dict)):
        return _depth
    if _depth + 1 > limit:
        return _depth + 1
    items = value.values() if isinstance(value, dict) else value
    return max([value_depth(v, limit, _depth + 1) for v in items] or [_depth + 1])


def check_filters(site, filters, or_filters) -> None:
    """The shape of a query's filters: not nested deeper than `max_filter_depth`, and at most
    `max_filter_conditions` conditions in all (each a 417 naming the limit)."""
    depth_limit = setting(site, "max_filter_depth")
    for name, value in (("filters", filters), ("or_filters", or_filters)):
        if isinstance(value, (str, bytes, bytearray)):
            if text_depth(value, depth_limit) > depth_limit:
                raise QueryError(f"过滤条件 {name} 嵌套过深（最多 {depth_limit} 层）", field=name)
        elif value_depth(value, depth_limit) > depth_limit:
            raise QueryError(f"过滤条件 {name} 嵌套过深（最多 {depth_limit} 层）", field=name)


def check_condition_count(site, count: int) -> None:
    limit = setting(site, "max_filter_conditions")
    if count > limit:
        raise QueryError(f"过滤条件过多：{count} 个，最多 {limit} 个")


def page_length(site, value):
    """A requested page length within `max_page_length`: 0, empty or "all" mean the most allowed;
    anything not a whole number, negative or beyond a 64-bit integer is left for the query to
    refuse with its own message (a 417), not quietly read as the most allowed."""
    top = setting(site, "max_page_length")
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in ("", "0", "all", "none", "null"):
        return top
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    if number < 0 or number >= 2 ** 63:
        return value
    return top if number == 0 or number > top else value


PAGE_ARGS = ("limit_page_length", "page_length", "limit", "page_size")


def clamp_page_args(site, args: dict) -> None:
    """Every request's page-length arguments, capped before any handler sees them."""
    for key in PAGE_ARGS:
        if key in args:
            args[key] = page_length(site, args[key])
