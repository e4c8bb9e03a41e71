"""The workflow editor's server side: a city administrator (not a System Manager) adds a review
step to the self-assessment workflow and a sheet in flight follows it; broken definitions are
refused with the reason; removing a state that holds documents needs a mapping, applied in one
transaction and recorded on each document; every change is in the history and can be reverted;
a district administrator reaches none of it."""
import copy

from tests.api.conftest import call
from tests.studio.conftest import act, new_sheet

WF = "达标自评"


def definition(http, person):
    r = http.get(f"/api/resource/Workflow/{WF}", headers=person.token)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def with_review_step(doc):
    """区级/单位审核 —通过→ 区级复核 —复核通过→ 市级考评 (the district's second look)."""
    new = copy.deepcopy(doc)
    states = new["states"]
    at = next(i for i, s in enumerate(states) if s["state"] == "区级/单位审核")
    states.insert(at + 1, {"state": "区级复核", "doc_status": 0, "style": "Warning", "phase": "申报",
                           "editable_fields": {"区级审核员": ["district_opinion"]}})
    for t in new["transitions"]:
        if t["state"] == "区级/单位审核" and t["action"] == "通过" and t["allowed"] == "区级审核员":
            t["next_state"] = "区级复核"
    new["transitions"].append({"state": "区级复核", "action": "复核通过", "next_state": "市级考评", "allowed": "区级审核员",
                               "scope_level": "市（县）区", "deadline_days": 10})
    new["transitions"].append({"state": "区级复核", "action": "退回", "next_state": "草稿", "allowed": "区级审核员",
                               "scope_level": "市（县）区", "comment_required": 1})
    return new


def test_only_the_city_administrator_reaches_the_workflow_editor(http, people):
    city, district = people["city_admin"], people["liangxi_admin"]
    assert call(http, city, "sixhave.studio.access", "GET").json()["message"] == {
        "workflow": True, "print_format": True, "scoring_template": True, "programme_year": True}
    assert not any(call(http, district, "sixhave.studio.access", "GET").json()["message"].values())
    doc = definition(http, city)
    for method in ("sixhave.studio.workflow.preview", "sixhave.studio.workflow.save"):
        refused = call(http, district, method, doc=doc)
        assert refused.status_code == 403, refused.text
    assert call(http, district, "sixhave.studio.history", "GET", doctype="Workflow", name=WF).status_code == 403


def test_broken_definitions_are_refused_with_the_reason(http, people):
    city = people["city_admin"]
    doc = definition(http, city)
    cases = []
    lost = copy.deepcopy(doc)
    lost["states"].append({"state": "孤立", "doc_status": 0})
    cases.append((lost, "无法到达"))
    nowhere = copy.deepcopy(doc)
    nowhere["transitions"].append({"state": "草稿", "action": "去向不明", "next_state": "不存在的状态", "allowed": "支部书记"})
    cases.append((nowhere, "未定义"))
    bad_condition = copy.deepcopy(doc)
    bad_condition["transitions"][0]["condition"] = "doc.no_such_field > 1"
    cases.append((bad_condition, "no_such_field"))
    failing = copy.deepcopy(doc)
    failing["transitions"][0]["condition"] = "int(doc.party_org) > 0"
    cases.append((failing, "示例"))
    for bad, words in cases:
        preview = call(http, city, "sixhave.studio.workflow.preview", doc=bad).json()["message"]
        assert not preview["ok"] and words in preview["error"], preview
        saved = call(http, city, "sixhave.studio.workflow.save", doc=bad)
        assert saved.status_code == 417 and words in saved.text, saved.text
    assert definition(http, city)["modified"] == doc["modified"]  # nothing written


