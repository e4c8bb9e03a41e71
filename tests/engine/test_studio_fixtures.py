"""Customisations made in the studio move from a test site to another site through `fixtures/`
files and the command line (`export-fixtures`, then `import-fixtures`), on SQLite and MariaDB:
a custom field with its label and order, a custom DocType (usable at once) and a DocType's custom
permissions; importing twice changes nothing; the import is one revertible change."""
from __future__ import annotations

import json

from click.testing import CliRunner

from sixhave_app.engine import change_log, customize_form, doctype_builder, permission_manager
from sixhave_app.engine.cli import main


def _cli(site, *args):
    result = CliRunner().invoke(main, ["--sites-path", str(site.path.parent), "--site", site.name, *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_customisations_round_trip_through_fixtures(site_factory, backend, tmp_path):
    source = site_factory(backend)
    with source.context() as ctx:
        customize_form.add_field(ctx, "Test Note", {"label": "服务对象", "fieldname": "served", "fieldtype": "Data",
                                                    "in_list_view": 1})
        order = [f.fieldname for f in ctx.meta("Test Note").fields]
        customize_form.reorder(ctx, "Test Note", ["served"] + [n for n in order if n != "served"])
        customize_form.update_field(ctx, "Test Note", "title", {"label": "题目"})
        doctype_builder.save(ctx, {"name": "Visit Log", "label": "走访日志", "naming": "format", "naming_value": "VL-{#####}",
                                   "fields": [{"fieldname": "visitor", "label": "走访人", "fieldtype": "Data", "reqd": 1}],
                                   "permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1}]})
        rows = permission_manager.matrix(ctx, "Test Note")["rows"] + [{"role": "Guest", "read": 1}]
        permission_manager.save_matrix(ctx, "Test Note", rows)
    folder = tmp_path / "fixtures"
    _cli(source, "export-fixtures", "--path", str(folder))
    assert any(r["name"] == "Visit Log" for r in json.loads((folder / "doctype.json").read_text("utf-8")))
    assert any(r["role"] == "Guest" for r in json.loads((folder / "custom_docperm.json").read_text("utf-8")))

    target = site_factory(backend)
    out = _cli(target, "import-fixtures", str(folder))
    assert "custom_field.json" in out
    with target.context() as ctx:
        meta = ctx.meta("Test Note")
        assert meta.fields[0].fieldname == "served" and meta.get_field("title").label == "题目"
        assert ctx.insert({"doctype": "Visit Log", "visitor": "张三"}).name.startswith("VL-")
        guest = ctx.get_all("Custom DocPerm", filters={"parent_doctype": "Test Note", "role": "Guest"}, pluck="read")
        assert guest == [1]
        log = ctx.get_all(change_log.LOG, filters={"tool": "导入定制"}, fields=["name"], order_by="creation desc")
        assert len(log) == 1
    again = _cli(target, "import-fixtures", str(folder))
    assert "0 条" in again and not any(f"{n} 条" in again for n in range(1, 50))
    with target.context() as ctx:  # undo the import: the field and the labels leave, the data stays
        change_log.revert(ctx, log[0]["name"], allowed=lambda tool: True)
    with target.context() as ctx:
        meta = ctx.meta("Test Note")
        assert not meta.has_field("served") and meta.get_field("title").label != "题目"
        assert not ctx.get_all("Custom DocPerm", filters={"parent_doctype": "Test Note", "role": "Guest"})
