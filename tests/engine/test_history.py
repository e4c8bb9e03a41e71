"""track_changes Versions, the Deleted Document archive and restore, and link-protected deletes."""
import pytest

from sixhave_app.engine import trash
from sixhave_app.engine.errors import DocstatusTransitionError, LinkExistsError
from tests.conftest import unique


def test_each_save_writes_a_version_with_field_and_row_diff(ctx):
    note = ctx.insert({"doctype": "Test Note", "title": "v1", "qty": 1, "items": [{"item": "a", "qty": 1}, {"item": "b"}]})
    note.title = "v2"
    note.qty = 2
    note.items[0].qty = 5
    note.items.pop()
    note.append("items", {"item": "c"})
    note.save()
    versions = ctx.get_list("Version", filters={"ref_doctype": "Test Note", "docname": note.name}, fields=["data"])
    assert len(versions) == 1
    data = versions[0]["data"]
    assert ["title", "v1", "v2"] in data["changed"] and ["qty", 1, 2] in data["changed"]
    assert data["row_changed"][0][0] == "items" and data["row_changed"][0][3] == [["qty", 1, 5]]
    assert [row[1]["item"] for row in data["added"]] == ["c"]
    assert [row[1]["item"] for row in data["removed"]] == ["b"]
    note.save()  # nothing changed: no new version
    assert ctx.get_count("Version", {"docname": note.name}) == 1


def test_delete_archives_and_restore_brings_it_back(ctx):
    note = ctx.insert({"doctype": "Test Note", "title": "删除我", "items": [{"item": "a"}]})
    ctx.delete_doc("Test Note", note.name)
    assert not ctx.exists("Test Note", note.name)
    assert ctx.get_count("Test Note Item", {"parent": note.name}) == 0
    archive = trash.get_archive(ctx, "Test Note", note.name)
    restored = trash.restore(ctx, archive)
    assert restored.name == note.name
    again = ctx.get_doc("Test Note", note.name)
    assert again.title == "删除我" and [r.item for r in again.items] == ["a"]
    assert ctx.get_doc("Deleted Document", archive).restored == 1


def test_links_block_deletion_naming_the_referrers(ctx):
    cat = ctx.insert({"doctype": "Test Category", "label": unique("类")}).name
    holder = ctx.insert({"doctype": "Test Note", "title": "引用者", "category": cat}).name
    row_holder = ctx.insert({"doctype": "Test Note", "title": "子表引用", "items": [{"item": "x", "category": cat}]}).name
    with pytest.raises(LinkExistsError) as err:
        ctx.delete_doc("Test Category", cat)
    assert holder in err.value.message and row_holder in err.value.message
    assert ctx.exists("Test Category", cat)


def test_submitted_documents_must_be_cancelled_before_delete(ctx):
    inv = ctx.new_doc("Test Invoice", customer="c").insert()
    inv.submit()
    with pytest.raises(DocstatusTransitionError):
        ctx.delete_doc("Test Invoice", inv.name)
    inv.cancel()
    ctx.delete_doc("Test Invoice", inv.name)
    assert not ctx.exists("Test Invoice", inv.name)
