"""Validation of a document against its meta, on the server: types, mandatory fields, options,
links, uniqueness, lengths and `fetch_from`. Messages name the DocType, the field's label, the row
and the value."""
from __future__ import annotations

import sqlalchemy as sa

from . import expressions, fieldtypes, server_fields
from .admin_checks import rule
from .errors import LinkValidationError, MandatoryError, UniqueValidationError, ValidationError
from .rights import readable_fieldnames


def _where(doc) -> str:
    if doc.meta.istable and doc.parent_doc is not None:
        return f"{doc.parent_doc.meta.display_name} 第 {doc.get('idx')} 行（{doc.meta.display_name}）"
    return doc.meta.display_name


def _show(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def coerce_values(doc) -> None:
    """Coerce every field value to its type, or raise naming the field and value."""
    for f in doc.meta.data_fields:
        raw = doc.get(f.fieldname)
        if raw is None:
            continue
        if raw == "" and not f.kind.blank_kept:
            doc.set(f.fieldname, None)
            continue
        try:
            value = f.kind.coerce(raw, f)
        except fieldtypes.FieldValueError as exc:
            raise ValidationError(f"{_where(doc)}：字段 “{f.display_label}” 的值 “{_show(raw)}” {exc}",
                                  field=f.fieldname, value=raw) from None
        except (ValueError, TypeError, ArithmeticError):
            raise ValidationError(f"{_where(doc)}：字段 “{f.display_label}” 的值 “{_show(raw)}” 无效",
                                  field=f.fieldname, value=raw) from None
        check_length(doc, f, value)
        if f.non_negative and value is not None and value < 0:
            raise ValidationError(f"{_where(doc)}：字段 “{f.display_label}” 不能为负数（{value}）", field=f.fieldname)
        doc.set(f.fieldname, value)


def check_length(doc, f, value) -> None:
    """A value within what its column holds on both databases (fieldtypes.length_limit, an Int's
    BIGINT range): more is refused naming the field — never cut short by the database."""
    if isinstance(value, int) and not isinstance(value, bool) and f.kind.integer:
        low, high = fieldtypes.INT_RANGE
        if not low <= value <= high:
            raise ValidationError(f"{_where(doc)}：字段 “{f.display_label}” 的值超出整数范围（{low} 至 {high}）",
                                  field=f.fieldname)
        return
    if not isinstance(value, str):
        return
    limit = fieldtypes.length_limit(f)
    if limit is None:
        return
    most, unit = limit
    if unit == "chars":
        if len(value) > most:
            raise ValidationError(f"{_where(doc)}：字段 “{f.display_label}” 的值过长（{len(value)} 字，最多 {most} 字）",
                                  field=f.fieldname)
        return
    size = len(value.encode("utf-8"))
    if size > most:
        raise ValidationError(f"{_where(doc)}：字段 “{f.display_label}” 的内容过长（{size} 字节，最多 {most} 字节，"
                              f"约 {most // 3} 个汉字）", field=f.fieldname)


def missing_mandatory(doc) -> list[str]:
    data = doc.as_dict(convert=False)
    missing = []
    for f in doc.meta.fields:
        if f.kind.layout:
            continue
        # a rule that fails on this document counts as absent (recorded in the Error Log)
        required = f.reqd or (f.mandatory_depends_on and _true(f.mandatory_depends_on, data, doc, f, default=False))
        if not required or not _true(f.depends_on, data, doc, f, default=True):
            continue
        value = doc.get(f.fieldname)
        if f.is_table:
            if not value:
                missing.append(f.display_label)
        elif value is None or (isinstance(value, str) and not value.strip()):
            missing.append(f.display_label)
    return missing


def _true(expression, data, doc, f, *, default: bool) -> bool:
    if not expression:
        return True
    return rule(doc.ctx, expression, data, default=default, reference=(doc.doctype, doc.name),
                item=f"{doc.meta.name} 字段 {f.fieldname} 的条件 {expression}")


def check_links(doc) -> None:
    ctx = doc.ctx
    for f in doc.meta.data_fields:
        if not f.kind.refers:
            continue
        value = doc.get(f.fieldname)
        if not value:
            continue
        target = f.options if f.kind.link else doc.get(f.options)
        if f.kind.dynamic_link:
            if not target:
                raise LinkValidationError(f"{_where(doc)}：字段 “{f.display_label}” 需要先选择类型", field=f.fieldname)
            if not ctx.site.metas.exists(target):
                raise LinkValidationError(f"{_where(doc)}：字段 “{f.display_label}” 的类型 “{target}” 不存在", field=f.fieldname)
        if not ctx.link_exists(target, value):
            label = ctx.meta(target).display_name
            raise LinkValidationError(f"{_where(doc)}：字段 “{f.display_label}” 链接的{label} “{_show(value)}” 不存在",
                                      field=f.fieldname, value=value)


def fetch_linked_values(doc) -> None:
    ctx = doc.ctx
    wanted: dict[str, list] = {}
    for f in doc.meta.fields:
        if not f.fetch_from or "." not in f.fetch_from:
            continue
        link_field, source = f.fetch_from.split(".", 1)
        wanted.setdefault(link_field, []).append((f, source))
    unfetched = getattr(doc.flags, "unfetched", None) or ()  # links the writer may not read (links.py)
    for link_field, targets in wanted.items():
        lf = doc.meta.get_field(link_field)
        link_value = doc.get(link_field)
        if lf is None or not lf.kind.link or link_field in unfetched:
            continue
        if not link_value:
            for f, _ in targets:
                if not f.fetch_if_empty:
                    doc.set(f.fieldname, None)
            continue
        target_meta = ctx.meta(lf.options)
        sources = [s for _, s in targets if target_meta.has_field(s) or s in target_meta.valid_columns()]
        hidden = _hidden_fields(doc, lf.options)
        sources = [s for s in sources if s not in hidden]  # no copying what the writer may not read
        if not sources:
            continue
        # one write asks each linked record once: the scope check (permissions.write_guard) and
        # validation both fetch, and Document starts every insert/save with an empty memo
        memo = getattr(doc.flags, "fetched", None)
        key = (lf.options, link_value, tuple(sources))
        if memo is not None and key in memo:
            row = memo[key]
        else:
            table = ctx.table(lf.options)
            row = ctx.conn.execute(sa.select(*[table.c[s] for s in sources])
                                   .where(table.c.name == link_value)).mappings().first()
            if memo is not None:
                memo[key] = row
        if row is None:
            continue
        for f, source in targets:
            if source not in row:
                continue
            if f.fetch_if_empty and doc.get(f.fieldname) not in (None, ""):
                continue
            value = row[source]
            if value is not None and f.has_column and f.kind.coerce:
                try:
                    value = f.kind.coerce(value, f)
                except (fieldtypes.FieldValueError, ValueError):
                    value = str(value)
            check_length(doc, f, value)  # a longer source field must not be cut short here
            doc.set(f.fieldname, value)


def _hidden_fields(doc, doctype: str) -> set[str]:
    """Fields of `doctype` at permission levels the writer cannot read (none for system writes)."""
    ctx = doc.ctx
    if server_fields.trusted(doc.parent_doc if doc.meta.istable and doc.parent_doc is not None else doc):
        return set()
    readable = readable_fieldnames(ctx, doctype)
    return set() if readable is None else set(ctx.meta(doctype).valid_columns()) - readable


def check_unique(doc) -> None:
    ctx = doc.ctx
    if doc.meta.issingle:
        return
    table = ctx.table(doc.doctype)
    for f in doc.meta.data_fields:
        value = doc.get(f.fieldname)
        if not f.unique or value in (None, ""):
            continue
        stmt = sa.select(table.c.name).where(table.c[f.fieldname] == value).limit(1)
        if doc.name and not doc.is_new():
            stmt = stmt.where(table.c.name != doc.name)
        other = ctx.conn.execute(stmt).scalar()
        if other:
            raise UniqueValidationError(f"{_where(doc)}：字段 “{f.display_label}” 的值 “{_show(value)}” 已被 {other} 使用",
                                        field=f.fieldname, value=value)


def validate_document(doc) -> None:
    """Everything meta can say about a document, parent and child rows alike."""
    rows = [doc] + [row for tf in doc.meta.table_fields for row in doc.get(tf.fieldname) or []]
    for row in rows:
        coerce_values(row)
    for row in rows:
        fetch_linked_values(row)
    missing = []
    for row in rows:
        missing += [f"{_where(row)}：{label}" if row is not doc else label for label in missing_mandatory(row)]
    if missing:
        raise MandatoryError(f"{doc.meta.display_name}：以下必填项未填写：{'、'.join(missing)}", fields=missing)
    for row in rows:
        check_links(row)
    check_unique(doc)
