"""Customisation without code: custom DocTypes, Custom Fields and Property Setters.

Each is a document; saving one validates the merged meta, changes the schema at once (additive
only), and moves the site's meta version so that every process rebuilds its meta on its next
request.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from . import naming, schema
from .versions import bump_version
from .errors import MetaError, PermissionError
from .meta import FIELD_KEYS, Meta, apply_customisations, validate_doctype_dict

def mark_meta_changed(ctx) -> None:
    """Move the meta version in this transaction and reload for this context."""
    bump_version(ctx, "meta")
    ctx.site.refresh_meta(ctx.conn, force=True)
    ctx.site.metas.version = None  # uncommitted: others must not take it as the committed version


def sync_schema(ctx, meta: Meta, renames: dict[str, str] | None = None) -> schema.SyncReport:
    """Apply the schema for `meta` now. On SQLite inside the caller's transaction (DDL is
    transactional there); on MariaDB, where DDL commits implicitly, on a connection of its own
    before the metadata rows are written, so a failure leaves only an unused column behind."""
    if ctx.conn.dialect.name == "sqlite":
        return schema.sync_table(ctx.conn, meta, renames=renames)
    with ctx.site.engine.connect() as ddl:
        ddl.exec_driver_sql("SET SESSION lock_wait_timeout = 10")
        try:
            report = schema.sync_table(ddl, meta, renames=renames)
        except sa.exc.OperationalError as exc:
            if "Lock wait timeout" not in str(exc.orig):
                raise
            raise MetaError(f"{meta.display_name} 的表正被其他事务使用，暂时不能修改表结构；"
                            "请在单独的请求中修改表结构，稍后再试") from None
        ddl.commit()
    return report


def merged_meta(ctx, doctype: str, *, extra_fields: list[dict] = (), drop_custom: str | None = None,
                extra_setters: list[dict] = (), replace_custom: dict | None = None) -> Meta:
    """The meta `doctype` would have with one more (or one changed) customisation, for checks."""
    store = ctx.site.metas
    base = store.raw(doctype)
    customs = [cf for cf in store._custom_fields.get(doctype, []) if cf.get("name") != drop_custom]
    customs = customs + list(extra_fields)
    setters = list(store._property_setters.get(doctype, [])) + list(extra_setters)
    merged = apply_customisations(base, customs, setters)
    names = store.all_names()
    children = [n for n in names if store.get(n).istable]
    validate_doctype_dict(merged, source=f"DocType {doctype}", known_doctypes=names, child_doctypes=children, metas=store)
    return Meta(merged, field_types=store.field_types)


# --------------------------------------------------------------------------- Custom Field
def scrub_fieldname(label: str) -> str:
    text = re.sub(r"[^a-z0-9_]+", "_", (label or "").strip().lower()).strip("_")
    if not text or not re.match(r"^[a-z_]", text):
        text = "custom_" + (text or naming.random_hash(6))
    return text


def validate_custom_field(doc) -> None:
    ctx = doc.ctx
    if not doc.get("fieldname"):
        doc.set("fieldname", scrub_fieldname(doc.get("label") or ""))
    if not ctx.site.metas.exists(doc.dt):
        raise MetaError(f"自定义字段：单据类型 “{doc.dt}” 不存在")
    before = doc.get_original()
    entry = {k: doc.get(k) for k in FIELD_KEYS if doc.get(k) not in (None, "") and k not in ("name", "idx")}
    entry["is_custom_field"] = 1
    existing = ctx.site.metas.get(doc.dt)
    clash = existing.get_field(doc.fieldname)
    if clash and not clash.is_custom_field:
        raise MetaError(f"自定义字段：{existing.display_name} 已有字段 “{doc.fieldname}”（{clash.display_label}）")
    if clash and before is None:
        raise MetaError(f"自定义字段：{existing.display_name} 已有自定义字段 “{doc.fieldname}”")
    meta = merged_meta(ctx, doc.dt, extra_fields=[entry], drop_custom=doc.name if before else None)
    renames = {}
    if before and before.get("fieldname") and before["fieldname"] != doc.fieldname:
        if before.get("dt") != doc.dt:
            raise MetaError("自定义字段：不能把字段移到另一个单据类型")
        renames[before["fieldname"]] = doc.fieldname
    sync_schema(ctx, meta, renames)


def custom_field_changed(doc) -> None:
    mark_meta_changed(doc.ctx)


# --------------------------------------------------------------------------- Property Setter
def validate_property_setter(doc) -> None:
    ctx = doc.ctx
    if not ctx.site.metas.exists(doc.doc_type):
        raise MetaError(f"属性设置：单据类型 “{doc.doc_type}” 不存在")
    if doc.doctype_or_field == "DocField" or doc.field_name:
        if not doc.field_name:
            raise MetaError("属性设置：作用于字段时须填写字段名 (field_name)")
        if not ctx.site.metas.get(doc.doc_type).has_field(doc.field_name):
            raise MetaError(f"属性设置：{doc.doc_type} 没有字段 “{doc.field_name}”")
        if doc.property == "fieldname":
            raise MetaError("属性设置：不能用属性设置改字段名，请使用“重命名字段”")
    setter = {k: doc.get(k) for k in ("doc_type", "doctype_or_field", "field_name", "property", "value", "property_type")}
    meta = merged_meta(ctx, doc.doc_type, extra_setters=[setter])
    sync_schema(ctx, meta)


# --------------------------------------------------------------------------- DocType documents
def check_doctype_doc(doc) -> None:
    """Before field-level validation: the definition itself must be valid metadata."""
    ctx = doc.ctx
    if ctx.flags.get("syncing_standard"):
        return
    if ctx.site.metas.is_standard(doc.name):
        raise PermissionError(f"DocType “{doc.name}” 是标准类型，只能通过自定义字段和属性设置定制，不能直接修改")
    if not doc.get("custom"):
        doc.set("custom", 1)
    data = doctype_dict(doc)
    names = set(ctx.site.metas.all_names()) | {doc.name}
    children = {n for n in ctx.site.metas.all_names() if ctx.site.metas.get(n).istable}
    if data.get("istable"):
        children.add(doc.name)
    validate_doctype_dict(data, source=f"DocType {doc.name}", known_doctypes=names, child_doctypes=children,
                          metas=ctx.site.metas)


def sync_doctype_doc(doc) -> None:
    """After validation: create or extend the table; a field row whose fieldname changed is a rename."""
    ctx = doc.ctx
    if ctx.flags.get("syncing_standard"):
        return
    data = doctype_dict(doc)
    before = doc.get_original()
    renames = {}
    if before:
        old_by_row = {f.get("name"): f.get("fieldname") for f in before.get("fields") or []}
        for row in doc.get("fields"):
            old = old_by_row.get(row.get("name"))
            if old and row.get("fieldname") and old != row.get("fieldname"):
                renames[old] = row.get("fieldname")
    meta = Meta(data, field_types=ctx.site.field_types)
    sync_schema(ctx, meta, renames)


def doctype_dict(doc) -> dict:
    data = doc.as_dict(convert=False)
    for key in ("doctype", "owner", "creation", "modified", "modified_by", "docstatus", "idx"):
        data.pop(key, None)
    data["fields"] = [{k: v for k, v in row.items() if v not in (None, "") and k not in ("doctype", "parent", "parenttype", "parentfield", "owner", "creation", "modified", "modified_by", "docstatus")}
                      for row in data.get("fields") or []]
    data["permissions"] = [{k: v for k, v in row.items() if v not in (None, "") and k not in ("doctype", "parent", "parenttype", "parentfield", "owner", "creation", "modified", "modified_by", "docstatus")}
                           for row in data.get("permissions") or []]
    return data


def doctype_changed(doc) -> None:
    if doc.ctx.flags.get("syncing_standard"):
        return
    mark_meta_changed(doc.ctx)


def refuse_standard_delete(doc) -> None:
    if doc.ctx.site.metas.is_standard(doc.name) and not doc.ctx.flags.get("syncing_standard"):
        raise PermissionError(f"DocType “{doc.name}” 是标准类型，不能删除")
