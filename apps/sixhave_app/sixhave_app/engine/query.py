"""Typed queries: Frappe's get_list / get_count / get_value arguments turned into SQLAlchemy Core.

Every field, operator and order is checked against meta; anything else is a QueryError naming
what was wrong. No part of a request ever becomes SQL text.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import orjson
import sqlalchemy as sa

from . import fieldtypes, limits
from . import query_grammar as grammar
from .errors import QueryError
from .fieldtypes import ExactDecimal

OPERATORS = {"=", "!=", "<>", "<", ">", "<=", ">=", "like", "not like", "in", "not in", "is", "between",
             "descendants of", "descendants of (inclusive)", "ancestors of", "not descendants of",
             "not ancestors of", "ancestors of (inclusive)"}


def _is_number(type_: sa.types.TypeEngine) -> bool:
    """Whether sum()/avg() mean anything over a column of this type."""
    return isinstance(type_, (ExactDecimal, sa.Integer, sa.Numeric, sa.Float)) and not isinstance(type_, sa.Boolean)


AGGREGATES = {"count": sa.func.count, "sum": sa.func.sum, "avg": sa.func.avg, "min": sa.func.min,
              "max": sa.func.max}
PURPOSE_WORDS = {"字段": "读取", "过滤字段": "按其过滤", "排序字段": "按其排序", "分组字段": "按其分组"}


def _load_json(value, what: str):
    if isinstance(value, (bytes, bytearray)):
        value = value.decode()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text[0] in "[{":
            try:
                return orjson.loads(text)  # strict: no NaN, no lone surrogates, depth ≤ 1024
            except ValueError:
                raise QueryError(f"{what} 不是有效的 JSON：{text[:80]}") from None
        return text
    return value


@dataclass
class Builder:
    """One query's columns, filters and order, each resolved against meta — and, unless the
    caller ignores permissions, against the user's field permission levels: a field the user may
    not read can be neither returned, nor filtered, sorted, grouped or aggregated on, so that no
    answer (not even a count) depends on its value."""
    ctx: Any
    doctype: str
    guard: bool = False

    def __post_init__(self):
        self.meta = self.ctx.meta(self.doctype)
        self.table = self.ctx.table(self.doctype)
        self.joins: dict[str, sa.Table] = {}
        self._hidden: dict[str, frozenset[str]] = {}

    # ----------------------------------------------------------------- columns
    def _child_table(self, child_doctype: str) -> sa.Table:
        if child_doctype == self.doctype:
            return self.table
        parents = [tf for tf in self.meta.table_fields if tf.options == child_doctype]
        if not parents:
            raise QueryError(f"{self.meta.display_name} 没有子表 “{child_doctype}”")
        if child_doctype not in self.joins:
            self.joins[child_doctype] = self.ctx.table(child_doctype).alias(f"child_{len(self.joins)}")
        return self.joins[child_doctype]

    def hidden(self, doctype: str) -> frozenset[str]:
        """Fields of `doctype` (this DocType or one of its child tables) the user may not read."""
        if not self.guard:
            return frozenset()
        if doctype not in self._hidden:
            from . import permissions

            parent = self.doctype if doctype != self.doctype else None
            self._hidden[doctype] = permissions.hidden_fieldnames(self.ctx, doctype, parent=parent)
        return self._hidden[doctype]

    def readable(self, meta, fieldname: str, purpose: str, spec) -> None:
        if fieldname in self.hidden(meta.name):
            from .errors import PermissionError

            raise PermissionError(f"没有权限{PURPOSE_WORDS.get(purpose, '读取')}{meta.display_name}的字段 "
                                  f"“{meta.label_of(fieldname)}”", field=fieldname)

    def resolve(self, column: grammar.Column, spec, *, purpose: str = "字段") -> sa.ColumnElement:
        if column.doctype and column.doctype != self.doctype:
            if not self.ctx.site.metas.exists(column.doctype):
                raise QueryError(f"{self.meta.display_name}：{purpose} “{spec}” 中的单据类型 “{column.doctype}” 不存在", field=spec)
            table, meta = self._child_table(column.doctype), self.ctx.meta(column.doctype)
        else:
            table, meta = self.table, self.meta
        if column.fieldname not in meta.valid_columns():
            raise QueryError(f"{self.meta.display_name}：{purpose} “{spec}” 不存在", field=spec)
        self.readable(meta, column.fieldname, purpose, spec)
        return table.c[column.fieldname]

    def column(self, spec: str, *, purpose: str = "字段") -> sa.ColumnElement:
        if not isinstance(spec, str):
            raise QueryError(f"{purpose} “{spec}” 应为文本")
        return self.resolve(grammar.parse_column(spec.strip(), purpose), spec, purpose=purpose)

    def field_of(self, column: sa.ColumnElement):
        table = column.table
        doctype = table.name[3:] if table.name.startswith("tab") else None
        if hasattr(table, "element"):
            doctype = table.element.name[3:]
        meta = self.ctx.meta(doctype) if doctype else self.meta
        return meta.get_field(column.key), meta

    def expression(self, expr: grammar.Expr, spec, *, purpose: str = "字段") -> tuple[sa.ColumnElement, str]:
        """A parsed column or aggregate as SQL, with its default label."""
        if expr.func:
            if expr.column is None:
                return sa.func.count(), "count(*)"
            col = self.resolve(expr.column, spec, purpose=purpose)
            if expr.func in ("sum", "avg") and not _is_number(col.type):
                raise QueryError(f"{purpose} “{spec}”：{expr.func} 只能用于数字字段，"
                                 f"“{expr.column.fieldname}” 不是数字")
            value = AGGREGATES[expr.func](col.distinct() if expr.distinct else col)
            if expr.func in ("sum", "min", "max") or isinstance(col.type, ExactDecimal):
                # the column's own type reads the result back (exact decimals are scaled
                # integers on SQLite, so their avg() needs it too)
                value = sa.type_coerce(value, col.type)
            return value, f"{expr.func}({'distinct ' if expr.distinct else ''}{expr.column.fieldname})"
        return self.resolve(expr.column, spec, purpose=purpose), expr.column.fieldname

    def star(self, doctype: str | None) -> list[sa.ColumnElement]:
        """`*`: every column the user may read (hidden ones are left out, not refused)."""
        if doctype and doctype != self.doctype:
            table, meta = self._child_table(doctype), self.ctx.meta(doctype)
        else:
            table, meta = self.table, self.meta
        hidden = self.hidden(meta.name)
        return [table.c[c] for c in meta.column_names() if c not in hidden]

    def select_items(self, spec) -> list[sa.ColumnElement]:
        if not isinstance(spec, str):
            raise QueryError(f"字段 “{spec}” 应为文本")
        item = grammar.parse_item(spec.strip())
        if item.expr.star:
            return self.star(item.expr.star_doctype)
        value, label = self.expression(item.expr, spec)
        if item.alias:
            return [value.label(item.alias)]
        return [value.label(label) if item.expr.func else value]

    def select_item(self, spec) -> sa.ColumnElement:
        items = self.select_items(spec)
        if len(items) != 1:
            raise QueryError(f"字段 “{spec}” 无效")
        return items[0]

    # ----------------------------------------------------------------- filters
    def normalise_filters(self, filters) -> list[list]:
        filters = _load_json(filters, "filters")
        if not filters:
            return []
        if isinstance(filters, str):  # a bare name
            return [["name", "=", filters]]
        out = []
        if isinstance(filters, dict):
            for key, value in filters.items():
                if isinstance(value, (list, tuple)) and len(value) == 2 and isinstance(value[0], str) and value[0].lower() in OPERATORS:
                    out.append([key, value[0], value[1]])
                elif isinstance(value, (list, tuple)) and len(value) >= 1 and isinstance(value[0], str) and value[0].lower() in ("is", "in", "not in", "between"):
                    out.append([key, value[0], value[1] if len(value) > 1 else None])
                else:
                    out.append([key, "=", value])
            return out
        if isinstance(filters, (list, tuple)):
            if filters and isinstance(filters[0], str) and len(filters) in (3, 4) and str(filters[-2]).lower() in OPERATORS:
                filters = [filters]
            for item in filters:
                if isinstance(item, dict):
                    out.extend(self.normalise_filters(item))
                elif isinstance(item, (list, tuple)) and len(item) in (2, 3, 4, 5):
                    out.append(list(item))
                else:
                    raise QueryError(f"无法识别的过滤条件：{item!r}")
            return out
        raise QueryError(f"无法识别的过滤条件：{filters!r}")

    def condition(self, item: list) -> sa.ColumnElement:
        if len(item) == 2:
            doctype, field, op, value = self.doctype, item[0], "=", item[1]
        elif len(item) == 3:
            doctype, (field, op, value) = self.doctype, item
        else:
            doctype, field, op, value = item[:4]
        if not isinstance(field, str) or not isinstance(op, str):
            raise QueryError(f"无法识别的过滤条件：{item!r}")
        op = op.strip().lower()
        if op not in OPERATORS:
            raise QueryError(f"不支持的运算符 “{op}”（字段 {field}）")
        if doctype and doctype != self.doctype:
            return self._child_condition(doctype, field, op, value)
        col = self.column(field, purpose="过滤字段")
        field_meta, _ = self.field_of(col)
        label = f"{self.meta.label_of(field)}（{field}）" if field_meta else field
        return build_condition(self.ctx, col, field_meta, op, value, self.meta, label)

    def _child_condition(self, child_doctype: str, field: str, op: str, value) -> sa.ColumnElement:
        parents = [tf for tf in self.meta.table_fields if tf.options == child_doctype]
        if not parents:
            raise QueryError(f"{self.meta.display_name} 没有子表 “{child_doctype}”")
        child = self.ctx.table(child_doctype)
        child_meta = self.ctx.meta(child_doctype)
        if field not in child_meta.valid_columns():
            raise QueryError(f"{child_meta.display_name}：过滤字段 “{field}” 不存在", field=field)
        self.readable(child_meta, field, "过滤字段", field)
        cond = build_condition(self.ctx, child.c[field], child_meta.get_field(field), op, value, child_meta, field)
        return sa.exists(sa.select(child.c.name).where(child.c.parent == self.table.c.name,
                                                       child.c.parenttype == self.doctype, cond))

    def where(self, filters, or_filters) -> list[sa.ColumnElement]:
        site = self.ctx.site
        limits.check_filters(site, filters, or_filters)  # depth first: before any JSON is parsed
        ands, ors = self.normalise_filters(filters), self.normalise_filters(or_filters)
        limits.check_condition_count(site, len(ands) + len(ors))
        clauses = [self.condition(f) for f in ands]
        ors = [self.condition(f) for f in ors]
        if ors:
            clauses.append(sa.or_(*ors))
        return clauses

    # ----------------------------------------------------------------- order
    def order(self, order_by) -> list:
        if order_by is None or (isinstance(order_by, str) and not order_by.strip()):
            field = self.meta.sort_field if self.meta.sort_field in self.meta.valid_columns() else "modified"
            if field in self.hidden(self.doctype):
                field = "modified"  # a default order must not rank by a value the user may not read
            col = self.table.c[field]
            return [col.desc() if self.meta.sort_order == "DESC" else col.asc()]
        if not isinstance(order_by, str):
            raise QueryError(f"排序 “{order_by}” 应为文本")
        out = []
        for part in grammar.split_top_level(order_by):
            item = grammar.parse_order(part)
            expr, _ = self.expression(item.expr, part, purpose="排序字段")
            out.append(expr.desc() if item.descending else expr.asc())
        return out

    def group(self, group_by) -> list:
        if not isinstance(group_by, str):
            raise QueryError(f"分组 “{group_by}” 应为文本")
        return [self.column(g, purpose="分组字段") for g in grammar.split_top_level(group_by)]

    def from_clause(self):
        source = self.table
        for doctype, alias in self.joins.items():
            parentfields = [tf.fieldname for tf in self.meta.table_fields if tf.options == doctype]
            source = source.outerjoin(alias, sa.and_(alias.c.parent == self.table.c.name,
                                                     alias.c.parenttype == self.doctype,
                                                     alias.c.parentfield.in_(parentfields)))
        return source


def coerce_filter_value(field, value, label: str):
    if field is None or value is None or not field.has_column or field.kind.coerce is None:
        return value
    if field.kind.text_like:
        return str(value)
    if value == "" and (field.kind.numeric or field.kind.boolean):
        return 0
    try:
        return field.kind.coerce(value, field)
    except (fieldtypes.FieldValueError, ValueError, TypeError, ArithmeticError) as exc:
        raise QueryError(f"过滤字段 “{label}” 的值 “{value}” 无效：{exc}", field=label) from None


def build_condition(ctx, col, field, op: str, value, meta, label: str):
    """One filter triple as a SQLAlchemy clause (shared by lists, counts and permission rules)."""
    coerce = lambda v: coerce_filter_value(field, v, label)  # noqa: E731
    standard = None
    if col.key in ("creation", "modified") and field is None:
        standard = lambda v: fieldtypes._datetime(v, None)  # noqa: E731
    if col.key in ("docstatus", "idx", "lft", "rgt") and field is None:
        standard = lambda v: fieldtypes._int(v, None)  # noqa: E731 - bounded, as an Int field
    plain = coerce

    def scalar(v):
        if isinstance(v, (dict, list, tuple)):
            raise QueryError(f"过滤字段 “{label}” 的值应为单个值（文本、数字或日期），不能是列表或对象", field=label)
        return plain(v)

    coerce = scalar
    if standard is not None:
        def coerce(v):
            if v in (None, ""):
                return v
            try:
                return standard(v)
            except (fieldtypes.FieldValueError, ValueError, TypeError):
                raise QueryError(f"过滤字段 “{label}” 的值 “{v}” 无效", field=label) from None
    if op in ("=", "!=", "<>", "<", ">", "<=", ">="):
        if isinstance(value, (list, tuple)):
            raise QueryError(f"过滤字段 “{label}” 的运算符 {op} 需要单个值")
        if value is None:
            return col.is_(None) if op == "=" else col.is_not(None)
        v = coerce(value)
        if v is None:  # an empty value of a date or number field means "not set"
            if op == "=":
                return col.is_(None)
            return col.is_not(None) if op in ("!=", "<>") else sa.false()
        if op == "=":
            return col == v
        if op in ("!=", "<>"):
            return sa.or_(col != v, col.is_(None))
        return {"<": col < v, ">": col > v, "<=": col <= v, ">=": col >= v}[op]
    if op in ("like", "not like"):
        text = "" if value is None else str(value)
        target = sa.cast(col, sa.String) if not isinstance(col.type, (sa.String, sa.Text)) else col
        return target.like(text) if op == "like" else sa.or_(target.not_like(text), col.is_(None))
    if op in ("in", "not in"):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        elif not isinstance(value, (list, tuple)):
            value = [] if value is None else [value]
        if any(isinstance(v, (list, tuple, dict)) for v in value):
            raise QueryError(f"过滤字段 “{label}”：{op} 需要值的列表")
        values = [coerce(v) for v in value]
        if op == "in":
            return col.in_(values) if values else sa.false()
        return sa.or_(col.not_in(values), col.is_(None)) if values else sa.true()
    if op == "is":
        word = str(value or "").strip().lower()
        if word == "set":
            return sa.and_(col.is_not(None), col != "") if isinstance(col.type, (sa.String, sa.Text)) else col.is_not(None)
        if word == "not set":
            return sa.or_(col.is_(None), col == "") if isinstance(col.type, (sa.String, sa.Text)) else col.is_(None)
        raise QueryError(f"过滤字段 “{label}”：is 只能是 set 或 not set")
    if op == "between":
        if isinstance(value, str):
            value = _load_json(value, "between")
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise QueryError(f"过滤字段 “{label}”：between 需要两个值 [起, 止]")
        low, high = coerce(value[0]), coerce(value[1])
        if field is not None and field.kind.temporal == "datetime" and isinstance(value[1], str) and len(value[1].strip()) == 10:
            high = high.replace(hour=23, minute=59, second=59, microsecond=999999)
        return col.between(low, high)
    # tree operators
    if field is not None and field.kind.link:
        tree_doctype = field.options
    elif col.key == "name":
        tree_doctype = meta.name
    else:
        raise QueryError(f"过滤字段 “{label}”：{op} 只适用于树形 DocType 的链接字段")
    tree_meta = ctx.meta(tree_doctype)
    if not tree_meta.is_tree:
        raise QueryError(f"过滤字段 “{label}”：{tree_meta.display_name} 不是树形 DocType")
    if not isinstance(value, str):
        raise QueryError(f"过滤字段 “{label}”：{op} 需要一个名称（文本）", field=label)
    tree_table = ctx.table(tree_doctype)
    ctx.flags[BUILT_FROM_DATA] = True  # the node's bounds are read now: this statement is not kept
    row = ctx.conn.execute(sa.select(tree_table.c.lft, tree_table.c.rgt).where(tree_table.c.name == value)).first()
    if row is None:
        return sa.false() if not op.startswith("not") else sa.true()
    lft, rgt = int(row.lft), int(row.rgt)
    if op in ("descendants of", "not descendants of"):
        rng = sa.and_(tree_table.c.lft > lft, tree_table.c.rgt < rgt)
    elif op == "descendants of (inclusive)":
        rng = tree_table.c.lft.between(lft, rgt)
    elif op in ("ancestors of", "not ancestors of"):
        rng = sa.and_(tree_table.c.lft < lft, tree_table.c.rgt > rgt)
    else:
        rng = sa.and_(tree_table.c.lft <= lft, tree_table.c.rgt >= rgt)
    if col.table is tree_table or (col.key == "name" and tree_doctype == meta.name):
        cond = rng
    else:
        cond = col.in_(sa.select(tree_table.c.name).where(rng))
    return sa.not_(cond) if op.startswith("not") else cond


def _fields_list(fields) -> list[str]:
    fields = _load_json(fields, "fields")
    if fields in (None, "", []):
        return ["name"]
    if isinstance(fields, str):
        return grammar.split_top_level(fields)
    if not isinstance(fields, (list, tuple)):
        raise QueryError(f"fields 应为列表：{fields!r}")
    return list(fields)


# The largest page length or offset a request may ask for: both databases take it, and no real
# list comes near it (a bigger number is a mistake, answered 417, never an overflow in the driver).
MAX_ROWS_ARG = 2 ** 31 - 1


def _int_arg(value, name: str, default: int) -> int:
    if value in (None, ""):
        return default
    if isinstance(value, bool) or isinstance(value, (list, dict, tuple)):
        raise QueryError(f"{name} 应为整数：{value!r}")
    if isinstance(value, float) and value.is_integer():
        value = int(value) if abs(value) <= MAX_ROWS_ARG else MAX_ROWS_ARG + 1
    try:
        number = int(str(value).strip()) if isinstance(value, str) and len(value) <= 40 else int(value)
    except (TypeError, ValueError, OverflowError):
        raise QueryError(f"{name} 应为整数：{str(value)[:40]!r}") from None
    if number < 0:
        raise QueryError(f"{name} 不能为负数")
    if number > MAX_ROWS_ARG:
        raise QueryError(f"{name} 过大（最大 {MAX_ROWS_ARG}）")
    return number


def select_list(ctx, doctype: str, *, fields=None, filters=None, or_filters=None, order_by=None,
                limit_start=0, limit_page_length=20, group_by=None, distinct=False,
                ignore_permissions: bool = False, limit=None, ptype: str = "read") -> sa.Select:
    builder = Builder(ctx, doctype, guard=not ignore_permissions)
    specs = _fields_list(fields)
    items, seen = [], set()
    for spec in specs:
        starred = isinstance(spec, str) and spec.strip().endswith("*") and "(" not in spec
        for item in builder.select_items(spec):
            key = getattr(item, "name", None) or getattr(item, "key", None)
            if key in seen:
                if starred:
                    continue  # a star adds the columns not already asked for
                raise QueryError(f"字段 “{key}” 重复（两列同名，请用 “as 别名” 区分）", field=key)
            seen.add(key)
            items.append(item)
    if not items:
        raise QueryError(f"{builder.meta.display_name}：没有可读取的字段")
    clauses = builder.where(filters, or_filters)
    if not ignore_permissions:
        clauses.extend(ctx.site.permission_conditions(ctx, doctype, builder.table, ptype))
    groups = builder.group(group_by) if group_by else []
    has_aggregate = any(isinstance(s, str) and grammar.parse_item(s.strip()).expr.func for s in specs)
    orders = builder.order(order_by) if order_by not in (None, "") or not (has_aggregate or group_by) else []
    # every part is resolved first: each may have joined a child table the FROM clause needs
    stmt = sa.select(*items).select_from(builder.from_clause()).where(*clauses)
    if distinct:
        stmt = stmt.distinct()
    if groups:
        stmt = stmt.group_by(*groups)
    if orders:
        stmt = stmt.order_by(*orders)
    page, start = _page(limit, limit_page_length, limit_start)
    # Bound, never literal, and OFFSET present on every page: one statement shape (and one plan)
    # for the first page and the thousandth; get_list passes the values at execution.
    if page:
        stmt = stmt.limit(sa.bindparam(LIMIT_PARAM, page, type_=sa.Integer))
        stmt = stmt.offset(sa.bindparam(OFFSET_PARAM, start, type_=sa.Integer))
    elif start:
        stmt = stmt.offset(sa.bindparam(OFFSET_PARAM, start, type_=sa.Integer))
    return stmt


LIMIT_PARAM, OFFSET_PARAM = "sixhave_page_length", "sixhave_start"
# Set in ctx.flags by whatever reads the database while a statement is built (tree operators,
# ownership.reference_conditions): such a statement is used once, never kept.
BUILT_FROM_DATA = "statement_built_from_data"
PLAN_CACHE_SIZE = 512


def _page(limit, limit_page_length, limit_start) -> tuple[int, int]:
    page = _int_arg(limit if limit not in (None, "") else limit_page_length, "limit_page_length", 20)
    return page, _int_arg(limit_start, "limit_start", 0)


def _plan_key(ctx, doctype: str, ignore: bool, ptype: str, parts: list) -> tuple | None:
    """What a built statement depends on besides the caches it came from: the request's own
    arguments (values included) and who asks. A statement whose building reads the data (tree
    operators, records about documents) says so in ctx.flags and is not kept (cached_select)."""
    # repr keeps every value's type ("1" and 1, a date and its text differ) and costs a fraction
    # of a JSON encoding; the arguments are plain data (JSON from a request, or values in code).
    return (doctype, ctx.user, frozenset(ctx.roles) if not ignore else None, ignore, ptype, repr(parts))


def cached_select(ctx, key: tuple | None, build):
    """Statements built from meta, permissions and the request are kept with the permission
    caches (so they go when meta, roles, scope rules or DocPerms change, by version), at most
    PLAN_CACHE_SIZE of them, oldest first out. A kept statement also keeps SQLAlchemy's cache
    key and compiled form, which a new statement object would compute again."""
    if key is None:
        return build()
    plans = ctx.site.perm_cache.get(("plans",))
    if plans is None:
        plans = ctx.site.perm_cache.setdefault(("plans",), {})
    stmt = plans.get(key)
    if stmt is None:
        ctx.flags.pop(BUILT_FROM_DATA, None)
        stmt = build()
        if ctx.flags.pop(BUILT_FROM_DATA, False):
            return stmt  # it holds values read from the data while it was built (a node's bounds…)
        if len(plans) >= PLAN_CACHE_SIZE:
            try:
                plans.pop(next(iter(plans)))
            except (KeyError, StopIteration, RuntimeError):  # another thread evicted first
                pass
        plans[key] = stmt
    return stmt


def row_filter_for(ctx, doctype: str):
    """What a reader may see of a row about another document (Version, Deleted Document…):
    the site's row filter for `doctype`, as get_list applies it; None for others."""
    if ctx.ignore_permissions or ctx.user == "Administrator":
        return None
    return ctx.site.row_filters.get(doctype)


