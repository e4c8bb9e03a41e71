"""Issue 9, class 10: exports. Whatever writes a spreadsheet — list export (Excel and CSV), a
child table's export, the import template with records — writes text that starts with = + - @
tab or CR as text, never as a formula; download names are safe, with an ASCII `filename` and
RFC 5987's `filename*`; and a streamed export shows exactly the rows (and parts of rows) a list
shows: no other district's history or archive."""
import csv
import io
import json

import pytest
from openpyxl import load_workbook

from sixhave_app.engine import data_export
from tests.api.conftest import make_world
from tests.conftest import unique

DI = "frappe.core.doctype.data_import.data_import"
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+2", "-3+4", "@SUM(A1:A2)", "\t=1+1", "\r=2+2",
            "=cmd|' /C calc'!A0"]


@pytest.fixture(scope="module")
def notes(site, world):
    tag = unique("公式")
    with site.context(ignore_permissions=True) as ctx:
        for i, text in enumerate(FORMULAS):
            ctx.insert({"doctype": "Test Note", "title": f"{tag}-{i}", "reason": text, "details": text,
                        "items": [{"item": text, "note": text}]})
    return tag


def _xlsx_cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _assert_text_cells(content: bytes):
    cells = _xlsx_cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell was written"
    values = {c.value.replace("\r", "\n") for c in cells if isinstance(c.value, str)}  # XML reads CR as LF
    for text in FORMULAS:
        assert text.replace("\r", "\n") in values, text
    return cells


def _csv_rows(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _assert_csv(content: bytes):
    cells = [cell for row in _csv_rows(content) for cell in row]
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), repr(cell)
    for text in FORMULAS:
        assert "'" + text in cells, text


def _export(http, person, **params):
    return http.post(f"/api/method/frappe.desk.reportview.export_query", headers=person.token, json=params)


def test_list_exports_write_formula_text_as_text(http, world, notes):
    admin = world["sysman"]
    filters = json.dumps([["title", "like", f"{notes}%"]])
    fields = json.dumps(["title", "reason", "details", "`tabTest Note Item`.item", "`tabTest Note Item`.note"])
    xlsx = _export(http, admin, doctype="Test Note", filters=filters, fields=fields, file_format_type="Excel")
    assert xlsx.status_code == 200, xlsx.text
    _assert_text_cells(xlsx.content)
    assert all(c.quotePrefix for c in _xlsx_cells(xlsx.content) if isinstance(c.value, str) and c.value[:1] in "=+-@")
    plain = _export(http, admin, doctype="Test Note", filters=filters, fields=json.dumps(["title", "reason", "details"]),
                    file_format_type="CSV")
    assert plain.status_code == 200, plain.text
    _assert_csv(plain.content)


def test_child_table_export_and_import_template_write_formula_text_as_text(http, world, notes):
    admin = world["sysman"]
    rows = _export(http, admin, doctype="Test Note Item", parent_doctype="Test Note", fields=json.dumps(["item", "note"]),
                   filters=json.dumps([["item", "in", [f.strip() for f in FORMULAS]]]), file_format_type="CSV")
    assert rows.status_code == 200, rows.text
    _assert_csv(rows.content)
    book = _export(http, admin, doctype="Test Note Item", parent_doctype="Test Note", fields=json.dumps(["item", "note"]),
                   filters=json.dumps([["item", "in", [f.strip() for f in FORMULAS]]]), file_format_type="Excel")
    _assert_text_cells(book.content)
    template = http.get(f"/api/method/{DI}.download_template", headers=admin.token,
                        params={"doctype": "Test Note", "export_records": "all",
                                "export_filters": json.dumps({"title": ["like", f"{notes}%"]})})
    assert template.status_code == 200, template.text
    _assert_text_cells(template.content)


def test_a_csv_header_a_spreadsheet_would_run_is_text_too(http, world, notes):
    """Column labels are admin-authored: they go through the same cell rule as values."""
    from sixhave_app.engine.api.export import table_file

    reply = table_file("报表", [("a", "=1+1"), ("b", "@标签")], [{"a": "-5", "b": 7}], "CSV")
    rows = _csv_rows(reply.response.body)
    assert rows == [["'=1+1", "'@标签"], ["'-5", "7"]]


@pytest.mark.parametrize("title", ["../../etc/passwd", "报表\r\nSet-Cookie: sid=evil", "名单\"; filename=evil.exe",
                                   "<script>alert(1)</script>"])
