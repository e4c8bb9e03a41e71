"""Excel exchange on the engine: an export re-imports unchanged, a workbook with bad rows writes
nothing and names every bad cell, only the valid rows when asked (with a workbook of the failed
ones), files saved by LibreOffice, numbers read back as floats coerced exactly, the template."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from sixhave_app.engine import data_export, data_import, excel, import_template
from sixhave_app.engine.errors import PermissionError
from tests.conftest import unique

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _category(ctx) -> str:
    name = unique("类")
    ctx.insert({"doctype": "Test Category", "label": name, "code": name[-4:]})
    return name


def _note(ctx, tag: str, i: int, category: str) -> str:
    return ctx.insert({
        "doctype": "Test Note", "title": f"{tag}-{i}", "status": "Closed" if i % 2 else "Open",
        "reason": "办结" if i % 2 else None, "secret": "内部" if i % 2 else None,
        "amount": Decimal("1234567.89") + i, "score": Decimal("12.35"), "ratio": 0.1 + i, "pct": 33.3,
        "qty": i, "done": i % 2, "due": dt.date(2024, 5, i + 1), "at": dt.datetime(2024, 5, 1, 9, 30, i),
        "clock": dt.time(8, 15, i), "email": f"a{i}@example.cn", "phone": "13800000000",
        "code": f"{tag[-5:]}{i}", "details": "第一行\n第二行", "long_details": "=1+2 不是公式",
        "html_body": "<p>正文</p>", "meta_json": {"k": [1, 2]}, "category": category,
        "items": [{"item": "=SUM(A1:A9)", "qty": 2, "rate": Decimal("0.10"), "note": "-减号开头", "category": category},
                  {"item": "@提及", "qty": 3, "rate": Decimal("19.99")}],
        "tags": [{"item": "标签甲"}],
    }).name


def _snapshot(ctx, names):
    out = {}
    for name in names:
        data = ctx.get_doc("Test Note", name).as_dict(convert=False)
        for key in ("creation", "modified", "modified_by", "owner", "idx", "category_code"):
            data.pop(key, None)
        for table in ("items", "tags"):
            data[table] = [{k: v for k, v in r.items() if k not in ("creation", "modified", "modified_by", "owner", "parent")}
                           for r in data[table]]
        out[name] = data
    return out


def _export(ctx, tag, tmp_path) -> Path:
    path = tmp_path / "notes.xlsx"
    data_export.export_list(ctx, "Test Note", path, filters=[["title", "like", f"{tag}-%"]], order_by="title asc")
    return path


def test_an_export_is_typed_and_reimports_unchanged(site, tmp_path):
    tag = unique("往返")
    with site.context() as ctx:
        category = _category(ctx)
        names = [_note(ctx, tag, i, category) for i in range(3)]
        before = _snapshot(ctx, names)
        path = _export(ctx, tag, tmp_path)
    book = load_workbook(path)
    main, items = book["Test Note"], book["明细"]
    header = [c.value for c in main[1]]
    assert header[:4] == ["ID", "标题", "状态", "关闭原因"] and main.freeze_panes == "A2"
    row = {h: c for h, c in zip(header, main[2])}
    assert row["截止日期"].is_date and row["截止日期"].number_format == "yyyy-mm-dd"
    assert row["得分"].value == 12.35 and row["得分"].number_format == "0.00"
    assert row["长详情"].data_type == "s" and row["长详情"].value == "=1+2 不是公式"  # text, never a formula
    assert [c.value for c in items[1]][:3] == ["ID", "ID (明细)", "项目 (明细)"]
    assert items["C2"].data_type == "s" and items["C2"].value == "=SUM(A1:A9)"
    # the same file, imported as an update: nothing changes
    with site.context() as ctx:
        outcome = data_import.run(ctx, "Test Note", path.read_bytes(), data_import.UPDATE, commit=True)
        assert outcome.summary()["problems"] == []
        assert (outcome.unchanged, outcome.updated) == (3, 0)
    # deleted and imported as new records: the same documents come back, names included
    with site.context() as ctx:
        for name in names:
            ctx.delete_doc("Test Note", name)
    with site.context() as ctx:
        outcome = data_import.run(ctx, "Test Note", path.read_bytes(), data_import.INSERT, commit=True)
        assert outcome.summary()["problems"] == [] and outcome.inserted == 3
    with site.context() as ctx:
        assert _snapshot(ctx, names) == before


def _bad_book(tag: str, category: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "导入数据"
    sheet.append(["标题 *", "状态", "数量", "截止日期", "得分", "类别", "项目 (明细)", "数量 (明细)"])
    sheet.append([f"{tag}-ok1", "Open", 1, dt.date(2024, 1, 2), 1.25, category, "甲", 1])
    sheet.append([f"{tag}-bad1", "Maybe", "三个", "2024-13-45", 2, category, None, None])
    sheet.append([None, None, None, None, None, None, "续行", "x"])
    sheet.append([f"{tag}-ok2", "Open", 2, "2024/5/1", "3.5", None, None, None])
    sheet.append([None, "Open", 3, None, None, "没有这个类别", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_with_bad_rows_writes_nothing_and_names_every_bad_cell(site):
    tag = unique("坏行")
    with site.context() as ctx:
        category = _category(ctx)
    with site.context() as ctx:
        outcome = data_import.run(ctx, "Test Note", _bad_book(tag, category), data_import.INSERT, commit=True)
    problems = {(p["sheet"], p["row"], p["column"]): p["reason"] for p in outcome.summary()["problems"]}
    assert ("导入数据", 3, "状态") in problems and "不在可选项中" in problems[("导入数据", 3, "状态")]
    assert "应为整数" in problems[("导入数据", 3, "数量")]
    assert "日期" in problems[("导入数据", 3, "截止日期")]
    assert "应为整数" in problems[("导入数据", 4, "数量 (明细)")]  # a child row on the rows below its parent
    row6 = [reason for (sheet, row, column), reason in problems.items() if row == 6]
    assert any("标题" in r for r in row6) and any("没有这个类别" in r for r in row6)
    assert outcome.summary()["valid"] == 2 and outcome.summary()["failed"] == 2
    with site.context() as ctx:
        assert ctx.get_count("Test Note", [["title", "like", f"{tag}-%"]]) == 0


def test_only_valid_rows_are_imported_when_asked_and_the_failed_rows_come_back_to_fix(site, tmp_path):
    tag = unique("部分")
    with site.context() as ctx:
        category = _category(ctx)
    with site.context() as ctx:
        outcome = data_import.run(ctx, "Test Note", _bad_book(tag, category), data_import.INSERT, commit=True,
                                  only_valid=True)
        path = tmp_path / "failed.xlsx"
        assert data_import.failed_rows_workbook(outcome, path) == 2
    with site.context() as ctx:
        titles = sorted(ctx.get_all("Test Note", filters=[["title", "like", f"{tag}-%"]], pluck="title"))
        assert titles == [f"{tag}-ok1", f"{tag}-ok2"]
        ok2 = ctx.get_doc("Test Note", ctx.get_value("Test Note", {"title": f"{tag}-ok2"}))
        assert ok2.due == dt.date(2024, 5, 1) and ok2.score == Decimal("3.50")
    sheet = load_workbook(path)["导入数据"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][-1] == "错误原因" and len(rows) == 4
    assert rows[1][0] == f"{tag}-bad1" and "状态" in rows[1][-1]
    # fixed in the returned workbook and uploaded again
    fixed = load_workbook(path)
    ws = fixed["导入数据"]
    ws["B2"], ws["C2"], ws["D2"], ws["H3"] = "Open", 3, "2024-12-01", 4
    ws["A4"], ws["F4"] = f"{tag}-fixed", category  # the reasons column stays: it is ignored
    buffer = io.BytesIO()
    fixed.save(buffer)
    with site.context() as ctx:
        outcome = data_import.run(ctx, "Test Note", buffer.getvalue(), data_import.INSERT, commit=True)
        assert outcome.summary()["problems"] == [], outcome.summary()["problems"]
    with site.context() as ctx:
        assert ctx.get_count("Test Note", [["title", "like", f"{tag}-%"]]) == 4


def test_numbers_read_as_floats_are_coerced_exactly_by_field_type(site):
    with site.context() as ctx:
        meta = ctx.meta("Test Note")
        f = meta.get_field
        assert data_import.coerce_cell(f("score"), 12.345) == Decimal("12.35")  # precision 2, half up
        assert data_import.coerce_cell(f("score"), 0.1 + 0.2) == Decimal("0.30")
        assert data_import.coerce_cell(f("amount"), 1234567.89) == Decimal("1234567.89")
        assert data_import.coerce_cell(f("amount"), "1,234.5") == Decimal("1234.50")
        assert data_import.coerce_cell(f("qty"), 7.0) == 7
        assert data_import.coerce_cell(f("phone"), 13800000000.0) == "13800000000"
        assert data_import.coerce_cell(f("code"), 0.5) == "0.5"
        assert data_import.coerce_cell(f("done"), 1.0) == 1 and data_import.coerce_cell(f("done"), "否") == 0
        assert data_import.coerce_cell(f("due"), 45413.0) == dt.date(2024, 5, 1)  # a serial number
        assert data_import.coerce_cell(f("due"), "2024年5月1日") == dt.date(2024, 5, 1)
        assert data_import.coerce_cell(f("at"), "2024/5/1 9:30") == dt.datetime(2024, 5, 1, 9, 30)
        assert data_import.coerce_cell(f("clock"), 0.5) == dt.time(12, 0)
        assert data_import.coerce_cell(f("status"), " Open ") == "Open"


def _libreoffice_file(tmp_path: Path, source: Path) -> Path:
    """The workbook as LibreOffice saves it: converted by Debian's libreoffice when installed,
    else the committed fixture that LibreOffice made from the same source."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return FIXTURES / "libreoffice_notes.xlsx"
    out = tmp_path / "lo"
    out.mkdir()
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    return out / source.with_suffix(".xlsx").name


