"""A field type an app registers (the test app's "Phone", declared in its hooks.py) works end to
end without a change to the engine: its column is made by migrate, a bad value is refused with a
417 naming the field, filters compare it as text, OpenAPI shows its pattern, print shows it, and an
Excel export has its column."""
from __future__ import annotations

import re
import uuid

import httpx
import openpyxl
import pytest
import sqlalchemy as sa

from sixhave_app.engine import auth, data_export, fieldtypes
from sixhave_app.engine.errors import MetaError
from sixhave_app.engine.meta import validate_doctype_dict
from sixhave_app.engine.users import ADMIN
from sixhave_test_app.field_types import PATTERN, PHONE
from tests.api.conftest import LiveServer, Person
from tests.conftest import unique

DT = "Test Contact"


@pytest.fixture(scope="module")
def server(site):
    live = LiveServer(site)
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def manager(site) -> Person:
    email = f"{unique('phone-mgr')}@example.cn"
    with site.context(ADMIN) as ctx:
        ctx.insert({"doctype": "User", "email": email, "first_name": "phone", "new_password": "pw-phone-123",
                    "roles": [{"role": "System Manager"}]})
        keys = auth.generate_keys(ctx, email)
    return Person(email, "pw-phone-123", ["System Manager"], api_key=keys["api_key"], api_secret=keys["api_secret"])


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def test_the_site_knows_the_apps_type_and_the_engine_table_is_untouched(site):
    assert site.field_types["Phone"] is PHONE
    assert "Phone" not in fieldtypes.FIELD_TYPES  # registered per site, not by changing a global
    assert site.meta(DT).get_field("mobile").kind is PHONE
    with pytest.raises(ValueError, match="Phone"):
        fieldtypes.registry([PHONE, PHONE])


def test_a_site_without_the_app_refuses_the_type():
    data = {"name": "Phone Less", "fields": [{"fieldname": "mobile", "fieldtype": "Phone", "label": "手机"}]}
    with pytest.raises(MetaError, match="Phone"):
        validate_doctype_dict(data, source="test")
    validate_doctype_dict(data, source="test", field_types=fieldtypes.registry([PHONE]))


def test_migrate_made_its_column(site):
    with site.engine.connect() as conn:
        columns = {c["name"]: c["type"] for c in sa.inspect(conn).get_columns("tab" + DT)}
    assert isinstance(columns["mobile"], sa.String) and columns["mobile"].length == 20


def test_rest_refuses_a_bad_value_naming_the_field_and_keeps_a_good_one(http, manager):
    bad = http.post(f"/api/resource/{DT}", headers=manager.token, json={"full_name": "甲", "mobile": "call me"})
    assert bad.status_code == 417, bad.text
    assert bad.json()["exc_type"] == "ValidationError"
    assert "手机" in bad.text and "不是有效的电话号码" in bad.text
    good = http.post(f"/api/resource/{DT}", headers=manager.token, json={"full_name": "乙", "mobile": "0510-8888 6666"})
    assert good.status_code == 200, good.text
    assert good.json()["data"]["mobile"] == "051088886666"


def test_filters_compare_it_as_text(site, http, manager):
    number = "139" + str(uuid.uuid4().int)[:8]  # 11 digits, this test's own
    with site.context(ADMIN) as ctx:
        name = ctx.insert({"doctype": DT, "full_name": "丙", "mobile": number}).name
        assert ctx.get_list(DT, filters={"mobile": number}, pluck="name") == [name]
        # a number given for a text-like field is compared as its text, not coerced to an integer
        assert ctx.get_list(DT, filters={"mobile": int(number)}, pluck="name") == [name]
        assert ctx.get_list(DT, filters=[["mobile", "like", number[:7] + "%"]], pluck="name") == [name]
    r = http.get(f"/api/resource/{DT}", headers=manager.token,
                 params={"filters": f'[["mobile", "=", "{number}"]]', "fields": '["name", "mobile"]'})
    assert r.status_code == 200 and r.json()["data"] == [{"name": name, "mobile": number}]


def test_openapi_shows_a_string_with_its_pattern(http):
    schema = http.get("/api/openapi.json").json()["components"]["schemas"]["Test_Contact"]["properties"]["mobile"]
    fragment = schema["anyOf"][0]  # not required: it may also be null
    assert fragment["type"] == "string" and fragment["pattern"] == PATTERN
    assert re.match(fragment["pattern"], "051088886666") and not re.match(fragment["pattern"], "call me")


def test_print_shows_it_as_text(site, http, manager):
    with site.context(ADMIN) as ctx:
        name = ctx.insert({"doctype": DT, "full_name": "丁", "mobile": "+8613900001111"}).name
    page = http.get("/printview", headers=manager.token, params={"doctype": DT, "name": name})
    assert page.status_code == 200, page.text
    assert "手机" in page.text and "+8613900001111" in page.text


def test_excel_export_has_its_column(site, tmp_path):
    with site.context(ADMIN) as ctx:
        name = ctx.insert({"doctype": DT, "full_name": "戊", "mobile": "13700002222"}).name
        path = tmp_path / "contacts.xlsx"
        assert data_export.export_list(ctx, DT, path, filters={"name": name}) == 1
    sheet = openpyxl.load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "手机" in r)
    column = header.index("手机")
    assert rows[rows.index(header) + 1][column] == "13700002222"
    letter = openpyxl.utils.get_column_letter(column + 1)
    assert sheet.column_dimensions[letter].width >= PHONE.excel_width


def test_the_desk_is_told_which_input_it_borrows(http, manager):
    """The desk maps engine types to inputs; the meta it reads names the engine type an app's type
    borrows (FieldType.desk), so a new type needs no change to the desk either."""
    answer = http.post("/api/method/frappe.desk.form.load.getdoctype", headers=manager.token, json={"doctype": DT})
    assert answer.status_code == 200, answer.text
    fields = {f["fieldname"]: f for f in answer.json()["docs"][0]["fields"]}
    assert fields["mobile"]["fieldtype"] == "Phone" and fields["mobile"]["__widget"] == PHONE.desk == "Data"
    assert all("__widget" not in f for f in fields.values() if f["fieldtype"] in fieldtypes.FIELD_TYPES)
