"""/api/resource in Frappe's v1 dialect: list parameters, create, get, update, delete, envelopes."""
import json
from urllib.parse import quote

import pytest

from tests.conftest import unique


@pytest.fixture
def admin(world):
    return world["sysman"].token


@pytest.fixture
def notes(http, admin):
    tag = unique("r")
    for i, (status, qty) in enumerate([("Open", 3), ("Closed", 1), ("Open", 5), ("Open", 2)]):
        r = http.post("/api/resource/Test Note", headers=admin, json={
            "title": f"{tag}-{i}", "status": status, "qty": qty, "details": tag, "amount": "1.10",
            "reason": "r" if status == "Closed" else None})
        assert r.status_code == 200, r.text
    return tag


def test_list_parameters(http, admin, notes):
    base = {"filters": json.dumps({"details": notes})}
    r = http.get("/api/resource/Test Note", headers=admin, params=base)
    assert r.status_code == 200 and len(r.json()["data"]) == 4 and set(r.json()["data"][0]) == {"name"}
    r = http.get("/api/resource/Test Note", headers=admin, params={
        **base, "fields": json.dumps(["title", "qty"]), "order_by": "qty desc", "limit_page_length": 2, "limit_start": 1})
    assert [row["qty"] for row in r.json()["data"]] == [3, 2]
    r = http.get("/api/resource/Test Note", headers=admin, params={
        "fields": '["qty"]', "filters": json.dumps([["details", "=", notes]]),
        "or_filters": json.dumps([["qty", "=", 1], ["qty", "=", 5]]), "order_by": "qty asc"})
    assert [row["qty"] for row in r.json()["data"]] == [1, 5]
    r = http.get("/api/resource/Test Note", headers=admin, params={
        **base, "fields": '["status", "count(name) as n"]', "group_by": "status", "order_by": "status asc"})
    assert r.json()["data"] == [{"status": "Closed", "n": 1}, {"status": "Open", "n": 3}]
    r = http.get("/api/resource/Test Note", headers=admin, params={**base, "fields": '["qty"]', "order_by": "", "limit": 3})
    assert len(r.json()["data"]) == 3
    r = http.get("/api/resource/Test Note", headers=admin, params={**base, "fields": '["title","qty"]', "as_dict": "0", "order_by": "qty asc"})
    assert r.json()["data"][0] == [f"{notes}-1", 1]
    r = http.get("/api/resource/Test Note", headers=admin, params={**base, "fields": '["*"]', "limit_page_length": 0})
    rows = r.json()["data"]
    assert len(rows) == 4 and rows[0]["amount"] == 1.1 and "modified" in rows[0]


def test_default_page_is_twenty_and_zero_means_all(http, admin):
    tag = unique("p")
    for i in range(23):
        http.post("/api/resource/Test Category", headers=admin, json={"label": f"{tag}-{i:02d}"})
    f = json.dumps([["label", "like", f"{tag}%"]])
    assert len(http.get("/api/resource/Test Category", headers=admin, params={"filters": f}).json()["data"]) == 20
    assert len(http.get("/api/resource/Test Category", headers=admin, params={"filters": f, "limit_page_length": 0}).json()["data"]) == 23


def test_native_json_body_on_get_and_empty_json_body(http, admin, notes):
    r = http.request("GET", "/api/resource/Test Note", headers={**admin, "Content-Type": "application/json"},
                     content=json.dumps({"filters": {"details": notes}, "fields": ["qty"], "order_by": "qty asc"}))
    assert r.status_code == 200
    r = http.request("GET", "/api/resource/Test Note", headers={**admin, "Content-Type": "application/json"})
    assert r.status_code == 200


def test_create_get_update_delete(http, admin):
    created = http.post("/api/resource/Test Note", headers=admin, json={"title": "甲", "items": [{"item": "一"}]})
    doc = created.json()["data"]
    assert doc["doctype"] == "Test Note" and doc["items"][0]["item"] == "一" and doc["docstatus"] == 0
    name = doc["name"]
    form = http.post("/api/resource/Test Note", headers=admin, data={"data": json.dumps({"title": "表单"})})
    assert form.status_code == 200 and form.json()["data"]["title"] == "表单"
    got = http.get(f"/api/resource/Test Note/{name}", headers=admin).json()["data"]
    assert got["title"] == "甲"
    put = http.put(f"/api/resource/Test Note/{name}", headers=admin, json={"title": "乙", "items": [{"item": "二"}, {"item": "三"}]})
    assert put.status_code == 200 and [r["item"] for r in put.json()["data"]["items"]] == ["二", "三"]
    put_form = http.put(f"/api/resource/Test Note/{name}", headers=admin, data={"data": json.dumps({"qty": 9})})
    assert put_form.json()["data"]["qty"] == 9 and put_form.json()["data"]["title"] == "乙"
    stale = http.put(f"/api/resource/Test Note/{name}", headers=admin, json={"title": "丙", "modified": got["modified"]})
    assert stale.status_code == 417 and stale.json()["exc_type"] == "TimestampMismatchError"
    deleted = http.delete(f"/api/resource/Test Note/{name}", headers=admin)
    assert deleted.status_code == 202 and deleted.json() == {"data": "ok"}
    missing = http.get(f"/api/resource/Test Note/{name}", headers=admin)
    assert missing.status_code == 404 and missing.json()["exc_type"] == "DoesNotExistError"


