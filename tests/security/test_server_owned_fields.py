"""Issue 9, class 1: server-owned fields are never written by a client, through any door; moving an
organisation-tree node needs the node, its old and its new parent in scope, and nobody but an
unrestricted role moves the node their own scope hangs from. A district user's visible set is the
same after every attempt."""
import json

import pytest

from sixhave_app.engine import tree
from tests.conftest import unique

STANDARD = {"owner": "intruder@example.cn", "creation": "2001-01-01 00:00:00", "modified_by": "intruder@example.cn",
            "idx": 77}


def bounds(site, name):
    with site.context(ignore_permissions=True) as ctx:
        return ctx.get_value("Org Unit", name, ["lft", "rgt", "parent_org_unit", "old_parent"], as_dict=True)


def visible(http, person):
    orgs = http.get("/api/resource/Org Unit", headers=person.token, params={"limit_page_length": 0})
    records = http.get("/api/resource/Test Org Record", headers=person.token,
                       params={"fields": '["name", "org"]', "limit_page_length": 0})
    assert orgs.status_code == 200 and records.status_code == 200
    return sorted(r["name"] for r in orgs.json()["data"]), sorted(r["name"] for r in records.json()["data"])


def tree_is_nested(site):
    """Every node's range lies strictly inside its parent's, and no two ranges overlap partly."""
    with site.context(ignore_permissions=True) as ctx:
        rows = ctx.get_all("Org Unit", fields=["name", "lft", "rgt", "parent_org_unit"])
    by_name = {r["name"]: r for r in rows}
    for r in rows:
        assert r["lft"] < r["rgt"], r
        parent = by_name.get(r["parent_org_unit"])
        if parent:
            assert parent["lft"] < r["lft"] and r["rgt"] < parent["rgt"], (r, parent)
    edges = sorted([(r["lft"], r["rgt"]) for r in rows])
    for (l1, r1), (l2, r2) in zip(edges, edges[1:]):
        assert r1 < l2 or r2 < r1, (l1, r1, l2, r2)


@pytest.fixture(scope="module")
def liangxi_node(site, world):
    """A community of 梁溪区's own, under 崇安寺街道, made by the district's administrator."""
    with site.context(ignore_permissions=True) as ctx:
        return ctx.insert({"doctype": "Org Unit", "unit_name": unique("自建社区"), "level": "社区",
                           "parent_org_unit": "崇安寺街道"}).name


def test_district_admin_cannot_widen_the_scope_by_any_door(http, world, site, server):
    admin = world["liangxi_admin"]
    before_seen = visible(http, admin)
    before_bounds = bounds(site, "梁溪区")
    wide = {"lft": 1, "rgt": 10 ** 6, "old_parent": "锡山区"}
    attempts = [
        http.put("/api/resource/Org Unit/梁溪区", headers=admin.token, json=wide),
        http.put("/api/resource/Org Unit/梁溪区", headers=admin.token, json={"data": json.dumps(wide)}),
        http.post("/api/method/frappe.client.set_value", headers=admin.token,
                  json={"doctype": "Org Unit", "name": "梁溪区", "fieldname": "lft", "value": 1}),
        http.post("/api/method/frappe.client.set_value", headers=admin.token,
                  json={"doctype": "Org Unit", "name": "梁溪区", "fieldname": json.dumps({"rgt": 10 ** 6, "lft": 0})}),
        http.post("/api/method/frappe.client.save", headers=admin.token,
                  json={"doc": {"doctype": "Org Unit", "name": "梁溪区", **wide}}),
        http.post("/api/method/frappe.client.bulk_update", headers=admin.token,
                  json={"docs": [{"doctype": "Org Unit", "docname": "梁溪区", **wide}]}),
        http.post("/", headers=admin.token, data={"cmd": "frappe.client.set_value", "doctype": "Org Unit",
                                                  "name": "梁溪区", "fieldname": "rgt", "value": str(10 ** 6)}),
        # detach or re-parent the node the scope hangs from
        http.put("/api/resource/Org Unit/梁溪区", headers=admin.token, json={"parent_org_unit": None}),
        http.put("/api/resource/Org Unit/梁溪区", headers=admin.token, json={"parent_org_unit": "锡山区"}),
        http.post("/api/method/frappe.client.set_value", headers=admin.token,
                  json={"doctype": "Org Unit", "name": "梁溪区", "fieldname": "parent_org_unit", "value": ""}),
        # a new node that claims a wide range, or sits at the top of the tree
        http.post("/api/resource/Org Unit", headers=admin.token,
                  json={"unit_name": unique("顶层"), "level": "市", **wide, "parent_org_unit": None}),
        http.post("/api/method/frappe.client.insert_many", headers=admin.token,
                  json={"docs": [{"doctype": "Org Unit", "unit_name": unique("顶层"), "level": "市", "lft": 0, "rgt": 10 ** 6}]}),
    ]
    for response in attempts:
        assert response.status_code < 500, response.text
    assert all(r.status_code in (403, 404) for r in attempts[7:]), [r.text for r in attempts[7:]]
    after = bounds(site, "梁溪区")
    assert (after["lft"], after["rgt"], after["parent_org_unit"]) == \
        (before_bounds["lft"], before_bounds["rgt"], before_bounds["parent_org_unit"])
    assert after["old_parent"] == before_bounds["old_parent"]
    assert visible(http, admin) == before_seen
    tree_is_nested(site)


