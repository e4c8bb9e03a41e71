"""Issue 9 follow-up: records about a document — Workflow History, Version, Comment (DocType key
`reference_fields`) — are read only by someone who may read the document they are about, through
every door: list, count, get by name, get_value, report view. Workflow History is readable by
every role (the desk shows a document's approval trail), so without this rule a district user
listed every district's approvals and their comments."""
import json

import pytest

from tests.conftest import unique


@pytest.fixture(scope="module")
def trail(site, world):
    """An approval trail on a record in the user's district and one in another district."""
    with site.context(ignore_permissions=True) as ctx:
        mine = ctx.insert({"doctype": "Test Org Record", "title": unique("本区"), "org": "崇安寺街道"}).name
        other = ctx.insert({"doctype": "Test Org Record", "title": unique("外区"), "org": "东亭街道"}).name
        rows = {}
        for key, name in (("mine", mine), ("other", other)):
            history = ctx.new_doc("Workflow History", reference_doctype="Test Org Record", reference_name=name,
                                  from_state="草稿", action="批准", to_state="已批准", user="Administrator",
                                  comment=f"审批意见-{key}-{unique()}")
            history.flags.ignore_permissions = True
            rows[key] = history.insert()
    return {"mine": mine, "other": other, "mine_row": rows["mine"].name, "other_row": rows["other"].name,
            "other_comment": rows["other"].comment}


def test_workflow_history_lists_only_rows_about_readable_documents(http, world, trail):
    who = world["liangxi_admin"].token
    listed = http.get("/api/resource/Workflow History", headers=who,
                      params={"fields": '["name","reference_name","comment"]', "limit_page_length": 0}).json()["data"]
    names = {row["name"] for row in listed}
    assert trail["mine_row"] in names and trail["other_row"] not in names
    assert trail["other_comment"] not in json.dumps(listed, ensure_ascii=False)
    for door, params in (("frappe.client.get_count", {"doctype": "Workflow History",
                                                       "filters": json.dumps({"reference_name": trail["other"]})}),
                         ("frappe.client.get_list", {"doctype": "Workflow History",
                                                      "filters": json.dumps({"reference_name": trail["other"]})}),
                         ("frappe.desk.reportview.get", {"doctype": "Workflow History",
                                                          "filters": json.dumps({"reference_name": trail["other"]})})):
        message = http.get(f"/api/method/{door}", headers=who, params=params).json()["message"]
        assert message in (0, [], {"keys": [], "values": []}), (door, message)
    mine = http.get("/api/method/frappe.client.get_count", headers=who, params={
        "doctype": "Workflow History", "filters": json.dumps({"reference_name": trail["mine"]})}).json()["message"]
    assert mine == 1


def test_workflow_history_by_name_needs_the_document(http, world, trail):
    who = world["liangxi_admin"].token
    assert http.get(f"/api/resource/Workflow History/{trail['mine_row']}", headers=who).status_code == 200
    response = http.get(f"/api/resource/Workflow History/{trail['other_row']}", headers=who)
    assert response.status_code == 404 and trail["other_comment"] not in response.text
    value = http.get("/api/method/frappe.client.get_value", headers=who, params={
        "doctype": "Workflow History", "fieldname": "comment", "filters": trail["other_row"]}).json()["message"]
    assert not value
    # the other district's administrator sees it; a role without read on the DocType sees neither
    # (市级管理员 has no right on Test Org Record); a System Manager sees both
    other = world["xishan_admin"].token
    assert http.get(f"/api/resource/Workflow History/{trail['other_row']}", headers=other).status_code == 200
    assert http.get(f"/api/resource/Workflow History/{trail['mine_row']}", headers=other).status_code == 404
    for row in (trail["mine_row"], trail["other_row"]):
        assert http.get(f"/api/resource/Workflow History/{row}", headers=world["city_admin"].token).status_code == 404
        assert http.get(f"/api/resource/Workflow History/{row}", headers=world["sysman"].token).status_code == 200


def test_versions_and_comments_follow_the_document(fresh_site):
    """Given read on Version and Comment, a district user still sees only rows about documents in
    the district."""
    site = fresh_site
    from tests.api.conftest import make_world

    world = make_world(site)
    with site.context() as ctx:
        for doctype in ("Version", "Comment"):
            ctx.insert({"doctype": "Custom DocPerm", "parent_doctype": doctype, "role": "区级管理员", "read": 1, "report": 1})
        docs = {}
        for key, org in (("mine", "崇安寺街道"), ("other", "东亭街道")):
            name = ctx.insert({"doctype": "Test Org Record", "title": unique(key), "org": org}).name
            docs[key] = name
            ctx.insert({"doctype": "Version", "ref_doctype": "Test Org Record", "docname": name,
                        "data": {"changed": [["title", "a", f"秘密-{key}"]]}})
            ctx.insert({"doctype": "Comment", "reference_doctype": "Test Org Record", "reference_name": name,
                        "comment_type": "Comment", "content": f"评论-{key}"})
    with site.context(user=world["liangxi_admin"].name) as ctx:
        for doctype, ref in (("Version", "docname"), ("Comment", "reference_name")):
            rows = ctx.get_list(doctype, fields=["name", ref], limit_page_length=0)
            assert {r[ref] for r in rows} == {docs["mine"]}, (doctype, rows)
            assert ctx.get_count(doctype, {ref: docs["other"]}) == 0
            hidden = ctx.get_value(doctype, {ref: docs["other"]}, "name", ignore_permissions=True)
            from sixhave_app.engine.errors import DoesNotExistError

            with pytest.raises(DoesNotExistError):
                ctx.get_doc(doctype, hidden)
