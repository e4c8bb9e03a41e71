"""DocType metadata: the JSON shape Frappe uses, checked, and merged with run-time customisations.

A `Meta` is immutable once built. `MetaStore` (one per Site) builds them from the apps' JSON files,
custom DocTypes stored in the database, Custom Fields and Property Setters, and rebuilds them when
the site's meta version moves.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field as dc_field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

from . import fieldtypes
from .admin_checks import check_doctype_rules
from .errors import DoesNotExistError, MetaError
from .standard import CHILD_COLUMNS, STANDARD_COLUMNS, TREE_COLUMNS  # noqa: F401 - re-exported
RESERVED = set(STANDARD_COLUMNS) | set(CHILD_COLUMNS) | {"doctype", "_user_tags", "_comments"}

DOCTYPE_KEYS = ("name", "module", "fields", "permissions", "istable", "issingle", "is_submittable",
                "is_tree", "autoname", "title_field", "search_fields", "sort_field", "sort_order",
                "track_changes", "custom", "description", "nsm_parent_field", "image_field",
                "allow_rename", "naming_rule", "label", "in_create", "read_only", "editable_grid",
                "show_title_field_in_link", "translated_doctype", "is_virtual", "quick_entry", "indexes",
                "personal_field", "reference_fields")
FIELD_KEYS = ("fieldname", "fieldtype", "label", "options", "reqd", "default", "unique", "length",
              "precision", "read_only", "hidden", "in_list_view", "in_standard_filter", "depends_on",
              "mandatory_depends_on", "read_only_depends_on", "fetch_from", "fetch_if_empty",
              "permlevel", "allow_on_submit", "description", "insert_after", "search_index",
              "no_copy", "bold", "collapsible", "ignore_user_permissions", "translatable",
              "in_global_search", "print_hide", "non_negative", "set_only_once", "idx", "name",
              "is_custom_field", "width", "columns", "placeholder", "remember_last_selected_value")
INT_FIELD_KEYS = {"reqd", "unique", "read_only", "hidden", "in_list_view", "in_standard_filter",
                  "permlevel", "allow_on_submit", "search_index", "no_copy", "bold", "collapsible",
                  "ignore_user_permissions", "translatable", "in_global_search", "print_hide",
                  "non_negative", "set_only_once", "fetch_if_empty", "is_custom_field", "length"}
INT_DOCTYPE_KEYS = {"istable", "issingle", "is_submittable", "is_tree", "track_changes", "custom",
                    "allow_rename", "in_create", "read_only", "editable_grid", "is_virtual",
                    "quick_entry", "show_title_field_in_link"}
PERM_RIGHTS = ("read", "write", "create", "delete", "submit", "cancel", "amend", "report",
               "export", "import", "print", "share", "email", "select")

_FIELDNAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_DOCTYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 _\-]{0,60}$")


def scrub(text: str) -> str:
    """'Party Member' → 'party_member' (folder and module names, as Frappe does)."""
    return text.strip().replace(" ", "_").replace("-", "_").lower()


def table_name(doctype: str) -> str:
    return "tab" + doctype


def _as_int(value) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, str):
        return 1 if value.strip().lower() in ("1", "true", "yes") else int(float(value)) if value.strip().lstrip("-").replace(".", "", 1).isdigit() else 0
    return int(value)


@dataclass
class DocField:
    fieldname: str = ""
    fieldtype: str = "Data"
    label: str = ""
    options: str | None = None
    reqd: int = 0
    default: Any = None
    unique: int = 0
    length: int = 0
    precision: Any = None
    read_only: int = 0
    hidden: int = 0
    in_list_view: int = 0
    in_standard_filter: int = 0
    depends_on: str | None = None
    mandatory_depends_on: str | None = None
    read_only_depends_on: str | None = None
    fetch_from: str | None = None
    fetch_if_empty: int = 0
    permlevel: int = 0
    allow_on_submit: int = 0
    description: str | None = None
    insert_after: str | None = None
    search_index: int = 0
    no_copy: int = 0
    is_custom_field: int = 0
    set_only_once: int = 0
    non_negative: int = 0
    print_hide: int = 0
    ignore_user_permissions: int = 0
    extra: dict = dc_field(default_factory=dict)
    # the field types `kind` reads: the engine's; a site with types of its own uses a subclass (field_class).
    # Not annotated, so not a dataclass field: as_dict and JSON replies never carry it.
    types = fieldtypes.FIELD_TYPES

    @classmethod
    def from_dict(cls, data: dict) -> "DocField":
        known, extra = {}, {}
        for key, value in data.items():
            if key in cls.__dataclass_fields__ and key != "extra":
                known[key] = _as_int(value) if key in INT_FIELD_KEYS else value
            elif key not in ("doctype", "parent", "parenttype", "parentfield", "owner", "creation",
                             "modified", "modified_by", "docstatus"):
                extra[key] = value
        if known.get("precision") in ("", None):
            known["precision"] = None
        f = cls(**known)
        f.extra = extra
        return f

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "extra"}
        out.update(self.extra)
        return {k: v for k, v in out.items() if v not in (None, "", 0) or k in ("fieldname", "fieldtype")}

    @property
    def kind(self) -> fieldtypes.FieldType:
        return self.types[self.fieldtype]

    @property
    def has_column(self) -> bool:
        kind = self.types.get(self.fieldtype)
        return bool(kind and kind.column is not None)

    @property
    def is_table(self) -> bool:
        kind = self.types.get(self.fieldtype)
        return bool(kind and kind.table)

    @property
    def display_label(self) -> str:
        return self.label or self.fieldname

    def select_options(self) -> list[str]:
        return [o.strip() for o in (self.options or "").split("\n") if o.strip()]

    def decimal_places(self) -> int:
        if self.precision not in (None, ""):
            return int(self.precision)
        return self.kind.places

    @property
    def exact_decimal(self) -> bool:
        """Kept as an exact decimal (a Currency, or a Float/Percent given a precision)."""
        kind = self.kind
        return kind.decimal == "exact" or (kind.decimal == "float" and self.precision not in (None, ""))


def field_class(field_types: dict[str, fieldtypes.FieldType] | None) -> type[DocField]:
    """DocField, or for a site whose apps add field types, the subclass whose `kind` reads the site's
    registry: a class attribute, so a field's own values (what JSON replies carry) stay plain data."""
    if field_types is None or field_types is DocField.types:
        return DocField
    cls = getattr(field_types, "field_class", None)
    if cls is None:
        # its own __dataclass_fields__: orjson writes a dataclass only when the class itself declares them
        cls = type("DocField", (DocField,), {"types": field_types, "__module__": __name__,
                                             "__dataclass_fields__": DocField.__dataclass_fields__,
                                             "__doc__": "A DocField of a site with field types of its own."})
        if isinstance(field_types, fieldtypes.FieldTypes):
            field_types.field_class = cls
    return cls


