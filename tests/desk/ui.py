"""What a person does in the desk, as Playwright steps: log in, choose from a picker, type a date,
press a button; and the checks every page gets (axe-core, no sideways scroll, screenshots)."""
from __future__ import annotations

import json
from urllib.parse import quote

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.desk.conftest import AXE, DEMO_PASSWORD, SCREENSHOTS

TIMEOUT = 20_000


def slug(doctype: str) -> str:
    return doctype.lower().replace(" ", "-")


def form_url(doctype: str, name: str) -> str:
    return f"/app/{slug(doctype)}/{quote(name, safe='')}"


def login(page: Page, base: str, user: str, password: str = DEMO_PASSWORD, *, target: str = "/app") -> None:
    page.goto(base + "/login?redirect-to=" + quote(target, safe="/"))
    page.fill("#login-usr", user)
    page.fill("#login-pwd", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url, timeout=TIMEOUT)
    expect(page.locator("header.topbar")).to_be_visible(timeout=TIMEOUT)


def logout(page: Page) -> None:
    page.click(".user-btn")
    page.get_by_role("menuitem", name="退出登录").click()
    page.wait_for_url("**/login**", timeout=TIMEOUT)


def wait_ready(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    expect(page.locator("[role=status]:has-text('正在加载')")).to_have_count(0, timeout=TIMEOUT)


def pick(page: Page, input_id: str, text: str, option: str | None = None) -> None:
    """Choose in a Link picker: type, wait for the server's suggestions, click the one wanted —
    and, as a person would, choose again if the list was redrawn under the click (a slow machine:
    the suggestions for the empty text arriving after those for the typed text) and nothing was
    chosen."""
    want = option or text
    select = page.locator(f".el-select:has(#{input_id})")
    for _ in range(3):
        box = page.locator(f"#{input_id}")
        box.click()
        box.fill(text)
        item = page.locator(".el-select-dropdown__item:visible", has_text=want).first
        item.wait_for(timeout=TIMEOUT)
        item.click()
        try:
            select.filter(has_text=want).wait_for(timeout=3000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")


def choose(page: Page, input_id: str, option: str) -> None:
    """Choose in a plain Select."""
    page.locator(f".el-select:has(#{input_id})").click()
    page.locator(".el-select-dropdown__item:visible", has_text=option).first.click()


def type_date(page: Page, input_id: str, iso: str) -> None:
    y, m, d = (int(p) for p in iso.split("-"))
    box = page.locator(f"#{input_id}")
    box.click()
    box.fill(f"{y}年{m}月{d}日")
    box.press("Enter")
    page.keyboard.press("Escape")


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()


def workflow_action(page: Page, action: str, comment: str | None = None, target: str | None = None) -> None:
    page.locator(".wf-actions").get_by_role("button", name=action, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    if target:
        dialog.get_by_role("radio", name=target).check()
    if comment:
        dialog.locator("textarea").fill(comment)
    dialog.get_by_role("button", name=f"确认{action}").click()
    expect(dialog).to_be_hidden(timeout=TIMEOUT)


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport + 1, f"the page scrolls sideways at {viewport}px (content {width}px): {page.url}"


def axe(page: Page, what: str) -> None:
    """axe-core (npm) in the page: no serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    }""")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe: {what} has serious or critical violations:\n" + json.dumps(bad, ensure_ascii=False, indent=1)


def screenshot(page: Page, name: str) -> None:
    """The key pages at desktop and phone width, for the README (docs/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"))
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet, upright
    page.wait_for_timeout(300)
    no_sideways_scroll(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"))
    page.set_viewport_size(size)
    page.wait_for_timeout(200)


def explain(page: Page) -> str:
    """What the page says is wrong (for failure messages): alerts and field errors."""
    import os
    import tempfile

    page.screenshot(path=os.path.join(tempfile.gettempdir(), "desk-failure.png"), full_page=True)
    texts = page.locator("[role=alert], .form-field .error, .el-message").all_inner_texts()
    return " | ".join(t.strip() for t in texts if t.strip()) or "(no message on the page)"


def saved(page: Page, url_glob: str) -> None:
    """Press 保存 and wait for the saved record's page; on failure, say what the page said."""
    press(page, "保存")
    try:
        page.wait_for_url(url_glob, timeout=TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - re-raised with the page's own words
        raise AssertionError(f"saving did not reach {url_glob}: {explain(page)}") from exc
