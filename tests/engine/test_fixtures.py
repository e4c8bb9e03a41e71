"""export-fixtures writes customisations and chosen records; migrate re-applies them, idempotently."""
import json

from sixhave_app.engine import fixtures
from sixhave_app.engine.migrate import migrate


def test_export_then_migrate_another_site_is_idempotent(site_factory, backend, tmp_path):
    source = site_factory(backend)
    with source.context() as ctx:
        ctx.insert({"doctype": "Custom Field", "dt": "Test Note", "label": "组织", "fieldname": "org_name", "fieldtype": "Data"})
        ctx.insert({"doctype": "Property Setter", "doc_type": "Test Note", "doctype_or_field": "DocField",
                    "field_name": "title", "property": "label", "value": "题目"})
        ctx.insert({"doctype": "Test Category", "label": "固定类别", "code": "F"})
    with source.context(write=False) as ctx:
        counts = fixtures.export(ctx, tmp_path, ["Test Category"])
    assert counts["Test Category"] == 1
    setters = json.loads((tmp_path / "property_setter.json").read_text("utf-8"))
    assert counts["Property Setter"] == len(setters) and any(ps["value"] == "题目" for ps in setters)
    saved = json.loads((tmp_path / "custom_field.json").read_text("utf-8"))
    assert counts["Custom Field"] == len(saved)  # ours, and those the app's own fixtures made
    mine = next(cf for cf in saved if cf["fieldname"] == "org_name")
    assert mine["dt"] == "Test Note" and "modified" not in mine

    target = site_factory(backend)
    first = migrate(target, fixtures_path=tmp_path)
    assert first["fixtures"]["custom_field.json"] >= 1
    with target.context() as ctx:
        meta = ctx.meta("Test Note")
        assert meta.has_field("org_name") and meta.get_field("title").label == "题目"
        assert ctx.get_value("Test Category", "固定类别", "code") == "F"
        ctx.insert({"doctype": "Test Note", "title": "t", "org_name": "梁溪区"})
    second = migrate(target, fixtures_path=tmp_path)
    assert sum(second["fixtures"].values()) == 0  # nothing changed the second time