class Meta:
    """The merged definition of one DocType. Read-only after construction."""

    def __init__(self, data: dict, *, source: str = "", app: str | None = None,
                 field_types: dict[str, fieldtypes.FieldType] | None = None):
        self.source = source or data.get("name", "?")
        self.app = app
        self._data = {k: v for k, v in data.items() if k != "fields"}
        self.name: str = data.get("name", "")
        self.module: str = data.get("module") or "Custom"
        for key in INT_DOCTYPE_KEYS:
            setattr(self, key, _as_int(data.get(key)))
        self.autoname: str = data.get("autoname") or ""
        self.title_field: str = data.get("title_field") or ""
        self.search_fields: list[str] = [s.strip() for s in (data.get("search_fields") or "").split(",") if s.strip()]
        self.sort_field: str = data.get("sort_field") or "modified"
        self.sort_order: str = (data.get("sort_order") or "DESC").upper()
        self.description: str = data.get("description") or ""
        self.label: str = data.get("label") or ""
        self.permissions: list[dict] = [dict(p) for p in data.get("permissions") or []]
        self._field_class = field_class(field_types)
        self.fields: list[DocField] = [f if isinstance(f, DocField) else self._field_class.from_dict(f)
                                       for f in data.get("fields") or []]
        self.nsm_parent_field: str = data.get("nsm_parent_field") or ("parent_" + scrub(self.name))
        # our extension: composite indexes for the lists people filter and sort most
        indexes = data.get("indexes") or []
        if isinstance(indexes, str):  # from a Property Setter or a JSON field
            indexes = json.loads(indexes or "[]")
        self.indexes: list[list[str]] = [list(ix) for ix in indexes]
        self._add_implied_fields()
        self._by_name = {f.fieldname: f for f in self.fields if f.fieldname}

    # ----------------------------------------------------------------- construction helpers
    def _add_implied_fields(self):
        names = {f.fieldname for f in self.fields}
        if self.is_submittable and "amended_from" not in names:
            self.fields.append(self._field_class(fieldname="amended_from", fieldtype="Link", label="修订自",
                                        options=self.name, read_only=1, no_copy=1, hidden=1))
        if self.is_tree:
            implied = [
                # indexed together as (lft, rgt) by schema.wanted_indexes: one index to keep, not three
                self._field_class(fieldname="lft", fieldtype="Int", label="左值", read_only=1, hidden=1, no_copy=1),
                self._field_class(fieldname="rgt", fieldtype="Int", label="右值", read_only=1, hidden=1, no_copy=1),
                self._field_class(fieldname="is_group", fieldtype="Check", label="是否为组"),
                self._field_class(fieldname="old_parent", fieldtype="Link", label="原上级", options=self.name, hidden=1, read_only=1),
                self._field_class(fieldname=self.nsm_parent_field, fieldtype="Link", label="上级", options=self.name),
            ]
            self.fields.extend(f for f in implied if f.fieldname not in names)

    # ----------------------------------------------------------------- queries on meta
    @property
    def table(self) -> str:
        return table_name(self.name)

    def get(self, key, default=None):
        return self._data.get(key, default)

    def get_field(self, fieldname: str) -> DocField | None:
        return self._by_name.get(fieldname)

    def has_field(self, fieldname: str) -> bool:
        return fieldname in self._by_name

    @cached_property
    def data_fields(self) -> list[DocField]:
        """Fields stored in this DocType's own table."""
        return [f for f in self.fields if f.has_column]

    @cached_property
    def table_fields(self) -> list[DocField]:
        return [f for f in self.fields if f.is_table]

    @cached_property
    def link_fields(self) -> list[DocField]:
        return [f for f in self.fields if f.kind.link]

    def column_names(self) -> list[str]:
        return list(self._column_names)

    @cached_property
    def _column_names(self) -> tuple[str, ...]:
        std = list(STANDARD_COLUMNS) + (list(CHILD_COLUMNS) if self.istable else [])
        return tuple(std + [f.fieldname for f in self.data_fields if f.fieldname not in std])

    def valid_columns(self) -> frozenset[str]:
        return self._valid_columns

    @cached_property
    def _valid_columns(self) -> frozenset[str]:
        return frozenset(self._column_names)

    def label_of(self, fieldname: str) -> str:
        f = self.get_field(fieldname)
        if f:
            return f.display_label
        return {"name": "编号", "owner": "创建人", "creation": "创建时间", "modified": "修改时间",
                "modified_by": "修改人", "docstatus": "单据状态", "idx": "序号"}.get(fieldname, fieldname)

    @property
    def display_name(self) -> str:
        return self.label or self.name

    def as_dict(self) -> dict:
        out = copy.deepcopy(self._data)
        out["name"] = self.name
        out["fields"] = [f.as_dict() for f in self.fields]
        out["permissions"] = copy.deepcopy(self.permissions)
        return out


