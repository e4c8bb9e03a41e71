"""Issue 9, class 9: records that belong to a person (Notification Log, ToDo, one's User record, the
review queue's items) are read and written by their owner only (and System Manager); a child row
is read only through its parent; and scoping is a property of the role — a user whose roles are
all branch, unit or district roles sees nothing of the scoped DocTypes until given a scope, while
city roles stay unrestricted."""
import json

import pytest

from sixhave_app.engine import auth
from tests.conftest import unique


@pytest.fixture(scope="module")
def logs(site, world):
    mine, theirs = world["liangxi_admin"].name, world["xishan_admin"].name
    with site.context(ignore_permissions=True) as ctx:
        made = {who: ctx.insert({"doctype": "Notification Log", "subject": f"给{who}的通知{unique()}", "for_user": who,
                                 "type": "Alert"}).name
                for who in (mine, theirs)}
    return made


def test_notification_logs_belong_to_their_user(http, world, logs):
    me, other = world["liangxi_admin"], world["xishan_admin"]
    mine, theirs = logs[me.name], logs[other.name]
    listed = http.get("/api/resource/Notification Log", headers=me.token,
                      params={"fields": '["name", "for_user"]', "limit_page_length": 0}).json()["data"]
    assert {r["for_user"] for r in listed} == {me.name} and mine in {r["name"] for r in listed}
    count = http.get("/api/method/frappe.client.get_count", headers=me.token,
                     params={"doctype": "Notification Log", "filters": json.dumps({"for_user": other.name})})
    assert count.json()["message"] == 0
    for response in (
        http.get(f"/api/resource/Notification Log/{theirs}", headers=me.token),
        http.get("/api/method/frappe.client.get", headers=me.token, params={"doctype": "Notification Log", "name": theirs}),
        http.put(f"/api/resource/Notification Log/{theirs}", headers=me.token, json={"read": 1}),
        http.delete(f"/api/resource/Notification Log/{theirs}", headers=me.token),
        http.post("/api/method/frappe.client.set_value", headers=me.token,
                  json={"doctype": "Notification Log", "name": theirs, "fieldname": "read", "value": 1}),
    ):
        assert response.status_code in (403, 404), response.text
        assert "给" not in response.text
    assert http.get("/api/method/frappe.client.get_value", headers=me.token, params={
        "doctype": "Notification Log", "fieldname": "subject", "filters": theirs}).json()["message"] == {}
    # my own: readable, and I may mark it read — but not hand it to someone else
    assert http.get(f"/api/resource/Notification Log/{mine}", headers=me.token).status_code == 200
    assert http.put(f"/api/resource/Notification Log/{mine}", headers=me.token, json={"read": 1}).status_code == 200
    moved = http.put(f"/api/resource/Notification Log/{mine}", headers=me.token, json={"for_user": other.name})
    assert moved.status_code == 403
    created = http.post("/api/resource/Notification Log", headers=me.token, json={"subject": "伪造", "for_user": other.name})
    assert created.status_code == 403
    # the system manager sees everyone's
    everyone = http.get("/api/resource/Notification Log", headers=world["sysman"].token,
                        params={"filters": json.dumps([["name", "in", [mine, theirs]]])}).json()["data"]
    assert len(everyone) == 2


def test_todos_belong_to_whom_they_are_allocated_and_who_assigned_them(http, world, site):
    me, other = world["liangxi_admin"], world["xishan_admin"]
    todo = http.post("/api/resource/ToDo", headers=me.token, json={"description": "我的待办"})
    assert todo.status_code == 200, todo.text
    name = todo.json()["data"]["name"]
    assert todo.json()["data"]["allocated_to"] == me.name
    assert http.get(f"/api/resource/ToDo/{name}", headers=other.token).status_code == 404
    assert all(r["name"] != name for r in http.get("/api/resource/ToDo", headers=other.token,
                                                   params={"limit_page_length": 0}).json()["data"])
    assert http.put(f"/api/resource/ToDo/{name}", headers=other.token, json={"status": "Closed"}).status_code == 404
    assert http.delete(f"/api/resource/ToDo/{name}", headers=other.token).status_code == 404
    # I cannot give a to-do to someone whose user record I cannot read, nor point it at another district
    assert http.post("/api/resource/ToDo", headers=me.token,
                     json={"description": "给别人", "allocated_to": other.name}).status_code == 403
    with site.context(ignore_permissions=True) as ctx:
        elsewhere = ctx.insert({"doctype": "Test Org Record", "title": "锡山的", "org": "东亭街道"}).name
    assert http.post("/api/resource/ToDo", headers=me.token, json={
        "description": "外区", "reference_type": "Test Org Record", "reference_name": elsewhere}).status_code == 403
    # a system manager assigns one to me: I see it, the assigner too
    given = http.post("/api/resource/ToDo", headers=world["sysman"].token,
                      json={"description": "分派给梁溪", "allocated_to": me.name}).json()["data"]["name"]
    assert http.get(f"/api/resource/ToDo/{given}", headers=me.token).status_code == 200
    assert http.put(f"/api/resource/ToDo/{given}", headers=me.token, json={"status": "Closed"}).status_code == 200


