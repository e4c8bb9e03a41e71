"""Issue 9, class 2: every Link written points at something the writer may read — on insert and
update, through every door, in child tables, Dynamic Links and Table MultiSelect rows — and
`fetch_from` copies only from such records. Refusals are 403 naming the field (as any out-of-scope
write; a missing record looks the same); nothing is written."""
import json

import pytest
import sqlalchemy as sa

from tests.conftest import unique


def _branch_and_member(ctx, unit: str, pension: int):
    branch = ctx.insert({"doctype": "Party Organization", "org_name": unique("链接支部"), "org_type": "党支部",
                         "sector": "社区", "parent_unit": unit}).name
    member = ctx.insert({"doctype": "Party Member", "full_name": unique("党员"), "party_org": branch, "pension": pension}).name
    return branch, member


@pytest.fixture(scope="module")
def places(site, world):
    from tests.api.conftest import ensure_template

    ensure_template(site, 2018)
    with site.context(ignore_permissions=True) as ctx:
        mine_branch, mine_member = _branch_and_member(ctx, "健康社区", 3000)
        other_branch, other_member = _branch_and_member(ctx, "东亭街道", 8888)
        mine_record = ctx.insert({"doctype": "Test Org Record", "title": unique("本区记录"), "org": "崇安寺街道",
                                  "district_score": 61}).name
        other_record = ctx.insert({"doctype": "Test Org Record", "title": unique("外区记录"), "org": "东亭街道",
                                   "district_score": 99}).name
    return {"mine_branch": mine_branch, "mine_member": mine_member, "other_branch": other_branch,
            "other_member": other_member, "mine_record": mine_record, "other_record": other_record}


def _count(site, doctype, **filters):
    with site.context(ignore_permissions=True) as ctx:
        return ctx.get_count(doctype, filters)


def _refused(response, label: str):
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["exc_type"] == "PermissionError" and label in body["exception"] and "权限范围" in body["exception"], body
    return body


def test_dues_payment_cannot_point_at_another_districts_member(http, world, site, places):
    """The reported case: the other member's name and pension must not be copied into my record."""
    admin = world["liangxi_admin"].token
    before = _count(site, "Dues Payment", member=places["other_member"])
    response = http.post("/api/resource/Dues Payment", headers=admin, json={
        "party_org": places["mine_branch"], "member": places["other_member"], "month": "2018-03-01", "amount_paid": 20})
    body = _refused(response, "党员")
    assert "8888" not in response.text and places["other_member"] in body["exception"]
    assert _count(site, "Dues Payment", member=places["other_member"]) == before
    # my own member is fine, and fetches
    ok = http.post("/api/resource/Dues Payment", headers=admin, json={
        "party_org": places["mine_branch"], "member": places["mine_member"], "month": "2018-03-01", "amount_paid": 15})
    assert ok.status_code == 200, ok.text
    assert ok.json()["data"]["pension"] == 3000
    # nor on update, by any door
    name = ok.json()["data"]["name"]
    doors = [
        http.put(f"/api/resource/Dues Payment/{name}", headers=admin, json={"member": places["other_member"]}),
        http.post("/api/method/frappe.client.set_value", headers=admin,
                  json={"doctype": "Dues Payment", "name": name, "fieldname": "member", "value": places["other_member"]}),
        http.post("/api/method/frappe.client.save", headers=admin,
                  json={"doc": {"doctype": "Dues Payment", "name": name, "member": places["other_member"]}}),
        http.post("/api/method/frappe.client.insert", headers=admin, json={"doc": {
            "doctype": "Dues Payment", "party_org": places["mine_branch"], "member": places["other_member"], "month": "2018-04-01"}}),
        http.post("/", headers=admin, data={"cmd": "frappe.client.set_value", "doctype": "Dues Payment", "name": name,
                                            "fieldname": "member", "value": places["other_member"]}),
    ]
    for response in doors:
        _refused(response, "党员")
    many = http.post("/api/method/frappe.client.insert_many", headers=admin, json={"docs": [
        {"doctype": "Dues Payment", "party_org": places["mine_branch"], "member": places["mine_member"], "month": "2018-05-01"},
        {"doctype": "Dues Payment", "party_org": places["mine_branch"], "member": places["other_member"], "month": "2018-06-01"}]})
    _refused(many, "党员")
    bulk = http.post("/api/method/frappe.client.bulk_update", headers=admin, json={"docs": [
        {"doctype": "Dues Payment", "docname": name, "member": places["other_member"]}]})
    assert bulk.status_code == 200 and len(bulk.json()["message"]["failed_docs"]) == 1
    with site.context(ignore_permissions=True) as ctx:
        stored = ctx.get_value("Dues Payment", name, ["member", "pension", "member_name"], as_dict=True)
    assert stored["member"] == places["mine_member"] and stored["pension"] == 3000
    assert _count(site, "Dues Payment", member=places["other_member"]) == before


def test_nonexistent_and_unreadable_links_look_the_same(http, world, places):
    admin = world["liangxi_admin"].token
    texts = []
    for member in (places["other_member"], "PM-NO-SUCH"):
        response = http.post("/api/resource/Dues Payment", headers=admin, json={
            "party_org": places["mine_branch"], "member": member, "month": "2018-03-01"})
        texts.append(_refused(response, "党员")["exception"].replace(member, "X"))
    assert texts[0] == texts[1]


