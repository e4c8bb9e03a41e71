"""Changing a workflow at run time through the API: a street-level review step is added with no
code and no restart; documents in flight stay valid; removing a state needs a mapping."""
import copy
import json

import httpx
import pytest

from tests.api.conftest import call
from tests.api.test_self_assessment_workflow import act, fresh, new_assessment, templates  # noqa: F401
from tests.conftest import unique


@pytest.fixture(scope="module")
def branch(server, world):
    with httpx.Client(base_url=server.url) as http:
        r = http.post("/api/resource/Party Organization", headers=world["liangxi_admin"].token, json={
            "org_name": f"崇安寺街道老干部党支部{unique()}", "org_type": "党支部", "sector": "社区", "parent_unit": "健康社区"})
        return r.json()["data"]


def test_admin_adds_a_street_review_step_without_code_or_restart(http, world, branch, site):
    admin, secretary = world["sysman"], world["secretary"]
    in_flight = new_assessment(http, world, branch, year=2030)
    act(http, secretary, in_flight, "提交")  # waiting for the district under the old definition

    wf = http.get("/api/resource/Workflow/达标自评", headers=admin.token).json()["data"]
    original = copy.deepcopy(wf)
    try:
        wf["states"].insert(1, {"state": "街道审核", "doc_status": "0", "phase": "申报"})
        for t in wf["transitions"]:
            if t["state"] == "草稿" and t["action"] == "提交":
                t["next_state"] = "街道审核"
        wf["transitions"] += [
            {"state": "街道审核", "action": "通过", "next_state": "区级/单位审核", "allowed": "街道联络员", "scope_level": "街道"},
            {"state": "街道审核", "action": "退回", "next_state": "草稿", "allowed": "街道联络员", "scope_level": "街道",
             "comment_required": 1}]
        saved = http.put("/api/resource/Workflow/达标自评", headers=admin.token, json=wf)
        assert saved.status_code == 200, saved.text

        # the next submitted document passes through the street
        doc = new_assessment(http, world, branch, year=2031)
        assert act(http, secretary, doc, "提交").json()["message"]["workflow_state"] == "街道审核"
        assert act(http, world["liangxi_reviewer"], fresh(http, world, doc["name"]), "通过").status_code == 403
        queue = call(http, world["street_liaison"], "sixhave.workflow.todo", "GET").json()["message"]
        assert any(i["reference_name"] == doc["name"] for i in queue["items"])
        assert act(http, world["street_liaison"], fresh(http, world, doc["name"]), "通过").json()["message"]["workflow_state"] == "区级/单位审核"
        assert act(http, world["liangxi_reviewer"], fresh(http, world, doc["name"]), "通过").status_code == 200

        # the document already in flight is still valid and moves on as before
        assert act(http, world["liangxi_reviewer"], fresh(http, world, in_flight["name"]), "通过").json()["message"]["workflow_state"] == "市级考评"
    finally:
        restore = http.get("/api/resource/Workflow/达标自评", headers=admin.token).json()["data"]
        original["modified"] = restore["modified"]
        waiting = http.get("/api/resource/Self Assessment", headers=admin.token,
                           params={"filters": json.dumps({"workflow_state": "街道审核"}), "limit_page_length": 0}).json()["data"]
        if waiting:
            original["remap_states"] = {"街道审核": "区级/单位审核"}
        assert http.put("/api/resource/Workflow/达标自评", headers=admin.token, json=original).status_code == 200


def test_removing_a_state_with_documents_in_it_needs_a_mapping(http, world, branch):
    admin, secretary = world["sysman"], world["secretary"]
    wf = http.get("/api/resource/Workflow/达标自评", headers=admin.token).json()["data"]
    original = copy.deepcopy(wf)
    wf["states"].insert(1, {"state": "预审", "doc_status": "0"})
    for t in wf["transitions"]:
        if t["state"] == "草稿" and t["action"] == "提交":
            t["next_state"] = "预审"
    wf["transitions"].append({"state": "预审", "action": "通过", "next_state": "区级/单位审核", "allowed": "区级审核员"})
    assert http.put("/api/resource/Workflow/达标自评", headers=admin.token, json=wf).status_code == 200
    doc = new_assessment(http, world, branch, year=2032)
    assert act(http, secretary, doc, "提交").json()["message"]["workflow_state"] == "预审"

    back = copy.deepcopy(original)
    back["modified"] = http.get("/api/resource/Workflow/达标自评", headers=admin.token).json()["data"]["modified"]
    refused = http.put("/api/resource/Workflow/达标自评", headers=admin.token, json=back)
    assert refused.status_code == 417 and "预审" in refused.text and "remap_states" in refused.text
    back["remap_states"] = {"预审": "区级/单位审核"}
    assert http.put("/api/resource/Workflow/达标自评", headers=admin.token, json=back).status_code == 200
    moved = fresh(http, world, doc["name"])
    assert moved["workflow_state"] == "区级/单位审核"
    queue = call(http, world["liangxi_reviewer"], "sixhave.workflow.todo", "GET").json()["message"]
    item = next(i for i in queue["items"] if i["reference_name"] == doc["name"])
    assert item["workflow_state"] == "区级/单位审核" and "通过" in item["actions"]
