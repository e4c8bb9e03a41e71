"""A district reviewer cannot see another district's sheets in any page of the desk: list, form by
URL, search box, review queue, dashboard, print, link picker — and the security of values: what a
field holds is shown as text, never run as HTML."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.desk.conftest import submitted_sheet
from tests.desk.ui import TIMEOUT, form_url, login, wait_ready


@pytest.fixture(scope="module")
def two_districts(desk_sqlite):
    """Submitted sheets of two branches in different districts (not branch 0: the scenario's)."""
    world = desk_sqlite
    by_district = {}
    for b in world.branches[1:]:
        if b["district"]:
            by_district.setdefault(b["district"], b)
    assert len(by_district) >= 2, f"the demo world needs branches in two districts: {world.branches}"
    (mine_district, mine), (other_district, other) = list(by_district.items())[:2]
    names = {b["name"]: submitted_sheet(world, b) for b in (mine, other)}
    return {"reviewer": world.reviewer_of(mine_district), "mine": mine, "mine_sheet": names[mine["name"]],
            "other": other, "other_sheet": names[other["name"]], "other_district": other_district}


def test_a_district_reviewer_sees_only_their_district(desk_sqlite, two_districts, page):
    base = desk_sqlite.url
    d = two_districts
    login(page, base, d["reviewer"])

    # the list: own district's sheet, not the other's
    page.goto(base + "/app/self-assessment")
    wait_ready(page)
    expect(page.locator(".list-table")).to_contain_text(d["mine"]["name"], timeout=TIMEOUT)
    expect(page.locator(".list-table")).not_to_contain_text(d["other"]["name"])
    # its Excel export holds only what the list shows
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 Excel").click()
    import io

    from openpyxl import load_workbook

    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert any(d["mine"]["name"] in c for c in cells) and not any(d["other"]["name"] in c for c in cells)
    # searching the list for it finds nothing
    page.fill("#list-search", d["other"]["name"][:6])
    expect(page.locator(".list-table")).not_to_contain_text(d["other"]["name"])

    # the form by its URL: "not found", nothing of it shown
    page.goto(base + form_url("Self Assessment", d["other_sheet"]))
    expect(page.get_by_text("找不到这份单据")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("body")).not_to_contain_text("评分标准")

    # the search box
    page.goto(base + "/app")
    wait_ready(page)
    page.fill("#desk-search", d["other"]["name"][:6])
    page.wait_for_timeout(1200)
    suggestions = page.locator(".el-autocomplete-suggestion")
    assert d["other"]["name"] not in " ".join(suggestions.all_inner_texts())
    page.fill("#desk-search", d["mine"]["name"][:6])
    expect(page.locator(".el-autocomplete-suggestion li", has_text=d["mine"]["name"]).first).to_be_visible(timeout=TIMEOUT)

    # the review queue
    page.goto(base + "/app/queue")
    wait_ready(page)
    expect(page.locator(".qtable")).to_contain_text(d["mine_sheet"], timeout=TIMEOUT)
    expect(page.locator(".qtable")).not_to_contain_text(d["other_sheet"])

    # the dashboard counts nothing of the other district
    page.goto(base + "/app/dashboard")
    wait_ready(page)
    table = page.locator("table[data-chart=pass-rates]")
    expect(table).to_be_visible(timeout=TIMEOUT)
    rows = table.evaluate("t => Object.fromEntries([...t.querySelectorAll('tbody tr')].map(r => [r.cells[0].textContent.trim(), r.cells[1].textContent.trim()]))")
    assert rows.get(d["other_district"], "0") == "0"

    # print: refused
    page.goto(base + f"/app/print/self-assessment/{d['other_sheet']}")
    expect(page.get_by_role("alert")).to_be_visible(timeout=TIMEOUT)
    assert page.locator("iframe.frame").count() == 0

    # a link picker (the list's 党组织 filter) offers only their own organisations
    page.goto(base + "/app/self-assessment")
    wait_ready(page)
    box = page.locator("#sf-party_org")
    box.click()
    box.fill(d["other"]["name"][:6])
    page.wait_for_timeout(1200)
    assert d["other"]["name"] not in " ".join(page.locator(".el-select-dropdown__item:visible").all_inner_texts())
    box.fill(d["mine"]["name"][:6])
    expect(page.locator(".el-select-dropdown__item:visible", has_text=d["mine"]["name"]).first).to_be_visible(timeout=TIMEOUT)


def test_values_are_text_never_html(desk_sqlite, page):
    base = desk_sqlite.url
    attack = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    branch = desk_sqlite.branches[1]
    with desk_sqlite.site.context(ignore_permissions=True) as ctx:
        member = ctx.insert({"doctype": "Party Member", "full_name": "王<b>测试</b>", "party_org": branch["name"],
                             "activity": attack, "needs": "<i>需要</i>"}).name
    login(page, base, "Administrator", ADMIN_PASSWORD)
    page.goto(base + form_url("Party Member", member))
    wait_ready(page)
    expect(page.locator("#f-activity")).to_have_value(attack)
    expect(page.get_by_role("heading", level=1)).to_contain_text("王<b>测试</b>")
    page.goto(base + "/app/party-member?q=" + member)
    wait_ready(page)
    expect(page.locator(".list-table")).to_contain_text("王<b>测试</b>")
    assert page.evaluate("window.__xss") is None
    assert page.locator(".list-table b, h1 b").count() == 0
