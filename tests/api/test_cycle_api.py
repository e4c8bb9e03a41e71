"""The yearly cycle's doors through real HTTP, on SQLite and MariaDB: the city administrator
customises without being a System Manager (districts cannot); non-ISO dates and numbers are a 417
naming the field; a sheet's 36 rows export for everyone who can read it; the app's outputs keep
to each user's scope."""
import io
import json

import openpyxl
import pytest

from tests.api.conftest import call, ensure_template
from tests.conftest import unique


def test_the_city_administrator_customises_forms_workflows_and_templates(http, world):
    city, district = world["city_admin"], world["liangxi_admin"]
    assert "System Manager" not in city.roles
    field = {"dt": "Branch Brand", "fieldname": unique("note_"), "label": "备注", "fieldtype": "Data", "insert_after": "feature"}
    assert http.post("/api/resource/Custom Field", headers=district.token, json=field).status_code == 403
    made = http.post("/api/resource/Custom Field", headers=city.token, json=field)
    assert made.status_code == 200, made.text
    setter = {"doc_type": "Branch Brand", "field_name": "feature", "property": "label", "value": "支部特色",
              "property_type": "Data", "doctype_or_field": "DocField"}
    assert http.post("/api/resource/Property Setter", headers=district.token, json=setter).status_code == 403
    assert http.post("/api/resource/Property Setter", headers=city.token, json=setter).status_code == 200
    wf = http.get("/api/resource/Workflow/典型案例", headers=city.token)
    assert wf.status_code == 200 and http.get("/api/resource/Workflow/典型案例", headers=district.token).status_code == 403
    data = wf.json()["data"]
    changed = http.put("/api/resource/Workflow/典型案例", headers=city.token,
                       json={"transitions": data["transitions"], "states": data["states"]})
    assert changed.status_code == 200, changed.text
    assert http.put("/api/resource/Workflow/典型案例", headers=district.token, json={"is_active": 1}).status_code == 403
    template = {"year": 2901, "title": "模板", "pass_score": 80, "demonstration_score": 95,
                "items": [{"category_code": "1", "category": "有党的组织", "code": "1.1", "content": "组织设置", "points": 100}]}
    assert http.post("/api/resource/Scoring Template", headers=district.token, json=template).status_code == 403
    assert http.post("/api/resource/Scoring Template", headers=city.token, json=template).status_code == 200


@pytest.mark.parametrize("field, value", [("deadline", "31/10/2040"), ("deadline", "2040/10/31"), ("deadline", "10-31-2040"),
                                          ("lost_points", "3,5"), ("lost_points", "1.234,5"), ("year", "二〇四〇")])
def test_non_iso_dates_and_numbers_are_417_naming_the_field(http, world, field, value):
    secretary = world["secretary"]
    branch = http.post("/api/resource/Party Organization", headers=world["liangxi_admin"].token, json={
        "org_name": unique("日期支部"), "org_type": "党支部", "sector": "社区", "parent_unit": "健康社区"}).json()["data"]
    values = {"party_org": branch["name"], "year": 2040, "problem": "学习不经常", "responsible_person": "张书记",
              "deadline": "2040-10-31", field: value}
    r = http.post("/api/resource/Rectification Item", headers=secretary.token, json=values)
    assert r.status_code == 417, r.text
    label = {"deadline": "整改时限", "lost_points": "失分", "year": "年度"}[field]
    assert label in r.json()["exception"]
    listed = http.get("/api/resource/Rectification Item", headers=secretary.token,
                      params={"filters": json.dumps([[field, "=", value]])})
    assert listed.status_code == 417 and label in listed.text
    for method, args in (("sixhave.app.alerts", {"as_of": value}), ("sixhave.app.noncompliant", {"year": value})):
        if field == "deadline" or method.endswith("noncompliant"):
            r = call(http, world["city_admin"], method, "GET", **args)
            assert r.status_code == 417 and ("as_of" in r.text or "year" in r.text), r.text


def test_everyone_who_can_read_the_sheet_exports_its_36_rows(http, world, site):
    ensure_template(site, 2018)
    branch = http.post("/api/resource/Party Organization", headers=world["liangxi_admin"].token, json={
        "org_name": unique("导出支部"), "org_type": "党支部", "sector": "社区", "parent_unit": "健康社区"}).json()["data"]
    sheet = http.post("/api/resource/Self Assessment", headers=world["secretary"].token,
                      json={"party_org": branch["name"], "year": 2018}).json()["data"]
    member = f"{unique('wy')}@example.cn"
    with site.context() as ctx:  # a committee member: may read the sheet, has no export right
        ctx.insert({"doctype": "User", "email": member, "first_name": "委员", "new_password": "pw-member-123",
                    "roles": [{"role": "支部委员"}]})
        ctx.insert({"doctype": "User Permission", "user": member, "allow": "Org Unit", "for_value": "健康社区"})
        from sixhave_app.engine import auth

        keys = auth.generate_keys(ctx, member)
    member_token = {"Authorization": f"token {keys['api_key']}:{keys['api_secret']}"}
    readers = [world[k].token for k in ("secretary", "street_liaison", "liangxi_reviewer", "city_reviewer", "city_admin")]
    for token in readers + [member_token]:
        assert http.get(f"/api/resource/Self Assessment/{sheet['name']}", headers=token).status_code == 200
        for response in (
                http.get("/api/method/frappe.desk.reportview.export_query", headers=token, params={
                    "doctype": "Self Assessment Item", "fields": json.dumps(["code", "content", "points", "self_score"]),
                    "filters": json.dumps({"parent": sheet["name"]})}),
                call(http, type("P", (), {"token": token})(), "sixhave.app.export_assessment", "GET", name=sheet["name"])):
            assert response.status_code == 200, response.text
            book = openpyxl.load_workbook(io.BytesIO(response.content))
            assert book.active.max_row == 37  # the header and the 36 rows
    # a user who cannot read the sheet exports nothing of it
    other = world["xishan_admin"].token
    r = http.get("/api/method/frappe.desk.reportview.export_query", headers=other, params={
        "doctype": "Self Assessment Item", "fields": json.dumps(["code"]), "filters": json.dumps({"parent": sheet["name"]})})
    assert r.status_code in (403, 404) or openpyxl.load_workbook(io.BytesIO(r.content)).active.max_row == 1
    assert call(http, world["xishan_admin"], "sixhave.app.export_assessment", "GET", name=sheet["name"]).status_code in (403, 404)


def test_outputs_keep_to_each_users_scope(http, world):
    for method in ("sixhave.app.noncompliant", "sixhave.app.recommendations", "sixhave.app.performance",
                   "sixhave.app.implementation_plans", "sixhave.app.coverage", "sixhave.app.dashboard"):
        r = call(http, world["xishan_admin"], method, "GET", year=2018)
        assert r.status_code == 200, (method, r.text)
        text = json.dumps(r.json()["message"], ensure_ascii=False)
        assert "健康社区" not in text and "梁溪区" not in text, method
    mine = call(http, world["liangxi_admin"], "sixhave.app.dashboard", "GET", year=2018).json()["message"]
    assert "organisations" in mine  # a district sees its own organisations, whatever their results
    assert all(o["org"] for o in mine["organisations"])
    r = call(http, world["city_admin"], "sixhave.app.export", "GET", report="performance", year=2018)
    assert r.status_code == 200 and openpyxl.load_workbook(io.BytesIO(r.content)).active.max_row >= 2
    bad = call(http, world["city_admin"], "sixhave.app.export", "GET", report="nothing", year=2018)
    assert bad.status_code == 417 and "report" in bad.text
