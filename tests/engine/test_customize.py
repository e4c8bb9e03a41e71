"""Customisation without code: Custom Fields, Property Setters and custom DocTypes change the
schema at once, keep every stored value, and reach other processes on their next request."""
import json
import multiprocessing
from pathlib import Path

import pytest

from sixhave_app.engine.errors import MetaError, PermissionError, ValidationError
from sixhave_app.engine.meta import discover_app_doctypes, validate_doctype_dict
from sixhave_app.engine.site import Site
from tests.conftest import unique


def test_custom_field_on_a_doctype_holding_data_works_at_once(fresh_site):
    """The issue's 'done when': add a field to a DocType with data, read and write it at once."""
    with fresh_site.context() as ctx:
        old = ctx.insert({"doctype": "Test Note", "title": "已有数据", "amount": "5.5"}).name
    # A second Site object on the same database stands for another server process or RQ worker.
    other = Site(fresh_site.name, fresh_site.config, path=fresh_site.path)
    with other.context() as ctx:
        assert not ctx.meta("Test Note").has_field("contact")
    with fresh_site.context() as ctx:
        ctx.insert({"doctype": "Custom Field", "dt": "Test Note", "label": "联系人", "fieldname": "contact",
                    "fieldtype": "Data", "insert_after": "title"})
        meta = ctx.meta("Test Note")
        assert [f.fieldname for f in meta.fields][:2] == ["title", "contact"]
        doc = ctx.get_doc("Test Note", old)
        assert doc.title == "已有数据" and doc.contact is None and str(doc.amount) == "5.50"
        doc.contact = "张书记"
        doc.save()
        assert ctx.get_doc("Test Note", old).contact == "张书记"
    with other.context() as ctx:  # no restart: the next request sees the new field
        assert ctx.get_doc("Test Note", old).contact == "张书记"
        assert ctx.get_list("Test Note", fields=["contact"], filters={"contact": "张书记"}) == [{"contact": "张书记"}]
        new = ctx.insert({"doctype": "Test Note", "title": "新", "contact": "李委员"})
        assert ctx.get_value("Test Note", new.name, "contact") == "李委员"
    other.dispose()


def test_renaming_a_custom_field_keeps_its_data(fresh_site):
    with fresh_site.context() as ctx:
        ctx.insert({"doctype": "Custom Field", "dt": "Test Note", "label": "电话号码", "fieldname": "tel", "fieldtype": "Data"})
    with fresh_site.context() as ctx:
        name = ctx.insert({"doctype": "Test Note", "title": "t", "tel": "0510-1234"}).name
    with fresh_site.context() as ctx:
        cf = ctx.get_doc("Custom Field", "Test Note-tel")
        cf.fieldname = "telephone"
        cf.save()
    with fresh_site.context() as ctx:
        doc = ctx.get_doc("Test Note", name)
        assert doc.telephone == "0510-1234"
        assert not ctx.meta("Test Note").has_field("tel")


def test_removing_a_custom_field_never_drops_the_column(fresh_site):
    with fresh_site.context() as ctx:
        ctx.insert({"doctype": "Custom Field", "dt": "Test Note", "label": "备用", "fieldname": "spare", "fieldtype": "Data"})
        name = ctx.insert({"doctype": "Test Note", "title": "t", "spare": "keep me"}).name
    with fresh_site.context() as ctx:
        ctx.delete_doc("Custom Field", "Test Note-spare")
    with fresh_site.context() as ctx:
        assert not ctx.meta("Test Note").has_field("spare")
        ctx.insert({"doctype": "Custom Field", "dt": "Test Note", "label": "备用", "fieldname": "spare", "fieldtype": "Data"})
        assert ctx.get_doc("Test Note", name).spare == "keep me"