def libreoffice_source(path: Path) -> Path:
    """An OpenDocument-bound source: shared strings, a date typed as text, one as a serial number."""
    book = Workbook()
    sheet = book.active
    sheet.title = "党员名册"
    sheet.append(["标题", "状态", "数量", "得分", "截止日期", "完成", "电话", "项目 (明细)", "单价 (明细)"])
    sheet.append(["LO-甲", "Open", 3, 12.35, dt.date(2024, 5, 1), "是", 13800000000, "茶叶", 19.99])
    sheet.append([None, None, None, None, None, None, None, "=不是公式", 0.1])
    sheet.append(["LO-乙", "Open", 4, 0.3, "2024/6/30", "否", "13900000000", None, None])
    sheet.append(["LO-丙", "Open", 5, "7.5", 45413, 1, None, None, None])
    sheet["H3"].data_type = "s"
    book.save(path)
    return path


def test_a_file_saved_by_libreoffice_imports(site, tmp_path):
    source = libreoffice_source(tmp_path / "notes_source.xlsx")
    path = _libreoffice_file(tmp_path, source)
    data = path.read_bytes()
    with site.context() as ctx:
        for title in ("LO-甲", "LO-乙", "LO-丙"):
            for name in ctx.get_all("Test Note", filters={"title": title}, pluck="name"):
                ctx.delete_doc("Test Note", name)
    with site.context() as ctx:
        outcome = data_import.run(ctx, "Test Note", data, data_import.INSERT, commit=True)
        assert outcome.summary()["problems"] == [], outcome.summary()["problems"]
        assert outcome.inserted == 3
    with site.context() as ctx:
        first = ctx.get_doc("Test Note", ctx.get_value("Test Note", {"title": "LO-甲"}))
        assert (first.qty, first.score, first.due, first.done, first.phone) == (3, Decimal("12.35"), dt.date(2024, 5, 1), 1, "13800000000")
        assert [(r.item, r.rate) for r in first.items] == [("茶叶", Decimal("19.99")), ("=不是公式", Decimal("0.10"))]
        second = ctx.get_doc("Test Note", ctx.get_value("Test Note", {"title": "LO-乙"}))
        assert (second.due, second.score, second.done) == (dt.date(2024, 6, 30), Decimal("0.30"), 0)
        third = ctx.get_doc("Test Note", ctx.get_value("Test Note", {"title": "LO-丙"}))
        assert (third.due, third.score) == (dt.date(2024, 5, 1), Decimal("7.50"))


