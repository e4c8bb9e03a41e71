"""The administrator's studio in a real browser (issue 14), on a demo site of its own (it changes
the self-assessment workflow and the year's template, which the other desk tests rely on):

- a city administrator (not a System Manager) adds a review step to the self-assessment workflow
  in the tables, sees it in the diagram and the preview of documents in flight, saves, and a sheet
  waiting for the district follows the new step;
- copies the 达标自评表 format, changes its title in the code editor, sees the live preview and
  downloads the PDF with the new title from the sheet's print page (formats listed by the server);
- copies the 2018 template into 2019, changes one item's points, fails to publish until the total
  is right, publishes; opens the year in the wizard and sees the checklist;
- a district administrator sees no studio menu and reaches no tool (the server answers 403).
Screenshots go to docs/screenshots/studio-*.png (README)."""
from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import unique
from tests.desk.conftest import DEMO_PASSWORD, SCREENSHOTS, YEAR, _make_world, submitted_sheet
from tests.desk.ui import TIMEOUT, axe, form_url, login, no_sideways_scroll, wait_ready, workflow_action
from tests.pdfs import pages_text, squeeze

CITY_ADMIN = "city.admin@wuxi.example"
TITLE = "离退休干部党支部“六有一提升”达标自评表"


@pytest.fixture(scope="module")
def studio_world(site_factory):
    world = _make_world(site_factory, "sqlite")
    yield world
    world.server.stop()


def select(page: Page, label: str, option: str, *, scope=None) -> None:
    """Choose `option` in the Element Plus select whose input is labelled `label`."""
    root = scope or page
    expect(page.locator(".el-select__popper:visible")).to_have_count(0, timeout=TIMEOUT)  # the last one closed
    root.locator(f".el-select:has(input[aria-label='{label}'])").click()
    page.locator(".el-select__popper:visible").get_by_role("option", name=option, exact=True).first.click()


def shot(page: Page, name: str, *, top: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if top:
        page.evaluate("() => { window.scrollTo(0, 0); document.querySelectorAll('*').forEach((e) => { if (e.scrollTop) e.scrollTop = 0 }) }")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def test_a_review_step_added_in_the_desk_and_a_sheet_in_flight_follows_it(studio_world, page):
    base, world = studio_world.url, studio_world
    branch = next(b for b in world.branches if b["district"])
    sheet = submitted_sheet(world, branch)  # waiting for its district's review
    login(page, base, CITY_ADMIN)
    expect(page.locator("[data-menu=studio]")).to_be_visible(timeout=TIMEOUT)
    page.goto(base + "/app/studio/workflow/达标自评")
    wait_ready(page)
    states = page.locator("table[data-studio=states] tbody tr")
    expect(states).to_have_count(5, timeout=TIMEOUT)
    axe(page, "the workflow editor")

    # a new state after 区级/单位审核, moved up into place
    page.locator("[data-action=add-state]").click()
    expect(states).to_have_count(6)
    states.nth(5).locator("input[aria-label='状态名称 6']").fill("区级复核")
    for _ in range(3):
        states.nth(5 - _).get_by_role("button", name="上移").click()
    expect(states.nth(2).locator("input[aria-label='状态名称 3']")).to_have_value("区级复核")
    # the district's 通过 now leads to it; two new actions out of it
    rows = page.locator("table[data-studio=transitions] tbody tr")
    count = rows.count()
    for i in range(count):
        row = rows.nth(i)
        if row.locator("input[aria-label^='动作']").input_value() == "通过" and "区级审核员" in row.inner_text() \
                and "区级/单位审核" in row.locator("td").nth(0).inner_text():
            select(page, f"到 {i + 1}", "区级复核", scope=row)
    for action, target, comment in (("复核通过", "市级考评", False), ("退回", "草稿", True)):
        page.locator("[data-action=add-transition]").click()
        count += 1
        row = rows.nth(count - 1)
        select(page, f"从 {count}", "区级复核", scope=row)
        row.locator(f"input[aria-label='动作 {count}']").fill(action)
        select(page, f"到 {count}", target, scope=row)
        select(page, f"办理角色 {count}", "区级审核员", scope=row)
        row.locator(f"input[aria-label='范围层级 {count}']").fill("市（县）区")
        if comment:
            row.get_by_label(f"须填意见 {count}").check()
    expect(page.locator(".wf-diagram canvas")).to_be_visible()

    # the check shows the documents in flight, then the change is saved
    page.locator("[data-action=check]").click()
    impact = page.locator("[data-studio=impact]")
    expect(impact).to_contain_text("检查通过", timeout=TIMEOUT)
    expect(impact.locator("tr", has_text="区级复核")).to_contain_text("新增")
    shot(page, "studio-workflow")
    page.locator("[data-action=apply]").click()
    expect(page.locator("[data-studio=saved]")).to_contain_text("已保存", timeout=TIMEOUT)
    expect(page.locator("table[data-studio=history] tbody tr").first).to_contain_text(CITY_ADMIN)

    # the district's reviewer passes the waiting sheet: it goes to the new step
    reviewer = world.reviewer_of(branch["district"])
    context = page.context.browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768}, bypass_csp=True)
    rpage = context.new_page()
    login(rpage, base, reviewer, target=form_url("Self Assessment", sheet))
    rpage.goto(base + form_url("Self Assessment", sheet))
    wait_ready(rpage)
    workflow_action(rpage, "通过")
    expect(rpage.locator(".status-line .state-badge")).to_contain_text("区级复核", timeout=TIMEOUT)
    expect(rpage.locator(".wf-actions").get_by_role("button", name="复核通过", exact=True)).to_be_visible()
    context.close()
    with world.ctx() as ctx:
        assert ctx.get_value("Self Assessment", sheet, "workflow_state") == "区级复核"


