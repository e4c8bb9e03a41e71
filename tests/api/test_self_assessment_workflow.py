"""达标自评 through the API, as its users would: the branch submits, the district returns it once
with a reason, then passes it; the city returns it to the district, then passes it. Withdrawal,
delegation, per-state field rights, scope, concurrency, idempotency, batches, deadlines and
notifications along the way."""
import datetime as dt
import json
import threading

import httpx
import pytest

from tests.api.conftest import call, ensure_template
from tests.conftest import unique


@pytest.fixture(scope="module", autouse=True)
def templates(site):
    # 2019 is left for the programme-year scenario, which opens it from 2018 itself
    for year in [2017, 2018] + list(range(2020, 2033)):
        ensure_template(site, year)


@pytest.fixture(scope="module")
def branch(server, world):
    """A branch under 健康社区 (梁溪区 › 崇安寺街道), created by the district's admin."""
    with httpx.Client(base_url=server.url) as http:
        r = http.post("/api/resource/Party Organization", headers=world["liangxi_admin"].token, json={
            "org_name": f"健康社区退休党支部{unique()}", "org_type": "党支部", "sector": "社区", "parent_unit": "健康社区"})
        assert r.status_code == 200, r.text
        return r.json()["data"]


def new_assessment(http, world, branch, year=2018, site=None):
    if site is not None:
        ensure_template(site, year)
    given = {"1.1": 3, "4.2": 5}
    # a sheet is submitted with every item self-scored (the rest at full marks here)
    r = http.post("/api/resource/Self Assessment", headers=world["secretary"].token, json={
        "party_org": branch["name"], "year": year,
        "items": [{"code": row["code"], "self_score": given.get(row["code"], row["points"])}
                  for row in template_items(http, world, year)]})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def template_items(http, world, year):
    reader = world["sysman"].token
    name = http.get("/api/resource/Scoring Template", headers=reader,
                    params={"filters": json.dumps({"year": year})}).json()["data"][0]["name"]
    return http.get(f"/api/resource/Scoring Template/{name}", headers=reader).json()["data"]["items"]


def act(http, person, doc, action, **extra):
    return call(http, person, "frappe.model.workflow.apply_workflow", doc=doc, action=action, **extra)


def state_of(http, world, name):
    return http.get(f"/api/resource/Self Assessment/{name}", headers=world["sysman"].token).json()["data"]["workflow_state"]


def fresh(http, world, name):
    return http.get(f"/api/resource/Self Assessment/{name}", headers=world["sysman"].token).json()["data"]


