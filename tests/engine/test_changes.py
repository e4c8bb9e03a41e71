"""engine/changes.py: the one changed-fields walker (versions, workflow edit rights, field
permissions and submitted documents all read it)."""
from decimal import Decimal

from sixhave_app.engine import changes
from tests.conftest import unique


def _row(name, idx, **values):
    return {"name": name, "idx": idx, **values}


def test_walk_yields_each_changed_field_and_cell_with_rows_paired_by_name(ctx):
    meta = ctx.meta("Test Note")
    before = {"title": "甲", "qty": 1, "amount": Decimal("2.00"), "reason": None,
              "items": [_row("r1", 1, item="x", qty=1), _row("r2", 2, item="y", qty=2)]}
    after = {"title": "乙", "qty": 1.0, "amount": 2, "reason": "",  # same as stored: 1 == 1.0, None == ""
             "items": [_row("r2", 1, item="y", qty=3), _row("r3", 2, item="z")]}
    found = list(changes.walk(meta, before, after, ctx.meta))
    assert [(c.key, c.old, c.new) for c in found] == [
        ("title", "甲", "乙"),
        ("items.*", ["r1", "r2"], ["r2", "r3"]),  # r1 removed, r3 added
        ("items.qty", 2, 3),  # r2, paired by name though it moved up
        ("items.item", None, "z"),  # a new row: each cell that is not empty
    ]
    r2, r3 = found[2], found[3]
    assert (r2.table.fieldname, r2.row["name"], r2.stored["name"]) == ("items", "r2", "r2")
    assert r3.stored is None and r3.row["name"] == "r3"
    assert [c.key for c in changes.walk(meta, before, after, ctx.meta, skip={"title", "qty"})] == ["items.*", "items.item"]
    assert list(changes.walk(meta, before, dict(before), ctx.meta)) == []
    paired = [(s and s["name"], r and r["name"]) for s, r in changes.paired_rows(meta.get_field("items"), before, after)]
    assert paired == [("r2", "r2"), (None, "r3"), ("r1", None)]


def test_walk_reads_a_document_against_its_stored_values(ctx):
    doc = ctx.new_doc("Test Note", title=unique("n"), items=[{"item": "a", "qty": 1}]).insert()
    stored = doc.as_dict(convert=False)
    doc.title = doc.title + "!"
    doc.items[0].qty = 5
    doc.append("items", {"item": "b"})
    assert [c.key for c in changes.walk(doc.meta, stored, doc, ctx.meta, skip={"idx"})] == \
        ["title", "items.*", "items.qty", "items.item"]
