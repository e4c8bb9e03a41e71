"""The administrator's studio through real HTTP, on SQLite and MariaDB: Customize Form, the custom
DocType builder, fixtures between two sites and the permission manager — used by a city
administrator who is not a System Manager, refused (403) to a district administrator, every
change recorded and revertible. Each backend gets sites of its own: these tests change metadata."""
from __future__ import annotations

import io

import httpx
import openpyxl
import pytest

from tests.api.conftest import LiveServer, call, make_world
from tests.conftest import unique


@pytest.fixture(scope="module")
def studio(site_factory, backend):
    site = site_factory(backend)
    world = make_world(site)
    with site.context() as ctx:
        ctx.insert({"doctype": "Party Organization", "org_name": unique("工作室党支部"), "org_type": "党支部",
                    "sector": "社区", "parent_unit": "健康社区"})
    server = LiveServer(site)
    server.start()
    with httpx.Client(base_url=server.url, timeout=60) as http:
        yield site, world, http
    server.stop()
    site.engine.dispose()


def ok(response):
    assert response.status_code == 200, response.text
    return response.json().get("message")


def meeting(site, **values) -> str:
    with site.context() as ctx:
        org = ctx.get_value("Party Organization", {}, "name")
        if ctx.meta("Meeting").has_field("activity_form"):  # required since the Customize Form test
            values.setdefault("activity_form", "线下")
        return ctx.insert({"doctype": "Meeting", "party_org": org, "kind": "集体学习", "meeting_date": "2018-03-01",
                           "topic": unique("主题"), **values}).name


def test_a_district_administrator_reaches_none_of_the_studio(studio):
    site, world, http = studio
    district, city = world["liangxi_admin"], world["city_admin"]
    assert "System Manager" not in city.roles
    assert ok(call(http, city, "sixhave.customize.access", verb="GET")) == {
        "customize_form": 1, "doctype_builder": 1, "permission_manager": 1, "fixtures": 1, "system_manager": 0}
    assert ok(call(http, district, "sixhave.customize.access", verb="GET")) == {
        "customize_form": 0, "doctype_builder": 0, "permission_manager": 0, "fixtures": 0, "system_manager": 0}
    doors = [("sixhave.customize.load", "GET", {"doctype": "Meeting"}),
             ("sixhave.customize.doctypes", "GET", {}),
             ("sixhave.customize.add_field", "POST", {"doctype": "Meeting", "field": {"label": "越权", "fieldtype": "Data"}}),
             ("sixhave.customize.reorder", "POST", {"doctype": "Meeting", "order": []}),
             ("sixhave.customize.history", "GET", {}),
             ("sixhave.customize.revert", "POST", {"name": "x"}),
             ("sixhave.customize.save_doctype", "POST", {"doc": {"name": "Sneaky"}}),
             ("sixhave.customize.export_fixtures", "GET", {}),
             ("sixhave.permissions.matrix", "GET", {"doctype": "Meeting"}),
             ("sixhave.permissions.save", "POST", {"doctype": "Meeting", "rows": []}),
             ("sixhave.permissions.users", "GET", {}),
             ("sixhave.permissions.set_roles", "POST", {"user": district.name, "roles": ["市级管理员"]}),
             ("sixhave.permissions.preview", "GET", {"user": city.name})]
    for method, verb, params in doors:
        response = call(http, district, method, verb=verb, **params)
        assert response.status_code == 403, (method, response.text)
    # nor through the REST API of the DocTypes behind them
    assert http.post("/api/resource/Custom Field", headers=district.token,
                     json={"dt": "Meeting", "label": "越权", "fieldtype": "Data"}).status_code == 403
    assert http.post("/api/resource/Custom DocPerm", headers=district.token,
                     json={"parent_doctype": "Meeting", "role": "区级管理员", "read": 1}).status_code == 403


