"""Every page of the desk for the people who use it: no serious or critical accessibility problem
(axe-core), no sideways scrolling at a 390 px phone width, 16 px type at least and a 大字 mode at
20 px kept on the account, Simplified Chinese by default with English switchable and saved, deep
links and the back button, a strict Content Security Policy that the pages keep. The run saves
screenshots of the key pages at desktop and phone width (docs/screenshots/, shown in the README)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import SCREENSHOTS, YEAR, submitted_sheet
from tests.desk.ui import TIMEOUT, axe, form_url, login, no_sideways_scroll, screenshot, wait_ready


@pytest.fixture(scope="module")
def sheet(desk_sqlite):
    """A self assessment of branch 3 with its evidence, for the form pages."""
    branch = desk_sqlite.branches[3]
    with desk_sqlite.site.context(ignore_permissions=True) as ctx:
        name = ctx.get_value("Self Assessment", {"party_org": branch["name"], "year": YEAR}, "name")
        if not name:
            name = ctx.insert({"doctype": "Self Assessment", "party_org": branch["name"], "year": YEAR}).name
    return name


def _csp_watch(page) -> list:
    problems = []
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def _check(page, base, path, name, *, shot: str | None = None):
    page.goto(base + path)
    wait_ready(page)
    page.wait_for_timeout(400)
    axe(page, name)
    size = float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))
    assert size >= 16, f"{name}: body text is {size}px"
    if shot:
        screenshot(page, shot)
    else:
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        no_sideways_scroll(page)
        page.set_viewport_size({"width": 1366, "height": 768})


def test_pages_are_accessible_and_fit_a_phone(desk_sqlite, sheet, browser):
    base = desk_sqlite.url
    secretary = desk_sqlite.secretary(3)
    branch = desk_sqlite.branches[3]

    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768}, bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=TIMEOUT)
    axe(page, "login")
    screenshot(page, "login")
    login(page, base, secretary)
    _check(page, base, "/app", "home (secretary)", shot="home")
    _check(page, base, "/app/party-member", "list", shot="list")
    _check(page, base, "/app/meeting/new", "new meeting form")
    _check(page, base, form_url("Self Assessment", sheet), "达标自评表", shot="self-assessment")
    _check(page, base, "/app/change-password", "change password")
    _check(page, base, "/app/data-import", "import")
    _check(page, base, f"/app/print/self-assessment/{sheet}", "print")
    # the phone's menu is a drawer
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/app")
    wait_ready(page)
    page.get_by_role("button", name="打开菜单").click()
    drawer = page.get_by_role("dialog", name="功能菜单")
    expect(drawer).to_be_visible()
    expect(drawer.get_by_role("menuitem", name="达标自评表", exact=True)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "menu-phone.png"))
    drawer.get_by_role("menuitem", name="党员", exact=True).click()
    page.wait_for_url("**/app/party-member")
    context.close()

    reviewer_ctx = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768}, bypass_csp=True)
    page = reviewer_ctx.new_page()
    # a reviewer with a sheet waiting, so that the queue shows what a working day looks like
    waiting = next(b for b in desk_sqlite.branches[1:] if b["district"])
    submitted_sheet(desk_sqlite, waiting)
    login(page, base, desk_sqlite.reviewer_of(waiting["district"]))
    _check(page, base, "/app", "home (district reviewer)")
    _check(page, base, "/app/queue", "queue", shot="queue")
    _check(page, base, "/app/self-assessment", "list of sheets")
    reviewer_ctx.close()

    city_ctx = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768}, bypass_csp=True)
    page = city_ctx.new_page()
    login(page, base, "city.reviewer@wuxi.example")
    _check(page, base, "/app", "home (city)", shot="city-home")
    _check(page, base, "/app/dashboard", "dashboard", shot="dashboard")
    city_ctx.close()


def test_pages_keep_a_strict_content_security_policy(desk_sqlite, sheet, browser):
    """The desk's pages work under their CSP (no inline script or style but the nonce'd token)."""
    base = desk_sqlite.url
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    problems = _csp_watch(page)
    response = page.goto(base + "/login")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    login(page, base, "city.reviewer@wuxi.example")
    for path in ("/app", "/app/queue", "/app/dashboard", "/app/self-assessment", form_url("Self Assessment", sheet),
                 "/app/party-member/new", f"/app/print/self-assessment/{sheet}"):
        page.goto(base + path)
        wait_ready(page)
        page.wait_for_timeout(300)
    expect(page.locator("iframe.frame")).to_be_visible(timeout=TIMEOUT)
    context.close()
    assert not problems, problems


def test_large_type_and_english_are_kept_on_the_account(desk_sqlite, page):
    base = desk_sqlite.url
    user = desk_sqlite.secretary(2)
    login(page, base, user)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    expect(page.locator("aside").get_by_role("menuitem", name="首页")).to_be_visible()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 16

    page.get_by_role("button", name="大字", exact=True).click()
    expect(page.locator("html.large-text")).to_have_count(1)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 20
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("aside").get_by_role("menuitem", name="Home")).to_be_visible()

    page.wait_for_timeout(500)  # the preferences are saved on the account: a new visit keeps them
    page.reload()
    wait_ready(page)
    expect(page.locator("aside").get_by_role("menuitem", name="Home")).to_be_visible(timeout=TIMEOUT)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 20
    axe(page, "home in English with large type")
    no_sideways_scroll(page)

    page.get_by_role("button", name="中文", exact=True).click()
    page.get_by_role("button", name="标准字", exact=True).click()
    expect(page.locator("aside").get_by_role("menuitem", name="首页")).to_be_visible()
    expect(page.locator("html.large-text")).to_have_count(0)


def test_deep_links_back_button_and_expired_session(desk_sqlite, page):
    base = desk_sqlite.url
    # a deep link asks to log in first, then lands where it pointed
    page.goto(base + "/app/party-member?q=PM")
    page.wait_for_url("**/login?redirect-to=**")
    page.fill("#login-usr", desk_sqlite.secretary(1))
    page.fill("#login-pwd", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_url("**/app/party-member?q=PM", timeout=TIMEOUT)
    expect(page.locator("#list-search")).to_have_value("PM")
    first = page.locator(".list-table tbody tr a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url("**/app/party-member/PM-**")
    expect(page.get_by_role("heading", level=1)).to_contain_text(name.split("（")[0])
    page.go_back()
    page.wait_for_url("**/app/party-member?q=PM")
    expect(page.locator(".list-table")).to_contain_text(name)
    page.go_forward()
    page.wait_for_url("**/app/party-member/PM-**")
    expect(page.get_by_role("heading", level=1)).to_contain_text(name.split("（")[0])
    wait_ready(page)
    # the session ends (as after a long absence): the next step says so, in plain words
    page.context.clear_cookies()
    page.locator("nav.crumbs").get_by_role("link", name="党员").click()
    page.wait_for_url("**/login**expired=1**", timeout=TIMEOUT)
    expect(page.get_by_text("登录已过期")).to_be_visible()


def test_login_messages_in_plain_chinese(desk_sqlite, page):
    base = desk_sqlite.url
    page.goto(base + "/login")
    page.click("button[type=submit]")
    expect(page.get_by_text("请输入用户名或邮箱")).to_be_visible()
    expect(page.get_by_text("请输入密码")).to_be_visible()
    ghost = "nobody-at-all@wuxi.example"
    for _ in range(5):
        page.fill("#login-usr", ghost)
        page.fill("#login-pwd", "guess")
        with page.expect_response("**/api/method/login"):
            page.click("button[type=submit]")
        expect(page.locator("p.error")).to_contain_text("用户名或密码不正确")
    page.fill("#login-usr", ghost)
    page.fill("#login-pwd", "guess")
    with page.expect_response("**/api/method/login") as answer:
        page.click("button[type=submit]")
    assert answer.value.status == 429
    expect(page.locator("p.error")).to_contain_text("登录失败次数过多")
    expect(page.locator("p.error")).to_contain_text(re.compile(r"请 \d+ (秒|分钟)后再试"))  # how long, in plain words
