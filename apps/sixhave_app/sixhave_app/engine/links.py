"""Links a user writes must point at records the user may read.

Every Link and Dynamic Link value a save writes — on the document, in its child rows and in
Table MultiSelect rows — must name a record that exists and that the writer could open with GET:
the same role rights and the same row predicate (org scope, `if_owner`, personal records) as
every list (`Site.permission_conditions`). A link field marked `ignore_user_permissions` skips the
scope part only. Otherwise the save is refused and nothing is written, with an error naming the
field: for a user whose reading of the target DocType is limited (scope, `if_owner`, personal
records) a PermissionError (403, as for any out-of-scope write) that reads the same whether the
record is out of reach or does not exist, so that it does not tell whether another district's
record exists; for a user who may read every record of the target, a LinkValidationError (417):
the record does not exist.

Only values the save changes are checked: a link someone else set earlier, to a record this user
cannot read, does not stop an unrelated edit — but `fetch_from` does not copy from it either
(`unfetched` below), so nothing of that record reaches the document through this user's save.

The check costs one query per linked DocType and save (names batched, positive answers cached
for the transaction on the Context). The write guard (permissions.write_guard) calls `check`, so
every door — REST, `frappe.client.*`, the legacy `cmd`, imports — goes through it.
"""
from __future__ import annotations

import sqlalchemy as sa

from . import changes
from .errors import LinkValidationError, PermissionError
from .rights import rights_for
from .users import ADMIN

BATCH = 500


def _where(row) -> str:
    if row.meta.istable and row.parent_doc is not None:
        return f"{row.parent_doc.meta.display_name} 第 {row.get('idx')} 行（{row.meta.display_name}）"
    return row.meta.display_name


def limited(ctx, doctype: str, *, scoped: bool = True) -> bool:
    """Whether the user's reading of `doctype` is limited to some of its records (or none)."""
    if doctype == "DocType" or ctx.ignore_permissions:
        return False
    try:
        return bool(ctx.site.permission_conditions(ctx, doctype, ctx.table(doctype), "read")) if scoped else False
    except PermissionError:
        return True


def readable(ctx, doctype: str, names, *, scoped: bool = True) -> set[str]:
    """The names among `names` that exist in `doctype` and that the user may read."""
    names = {str(n) for n in names if n not in (None, "")}
    if not names:
        return set()
    if doctype == "DocType":
        # the names of DocTypes are the schema every client reads (/api/openapi.json), not records
        return names & set(ctx.site.metas.all_names())
    meta = ctx.meta(doctype)
    cache = ctx.link_access.setdefault((doctype, scoped), set())
    wanted = sorted(names - cache)
    if wanted:
        table = ctx.table(doctype)
        try:
            if scoped:
                conditions = ctx.site.permission_conditions(ctx, doctype, table, "read")
            else:
                rights = rights_for(ctx, doctype)
                if not (ctx.user == ADMIN or rights.has("read") or rights.has("select")):
                    raise PermissionError(f"没有权限选择{meta.display_name}")
                conditions = []
        except PermissionError:
            return names & cache
        if meta.issingle:
            cache.update(n for n in wanted if n == doctype)
        else:
            for start in range(0, len(wanted), BATCH):
                chunk = wanted[start:start + BATCH]
                found = ctx.conn.execute(sa.select(table.c.name).where(table.c.name.in_(chunk), *conditions)).scalars()
                cache.update(str(n) for n in found)
    return names & cache


def _rows(doc, before: dict | None):
    """(row, its stored values or None) for the document and each of its child rows."""
    yield doc, before
    for tf in doc.meta.table_fields:
        for stored, row in changes.paired_rows(tf, before, doc):
            if row is not None:
                yield row, stored


def check(ctx, doc, before: dict | None) -> None:
    """Refuse a save that writes a link to a record the user may not read (see module doc)."""
    pending = []  # (row, field, target DocType, value, scoped, changed)
    wanted: dict[tuple[str, bool], set[str]] = {}
    for row, prior in _rows(doc, before):
        row.flags.unfetched = set()
        for f in row.meta.data_fields:
            if not f.kind.refers:
                continue
            value = row.get(f.fieldname)
            if value in (None, ""):
                continue
            target = f.options if f.kind.link else row.get(f.options)
            if not target or not ctx.site.metas.exists(target):
                continue  # validation names the missing or unknown type
            changed = prior is None or str(prior.get(f.fieldname) or "") != str(value) or \
                (f.kind.dynamic_link and prior.get(f.options) != target)
            scoped = not f.ignore_user_permissions
            pending.append((row, f, target, str(value), scoped, changed))
            wanted.setdefault((target, scoped), set()).add(str(value))
    if not pending:
        return
    found = {key: readable(ctx, key[0], values, scoped=key[1]) for key, values in wanted.items()}
    for row, f, target, value, scoped, changed in pending:
        if value in found[(target, scoped)]:
            continue
        if changed:
            label = ctx.meta(target).display_name
            if not limited(ctx, target, scoped=scoped):
                raise LinkValidationError(f"{_where(row)}：字段 “{f.display_label}” 链接的{label} “{value}” 不存在",
                                          field=f.fieldname, value=value)
            raise PermissionError(f"{_where(row)}：字段 “{f.display_label}” 链接的{label} “{value}” 不存在或不在您的权限范围内",
                                  field=f.fieldname, value=value)
        row.flags.unfetched.add(f.fieldname)