def test_names_with_slash_and_chinese(http, admin):
    label = f"党建/示范 {unique()}"
    assert http.post("/api/resource/Test Category", headers=admin, json={"label": label}).status_code == 200
    r = http.get(f"/api/resource/Test Category/{quote(label, safe='')}", headers=admin)
    assert r.status_code == 200 and r.json()["data"]["name"] == label
    assert http.delete(f"/api/resource/Test Category/{quote(label, safe='')}", headers=admin).status_code == 202


@pytest.mark.parametrize("payload,status,exc_type", [
    ({}, 417, "MandatoryError"),
    ({"title": "x", "qty": "many"}, 417, "ValidationError"),
    ({"title": "x", "category": "不存在的类别"}, 417, "LinkValidationError"),
])
def test_validation_errors_are_417_with_frappe_envelope(http, admin, payload, status, exc_type):
    r = http.post("/api/resource/Test Note", headers=admin, json=payload)
    assert r.status_code == status
    body = r.json()
    assert body["exc_type"] == exc_type
    assert json.loads(body["exc"]) and all(isinstance(e, str) and e for e in json.loads(body["exc"]))
    messages = [json.loads(m) for m in json.loads(body["_server_messages"])]
    assert messages[0]["message"] and "title" in messages[0] and "indicator" in messages[0]
    assert "Traceback" not in body["exc"]


def test_duplicate_is_409_missing_doctype_404_no_auth_403(http, admin):
    label = unique("dup")
    http.post("/api/resource/Test Category", headers=admin, json={"label": label})
    dup = http.post("/api/resource/Test Category", headers=admin, json={"label": label})
    assert dup.status_code == 409 and dup.json()["exc_type"] == "DuplicateEntryError"
    assert http.get("/api/resource/No Such Thing", headers=admin).status_code == 404
    guest = http.get("/api/resource/Test Note")
    assert guest.status_code == 403 and guest.json()["exc_type"] == "PermissionError"


def test_bad_query_is_a_clear_error(http, admin):
    r = http.get("/api/resource/Test Note", headers=admin, params={"fields": '["title; drop table x"]'})
    assert r.status_code == 417 and "不存在" in r.text
    r = http.get("/api/resource/Test Note", headers=admin, params={"filters": "[[\"nosuch\", \"=\", 1]]"})
    assert r.status_code == 417 and "nosuch" in r.text


def test_submit_via_docstatus_and_methods(http, admin):
    # issue 9 (class 7): a client cannot create a document already submitted; it submits through
    # frappe.client.submit (which may insert and submit a new document, with both rights)
    refused = http.post("/api/resource/Test Invoice", headers=admin, json={"customer": "甲", "docstatus": 1})
    assert refused.status_code == 417 and refused.json()["exc_type"] == "DocstatusTransitionError"
    doc = http.post("/api/method/frappe.client.submit", headers=admin,
                    json={"doc": {"doctype": "Test Invoice", "customer": "甲"}}).json()["message"]
    assert doc["docstatus"] == 1


def test_openapi_document(http, admin, site):
    with site.context() as ctx:
        if not ctx.exists("Custom Field", "Test Category-openapi_extra"):
            ctx.insert({"doctype": "Custom Field", "dt": "Test Category", "fieldname": "openapi_extra", "label": "附加", "fieldtype": "Int"})
    doc = http.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    schema = doc["components"]["schemas"]["Test_Category"]
    assert "openapi_extra" in schema["properties"]
    assert "/api/resource/Test Note" in doc["paths"] and "/api/resource/Test Note/{name}" in doc["paths"]
    assert doc["components"]["schemas"]["Test_Note"]["properties"]["items"]["type"] == "array"