def test_ones_own_user_record_only(http, world):
    """Everyone may pick themselves (select right on User, personal by name), and nobody else."""
    me, other = world["liangxi_admin"], world["xishan_admin"]
    users = http.get("/api/resource/User", headers=me.token, params={"limit_page_length": 0}).json()["data"]
    assert [u["name"] for u in users] == [me.name]
    picker = http.get("/api/method/frappe.desk.search.search_link", headers=me.token, params={"doctype": "User", "txt": ""})
    assert [r["value"] for r in picker.json()["message"]] == [me.name]
    mine = http.post("/api/resource/ToDo", headers=me.token, json={"description": "自己的", "allocated_to": me.name})
    assert mine.status_code == 200, mine.text
    assert http.get(f"/api/resource/User/{other.name}", headers=me.token).status_code in (403, 404)
    promoted = http.put(f"/api/resource/User/{me.name}", headers=me.token, json={"roles": [{"role": "System Manager"}]})
    assert promoted.status_code in (403, 404)


def test_review_queue_items_are_their_actors_only(http, world, site, approval_workflow):
    with site.context(ignore_permissions=True) as ctx:
        doc = ctx.insert({"doctype": "Test Approval", "title": unique("队列")})
        item = ctx.get_value("Workflow Action", {"reference_doctype": "Test Approval", "reference_name": doc.name}, "name")
    assert item
    outsider = world["liangxi_admin"]
    assert http.get(f"/api/resource/Workflow Action/{item}", headers=outsider.token).status_code == 404
    assert http.get("/api/method/frappe.client.get", headers=outsider.token,
                    params={"doctype": "Workflow Action", "name": item}).status_code == 404
    assert item not in http.get("/api/resource/Workflow Action", headers=outsider.token,
                                params={"limit_page_length": 0}).text
    assert http.get(f"/api/resource/Workflow Action/{item}", headers=world["sysman"].token).status_code == 200


@pytest.fixture(scope="module")
def meetings(site, world):
    from tests.api.conftest import ensure_template

    ensure_template(site, 2018)
    out = {}
    with site.context(ignore_permissions=True) as ctx:
        for unit in ("健康社区", "东亭街道"):
            branch = ctx.insert({"doctype": "Party Organization", "org_name": unique("子表支部"), "org_type": "党支部",
                                 "sector": "社区", "parent_unit": unit}).name
            member = ctx.insert({"doctype": "Party Member", "full_name": unique("子表党员"), "party_org": branch}).name
            meeting = ctx.insert({"doctype": "Meeting", "party_org": branch, "kind": "集体学习", "meeting_date": "2018-03-01",
                                  "topic": unique("子表会议"), "attendance": [{"member": member}]})
            out[unit] = (meeting.name, meeting.attendance[0].name)
    return out


def test_a_child_row_is_read_only_through_its_parent(http, world, meetings):
    me = world["liangxi_admin"].token
    their_meeting, their_row = meetings["东亭街道"]
    my_meeting, my_row = meetings["健康社区"]
    for response in (
        http.get(f"/api/resource/Meeting Attendance/{their_row}", headers=me),
        http.get("/api/method/frappe.client.get", headers=me, params={"doctype": "Meeting Attendance", "name": their_row}),
        http.put(f"/api/resource/Meeting Attendance/{their_row}", headers=me, json={"member_name": "改"}),
        http.delete(f"/api/resource/Meeting Attendance/{their_row}", headers=me),
    ):
        assert response.status_code in (403, 404, 417), response.text
        assert their_meeting not in response.text
    assert http.get("/api/method/frappe.client.get_value", headers=me, params={
        "doctype": "Meeting Attendance", "fieldname": '["parent", "member"]', "filters": their_row}).json()["message"] == {}
    listed = http.get("/api/resource/Meeting Attendance", headers=me, params={
        "fields": '["name", "parent"]', "filters": json.dumps([["name", "in", [my_row, their_row]]])}).json()["data"]
    assert [r["name"] for r in listed] == [my_row]
    count = http.get("/api/method/frappe.client.get_count", headers=me,
                     params={"doctype": "Meeting Attendance", "filters": json.dumps({"parent": their_meeting})})
    assert count.json()["message"] == 0
    # my own district's row: readable through its meeting
    mine = http.get(f"/api/resource/Meeting Attendance/{my_row}", headers=me)
    assert mine.status_code == 200 and mine.json()["data"]["parent"] == my_meeting
    # the other district reads theirs; a user without roles reads none
    assert http.get(f"/api/resource/Meeting Attendance/{their_row}", headers=world["xishan_admin"].token).status_code == 200
    assert http.get(f"/api/resource/Meeting Attendance/{my_row}", headers=world["nobody"].token).status_code in (403, 404)
    assert http.get("/api/resource/Meeting Attendance", headers=world["nobody"].token).status_code == 403