def test_the_template_has_chinese_headers_marks_required_offers_dropdowns_and_explains(site, tmp_path):
    path = tmp_path / "template.xlsx"
    with site.context() as ctx:
        category = _category(ctx)
        import_template.build(ctx, "Test Note", path)
    book = load_workbook(path)
    assert book.sheetnames[:2] == ["Test Note", "填写说明"]
    sheet = book["Test Note"]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "标题 *" and "ID" not in headers
    assert "项目 (明细) *" in headers and "单价 (明细)" in headers and "项目 (标签) *" in headers
    assert "摘要" not in headers  # read-only: the server's
    assert sheet.freeze_panes == "A2"
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    status_col = sheet.cell(row=1, column=headers.index("状态") + 1).column_letter
    assert lists[status_col] == '"Open,Closed"'
    category_col = sheet.cell(row=1, column=headers.index("类别") + 1).column_letter
    assert lists[category_col].startswith("'可选值'!$") or category in lists[category_col]
    text = "\n".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row if c.value)
    assert "必填" in text and "年-月-日" in text and "子表" in text
    # filled in and imported as it is
    sheet.append(["模板-" + unique()] + [None] * (len(headers) - 1))
    sheet.cell(row=2, column=headers.index("项目 (明细) *") + 1, value="甲")
    buffer = io.BytesIO()
    book.save(buffer)
    with site.context() as ctx:
        outcome = data_import.run(ctx, "Test Note", buffer.getvalue(), data_import.INSERT, commit=True)
        assert outcome.summary()["problems"] == [] and outcome.inserted == 1


