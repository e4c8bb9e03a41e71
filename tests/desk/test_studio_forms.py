"""The administrator's studio in a real browser: a city administrator (not a System Manager) adds
a required field with a display condition to 支部活动 (Meeting), drags it up the form, sees it in
the form, the list, the Excel export and the PDF, renames its label and reverts the rename; uses
the permission manager's "see as this user"; a district administrator reaches none of it.

The test has a demo site of its own (it changes Meeting's metadata, which the other desk tests
must not see)."""
from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.desk.conftest import _make_world
from tests.desk.ui import TIMEOUT, axe, choose, form_url, login, logout, screenshot, wait_ready
from tests.pdfs import pages_text, squeeze

CITY_ADMIN = "city.admin@wuxi.example"
DISTRICT_ADMIN = "liangxi.admin@wuxi.example"


@pytest.fixture(scope="module")
def studio_world(site_factory):
    world = _make_world(site_factory, "sqlite")
    yield world
    world.server.stop()
    world.site.engine.dispose()


def _row(page, fieldname):
    return page.locator(f"li.cf-row[data-fieldname='{fieldname}']")


def _order(world) -> list[str]:
    with world.site.context(ignore_permissions=True) as ctx:
        return [f.fieldname for f in ctx.meta("Meeting").fields]


def test_city_admin_customises_meeting_and_reverts(studio_world, page):
    base = studio_world.url
    with studio_world.site.context(ignore_permissions=True) as ctx:
        roles = ctx.get_all("Has Role", filters={"parent": CITY_ADMIN}, pluck="role")
        assert "System Manager" not in roles and "市级管理员" in roles
        meeting = ctx.get_all("Meeting", filters={"kind": ["is", "set"]}, pluck="name", limit_page_length=1)[0]

    login(page, base, CITY_ADMIN)
    expect(page.locator("nav.sidenav")).to_contain_text("管理员工作台", timeout=TIMEOUT)
    page.goto(base + "/app/studio/customize-form/Meeting")
    wait_ready(page)
    expect(_row(page, "topic")).to_contain_text("标准")
    axe(page, "表单定制")

    # add the field: required, shown only when the activity has a kind, in the list
    page.get_by_role("button", name="新增字段").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("#cf-label").fill("活动形式")
    dialog.locator("#cf-fieldname").fill("activity_form")
    expect(dialog.locator("#cf-type")).to_be_visible()
    page.wait_for_timeout(400)  # the dialog's opening animation: a click on its select lands after it
    for _ in range(3):
        choose(page, "cf-type", "下拉选择")
        try:
            dialog.locator("#cf-options").wait_for(timeout=3000)
            break
        except Exception:  # noqa: BLE001 - the choice did not take: choose again
            page.keyboard.press("Escape") if page.locator(".el-select-dropdown:visible").count() else None
    dialog.locator("#cf-options").fill("线下\n线上")
    dialog.get_by_text("必填", exact=True).click()
    dialog.get_by_text("列表显示", exact=True).click()
    dialog.locator("#cf-depends").fill("eval:doc.kind")
    dialog.locator("#cf-description").fill("线下集中或线上视频")
    expect(dialog.locator(".field-preview")).to_contain_text("活动形式")  # how it will look, before saving
    expect(dialog.locator(".field-preview")).to_contain_text("eval:doc.kind")
    screenshot(page, "studio-add-field")
    dialog.get_by_role("button", name="保存字段").click()
    expect(_row(page, "activity_form")).to_contain_text("自定义", timeout=TIMEOUT)
    expect(_row(page, "activity_form")).to_contain_text("必填")
    assert _order(studio_world)[-1] == "activity_form"

    # drag it up, onto the topic's place (the browser's own drag events, with their DataTransfer)
    transfer = page.evaluate_handle("new DataTransfer()")
    _row(page, "activity_form").dispatch_event("dragstart", {"dataTransfer": transfer})
    _row(page, "topic").dispatch_event("dragover", {"dataTransfer": transfer})
    _row(page, "topic").dispatch_event("drop", {"dataTransfer": transfer})
    _row(page, "activity_form").dispatch_event("dragend", {"dataTransfer": transfer})
    expect(page.get_by_text("顺序已保存")).to_be_visible(timeout=TIMEOUT)
    order = _order(studio_world)
    assert order.index("activity_form") == order.index("topic") - 1, order
    _row(page, "place").scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    screenshot(page, "studio-customize-form")

    # the form: shown (the meeting has a kind), required, saved
    page.goto(base + form_url("Meeting", meeting))
    wait_ready(page)
    expect(page.locator("label[for=f-activity_form]")).to_contain_text("活动形式", timeout=TIMEOUT)
    choose(page, "f-activity_form", "线上")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("有未保存的修改")).to_have_count(0, timeout=TIMEOUT)
    with studio_world.site.context(ignore_permissions=True) as ctx:
        assert ctx.get_value("Meeting", meeting, "activity_form") == "线上"

    # the list: a column
    page.goto(base + "/app/meeting")
    wait_ready(page)
    expect(page.locator(".list-table thead")).to_contain_text("活动形式")

    # the export and the PDF, as the administrator's own session downloads them
    export = page.request.get(base + "/api/method/frappe.desk.reportview.export_query",
                              params={"doctype": "Meeting", "file_format_type": "Excel",
                                      "filters": f'[["name", "=", "{meeting}"]]'})
    assert export.ok, export.text()
    sheet = openpyxl.load_workbook(io.BytesIO(export.body())).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert "活动形式" in headers
    assert sheet.cell(row=2, column=headers.index("活动形式") + 1).value == "线上"
    pdf = page.request.get(base + "/api/method/frappe.utils.print_format.download_pdf",
                           params={"doctype": "Meeting", "name": meeting})
    assert pdf.ok
    text = squeeze("".join(pages_text(pdf.body())))
    assert "活动形式" in text and "线上" in text

    # rename the label; the value stays
    page.goto(base + "/app/studio/customize-form/Meeting")
    wait_ready(page)
    _row(page, "activity_form").get_by_role("button", name="修改字段“活动形式”").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("#cf-label").fill("开展形式")
    dialog.get_by_role("button", name="保存字段").click()
    expect(_row(page, "activity_form")).to_contain_text("开展形式", timeout=TIMEOUT)
    page.goto(base + form_url("Meeting", meeting))
    wait_ready(page)
    expect(page.locator("label[for=f-activity_form]")).to_contain_text("开展形式", timeout=TIMEOUT)

    # the history panel: revert the rename
    page.goto(base + "/app/studio/customize-form/Meeting")
    wait_ready(page)
    history = page.locator(".cf-history tbody tr", has_text="开展形式").first
    expect(history).to_contain_text("市委老干部局管理员")
    history.locator("summary").click()  # before → after
    expect(history).to_contain_text("开展形式")
    history.scroll_into_view_if_needed()
    screenshot(page, "studio-history")
    history.get_by_role("button", name="撤销").click()
    page.get_by_role("button", name="确定撤销").click()
    expect(page.get_by_text("已撤销，立即生效")).to_be_visible(timeout=TIMEOUT)
    expect(_row(page, "activity_form")).to_contain_text("活动形式", timeout=TIMEOUT)
    page.goto(base + form_url("Meeting", meeting))
    wait_ready(page)
    expect(page.locator("label[for=f-activity_form]")).to_contain_text("活动形式", timeout=TIMEOUT)
    with studio_world.site.context(ignore_permissions=True) as ctx:
        assert ctx.meta("Meeting").get_field("activity_form").label == "活动形式"
        assert ctx.get_value("Meeting", meeting, "activity_form") == "线上"


