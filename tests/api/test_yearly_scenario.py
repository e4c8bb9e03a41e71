"""The programme from its first year into its second, as its users walk it through the API, on a
site of its own (SQLite and MariaDB), each step on the day it happens (the site is told the date):

2018 — the city opens the first year; 梁溪区 records its 实施方案; two branches self-check in July and
get their three lists; a rectification item is worked and accepted; in October the sheets are
submitted, one is returned (the notice says 退回, by whom and why) and resubmitted; paper copies
are received; in November the city passes 甲 and fails 乙 (the 不达标名单); 甲 applies, the 公示
draws an objection, the plaque waits until it is resolved, then is awarded.
2019 — the city opens the second year and closes the first; 乙's follow-up inspection is marked
重点督查; the spot check draws its reproducible sample and withdraws 甲's plaque, history kept."""
import json

import httpx
import pytest

from tests.api.conftest import LiveServer, call, make_world
from tests.conftest import unique


@pytest.fixture(scope="module")
def stage(site_factory, backend):
    site = site_factory(backend)
    world = make_world(site)
    server = LiveServer(site)
    server.start()
    with httpx.Client(base_url=server.url, timeout=60) as http:
        yield site, world, http
    server.stop()
    site.engine.dispose()  # the site's pooled connections back to the server now


def act(http, person, doctype, name, action, **extra):
    doc = http.get(f"/api/resource/{doctype}/{name}", headers=person.token).json()["data"]
    return call(http, person, "frappe.model.workflow.apply_workflow", doc=doc, action=action, **extra)


def ok(response):
    assert response.status_code == 200, response.text
    body = response.json()
    return body.get("data", body.get("message"))


