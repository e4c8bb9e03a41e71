"""The sandbox administrators' templates run in: Jinja's immutable sandbox, a time limit per
render, and a check on save that refuses a template trying to leave it (with the line and why).

What a template can reach is only what it is handed: the document as a permission-filtered view,
and the helpers listed by the engine and the apps. No imports, no includes, no attribute starting
with "_", no mutation of what it is given; loops and calls watch a deadline so a template cannot
hold a worker for ever.
"""
from __future__ import annotations

import contextvars
import time
import traceback
from typing import Any, Callable, Iterable

from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import ValidationError

DEFAULT_TIME_LIMIT = 10.0  # seconds per render; a site may set print_time_limit
MAX_SEQUENCE = 200_000  # the longest string or list one `*` may build, the longest range
MAX_POWER = 64
# Attributes that lead from data to code even without a leading underscore.
UNSAFE_ATTRIBUTES = {"mro", "func_globals", "func_code", "f_globals", "f_locals", "f_back", "f_builtins",
                     "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code", "tb_frame", "tb_next",
                     "im_func", "im_self", "co_code", "environment", "ctx", "conn", "site", "engine"}
FORBIDDEN_NAMES = {"open", "eval", "exec", "compile", "getattr", "setattr", "globals", "locals", "vars",
                   "__import__", "__builtins__", "import_module", "os", "sys", "subprocess", "config",
                   "request", "self", "input", "breakpoint", "memoryview", "type", "object"}

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("sixhave_print_deadline", default=None)


class RenderTimeout(ValidationError):
    title = "打印超时"


def _check_deadline() -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise RenderTimeout("打印格式渲染超时（模板运行时间超过限制，请检查是否有过大的循环）")


class PrintEnvironment(ImmutableSandboxedEnvironment):
    """Immutable sandbox + deadline: every attribute, item, call, operator and loop step looks at
    the clock (a few nanoseconds each), so no template outlives its time limit."""

    intercepted_binops = frozenset({"*", "**", "+", "//", "%"})
    intercepted_unops = frozenset({"-"})

    def __init__(self, helpers: dict[str, Callable], filters: dict[str, Callable]):
        super().__init__(autoescape=True, undefined=ChainableUndefined, finalize=_finalize,
                         trim_blocks=True, lstrip_blocks=True)
        self.globals.clear()
        self.globals.update(range=self.checked_range, dict=dict, namespace=self.namespace_type(), loop=None)
        self.globals.pop("loop")
        self.globals.update(helpers)
        self.filters.update(filters)
        self.helper_names = set(helpers) | {"range", "dict", "namespace"}

    @staticmethod
    def namespace_type():
        from jinja2.utils import Namespace

        return Namespace

    # ----------------------------------------------------------------- watched operations
    def getattr(self, obj, attribute):
        _check_deadline()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        _check_deadline()
        return super().getitem(obj, argument)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        _check_deadline()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        _check_deadline()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_SEQUENCE:
                    raise SecurityError("结果过长")
        if operator == "**" and (abs(right) > MAX_POWER if isinstance(right, (int, float)) else True):
            raise SecurityError("乘方的指数过大")
        return super().call_binop(context, operator, left, right)

    def call_unop(self, context, operator, arg):
        _check_deadline()
        return super().call_unop(context, operator, arg)

    @staticmethod
    def checked_range(*args):
        span = range(*args)
        if len(span) > MAX_SEQUENCE:
            raise SecurityError(f"range 过大（最多 {MAX_SEQUENCE}）")
        return _Watched(span)

    @staticmethod
    def checked_iter(iterable):
        return _Watched(iterable)

    # ----------------------------------------------------------------- every loop is watched
    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("checked_iter"), [loop.iter], [], None, None,
                                   lineno=loop.lineno)
        return tree


class _Watched:
    """An iterable whose every step looks at the deadline (the loop over the loop over…)."""

    __slots__ = ("_inner",)

    def __init__(self, inner):
        self._inner = inner

    def __iter__(self):
        for item in self._inner:
            _check_deadline()
            yield item

    def __len__(self):
        return len(self._inner)


def _finalize(value):
    return "" if value is None else value


# --------------------------------------------------------------------------- checks on save
def problems(env: PrintEnvironment, source: str, *, what: str = "模板") -> list[str]:
    """Every reason to refuse `source`, each with its line; empty when the template may be saved."""
    return [f"{what}第 {line} 行{'语法错误' if syntax else ''}：{text}" for line, text, syntax in findings(env, source)]