# --------------------------------------------------------------------------- validation
def validate_doctype_dict(data: dict, *, source: str, known_doctypes: Iterable[str] | None = None,
                          child_doctypes: Iterable[str] | None = None, metas=None,
                          field_types: dict[str, fieldtypes.FieldType] | None = None) -> None:
    """Reject invalid metadata with a message naming the file (or DocType) and the field."""
    if field_types is None:
        field_types = metas.field_types if metas is not None else fieldtypes.FIELD_TYPES
    name = data.get("name")
    where = f"{source}"
    if not name or not isinstance(name, str):
        raise MetaError(f"{where}: 缺少 DocType 名称 (name)")
    if not _DOCTYPE_NAME.match(name):
        raise MetaError(f"{where}: DocType 名称 “{name}” 无效（英文字母开头，可含数字、空格、下划线）")
    seen: set[str] = set()
    known = set(known_doctypes) if known_doctypes is not None else None
    children = set(child_doctypes) if child_doctypes is not None else None
    for position, raw in enumerate(data.get("fields") or [], start=1):
        fieldname = raw.get("fieldname") or ""
        fieldtype = raw.get("fieldtype") or "Data"
        at = f"{where}: 字段 “{fieldname or '#' + str(position)}”"
        kind = field_types.get(fieldtype)
        if kind is None:
            raise MetaError(f"{at}: 未知的字段类型 “{fieldtype}”")
        if not fieldname:
            if kind.layout:
                continue
            raise MetaError(f"{at}: 缺少字段名 (fieldname)")
        if not _FIELDNAME.match(fieldname):
            raise MetaError(f"{at}: 字段名须为英文小写 snake_case")
        if fieldname in RESERVED:
            raise MetaError(f"{at}: 字段名与系统字段重名")
        if fieldname in seen:
            raise MetaError(f"{at}: 字段名重复")
        seen.add(fieldname)
        options = (raw.get("options") or "").strip()
        if kind.table or kind.link:
            if not options:
                raise MetaError(f"{at}: {fieldtype} 字段须在 options 中指明目标 DocType")
            if known is not None and options not in known and options != name:
                raise MetaError(f"{at}: 链接的 DocType “{options}” 不存在")
            if kind.table and children is not None and options not in children:
                raise MetaError(f"{at}: 子表 “{options}” 不是子表 DocType (istable)")
        if kind.select and raw.get("default") not in (None, ""):
            choices = [o.strip() for o in options.split("\n") if o.strip()]
            if str(raw["default"]) not in choices:
                raise MetaError(f"{at}: 默认值 “{raw['default']}” 不在可选项中")
        precision = raw.get("precision")
        if precision not in (None, ""):
            try:
                places = int(precision)
            except (TypeError, ValueError):
                places = -1
            if not 0 <= places <= fieldtypes.MAX_PRECISION:
                raise MetaError(f"{at}: 精度 (precision) 须为 0–{fieldtypes.MAX_PRECISION}")
        length = raw.get("length")
        if length not in (None, "", 0) and (not str(length).isdigit() or not 0 < int(length) <= 1000):
            raise MetaError(f"{at}: 长度 (length) 须为 1–1000")
    dynamics = [f for f in data.get("fields") or []
                if getattr(field_types.get(f.get("fieldtype") or "Data"), "dynamic_link", False)]
    for dynamic in dynamics:
        target = (dynamic.get("options") or "").strip()
        if target not in seen:
            raise MetaError(f"{where}: 字段 “{dynamic.get('fieldname')}”: Dynamic Link 的 options 须为本表中指向 DocType 的字段名")
    autoname = (data.get("autoname") or "").strip()
    if autoname.startswith("field:") and autoname[6:].strip() not in seen:
        raise MetaError(f"{where}: 命名规则 (autoname) “{autoname}” 引用的字段不存在")
    implied = set(STANDARD_COLUMNS) | (set(TREE_COLUMNS) if _as_int(data.get("is_tree")) else set())
    for key in ("title_field", "sort_field"):
        value = data.get(key)
        if value and value not in seen and value not in implied:
            raise MetaError(f"{where}: {key} “{value}” 不是本表字段")
    for value in (s.strip() for s in (data.get("search_fields") or "").split(",") if s.strip()):
        if value not in seen:
            raise MetaError(f"{where}: search_fields 中的 “{value}” 不是本表字段")
    if (data.get("sort_order") or "DESC").upper() not in ("ASC", "DESC"):
        raise MetaError(f"{where}: sort_order 须为 ASC 或 DESC")
    columns = seen | implied | set(CHILD_COLUMNS)
    indexes = data.get("indexes") or []
    if isinstance(indexes, str):
        try:
            indexes = json.loads(indexes or "[]")
        except ValueError:
            raise MetaError(f"{where}: 索引 (indexes) 不是有效的 JSON") from None
    for index in indexes:
        if not isinstance(index, (list, tuple)) or not index or any(c not in columns for c in index):
            raise MetaError(f"{where}: 索引 {index} 须为本表字段名的列表")
    for value in (s.strip() for s in str(data.get("personal_field") or "").split(",") if s.strip()):
        if value not in seen and value not in ("owner", "name"):
            raise MetaError(f"{where}: personal_field 中的 “{value}” 不是本表字段")
    reference = [s.strip() for s in str(data.get("reference_fields") or "").split(",") if s.strip()]
    if reference and (len(reference) != 2 or any(value not in seen for value in reference)):
        raise MetaError(f"{where}: reference_fields 应为本表的两个字段：“单据类型字段,单据名称字段”")
    for perm in data.get("permissions") or []:
        if not perm.get("role"):
            raise MetaError(f"{where}: 权限行缺少角色 (role)")
    check_doctype_rules(metas, Meta(data, field_types=field_types), where=where)  # depends_on rules and the naming rule, tried on a sample


