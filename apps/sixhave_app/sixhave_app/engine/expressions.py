"""Safe expressions for `depends_on`, `mandatory_depends_on`, `read_only_depends_on` and, later,
workflow conditions. Frappe writes them in JavaScript (`eval:doc.kind=='X' && doc.n > 2`); we parse
the same text with Python's `ast` and evaluate a small whitelist of nodes. There is no `eval`.
"""
from __future__ import annotations

import ast
import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Mapping

from .errors import ValidationError


class ExpressionError(ValidationError):
    title = "表达式无效"


class _Doc:
    """Attribute access over a mapping; a missing field reads as None, as in JavaScript."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping):
        self._data = data

    def get(self, key, default=None):
        value = self._data.get(key, default)
        return _wrap(value)

    def __getattr__(self, key):
        return _wrap(self._data.get(key))

    def __getitem__(self, key):
        return _wrap(self._data.get(key))


def _wrap(value):
    if isinstance(value, Mapping):
        return _Doc(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


_JS = [(re.compile(r"===|=="), "=="), (re.compile(r"!==|!="), "!="), (re.compile(r"&&"), " and "),
       (re.compile(r"\|\|"), " or "), (re.compile(r"!(?!=)"), " not "),
       (re.compile(r"\btrue\b"), "True"), (re.compile(r"\bfalse\b"), "False"),
       (re.compile(r"\b(null|undefined)\b"), "None")]

_STRING = re.compile(r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")


def js_to_python(text: str) -> str:
    parts = _STRING.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a string literal: leave it alone
            out.append(part)
            continue
        for pattern, repl in _JS:
            part = pattern.sub(repl, part)
        out.append(part)
    return "".join(out).strip()


_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
            ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Mod, ast.FloorDiv, ast.Compare,
            ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
            ast.Constant, ast.Name, ast.Load, ast.Attribute, ast.Subscript, ast.List, ast.Tuple,
            ast.Dict, ast.Call, ast.IfExp, ast.keyword, ast.Slice)


@lru_cache(maxsize=2048)
def compile_expression(text: str) -> ast.Expression:
    source = text.strip()
    if source.startswith("eval:"):
        source = source[5:]
    source = js_to_python(source)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"表达式 “{text}” 语法错误：{exc.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ExpressionError(f"表达式 “{text}” 含不允许的语法：{type(node).__name__}")
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            raise ExpressionError(f"表达式 “{text}” 不能使用名称 “{node.id}”")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ExpressionError(f"表达式 “{text}” 不能访问以下划线开头的属性")
        if isinstance(node, ast.Call) and not isinstance(node.func, ast.Name):
            if not (isinstance(node.func, ast.Attribute) and node.func.attr == "get"):
                raise ExpressionError(f"表达式 “{text}” 只能调用内置的安全函数")
    return tree


SAFE_FUNCTIONS: dict[str, Callable] = {
    "len": len, "int": int, "float": float, "str": str, "abs": abs, "min": min, "max": max,
    "round": round, "bool": bool, "sum": sum,
    "today": lambda: dt.date.today(),
    "cint": lambda v: int(float(v or 0)),
    "flt": lambda v: float(v or 0),
}


class _Evaluator:
    def __init__(self, names: dict[str, Any], text: str):
        self.names = names
        self.text = text

    def run(self, node):
        method = getattr(self, "_" + type(node).__name__)
        return method(node)

    def _Expression(self, node):
        return self.run(node.body)

    def _Constant(self, node):
        return node.value

    def _Name(self, node):
        if node.id in self.names:
            return self.names[node.id]
        if node.id in SAFE_FUNCTIONS:
            return SAFE_FUNCTIONS[node.id]
        doc = self.names.get("doc")
        if isinstance(doc, _Doc):  # a bare fieldname, as Frappe's depends_on allows
            return doc.get(node.id)
        raise ExpressionError(f"表达式 “{self.text}” 中的名称 “{node.id}” 未定义")

    def _Attribute(self, node):
        base = self.run(node.value)
        if isinstance(base, _Doc):
            return base.get(node.attr)
        if node.attr in ("year", "month", "day") and isinstance(base, (dt.date, dt.datetime)):
            return getattr(base, node.attr)
        if base is None:
            return None
        raise ExpressionError(f"表达式 “{self.text}” 不能访问属性 “{node.attr}”")

    def _Subscript(self, node):
        base = self.run(node.value)
        key = self.run(node.slice)
        try:
            return base[key]
        except (KeyError, IndexError, TypeError):
            return None

    def _Slice(self, node):
        return slice(*(self.run(p) if p is not None else None for p in (node.lower, node.upper, node.step)))

    def _List(self, node):
        return [self.run(e) for e in node.elts]

    _Tuple = _List

    def _Dict(self, node):
        return {self.run(k): self.run(v) for k, v in zip(node.keys, node.values)}

    def _BoolOp(self, node):
        if isinstance(node.op, ast.And):
            result = True
            for value in node.values:
                result = self.run(value)
                if not result:
                    return result
            return result
        result = False
        for value in node.values:
            result = self.run(value)
            if result:
                return result
        return result

    def _UnaryOp(self, node):
        value = self.run(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        if isinstance(node.op, ast.USub):
            return -_num(value)
        return +_num(value)

    def _BinOp(self, node):
        left, right = self.run(node.left), self.run(node.right)
        op = node.op
        if isinstance(op, ast.Add):
            if isinstance(left, str) or isinstance(right, str):
                return f"{'' if left is None else left}{'' if right is None else right}"
            return _num(left) + _num(right)
        if isinstance(op, ast.Sub):
            return _num(left) - _num(right)
        if isinstance(op, ast.Mult):
            if isinstance(left, str) or isinstance(right, str):
                raise ExpressionError(f"表达式 “{self.text}” 不能对文本做乘法")
            return _num(left) * _num(right)
        try:
            if isinstance(op, ast.Div):
                return _num(left) / _num(right)
            if isinstance(op, ast.FloorDiv):
                return _num(left) // _num(right)
            return _num(left) % _num(right)
        except ZeroDivisionError:
            return None

    def _Compare(self, node):
        left = self.run(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.run(comparator)
            if not _compare(op, left, right):
                return False
            left = right
        return True

    def _IfExp(self, node):
        return self.run(node.body) if self.run(node.test) else self.run(node.orelse)

    def _Call(self, node):
        if isinstance(node.func, ast.Attribute):  # doc.get("x")
            base = self.run(node.func.value)
            if isinstance(base, _Doc):
                return base.get(*[self.run(a) for a in node.args])
            raise ExpressionError(f"表达式 “{self.text}” 只能调用内置的安全函数")
        func = self.run(node.func)
        if not callable(func):
            raise ExpressionError(f"表达式 “{self.text}” 调用了非函数")
        args = [self.run(a) for a in node.args]
        kwargs = {k.arg: self.run(k.value) for k in node.keywords}
        return func(*args, **kwargs)


def _num(value):
    if value is None or value == "":
        return 0
    if isinstance(value, (int, float, Decimal)):
        return value
    try:
        return Decimal(str(value))
    except Exception:  # noqa: BLE001
        raise ExpressionError(f"“{value}” 不是数字") from None


def _compare(op, left, right) -> bool:
    if isinstance(op, (ast.In, ast.NotIn)):
        try:
            found = left in (right or [])
        except TypeError:
            found = False
        return found if isinstance(op, ast.In) else not found
    if isinstance(op, ast.Is):
        return left is right
    if isinstance(op, ast.IsNot):
        return left is not right
    if isinstance(op, ast.Eq):
        return _loose_eq(left, right)
    if isinstance(op, ast.NotEq):
        return not _loose_eq(left, right)
    if left is None or right is None:
        return False
    left, right = _comparable(left, right)
    try:
        if isinstance(op, ast.Lt):
            return left < right
        if isinstance(op, ast.LtE):
            return left <= right
        if isinstance(op, ast.Gt):
            return left > right
        return left >= right
    except TypeError:
        return False


def _comparable(left, right):
    if isinstance(left, (int, float, Decimal)) and isinstance(right, str):
        return _num(left), _num(right)
    if isinstance(right, (int, float, Decimal)) and isinstance(left, str):
        return _num(left), _num(right)
    if isinstance(left, float) and isinstance(right, Decimal):
        return Decimal(repr(left)), right
    if isinstance(right, float) and isinstance(left, Decimal):
        return left, Decimal(repr(right))
    if isinstance(left, (dt.date, dt.datetime)) and isinstance(right, str):
        return str(left), right
    if isinstance(right, (dt.date, dt.datetime)) and isinstance(left, str):
        return left, str(right)
    return left, right


def _loose_eq(left, right) -> bool:
    if left is None or right is None:
        return (left in (None, "")) and (right in (None, ""))
    if isinstance(left, (dt.date, dt.datetime)) or isinstance(right, (dt.date, dt.datetime)):
        return str(left) == str(right)
    if isinstance(left, (int, float, Decimal)) and isinstance(right, (int, float, Decimal)):
        left, right = _comparable(left, right)
    return left == right


def evaluate(text: str, doc: Mapping | None = None, **names) -> Any:
    """Evaluate an expression against a document (a mapping) and extra safe names."""
    tree = compile_expression(text)
    scope = {"doc": _Doc(doc or {})}
    scope.update({k: (_Doc(v) if isinstance(v, Mapping) else v) for k, v in names.items()})
    return _Evaluator(scope, text).run(tree)


def depends_on_true(text: str | None, doc: Mapping) -> bool:
    """Frappe's depends_on: empty → true; `eval:expr`; or a bare fieldname that must be truthy."""
    if not text or not str(text).strip():
        return True
    text = str(text).strip()
    if not text.startswith("eval:") and re.match(r"^[a-z_][a-z0-9_]*$", text):
        return bool(doc.get(text))
    return bool(evaluate(text, doc))
