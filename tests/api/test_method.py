"""/api/method: the frappe.client family, ping, legacy /?cmd=, whitelist, uploads, link search."""
import json

import pytest

from sixhave_app.engine import dotted
from sixhave_app.engine.api import whitelist
from tests.conftest import unique


@pytest.fixture
def admin(world):
    return world["sysman"].token


def call(http, method, headers, verb="GET", **params):
    if verb == "GET":
        return http.get(f"/api/method/{method}", headers=headers, params=params)
    return http.post(f"/api/method/{method}", headers=headers, json=params)


def test_ping_and_whitelist(http, admin):
    assert http.get("/api/method/frappe.ping").json() == {"message": "pong"}
    r = http.get("/api/method/sixhave_app.engine.site.make_engine", headers=admin)
    assert r.status_code == 403
    r = http.get("/api/method/os.system", headers=admin)
    assert r.status_code == 403
    assert http.get("/api/method/sixhave_app.engine.api.nothing_here", headers=admin).status_code == 404


def test_every_method_name_is_one_table_of_whitelisted_functions(site, http, admin):
    """The engine's names (engine/hooks.py) and the app's (hooks.py) are one table on the Site: each
    resolves to a whitelisted function, and /api/method and OpenAPI read that table alone."""
    aliases = site.hooks.method_aliases
    assert aliases["frappe.client.get_list"] == "sixhave_app.engine.api.client.get_list"  # the engine's
    assert aliases["sixhave.app.dashboard"] == "sixhave_app.six_haves.api.dashboard"  # the app's
    for name, target in aliases.items():
        assert whitelist.resolve(site, name) is dotted.resolve(target), name
    listed = http.get("/api/openapi.json", headers=admin).json()["paths"]
    methods = {path.removeprefix("/api/method/") for path in listed if path.startswith("/api/method/")}
    assert methods and methods <= set(aliases)
    assert {"sixhave.app.dashboard", "frappe.client.get_list", "sixhave.permissions.matrix"} <= methods


def test_client_family(http, admin):
    tag = unique("c")
    doc = call(http, "frappe.client.insert", admin, "POST", doc={"doctype": "Test Note", "title": tag, "qty": 2}).json()["message"]
    name = doc["name"]
    assert call(http, "frappe.client.get_count", admin, doctype="Test Note", filters=json.dumps({"title": tag})).json()["message"] == 1
    rows = call(http, "frappe.client.get_list", admin, doctype="Test Note", fields='["name","qty"]',
                filters=json.dumps({"title": tag})).json()["message"]
    assert rows == [{"name": name, "qty": 2}]
    assert call(http, "frappe.client.get_value", admin, doctype="Test Note", fieldname="qty",
                filters=json.dumps({"name": name})).json()["message"] == {"qty": 2}
    assert call(http, "frappe.client.get_value", admin, doctype="Test Note", fieldname='["qty","title"]',
                filters=name).json()["message"] == {"qty": 2, "title": tag}
    updated = call(http, "frappe.client.set_value", admin, "POST", doctype="Test Note", name=name, fieldname="qty", value=7)
    assert updated.json()["message"]["qty"] == 7
    many = call(http, "frappe.client.set_value", admin, "POST", doctype="Test Note", name=name, fieldname={"qty": 8, "ratio": 0.5})
    assert many.json()["message"]["qty"] == 8
    got = call(http, "frappe.client.get", admin, doctype="Test Note", name=name).json()["message"]
    assert got["ratio"] == 0.5
    saved = call(http, "frappe.client.save", admin, "POST", doc={**got, "title": tag + "!"}).json()["message"]
    assert saved["title"] == tag + "!"
    names = call(http, "frappe.client.insert_many", admin, "POST",
                 docs=[{"doctype": "Test Note", "title": tag + "m1"}, {"doctype": "Test Note", "title": tag + "m2"}]).json()["message"]
    assert len(names) == 2
    assert call(http, "frappe.client.delete", admin, "POST", doctype="Test Note", name=name).status_code == 200
    assert http.get(f"/api/resource/Test Note/{name}", headers=admin).status_code == 404


def test_submit_cancel_and_rename(http, admin, world):
    inv = http.post("/api/resource/Test Invoice", headers=admin, json={"customer": "甲"}).json()["data"]
    submitted = call(http, "frappe.client.submit", admin, "POST", doc=inv).json()["message"]
    assert submitted["docstatus"] == 1
    cancelled = call(http, "frappe.client.cancel", admin, "POST", doctype="Test Invoice", name=inv["name"]).json()["message"]
    assert cancelled["docstatus"] == 2
    rec = http.post("/api/resource/Test Org Record", headers=admin, json={"title": "改名", "org": "梁溪区"}).json()["data"]
    new = call(http, "frappe.client.rename_doc", admin, "POST", doctype="Test Org Record", old_name=rec["name"], new_name="新名字/" + unique())
    assert new.status_code == 200
    assert http.get("/api/resource/Test Org Record/" + new.json()["message"].replace("/", "%2F"), headers=admin).status_code == 200


def test_legacy_cmd_login_and_delete(server, world, http):
    person = world["sysman"]
    r = http.post("/", data={"cmd": "login", "usr": person.name, "pwd": person.password})
    assert r.json()["message"] == "Logged In"
    doc = http.post("/api/resource/Test Category", json={"label": unique("cmd")}).json()["data"]
    # a form body on a session cookie needs the CSRF token (a cross-site page can send a form); JSON is fine
    r = http.post("/", data={"cmd": "frappe.client.delete", "doctype": "Test Category", "name": doc["name"]})
    assert r.status_code == 400 and r.json()["exc_type"] == "CSRFTokenError"
    r = http.post("/", json={"cmd": "frappe.client.delete", "doctype": "Test Category", "name": doc["name"]})
    assert r.status_code == 200
    assert http.get("/", params={"cmd": "frappe.auth.get_logged_user"}).json()["message"] == person.name
    assert http.get("/", params={"cmd": "logout"}).status_code == 405  # changes state: POST only
    assert http.post("/", json={"cmd": "logout"}).status_code == 200


def test_upload_file_attaches_to_a_field(http, admin, server):
    rec = http.post("/api/resource/Test Note", headers=admin, json={"title": "附件"}).json()["data"]
    r = http.post("/api/method/upload_file", headers=admin, files={"file": ("会议纪要.txt", "第一次支部大会".encode(), "text/plain")},
                  data={"doctype": "Test Note", "docname": rec["name"], "fieldname": "attachment", "is_private": "1"})
    assert r.status_code == 200, r.text
    file_doc = r.json()["message"]
    assert file_doc["file_url"].startswith("/private/files/") and file_doc["file_size"] == len("第一次支部大会".encode())
    note = http.get(f"/api/resource/Test Note/{rec['name']}", headers=admin).json()["data"]
    assert note["attachment"] == file_doc["file_url"]
    content = http.get(file_doc["file_url"], headers=admin)
    assert content.status_code == 200 and content.content.decode() == "第一次支部大会"
    assert http.get(file_doc["file_url"]).status_code == 403  # a guest


def test_search_link(http, admin):
    tag = unique("s")
    http.post("/api/resource/Test Category", headers=admin, json={"label": f"{tag}党建"})
    r = call(http, "frappe.desk.search.search_link", admin, doctype="Test Category", txt=tag)
    assert [row["value"] for row in r.json()["message"]] == [f"{tag}党建"]
