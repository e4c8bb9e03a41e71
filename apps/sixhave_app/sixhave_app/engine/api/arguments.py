"""The arguments of a whitelisted method, checked before it runs (as Frappe checks type hints).

Every /api/method call passes through `bind`: a required argument that is missing, or a value
of the wrong shape (a list where a DocType name belongs, "abc" for a page length), is refused
with a 417 naming the argument in Chinese — the function itself never sees it, so no TypeError,
ValueError or AttributeError deep inside can become a 500.

A parameter's type is, in order: its annotation (`str`, `int`, `float`, `bool`, `dict`, `list`,
`X | None`, unions of these); else the type the engine gives that parameter name everywhere
(`CONVENTIONS`: `doctype`, `name`, `start`…, so that every app's methods are covered without
annotations); else the type of its default value. Anything else is passed on as it came.
"""
from __future__ import annotations

import functools
import inspect
import types
import typing
from typing import Any, Callable

from ..errors import ValidationError
from .request import parse_json_arg

INT_LIMIT = 2 ** 63 - 1
_TRUE = {"1", "true", "yes", "on", "y", "是"}
_FALSE = {"0", "false", "no", "off", "n", "否", "", "none", "null"}

# Parameter names that mean the same thing in every method of the engine and the apps.
_TEXT = ("doctype", "name", "docname", "old_name", "new_name", "field", "txt", "searchfield",
         "reference_doctype", "reference_name", "content", "comment", "action", "next_state",
         "report_name", "usr", "pwd", "new_password", "old_password", "key", "to_user",
         "workflow_action", "data_import", "data_import_name", "job_id", "print_format",
         "letterhead", "file_format_type", "language", "state", "reason", "title", "query",
         "idempotency_key", "output", "folder", "file_name", "file_url", "user", "status",
         "party_org", "org", "district", "phase", "import_type", "export_records", "comment_email")
_INT = ("start", "page_length", "limit_start", "limit_page_length", "limit", "copies", "sample_size")
_BOOL = ("as_dict", "debug", "merge", "distinct", "overdue", "with_parent", "ignore_user_permissions",
         "no_letterhead", "large_text", "high_contrast", "logout_all_sessions", "cache",
         "only_valid_rows", "submit_after_import", "is_private", "child_tables")


class _Refused(Exception):
    """One way of reading a value failed (a union tries the next)."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def _text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _Refused("应为文本")


def _integer(value):
    if isinstance(value, bool):
        raise _Refused("应为整数")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 20 or not text.lstrip("+-").isdigit():
            raise _Refused("应为整数")
        value = int(text)
    if not isinstance(value, int):
        raise _Refused("应为整数")
    if abs(value) > INT_LIMIT:
        raise _Refused("超出整数范围")
    return value


class Count(int):
    """A page length, an offset, a number of copies: a whole number from 0 to MAX_COUNT."""


MAX_COUNT = 2 ** 31 - 1


def _count(value):
    number = _integer(value)
    if number < 0:
        raise _Refused("不能为负数")
    if number > MAX_COUNT:
        raise _Refused(f"过大（最大 {MAX_COUNT}）")
    return number


def _number(value):
    if isinstance(value, bool):
        raise _Refused("应为数字")
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _Refused("应为数字") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _Refused("应为有限数字")
    return number


def _boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _Refused("应为 0 或 1（是/否）")


def _json_of(kind: type, word: str):
    def read(value, name):
        value = parse_json_arg(value, name)
        if not isinstance(value, kind):
            raise _Refused(f"应为{word}")
        return value
    return read


_READERS: dict[Any, Callable] = {str: lambda v, n: _text(v), int: lambda v, n: _integer(v),
                                 float: lambda v, n: _number(v), bool: lambda v, n: _boolean(v),
                                 Count: lambda v, n: _count(v),
                                 dict: _json_of(dict, " JSON 对象"), list: _json_of(list, " JSON 列表")}


CONVENTIONS: dict[str, Any] = {**{n: str for n in _TEXT}, **{n: Count for n in _INT}, **{n: bool for n in _BOOL}}


def _members(annotation) -> tuple[list, bool] | None:
    """The readable types of an annotation and whether None is allowed; None when unknown."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        parts = typing.get_args(annotation)
    else:
        parts = (annotation,)
    kinds, nullable = [], False
    for part in parts:
        if part is type(None):
            nullable = True
            continue
        part = typing.get_origin(part) or part
        if part not in _READERS:
            return None  # Any, a class of our own…: passed on unchecked
        kinds.append(part)
    return kinds, nullable


@functools.lru_cache(maxsize=None)
def _plan(fn: Callable) -> tuple[tuple, bool]:
    """(name, kinds, nullable, required) per parameter after the Context; and whether **kwargs."""
    try:
        signature = inspect.signature(fn, eval_str=True)
    except (NameError, TypeError, SyntaxError):
        signature = inspect.signature(fn)
    params = list(signature.parameters.values())[1:]  # the first is the Context
    plan = []
    for p in params:
        if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        annotation = p.annotation if p.annotation is not p.empty and not isinstance(p.annotation, str) else None
        if annotation is None:
            annotation = CONVENTIONS.get(p.name)
        if annotation is None and p.default not in (p.empty, None) and type(p.default) in _READERS:
            annotation = type(p.default)
        members = _members(annotation) if annotation is not None else None
        kinds, nullable = members if members else (None, True)
        plan.append((p.name, tuple(kinds) if kinds else None, nullable or p.default is None, p.default is p.empty))
    return tuple(plan), any(p.kind is p.VAR_KEYWORD for p in params)


def _read(name: str, value, kinds: tuple, nullable: bool):
    if value is None and nullable:
        return None
    reasons = []
    for kind in kinds:
        try:
            return _READERS[kind](value, name)
        except _Refused as refused:
            reasons.append(refused.why)
    shown = value if isinstance(value, (str, int, float, bool)) or value is None else type(value).__name__
    raise ValidationError(f"参数 “{name}” 的值 “{str(shown)[:60]}” 无效：{' 或 '.join(dict.fromkeys(reasons))}",
                          field=name)


def bind(fn: Callable, args: dict) -> dict:
    """The keyword arguments to call `fn` with, each read as its type; 417 if one cannot be."""
    plan, takes_any = _plan(fn)
    known = {name for name, *_ in plan}
    if takes_any:
        kwargs = {k: v for k, v in args.items() if k != "cmd"}
    else:
        kwargs = {k: v for k, v in args.items() if k in known}
    for name, kinds, nullable, required in plan:
        if name not in kwargs or (required and kwargs[name] in (None, "")):
            if required:
                raise ValidationError(f"缺少参数 “{name}”", field=name)
            continue
        value = kwargs[name]
        if kinds is None:
            continue
        if value == "" and not required and str not in kinds:
            kwargs.pop(name)  # an empty form field means "not given": the default applies
            continue
        kwargs[name] = _read(name, value, kinds, nullable)
    return kwargs