def test_property_setters_change_meta_and_widen_columns(fresh_site):
    with fresh_site.context() as ctx:
        name = ctx.insert({"doctype": "Test Note", "title": "t", "code": "abc"}).name
    with fresh_site.context() as ctx:
        ctx.insert({"doctype": "Property Setter", "doc_type": "Test Note", "doctype_or_field": "DocField",
                    "field_name": "code", "property": "length", "value": "200", "property_type": "Int"})
        ctx.insert({"doctype": "Property Setter", "doc_type": "Test Note", "doctype_or_field": "DocField",
                    "field_name": "qty", "property": "reqd", "value": "1", "property_type": "Check"})
        ctx.insert({"doctype": "Property Setter", "doc_type": "Test Note", "doctype_or_field": "DocField",
                    "field_name": "details", "property": "label", "value": "详细说明"})
        meta = ctx.meta("Test Note")
        assert meta.get_field("code").length == 200 and meta.get_field("qty").reqd == 1
        assert meta.get_field("details").label == "详细说明"
        long_code = "x" * 150
    with fresh_site.context() as ctx:
        ctx.insert({"doctype": "Test Note", "title": "long", "code": long_code, "qty": 1})
        assert ctx.get_list("Test Note", filters={"code": long_code}, pluck="code") == [long_code]
        with pytest.raises(ValidationError, match="数量"):
            ctx.insert({"doctype": "Test Note", "title": "no qty"})
        assert ctx.get_doc("Test Note", name).code == "abc"


def test_fieldtype_widening_keeps_data_and_narrowing_is_refused(fresh_site):
    with fresh_site.context() as ctx:
        name = ctx.insert({"doctype": "Test Note", "title": "t", "qty": 7, "code": "12"}).name
    with fresh_site.context() as ctx:
        ctx.insert({"doctype": "Property Setter", "doc_type": "Test Note", "field_name": "qty",
                    "doctype_or_field": "DocField", "property": "fieldtype", "value": "Currency"})
        ctx.insert({"doctype": "Property Setter", "doc_type": "Test Note", "field_name": "code",
                    "doctype_or_field": "DocField", "property": "fieldtype", "value": "Small Text"})
    with fresh_site.context() as ctx:
        doc = ctx.get_doc("Test Note", name)
        assert str(doc.qty) == "7.00" and doc.code == "12"
        doc.qty = "7.25"
        doc.save()
        assert str(ctx.get_doc("Test Note", name).qty) == "7.25"
    with fresh_site.context() as ctx:
        with pytest.raises(MetaError, match="丢失数据"):
            ctx.insert({"doctype": "Property Setter", "doc_type": "Test Note", "field_name": "details",
                        "doctype_or_field": "DocField", "property": "fieldtype", "value": "Int"})


