"""Rows in and out of `tab<DocType>` tables (and tabSingles) for one document and its children.

Only this module and query.py speak SQL (through SQLAlchemy Core); documents call it.
"""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from . import fieldtypes
from .errors import (DoesNotExistError, DuplicateEntryError, TimestampMismatchError, UniqueValidationError,
                     ValidationError)
from .meta import CHILD_COLUMNS, STANDARD_COLUMNS, Meta


def _row_values(meta: Meta, values: dict) -> dict:
    cols = meta.valid_columns()
    return {k: values.get(k) for k in cols}


def load(ctx, doctype: str, name: str, *, for_update: bool = False) -> dict:
    """The stored document as a dict, child rows under their table fieldnames; 404 if absent."""
    meta = ctx.meta(doctype)
    if meta.issingle:
        return load_single(ctx, doctype)
    if not _is_name(name):
        raise DoesNotExistError(f"{meta.display_name}：名称应为文本", doctype=doctype, name=str(name)[:60])
    table = ctx.table(doctype)
    stmt = sa.select(table).where(table.c.name == name)
    if for_update and ctx.conn.dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    row = ctx.conn.execute(stmt).mappings().first()
    if row is None:
        raise DoesNotExistError(f"{meta.display_name} “{name}” 不存在", doctype=doctype, name=name)
    data = dict(row)
    for tf in meta.table_fields:
        data[tf.fieldname] = load_children(ctx, meta, tf, name)
    return data


def load_children(ctx, meta: Meta, table_field, parent: str) -> list[dict]:
    child = ctx.table(table_field.options)
    rows = ctx.conn.execute(sa.select(child).where(child.c.parent == parent,
                                                   child.c.parenttype == meta.name,
                                                   child.c.parentfield == table_field.fieldname)
                            .order_by(child.c.idx)).mappings().all()
    return [dict(r) for r in rows]


def _is_name(name) -> bool:
    """A document's name is text (or a number, for autoincrement DocTypes): a list or an object
    from a request names nothing, and never reaches the database driver."""
    return isinstance(name, (str, int)) and not isinstance(name, bool)


def exists(ctx, doctype: str, name: str) -> bool:
    if not _is_name(name):
        return False
    table = ctx.table(doctype)
    return ctx.conn.execute(sa.select(table.c.name).where(table.c.name == name)).first() is not None


def _integrity(meta: Meta, exc: sa.exc.IntegrityError, name: str, values: dict | None = None):
    text = str(exc.orig)
    if "NOT NULL" in text.upper() or "cannot be null" in text:
        raise exc
    for f in meta.data_fields:
        if f.unique and f.fieldname in text:
            value = (values or {}).get(f.fieldname)
            return UniqueValidationError(f"{meta.display_name}：“{f.display_label}” 的值 “{value}” 已被其他记录使用", field=f.fieldname)
    return DuplicateEntryError(f"{meta.display_name} “{name}” 已存在", doctype=meta.name, name=name)


def _data_error(meta: Meta, exc: sa.exc.DataError) -> ValidationError:
    """The database refused a value (strict SQL mode: too long, out of range) that validation
    let through: a 417 naming the field, never a silently cut value or a 500."""
    text = str(exc.orig)
    for f in meta.data_fields:
        if f"'{f.fieldname}'" in text or f"`{f.fieldname}`" in text:
            return ValidationError(f"{meta.display_name}：字段 “{f.display_label}” 的值超出数据库允许的范围或长度",
                                   field=f.fieldname)
    return ValidationError(f"{meta.display_name}：有字段的值超出数据库允许的范围或长度")


def insert(ctx, doc) -> None:
    meta = doc.meta
    if meta.issingle:
        save_single(ctx, doc)
        return
    try:
        # parameters, not .values(): one cached compiled statement for every insert of a DocType
        ctx.conn.execute(ctx.table(doc.doctype).insert(), _row_values(meta, doc.values()))
    except sa.exc.IntegrityError as exc:
        raise _integrity(meta, exc, doc.name, doc.values()) from None
    except sa.exc.DataError as exc:
        raise _data_error(meta, exc) from None
    insert_children(ctx, doc)


def insert_children(ctx, doc) -> None:
    for tf in doc.meta.table_fields:
        rows = doc.get(tf.fieldname) or []
        if not rows:
            continue
        child_meta = ctx.meta(tf.options)
        ctx.conn.execute(ctx.table(tf.options).insert(), [_row_values(child_meta, r.values()) for r in rows])