def test_the_yearly_review_end_to_end(http, world, branch):
    secretary, district, city = world["secretary"], world["liangxi_reviewer"], world["city_reviewer"]
    doc = new_assessment(http, world, branch, year=2018)
    name = doc["name"]
    assert doc["workflow_state"] == "草稿" and doc["org"] == branch["org"]

    # the branch sees its action, fills its scores, and cannot move the state by hand
    actions = call(http, secretary, "frappe.model.workflow.get_transitions", doc={"doctype": "Self Assessment", "name": name}).json()["message"]
    assert [a["action"] for a in actions] == ["提交"]
    row = doc["items"][0]
    ok = http.put(f"/api/resource/Self Assessment/{name}", headers=secretary.token,
                  json={"items": [{**row, "self_score": 2.5}] + doc["items"][1:], "self_opinion": "自评属实"})
    assert ok.status_code == 200, ok.text
    forced = http.put(f"/api/resource/Self Assessment/{name}", headers=secretary.token, json={"workflow_state": "达标"})
    assert forced.status_code == 403

    # submit, then withdraw while nobody has acted, then submit again
    assert act(http, secretary, fresh(http, world, name), "提交").json()["message"]["workflow_state"] == "区级/单位审核"
    assert act(http, secretary, fresh(http, world, name), "撤回").json()["message"]["workflow_state"] == "草稿"
    assert act(http, secretary, fresh(http, world, name), "提交").status_code == 200
    edit_now = http.put(f"/api/resource/Self Assessment/{name}", headers=secretary.token, json={"self_opinion": "改"})
    assert edit_now.status_code == 403 and "区级/单位审核" in edit_now.text

    # other districts and units cannot see it, let alone act
    assert act(http, world["xishan_reviewer"], fresh(http, world, name), "通过").status_code == 404
    assert act(http, world["unit_reviewer"], fresh(http, world, name), "通过").status_code == 404
    assert act(http, city, fresh(http, world, name), "通过").status_code == 403  # not the city's step

    # the district's queue has it; the reviewer scores the district column only
    queue = call(http, district, "sixhave.workflow.todo", "GET", doctype="Self Assessment").json()["message"]
    mine = [i for i in queue["items"] if i["reference_name"] == name]
    assert mine and set(mine[0]["actions"]) == {"通过", "退回"}
    assert any(c["workflow_state"] == "区级/单位审核" and c["count"] >= 1 for c in queue["counts"])
    current = fresh(http, world, name)
    scored = http.put(f"/api/resource/Self Assessment/{name}", headers=district.token, json={
        "items": [{**r, "district_score": r["points"] - 0.5} for r in current["items"]], "district_opinion": "基本达标"})
    assert scored.status_code == 200, scored.text
    cheat = http.put(f"/api/resource/Self Assessment/{name}", headers=district.token, json={
        "items": [{**r, "self_score": 0} for r in scored.json()["data"]["items"]]})
    assert cheat.status_code == 403

    # a return needs a reason; with one it goes back to the branch
    no_reason = act(http, district, fresh(http, world, name), "退回")
    assert no_reason.status_code == 417 and "意见" in no_reason.text
    back = act(http, district, fresh(http, world, name), "退回", comment="请补充集体学习记录")
    assert back.json()["message"]["workflow_state"] == "草稿"
    assert act(http, secretary, fresh(http, world, name), "提交").status_code == 200
    assert act(http, district, fresh(http, world, name), "通过").json()["message"]["workflow_state"] == "市级考评"

    # the city chooses where a return goes
    unclear = act(http, city, fresh(http, world, name), "退回", comment="区级评分需复核")
    assert unclear.status_code == 417 and "next_state" in unclear.text
    back = act(http, city, fresh(http, world, name), "退回", comment="区级评分需复核", next_state="区级/单位审核")
    assert back.json()["message"]["workflow_state"] == "区级/单位审核"
    assert act(http, district, fresh(http, world, name), "通过").status_code == 200
    passed = act(http, city, fresh(http, world, name), "达标").json()["message"]
    assert passed["workflow_state"] == "达标" and passed["docstatus"] == 1

    # the history is on the document and queryable like any DocType
    history = call(http, district, "sixhave.workflow.history", "GET", doctype="Self Assessment", name=name).json()["message"]
    assert [h["action"] for h in history] == ["提交", "撤回", "提交", "退回", "提交", "通过", "退回", "通过", "达标"]
    assert history[3]["comment"] == "请补充集体学习记录" and history[3]["user"] == district.name and history[3]["role"] == "区级审核员"
    listed = http.get("/api/resource/Workflow History", headers=district.token, params={
        "fields": '["action","from_state","to_state","org"]',
        "filters": json.dumps({"reference_name": name, "action": "退回"})}).json()["data"]
    assert len(listed) == 2 and all(r["org"] == branch["org"] for r in listed)
    hidden = http.get("/api/resource/Workflow History", headers=world["xishan_reviewer"].token, params={
        "filters": json.dumps({"reference_name": name})}).json()["data"]
    assert hidden == []
    done = call(http, district, "sixhave.workflow.done", "GET", doctype="Self Assessment").json()["message"]
    assert {i["action"] for i in done["items"] if i["reference_name"] == name} == {"退回", "通过"}
    assert not [i for i in call(http, district, "sixhave.workflow.todo", "GET").json()["message"]["items"] if i["reference_name"] == name]


def test_reviewer_acts_without_general_write_permission(http, world, branch):
    doc = new_assessment(http, world, branch, year=2029)
    assert act(http, world["secretary"], doc, "提交").status_code == 200
    # 区级审核员 has no level-0 write on Self Assessment: a plain edit is refused, the action is not
    refused = http.put(f"/api/resource/Self Assessment/{doc['name']}", headers=world["liangxi_reviewer"].token, json={"year": 2020})
    assert refused.status_code == 403
    assert act(http, world["liangxi_reviewer"], fresh(http, world, doc["name"]), "通过").status_code == 200


def test_delegation_moves_the_item_to_a_colleague(http, world, branch):
    doc = new_assessment(http, world, branch, year=2020)
    act(http, world["secretary"], doc, "提交")
    me, colleague = world["liangxi_reviewer"], world["liangxi_reviewer2"]
    item = next(i for i in call(http, me, "sixhave.workflow.todo", "GET").json()["message"]["items"] if i["reference_name"] == doc["name"])
    wrong = call(http, me, "sixhave.workflow.delegate", workflow_action=item["name"], to_user=world["xishan_reviewer"].name)
    assert wrong.status_code == 417 and "范围" in wrong.text
    assert call(http, me, "sixhave.workflow.delegate", workflow_action=item["name"], to_user=colleague.name, comment="出差").status_code == 200
    assert not [i for i in call(http, me, "sixhave.workflow.todo", "GET").json()["message"]["items"] if i["reference_name"] == doc["name"]]
    theirs = [i for i in call(http, colleague, "sixhave.workflow.todo", "GET").json()["message"]["items"] if i["reference_name"] == doc["name"]]
    assert theirs and theirs[0]["user"] == colleague.name
    assert act(http, colleague, fresh(http, world, doc["name"]), "通过").status_code == 200


