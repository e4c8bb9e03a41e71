"""Issue 9, class 7: a client cannot create a document already submitted or cancelled — docstatus
moves only through submit and cancel, and through the workflow where one exists; a client-chosen
name is taken only where the naming rule lets people name (Prompt, or a field), and can never
advance or block a counter."""
import json

import pytest
import sqlalchemy as sa

from tests.conftest import unique


def _count(site, doctype, **filters):
    with site.context(ignore_permissions=True) as ctx:
        return ctx.get_count(doctype, filters)


def _counter(site, key):
    with site.context(ignore_permissions=True) as ctx:
        series = ctx.site.system["tabSeries"]
        return int(ctx.conn.execute(sa.select(series.c.current).where(series.c.name == key)).scalar() or 0)


@pytest.fixture(scope="module")
def admin(world):
    return world["sysman"].token


def test_no_document_is_born_submitted_or_cancelled(http, site, admin):
    tag = unique("inv")
    doors = []
    for status in (1, 2, "1"):
        doors += [
            http.post("/api/resource/Test Invoice", headers=admin, json={"customer": tag, "docstatus": status}),
            http.post("/api/method/frappe.client.insert", headers=admin,
                      json={"doc": {"doctype": "Test Invoice", "customer": tag, "docstatus": status}}),
            http.post("/api/method/frappe.client.insert_many", headers=admin,
                      json={"docs": [{"doctype": "Test Invoice", "customer": tag, "docstatus": status}]}),
            http.post("/api/method/frappe.client.save", headers=admin,
                      json={"doc": {"doctype": "Test Invoice", "customer": tag, "docstatus": status}}),
            http.post("/", headers=admin, data={"cmd": "frappe.client.insert", "doc": json.dumps(
                {"doctype": "Test Invoice", "customer": tag, "docstatus": status})}),
        ]
    for response in doors:
        assert response.status_code == 417 and response.json()["exc_type"] == "DocstatusTransitionError", response.text
    assert _count(site, "Test Invoice", customer=tag) == 0


def test_docstatus_moves_only_through_submit_and_cancel(http, site, admin):
    draft = http.post("/api/resource/Test Invoice", headers=admin, json={"customer": unique("c")}).json()["data"]
    name = draft["name"]
    for attempt in (
        lambda: http.put(f"/api/resource/Test Invoice/{name}", headers=admin, json={"docstatus": 1}),
        lambda: http.put(f"/api/resource/Test Invoice/{name}", headers=admin, json={"docstatus": 2}),
        lambda: http.post("/api/method/frappe.client.set_value", headers=admin,
                          json={"doctype": "Test Invoice", "name": name, "fieldname": "docstatus", "value": 1}),
        lambda: http.post("/api/method/frappe.client.save", headers=admin,
                          json={"doc": {"doctype": "Test Invoice", "name": name, "docstatus": 2}}),
        lambda: http.post("/api/method/frappe.client.bulk_update", headers=admin,
                          json={"docs": [{"doctype": "Test Invoice", "docname": name, "docstatus": 1}]}),
    ):
        response = attempt()
        assert response.status_code < 500, response.text
        assert http.get(f"/api/resource/Test Invoice/{name}", headers=admin).json()["data"]["docstatus"] == 0
    fresh = http.get(f"/api/resource/Test Invoice/{name}", headers=admin).json()["data"]
    submitted = http.post("/api/method/frappe.client.submit", headers=admin, json={"doc": fresh})
    assert submitted.status_code == 200 and submitted.json()["message"]["docstatus"] == 1
    back = http.put(f"/api/resource/Test Invoice/{name}", headers=admin, json={"docstatus": 0, "customer": "改"})
    assert back.status_code == 417  # after submit only allow_on_submit fields change
    cancelled = http.post("/api/method/frappe.client.cancel", headers=admin, json={"doctype": "Test Invoice", "name": name})
    assert cancelled.status_code == 200 and cancelled.json()["message"]["docstatus"] == 2
    assert http.put(f"/api/resource/Test Invoice/{name}", headers=admin, json={"remarks": "x"}).status_code == 417


def test_amendment_only_of_a_cancelled_document(http, admin):
    draft = http.post("/api/resource/Test Invoice", headers=admin, json={"customer": unique("c")}).json()["data"]
    for source in (draft["name"], "INV-NO-SUCH"):
        r = http.post("/api/resource/Test Invoice", headers=admin, json={"customer": "x", "amended_from": source})
        assert r.status_code in (403, 404, 417), r.text
    http.post("/api/method/frappe.client.submit", headers=admin, json={"doc": draft})
    http.post("/api/method/frappe.client.cancel", headers=admin, json={"doctype": "Test Invoice", "name": draft["name"]})
    amended = http.post("/api/resource/Test Invoice", headers=admin,
                        json={"customer": "x", "amended_from": draft["name"], "name": "我选的名字"})
    assert amended.status_code == 200 and amended.json()["data"]["name"] == f"{draft['name']}-1"


