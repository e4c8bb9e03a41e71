"""What a user's roles give on a DocType: the rights per permission level (DocPerm rows, or an
administrator's Custom DocPerm), and the fields at levels the user cannot read. The lower half
of the permission model: links, ownership, validation, versions and the trash ask it directly;
permissions.py builds the doors' checks (scope, owner, guards) on it and re-exports its names.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from .meta import PERM_RIGHTS, Meta
from .users import ADMIN


@dataclass
class Rights:
    """What a set of roles may do on one DocType: per permlevel, each right and whether it is
    granted only on the user's own documents (`if_owner`)."""
    levels: dict[int, dict[str, bool]] = field(default_factory=dict)  # right → owner_only

    def has(self, right: str, level: int = 0) -> bool:
        return right in self.levels.get(level, {})

    def owner_only(self, right: str, level: int = 0) -> bool:
        return self.levels.get(level, {}).get(right, False)

    def readable_levels(self) -> set[int]:
        return {lvl for lvl, rights in self.levels.items() if "read" in rights or "write" in rights}

    def writable_levels(self, *, creating: bool = False) -> set[int]:
        levels = {lvl for lvl, rights in self.levels.items() if "write" in rights}
        if creating and self.has("create"):
            levels.add(0)
        return levels

    def has_any_level(self, right: str) -> bool:
        return any(right in rights for rights in self.levels.values())


def _perm_rows(ctx, meta: Meta) -> list[dict]:
    custom = ctx.site.perm_cache.get(("custom_docperm",))
    if custom is None:
        table = ctx.table("Custom DocPerm")
        custom = {}
        for row in ctx.conn.execute(sa.select(table)).mappings():
            custom.setdefault(row["parent_doctype"], []).append(dict(row))
        ctx.site.perm_cache[("custom_docperm",)] = custom
    # an administrator's Custom DocPerm replaces the DocType's rows; apps may add rows (hooks.permissions)
    return custom.get(meta.name) or [*meta.permissions, *ctx.site.hooks.permissions.get(meta.name, ())]


def rights_for(ctx, doctype: str, roles=None) -> Rights:
    roles = frozenset(ctx.roles if roles is None else roles)
    key = ("rights", doctype, roles)
    cached = ctx.site.perm_cache.get(key)
    if cached is not None:
        return cached
    meta = ctx.meta(doctype)
    rights = Rights()
    for row in _perm_rows(ctx, meta):
        if row.get("role") not in roles:
            continue
        level = int(row.get("permlevel") or 0)
        granted = rights.levels.setdefault(level, {})
        owner_only = bool(row.get("if_owner"))
        for right in PERM_RIGHTS:
            if row.get(right):
                # a grant without if_owner wins over one with it
                granted[right] = granted.get(right, True) and owner_only
    ctx.site.perm_cache[key] = rights
    return rights


def parent_doctypes(ctx, child: str) -> list[str]:
    """The DocTypes with a Table (or Table MultiSelect) field of child DocType `child`."""
    key = ("parents", child)
    cached = ctx.site.perm_cache.get(key)
    if cached is None:
        metas = ctx.site.metas
        cached = [name for name in metas.all_names() if any(tf.options == child for tf in metas.get(name).table_fields)]
        ctx.site.perm_cache[key] = cached
    return cached


def readable_levels(ctx, doctype: str, *, parent: str | None = None) -> frozenset[int]:
    """Permission levels whose fields the user may read. A child DocType's levels are its
    parent's (`parent`, or every DocType holding it: a level readable on all of them)."""
    meta = ctx.meta(doctype)
    if meta.istable:
        parents = [parent] if parent else parent_doctypes(ctx, doctype)
        levels = None
        for p in parents:
            mine = frozenset(rights_for(ctx, p).readable_levels() | {0})
            levels = mine if levels is None else levels & mine
        return levels or frozenset({0})
    return frozenset(rights_for(ctx, doctype).readable_levels() | {0})


def hidden_fieldnames(ctx, doctype: str, *, parent: str | None = None) -> frozenset[str]:
    """Fields of `doctype` at permission levels the user cannot read (none for system work)."""
    if ctx.ignore_permissions or ctx.user == ADMIN:
        return frozenset()
    key = ("hidden", doctype, parent, frozenset(ctx.roles))
    cached = ctx.site.perm_cache.get(key)
    if cached is None:
        levels = readable_levels(ctx, doctype, parent=parent)
        cached = frozenset(f.fieldname for f in ctx.meta(doctype).fields if f.permlevel and f.permlevel not in levels)
        ctx.site.perm_cache[key] = cached
    return cached


def strip_unreadable(ctx, doctype: str, data: dict) -> dict:
    """Remove the fields at permission levels the user cannot read (children too)."""
    if ctx.ignore_permissions or ctx.user == ADMIN:
        return data
    meta = ctx.meta(doctype)
    row_filter = ctx.site.row_filters.get(doctype)
    if row_filter is not None:
        row_filter(ctx, data)
    for fieldname in hidden_fieldnames(ctx, doctype):
        data.pop(fieldname, None)
    for tf in meta.table_fields:
        hidden = hidden_fieldnames(ctx, tf.options, parent=doctype)
        for row in data.get(tf.fieldname) or []:
            for fieldname in hidden:
                row.pop(fieldname, None)
    return data


def readable_fieldnames(ctx, doctype: str) -> set[str] | None:
    """Fields a list may return; None when every field is readable."""
    hidden = hidden_fieldnames(ctx, doctype)
    return None if not hidden else set(ctx.meta(doctype).valid_columns()) - hidden
