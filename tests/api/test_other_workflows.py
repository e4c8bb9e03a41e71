"""示范申报 and 整改 through the API, end to end, with the plaque quota checked at 授牌."""
import datetime as dt
import json

import httpx
import pytest

from tests.api.conftest import call
from tests.conftest import unique


@pytest.fixture(scope="module")
def branches(server, world):
    out = []
    with httpx.Client(base_url=server.url) as http:
        for _ in range(2):
            r = http.post("/api/resource/Party Organization", headers=world["liangxi_admin"].token, json={
                "org_name": f"示范候选支部{unique()}", "org_type": "党支部", "sector": "机关", "parent_unit": "健康社区",
                "term_start": "2024-01-01", "term_end": "2045-01-01"})
            assert r.status_code == 200, r.text
            out.append(r.json()["data"])
    return out


def act(http, person, doctype, name, action, reader=None, **extra):
    doc = http.get(f"/api/resource/{doctype}/{name}", headers=(reader or person).token).json()["data"]
    return call(http, person, "frappe.model.workflow.apply_workflow", doc=doc, action=action, **extra)


def test_demonstration_application_with_quota_and_spot_check(http, world, branches, site):
    year = 2040
    with site.context() as ctx:
        ctx.insert({"doctype": "Scoring Template", "year": year, "title": "测试模板", "pass_score": 80, "demonstration_score": 95,
                    "demonstration_quota": 1, "items": [{"category_code": "1", "category": "有党的组织", "code": "1.1",
                                                         "content": "组织设置", "points": 100}]})
    secretary, district, city = world["secretary"], world["liangxi_reviewer"], world["city_reviewer"]
    names = []
    for branch in branches:  # a demonstration application needs the year's self assessment, at ≥ 95
        r = http.post("/api/resource/Self Assessment", headers=secretary.token, json={
            "party_org": branch["name"], "year": year, "items": [{"code": "1.1", "self_score": 100}]})
        assert r.status_code == 200 and r.json()["data"]["self_total"] == 100, r.text
        sheet = r.json()["data"]["name"]
        # a plaque goes only to a branch the city passed at or above the demonstration threshold
        act(http, secretary, "Self Assessment", sheet, "提交")
        scored = http.get(f"/api/resource/Self Assessment/{sheet}", headers=district.token).json()["data"]
        http.put(f"/api/resource/Self Assessment/{sheet}", headers=district.token,
                 json={"items": [{**row, "district_score": 100} for row in scored["items"]]})
        act(http, district, "Self Assessment", sheet, "通过")
        scored = http.get(f"/api/resource/Self Assessment/{sheet}", headers=city.token).json()["data"]
        http.put(f"/api/resource/Self Assessment/{sheet}", headers=city.token,
                 json={"items": [{**row, "city_score": 100} for row in scored["items"]]})
        assert act(http, city, "Self Assessment", sheet, "达标").json()["message"]["workflow_state"] == "达标"
        r = http.post("/api/resource/Demonstration Application", headers=secretary.token, json={
            "party_org": branch["name"], "year": year, "brand": "银发先锋", "practices": "每月集体学习", "results": "成效明显"})
        assert r.status_code == 200, r.text
        names.append(r.json()["data"]["name"])
        assert r.json()["data"]["workflow_state"] == "草稿"
        assert act(http, secretary, "Demonstration Application", names[-1], "申报").json()["message"]["workflow_state"] == "区级推荐"
        returned = act(http, district, "Demonstration Application", names[-1], "退回", comment="材料不全")
        assert returned.json()["message"]["workflow_state"] == "草稿"
        act(http, secretary, "Demonstration Application", names[-1], "申报")
        assert act(http, district, "Demonstration Application", names[-1], "推荐").json()["message"]["workflow_state"] == "市级评审"
    # and only after a 公示 whose window has closed
    today = dt.date.today()
    notice = call(http, city, "sixhave.app.publish_notice", year=year, start_date=str(today - dt.timedelta(days=10)),
                  end_date=str(today - dt.timedelta(days=3)))
    assert notice.status_code == 200, notice.text
    awarded = act(http, city, "Demonstration Application", names[0], "授牌")
    assert awarded.json()["message"]["workflow_state"] == "授牌" and awarded.json()["message"]["docstatus"] == 1
    over_quota = act(http, city, "Demonstration Application", names[1], "授牌")
    assert over_quota.status_code == 403 and "条件" in over_quota.text
    assert act(http, city, "Demonstration Application", names[1], "不通过", comment="名额已满").json()["message"]["workflow_state"] == "未通过"
    # the yearly spot check: keep, then revoke
    assert act(http, city, "Demonstration Application", names[0], "保持").json()["message"]["workflow_state"] == "保持"
    revoked = act(http, city, "Demonstration Application", names[0], "撤销", comment="抽查不合格")
    assert revoked.json()["message"]["workflow_state"] == "撤销" and revoked.json()["message"]["docstatus"] == 2


def test_rectification_item_end_to_end(http, world, branches):
    secretary, district = world["secretary"], world["liangxi_reviewer"]
    r = http.post("/api/resource/Rectification Item", headers=secretary.token, json={
        "party_org": branches[0]["name"], "year": 2040, "problem": "集体学习未做到每月一次", "source": "自评",
        "responsible_person": "张书记", "deadline": "2040-09-30"})
    assert r.status_code == 200, r.text
    name = r.json()["data"]["name"]
    assert r.json()["data"]["workflow_state"] == "待整改"
    assert act(http, secretary, "Rectification Item", name, "开始整改").json()["message"]["workflow_state"] == "整改中"
    plan = http.put(f"/api/resource/Rectification Item/{name}", headers=secretary.token, json={
        "task": "建立每月学习制度", "responsible_person": "张书记", "deadline": "2040-09-30", "progress_note": "已建立制度"})
    assert plan.status_code == 200, plan.text
    assert act(http, secretary, "Rectification Item", name, "完成整改").json()["message"]["workflow_state"] == "已完成"
    assert http.put(f"/api/resource/Rectification Item/{name}", headers=secretary.token, json={"progress_note": "x"}).status_code == 403
    again = act(http, district, "Rectification Item", name, "退回整改", comment="缺少学习记录照片")
    assert again.json()["message"]["workflow_state"] == "整改中"
    act(http, secretary, "Rectification Item", name, "完成整改")
    accepted = act(http, district, "Rectification Item", name, "验收")
    assert accepted.json()["message"]["workflow_state"] == "已验收" and accepted.json()["message"]["docstatus"] == 1
    assert act(http, world["xishan_reviewer"], "Rectification Item", name, "验收", reader=world["sysman"]).status_code == 404