def test_a_review_step_added_and_a_sheet_in_flight_follows_it(http, people, branch):
    city, district, secretary = people["city_admin"], people["liangxi_reviewer"], people["secretary"]
    sheet = new_sheet(http, people, branch)
    assert act(http, secretary, "Self Assessment", sheet["name"], "提交").status_code == 200
    before = definition(http, city)

    changed = with_review_step(before)
    preview = call(http, city, "sixhave.studio.workflow.preview", doc=changed).json()["message"]
    assert preview["ok"] and not preview["orphaned"], preview
    in_review = next(r for r in preview["states"] if r["state"] == "区级/单位审核")
    assert in_review["count"] >= 1 and in_review["kept"]
    assert next(r for r in preview["states"] if r["state"] == "区级复核")["added"]
    saved = call(http, city, "sixhave.studio.workflow.save", doc=changed)
    assert saved.status_code == 200, saved.text

    # the sheet already waiting for the district now goes through the new step
    moved = act(http, district, "Self Assessment", sheet["name"], "通过")
    assert moved.status_code == 200, moved.text
    assert moved.json()["message"]["workflow_state"] == "区级复核"
    queue = call(http, district, "sixhave.workflow.todo", "GET", doctype="Self Assessment").json()["message"]
    item = next(i for i in queue["items"] if i["reference_name"] == sheet["name"])
    assert item["workflow_state"] == "区级复核" and set(item["actions"]) == {"复核通过", "退回"}
    assert item["due_date"]  # the transition's time limit (or the phase's deadline, whichever is earlier)
    done = act(http, district, "Self Assessment", sheet["name"], "复核通过")
    assert done.json()["message"]["workflow_state"] == "市级考评"

    # the change is in the history (who, when, what) and can be reverted
    history = call(http, city, "sixhave.studio.history", "GET", doctype="Workflow", name=WF).json()["message"]
    assert history[0]["user"] == city.name and "新增行" in history[0]["summary"]
    reverted = call(http, city, "sixhave.studio.revert", doctype="Workflow", name=WF, version=history[0]["version"])
    assert reverted.status_code == 200, reverted.text
    after = definition(http, city)
    assert [s["state"] for s in after["states"]] == [s["state"] for s in before["states"]]
    assert {(t["state"], t["action"], t["next_state"]) for t in after["transitions"]} == \
        {(t["state"], t["action"], t["next_state"]) for t in before["transitions"]}


def test_removing_a_state_that_holds_documents_needs_a_mapping(http, people, branch):
    city, secretary = people["city_admin"], people["secretary"]
    sheet = new_sheet(http, people, branch)
    assert act(http, secretary, "Self Assessment", sheet["name"], "提交").status_code == 200
    before = definition(http, city)
    changed = with_review_step(before)
    assert call(http, city, "sixhave.studio.workflow.save", doc=changed).status_code == 200
    assert act(http, people["liangxi_reviewer"], "Self Assessment", sheet["name"], "通过").status_code == 200

    # take the step out again: the sheet waiting in it must go somewhere
    current = definition(http, city)
    removed = copy.deepcopy(before)
    removed["modified"] = current["modified"]
    preview = call(http, city, "sixhave.studio.workflow.preview", doc=removed).json()["message"]
    assert not preview["ok"] and [r["state"] for r in preview["orphaned"]] == ["区级复核"]
    assert preview["orphaned"][0]["count"] >= 1 and "区级复核" in preview["error"]
    refused = call(http, city, "sixhave.studio.workflow.save", doc=removed)
    assert refused.status_code == 417 and "区级复核" in refused.text
    wrong = call(http, city, "sixhave.studio.workflow.save", doc=removed, remap={"区级复核": "没有这个状态"})
    assert wrong.status_code == 417
    saved = call(http, city, "sixhave.studio.workflow.save", doc=removed, remap={"区级复核": "区级/单位审核"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["message"]["moved"]["区级复核"] >= 1
    doc = http.get(f"/api/resource/Self Assessment/{sheet['name']}", headers=people["sysman"].token).json()["data"]
    assert doc["workflow_state"] == "区级/单位审核"
    history = call(http, people["sysman"], "sixhave.workflow.history", "GET", doctype="Self Assessment",
                   name=sheet["name"]).json()["message"]
    moved = [h for h in history if h["action"] == "流程调整"]
    assert moved and moved[-1]["from_state"] == "区级复核" and moved[-1]["user"] == city.name
    assert definition(http, city).get("remap_states") in (None, {}, "")


def test_open_queue_items_follow_the_new_roles(http, people, branch):
    """A sheet waiting in a state whose actions now belong to another role moves to that role's queue."""
    city, secretary, city_reviewer = people["city_admin"], people["secretary"], people["city_reviewer"]
    sheet = new_sheet(http, people, branch)
    assert act(http, secretary, "Self Assessment", sheet["name"], "提交").status_code == 200

    def waiting(person):
        queue = call(http, person, "sixhave.workflow.todo", "GET", doctype="Self Assessment").json()["message"]
        return [i for i in queue["items"] if i["reference_name"] == sheet["name"]]

    assert not waiting(city_reviewer)
    before = definition(http, city)
    changed = copy.deepcopy(before)
    changed["transitions"].append({"state": "区级/单位审核", "action": "市级直接考评", "next_state": "市级考评",
                                   "allowed": "市级审核员"})
    assert call(http, city, "sixhave.studio.workflow.save", doc=changed).status_code == 200
    mine = waiting(city_reviewer)
    assert mine and "市级直接考评" in mine[0]["actions"]
    assert waiting(people["liangxi_reviewer"])  # the district still has it too

    history = call(http, city, "sixhave.studio.history", "GET", doctype="Workflow", name=WF).json()["message"]
    assert call(http, city, "sixhave.studio.revert", doctype="Workflow", name=WF,
                version=history[0]["version"]).status_code == 200
    assert not waiting(city_reviewer)
