"""Import from Excel in the desk: download the template, fill it, upload it, see each problem by
row and column before anything is written, import the good rows and watch the job's progress."""
from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from tests.conftest import unique
from tests.desk.ui import TIMEOUT, axe, choose, login, wait_ready


def test_a_secretary_imports_members_from_excel(desk_sqlite, page, tmp_path):
    base = desk_sqlite.url
    branch = desk_sqlite.branches[2]
    login(page, base, desk_sqlite.secretary(2), target="/app/data-import")
    wait_ready(page)
    choose(page, "imp-doctype", "党员")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 Excel 模板").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        headers = [str(c.value or "") for c in next(load_workbook(io.BytesIO(handle.read())).worksheets[0].iter_rows(max_row=1))]
    good, bad = unique("张导入"), unique("李导入")
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for name, org in ((good, branch["name"]), (bad, "不存在的党支部")):
        row = []
        for h in headers:
            row.append(name if "姓名" in h else org if h.lstrip("*").startswith("党组织") else None)
        sheet.append(row)
    path = tmp_path / "党员导入.xlsx"
    book.save(path)

    page.locator("#imp-file").set_input_files(str(path))
    expect(page.locator(".summary").first).to_contain_text("1 行正确，1 行有问题", timeout=TIMEOUT)
    problems = page.locator("table.problems tbody tr")
    expect(problems.first).to_contain_text("党组织")
    expect(problems.first).to_contain_text("3")  # the bad row: row 3 of the sheet
    axe(page, "import with problems")
    page.get_by_text("只导入正确的 1 行").click()
    page.get_by_role("button", name="确认导入 1 行").click()
    expect(page.locator(".job-progress")).to_contain_text("已完成", timeout=TIMEOUT)
    expect(page.locator("section[aria-labelledby=imp-4] .summary")).to_contain_text("成功 1 行", timeout=TIMEOUT)
    page.get_by_role("link", name="查看导入的数据").click()
    page.wait_for_url("**/app/party-member")
    page.fill("#list-search", good)
    expect(page.locator(".list-table")).to_contain_text(good, timeout=TIMEOUT)
    page.fill("#list-search", bad)
    expect(page.locator(".list-table")).to_contain_text("没有符合条件的记录", timeout=TIMEOUT)