def test_download_names_are_sanitised(http, world, notes, title):
    r = _export(http, world["sysman"], doctype="Test Note", filters=json.dumps([["title", "like", f"{notes}%"]]),
                fields=json.dumps(["title"]), file_format_type="CSV", title=title)
    assert r.status_code == 200, r.text
    assert "set-cookie" not in {k.lower() for k in r.headers.keys()}
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"") and "filename*=UTF-8''" in disposition, disposition
    ascii_part = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert ascii_part and all(32 < ord(ch) < 127 for ch in ascii_part) and "/" not in ascii_part and "\\" not in ascii_part
    assert ascii_part.endswith(".csv") and "\r" not in disposition and "\n" not in disposition
    assert r.headers["x-content-type-options"] == "nosniff"


# --------------------------------------------------------------------------- history and archive
@pytest.fixture
def history_site(fresh_site):
    """A site where district administrators may read and export Version and Deleted Document (as an
    administrator might allow), with a party member in each of two districts, edited and deleted."""
    site = fresh_site
    world = make_world(site)
    from tests.api.conftest import ensure_template

    ensure_template(site, 2018)
    with site.context() as ctx:
        for doctype in ("Version", "Deleted Document"):
            ctx.insert({"doctype": "Custom DocPerm", "parent_doctype": doctype, "role": "区级管理员", "read": 1,
                        "report": 1, "export": 1})
        made = {}
        for key, unit in (("mine", "健康社区"), ("theirs", "东亭街道")):
            branch = ctx.insert({"doctype": "Party Organization", "org_name": f"{key}支部", "org_type": "党支部",
                                 "sector": "社区", "parent_unit": unit}).name
            member = ctx.insert({"doctype": "Party Member", "full_name": f"{key}党员甲", "party_org": branch})
            member.full_name = f"{key}党员乙"
            member.save()
            gone = ctx.insert({"doctype": "Party Member", "full_name": f"{key}党员丙", "party_org": branch}).name
            made[key] = (branch, member.name, gone)
        ctx.delete_doc("Party Member", made["theirs"][2])
    with site.context(user=world["liangxi_admin"].name) as ctx:
        ctx.delete_doc("Party Member", made["mine"][2])
    return site, world, made


def test_history_and_archive_exports_hold_only_the_readers_rows(history_site, tmp_path):
    site, world, made = history_site
    with site.context(user=world["liangxi_admin"].name) as ctx:
        versions = ctx.get_list("Version", fields=["docname", "data"], limit_page_length=0)
        assert {v["docname"] for v in versions} == {made["mine"][1]}
        for doctype, field in (("Version", "data"), ("Deleted Document", "data")):
            book = tmp_path / f"{doctype}.xlsx"
            data_export.export_list(ctx, doctype, book)
            text = json.dumps([c.value for c in _xlsx_cells(book.read_bytes())], ensure_ascii=False, default=str)
            assert "theirs" not in text and made["theirs"][1] not in text and made["theirs"][2] not in text, text
            sheet = tmp_path / f"{doctype}.csv"
            data_export.export_csv(ctx, doctype, sheet)
            assert "theirs" not in sheet.read_text("utf-8-sig")
        assert any(c.value == made["mine"][1] for c in _xlsx_cells((tmp_path / "Version.xlsx").read_bytes()))
        archived = ctx.get_list("Deleted Document", fields=["deleted_name"], limit_page_length=0)
        assert [a["deleted_name"] for a in archived] == [made["mine"][2]]  # the deletion they made
        assert ctx.get_count("Version") == len(versions)
    with site.context(user=world["xishan_admin"].name) as ctx:
        assert {v["docname"] for v in ctx.get_list("Version", fields=["docname"], limit_page_length=0)} == {made["theirs"][1]}
        assert ctx.get_list("Deleted Document", fields=["deleted_name"], limit_page_length=0) == []


def test_a_version_of_another_district_is_not_found_by_name(history_site):
    site, world, made = history_site
    with site.context() as ctx:
        theirs = ctx.get_all("Version", filters={"docname": made["theirs"][1]}, pluck="name")[0]
    with site.context(user=world["liangxi_admin"].name) as ctx:
        from sixhave_app.engine.errors import DoesNotExistError

        with pytest.raises(DoesNotExistError):
            ctx.get_doc("Version", theirs)