def get_list(ctx, doctype: str, *, fields=None, filters=None, or_filters=None, order_by=None,
             limit_start=0, limit_page_length=20, group_by=None, as_list: bool = False, pluck=None,
             distinct=False, ignore_permissions: bool | None = None, limit=None, ptype: str = "read") -> list:
    if pluck:
        fields = [pluck]
    ignore = ctx.ignore_permissions if ignore_permissions is None else ignore_permissions
    page, start = _page(limit, limit_page_length, limit_start)
    key = _plan_key(ctx, doctype, ignore, ptype, [fields, filters, or_filters, order_by, group_by, distinct,
                                                  bool(page), bool(start)])
    stmt = cached_select(ctx, key, lambda: select_list(
        ctx, doctype, fields=fields, filters=filters, or_filters=or_filters, order_by=order_by,
        limit_start=start, limit_page_length=page, group_by=group_by, distinct=distinct,
        ignore_permissions=ignore, ptype=ptype))
    params = {LIMIT_PARAM: page, OFFSET_PARAM: start} if page else ({OFFSET_PARAM: start} if start else None)
    result = ctx.conn.execute(stmt, params) if params else ctx.conn.execute(stmt)
    row_filter = None if ignore or ctx.user == "Administrator" else ctx.site.row_filters.get(doctype)
    if row_filter is not None:  # rows about other documents (Version, Deleted Document…)
        rows = [dict(row) for row in result.mappings()]
        for row in rows:
            row_filter(ctx, row)
        if pluck:
            return [next(iter(row.values())) for row in rows]
        return [tuple(row.values()) for row in rows] if as_list else rows
    if pluck:
        return [row[0] for row in result]
    if as_list:
        return [tuple(row) for row in result]
    return [dict(row) for row in result.mappings()]