def update(ctx, doc, expected_modified) -> None:
    """Write the parent row only if nobody saved it since `expected_modified`; then its children."""
    meta = doc.meta
    if meta.issingle:
        save_single(ctx, doc)
        return
    table = ctx.table(doc.doctype)
    values = _row_values(meta, doc.values())
    values.pop("name")
    values.pop("creation", None)
    values.pop("owner", None)
    stmt = table.update().where(table.c.name == doc.name)
    if expected_modified is not None:
        stmt = stmt.where(table.c.modified == expected_modified)
    try:
        changed = ctx.conn.execute(stmt.values(values)).rowcount
    except sa.exc.IntegrityError as exc:
        raise _integrity(meta, exc, doc.name, doc.values()) from None
    except sa.exc.DataError as exc:
        raise _data_error(meta, exc) from None
    if not changed:
        raise TimestampMismatchError(f"{meta.display_name} “{doc.name}” 已被他人修改，请刷新后再保存",
                                     doctype=doc.doctype, name=doc.name)
    for tf in meta.table_fields:
        child = ctx.table(tf.options)
        ctx.conn.execute(child.delete().where(child.c.parent == doc.name, child.c.parenttype == doc.doctype,
                                              child.c.parentfield == tf.fieldname))
    insert_children(ctx, doc)


def delete(ctx, doctype: str, name: str) -> None:
    meta = ctx.meta(doctype)
    for tf in meta.table_fields:
        child = ctx.table(tf.options)
        ctx.conn.execute(child.delete().where(child.c.parent == name, child.c.parenttype == doctype))
    table = ctx.table(doctype)
    ctx.conn.execute(table.delete().where(table.c.name == name))


def rename(ctx, doctype: str, old: str, new: str) -> None:
    meta = ctx.meta(doctype)
    table = ctx.table(doctype)
    ctx.conn.execute(table.update().where(table.c.name == old).values(name=new))
    for tf in meta.table_fields:
        child = ctx.table(tf.options)
        ctx.conn.execute(child.update().where(child.c.parent == old, child.c.parenttype == doctype).values(parent=new))


# --------------------------------------------------------------------------- singles
def _singles(ctx):
    return ctx.site.system["tabSingles"]


def load_single(ctx, doctype: str) -> dict:
    meta = ctx.meta(doctype)
    t = _singles(ctx)
    stored = {r.field: r.value for r in ctx.conn.execute(sa.select(t.c.field, t.c.value).where(t.c.doctype == doctype))}
    data: dict[str, Any] = {"name": doctype, "docstatus": 0, "idx": 0}
    for key in ("creation", "modified", "modified_by", "owner"):
        data[key] = stored.get(key)
    for key in ("creation", "modified"):
        if data[key]:
            data[key] = fieldtypes._datetime(data[key], None)
    for f in meta.data_fields:
        raw = stored.get(f.fieldname)
        if raw is None:
            data[f.fieldname] = None
        elif f.kind.json:
            data[f.fieldname] = json.loads(raw)
        else:
            data[f.fieldname] = f.kind.coerce(raw, f) if f.kind.coerce else raw
    for tf in meta.table_fields:
        data[tf.fieldname] = load_children(ctx, meta, tf, doctype)
    return data


def save_single(ctx, doc) -> None:
    t = _singles(ctx)
    ctx.conn.execute(t.delete().where(t.c.doctype == doc.doctype))
    rows = []
    for key in ("creation", "modified", "modified_by", "owner"):
        if doc.get(key) is not None:
            rows.append({"doctype": doc.doctype, "field": key, "value": str(doc.get(key))})
    for f in doc.meta.data_fields:
        value = doc.get(f.fieldname)
        if value is None:
            continue
        text = json.dumps(value, ensure_ascii=False) if f.kind.json else str(value)
        rows.append({"doctype": doc.doctype, "field": f.fieldname, "value": text})
    if rows:
        ctx.conn.execute(t.insert(), rows)
    for tf in doc.meta.table_fields:
        child = ctx.table(tf.options)
        ctx.conn.execute(child.delete().where(child.c.parent == doc.doctype, child.c.parentfield == tf.fieldname))
    insert_children(ctx, doc)


STD = STANDARD_COLUMNS + CHILD_COLUMNS