def test_copy_the_sheet_format_change_its_title_and_download_the_pdf(studio_world, page):
    base, world = studio_world.url, studio_world
    branch = world.branches[1]
    sheet = submitted_sheet(world, branch)
    name = f"达标自评表（{unique()}）"
    new_title = "二〇一八年度离退休干部党支部达标自评表（修订版）"
    login(page, base, CITY_ADMIN)
    page.goto(base + "/app/studio/print-format/达标自评表")
    wait_ready(page)
    page.fill("#pf-new", name)
    page.locator("[data-action=copy]").click()
    page.wait_for_url(f"**/studio/print-format/**", timeout=TIMEOUT)
    expect(page.locator("#pf-edit")).to_have_text(name, timeout=TIMEOUT)
    axe(page, "the print format editor")
    with world.ctx() as ctx:
        source = ctx.get_value("Print Format", name, "html")
    assert TITLE in source

    # a broken line is marked; then the new title, typed in the code editor
    editor = page.locator(".code-editor[data-language=html] .cm-content")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\n{{ doc.__class__ }}")
    expect(page.locator("[data-studio=errors]")).to_contain_text("__class__", timeout=TIMEOUT)
    expect(page.locator(".cm-error-line")).to_have_count(1)
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source.replace(TITLE, new_title))
    expect(page.locator("[data-studio=errors]")).to_have_count(0, timeout=TIMEOUT)
    frame = page.frame_locator("iframe[name=pf-frame]")
    expect(frame.locator("h1")).to_contain_text(new_title, timeout=TIMEOUT)
    page.locator("[data-action=save]").click()
    expect(page.locator("[data-studio=saved]")).to_contain_text("已保存", timeout=TIMEOUT)
    shot(page, "studio-print-format", top=True)
    with world.ctx() as ctx:
        assert new_title in ctx.get_value("Print Format", name, "html")

    # the sheet's print page lists the new format (the server's list) and downloads its PDF
    page.goto(base + f"/app/print/self-assessment/{sheet}")
    wait_ready(page)
    page.locator(".el-select:has(#print-format)").click()
    page.locator(".el-select-dropdown__item:visible", has_text=name).first.click()
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 PDF", exact=True).click()
    with open(download.value.path(), "rb") as handle:
        text = squeeze(pages_text(handle.read())[0])
    assert new_title in text and TITLE not in text


