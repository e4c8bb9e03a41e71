"""Documents: one record of a DocType with its child rows, and its lifecycle.

insert → save → submit → cancel → amend, docstatus 0 → 1 → 2 only. Controller hooks run by
convention: a class named after the DocType (spaces removed) in `<doctype>.py` beside the JSON.
"""
from __future__ import annotations

import copy
import datetime as dt
import importlib
from types import SimpleNamespace
from typing import Any, Iterable

from . import changes, fieldtypes, naming, server_fields, storage, trash, tree, validation, versioning
from .docstatus import DocStatus
from .errors import DocstatusTransitionError, DuplicateEntryError, TimestampMismatchError, UpdateAfterSubmitError, ValidationError
from .meta import CHILD_COLUMNS, STANDARD_COLUMNS
from .values import to_json_value

HOOKS = ("before_validate", "validate", "before_insert", "after_insert", "on_update", "before_submit",
         "on_submit", "before_cancel", "on_cancel", "on_trash", "after_delete",
         "before_update_after_submit", "on_update_after_submit")

_INTERNAL = {"ctx", "doctype", "meta", "flags", "parent_doc", "_v", "_rows", "_loaded"}


def load_controller(module_path: str | None, doctype: str):
    if not module_path:
        return None
    module = importlib.import_module(module_path)
    return getattr(module, doctype.replace(" ", "").replace("-", ""), None)


