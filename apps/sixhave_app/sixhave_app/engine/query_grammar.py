"""The whitelist grammar of field expressions a client may send in `fields`, `order_by` and
`group_by` (Frappe's spellings, nothing more):

    item      := expr [ "as" alias ]                 (fields only)
    order     := expr [ "asc" | "desc" ]             (order_by only)
    expr      := column | aggregate | "*" | table "." "*"
    aggregate := ("count" | "sum" | "avg" | "min" | "max") "(" [ "distinct" ] ( column | "*" | "1" ) ")"
    column    := [ table "." ] name
    table     := "`tab" DocType "`" | "tab" DocType     (a DocType name may hold spaces)
    name      := identifier | "`" identifier "`"

Anything else — functions, arithmetic, strings, sub-selects, comments — is a QueryError (HTTP 417)
with a Chinese message naming the expression. The parser only says what was asked for; query.py
resolves each column against meta and the user's field permission levels.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import QueryError

AGGREGATES = ("count", "sum", "avg", "min", "max")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOCTYPE = re.compile(r"[A-Za-z][A-Za-z0-9 _\-]*")
HELP = "只允许：字段名、`tab单据类型`.字段名、count/sum/avg/min/max(字段)、count(*)，以及 “as 别名”"


@dataclass(frozen=True)
class Column:
    doctype: str | None  # None: the queried DocType itself
    fieldname: str


@dataclass(frozen=True)
class Expr:
    column: Column | None = None     # None for count(*) and for stars
    func: str | None = None          # an aggregate
    distinct: bool = False
    star: bool = False               # "*" or "tabX.*" (with column.doctype set for the latter)
    star_doctype: str | None = None


@dataclass(frozen=True)
class Item:
    expr: Expr
    alias: str | None = None
    descending: bool = False


def _tokens(text: str, what: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise QueryError(f"{what} “{text}” 不存在或无效：反引号不成对。{HELP}", field=text)
            out.append(("quoted", text[i + 1:end]))
            i = end + 1
        elif ch in "().*,":
            out.append(("punct", ch))
            i += 1
        elif ch == "1" and (i + 1 == len(text) or not text[i + 1].isalnum()):
            out.append(("one", ch))
            i += 1
        else:
            m = _IDENT.match(text, i)
            if not m:
                raise QueryError(f"{what} “{text}” 不存在或无效：不允许字符 “{ch}”。{HELP}", field=text)
            out.append(("word", m.group()))
            i = m.end()
    return out


def split_top_level(text: str) -> list[str]:
    """Split "a, count(b), c" at the commas outside parentheses and backticks."""
    parts, depth, quoted, current = [], 0, False, []
    for ch in text:
        if ch == "`":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        if ch == "," and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


class _Parser:
    def __init__(self, text: str, what: str):
        self.text, self.what = text, what
        self.toks = _tokens(text, what)
        self.pos = 0

    def fail(self, why: str = "") -> QueryError:
        return QueryError(f"{self.what} “{self.text}” 不存在或无效{('：' + why) if why else ''}。{HELP}", field=self.text)

    def peek(self, offset: int = 0):
        i = self.pos + offset
        return self.toks[i] if i < len(self.toks) else (None, None)

    def take(self, kind=None, value=None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            raise self.fail()
        self.pos += 1
        return tok

    def at_word(self, *words) -> bool:
        kind, value = self.peek()
        return kind == "word" and value.lower() in words

    def done(self) -> bool:
        return self.pos >= len(self.toks)

    # ----------------------------------------------------------------- pieces
    def table(self) -> str | None:
        """`tabX` / tabX (X may be several words) followed by a dot; None when no table is named."""
        kind, value = self.peek()
        if kind == "quoted" and value.startswith("tab") and self.peek(1) == ("punct", "."):
            self.pos += 2
            return self._doctype(value[3:])
        if kind == "word" and value.startswith("tab"):
            words, i = [value], 1
            while self.peek(i)[0] == "word":
                words.append(self.peek(i)[1])
                i += 1
            if self.peek(i) == ("punct", "."):
                self.pos += i + 1
                return self._doctype(" ".join(words)[3:])
        return None

    def _doctype(self, name: str) -> str:
        if not _DOCTYPE.fullmatch(name or ""):
            raise self.fail(f"“{name}” 不是单据类型名")
        return name

    def name(self) -> str:
        kind, value = self.take()
        if kind not in ("word", "quoted") or not _IDENT.fullmatch(value):
            raise self.fail("字段名须为英文字母、数字和下划线")
        return value

    def expr(self, *, allow_star: bool) -> Expr:
        if allow_star and self.peek() == ("punct", "*"):
            self.pos += 1
            return Expr(star=True)
        if self.at_word(*AGGREGATES) and self.peek(1) == ("punct", "("):
            func = self.take()[1].lower()
            self.take("punct", "(")
            distinct = False
            if self.at_word("distinct"):
                self.pos += 1
                distinct = True
            if self.peek() == ("punct", "*") or self.peek()[0] == "one":
                if func != "count" or distinct:
                    raise self.fail(f"{func}(*) 不允许")
                self.pos += 1
                self.take("punct", ")")
                return Expr(func="count")
            column = self.column()
            self.take("punct", ")")
            return Expr(column=column, func=func, distinct=distinct)
        doctype = self.table()
        if doctype and allow_star and self.peek() == ("punct", "*"):
            self.pos += 1
            return Expr(star=True, star_doctype=doctype)
        return Expr(column=Column(doctype, self.name()))

    def column(self) -> Column:
        doctype = self.table()
        return Column(doctype, self.name())


def parse_item(text: str) -> Item:
    """One entry of `fields`: an expression and an optional alias."""
    p = _Parser(text, "字段")
    expr = p.expr(allow_star=True)
    alias = None
    if p.at_word("as"):
        p.pos += 1
        alias = p.name()
    if not p.done():
        raise p.fail()
    return Item(expr, alias)


def parse_order(text: str) -> Item:
    """One part of `order_by`: a column or aggregate and an optional direction."""
    p = _Parser(text, "排序字段")
    expr = p.expr(allow_star=False)
    descending = False
    if p.at_word("asc", "desc"):
        descending = p.take()[1].lower() == "desc"
    if not p.done():
        raise p.fail()
    return Item(expr, descending=descending)


def parse_column(text: str, what: str = "分组字段") -> Column:
    p = _Parser(text, what)
    column = p.column()
    if not p.done():
        raise p.fail()
    return column