def test_new_node_gets_its_range_from_the_tree(http, world, site):
    admin = world["liangxi_admin"]
    made = http.post("/api/resource/Org Unit", headers=admin.token,
                     json={"unit_name": unique("新社区"), "level": "社区", "parent_org_unit": "崇安寺街道",
                           "lft": 1, "rgt": 10 ** 6, "old_parent": "锡山区", **STANDARD})
    assert made.status_code == 200, made.text
    node = made.json()["data"]
    parent = bounds(site, "崇安寺街道")
    # the range the tree gave (a few numbers of room, tree.SPAN), not the one the request claimed
    assert parent["lft"] < node["lft"] < node["rgt"] < parent["rgt"] and node["rgt"] - node["lft"] < tree.SPAN
    assert node["old_parent"] is None and node["owner"] == admin.name and node["idx"] == 0
    assert not node["creation"].startswith("2001")
    tree_is_nested(site)


def test_moving_a_node_needs_old_and_new_parent_in_scope(http, world, site, liangxi_node):
    admin = world["liangxi_admin"]
    # inside the district: node, old parent (崇安寺街道) and new parent (梁溪区) are all in scope
    moved = http.put(f"/api/resource/Org Unit/{liangxi_node}", headers=admin.token, json={"parent_org_unit": "梁溪区"})
    assert moved.status_code == 200, moved.text
    assert bounds(site, liangxi_node)["old_parent"] == "崇安寺街道"
    # to another district: refused; to the top: refused
    for target in ("锡山区", None):
        refused = http.put(f"/api/resource/Org Unit/{liangxi_node}", headers=admin.token, json={"parent_org_unit": target})
        assert refused.status_code == 403, refused.text
    assert bounds(site, liangxi_node)["parent_org_unit"] == "梁溪区"
    # the other district's administrator cannot take it
    taken = http.put(f"/api/resource/Org Unit/{liangxi_node}", headers=world["xishan_admin"].token,
                     json={"parent_org_unit": "东亭街道"})
    assert taken.status_code in (403, 404)
    # a user holding both districts may move a node between them
    both = world["two_districts"]
    there = http.put(f"/api/resource/Org Unit/{liangxi_node}", headers=both.token, json={"parent_org_unit": "东亭街道"})
    assert there.status_code == 200, there.text
    back = http.put(f"/api/resource/Org Unit/{liangxi_node}", headers=both.token, json={"parent_org_unit": "崇安寺街道"})
    assert back.status_code == 200, back.text
    # …but not the district nodes their scope hangs from
    for anchor in ("梁溪区", "锡山区"):
        refused = http.put(f"/api/resource/Org Unit/{anchor}", headers=both.token, json={"parent_org_unit": "梁溪区" if anchor == "锡山区" else "锡山区"})
        assert refused.status_code == 403, refused.text
    tree_is_nested(site)


def test_only_an_unrestricted_role_moves_a_scope_root(http, world, site):
    city = world["city_admin"]
    name = unique("市直试点")
    created = http.post("/api/resource/Org Unit", headers=city.token, json={"unit_name": name, "level": "市直单位",
                                                                             "parent_org_unit": "无锡市"})
    assert created.status_code == 200, created.text
    moved = http.put(f"/api/resource/Org Unit/{name}", headers=city.token, json={"parent_org_unit": None})
    assert moved.status_code == 200 and moved.json()["data"]["parent_org_unit"] is None
    back = http.put(f"/api/resource/Org Unit/{name}", headers=city.token, json={"parent_org_unit": "无锡市"})
    assert back.status_code == 200
    tree_is_nested(site)


def test_a_branch_cannot_carry_its_node_out_of_its_scope(http, world, site):
    """Party Organization moves its own tree node (as system work): the move is still the user's."""
    from tests.api.conftest import ensure_template

    ensure_template(site, 2018)
    secretary = world["secretary"]
    branch = http.post("/api/resource/Party Organization", headers=secretary.token,
                       json={"org_name": unique("书记支部"), "org_type": "党支部", "sector": "社区", "parent_unit": "健康社区"})
    assert branch.status_code == 200, branch.text
    name, node = branch.json()["data"]["name"], branch.json()["data"]["org"]
    before_seen = sorted(r["name"] for r in http.get("/api/resource/Party Organization", headers=secretary.token,
                                                     params={"limit_page_length": 0}).json()["data"])
    for target in ("东亭街道", "无锡市", None):
        refused = http.put(f"/api/resource/Party Organization/{name}", headers=secretary.token, json={"parent_unit": target})
        assert refused.status_code in (403, 417), refused.text
    assert bounds(site, node)["parent_org_unit"] == "健康社区"
    elsewhere = http.post("/api/resource/Party Organization", headers=secretary.token,
                          json={"org_name": unique("外区支部"), "org_type": "党支部", "sector": "社区", "parent_unit": "东亭街道"})
    assert elsewhere.status_code in (403, 404, 417), elsewhere.text
    after_seen = sorted(r["name"] for r in http.get("/api/resource/Party Organization", headers=secretary.token,
                                                    params={"limit_page_length": 0}).json()["data"])
    assert after_seen == before_seen
    tree_is_nested(site)


