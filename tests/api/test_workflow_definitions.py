"""Workflow definitions as data: loaded by migrate, edited through the API, versioned, and refused
when they would be unusable."""
import copy
import json
from pathlib import Path

import pytest

WORKFLOWS = Path(__file__).parents[2] / "workflows"


def shipped(name: str) -> dict:
    return json.loads((WORKFLOWS / f"{name}.json").read_text("utf-8"))


def test_shipped_workflows_are_loaded_and_their_state_fields_exist(http, world):
    admin = world["sysman"].token
    rows = http.get("/api/resource/Workflow", headers=admin, params={"fields": '["name","document_type","is_active"]'}).json()["data"]
    assert {(r["name"], r["document_type"]) for r in rows} >= {
        ("达标自评", "Self Assessment"), ("示范申报", "Demonstration Application"), ("整改", "Rectification Item")}
    meta = http.get("/api/openapi.json").json()["components"]["schemas"]["Self_Assessment"]["properties"]
    assert "workflow_state" in meta


@pytest.mark.parametrize("change,words", [
    (lambda wf: wf["states"].append({"state": "孤岛", "doc_status": 0}), "无法到达"),
    (lambda wf: wf["transitions"].append({"state": "草稿", "action": "跳", "next_state": "不存在", "allowed": "支部书记"}), "未定义"),
    (lambda wf: wf["transitions"].append({"state": "达标", "action": "倒退", "next_state": "草稿", "allowed": "市级审核员"}), "倒退"),
    (lambda wf: wf["transitions"].append({"state": "草稿", "action": "x", "next_state": "达标", "allowed": "没有的角色"}), "角色"),
    (lambda wf: wf["transitions"].append({"state": "草稿", "action": "x", "next_state": "达标", "allowed": "支部书记",
                                          "condition": "__import__('os')"}), "条件"),
    (lambda wf: wf["states"][0].update({"editable_fields": {"支部书记": ["no_such_field"]}}), "no_such_field"),
])
def test_bad_definitions_are_refused_naming_the_problem(http, world, change, words):
    wf = shipped("self_assessment")
    wf["workflow_name"] = "坏流程"
    wf["is_active"] = 0
    change(wf)
    r = http.post("/api/resource/Workflow", headers=world["sysman"].token, json=wf)
    assert r.status_code == 417 and words in r.text, r.text


def test_two_active_workflows_for_one_doctype_are_refused(http, world):
    wf = shipped("rectification_item")
    wf["workflow_name"] = "第二个整改流程"
    r = http.post("/api/resource/Workflow", headers=world["sysman"].token, json=wf)
    assert r.status_code == 417 and "只能启用一个" in r.text
    wf["is_active"] = 0
    assert http.post("/api/resource/Workflow", headers=world["sysman"].token, json=wf).status_code == 200


def test_edits_are_versioned(http, world):
    """Makes its own inactive workflow: under xdist the tests of a module may run in any worker."""
    admin = world["sysman"].token
    wf = shipped("rectification_item")
    wf["workflow_name"] = "版本化的整改流程"
    wf["is_active"] = 0
    assert http.post("/api/resource/Workflow", headers=admin, json=wf).status_code == 200
    wf = http.get("/api/resource/Workflow/版本化的整改流程", headers=admin).json()["data"]
    wf["send_email_alert"] = 0
    assert http.put("/api/resource/Workflow/版本化的整改流程", headers=admin, json=wf).status_code == 200
    versions = http.get("/api/resource/Version", headers=admin, params={
        "filters": json.dumps({"ref_doctype": "Workflow", "docname": "版本化的整改流程"})}).json()["data"]
    assert len(versions) >= 1