def test_2018_into_2019(stage):
    site, world, http = stage
    city_admin, city, district, secretary = (world["city_admin"], world["city_reviewer"], world["liangxi_reviewer"],
                                             world["secretary"])
    day = lambda d: site.config.__setitem__("as_of", d)  # noqa: E731 - the date the site is told

    # ---------------------------------------------------------------- 2018: 动员部署
    day("2018-03-01")
    ok(call(http, city_admin, "sixhave.app.open_year", year=2018))
    year = ok(http.get("/api/resource/Programme Year/2018", headers=secretary.token))
    assert (year["mobilise_by"], year["declare_by"], year["target_pass_rate"]) == ("2018-06-30", "2018-10-31", 80)
    day("2018-06-10")
    ok(http.post("/api/resource/Implementation Plan", headers=world["liangxi_admin"].token, json={
        "org": "梁溪区", "year": 2018, "title": "梁溪区“六有一提升”工程实施方案", "plan_date": "2018-06-08",
        "approved_by": "区委组织部部长", "attachment": "/private/files/lx-plan.pdf"}))
    plans = ok(call(http, city_admin, "sixhave.app.implementation_plans", "GET", year=2018))
    assert "梁溪区" not in plans["missing"] and "锡山区" in plans["missing"]

    branches = {}
    for key in ("甲", "乙"):
        branches[key] = ok(http.post("/api/resource/Party Organization", headers=world["liangxi_admin"].token, json={
            "org_name": f"{key}支部{unique()}", "org_type": "党支部", "sector": "机关", "parent_unit": "健康社区",
            "parent_has_approval": 1, "term_start": "2017-01-01", "term_end": "2021-12-31"}))["name"]
        members = [ok(http.post("/api/resource/Party Member", headers=secretary.token, json={
            "full_name": f"党员{unique()}", "party_org": branches[key], "birth_date": "1950-05-01",
            "join_date": "1975-07-01"}))["name"] for _ in range(3)]
        org = ok(http.get(f"/api/resource/Party Organization/{branches[key]}", headers=secretary.token))
        ok(http.put(f"/api/resource/Party Organization/{branches[key]}", headers=world["liangxi_admin"].token, json={
            "committee": org["committee"] + [{"post": "书记", "member": members[0], "from_date": "2017-01-01"}]}))

    # ---------------------------------------------------------------- 自查摸底: three lists
    day("2018-07-20")
    sheets, checks = {}, {}
    for key, branch in branches.items():
        sheets[key] = ok(http.post("/api/resource/Self Assessment", headers=secretary.token,
                                   json={"party_org": branch, "year": 2018}))["name"]
        sheet = ok(http.get(f"/api/resource/Self Assessment/{sheets[key]}", headers=secretary.token))
        rows = [{**r, "self_score": r["points"] if r["code"] != "4.2" else 0} for r in sheet["items"]]
        ok(http.put(f"/api/resource/Self Assessment/{sheets[key]}", headers=secretary.token, json={"items": rows}))
        checks[key] = ok(call(http, secretary, "sixhave.app.make_self_check", party_org=branch, year=2018))
        assert [e["item_code"] for e in checks[key]["entries"]] == ["4.2"]
        ok(call(http, secretary, "frappe.client.submit", doc=ok(http.get(f"/api/resource/Self Check/{checks[key]['name']}",
                                                                         headers=secretary.token))))
    lists = ok(call(http, secretary, "sixhave.app.self_check_lists", "GET", name=checks["甲"]["name"]))
    assert lists["问题清单"] and lists["任务清单"] and lists["责任清单"] and lists["时间表"] and lists["路线图"]

    # ---------------------------------------------------------------- 整改推进
    day("2018-08-10")
    item = ok(http.get("/api/resource/Rectification Item", headers=secretary.token, params={
        "filters": json.dumps({"party_org": branches["甲"], "year": 2018})}))[0]["name"]
    ok(act(http, secretary, "Rectification Item", item, "开始整改"))
    current = ok(http.get(f"/api/resource/Rectification Item/{item}", headers=secretary.token))
    ok(http.put(f"/api/resource/Rectification Item/{item}", headers=secretary.token, json={
        "progress": current["progress"] + [{"note_date": "2018-08-10", "note": "建立每月集体学习制度"}]}))
    ok(act(http, secretary, "Rectification Item", item, "完成整改"))
    day("2018-08-20")
    closed = ok(act(http, district, "Rectification Item", item, "验收"))
    assert closed["workflow_state"] == "已验收" and closed["closed_on"] == "2018-08-20"

    # ---------------------------------------------------------------- 申报: a return, paper copies
    day("2018-10-20")
    for key in ("甲", "乙"):
        sheet = ok(http.get(f"/api/resource/Self Assessment/{sheets[key]}", headers=secretary.token))
        ok(http.put(f"/api/resource/Self Assessment/{sheets[key]}", headers=secretary.token,
                    json={"items": [{**r, "self_score": r["points"]} for r in sheet["items"]]}))
        ok(act(http, secretary, "Self Assessment", sheets[key], "提交"))
    ok(act(http, district, "Self Assessment", sheets["甲"], "退回", comment="请补充党费收缴台账"))
    notices = ok(http.get("/api/resource/Notification Log", headers=secretary.token, params={
        "filters": json.dumps({"document_name": sheets["甲"]}), "fields": '["subject"]'}))
    notice = next(n["subject"] for n in notices if n["subject"].startswith("退回"))
    assert "liangxi_reviewer" in notice and "“草稿”" in notice and "请补充党费收缴台账" in notice
    ok(act(http, secretary, "Self Assessment", sheets["甲"], "提交"))
    for key in ("甲", "乙"):
        sheet = ok(http.get(f"/api/resource/Self Assessment/{sheets[key]}", headers=district.token))
        ok(http.put(f"/api/resource/Self Assessment/{sheets[key]}", headers=district.token,
                    json={"items": [{**r, "district_score": r["self_score"]} for r in sheet["items"]]}))
        ok(act(http, district, "Self Assessment", sheets[key], "通过"))
    application = ok(http.post("/api/resource/Demonstration Application", headers=secretary.token, json={
        "party_org": branches["甲"], "year": 2018, "brand": "银发先锋", "practices": "每月集体学习", "results": "成效明显"}))["name"]
    ok(act(http, secretary, "Demonstration Application", application, "申报"))
    ok(act(http, district, "Demonstration Application", application, "推荐"))
    day("2018-11-02")
    received = ok(call(http, city, "sixhave.app.receive_paper", doctype="Self Assessment", name=sheets["甲"], copies=2))
    assert received["paper_received_by"] == city.name and received["paper_received_on"] == "2018-11-02"

    # ---------------------------------------------------------------- 考核: pass, fail, 不达标名单
    day("2018-11-20")
    for key, share in (("甲", 1.0), ("乙", 0.6)):
        sheet = ok(http.get(f"/api/resource/Self Assessment/{sheets[key]}", headers=city.token))
        ok(http.put(f"/api/resource/Self Assessment/{sheets[key]}", headers=city.token,
                    json={"items": [{**r, "city_score": round(r["points"] * share, 1)} for r in sheet["items"]]}))
        ok(act(http, city, "Self Assessment", sheets[key], "达标" if share == 1.0 else "不达标", comment="综合考评"))
    failed = ok(call(http, district, "sixhave.app.noncompliant", "GET", year=2018, org="梁溪区"))
    assert [r["party_org"] for r in failed] == [branches["乙"]] and failed[0]["lost_items"]
    assert failed[0]["rectification_total"] >= 1

    # ---------------------------------------------------------------- 公示 with an objection, the plaque
    day("2018-11-21")
    notice = ok(call(http, city, "sixhave.app.publish_notice", year=2018, start_date="2018-11-21", end_date="2018-11-28"))
    day("2018-11-25")
    notice = ok(http.put(f"/api/resource/Public Notice/{notice['name']}", headers=city.token, json={
        "objection_rows": [{"application": application, "received_on": "2018-11-25", "content": "反映学习记录不实"}]}))
    day("2018-11-29")
    waiting = act(http, city, "Demonstration Application", application, "授牌")
    assert waiting.status_code == 403 and "异议尚未核实处理" in waiting.json()["exception"]
    rows = notice["objection_rows"]
    rows[0].update(status="不成立", resolution="经核实，学习记录齐全", resolved_on="2018-11-29")
    ok(http.put(f"/api/resource/Public Notice/{notice['name']}", headers=city.token, json={"objection_rows": rows}))
    assert ok(act(http, city, "Demonstration Application", application, "授牌"))["workflow_state"] == "授牌"
    plaque = ok(http.get("/api/resource/Plaque", headers=city.token, params={
        "filters": json.dumps({"application": application}), "fields": '["name","status","awarded_on"]'}))[0]
    assert plaque["status"] == "有效" and plaque["awarded_on"] == "2018-11-29"
    assert [r["party_org"] for r in ok(call(http, city_admin, "sixhave.app.recommendations", "GET", year=2018))] == [branches["甲"]]

    # ---------------------------------------------------------------- 2019: a new year, the old one closed
    day("2019-03-01")
    ok(call(http, city_admin, "sixhave.app.open_year", year=2019))
    ok(call(http, city_admin, "sixhave.app.close_year", year=2018))
    newcomer = ok(http.post("/api/resource/Party Organization", headers=world["liangxi_admin"].token, json={
        "org_name": f"丙支部{unique()}", "org_type": "党支部", "sector": "机关", "parent_unit": "健康社区"}))["name"]
    late = http.post("/api/resource/Self Assessment", headers=secretary.token, json={"party_org": newcomer, "year": 2018})
    assert late.status_code == 417 and "年度已关闭" in late.json()["exception"]
    planned = ok(call(http, district, "sixhave.app.schedule_inspections", year=2019, half="上半年", org="梁溪区"))
    priority = {r["party_org"]: r["priority"] for r in ok(http.get("/api/resource/Inspection", headers=district.token, params={
        "filters": json.dumps([["name", "in", planned]]), "fields": '["party_org","priority"]'}))}
    assert priority[branches["乙"]] == 1 and priority[branches["甲"]] == 0

    # ---------------------------------------------------------------- the spot check withdraws the plaque
    day("2019-06-01")
    drawn = ok(call(http, city, "sixhave.app.draw_spot_check", year=2019, sample_size=3, seed="2019-抽查"))
    assert application in drawn["population"] and drawn["seed"] == "2019-抽查"
    rows = drawn["results"]
    for row in rows:
        if row["application"] == application:
            row.update(outcome="撤销", notes="复核发现上半年未开展集体学习", checked_on="2019-06-01")
    ok(http.put(f"/api/resource/Spot Check/{drawn['name']}", headers=city.token, json={"results": rows}))
    withdrawn = ok(http.get(f"/api/resource/Plaque/{plaque['name']}", headers=city.token))
    assert withdrawn["status"] == "撤销" and withdrawn["revoke_reason"] == "复核发现上半年未开展集体学习"
    assert withdrawn["revoked_on"] == "2019-06-01"
    with site.context() as ctx:  # history kept: the plaque's versions and the application's workflow history
        assert ctx.get_count("Version", {"ref_doctype": "Plaque", "docname": plaque["name"]}) >= 1
        steps = ctx.get_all("Workflow History", filters={"reference_name": application}, fields=["action", "comment", "user"],
                            order_by="creation asc")
    assert [s["action"] for s in steps] == ["申报", "推荐", "授牌", "撤销"]
    assert steps[-1]["comment"] == "复核发现上半年未开展集体学习" and steps[-1]["user"] == city.name
    board = ok(call(http, city_admin, "sixhave.app.dashboard", "GET", year=2018))
    assert board["pass_rates"]["target"] == 80 and board["demonstration"]["count"] == 0
    site.config.pop("as_of", None)