def _note(http, person, **extra):
    body = {"title": unique("std"), "items": [{"item": "一", "name": "row-chosen", "parent": "elsewhere",
                                              "parenttype": "Test Invoice", "parentfield": "tags", "idx": 9, **STANDARD}],
            **STANDARD, **extra}
    return http.post("/api/resource/Test Note", headers=person.token, json=body)


def assert_server_values(doc, user):
    assert doc["owner"] == user and doc["modified_by"] == user and doc["idx"] == 0
    assert not doc["creation"].startswith("2001")
    for i, row in enumerate(doc["items"], start=1):
        assert row["parent"] == doc["name"] and row["parenttype"] == "Test Note" and row["parentfield"] == "items"
        assert row["idx"] == i and row["owner"] == user and row["name"] != "row-chosen"
        assert not row["creation"].startswith("2001")


def test_standard_columns_on_insert_through_every_door(http, world):
    person = world["sysman"]
    made = _note(http, person, name="chosen-name", docstatus=0)
    assert made.status_code == 200, made.text
    doc = made.json()["data"]
    assert doc["name"] != "chosen-name"
    assert_server_values(doc, person.name)
    via_insert = http.post("/api/method/frappe.client.insert", headers=person.token,
                           json={"doc": {"doctype": "Test Note", "title": unique("i"), **STANDARD}}).json()["message"]
    assert via_insert["owner"] == person.name and via_insert["idx"] == 0
    names = http.post("/api/method/frappe.client.insert_many", headers=person.token,
                      json={"docs": [{"doctype": "Test Note", "title": unique("m"), "name": "many-chosen", **STANDARD}]}).json()["message"]
    assert names != ["many-chosen"]
    got = http.get(f"/api/resource/Test Note/{names[0]}", headers=person.token).json()["data"]
    assert got["owner"] == person.name and not got["creation"].startswith("2001")
    legacy = http.post("/", headers=person.token, data={"cmd": "frappe.client.insert", "doc": json.dumps(
        {"doctype": "Test Note", "title": unique("cmd"), **STANDARD})})
    assert legacy.status_code == 200 and legacy.json()["message"]["owner"] == person.name


def test_standard_columns_on_update_through_every_door(http, world):
    person = world["sysman"]
    doc = _note(http, person).json()["data"]
    other = _note(http, person).json()["data"]
    stolen_row = other["items"][0]["name"]
    name = doc["name"]
    doors = [
        lambda: http.put(f"/api/resource/Test Note/{name}", headers=person.token,
                         json={**STANDARD, "title": "改", "items": [{"name": stolen_row, "item": "偷来的行", **STANDARD}]}),
        lambda: http.post("/api/method/frappe.client.set_value", headers=person.token,
                          json={"doctype": "Test Note", "name": name, "fieldname": json.dumps({**STANDARD, "qty": 2})}),
        lambda: http.post("/api/method/frappe.client.set_value", headers=person.token,
                          json={"doctype": "Test Note", "name": name, "fieldname": "owner", "value": "intruder@example.cn"}),
        lambda: http.post("/api/method/frappe.client.save", headers=person.token,
                          json={"doc": {"doctype": "Test Note", "name": name, "title": "存", **STANDARD}}),
        lambda: http.post("/api/method/frappe.client.bulk_update", headers=person.token,
                          json={"docs": [{"doctype": "Test Note", "docname": name, "qty": 3, **STANDARD}]}),
        lambda: http.post("/", headers=person.token, data={"cmd": "frappe.client.set_value", "doctype": "Test Note",
                                                           "name": name, "fieldname": "creation", "value": "2001-01-01"}),
    ]
    for door in doors:
        response = door()
        assert response.status_code < 500, response.text
        got = http.get(f"/api/resource/Test Note/{name}", headers=person.token).json()["data"]
        assert got["owner"] == person.name and got["creation"] == doc["creation"] and got["idx"] == 0
        for row in got["items"]:
            assert row["parent"] == name and row["name"] != stolen_row and row["owner"] == person.name
            assert not row["creation"].startswith("2001")
    still = http.get(f"/api/resource/Test Note/{other['name']}", headers=person.token).json()["data"]
    assert [r["name"] for r in still["items"]] == [stolen_row]
    # a kept row keeps its own creation and owner
    kept = http.get(f"/api/resource/Test Note/{name}", headers=person.token).json()["data"]
    again = http.put(f"/api/resource/Test Note/{name}", headers=person.token,
                     json={"items": [{**kept["items"][0], "creation": "2001-01-01 00:00:00", "owner": "x@example.cn"}]})
    assert again.status_code == 200
    row = again.json()["data"]["items"][0]
    assert row["creation"] == kept["items"][0]["creation"] and row["owner"] == person.name