def custom_doctype(name, child, **extra):
    return {"doctype": "DocType", "name": name, "module": "Custom", "custom": 1, "autoname": "format:BK-{####}",
            "track_changes": 1, "is_submittable": 1, "title_field": "title", "search_fields": "title",
            "fields": [{"fieldname": "title", "fieldtype": "Data", "label": "书名", "reqd": 1, "in_list_view": 1},
                       {"fieldname": "price", "fieldtype": "Currency", "label": "价格"},
                       {"fieldname": "lines", "fieldtype": "Table", "label": "章节", "options": child}],
            "permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1, "submit": 1}], **extra}


def test_custom_doctype_created_and_changed_at_run_time(fresh_site):
    parent, child = "Book " + unique(), "Book Line " + unique()
    with fresh_site.context() as ctx:
        ctx.insert({"doctype": "DocType", "name": child, "custom": 1, "istable": 1,
                    "fields": [{"fieldname": "chapter", "fieldtype": "Data", "label": "章", "reqd": 1}]})
        ctx.insert(custom_doctype(parent, child))
    with fresh_site.context() as ctx:
        book = ctx.insert({"doctype": parent, "title": "红岩", "price": "29.90", "lines": [{"chapter": "一"}, {"chapter": "二"}]})
        assert book.name == "BK-0001"
        book.submit()
    with fresh_site.context() as ctx:
        dt = ctx.get_doc("DocType", parent)
        dt.append("fields", {"fieldname": "author", "fieldtype": "Data", "label": "作者"})
        title_row = next(r for r in dt.fields if r.fieldname == "title")
        title_row.fieldname = "book_title"  # a rename keeps the data
        dt.title_field = "book_title"
        dt.search_fields = "book_title"
        dt.save()
    with fresh_site.context() as ctx:
        book = ctx.get_doc(parent, "BK-0001")
        assert book.book_title == "红岩" and book.author is None and [r.chapter for r in book.lines] == ["一", "二"]
        assert book.docstatus == 1
        assert ctx.get_count("DocType", {"custom": 1, "name": parent}) == 1


@pytest.mark.parametrize("change,words", [
    ({"fields": [{"fieldname": "x", "fieldtype": "Weird", "label": "X"}]}, "未知的字段类型"),
    ({"fields": [{"fieldname": "x", "fieldtype": "Link", "label": "X", "options": "No Such DocType"}]}, "不存在"),
    ({"fields": [{"fieldname": "x", "fieldtype": "Data"}, {"fieldname": "x", "fieldtype": "Int"}]}, "字段名重复"),
    ({"fields": [{"fieldname": "x", "fieldtype": "Select", "options": "A\nB", "default": "C"}]}, "默认值"),
    ({"fields": [{"fieldname": "Bad Name", "fieldtype": "Data"}]}, "snake_case"),
    ({"fields": [{"fieldname": "x", "fieldtype": "Float", "precision": "12"}]}, "精度"),
])
def test_invalid_custom_doctypes_are_refused_naming_the_field(ctx, change, words):
    name = "Bad " + unique()
    with pytest.raises(MetaError) as err:
        ctx.insert({"doctype": "DocType", "name": name, "custom": 1, **change})
    assert words in err.value.message and name in err.value.message
    assert not ctx.site.metas.exists(name)


def test_invalid_json_files_are_refused_naming_file_and_field(tmp_path, monkeypatch):
    pkg = tmp_path / "badapp"
    folder = pkg / "mod" / "doctype" / "thing"
    folder.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "modules.txt").write_text("Mod\n")
    (folder / "thing.json").write_text(json.dumps({"name": "Thing", "fields": [
        {"fieldname": "kind", "fieldtype": "Select", "options": "甲\n乙", "default": "丙"}]}))
    monkeypatch.syspath_prepend(str(tmp_path))
    sources = discover_app_doctypes(["badapp"])
    with pytest.raises(MetaError) as err:
        validate_doctype_dict(sources["Thing"].data, source=str(sources["Thing"].path), known_doctypes=["Thing"])
    assert "thing.json" in err.value.message and "kind" in err.value.message


def test_standard_doctypes_can_only_be_customised(ctx):
    dt = ctx.get_doc("DocType", "Test Note")
    dt.description = "changed"
    with pytest.raises(PermissionError):
        dt.save()
    with pytest.raises(PermissionError):
        ctx.delete_doc("DocType", "Test Note")


def _child_process(site_name, config, path, queue):
    """Another OS process: opens the site once, then answers what its next request sees."""
    site = Site(site_name, config, path=Path(path))
    with site.context(write=False) as ctx:
        queue.put(ctx.meta("Test Note").has_field("mood"))
    queue.get_nowait if False else None
    import time

    deadline = time.time() + 30
    while time.time() < deadline:
        with site.context(write=False) as ctx:
            if ctx.meta("Test Note").has_field("mood"):
                queue.put(True)
                return
        time.sleep(0.05)
    queue.put(False)


@pytest.mark.redis
def test_meta_change_reaches_another_process_through_redis(site_factory, backend):
    site = site_factory(backend, redis=True)
    ctx_mp = multiprocessing.get_context("spawn")
    queue = ctx_mp.Queue()
    proc = ctx_mp.Process(target=_child_process, args=(site.name, site.config, str(site.path), queue))
    proc.start()
    try:
        assert queue.get(timeout=60) is False
        with site.context() as ctx:
            ctx.insert({"doctype": "Custom Field", "dt": "Test Note", "label": "心情", "fieldname": "mood", "fieldtype": "Data"})
        assert queue.get(timeout=60) is True
        assert int(site.redis.get(site.redis_key("meta_version"))) >= 1
    finally:
        proc.join(timeout=30)