def test_two_reviewers_at_once_exactly_one_wins(server, world, branch):
    with httpx.Client(base_url=server.url) as http:
        doc = new_assessment(http, world, branch, year=2021)
        act(http, world["secretary"], doc, "提交")
        act(http, world["liangxi_reviewer"], fresh(http, world, doc["name"]), "通过")
        snapshot = fresh(http, world, doc["name"])
    results, barrier = [], threading.Barrier(2)

    def go(person, action, comment=None):
        with httpx.Client(base_url=server.url, timeout=30) as client:
            barrier.wait()
            r = act(client, person, snapshot, action, comment=comment)
            results.append((r.status_code, r.json().get("exc_type")))

    threads = [threading.Thread(target=go, args=(world["city_reviewer"], "达标")),
               threading.Thread(target=go, args=(world["city_reviewer2"], "不达标", "不符合"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(code for code, _ in results)
    assert codes == [200, 417], results
    assert [exc for code, exc in results if code == 417] == ["TimestampMismatchError"]


def test_the_same_request_twice_acts_once(http, world, branch):
    doc = new_assessment(http, world, branch, year=2022)
    key = unique("idem")
    first = http.post("/api/method/frappe.model.workflow.apply_workflow", headers={**world["secretary"].token, "Idempotency-Key": key},
                      json={"doc": doc, "action": "提交"})
    again = http.post("/api/method/frappe.model.workflow.apply_workflow", headers={**world["secretary"].token, "Idempotency-Key": key},
                      json={"doc": doc, "action": "提交"})
    assert first.status_code == again.status_code == 200
    history = call(http, world["secretary"], "sixhave.workflow.history", "GET", doctype="Self Assessment", name=doc["name"]).json()["message"]
    assert [h["action"] for h in history] == ["提交"]


def test_batch_action_reports_each_document(http, world, branch):
    ready = []
    for year in (2023, 2024):
        doc = new_assessment(http, world, branch, year=year)
        act(http, world["secretary"], doc, "提交")
        ready.append(doc["name"])
    draft = new_assessment(http, world, branch, year=2025)["name"]
    r = call(http, world["liangxi_reviewer"], "frappe.model.workflow.bulk_workflow_approval",
             doctype="Self Assessment", docnames=ready + [draft], action="通过")
    results = {x["name"]: x for x in r.json()["message"]}
    assert results[ready[0]]["ok"] and results[ready[1]]["ok"]
    assert not results[draft]["ok"] and "没有动作" in results[draft]["message"]
    assert state_of(http, world, ready[0]) == "市级考评" and state_of(http, world, draft) == "草稿"


def test_queue_items_past_their_phase_deadline_are_overdue(http, world, branch, site):
    with site.context() as ctx:
        if not ctx.exists("Programme Year", "2017"):
            ctx.insert({"doctype": "Programme Year", "year": 2017, "declare_by": "2017-10-31", "assess_by": "2017-11-30"})
    doc = new_assessment(http, world, branch, year=2017)
    # past 2017's deadline a submission needs the city to reopen it first (who and why recorded)
    refused = act(http, world["secretary"], doc, "提交")
    assert refused.status_code == 417 and "截止" in refused.json()["exception"]
    reopened = call(http, world["city_admin"], "sixhave.app.reopen", doctype="Self Assessment", name=doc["name"],
                    reason="因换届推迟申报，经研究同意补报")
    assert reopened.status_code == 200 and reopened.json()["message"]["reopened_by"] == world["city_admin"].name
    act(http, world["secretary"], doc, "提交")
    queue = call(http, world["liangxi_reviewer"], "sixhave.workflow.todo", "GET", doctype="Self Assessment", overdue=1).json()["message"]
    item = next(i for i in queue["items"] if i["reference_name"] == doc["name"])
    assert item["overdue"] and item["due_date"] == "2017-10-31"
    assert any(c["overdue"] >= 1 for c in queue["counts"])


def test_entering_a_state_notifies_who_can_act(http, world, branch):
    doc = new_assessment(http, world, branch, year=2026)
    act(http, world["secretary"], doc, "提交")
    logs = http.get("/api/resource/Notification Log", headers=world["liangxi_reviewer"].token, params={
        "fields": '["subject","document_name","for_user"]', "filters": json.dumps({"document_name": doc["name"]})}).json()["data"]
    assert logs and all(l["for_user"] == world["liangxi_reviewer"].name for l in logs)
    assert "待您处理" in logs[0]["subject"]
    others = http.get("/api/resource/Notification Log", headers=world["xishan_reviewer"].token, params={
        "filters": json.dumps({"document_name": doc["name"]})}).json()["data"]
    assert others == []