def test_customize_form_add_reorder_rename_and_revert(studio):
    site, world, http = studio
    city = world["city_admin"]
    before = ok(call(http, city, "sixhave.customize.load", verb="GET", doctype="Meeting"))
    assert all(f["standard"] for f in before["fields"])
    loaded = ok(call(http, city, "sixhave.customize.add_field", doctype="Meeting", field={
        "label": "活动形式", "fieldname": "activity_form", "fieldtype": "Select", "options": "线下\n线上", "reqd": 1,
        "in_list_view": 1, "depends_on": "eval:doc.kind", "insert_after": "topic", "description": "线下或线上"}))
    names = [f["fieldname"] for f in loaded["fields"]]
    assert names[names.index("topic") + 1] == "activity_form"
    added = next(f for f in loaded["fields"] if f["fieldname"] == "activity_form")
    assert not added["standard"] and added["reqd"] == 1 and added["depends_on"] == "eval:doc.kind"

    # applies at once: required through the API, stored, listed
    r = http.post("/api/resource/Meeting", headers=city.token, json={
        "party_org": _branch(site), "kind": "集体学习", "meeting_date": "2018-04-01", "topic": unique("无形式")})
    assert r.status_code == 417 and "活动形式" in r.text
    name = meeting(site, activity_form="线上")
    template = http.get("/api/method/frappe.core.doctype.data_import.data_import.download_template", headers=city.token,
                        params={"doctype": "Meeting", "file_type": "Excel", "export_records": "blank_template"})
    assert template.status_code == 200
    headers = [c.value for c in openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
    assert any(str(h).startswith("活动形式") for h in headers), headers  # required: marked with *

    # drag and drop: the new field moves to the top
    order = ["activity_form"] + [n for n in names if n != "activity_form"]
    loaded = ok(call(http, city, "sixhave.customize.reorder", doctype="Meeting", order=order))
    assert loaded["fields"][0]["fieldname"] == "activity_form"
    docs = call(http, city, "frappe.desk.form.load.getdoctype", verb="GET", doctype="Meeting").json()["docs"]
    assert docs[0]["fields"][0]["fieldname"] == "activity_form"

    # relabel a custom field and a standard one; the values stay
    ok(call(http, city, "sixhave.customize.update_field", doctype="Meeting", fieldname="activity_form",
            values={"label": "开展形式"}))
    ok(call(http, city, "sixhave.customize.update_field", doctype="Meeting", fieldname="place", values={"label": "活动地点"}))
    with site.context() as ctx:
        assert ctx.meta("Meeting").get_field("activity_form").label == "开展形式"
        assert ctx.meta("Meeting").get_field("place").label == "活动地点"
        assert ctx.get_value("Meeting", name, "activity_form") == "线上"

    # a standard field's type stays locked; a standard field cannot be removed
    r = call(http, city, "sixhave.customize.update_field", doctype="Meeting", fieldname="place", values={"fieldtype": "Int"})
    assert r.status_code == 417 and "fieldtype" in r.text
    r = call(http, city, "sixhave.customize.remove_field", doctype="Meeting", fieldname="place")
    assert r.status_code == 417 and "标准字段" in r.text

    # removing an option in use is refused, naming the record
    r = call(http, city, "sixhave.customize.update_field", doctype="Meeting", fieldname="activity_form",
             values={"options": "线下"})
    assert r.status_code == 417 and name in r.text and "线上" in r.text

    # the history: who, what, before and after; revert the label change
    history = ok(call(http, city, "sixhave.customize.history", verb="GET", doctype="Meeting"))
    relabel = next(h for h in history if "开展形式" in str(h["changes"]))
    assert relabel["owner"] == city.name and relabel["changes"][0]["diff"]
    # a later change on the same document must be undone first
    assert history[0]["title"].endswith("活动地点") or "place" in str(history[0]["changes"])
    ok(call(http, city, "sixhave.customize.revert", name=relabel["name"]))
    with site.context() as ctx:
        assert ctx.meta("Meeting").get_field("activity_form").label == "活动形式"
        assert ctx.get_value("Meeting", name, "activity_form") == "线上"
    r = call(http, city, "sixhave.customize.revert", name=relabel["name"])
    assert r.status_code == 417 and "撤销过" in r.text


def _branch(site) -> str:
    with site.context() as ctx:
        return ctx.get_value("Party Organization", {}, "name")


def test_a_type_change_that_would_lose_data_is_refused_naming_the_rows(studio):
    site, world, http = studio
    city = world["city_admin"]
    ok(call(http, city, "sixhave.customize.add_field", doctype="Meeting",
            field={"label": "人数备注", "fieldname": "head_note", "fieldtype": "Data"}))
    good, bad = meeting(site, head_note="12"), meeting(site, head_note="十二人")
    r = call(http, city, "sixhave.customize.update_field", doctype="Meeting", fieldname="head_note",
             values={"fieldtype": "Int"})
    assert r.status_code == 417 and bad in r.text and good not in r.text
    with site.context() as ctx:
        assert ctx.meta("Meeting").get_field("head_note").fieldtype == "Data"
        assert ctx.get_value("Meeting", bad, "head_note") == "十二人"

    # a change followed by another on the same field: the later one is reverted first
    ok(call(http, city, "sixhave.customize.update_field", doctype="Meeting", fieldname="head_note", values={"label": "人数说明"}))
    ok(call(http, city, "sixhave.customize.update_field", doctype="Meeting", fieldname="head_note",
            values={"description": "如：12 人"}))
    first, second = ok(call(http, city, "sixhave.customize.history", verb="GET", doctype="Meeting"))[1::-1]
    r = call(http, city, "sixhave.customize.revert", name=first["name"])
    assert r.status_code == 417 and "请先撤销" in r.text
    ok(call(http, city, "sixhave.customize.revert", name=second["name"]))
    ok(call(http, city, "sixhave.customize.revert", name=first["name"]))
    with site.context() as ctx:
        field = ctx.meta("Meeting").get_field("head_note")
        assert field.label == "人数备注" and not field.description


def test_list_columns_and_title_field(studio):
    site, world, http = studio
    city = world["city_admin"]
    loaded = ok(call(http, city, "sixhave.customize.set_list_view", doctype="Meeting",
                     columns=["topic", "place", "meeting_date"], title_field="place"))
    listed = {f["fieldname"] for f in loaded["fields"] if f.get("in_list_view")}
    assert listed == {"topic", "place", "meeting_date"}
    assert loaded["title_field"] == "place"
    history = ok(call(http, city, "sixhave.customize.history", verb="GET", doctype="Meeting"))
    ok(call(http, city, "sixhave.customize.revert", name=history[0]["name"]))
    with site.context() as ctx:
        assert ctx.meta("Meeting").title_field == "topic"
        assert ctx.meta("Meeting").get_field("party_org").in_list_view == 1


def test_a_custom_doctype_is_usable_at_once_and_revertible(studio):
    site, world, http = studio
    city = world["city_admin"]
    name = "Volunteer Service " + unique()[:4]
    saved = ok(call(http, city, "sixhave.customize.save_doctype", doc={
        "name": name, "label": "志愿服务", "naming": "format", "naming_value": "ZY-{#####}", "is_submittable": 1,
        "fields": [{"fieldname": "service", "label": "服务内容", "fieldtype": "Data", "reqd": 1, "in_list_view": 1},
                   {"fieldname": "hours", "label": "时长", "fieldtype": "Float"},
                   {"fieldname": "org", "label": "所属组织", "fieldtype": "Link", "options": "Org Unit"}],
        "permissions": [{"role": "市级管理员", "read": 1, "write": 1, "create": 1, "submit": 1, "delete": 1},
                        {"role": "区级管理员", "read": 1, "write": 1, "create": 1}]}))
    assert saved["custom"] == 1
    r = http.post(f"/api/resource/{name}", headers=world["liangxi_admin"].token,
                  json={"service": "送学上门", "hours": 2, "org": "梁溪区"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["name"].startswith("ZY-")
    # the district's record stays in its district: the scope applies to the new DocType too
    r2 = http.post(f"/api/resource/{name}", headers=world["liangxi_admin"].token,
                   json={"service": "越界", "org": "锡山区"})
    assert r2.status_code in (403, 417), r2.text
    # a standard DocType cannot be replaced through the builder
    r3 = call(http, city, "sixhave.customize.save_doctype", doc={"name": "Meeting", "fields": [{"fieldname": "x"}]})
    assert r3.status_code == 417
    history = ok(call(http, city, "sixhave.customize.history", verb="GET", tool="单据类型"))
    ok(call(http, city, "sixhave.customize.revert", name=history[0]["name"]))
    assert http.get(f"/api/resource/{name}", headers=city.token).status_code == 404


def test_permission_manager_matrix_roles_scopes_and_preview(studio):
    site, world, http = studio
    city, reviewer = world["city_admin"], world["liangxi_reviewer"]
    matrix = ok(call(http, city, "sixhave.permissions.matrix", verb="GET", doctype="Meeting"))
    assert matrix["customised"] == 0
    rows = [r for r in matrix["rows"] if r["role"] != "区级审核员"]  # the reviewer loses Meeting
    ok(call(http, city, "sixhave.permissions.save", doctype="Meeting", rows=rows))
    assert http.get("/api/resource/Meeting", headers=reviewer.token).status_code == 403
    preview = ok(call(http, city, "sixhave.permissions.preview", verb="GET", user=reviewer.name))
    assert "Meeting" not in {d["doctype"] for d in preview["doctypes"]}
    history = ok(call(http, city, "sixhave.customize.history", verb="GET", doctype="Meeting", tool="权限"))
    ok(call(http, city, "sixhave.customize.revert", name=history[0]["name"]))
    assert http.get("/api/resource/Meeting", headers=reviewer.token).status_code == 200

    # see as this user: counts are the user's own list counts (scope applied)
    preview = ok(call(http, city, "sixhave.permissions.preview", verb="GET", user=reviewer.name))
    units = next(d for d in preview["doctypes"] if d["doctype"] == "Org Unit")
    own = call(http, reviewer, "frappe.client.get_count", verb="GET", doctype="Org Unit").json()["message"]
    assert units["count"] == own
    with site.context() as ctx:
        assert own < ctx.get_count("Org Unit")

    # roles and scopes in one place
    user = world["nobody"].name
    detail = ok(call(http, city, "sixhave.permissions.set_roles", user=user, roles=["区级审核员"]))
    assert detail["roles"] == ["区级审核员"]
    detail = ok(call(http, city, "sixhave.permissions.add_scope", user=user, for_value="锡山区"))
    assert [s["for_value"] for s in detail["scopes"]] == ["锡山区"]
    preview = ok(call(http, city, "sixhave.permissions.preview", verb="GET", user=user))
    assert next(d for d in preview["doctypes"] if d["doctype"] == "Org Unit")["count"] >= 1
    ok(call(http, city, "sixhave.permissions.remove_scope", name=detail["scopes"][0]["name"]))


def test_no_one_but_a_system_manager_makes_a_system_manager(studio):
    site, world, http = studio
    city = world["city_admin"]
    r = call(http, city, "sixhave.permissions.set_roles", user=world["nobody"].name, roles=["System Manager"])
    assert r.status_code == 403
    r = call(http, city, "sixhave.permissions.set_roles", user=world["sysman"].name, roles=["区级审核员"])
    assert r.status_code == 403
    r = call(http, city, "sixhave.permissions.set_roles", user=city.name, roles=["市级管理员", "System Manager"])
    assert r.status_code == 403
    # nor may the engine's own DocTypes be customised (User's rights, fields) by a non-System Manager
    r = call(http, city, "sixhave.permissions.save", doctype="User", rows=[{"role": "市级管理员", "read": 1, "write": 1}])
    assert r.status_code == 403
    r = http.post("/api/resource/Property Setter", headers=city.token, json={
        "doc_type": "User", "doctype_or_field": "DocField", "field_name": "new_password", "property": "hidden",
        "value": "1", "property_type": "Check"})
    assert r.status_code == 403
    with site.context() as ctx:
        assert "System Manager" not in ctx.get_all("Has Role", filters={"parent": world["nobody"].name}, pluck="role")


def test_fixtures_round_trip_between_two_sites(studio, site_factory, backend):
    site, world, http = studio
    city = world["city_admin"]
    ok(call(http, city, "sixhave.customize.add_field", doctype="Party Member",
            field={"label": "兴趣特长", "fieldname": "hobby_rt", "fieldtype": "Data", "in_list_view": 1}))
    response = http.get("/api/method/sixhave.customize.export_fixtures", headers=city.token)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    other = site_factory(backend)
    other_world = make_world(other)
    live = LiveServer(other)
    live.start()
    try:
        with httpx.Client(base_url=live.url, timeout=60) as client:
            target = other_world["city_admin"]
            r = client.post("/api/method/sixhave.customize.import_fixtures", headers=target.token,
                            files={"file": ("fixtures.zip", response.content, "application/zip")})
            assert r.status_code == 200, r.text
            with other.context() as ctx:
                assert ctx.meta("Party Member").get_field("hobby_rt").label == "兴趣特长"
            # a broken file is refused with its name
            r = client.post("/api/method/sixhave.customize.import_fixtures", headers=target.token,
                            files={"file": ("x.json", b"[{\"no\": 1}]", "application/json")})
            assert r.status_code == 417 and "doctype" in r.text
    finally:
        live.stop()
        other.engine.dispose()


def test_malformed_studio_requests_are_4xx_naming_the_argument(studio):
    site, world, http = studio
    city = world["city_admin"]
    cases = [("sixhave.customize.load", "GET", {"doctype": "Nope"}, 404),
             ("sixhave.customize.add_field", "POST", {"doctype": "Meeting", "field": ["x"]}, 417),
             ("sixhave.customize.add_field", "POST", {"doctype": ["Meeting"], "field": {}}, 417),
             ("sixhave.customize.add_field", "POST", {"doctype": "Meeting", "field": {"label": "x", "insert_after": {"a": 1}}}, 417),
             ("sixhave.customize.update_field", "POST", {"doctype": "Meeting", "fieldname": "topic", "values": "x"}, 417),
             ("sixhave.customize.update_field", "POST", {"doctype": "Meeting", "fieldname": "topic", "values": {"reqd": [1]}}, 417),
             ("sixhave.customize.update_field", "POST", {"doctype": "Meeting", "fieldname": {"x": 1}, "values": {"label": "x"}}, 417),
             ("sixhave.customize.reorder", "POST", {"doctype": "Meeting", "order": [{"a": 1}]}, 417),
             ("sixhave.customize.set_list_view", "POST", {"doctype": "Meeting", "columns": 5}, 417),
             ("sixhave.customize.revert", "POST", {"name": ["x"]}, 417),
             ("sixhave.customize.save_doctype", "POST", {"doc": {"name": 5, "fields": "x"}}, 417),
             ("sixhave.customize.save_doctype", "POST", {"doc": {"name": "Bad Perm", "fields": [{"fieldname": "a"}],
                                                                 "permissions": [{"role": "市级管理员", "permlevel": "x"}]}}, 417),
             ("sixhave.customize.save_doctype", "POST", {"doc": {"name": "Bad Field", "fields": [{"fieldname": ["a"]}]}}, 417),
             ("sixhave.permissions.save", "POST", {"doctype": "Meeting", "rows": [{"role": ["x"]}]}, 417),
             ("sixhave.permissions.set_roles", "POST", {"user": world["nobody"].name, "roles": [{"r": 1}]}, 417),
             ("sixhave.permissions.add_scope", "POST", {"user": world["nobody"].name, "for_value": ["梁溪区"]}, 417),
             ("sixhave.permissions.preview", "GET", {"user": "nobody-here@example.cn"}, 404)]
    for method, verb, params, status in cases:
        response = call(http, city, method, verb=verb, **params)
        assert response.status_code == status, (method, params, response.status_code, response.text)
        assert "Traceback" not in response.text
    r = http.post("/api/method/sixhave.customize.import_fixtures", headers=city.token,
                  files={"file": ("x.zip", b"not a zip", "application/zip")})
    assert r.status_code == 417 and "x.zip" in r.text