# --------------------------------------------------------------------------- loading
@dataclass
class DocTypeSource:
    name: str
    data: dict
    path: Path | None
    app: str | None
    controller_module: str | None  # dotted module path of the controller, when one exists


def discover_app_doctypes(app_packages: Iterable[str]) -> dict[str, DocTypeSource]:
    """Find `<package>/<module>/doctype/<doctype>/<doctype>.json` for each listed module."""
    import importlib

    found: dict[str, DocTypeSource] = {}
    for app in app_packages:
        package = importlib.import_module(app)
        root = Path(package.__file__).parent
        modules_txt = root / "modules.txt"
        modules = [m.strip() for m in modules_txt.read_text("utf-8").splitlines() if m.strip()] if modules_txt.exists() else []
        for module in modules:
            folder = root / scrub(module) / "doctype"
            for path in sorted(folder.glob("*/*.json")):
                if path.stem != path.parent.name:
                    continue
                try:
                    data = json.loads(path.read_text("utf-8"))
                except ValueError as exc:
                    raise MetaError(f"{path}: 不是有效的 JSON ({exc})") from None
                data.setdefault("module", module)
                name = data.get("name")
                if name in found:
                    raise MetaError(f"{path}: DocType “{name}” 已在 {found[name].path} 中定义")
                controller = path.with_suffix(".py")
                dotted = f"{app}.{scrub(module)}.doctype.{path.stem}.{path.stem}" if controller.exists() else None
                found[name] = DocTypeSource(name, data, path, app, dotted)
    return found