def findings(env: PrintEnvironment, source: str) -> list[tuple]:
    """(line, reason, is_syntax_error) for every reason to refuse `source` — the one check every
    administrator's template goes through (print formats, letter heads, workflow messages)."""
    try:
        tree = env.parse(source or "")
    except TemplateSyntaxError as exc:
        return [(exc.lineno, exc.message, True)]
    found: list[tuple] = []
    defined = _defined_names(tree)

    def refuse(node, text):
        found.append((getattr(node, "lineno", "?"), text, False))

    for node in tree.find_all((nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends)):
        refuse(node, "打印格式不能导入或包含其他模板（import / include / extends）")
    for node in tree.find_all(nodes.Getattr):
        if _unsafe_attribute(node.attr):
            refuse(node, f"不允许访问属性 “{node.attr}”（模板只能读取单据数据，不能访问 Python 内部对象）")
    for node in tree.find_all(nodes.Getitem):
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) and _unsafe_attribute(node.arg.value):
            refuse(node, f"不允许访问属性 “{node.arg.value}”（模板只能读取单据数据，不能访问 Python 内部对象）")
    for node in tree.find_all(nodes.Filter):
        if node.name == "attr" and node.args and isinstance(node.args[0], nodes.Const) \
                and _unsafe_attribute(str(node.args[0].value)):
            refuse(node, f"不允许通过 attr 访问属性 “{node.args[0].value}”")
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name in FORBIDDEN_NAMES and node.name not in defined:
            refuse(node, f"不允许使用 “{node.name}”（模板不能访问文件、网络、数据库或系统）")
    for node in tree.find_all(nodes.Call):
        if isinstance(node.node, nodes.Name) and node.node.name not in defined \
                and node.node.name not in env.helper_names and node.node.name not in FORBIDDEN_NAMES:
            refuse(node, f"未知的函数 “{node.node.name}”（可用：{'、'.join(sorted(env.helper_names))}）")
    if not found:
        try:
            env.compile(source or "")
        except TemplateSyntaxError as exc:  # unknown filters and tests surface here
            found.append((exc.lineno, exc.message, False))
    return found


def _unsafe_attribute(name: str) -> bool:
    return name.startswith("_") or name in UNSAFE_ATTRIBUTES


def _defined_names(tree) -> set[str]:
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    names |= {m.name for m in tree.find_all(nodes.Macro)}
    return names | {"loop", "caller", "varargs", "kwargs"}


def check(env: PrintEnvironment, source: str, *, what: str = "模板") -> None:
    found = problems(env, source, what=what)
    if found:
        raise ValidationError("；".join(found[:5]) + ("；…" if len(found) > 5 else ""))


# --------------------------------------------------------------------------- rendering
class Renderer:
    """Compiled templates kept per (key, version); a render runs under the deadline."""

    def __init__(self, env: PrintEnvironment, time_limit: float = DEFAULT_TIME_LIMIT, size: int = 64):
        self.env = env
        self.time_limit = time_limit
        self.size = size
        self._compiled: dict[Any, Any] = {}

    def template(self, key, version, source: str, name: str):
        cached = self._compiled.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        try:
            template = self.env.from_string(source or "")
        except TemplateSyntaxError as exc:
            raise ValidationError(f"打印格式 “{name}” 第 {exc.lineno} 行语法错误：{exc.message}") from None
        template.name = name
        if len(self._compiled) >= self.size:
            self._compiled.pop(next(iter(self._compiled)))
        self._compiled[key] = (version, template)
        return template

    def render(self, template, context: dict, *, time_limit: float | None = None) -> str:
        limit = self.time_limit if time_limit is None else time_limit
        token = _deadline.set(time.monotonic() + limit)
        try:
            return template.render(context)
        except ValidationError:
            raise
        except SecurityError as exc:
            raise ValidationError(f"打印格式 “{template.name}”{_line(exc, template.name)}：不安全的操作已被拒绝（{exc}）") from None
        except TemplateError as exc:
            raise ValidationError(f"打印格式 “{template.name}”{_line(exc, template.name)}：{exc}") from None
        except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError, IndexError, RecursionError) as exc:
            raise ValidationError(f"打印格式 “{template.name}”{_line(exc, template.name)}：运行出错（{exc}）") from None
        finally:
            _deadline.reset(token)


def _line(exc: BaseException, name: str) -> str:
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename in (name, "<template>")]
    return f" 第 {lines[-1]} 行" if lines else ""


def watched(iterable: Iterable) -> _Watched:
    return _Watched(iterable)