def test_child_rows_dynamic_links_and_multiselect(http, world, site, places):
    admin = world["liangxi_admin"].token
    meeting = {"party_org": places["mine_branch"], "kind": "集体学习", "meeting_date": "2018-03-01", "topic": unique("会"),
               "attendance": [{"member": places["mine_member"]}, {"member": places["other_member"]}]}
    body = _refused(http.post("/api/resource/Meeting", headers=admin, json=meeting), "第 2 行")
    assert "党员" in body["exception"]
    meeting["attendance"] = meeting["attendance"][:1]
    assert http.post("/api/resource/Meeting", headers=admin, json=meeting).status_code == 200
    base = {"title": unique("链"), "org": "梁溪区"}
    cases = [
        ({"record": places["other_record"]}, "关联记录"),
        ({"rows": [{"record": places["mine_record"]}, {"record": places["other_record"]}]}, "记录"),
        ({"picks": [{"record": places["other_record"]}]}, "记录"),
        ({"rows": [{"org": "东亭街道"}]}, "组织"),
        ({"ref_type": "Test Org Record", "ref_name": places["other_record"]}, "引用单据"),
        ({"ref_type": "Party Member", "ref_name": places["other_member"]}, "引用单据"),
    ]
    for extra, label in cases:
        _refused(http.post("/api/resource/Test Scoped Link", headers=admin, json={**base, **extra}), label)
    good = http.post("/api/resource/Test Scoped Link", headers=admin, json={
        **base, "record": places["mine_record"], "rows": [{"record": places["mine_record"]}],
        "picks": [{"record": places["mine_record"]}], "ref_type": "Test Org Record", "ref_name": places["mine_record"],
        "any_unit": "东亭街道"})  # ignore_user_permissions: any existing unit
    assert good.status_code == 200, good.text
    data = good.json()["data"]
    assert data["record_title"].startswith("本区记录") and data["rows"][0]["record_title"].startswith("本区记录")
    # a link outside the scope rules (ignore_user_permissions): a missing record is simply missing
    missing = http.post("/api/resource/Test Scoped Link", headers=admin, json={**base, "any_unit": "没有这个单位"})
    assert missing.status_code == 417 and missing.json()["exc_type"] == "LinkValidationError" and "任意单位" in missing.text


def test_fetch_from_copies_nothing_from_a_record_the_writer_cannot_read(http, world, site, places):
    # the city administrator links a Liangxi document to a Xishan record (they may read both)
    with site.context(user=world["sysman"].name) as ctx:  # a system manager may read both
        name = ctx.insert({"doctype": "Test Scoped Link", "title": unique("市级"), "org": "梁溪区",
                           "record": places["other_record"]}).name
    with site.context(ignore_permissions=True) as ctx:
        table = ctx.table("Test Org Record")
        ctx.conn.execute(table.update().where(table.c.name == places["other_record"]).values(title="外区新标题"))
    admin = world["liangxi_admin"].token
    # an unrelated edit by the district is allowed, but the unreadable record is not re-read
    edited = http.put(f"/api/resource/Test Scoped Link/{name}", headers=admin, json={"title": "区里改标题"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["record_title"] != "外区新标题"
    assert "外区新标题" not in edited.text


def test_fetch_from_skips_fields_the_writer_cannot_read(http, world, site, places):
    """A branch secretary reads a record's level-0 fields only: its district score is not copied."""
    secretary = world["secretary"]
    with site.context(ignore_permissions=True) as ctx:
        record = ctx.insert({"doctype": "Test Org Record", "title": unique("书记的记录"), "org": "健康社区",
                             "district_score": 42}).name
        table = ctx.table("Test Org Record")
        ctx.conn.execute(table.update().where(table.c.name == record).values(owner=secretary.name))
    made = http.post("/api/resource/Test Scoped Link", headers=secretary.token,
                     json={"title": unique("书记"), "org": "健康社区", "record": record})
    assert made.status_code == 200, made.text
    assert made.json()["data"]["record_title"].startswith("书记的记录") and made.json()["data"].get("record_score") in (None, 0)
    admin = world["liangxi_admin"].token
    copied = http.post("/api/resource/Test Scoped Link", headers=admin, json={"title": unique("分"), "org": "梁溪区",
                                                                               "record": places["mine_record"]})
    assert copied.status_code == 200 and copied.json()["data"]["record_score"] == 61


def test_one_query_per_linked_doctype(site, world, places):
    """Fifty rows linking the same DocType cost one permission query, not fifty."""
    statements = []

    def count(conn, cursor, statement, *args):
        if "Test Org Record" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with site.context(user=world["liangxi_admin"].name) as ctx:
        sa.event.listen(site.engine, "before_cursor_execute", count)
        try:
            ctx.insert({"doctype": "Test Scoped Link", "title": unique("多行"), "org": "梁溪区",
                        "record": places["mine_record"],
                        "rows": [{"record": places["mine_record"]} for _ in range(50)]})
        finally:
            sa.event.remove(site.engine, "before_cursor_execute", count)
    # one for the access check; the fetches of record.title read the same table once per row at most
    access = [s for s in statements if "IN" in s.upper() and "tabOrg Unit" in s]
    assert len(access) == 1, statements


def test_unprivileged_system_work_is_unchanged(site, places):
    """System writes (ignore_permissions) link as before: existence only."""
    with site.context(ignore_permissions=True) as ctx:
        doc = ctx.insert({"doctype": "Test Scoped Link", "title": unique("系统"), "record": places["other_record"]})
        assert doc.record_title.startswith("外区") or doc.record_title == "外区新标题"
    assert json.dumps(places)