def apply_customisations(data: dict, custom_fields: list[dict], property_setters: list[dict]) -> dict:
    """JSON + Custom Fields (placed after `insert_after`) + Property Setters → merged definition."""
    merged = copy.deepcopy(data)
    fields = merged.setdefault("fields", [])
    # creation is a datetime once stored and a string on a field being validated: compare as text
    for cf in sorted(custom_fields, key=lambda c: (c.get("idx") or 0, str(c.get("creation") or ""))):
        entry = {k: v for k, v in cf.items() if k in FIELD_KEYS and k not in ("name", "idx")}
        entry["is_custom_field"] = 1
        names = [f.get("fieldname") for f in fields]
        if entry.get("fieldname") in names:
            continue
        after = cf.get("insert_after")
        position = names.index(after) + 1 if after in names else len(fields)
        fields.insert(position, entry)
    for ps in property_setters:
        prop, value = ps.get("property"), ps.get("value")
        if ps.get("doctype_or_field") == "DocField" or ps.get("field_name"):
            for f in fields:
                if f.get("fieldname") == ps.get("field_name"):
                    f[prop] = _typed(value, ps.get("property_type"), prop in INT_FIELD_KEYS)
        else:
            merged[prop] = _typed(value, ps.get("property_type"), prop in INT_DOCTYPE_KEYS)
    order = merged.pop("field_order", None)
    if order:
        merged["fields"] = apply_field_order(fields, order)
    return merged


def apply_field_order(fields: list[dict], order) -> list[dict]:
    """Frappe's `field_order` Property Setter: the fields it names in its order; a field it does
    not name (added later) stays right after the field it followed."""
    if isinstance(order, str):
        try:
            order = json.loads(order)
        except ValueError:
            return fields
    by_name = {f.get("fieldname"): f for f in fields if f.get("fieldname")}
    placed = [by_name[n] for n in dict.fromkeys(order) if n in by_name]
    seen = {id(f) for f in placed}
    for position, f in enumerate(fields):
        if id(f) in seen:
            continue
        before = next((fields[i] for i in range(position - 1, -1, -1) if id(fields[i]) in seen), None)
        at = placed.index(before) + 1 if before is not None else 0
        placed.insert(at, f)
        seen.add(id(f))
    return placed


def _typed(value, property_type, is_int):
    kind = fieldtypes.get(property_type) if isinstance(property_type, str) else None
    if is_int or (kind is not None and (kind.integer or kind.boolean)):
        return _as_int(value)
    return value