def test_where_a_workflow_exists_docstatus_moves_only_through_it(http, admin, approval_workflow):
    refused = [
        http.post("/api/resource/Test Approval", headers=admin, json={"title": "直接提交", "docstatus": 1}),
        http.post("/api/method/frappe.client.submit", headers=admin, json={"doc": {"doctype": "Test Approval", "title": "新建即提交"}}),
    ]
    doc = http.post("/api/resource/Test Approval", headers=admin, json={"title": unique("流程")}).json()["data"]
    refused.append(http.post("/api/method/frappe.client.submit", headers=admin, json={"doc": doc}))
    for response in refused:
        assert response.status_code in (403, 417), response.text
    assert http.get(f"/api/resource/Test Approval/{doc['name']}", headers=admin).json()["data"]["docstatus"] == 0
    approved = http.post("/api/method/frappe.model.workflow.apply_workflow", headers=admin,
                         json={"doc": {"doctype": "Test Approval", "name": doc["name"]}, "action": "批准"})
    assert approved.status_code == 200 and approved.json()["message"]["docstatus"] == 1
    cancel = http.post("/api/method/frappe.client.cancel", headers=admin, json={"doctype": "Test Approval", "name": doc["name"]})
    assert cancel.status_code == 403
    voided = http.post("/api/method/frappe.model.workflow.apply_workflow", headers=admin,
                       json={"doc": {"doctype": "Test Approval", "name": doc["name"]}, "action": "作废"})
    assert voided.status_code == 200 and voided.json()["message"]["docstatus"] == 2


def test_a_client_name_is_taken_only_where_people_name_documents(http, site, admin):
    note = http.post("/api/resource/Test Note", headers=admin, json={"title": "n", "name": "我起的名字"}).json()["data"]
    assert note["name"] != "我起的名字"
    category = http.post("/api/resource/Test Category", headers=admin, json={"label": unique("类"), "name": "别的名字"}).json()["data"]
    assert category["name"] == category["label"]
    chosen = unique("自定名称")
    prompt = http.post("/api/resource/Test Prompt", headers=admin, json={"title": "p", "name": chosen})
    assert prompt.status_code == 200 and prompt.json()["data"]["name"] == chosen
    newname = unique("newname")
    prompt2 = http.post("/api/resource/Test Prompt", headers=admin, json={"title": "p", "__newname": newname})
    assert prompt2.status_code == 200 and prompt2.json()["data"]["name"] == newname
    again = http.post("/api/resource/Test Prompt", headers=admin, json={"title": "p", "name": chosen})
    assert again.status_code == 409


def test_a_client_can_neither_advance_nor_block_a_counter(http, site, admin):
    first = http.post("/api/resource/Test Series", headers=admin, json={"title": "a", "naming_series": "TX-.####"}).json()["data"]
    number = int(first["name"].split("-")[-1])
    key = "TX-"
    before = _counter(site, key)
    # names that look like the series, the next value, or the counter itself: all ignored
    for i, name in enumerate((f"TX-{number + 2:04d}", "TX-9999", "TX-.####", f"TX-{number + 1:04d}"), start=1):
        r = http.post("/api/resource/Test Series", headers=admin, json={"title": "b", "name": name, "naming_series": "TX-.####"})
        assert r.status_code == 200, r.text
        assert r.json()["data"]["name"] == f"TX-{number + i:04d}"  # the series' own next value, every time
    assert _counter(site, key) == before + 4  # one step per insert, whatever the names sent
    bad_series = http.post("/api/resource/Test Series", headers=admin, json={"title": "c", "naming_series": "EVIL-.######"})
    assert bad_series.status_code == 417 and "编号规则" in bad_series.text
    assert _counter(site, "EVIL-") == 0
    counted = http.post("/api/resource/Test Number", headers=admin, json={"title": "c", "name": "999999"}).json()["data"]
    assert counted["name"] != "999999" and int(counted["name"]) < 999999


def test_a_rename_cannot_block_the_series(http, site, admin):
    one = http.post("/api/resource/Test Ticket", headers=admin, json={"title": "一"}).json()["data"]["name"]
    number = int(one.split("-")[-1])
    upcoming = f"TK-{number + 1:04d}"
    renamed = http.post("/api/method/frappe.client.rename_doc", headers=admin,
                        json={"doctype": "Test Ticket", "old_name": one, "new_name": upcoming})
    assert renamed.status_code == 200, renamed.text
    nxt = http.post("/api/resource/Test Ticket", headers=admin, json={"title": "二"})
    assert nxt.status_code == 200, nxt.text
    assert nxt.json()["data"]["name"] == f"TK-{number + 2:04d}"


def test_a_field_value_cannot_reach_another_doctypes_counter(http, site, admin):
    invoice = http.post("/api/resource/Test Invoice", headers=admin, json={"customer": "c"}).json()["data"]["name"]
    prefix = invoice.rsplit("-", 1)[0] + "-"
    before = _counter(site, prefix)
    coded = http.post("/api/resource/Test Coded", headers=admin, json={"code": prefix.rstrip("-")})
    assert coded.status_code == 200, coded.text
    assert _counter(site, prefix) == before
    nxt = http.post("/api/resource/Test Invoice", headers=admin, json={"customer": "c"}).json()["data"]["name"]
    assert int(nxt.rsplit("-", 1)[1]) == int(invoice.rsplit("-", 1)[1]) + 1