class Document:
    def __init__(self, ctx, doctype: str, values: dict | None = None, *, parent_doc=None):
        object.__setattr__(self, "ctx", ctx)
        object.__setattr__(self, "doctype", doctype)
        object.__setattr__(self, "meta", ctx.meta(doctype))
        object.__setattr__(self, "flags", SimpleNamespace())
        object.__setattr__(self, "parent_doc", parent_doc)
        object.__setattr__(self, "_v", {})
        object.__setattr__(self, "_rows", {})
        object.__setattr__(self, "_loaded", None)
        for tf in self.meta.table_fields:
            self._rows[tf.fieldname] = []
        if values:
            self.update(values)

    # ----------------------------------------------------------------- values
    def __getattr__(self, key):
        if key.startswith("__"):
            raise AttributeError(key)
        rows = object.__getattribute__(self, "_rows")
        if key in rows:
            return rows[key]
        return object.__getattribute__(self, "_v").get(key)

    def __setattr__(self, key, value):
        if key in _INTERNAL or key in type(self).__dict__ or any(key in c.__dict__ for c in type(self).__mro__):
            object.__setattr__(self, key, value)
        else:
            self.set(key, value)

    def get(self, key: str, default=None):
        if key in self._rows:
            return self._rows[key]
        value = self._v.get(key)
        return default if value is None else value

    def set(self, key: str, value) -> None:
        if key in self._rows:
            self._rows[key] = []
            for row in rows_of(self.meta, key, value):
                self.append(key, row)
            return
        if key == "doctype":
            return
        self._v[key] = _scalar_of(self.meta, key, value)

    def update(self, values: dict) -> "Document":
        for key, value in values.items():
            self.set(key, value)
        return self

    def values(self) -> dict:
        return self._v

    def append(self, fieldname: str, row: dict | "Document" | None = None) -> "Document":
        tf = self.meta.get_field(fieldname)
        if tf is None or not tf.is_table:
            raise ValidationError(f"{self.meta.display_name}：“{fieldname}” 不是子表字段")
        if isinstance(row, Document):
            child = row
            object.__setattr__(child, "parent_doc", self)
        else:
            cls = self.ctx.site.controller_class(tf.options)
            child = cls(self.ctx, tf.options, {k: v for k, v in (row or {}).items() if k != "doctype"}, parent_doc=self)
        child._v["parentfield"] = fieldname
        child._v["parenttype"] = self.doctype
        child._v["idx"] = len(self._rows[fieldname]) + 1
        self._rows[fieldname].append(child)
        return child

    def is_new(self) -> bool:
        return self._loaded is None

    @property
    def name(self):
        return self._v.get("name")

    @name.setter
    def name(self, value):
        self._v["name"] = value

    @property
    def docstatus(self) -> int:
        return int(self._v.get("docstatus") or 0)

    @docstatus.setter
    def docstatus(self, value):
        self._v["docstatus"] = int(value or 0)

    def as_dict(self, *, convert: bool = True, no_nulls: bool = False) -> dict:
        """The document as a plain dict (child rows as lists of dicts); `convert` makes it JSON-ready."""
        out: dict[str, Any] = {"doctype": self.doctype}
        for key, value in self._v.items():
            if key.startswith("__"):
                continue
            if no_nulls and value is None:
                continue
            out[key] = to_json_value(value) if convert else value
        for key, rows in self._rows.items():
            out[key] = [r.as_dict(convert=convert, no_nulls=no_nulls) for r in rows]
        return out

    def __repr__(self):
        return f"<{self.doctype} {self.name!r}>"

    # ----------------------------------------------------------------- hooks
    def run_method(self, method: str, *args) -> None:
        fn = getattr(self, method, None)
        if callable(fn):
            fn(*args)
        self.ctx.run_doc_event(self, method)

    # ----------------------------------------------------------------- lifecycle
    def _set_defaults(self) -> None:
        ctx = self.ctx
        for f in self.meta.fields:
            if f.has_column and self._v.get(f.fieldname) is None and f.default not in (None, ""):
                self._v[f.fieldname] = fieldtypes.parse_default(f.default, f, user=ctx.user)
            elif f.has_column and f.kind.boolean and self._v.get(f.fieldname) is None:
                self._v[f.fieldname] = 0
        for rows in self._rows.values():
            for row in rows:
                row._set_defaults()

    def _stamp(self, now: dt.datetime, *, new: bool, before: dict | None = None) -> None:
        user = self.ctx.user
        self._v["docstatus"] = self.docstatus
        self._v["idx"] = int(self._v.get("idx") or 0)
        if new:
            self._v["creation"] = now
            self._v["owner"] = self._v.get("owner") if self.ctx.flags.get("keep_owner") and self._v.get("owner") else user
        self._v["modified"] = now
        self._v["modified_by"] = user
        server_fields.stamp_children(self, now, new=new, before=before)

    def insert(self) -> "Document":
        try:
            with self.ctx.atomic():
                return self._insert()
        finally:
            self.flags.fetched = None

    def _insert(self) -> "Document":
        ctx = self.ctx
        if self.meta.istable:
            raise ValidationError(f"{self.meta.display_name} 是子表，只能随上级单据保存")
        server_fields.claim_on_insert(self)
        self.flags.fetched = {}  # linked records read during this write (validation.fetch_linked_values)
        if self.docstatus not in (DocStatus.DRAFT, DocStatus.SUBMITTED):
            raise DocstatusTransitionError(f"{self.meta.display_name}：新单据的状态只能是草稿或已提交")
        if self.docstatus == DocStatus.SUBMITTED and not self.meta.is_submittable:
            raise DocstatusTransitionError(f"{self.meta.display_name} 不可提交")
        ctx.before_write(self, "create")
        self._set_defaults()
        self.run_method("before_insert")
        given_name = bool(self._v.get("name") or self._v.get("__newname"))
        if self.meta.issingle:
            self.name = self.doctype
        elif self.get("amended_from") and not self._v.get("name"):
            self.name = _amended_name(ctx, self.doctype, self.get("amended_from"))
        else:
            self._v["name"] = _clean_name(naming.make_name(ctx, self), self.meta)
            if not given_name and self.meta.allow_rename and naming.uses_counter(self.meta):
                # a document renamed onto a future counter value is stepped over, never collided with
                for _ in range(1000):
                    if not storage.exists(ctx, self.doctype, self.name):
                        break
                    self._v.pop("name", None)
                    self._v["name"] = _clean_name(naming.make_name(ctx, self), self.meta)
        self._v.pop("__newname", None)
        # Counters and hashes do not repeat; names people choose may, and are checked before any
        # hook runs (the primary key still refuses a duplicate either way).
        if not self.meta.issingle and (given_name or naming.chosen_by_user(self.meta)) \
                and storage.exists(ctx, self.doctype, self.name):
            raise DuplicateEntryError(f"{self.meta.display_name} “{self.name}” 已存在", doctype=self.doctype, name=self.name)
        self._validate()
        if self.docstatus == DocStatus.SUBMITTED:
            self.run_method("before_submit")
        self._stamp(ctx.now(), new=True)
        if self.meta.is_tree:
            tree.on_insert(ctx, self)  # the node's place (room opened if needed), written with its row
        storage.insert(ctx, self)
        self.run_method("after_insert")
        self.run_method("on_update")
        if self.docstatus == DocStatus.SUBMITTED:
            self.run_method("on_submit")
        object.__setattr__(self, "_loaded", self.as_dict(convert=False))
        return self

    def _validate(self) -> None:
        self.run_method("before_validate")
        validation.validate_document(self)
        self.run_method("validate")
        for rows in self._rows.values():
            for row in rows:
                fn = getattr(row, "validate", None)
                if callable(fn):
                    fn()

    def save(self) -> "Document":
        if self.is_new() and not self.meta.issingle:
            return self.insert()
        try:
            with self.ctx.atomic():
                return self._save()
        finally:
            self.flags.fetched = None

    def _save(self) -> "Document":
        ctx = self.ctx
        if self.meta.issingle:
            before = storage.load_single(ctx, self.doctype)
        else:
            before = storage.load(ctx, self.doctype, self.name, for_update=True)
        server_fields.claim_on_update(self, before)
        self.flags.fetched = {}  # linked records read during this write (validation.fetch_linked_values)
        old_status, new_status = int(before.get("docstatus") or 0), self.docstatus
        action = _transition(self.meta, old_status, new_status)
        ctx.before_write(self, action, before=before)
        expected = self._v.get("modified")
        if expected is not None and not isinstance(expected, dt.datetime):
            expected = fieldtypes._datetime(expected, None)
        if expected is not None and before.get("modified") and expected != before["modified"]:
            raise TimestampMismatchError(f"{self.meta.display_name} “{self.name}” 已被他人修改（{before['modified']}），请刷新后再保存",
                                         doctype=self.doctype, name=self.name)
        for rows in self._rows.values():  # rows added since the last save get their defaults, as on insert
            for row in rows:
                if not row._v.get("name"):
                    row._set_defaults()
        self._validate()
        if action == "update_after_submit":
            self._check_update_after_submit(before)
            self.run_method("before_update_after_submit")
        elif action == "submit":
            self.run_method("before_submit")
        elif action == "cancel":
            self.run_method("before_cancel")
        now = ctx.now()
        if before.get("modified") and now <= before["modified"]:
            now = before["modified"] + dt.timedelta(microseconds=1)
        self._v["creation"] = before.get("creation")
        self._v["owner"] = before.get("owner")
        self._stamp(now, new=False, before=before)
        storage.update(ctx, self, before.get("modified") if not self.meta.issingle else None)
        if self.meta.is_tree:
            parent_field = self.meta.nsm_parent_field
            if (before.get(parent_field) or None) != (self.get(parent_field) or None):
                tree.on_move(ctx, self, before.get(parent_field))
        if self.meta.track_changes:
            versioning.record(ctx, self, before)
        self.run_method({"update": "on_update", "submit": "on_submit", "cancel": "on_cancel",
                         "update_after_submit": "on_update_after_submit"}[action])
        if action == "submit":
            self.run_method("on_update")
        object.__setattr__(self, "_loaded", self.as_dict(convert=False))
        return self

    def _check_update_after_submit(self, before: dict) -> None:
        for change in changes.walk(self.meta, before, self, self.ctx.meta, skip=("modified", "modified_by", "idx")):
            if change.table is not None and change.table.allow_on_submit:
                continue
            if change.rows:
                if not change.field.allow_on_submit:
                    raise UpdateAfterSubmitError(f"{self.meta.display_name} “{self.name}” 已提交，子表 “{change.field.display_label}” 不能增删行")
            elif change.field.allow_on_submit:
                continue
            elif change.table is None:
                raise UpdateAfterSubmitError(f"{self.meta.display_name} “{self.name}” 已提交，字段 “{change.field.display_label}” 不能再修改",
                                             field=change.field.fieldname)
            else:
                raise UpdateAfterSubmitError(f"{self.meta.display_name} “{self.name}” 已提交，子表 “{change.table.display_label}” 第 {change.row.get('idx')} 行的 “{change.field.display_label}” 不能再修改")

    def submit(self) -> "Document":
        if not self.meta.is_submittable:
            raise DocstatusTransitionError(f"{self.meta.display_name} 不可提交")
        if self.docstatus != DocStatus.DRAFT:
            raise DocstatusTransitionError(f"{self.meta.display_name} “{self.name}” 不是草稿，不能提交")
        self.docstatus = DocStatus.SUBMITTED
        self.flags.submitting = True  # docstatus moves only through submit() and cancel() (server_fields)
        if self.is_new():
            return self.insert()  # insert-and-submit: the create and submit rights are both checked
        return self.save()

    def cancel(self) -> "Document":
        if self.docstatus != DocStatus.SUBMITTED:
            raise DocstatusTransitionError(f"{self.meta.display_name} “{self.name}” 未提交，不能取消")
        fresh = self.ctx.get_doc(self.doctype, self.name)
        if self._v.get("modified") is not None:
            fresh._v["modified"] = self._v["modified"]
        fresh.docstatus = DocStatus.CANCELLED
        fresh.flags.cancelling = True
        fresh.save()
        self._v.update(fresh._v)
        object.__setattr__(self, "_rows", fresh._rows)
        object.__setattr__(self, "_loaded", fresh._loaded)
        return self

    def amend(self) -> "Document":
        """A new draft copied from this cancelled document, to be inserted as NAME-1, NAME-2, …"""
        if self.docstatus != DocStatus.CANCELLED:
            raise DocstatusTransitionError(f"{self.meta.display_name} “{self.name}” 未取消，不能修订")
        return self.copy(amended_from=self.name)

    def copy(self, **overrides) -> "Document":
        data = self.as_dict(convert=False)
        fresh = {k: v for k, v in data.items() if k not in STANDARD_COLUMNS and k not in CHILD_COLUMNS}
        for f in self.meta.fields:
            if f.no_copy and f.fieldname in fresh:
                fresh.pop(f.fieldname)
        for tf in self.meta.table_fields:
            fresh[tf.fieldname] = [{k: v for k, v in row.items() if k not in STANDARD_COLUMNS and k not in CHILD_COLUMNS}
                                   for row in data.get(tf.fieldname) or []]
        fresh.update(overrides)
        cls = self.ctx.site.controller_class(self.doctype)
        return cls(self.ctx, self.doctype, fresh)

    def delete(self) -> None:
        trash.delete_doc(self.ctx, self.doctype, self.name)

    def reload(self) -> "Document":
        fresh = self.ctx.get_doc(self.doctype, self.name)
        self._v.clear()
        self._v.update(fresh._v)
        object.__setattr__(self, "_rows", fresh._rows)
        object.__setattr__(self, "_loaded", fresh._loaded)
        return self

    def db_set(self, fieldname: str, value, *, update_modified: bool = True) -> None:
        """Write one column directly (no validation, no hooks): for system bookkeeping only."""
        self.ctx.db_set(self, fieldname, value, update_modified=update_modified)

    def get_original(self) -> dict | None:
        return self._loaded