def test_copy_2018_into_2019_publish_only_when_the_total_is_right(studio_world, page):
    base, world = studio_world.url, studio_world
    with world.ctx() as ctx:
        assert not ctx.get_value("Scoring Template", {"year": 2019}, "name")
        source = ctx.get_value("Scoring Template", {"year": YEAR}, "name")
    login(page, base, CITY_ADMIN)
    page.goto(base + f"/app/studio/scoring-template/{source}")
    wait_ready(page)
    page.fill("#st-year", "2019")
    page.locator("#st-year").press("Tab")
    page.locator("[data-action=copy-year]").click()
    page.wait_for_url("**/scoring-template/*2019*", timeout=TIMEOUT)
    expect(page.locator("[data-studio=status]")).to_have_text("草稿", timeout=TIMEOUT)
    expect(page.locator("table[data-studio=items] tbody tr")).to_have_count(36)
    axe(page, "the scoring template editor")

    points = page.locator("input[aria-label='分值 1.1']")
    old = float(points.input_value())
    points.fill(str(int(old + 2)))
    points.press("Tab")
    expect(page.locator("[data-studio=sum]")).to_contain_text("102")
    page.locator("[data-action=save]").click()
    expect(page.locator("[data-studio=saved]")).to_contain_text("已保存", timeout=TIMEOUT)
    expect(page.locator("[data-studio=problems]")).to_contain_text("相差")
    page.locator("[data-action=publish]").click()
    expect(page.locator("[data-studio=error]")).to_contain_text("不能发布", timeout=TIMEOUT)
    expect(page.locator("[data-studio=status]")).to_have_text("草稿")
    shot(page, "studio-template", top=True)

    other = page.locator("input[aria-label='分值 1.3']")
    other.fill(str(int(float(other.input_value()) - 2)))
    other.press("Tab")
    expect(page.locator("[data-studio=sum]")).to_contain_text("100 分 / 满分 100")
    page.locator("[data-action=save]").click()
    expect(page.locator("[data-studio=saved]")).to_contain_text("已保存", timeout=TIMEOUT)
    page.locator("[data-action=publish]").click()
    expect(page.locator("[data-studio=status]")).to_have_text("已发布", timeout=TIMEOUT)
    with world.ctx() as ctx:
        published = ctx.get_doc("Scoring Template", ctx.get_value("Scoring Template", {"year": 2019}, "name"))
        assert published.status == "已发布" and published.published_by == CITY_ADMIN
        assert next(r.points for r in published.items if r.code == "1.1") == old + 2

    # the year wizard: open 2019 with it; the checklist says what is ready
    page.goto(base + "/app/studio/year/2019")
    wait_ready(page)
    page.locator(".el-select:has(#yw-template)").click()
    page.locator(".el-select-dropdown__item:visible", has_text=published.name).first.click()
    page.locator("[data-action=save-year]").click()
    checklist = page.locator("[data-studio=checklist]")
    expect(checklist.locator("[data-check=year]")).to_contain_text("已开启", timeout=TIMEOUT)
    expect(checklist.locator("[data-check=template]")).to_contain_text(published.name)
    expect(checklist.locator("[data-check=template] .mark")).to_have_text("✔")
    axe(page, "the year wizard")
    page.goto(base + "/app/studio")
    wait_ready(page)
    expect(page.locator("[data-studio=tool]")).to_have_count(4)
    axe(page, "the studio's home")
    no_sideways_scroll(page)
    shot(page, "studio-year")


def test_a_district_administrator_reaches_no_studio_tool(studio_world, page):
    base = studio_world.url
    district_admin = next(u for u, info in studio_world.users.items() if info["role"] == "区级管理员")
    login(page, base, district_admin)
    wait_ready(page)
    expect(page.locator("[data-menu=studio]")).to_have_count(0)
    for path in ("/app/studio/workflow/达标自评", "/app/studio/print-format", "/app/studio/scoring-template", "/app/studio/year/2019"):
        page.goto(base + path)
        wait_ready(page)
        expect(page.get_by_role("alert").first).to_contain_text("没有使用设计工具的权限", timeout=TIMEOUT)
        expect(page.locator("[data-action=apply], [data-action=save], [data-action=publish], [data-action=save-year]")).to_have_count(0)
    with httpx.Client(base_url=base, timeout=30) as http:
        assert http.post("/api/method/login", json={"usr": district_admin, "pwd": DEMO_PASSWORD}).status_code == 200
        assert http.get("/api/method/sixhave.studio.year.state", params={"year": 2019}).status_code == 403