def test_a_template_with_records_reimports_as_an_update_unchanged(site, tmp_path):
    tag = unique("模板往返")
    with site.context() as ctx:
        category = _category(ctx)
        names = [_note(ctx, tag, i, category) for i in range(2)]
        path = tmp_path / "records.xlsx"
        count = import_template.build(ctx, "Test Note", path, export_records="all",
                                      export_filters=[["title", "like", f"{tag}-%"]])
        assert count == 2
    with site.context() as ctx:
        outcome = data_import.run(ctx, "Test Note", path.read_bytes(), data_import.UPDATE, commit=True)
        assert outcome.summary()["problems"] == [] and outcome.unchanged == 2, outcome.summary()


def test_scope_and_rights_apply_to_every_row(site):
    with site.context() as ctx:
        for unit, parent in (("梁溪区", None), ("锡山区", None)):
            if not ctx.exists("Org Unit", unit):
                ctx.insert({"doctype": "Org Unit", "unit_name": unit, "level": "市（县）区", "parent_org_unit": parent})
        user = f"{unique('imp')}@example.cn"
        ctx.insert({"doctype": "User", "email": user, "first_name": "区", "roles": [{"role": "区级管理员"}]})
        ctx.insert({"doctype": "User Permission", "user": user, "allow": "Org Unit", "for_value": "梁溪区"})
        reader = f"{unique('ro')}@example.cn"
        ctx.insert({"doctype": "User", "email": reader, "first_name": "读", "roles": [{"role": "区级审核员"}]})
        ctx.insert({"doctype": "User Permission", "user": reader, "allow": "Org Unit", "for_value": "梁溪区"})
    tag = unique("范围")
    book = Workbook()
    book.active.append(["标题", "组织"])
    book.active.append([f"{tag}-mine", "梁溪区"])
    book.active.append([f"{tag}-theirs", "锡山区"])
    buffer = io.BytesIO()
    book.save(buffer)
    with site.context(user=user) as ctx:
        outcome = data_import.run(ctx, "Test Org Record", buffer.getvalue(), data_import.INSERT, commit=True)
    problems = outcome.summary()["problems"]
    assert [p["row"] for p in problems] == [3] and "权限" in problems[0]["reason"]
    with site.context() as ctx:
        assert ctx.get_count("Test Org Record", [["title", "like", f"{tag}-%"]]) == 0
    with site.context(user=reader) as ctx:
        with pytest.raises(PermissionError):
            data_import.run(ctx, "Test Org Record", buffer.getvalue(), data_import.INSERT, commit=True)


def test_not_a_workbook_is_refused_with_a_clear_error(site):
    from sixhave_app.engine.errors import ValidationError

    with site.context() as ctx:
        with pytest.raises(ValidationError) as err:
            data_import.run(ctx, "Test Note", b"name,title\n1,2\n", data_import.INSERT)
    assert "Excel" in err.value.message


def test_excel_cells_never_become_formulas():
    book = excel.new_book()
    writer = excel.SheetWriter(book, "t", ["a"])
    for text in ("=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx", "普通"):
        writer.append([text])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = [r[0] for r in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells][:4] == ["=1+1", "+1", "-1", "@SUM(1)"]