# --------------------------------------------------------------------------- value shapes
# Whatever a client sends reaches a document through `set`: a value of a shape no column can hold
# (a list for a Data field, rows that are not objects, docstatus "x") is refused here with a 417
# naming the field, before anything downstream could fail on it with a 500.
_SCALAR_KEYS = frozenset(STANDARD_COLUMNS) | frozenset(CHILD_COLUMNS) | {"amended_from", "__newname", "naming_series"}


def rows_of(meta, key: str, value) -> list:
    if value is None or value == "":
        return []
    label = meta.label_of(key)
    if not isinstance(value, (list, tuple)):
        raise ValidationError(f"{meta.display_name}：子表 “{label}”（{key}）应为行的列表", field=key)
    for number, row in enumerate(value, 1):
        if not isinstance(row, (dict, Document)):
            raise ValidationError(f"{meta.display_name}：子表 “{label}”（{key}）第 {number} 行应为对象（字段: 值）", field=key)
    return list(value)


def _scalar_of(meta, key: str, value):
    if key == "docstatus":
        if value in (None, ""):
            return 0
        if isinstance(value, bool) or not isinstance(value, (int, str)) or str(value).strip() not in ("0", "1", "2"):
            raise DocstatusTransitionError(f"{meta.display_name}：单据状态 docstatus 只能是 0、1 或 2", field=key)
        return int(value)
    if isinstance(value, (list, tuple, dict)) and (key in _SCALAR_KEYS or key in meta.valid_columns()):
        field = meta.get_field(key)
        if field is None or not field.kind.json:
            raise ValidationError(f"{meta.display_name}：字段 “{meta.label_of(key)}”（{key}）应为单个值，不能是列表或对象",
                                  field=key)
    if key == "modified" and isinstance(value, str) and value.strip():
        try:
            fieldtypes._datetime(value, None)
        except fieldtypes.FieldValueError:
            raise ValidationError(f"{meta.display_name}：modified “{value[:40]}” 应为日期时间（年-月-日 时:分:秒）",
                                  field=key) from None
    return value