def test_city_admin_sees_as_a_district_reviewer_and_builds_a_doctype(studio_world, page):
    base = studio_world.url
    reviewer = next(u for u, info in studio_world.users.items() if info["role"] == "区级审核员")
    login(page, base, CITY_ADMIN)
    page.goto(base + "/app/studio/permissions")
    wait_ready(page)
    page.get_by_role("tab", name="用户、角色与范围").click()
    page.fill("#pm-user-search", reviewer.split("@")[0])
    page.locator(".user-btn", has_text=reviewer).click()
    page.get_by_role("button", name="以此用户身份查看").click()
    row = page.locator(".preview-table tr[data-doctype='Org Unit']")
    expect(row).to_be_visible(timeout=TIMEOUT)
    shown = int(row.locator("td.num").inner_text())
    with studio_world.site.context(user=reviewer) as ctx:
        assert shown == ctx.get_count("Org Unit")
    with studio_world.site.context(ignore_permissions=True) as ctx:
        assert shown < ctx.get_count("Org Unit")
    expect(page.get_by_role("checkbox", name="System Manager")).to_be_disabled()
    axe(page, "权限管理")
    page.locator(".preview h3").scroll_into_view_if_needed()
    screenshot(page, "studio-permissions")

    page.goto(base + "/app/studio/doctype-builder")
    wait_ready(page)
    page.fill("#db-name", "Volunteer Service")
    page.fill("#db-label", "志愿服务")
    page.get_by_label("标签（显示的名称） 1").fill("服务内容")
    page.get_by_label("字段名（英文小写，可不填） 1").fill("service")
    page.get_by_role("button", name="保存单据类型").click()
    expect(page.get_by_text("已保存，立即可用")).to_be_visible(timeout=TIMEOUT)
    screenshot(page, "studio-doctype-builder")
    axe(page, "新建单据类型")
    page.goto(base + "/app/volunteer-service/new")
    wait_ready(page)
    expect(page.get_by_text("服务内容", exact=True)).to_be_visible(timeout=TIMEOUT)


def test_a_district_admin_cannot_reach_the_studio(studio_world, page):
    base = studio_world.url
    login(page, base, DISTRICT_ADMIN)
    expect(page.locator("nav.sidenav")).to_be_visible(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    expect(page.locator("nav.sidenav")).not_to_contain_text("管理员工作台")
    page.goto(base + "/app/studio/customize-form/Meeting")
    page.wait_for_load_state("networkidle")
    expect(page.locator("li.cf-row")).to_have_count(0)
    expect(page.locator(".studio-denied")).to_contain_text("没有权限", timeout=TIMEOUT)
    screenshot(page, "studio-denied")
    for url in ("/api/method/sixhave.customize.load?doctype=Meeting", "/api/method/sixhave.permissions.users",
                "/api/method/sixhave.customize.custom_doctypes"):
        assert page.request.get(base + url).status == 403, url
    logout(page)
