"""Records about other documents — Version (a document's history) and Deleted Document (its
archived copy) — are read only by those who may read the document they are about: a predicate
on their rows, registered with the site's query guards, so lists, counts, exports, reports and
single reads (permissions.read_guard asks the same predicate of one row) all answer alike.

* Version: its `ref_doctype` must be a DocType the reader may read, and `docname` a document of
  it inside the reader's row predicate (scope, if_owner, personal records).
* Deleted Document: the document is gone, so no row predicate can be asked of it; a reader of
  the deleted DocType whose reading is limited (a scope, if_owner, personal records) sees only
  the deletions they made themselves; unlimited readers see all of that DocType's."""
from __future__ import annotations

import sqlalchemy as sa

ABOUT = {"Version": ("ref_doctype", "docname"), "Deleted Document": ("deleted_doctype", "deleted_name")}


def _readable_doctypes(ctx):
    """(DocType, its row predicate) for each DocType with rows the user may read."""
    from . import permissions
    from .errors import PermissionError

    metas = ctx.site.metas
    for doctype in metas.all_names():
        meta = metas.get(doctype)
        if meta.istable or meta.issingle or doctype in ABOUT:
            continue
        if not permissions.rights_for(ctx, doctype).has("read"):
            continue
        table = ctx.table(doctype)
        try:
            conditions = ctx.site.permission_conditions(ctx, doctype, table, "read")
        except PermissionError:
            continue
        yield doctype, table, conditions


def query_conditions(ctx, doctype: str, table, ptype: str) -> list:
    if doctype not in ABOUT or ctx.ignore_permissions or ctx.user == "Administrator":
        return []
    type_column, name_column = (table.c[c] for c in ABOUT[doctype])
    open_types, clauses = [], []
    for ref, ref_table, conditions in _readable_doctypes(ctx):
        if not conditions:
            open_types.append(ref)
        elif doctype == "Version":
            clauses.append(sa.and_(type_column == ref,
                                   name_column.in_(sa.select(ref_table.c.name).where(*conditions))))
        else:
            clauses.append(sa.and_(type_column == ref, table.c.owner == ctx.user))
    if open_types:
        clauses.append(type_column.in_(open_types))
    return [sa.or_(*clauses) if clauses else sa.false()]


def install(site) -> None:
    site.query_guards.append(query_conditions)