def _transition(meta, old: int, new: int) -> str:
    if old == DocStatus.CANCELLED:
        raise DocstatusTransitionError(f"{meta.display_name} 已取消，不能再修改（可修订生成新单据）")
    if old == DocStatus.DRAFT and new == DocStatus.DRAFT:
        return "update"
    if old == DocStatus.DRAFT and new == DocStatus.SUBMITTED:
        if not meta.is_submittable:
            raise DocstatusTransitionError(f"{meta.display_name} 不可提交")
        return "submit"
    if old == DocStatus.SUBMITTED and new == DocStatus.SUBMITTED:
        return "update_after_submit"
    if old == DocStatus.SUBMITTED and new == DocStatus.CANCELLED:
        return "cancel"
    raise DocstatusTransitionError(f"{meta.display_name}：单据状态不能从 {DocStatus(old).label} 变为 {DocStatus(new).label}"
                                   if new in (0, 1, 2) else f"{meta.display_name}：无效的单据状态 {new}")


def _amended_name(ctx, doctype: str, amended_from: str) -> str:
    # As Frappe: X → X-1; an amendment of X-1 (itself amended from X) → X-2.
    base, _, suffix = amended_from.rpartition("-")
    original = storage.load(ctx, doctype, amended_from).get("amended_from")
    if original and base and suffix.isdigit():
        candidate_base, number = base, int(suffix) + 1
    else:
        candidate_base, number = amended_from, 1
    while storage.exists(ctx, doctype, f"{candidate_base}-{number}"):
        number += 1
    return f"{candidate_base}-{number}"


def _clean_name(name: str, meta) -> str:
    name = str(name).strip()
    if not name:
        raise ValidationError(f"{meta.display_name}：名称不能为空")
    if len(name) > 140:
        raise ValidationError(f"{meta.display_name}：名称过长（最多 140 字）")
    return name