class MetaStore:
    """Builds and caches Meta objects for one site; `invalidate()` drops them all."""

    def __init__(self, app_packages: list[str], field_types: dict[str, fieldtypes.FieldType] | None = None):
        self.app_packages = app_packages
        self.field_types = field_types if field_types is not None else fieldtypes.FIELD_TYPES
        self.sources = discover_app_doctypes(app_packages)
        self._offer_app_field_types()
        self._cache: dict[str, Meta] = {}
        self.version: int | None = None
        self._custom_doctypes: dict[str, dict] = {}
        self._custom_fields: dict[str, list[dict]] = {}
        self._property_setters: dict[str, list[dict]] = {}
        self.validate_standard()

    def _offer_app_field_types(self):
        """A Select marked `"options_from": "field_types"` (the type of a DocField or Custom Field)
        offers the apps' field types too, after the engine's that its JSON lists."""
        added = [name for name in self.field_types if name not in fieldtypes.FIELD_TYPES]
        if not added:
            return
        for src in self.sources.values():
            for f in src.data.get("fields") or []:
                if f.get("options_from") == "field_types":
                    f["options"] = "\n".join([f.get("options") or ""] + added)

    def validate_standard(self):
        names = set(self.sources)
        children = {n for n, s in self.sources.items() if _as_int(s.data.get("istable"))}
        for name, src in self.sources.items():
            validate_doctype_dict(src.data, source=str(src.path), known_doctypes=names, child_doctypes=children,
                                  field_types=self.field_types)

    def load_customisations(self, custom_doctypes: list[dict], custom_fields: list[dict],
                            property_setters: list[dict], version: int | None):
        self._cache.clear()
        self._custom_doctypes = {d["name"]: d for d in custom_doctypes if d["name"] not in self.sources}
        self._custom_fields = {}
        for cf in custom_fields:
            self._custom_fields.setdefault(cf["dt"], []).append(cf)
        self._property_setters = {}
        for ps in property_setters:
            self._property_setters.setdefault(ps["doc_type"], []).append(ps)
        self.version = version

    def invalidate(self):
        self._cache.clear()
        self.version = None

    def all_names(self) -> list[str]:
        return sorted(set(self.sources) | set(self._custom_doctypes))

    def exists(self, doctype: str) -> bool:
        if not isinstance(doctype, str):  # a list or object from a request names no DocType
            return False
        return doctype in self.sources or doctype in self._custom_doctypes

    def is_standard(self, doctype: str) -> bool:
        return doctype in self.sources

    def get(self, doctype: str) -> Meta:
        meta = self._cache.get(doctype) if isinstance(doctype, str) else None
        if meta is None:
            meta = self._build(doctype)
            self._cache[doctype] = meta
        return meta

    def raw(self, doctype: str) -> dict:
        if not isinstance(doctype, str):
            raise DoesNotExistError("DocType 名称应为文本", doctype="DocType", name=str(doctype)[:60])
        if doctype in self.sources:
            return self.sources[doctype].data
        if doctype in self._custom_doctypes:
            return self._custom_doctypes[doctype]
        raise DoesNotExistError(f"DocType “{doctype}” 不存在", doctype="DocType", name=doctype)

    def _build(self, doctype: str) -> Meta:
        data = self.raw(doctype)
        source = self.sources.get(doctype)
        merged = apply_customisations(data, self._custom_fields.get(doctype, []),
                                      self._property_setters.get(doctype, []))
        return Meta(merged, source=str(source.path) if source else f"DocType {doctype}",
                    app=source.app if source else None, field_types=self.field_types)

    def controller_module(self, doctype: str) -> str | None:
        src = self.sources.get(doctype)
        return src.controller_module if src else None

    def linking_fields(self, target: str, *, dynamic: bool = False) -> list[tuple[str, DocField]]:
        """Every (doctype, field) whose Link points at `target`: who may refer to a document; with
        `dynamic`, every Dynamic Link too (it may point at any DocType, `target` among them).
        Singles are left out: they hold no rows to refer from."""
        out = []
        for name in self.all_names():
            meta = self.get(name)
            if meta.issingle:
                continue
            for f in meta.fields:
                if (f.kind.link and f.options == target) or (dynamic and f.kind.dynamic_link):
                    out.append((name, f))
        return out
