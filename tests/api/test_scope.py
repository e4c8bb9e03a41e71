"""Org scope and field rights from every door: a district's user sees only its subtree, by list,
count, get, search, export and print; permlevel, read_only_depends_on and if_owner on the server."""
import json
from urllib.parse import quote

import pytest

from tests.api.conftest import login
from tests.conftest import unique


@pytest.fixture(scope="module")
def records(server, world):
    import httpx

    admin = world["sysman"].token
    tag = unique("scope")
    names = {}
    with httpx.Client(base_url=server.url) as http:
        for org in ("梁溪区", "崇安寺街道", "健康社区", "锡山区", "东亭街道", "市教育局"):
            r = http.post("/api/resource/Test Org Record", headers=admin, json={"title": f"{tag}-{org}", "org": org,
                                                                                   "self_score": 90, "district_score": 85})
            assert r.status_code == 200, r.text
            names[org] = r.json()["data"]["name"]
    return tag, names


def titles(response):
    return sorted(row["title"].split("-")[-1] for row in response.json()["data"])


def test_lists_and_counts_are_scoped(http, world, records):
    tag, _ = records
    params = {"fields": '["title"]', "filters": json.dumps([["title", "like", f"{tag}%"]]), "limit_page_length": 0}
    liangxi = http.get("/api/resource/Test Org Record", headers=world["liangxi_admin"].token, params=params)
    assert titles(liangxi) == sorted(["梁溪区", "崇安寺街道", "健康社区"])
    xishan = http.get("/api/resource/Test Org Record", headers=world["xishan_admin"].token, params=params)
    assert titles(xishan) == sorted(["锡山区", "东亭街道"])
    both = http.get("/api/resource/Test Org Record", headers=world["two_districts"].token, params=params)
    assert titles(both) == sorted(["梁溪区", "崇安寺街道", "健康社区", "锡山区", "东亭街道"])
    city = http.get("/api/resource/Test Org Record", headers=world["city_admin"].token, params=params)
    assert city.status_code == 403  # the city admin has no right on this test DocType at all
    count = http.get("/api/method/frappe.client.get_count", headers=world["xishan_admin"].token,
                     params={"doctype": "Test Org Record", "filters": json.dumps([["title", "like", f"{tag}%"]])})
    assert count.json()["message"] == 2


def test_other_districts_documents_do_not_exist_for_me(http, world, records):
    _, names = records
    me = world["xishan_admin"].token
    for door in (f"/api/resource/Test Org Record/{names['健康社区']}",):
        r = http.get(door, headers=me)
        assert r.status_code == 404 and r.json()["exc_type"] == "DoesNotExistError"
    assert http.put(f"/api/resource/Test Org Record/{names['健康社区']}", headers=me, json={"title": "x"}).status_code == 404
    assert http.delete(f"/api/resource/Test Org Record/{names['健康社区']}", headers=me).status_code == 404
    r = http.get("/api/method/frappe.client.get_value", headers=me,
                 params={"doctype": "Test Org Record", "fieldname": "title", "filters": names["健康社区"]})
    assert r.json()["message"] == {}
    pdf = http.get("/api/method/frappe.utils.print_format.download_pdf", headers=me,
                   params={"doctype": "Test Org Record", "name": names["健康社区"]})
    assert pdf.status_code == 404
    html = http.get("/api/method/frappe.www.printview.get_html_and_style", headers=me,
                    params={"doc": json.dumps({"doctype": "Test Org Record", "name": names["健康社区"]})})
    assert html.status_code == 404
    own = http.get("/api/method/frappe.utils.print_format.download_pdf", headers=me,
                   params={"doctype": "Test Org Record", "name": names["东亭街道"]})
    assert own.status_code == 200 and own.content[:4] == b"%PDF"


