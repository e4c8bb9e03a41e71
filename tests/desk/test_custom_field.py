"""An administrator adds a field to 党员 through the REST API; the desk shows it in the form and
the list at once (no restart, no rebuild): the desk is generated from the metadata."""
from __future__ import annotations

import httpx
from playwright.sync_api import expect

from sixhave_app.engine import auth
from tests.conftest import ADMIN_PASSWORD, unique
from tests.desk.ui import TIMEOUT, form_url, login, wait_ready


def test_a_custom_field_appears_in_form_and_list(desk_sqlite, page):
    base = desk_sqlite.url
    branch = desk_sqlite.branches[2]
    with desk_sqlite.site.context(ignore_permissions=True) as ctx:
        keys = auth.generate_keys(ctx, "Administrator")
        member = ctx.insert({"doctype": "Party Member", "full_name": unique("张自定"), "party_org": branch["name"]}).name
    login(page, base, "Administrator", ADMIN_PASSWORD)
    page.goto(base + "/app/party-member")
    wait_ready(page)
    expect(page.locator(".list-table thead")).not_to_contain_text("兴趣特长")

    token = {"Authorization": f"token {keys['api_key']}:{keys['api_secret']}"}
    response = httpx.post(base + "/api/resource/Custom Field", headers=token, timeout=30, json={
        "dt": "Party Member", "fieldname": "hobby", "label": "兴趣特长", "fieldtype": "Data", "insert_after": "phone",
        "in_list_view": 1, "in_standard_filter": 1, "description": "书法、合唱、太极等"})
    assert response.status_code == 200, response.text

    # the form: open a member (desk navigation, no reload) and fill the new field
    page.goto(base + form_url("Party Member", member))
    wait_ready(page)
    expect(page.get_by_text("兴趣特长", exact=True)).to_be_visible(timeout=TIMEOUT)
    page.fill("#f-hobby", "书法")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("有未保存的修改")).to_have_count(0, timeout=TIMEOUT)

    # the list: a column and a standard filter, through the breadcrumb back to the list
    page.locator("nav.crumbs").get_by_role("link", name="党员").click()
    wait_ready(page)
    expect(page.locator(".list-table thead")).to_contain_text("兴趣特长")
    expect(page.locator("label[for=sf-hobby]")).to_have_text("兴趣特长")
    page.fill("#sf-hobby", "书法")
    expect(page.locator(".list-table tbody tr", has_text=member)).to_contain_text("书法", timeout=TIMEOUT)