def test_a_child_rows_field_levels_are_its_parents(http, world, site):
    with site.context(ignore_permissions=True) as ctx:
        doc = ctx.insert({"doctype": "Test Scoped Link", "title": unique("级别"), "org": "梁溪区",
                          "rows": [{"amount": 5, "hidden_note": "内部备注XYZ"}]})
    row = doc.rows[0].name
    me = world["liangxi_admin"].token  # reads Test Scoped Link at level 0 only
    got = http.get(f"/api/resource/Test Scoped Link Row/{row}", headers=me)
    assert got.status_code == 200 and "内部备注XYZ" not in got.text
    parent = http.get(f"/api/resource/Test Scoped Link/{doc.name}", headers=me)
    assert parent.status_code == 200 and "内部备注XYZ" not in parent.text
    asked = http.get("/api/resource/Test Scoped Link Row", headers=me, params={"fields": '["hidden_note"]'})
    assert asked.status_code == 403


def _person(site, roles, scope=()):
    email = f"{unique('scope')}@example.cn"
    with site.context() as ctx:
        ctx.insert({"doctype": "User", "email": email, "first_name": "范围", "roles": [{"role": r} for r in roles]})
        for unit in scope:
            ctx.insert({"doctype": "User Permission", "user": email, "allow": "Org Unit", "for_value": unit})
        keys = auth.generate_keys(ctx, email)
    return email, {"Authorization": f"token {keys['api_key']}:{keys['api_secret']}"}


def test_the_apps_branch_unit_and_district_roles_are_restricted_to_a_scope(http, world):
    roles = http.get("/api/resource/Role", headers=world["sysman"].token, params={
        "fields": '["name", "restrict_to_scope"]', "limit_page_length": 0}).json()["data"]
    flags = {r["name"]: r["restrict_to_scope"] for r in roles}
    for role in ("区级管理员", "区级审核员", "单位审核员", "街道联络员", "支部书记", "支部委员"):
        assert flags[role] == 1, role
    for role in ("市级管理员", "市级审核员", "System Manager"):
        assert not flags.get(role), role


@pytest.mark.parametrize("role", ["区级管理员", "支部书记", "单位审核员"])
def test_a_restricted_role_without_a_scope_sees_nothing(http, site, world, role):
    email, token = _person(site, [role])
    for doctype in ("Org Unit", "Party Organization", "Party Member", "Meeting", "Test Org Record"):
        r = http.get(f"/api/resource/{doctype}", headers=token, params={"limit_page_length": 0})
        if r.status_code == 403:
            continue  # no right on the DocType at all
        assert r.status_code == 200 and r.json()["data"] == [], (doctype, r.text)
        count = http.get("/api/method/frappe.client.get_count", headers=token, params={"doctype": doctype})
        assert count.json()["message"] == 0
    assert http.get("/api/resource/Org Unit/梁溪区", headers=token).status_code == 404
    assert http.get("/api/method/frappe.desk.search.search_link", headers=token,
                    params={"doctype": "Org Unit", "txt": ""}).json()["message"] == []
    queue = http.get("/api/method/sixhave.workflow.todo", headers=token).json()["message"]
    assert queue["total"] == 0 and queue["counts"] == []
    if role == "区级管理员":
        made = http.post("/api/resource/Test Org Record", headers=token, json={"title": "无范围", "org": "梁溪区"})
        assert made.status_code == 403


def test_given_a_scope_the_same_user_sees_it(http, site, world):
    email, token = _person(site, ["区级管理员"], scope=["梁溪区"])
    units = {r["name"] for r in http.get("/api/resource/Org Unit", headers=token, params={"limit_page_length": 0}).json()["data"]}
    assert {"梁溪区", "崇安寺街道", "健康社区"} <= units and "锡山区" not in units and "无锡市" not in units


def test_city_roles_are_unrestricted_by_design(http, site, world):
    for role in ("市级管理员", "市级审核员"):
        email, token = _person(site, [role])
        units = {r["name"] for r in http.get("/api/resource/Org Unit", headers=token, params={"limit_page_length": 0}).json()["data"]}
        assert {"无锡市", "梁溪区", "锡山区"} <= units, role


def test_a_restricted_role_with_another_role_keeps_that_roles_rule(http, site, world):
    email, token = _person(site, ["区级管理员", "市级审核员"])
    units = {r["name"] for r in http.get("/api/resource/Org Unit", headers=token, params={"limit_page_length": 0}).json()["data"]}
    assert {"梁溪区", "锡山区"} <= units
