"""Changes: what a save changes in a document, field by field, child rows paired by name. The one
walker that versions, workflow edit rights, field permissions and submitted-document checks read.
Imports nothing of the engine but `values`; `before` is the stored document as a dict, `after` a
dict or a Document (anything with `.get`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from .values import same


@dataclass(frozen=True)
class Change:
    """One changed value. `table` is the table field of a child row's cell (None for the document's
    own field); `row` that child row as it is now, `stored` as it was (None: a row the save adds).
    A table field itself is a change (`rows`) when rows were added, removed or reordered."""
    field: Any
    old: Any
    new: Any
    table: Any = None
    row: Any = None
    stored: dict | None = None
    rows: bool = False

    @property
    def key(self) -> str:
        """`field`, `table.field` for a cell, `table.*` for the rows of a table."""
        if self.rows:
            return f"{self.field.fieldname}.*"
        return f"{self.table.fieldname}.{self.field.fieldname}" if self.table is not None else self.field.fieldname


def paired_rows(table_field, before: dict | None, after) -> Iterator[tuple[dict | None, Any]]:
    """(stored row or None, row now) for each row of the table as it is now, in order; then
    (stored row, None) for each row the save removes."""
    stored = {r.get("name"): r for r in (before or {}).get(table_field.fieldname) or []}
    current = list(after.get(table_field.fieldname) or [])
    for row in current:
        yield stored.get(row.get("name")), row
    kept = {row.get("name") for row in current}
    for name, row in stored.items():
        if name not in kept:
            yield row, None


def walk(meta, before: dict | None, after, child_meta: Callable[[str], Any], *,
         skip: frozenset | set | tuple = ()) -> Iterator[Change]:
    """Each change from `before` to `after`: the document's own fields in order; then for each table,
    its rows (if added, removed or reordered) and the changed cells of each row as it is now (a row
    the save adds: each cell that is not empty). Fields named in `skip` are passed over."""
    before = before or {}
    for f in meta.data_fields:
        if f.fieldname not in skip and not same(before.get(f.fieldname), after.get(f.fieldname)):
            yield Change(f, before.get(f.fieldname), after.get(f.fieldname))
    for tf in meta.table_fields:
        old_names = [r.get("name") for r in before.get(tf.fieldname) or []]
        new_names = [r.get("name") for r in after.get(tf.fieldname) or []]
        if old_names != new_names:
            yield Change(tf, old_names, new_names, rows=True)
        fields = [f for f in child_meta(tf.options).data_fields if f.fieldname not in skip]
        for stored, row in paired_rows(tf, before, after):
            if row is None:
                continue
            prior = stored or {}
            for f in fields:
                if not same(prior.get(f.fieldname), row.get(f.fieldname)):
                    yield Change(f, prior.get(f.fieldname), row.get(f.fieldname), table=tf, row=row, stored=stored)