def get_count(ctx, doctype: str, *, filters=None, or_filters=None, distinct: bool = False,
              ignore_permissions: bool | None = None) -> int:
    ignore = ctx.ignore_permissions if ignore_permissions is None else ignore_permissions
    builder = Builder(ctx, doctype, guard=not ignore)
    clauses = builder.where(filters, or_filters)
    if not ignore:
        clauses.extend(ctx.site.permission_conditions(ctx, doctype, builder.table, "read"))
    count = sa.func.count(sa.distinct(builder.table.c.name)) if builder.joins or distinct else sa.func.count()
    stmt = sa.select(count).select_from(builder.from_clause()).where(*clauses)
    return int(ctx.conn.execute(stmt).scalar() or 0)


def get_value(ctx, doctype: str, filters, fieldname="name", *, as_dict: bool = False,
              order_by=None, ignore_permissions: bool | None = None):
    meta = ctx.meta(doctype)
    if meta.issingle:
        from . import storage

        data = storage.load_single(ctx, doctype)
        names = [fieldname] if isinstance(fieldname, str) else list(fieldname)
        if as_dict:
            return {n: data.get(n) for n in names}
        return data.get(names[0]) if isinstance(fieldname, str) else [data.get(n) for n in names]
    if isinstance(filters, str) and not filters.strip().startswith(("[", "{")):
        filters = {"name": filters}
    fieldname = _load_json(fieldname, "fieldname") if isinstance(fieldname, str) and fieldname.strip().startswith("[") else fieldname
    names = [fieldname] if isinstance(fieldname, str) else list(fieldname)
    rows = get_list(ctx, doctype, fields=names, filters=filters, order_by=order_by, limit_page_length=1,
                    ignore_permissions=ignore_permissions)
    if not rows:
        return None
    row = rows[0]
    if as_dict:
        return row
    values = list(row.values())
    return values[0] if isinstance(fieldname, str) else values
