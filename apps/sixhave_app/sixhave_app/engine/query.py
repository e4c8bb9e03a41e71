"""Typed queries: Frappe's get_list / get_count / get_value arguments turned into SQLAlchemy Core.

Every field, operator and order is checked against meta; anything else is a QueryError naming
what was wrong. No part of a request ever becomes SQL text.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

import sqlalchemy as sa

from . import fieldtypes
from .errors import QueryError

OPERATORS = {"=", "!=", "<>", "<", ">", "<=", ">=", "like", "not like", "in", "not in", "is", "between",
             "descendants of", "descendants of (inclusive)", "ancestors of", "not descendants of",
             "not ancestors of", "ancestors of (inclusive)"}
AGGREGATES = {"count": sa.func.count, "sum": sa.func.sum, "avg": sa.func.avg, "min": sa.func.min,
              "max": sa.func.max}

_QUALIFIED = re.compile(r"^`?tab([^`.]+)`?\.`?([a-zA-Z0-9_]+)`?$")
_AGG = re.compile(r"^(count|sum|avg|min|max)\s*\(\s*(distinct\s+)?([`a-zA-Z0-9_ .*]+?)\s*\)$", re.I)
_ALIAS = re.compile(r"^(.*?)\s+as\s+`?([A-Za-z_][A-Za-z0-9_]*)`?$", re.I)
_ORDER = re.compile(r"^(.+?)(?:\s+(asc|desc))?$", re.I)


def _load_json(value, what: str):
    if isinstance(value, (bytes, bytearray)):
        value = value.decode()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text[0] in "[{":
            try:
                return json.loads(text)
            except ValueError:
                raise QueryError(f"{what} 不是有效的 JSON：{text[:80]}") from None
        return text
    return value


@dataclass
class Builder:
    ctx: Any
    doctype: str

    def __post_init__(self):
        self.meta = self.ctx.meta(self.doctype)
        self.table = self.ctx.table(self.doctype)
        self.joins: dict[str, sa.Table] = {}

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

    def column(self, spec: str, *, purpose: str = "字段") -> sa.ColumnElement:
        spec = spec.strip()
        qualified = _QUALIFIED.match(spec)
        if qualified:
            doctype, fieldname = qualified.groups()
            table = self._child_table(doctype)
            meta = self.ctx.meta(doctype)
        else:
            fieldname, table, meta = spec.strip("`"), self.table, self.meta
        if fieldname not in meta.valid_columns():
            raise QueryError(f"{self.meta.display_name}：{purpose} “{spec}” 不存在", field=spec)
        return table.c[fieldname]

    def field_of(self, column: sa.ColumnElement):
        table = column.table
        doctype = table.name[3:] if table.name.startswith("tab") else None
        if hasattr(table, "element"):
            doctype = table.element.name[3:]
        meta = self.ctx.meta(doctype) if doctype else self.meta
        return meta.get_field(column.key), meta

    def select_item(self, spec) -> sa.ColumnElement:
        if not isinstance(spec, str):
            raise QueryError(f"字段 “{spec}” 应为文本")
        text = spec.strip()
        alias = None
        aliased = _ALIAS.match(text)
        if aliased:
            text, alias = aliased.group(1).strip(), aliased.group(2)
        agg = _AGG.match(text)
        if agg:
            func, distinct, inner = agg.group(1).lower(), bool(agg.group(2)), agg.group(3).strip()
            if inner in ("*", "1") and func == "count":
                expr = sa.func.count()
            else:
                col = self.column(inner)
                expr = AGGREGATES[func](col.distinct() if distinct else col)
                if func in ("sum", "min", "max"):
                    expr = sa.type_coerce(expr, col.type)
            return expr.label(alias or f"{func}({inner})")
        col = self.column(text)
        return col.label(alias) if alias else col

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
        cond = build_condition(self.ctx, child.c[field], child_meta.get_field(field), op, value, child_meta, field)
        return sa.exists(sa.select(child.c.name).where(child.c.parent == self.table.c.name,
                                                       child.c.parenttype == self.doctype, cond))

    def where(self, filters, or_filters) -> list[sa.ColumnElement]:
        clauses = [self.condition(f) for f in self.normalise_filters(filters)]
        ors = [self.condition(f) for f in self.normalise_filters(or_filters)]
        if ors:
            clauses.append(sa.or_(*ors))
        return clauses

    # ----------------------------------------------------------------- order
    def order(self, order_by) -> list:
        if order_by is None or (isinstance(order_by, str) and not order_by.strip()):
            field = self.meta.sort_field if self.meta.sort_field in self.meta.valid_columns() else "modified"
            col = self.table.c[field]
            return [col.desc() if self.meta.sort_order == "DESC" else col.asc()]
        out = []
        for part in str(order_by).split(","):
            part = part.strip()
            if not part:
                continue
            m = _ORDER.match(part)
            expr_text, direction = m.group(1).strip(), (m.group(2) or "asc").lower()
            agg = _AGG.match(expr_text)
            if agg:
                expr = self.select_item(expr_text)
                expr = expr.element if isinstance(expr, sa.sql.elements.Label) else expr
            else:
                expr = self.column(expr_text, purpose="排序字段")
            out.append(expr.desc() if direction == "desc" else expr.asc())
        return out

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
    if field.fieldtype in ("Data", "Link", "Dynamic Link", "Select", "Read Only", "Small Text", "Text",
                           "Long Text", "Text Editor", "Code", "Attach", "Attach Image", "Password"):
        return str(value)
    if value == "" and field.fieldtype in fieldtypes.NUMERIC_TYPES:
        return 0
    try:
        return field.kind.coerce(value, field)
    except (fieldtypes.FieldValueError, ValueError, TypeError, ArithmeticError) as exc:
        raise QueryError(f"过滤字段 “{label}” 的值 “{value}” 无效：{exc}", field=label) from None


def build_condition(ctx, col, field, op: str, value, meta, label: str):
    """One filter triple as a SQLAlchemy clause (shared by lists, counts and permission rules)."""
    coerce = lambda v: coerce_filter_value(field, v, label)  # noqa: E731
    if col.key in ("creation", "modified") and field is None:
        coerce = lambda v: fieldtypes._datetime(v, None) if v not in (None, "") else v  # noqa: E731
    if col.key in ("docstatus", "idx", "lft", "rgt") and field is None:
        coerce = lambda v: int(v) if v not in (None, "") else v  # noqa: E731
    if op in ("=", "!=", "<>", "<", ">", "<=", ">="):
        if isinstance(value, (list, tuple)):
            raise QueryError(f"过滤字段 “{label}” 的运算符 {op} 需要单个值")
        if value is None:
            return col.is_(None) if op == "=" else col.is_not(None)
        v = coerce(value)
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
        values = [coerce(v) for v in (value or [])]
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
        if field is not None and field.fieldtype == "Datetime" and isinstance(value[1], str) and len(value[1].strip()) == 10:
            high = high.replace(hour=23, minute=59, second=59, microsecond=999999)
        return col.between(low, high)
    # tree operators
    if field is not None and field.fieldtype == "Link":
        tree_doctype = field.options
    elif col.key == "name":
        tree_doctype = meta.name
    else:
        raise QueryError(f"过滤字段 “{label}”：{op} 只适用于树形 DocType 的链接字段")
    tree_meta = ctx.meta(tree_doctype)
    if not tree_meta.is_tree:
        raise QueryError(f"过滤字段 “{label}”：{tree_meta.display_name} 不是树形 DocType")
    tree_table = ctx.table(tree_doctype)
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
        return [f.strip() for f in fields.split(",") if f.strip()] if "(" not in fields else [fields]
    if not isinstance(fields, (list, tuple)):
        raise QueryError(f"fields 应为列表：{fields!r}")
    return list(fields)


def _int_arg(value, name: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise QueryError(f"{name} 应为整数：{value!r}") from None
    if number < 0:
        raise QueryError(f"{name} 不能为负数")
    return number


def select_list(ctx, doctype: str, *, fields=None, filters=None, or_filters=None, order_by=None,
                limit_start=0, limit_page_length=20, group_by=None, distinct=False,
                ignore_permissions: bool = False, limit=None, ptype: str = "read") -> sa.Select:
    builder = Builder(ctx, doctype)
    items = []
    for spec in _fields_list(fields):
        if spec.strip() in ("*", "`tab" + doctype + "`.*"):
            items.extend(builder.table.c[c] for c in builder.meta.column_names())
        else:
            items.append(builder.select_item(spec))
    clauses = builder.where(filters, or_filters)
    if not ignore_permissions:
        clauses.extend(ctx.site.permission_conditions(ctx, doctype, builder.table, ptype))
    stmt = sa.select(*items).select_from(builder.from_clause()).where(*clauses)
    if distinct:
        stmt = stmt.distinct()
    if group_by:
        stmt = stmt.group_by(*[builder.column(g, purpose="分组字段") for g in str(group_by).split(",") if g.strip()])
    specs = [s.strip() for s in _fields_list(fields) if isinstance(s, str)]
    has_aggregate = any(_AGG.match(_ALIAS.match(s).group(1).strip() if _ALIAS.match(s) else s) for s in specs)
    if order_by not in (None, "") or not (has_aggregate or group_by):
        stmt = stmt.order_by(*builder.order(order_by))
    page = _int_arg(limit if limit not in (None, "") else limit_page_length, "limit_page_length", 20)
    start = _int_arg(limit_start, "limit_start", 0)
    if page:
        stmt = stmt.limit(page)
    if start:
        stmt = stmt.offset(start)
    return stmt


def get_list(ctx, doctype: str, *, fields=None, filters=None, or_filters=None, order_by=None,
             limit_start=0, limit_page_length=20, group_by=None, as_list: bool = False, pluck=None,
             distinct=False, ignore_permissions: bool | None = None, limit=None, ptype: str = "read") -> list:
    if pluck:
        fields = [pluck]
    ignore = ctx.ignore_permissions if ignore_permissions is None else ignore_permissions
    stmt = select_list(ctx, doctype, fields=fields, filters=filters, or_filters=or_filters,
                       order_by=order_by, limit_start=limit_start, limit_page_length=limit_page_length,
                       group_by=group_by, distinct=distinct, ignore_permissions=ignore, limit=limit, ptype=ptype)
    result = ctx.conn.execute(stmt)
    if pluck:
        return [row[0] for row in result]
    if as_list:
        return [tuple(row) for row in result]
    return [dict(row) for row in result.mappings()]


def get_count(ctx, doctype: str, *, filters=None, or_filters=None, distinct: bool = False,
              ignore_permissions: bool | None = None) -> int:
    builder = Builder(ctx, doctype)
    clauses = builder.where(filters, or_filters)
    ignore = ctx.ignore_permissions if ignore_permissions is None else ignore_permissions
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
