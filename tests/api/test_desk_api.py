"""The engine methods the desk uses, through the REST API as any client would: metadata for those
who may read a DocType (only the fields they may read, customisations applied), a document with
what the user may change in it now, comments, boot info, the search box, the password, and the
pages that serve the desk (login, /app deep links, assets, CSRF)."""
import httpx
import pytest

from tests.api.conftest import call, ensure_template, login
from tests.conftest import unique


@pytest.fixture(scope="module")
def sheet(server, world, site):
    ensure_template(site, 2018)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        r = http.post("/api/resource/Party Organization", headers=world["liangxi_admin"].token, json={
            "org_name": f"桌面测试党支部{unique()}", "org_type": "党支部", "sector": "社区", "parent_unit": "健康社区"})
        assert r.status_code == 200, r.text
        branch = r.json()["data"]
        r = http.post("/api/resource/Self Assessment", headers=world["secretary"].token,
                      json={"party_org": branch["name"], "year": 2018})
        assert r.status_code == 200, r.text
    with site.context() as ctx:  # every item self-scored, so that the sheet can be submitted (plan §四4)
        doc = ctx.get_doc("Self Assessment", r.json()["data"]["name"])
        for row in doc.items:
            row.self_score = row.points
        doc.save()
        return doc.as_dict()


def _getdoctype(http, person, doctype):
    return call(http, person, "frappe.desk.form.load.getdoctype", verb="GET", doctype=doctype)


def test_getdoctype_is_open_to_readers_with_their_fields_only(http, world, site):
    secretary = world["secretary"]
    # the DocType record itself stays closed to a secretary …
    assert http.get("/api/resource/DocType/Self Assessment", headers=secretary.token).status_code == 403
    # … but the desk's metadata call answers, with the child DocTypes
    r = _getdoctype(http, secretary, "Self Assessment")
    assert r.status_code == 200, r.text
    assert r.json()["docs"] == r.json()["message"]["docs"]  # Frappe's top-level "docs"
    docs = {d["name"]: d for d in r.json()["docs"]}
    assert {"Self Assessment", "Self Assessment Item", "Self Assessment Bonus", "Self Assessment Veto"} <= set(docs)
    meta = docs["Self Assessment"]
    assert meta["label"] == "达标自评表" and "permissions" not in meta
    assert meta["__perm"]["0"]["create"] == 1 and "write" not in meta["__perm"]["1"]
    assert meta["__workflow"]["state_field"] == "workflow_state"
    assert {s["state"] for s in meta["__workflow"]["states"]} >= {"草稿", "区级/单位审核", "达标"}
    mine = [t for t in meta["__workflow"]["transitions"] if t["mine"]]
    assert {t["action"] for t in mine} == {"提交"}
    # nobody may read it: refused
    assert _getdoctype(http, world["nobody"], "Self Assessment").status_code == 403
    assert _getdoctype(http, secretary, "No Such DocType").status_code == 404


def test_getdoctype_hides_unreadable_levels_and_applies_customisations(http, world, site):
    admin = world["sysman"]
    fieldname = "desk_" + unique().lower()
    made = []  # removed at the end: the site is shared with other tests
    try:
        for values in ({"dt": "Party Member", "fieldname": fieldname, "label": "内部备注", "fieldtype": "Small Text",
                        "permlevel": 3, "insert_after": "phone"},
                       {"dt": "Party Member", "fieldname": fieldname + "_v", "label": "志愿服务", "fieldtype": "Data",
                        "insert_after": "phone", "in_list_view": 1}):
            r = http.post("/api/resource/Custom Field", headers=admin.token, json=values)
            assert r.status_code == 200, r.text
            made.append(("Custom Field", r.json()["data"]["name"]))
        r = http.post("/api/resource/Property Setter", headers=admin.token, json={
            "doc_type": "Party Member", "doctype_or_field": "DocField", "field_name": fieldname + "_v", "property": "label",
            "value": "志愿服务（每月）", "property_type": "Data"})
        assert r.status_code == 200, r.text
        made.append(("Property Setter", r.json()["data"]["name"]))
        docs = _getdoctype(http, world["secretary"], "Party Member").json()["message"]["docs"]
        fields = {f["fieldname"]: f for f in docs[0]["fields"]}
        assert fieldname not in fields  # permlevel 3: no role of a secretary reads it
        assert fields[fieldname + "_v"]["label"] == "志愿服务（每月）" and fields[fieldname + "_v"]["in_list_view"] == 1
        # the field is there for whoever holds level 3 (here: the Administrator, who holds every level)
        from sixhave_app.engine.api import desk

        with site.context(user="Administrator") as ctx:
            admin_fields = {f["fieldname"] for f in desk.getdoctype(ctx, doctype="Party Member").body["docs"][0]["fields"]}
        assert fieldname in admin_fields
    finally:
        for doctype, name in reversed(made):
            assert http.delete(f"/api/resource/{doctype}/{name}", headers=admin.token).status_code in (200, 202)


