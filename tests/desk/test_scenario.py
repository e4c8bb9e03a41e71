"""The yearly review in a real browser, in the plan's words: a branch secretary records a meeting
with attendance, opens the 达标自评表, sees the evidence, fills the self scores and submits; the
district returns it with a reason; the secretary sees why, fixes it and resubmits; the district
and the city pass it; the city downloads its PDF and sees the dashboard change. On SQLite and
on MariaDB."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.desk.conftest import YEAR
from tests.desk.ui import (TIMEOUT, choose, form_url, login, pick, press, saved, type_date, wait_ready,
                           workflow_action)

REASON = "1.1 项的佐证不足：请补充支部党员大会的会议记录后再报"


def _dashboard(page, base) -> dict:
    response = page.request.get(f"{base}/api/method/sixhave.app.dashboard?year={YEAR}")
    assert response.ok, response.text()
    return response.json()["message"]


def _unit_row(data: dict, unit: str) -> dict:
    return next(u for u in data["pass_rates"]["units"] if u["unit"] == unit)


def test_branch_district_and_city_through_the_year(desk, browser):
    base = desk.url
    branch = desk.branches[0]
    with desk.ctx() as ctx:
        members = ctx.get_all("Party Member", filters={"party_org": branch["name"], "status": "在册"},
                              fields=["name", "full_name"], order_by="name asc", limit_page_length=2)
    secretary_ctx = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768})
    page = secretary_ctx.new_page()

    # --- the secretary: a wrong password is told plainly, in Chinese, whatever the browser's language
    page.goto(base + "/app")
    page.wait_for_url("**/login**")
    page.fill("#login-usr", desk.secretary(0))
    page.fill("#login-pwd", "not-the-password")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    login(page, base, desk.secretary(0))
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()

    # --- records a meeting with attendance
    page.goto(base + "/app/meeting/new")
    wait_ready(page)
    pick(page, "f-party_org", branch["name"][:4], branch["name"])
    pick(page, "f-kind", "支部党员大会")
    type_date(page, "f-meeting_date", f"{YEAR}-11-20")
    page.fill("#f-topic", "学习贯彻全会精神（浏览器测试）")
    for i, member in enumerate(members):
        press(page, "+ 添加一行")
        pick(page, f"attendance-{i}-member", member["full_name"])
        choose(page, f"attendance-{i}-attendance", "出席")
    saved(page, "**/app/meeting/MT-**")
    expect(page.locator("#f-present_count")).to_contain_text(str(len(members)))
    meeting_url = page.url
    # an attachment: uploaded to the saved meeting, listed, downloadable
    page.locator("#f-attachment").set_input_files(files=[{"name": "会议记录.txt", "mimeType": "text/plain",
                                                          "buffer": "支部党员大会会议记录".encode()}])
    expect(page.locator(".attach .file-link")).to_contain_text("会议记录.txt", timeout=TIMEOUT)
    press(page, "保存")
    expect(page.get_by_text("有未保存的修改")).to_have_count(0, timeout=TIMEOUT)
    file_link = page.locator("section[aria-labelledby=h-files] a[download]").first
    expect(file_link).to_be_visible(timeout=TIMEOUT)
    assert page.request.get(base + file_link.get_attribute("href")).text() == "支部党员大会会议记录"

    # --- opens the 达标自评表: the items with the evidence proposed from the records
    page.goto(base + "/app/self-assessment/new")
    wait_ready(page)
    pick(page, "f-party_org", branch["name"][:4], branch["name"])
    page.fill("#f-year", str(YEAR))
    saved(page, "**/app/self-assessment/ZP-**")
    sheet_url = page.url
    sheet = page.url.rsplit("/", 1)[1]
    from urllib.parse import unquote
    sheet = unquote(sheet)
    expect(page.get_by_role("heading", name="有党的组织")).to_be_visible()
    evidence_links = page.locator(".c-evidence .records a")
    expect(evidence_links.first).to_be_visible()
    assert page.locator(".c-evidence .proposed").count() >= 10
    # an evidence record opens the record it came from; the back button returns to the sheet
    meeting_links = page.locator(".c-evidence .records a[href*='/app/meeting/']")
    expect(meeting_links.first).to_be_visible()
    meeting_links.first.click()
    page.wait_for_url("**/app/meeting/**")
    expect(page.locator("#f-topic")).to_be_visible()
    page.go_back()
    page.wait_for_url(sheet_url)
    expect(page.get_by_role("heading", name="得分与结论（随填写实时计算）")).to_be_visible()

    # --- fills the self scores: the proposal where there is one, full points elsewhere
    for button in page.get_by_role("button", name="采用建议分").all():
        button.click()
    inputs = page.locator("input[id^='score-self-']")
    for i in range(inputs.count()):
        box = inputs.nth(i)
        if not box.input_value():
            row = box.locator("xpath=ancestor::tr")
            box.fill(row.locator("td.c-num").inner_text().strip())
    # only the secretary's own column may be typed in
    assert page.locator("input[id^='score-district-']").count() == 0
    assert page.locator("input[id^='score-city-']").count() == 0
    live_total = page.locator(".total.mine .tv").inner_text()
    assert live_total not in ("—", "")
    press(page, "保存")
    expect(page.get_by_text("有未保存的修改")).to_have_count(0, timeout=TIMEOUT)
    workflow_action(page, "提交")
    expect(page.locator(".status-line .state-badge")).to_contain_text("区级/单位审核")

    # --- the district reviewer returns it, and must say why
    reviewer = desk.reviewer_of(branch["district"])
    district_ctx = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768})
    rpage = district_ctx.new_page()
    login(rpage, base, reviewer, target="/app/queue")
    row = rpage.locator("tr", has_text=sheet)
    expect(row).to_be_visible(timeout=TIMEOUT)
    row.get_by_role("link", name=sheet).click()
    rpage.wait_for_url("**/app/self-assessment/**")
    rpage.locator(".wf-actions").get_by_role("button", name="退回", exact=True).click()
    dialog = rpage.get_by_role("dialog")
    dialog.get_by_role("button", name="确认退回").click()
    expect(dialog).to_contain_text("请填写理由")
    dialog.locator("textarea").fill(REASON)
    dialog.get_by_role("button", name="确认退回").click()
    expect(dialog).to_be_hidden(timeout=TIMEOUT)
    expect(rpage.locator(".status-line .state-badge")).to_contain_text("草稿")

    # --- the secretary sees why, fixes it and resubmits
    page.goto(sheet_url)
    wait_ready(page)
    expect(page.get_by_role("alert").filter(has_text=REASON)).to_be_visible()
    expect(page.locator(".history")).to_contain_text(REASON)
    page.goto(meeting_url)
    wait_ready(page)
    page.fill("#f-place", "社区党员活动室")
    press(page, "保存")
    expect(page.get_by_text("有未保存的修改")).to_have_count(0, timeout=TIMEOUT)
    page.goto(sheet_url)
    wait_ready(page)
    first = page.locator("input[id^='score-self-']").first
    first.fill(page.locator("tbody tr").first.locator("td.c-num").inner_text().strip())
    page.fill("#f-self_opinion", "已补充会议记录，重新提交。")
    press(page, "保存")
    expect(page.get_by_text("有未保存的修改")).to_have_count(0, timeout=TIMEOUT)
    workflow_action(page, "提交", comment="已按要求补充")
    expect(page.locator(".status-line .state-badge")).to_contain_text("区级/单位审核")

    # --- the district passes it from its queue, as a batch
    rpage.goto(base + "/app/queue")
    wait_ready(rpage)
    row = rpage.locator("tr", has_text=sheet)
    row.locator(".el-checkbox").click()
    rpage.get_by_role("button", name="批量通过").click()
    dialog = rpage.get_by_role("dialog")
    dialog.get_by_role("button", name="确认通过").click()
    expect(dialog.locator(".results .ok")).to_contain_text("市级考评", timeout=TIMEOUT)

    # --- the city passes it, downloads its PDF, and sees the dashboard change
    city_ctx = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768}, accept_downloads=True)
    cpage = city_ctx.new_page()
    login(cpage, base, "city.reviewer@wuxi.example")
    before = _unit_row(_dashboard(cpage, base), branch["district"])
    cpage.goto(base + form_url("Self Assessment", sheet))
    wait_ready(cpage)
    city_scores = cpage.locator("input[id^='score-city-']")
    assert city_scores.count() == 36 and cpage.locator("input[id^='score-self-']").count() == 0
    for i in range(city_scores.count()):
        box = city_scores.nth(i)
        box.fill(box.locator("xpath=ancestor::tr").locator("td.c-num").inner_text().strip())
    expect(cpage.locator(".total.mine .tr")).to_have_text("达标")
    press(cpage, "保存")
    expect(cpage.get_by_text("有未保存的修改")).to_have_count(0, timeout=TIMEOUT)
    workflow_action(cpage, "达标")
    expect(cpage.locator(".status-line .state-badge")).to_contain_text("达标")
    cpage.get_by_role("link", name="打印", exact=True).click()
    cpage.wait_for_url("**/app/print/**")
    with cpage.expect_download() as download:
        press(cpage, "下载 PDF")
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    after_api = _dashboard(cpage, base)
    after = _unit_row(after_api, branch["district"])
    assert after["passed"] == before["passed"] + 1 and after["decided"] == before["decided"] + 1
    cpage.goto(base + "/app/dashboard")
    wait_ready(cpage)
    table = cpage.locator("table[data-chart=pass-rates]")
    expect(table).to_be_visible(timeout=TIMEOUT)
    shown = table.evaluate("t => [...t.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()))")
    expected = [[u["unit"], str(u["assessed"]), str(u["decided"]), str(u["passed"]), "—" if u["rate"] is None else f"{u['rate']:g}%"]
                for u in after_api["pass_rates"]["units"]]
    assert shown == expected  # the page's figures are the API's
    # the chart's row for the district opens the sheets behind it
    table.get_by_role("link", name=branch["district"], exact=True).click()
    cpage.wait_for_url("**/app/self-assessment**")
    expect(cpage.get_by_role("link", name=branch["name"]).first).to_be_visible(timeout=TIMEOUT)
    for context in (secretary_ctx, district_ctx, city_ctx):
        context.close()