def test_export_and_search_and_picker_are_scoped(http, world, records):
    tag, _ = records
    me = world["xishan_admin"].token
    r = http.get("/api/method/frappe.desk.reportview.export_query", headers=me, params={
        "doctype": "Test Org Record", "fields": '["title", "org"]', "file_format_type": "CSV",
        "filters": json.dumps([["title", "like", f"{tag}%"]])})
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    assert "东亭街道" in text and "健康社区" not in text and text.splitlines()[0] == "标题,组织"
    xlsx = http.get("/api/method/frappe.desk.reportview.export_query", headers=me, params={
        "doctype": "Test Org Record", "fields": '["title", "org"]', "filters": json.dumps([["title", "like", f"{tag}%"]])})
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ("标题", "组织") and len(values) == 3
    search = http.get("/api/method/frappe.desk.search.search_link", headers=me, params={"doctype": "Test Org Record", "txt": tag})
    assert sorted(r["label"].split("-")[-1] for r in search.json()["message"]) == sorted(["锡山区", "东亭街道"])
    picker = http.get("/api/method/frappe.desk.search.search_link", headers=me,
                      params={"doctype": "Org Unit", "txt": "", "page_length": 100})
    offered = {r["value"] for r in picker.json()["message"]}
    assert {"锡山区", "东亭街道"} <= offered
    assert not offered & {"无锡市", "梁溪区", "崇安寺街道", "健康社区", "市教育局"}


def test_reviewer_writes_only_the_district_score(http, world, records):
    _, names = records
    reviewer = world["liangxi_reviewer"].token
    name = names["健康社区"]
    r = http.put(f"/api/resource/Test Org Record/{name}", headers=reviewer, json={"district_score": 88})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["district_score"] == 88
    r = http.put(f"/api/resource/Test Org Record/{name}", headers=reviewer, json={"self_score": 100})
    assert r.status_code == 403 and "自评分" in r.text


def test_permlevel_fields_hidden_and_rejected_for_the_branch(http, world, site):
    secretary = world["secretary"].token
    created = http.post("/api/resource/Test Org Record", headers=secretary, json={"title": "本支部", "org": "健康社区", "self_score": 95})
    assert created.status_code == 200, created.text
    doc = created.json()["data"]
    assert "district_score" not in doc
    name = doc["name"]
    rejected = http.put(f"/api/resource/Test Org Record/{name}", headers=secretary, json={"district_score": 99})
    assert rejected.status_code == 403 and "区级评分" in rejected.text
    listed = http.get("/api/resource/Test Org Record", headers=secretary, params={"fields": '["*"]'})
    assert listed.status_code == 200 and all("district_score" not in row for row in listed.json()["data"])
    asked = http.get("/api/resource/Test Org Record", headers=secretary, params={"fields": '["district_score"]'})
    assert asked.status_code == 403
    # out of scope on create
    elsewhere = http.post("/api/resource/Test Org Record", headers=secretary, json={"title": "别处", "org": "东亭街道"})
    assert elsewhere.status_code == 403


def test_if_owner_rows(http, world, site, records):
    _, names = records
    secretary = world["secretary"].token
    # the record of 健康社区 made by the admin is in scope, but not the secretary's own
    assert http.get(f"/api/resource/Test Org Record/{names['健康社区']}", headers=secretary).status_code == 403
    mine = http.post("/api/resource/Test Org Record", headers=secretary, json={"title": "自己的", "org": "健康社区"}).json()["data"]
    assert http.get(f"/api/resource/Test Org Record/{mine['name']}", headers=secretary).status_code == 200
    listed = http.get("/api/resource/Test Org Record", headers=secretary, params={"fields": '["owner"]', "limit_page_length": 0})
    assert {row["owner"] for row in listed.json()["data"]} == {world["secretary"].name}


def test_read_only_and_depends_on_enforced_on_the_server(http, world):
    admin = world["liangxi_admin"].token
    doc = http.post("/api/resource/Test Org Record", headers=admin, json={"title": "锁", "org": "梁溪区", "locked": 1}).json()["data"]
    r = http.put(f"/api/resource/Test Org Record/{doc['name']}", headers=admin, json={"note": "改备注"})
    assert r.status_code == 403 and "备注" in r.text
    r = http.put(f"/api/resource/Test Org Record/{doc['name']}", headers=admin, json={"extra_info": "不该填"})
    assert r.status_code == 403 and "附加信息" in r.text
    r = http.put(f"/api/resource/Test Org Record/{doc['name']}", headers=admin, json={"title": "show", "extra_info": "可以填"})
    assert r.status_code == 200


def test_session_user_is_scoped_too(server, world, records):
    tag, _ = records
    client = login(server, world["liangxi_admin"])
    r = client.get("/api/resource/Test Org Record", params={"fields": '["title"]', "filters": json.dumps([["title", "like", f"{tag}%"]])})
    assert titles(r) == sorted(["梁溪区", "崇安寺街道", "健康社区"])