def test_getdoc_says_what_each_actor_may_change_now(http, world, sheet):
    secretary, district = world["secretary"], world["liangxi_reviewer"]
    r = call(http, secretary, "frappe.desk.form.load.getdoc", verb="GET", doctype="Self Assessment", name=sheet["name"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["docs"][0]["name"] == sheet["name"] and body["message"]["docinfo"] == body["docinfo"]
    info = body["docinfo"]
    items = info["editable"]["tables"]["items"]
    assert "self_score" in items["fields"] and "district_score" not in items["fields"] and not items["rows"]
    assert "self_opinion" in info["editable"]["fields"] and "district_opinion" not in info["editable"]["fields"]
    assert [t["action"] for t in info["transitions"]] == ["提交"]
    assert info["permissions"]["read"] == 1 and info["permissions"]["print"] == 1
    # in the district's state, the district's column and nothing of the branch's
    assert call(http, secretary, "frappe.model.workflow.apply_workflow", doc={"doctype": "Self Assessment", "name": sheet["name"]},
                action="提交").status_code == 200
    info = call(http, district, "frappe.desk.form.load.getdoc", verb="GET", doctype="Self Assessment", name=sheet["name"]).json()["message"]["docinfo"]
    assert info["editable"]["tables"]["items"]["fields"] == ["district_score", "district_remark"]
    assert {t["action"] for t in info["transitions"]} == {"通过", "退回"}
    mine = call(http, secretary, "frappe.desk.form.load.getdoc", verb="GET", doctype="Self Assessment", name=sheet["name"]).json()["message"]["docinfo"]
    assert mine["editable"] == {"fields": [], "tables": {}}
    assert [h["action"] for h in mine["workflow_history"]] == ["提交"]
    # another district sees nothing of it
    assert call(http, world["xishan_reviewer"], "frappe.desk.form.load.getdoc", verb="GET", doctype="Self Assessment",
                name=sheet["name"]).status_code == 404


def test_comments_follow_the_read_right(http, world, sheet):
    r = call(http, world["liangxi_reviewer"], "frappe.desk.form.utils.add_comment", reference_doctype="Self Assessment",
             reference_name=sheet["name"], content="<b>请补充</b>会议记录", comment_by="冒名的人")
    assert r.status_code == 200, r.text
    assert r.json()["message"]["comment_by"] != "冒名的人"
    assert call(http, world["xishan_reviewer"], "frappe.desk.form.utils.add_comment", reference_doctype="Self Assessment",
                reference_name=sheet["name"], content="看不到也评论").status_code == 404
    empty = call(http, world["liangxi_reviewer"], "frappe.desk.form.utils.add_comment", reference_doctype="Self Assessment",
                 reference_name=sheet["name"], content="  ")
    assert empty.status_code == 417 and empty.json()["field"] == "content"
    info = call(http, world["secretary"], "frappe.desk.form.load.getdoc", verb="GET", doctype="Self Assessment",
                name=sheet["name"]).json()["message"]["docinfo"]
    assert any(c["content"] == "<b>请补充</b>会议记录" for c in info["comments"])


def test_boot_lists_only_what_the_user_may_read(http, world, server):
    client = login(server, world["secretary"])
    boot = client.get("/api/method/sixhave.desk.boot").json()["message"]
    names = {d["name"] for g in boot["sidebar"] for d in g["doctypes"]}
    assert {"Party Member", "Meeting", "Self Assessment"} <= names
    assert not names & {"DocType", "Custom Field", "User", "Role"}
    assert boot["language"] == "zh" and boot["csrf_token"]
    assert any(g["label"] == "台账" for g in boot["sidebar"])
    # the boot call made the session a desk session: changes now need the token
    refused = client.post("/api/method/sixhave.desk.save_preferences", json={"large_text": 1})
    assert refused.status_code == 400 and refused.json()["exc_type"] == "CSRFTokenError"
    saved = client.post("/api/method/sixhave.desk.save_preferences", json={"large_text": 1, "language": "en"},
                        headers={"X-Frappe-CSRF-Token": boot["csrf_token"]})
    assert saved.status_code == 200
    again = client.get("/api/method/sixhave.desk.boot").json()["message"]
    assert again["large_text"] == 1 and again["language"] == "en"
    bad = client.post("/api/method/sixhave.desk.save_preferences", json={"language": "fr"},
                      headers={"X-Frappe-CSRF-Token": boot["csrf_token"]})
    assert bad.status_code == 417 and bad.json()["field"] == "language"
    client.post("/api/method/sixhave.desk.save_preferences", json={"large_text": 0, "language": "zh"},
                headers={"X-Frappe-CSRF-Token": boot["csrf_token"]})


def test_the_search_box_keeps_to_the_scope(http, world, sheet):
    mine = call(http, world["liangxi_reviewer"], "sixhave.desk.search", verb="GET", txt=sheet["party_org"][:8]).json()["message"]
    assert any(r["doctype"] == "Self Assessment" and r["name"] == sheet["name"] for r in mine)
    other = call(http, world["xishan_reviewer"], "sixhave.desk.search", verb="GET", txt=sheet["party_org"][:8]).json()["message"]
    assert not any(sheet["party_org"] in (r["name"], r["title"]) for r in other)


def test_changing_the_password(server, world, site):
    email = f"pw{unique()}@example.cn"
    with site.context() as ctx:
        ctx.insert({"doctype": "User", "email": email, "first_name": "改密码", "new_password": "Old-pass-123",
                    "roles": [{"role": "支部书记"}]})
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert client.post("/api/method/login", json={"usr": email, "pwd": "Old-pass-123"}).status_code == 200
        method = "/api/method/frappe.core.doctype.user.user.update_password"
        wrong = client.post(method, json={"old_password": "nope", "new_password": "New-pass-456"})
        assert wrong.status_code == 417 and wrong.json()["field"] == "old_password"
        short = client.post(method, json={"old_password": "Old-pass-123", "new_password": "abc1"})
        assert short.status_code == 417 and short.json()["field"] == "new_password"
        assert client.post(method, json={"old_password": "Old-pass-123", "new_password": "New-pass-456"}).status_code == 200
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert client.post("/api/method/login", json={"usr": email, "pwd": "Old-pass-123"}).status_code == 401
        assert client.post("/api/method/login", json={"usr": email, "pwd": "New-pass-456"}).status_code == 200


def test_the_desk_pages(server, world):
    with httpx.Client(base_url=server.url, timeout=30) as guest:
        root = guest.get("/")
        assert root.status_code == 302 and root.headers["location"] == "/login"
        deep = guest.get("/app/self-assessment/ZP-2018-x?x=1")
        assert deep.status_code == 302 and deep.headers["location"].startswith("/login?redirect-to=/app/self-assessment/ZP-2018-x")
        page = guest.get("/login")
        assert page.status_code == 200 and '<div id="app">' in page.text
        assert "unsafe-inline" not in page.headers["content-security-policy"]
        script = page.text.split('src="')[1].split('"')[0]
        asset = guest.get(script, headers={"Accept-Encoding": "gzip"})
        assert asset.status_code == 200 and asset.headers["content-type"].startswith("text/javascript")
        assert asset.headers["content-encoding"] == "gzip" and "immutable" in asset.headers["cache-control"]
        assert guest.get("/assets/desk/../../../setup.py").status_code == 404
        assert guest.get("/assets/desk/index.html").status_code == 404
    client = login(server, world["secretary"])
    page = client.get("/app/party-member/PM-00001")
    assert page.status_code == 200 and "window.csrf_token = '" in page.text
    nonce = page.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page.text
    assert client.get("/login").status_code == 302  # signed in already: on to the desk
