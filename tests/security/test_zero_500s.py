"""Issue 9, class 13: every malformed request is a 4xx with a clear Chinese message — wrong types
in filters, unknown fields and DocTypes, malformed JSON, non-ISO dates and numbers, wrong HTTP
methods (405), huge page numbers and offsets, unknown workflow actions, names with odd
characters, document values of impossible shapes, method arguments missing or of the wrong type.
Never a 500, and never a bare English "Not Found" / "Method Not Allowed" page.

Each case here was a 500 (or a plain-text English error) before issue 9. The district user sends
what a district user can reach; the System Manager sends the cases that need a DocType with every
field type (Test Note) or rights a district user has not."""
import json
import re

import pytest

from tests.conftest import unique

CJK = re.compile(r"[\u4e00-\u9fff]")


def clear_4xx(response, status=None, word=None) -> dict:
    """A 4xx in Frappe's error envelope whose message is Chinese (and names `word`, if given)."""
    assert 400 <= response.status_code < 500, f"{response.status_code}: {response.text[:300]}"
    if status is not None:
        assert response.status_code == status, f"{response.status_code}: {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    body = response.json()
    assert body["exc_type"] and CJK.search(body["exception"]), body
    message = json.loads(json.loads(body["_server_messages"])[0])["message"]
    assert CJK.search(message), message
    if word is not None:
        assert word in body["exception"], body["exception"]
    return body


@pytest.fixture(scope="module")
def admin(world):
    return world["sysman"].token


@pytest.fixture(scope="module")
def district(world):
    return world["liangxi_admin"].token


@pytest.fixture(scope="module")
def note(http_module, admin):
    response = http_module.post("/api/resource/Test Note", headers=admin, json={"title": unique("笔记")})
    assert response.status_code == 200, response.text
    return response.json()["data"]["name"]


@pytest.fixture(scope="module")
def http_module(server):
    import httpx

    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


# --------------------------------------------------------------------------- filters
FILTER_CASES = [
    ('{"pension": 99999999999999999999999999}', None),   # a number no column holds
    ('{"pension": "1e999"}', None),
    ('{"pension": "NaN"}', None),
    ('{"pension": "一千"}', "pension"),
    ('{"birth_date": "31/12/1950"}', "birth_date"),       # not ISO
    ('{"birth_date": "1950-13-45"}', "birth_date"),
    ('{"birth_date": ["between", ["1950-01-01", "昨天"]]}', "birth_date"),
    ('{"homebound": {"a": 1}}', None),
    ('{"docstatus": 1e308}', "docstatus"),
    ('{"docstatus": "x"}', "docstatus"),
    ('{"idx": 99999999999999999999999999}', "idx"),
    ('{"modified": "上周"}', "modified"),
    ('{"no_such_field": 1}', "no_such_field"),
    ('[["No Such Child", "x", "=", 1]]', None),
    ('[["full_name", "regexp", "^a"]]', "regexp"),
    ('[[1, 2, 3]]', None),
    ('[null]', None),
    ('{"full_name": ["in", {"a": 1}]}', None),
    ('[["full_name", "between", [1]]]', "between"),
    ('{"full_name": ["is", "maybe"]}', None),
    ('[' * 5000 + ']' * 5000, None),                       # nesting past any parser's depth
    ('{"full_name": ', None),                              # malformed JSON
]


@pytest.mark.parametrize("filters,word", FILTER_CASES, ids=range(len(FILTER_CASES)))
def test_malformed_filters_are_417(http, district, filters, word):
    for url, params in (("/api/resource/Party Member", {"filters": filters}),
                        ("/api/method/frappe.client.get_count", {"doctype": "Party Member", "filters": filters}),
                        ("/api/method/frappe.client.get_list", {"doctype": "Party Member", "filters": filters})):
        clear_4xx(http.get(url, headers=district, params=params), word=word)


@pytest.mark.parametrize("fields", ['["no_such"]', '[1]', '[null]', '["sum(pension"]', '["pension + 1"]',
                                    '{"a": 1}', '[["name"]]', '["name as 1"]'])
def test_malformed_fields_are_417(http, district, fields):
    clear_4xx(http.get("/api/resource/Party Member", headers=district, params={"fields": fields}), 417)


@pytest.mark.parametrize("order_by", ["no_such", "name desc; drop table x", "full_name asc desc", "sum("])
def test_malformed_order_is_417(http, district, order_by):
    clear_4xx(http.get("/api/resource/Party Member", headers=district, params={"order_by": order_by}), 417)


# --------------------------------------------------------------------------- page numbers
HUGE = ["99999999999999999999999", str(2 ** 63), str(2 ** 64), "-1", "abc", "1.5", "1e9"]


@pytest.mark.parametrize("value", HUGE)
def test_huge_or_malformed_page_numbers_are_417(http, district, value):
    doors = [
        ("/api/resource/Party Member", {"limit_page_length": value}),
        ("/api/resource/Party Member", {"limit_start": value}),
        ("/api/method/frappe.client.get_list", {"doctype": "Party Member", "limit_start": value}),
        ("/api/method/frappe.client.get_list", {"doctype": "Party Member", "limit_page_length": value}),
        ("/api/method/frappe.desk.reportview.get", {"doctype": "Party Member", "start": value}),
        ("/api/method/sixhave.workflow.todo", {"start": value, "page_length": value}),
        ("/api/method/sixhave.workflow.done", {"start": value}),
        ("/api/method/sixhave.jobs.list", {"limit": value}),
        ("/api/method/frappe.desk.search.search_link", {"doctype": "Party Member", "page_length": value}),
    ]
    for url, params in doors:
        clear_4xx(http.get(url, headers=district, params=params), 417)


def test_the_largest_accepted_page_length_still_answers(http, district):
    response = http.get("/api/resource/Party Member", headers=district,
                        params={"limit_start": str(2 ** 31 - 1), "limit_page_length": "1"})
    assert response.status_code == 200 and response.json()["data"] == []


# --------------------------------------------------------------------------- unknown things
def test_unknown_doctypes_fields_routes_and_methods(http, district):
    clear_4xx(http.get("/api/resource/No Such DocType", headers=district), 404, "No Such DocType")
    clear_4xx(http.get("/api/resource/No Such DocType/x", headers=district), 404)
    clear_4xx(http.get("/api/nothing/here", headers=district), 404, "/api/nothing/here")
    clear_4xx(http.get("/api/method/no.such.method", headers=district))
    clear_4xx(http.get("/api/method/frappe.client.get_list", headers=district,
                       params={"doctype": "Party Member", "fields": '["no_such_field"]'}), 417, "no_such_field")
    clear_4xx(http.post("/api/method/frappe.client.get_list", headers=district, json={"doctype": ["Party Member"]}),
              417, "doctype")
    clear_4xx(http.post("/api/method/frappe.client.get_list", headers=district, json={"doctype": {"a": 1}}), 417)
    clear_4xx(http.post("/api/method/frappe.client.insert", headers=district, json={"doc": {"doctype": ["Meeting"]}}))


# --------------------------------------------------------------------------- methods
@pytest.mark.parametrize("verb,url", [("PATCH", "/api/resource/Party Member"), ("DELETE", "/api/resource/Party Member"),
                                      ("POST", "/api/resource/Party Member/x"), ("PUT", "/api/openapi.json"),
                                      ("POST", "/api/openapi.json"), ("GET", "/api/method/frappe.client.insert"),
                                      ("GET", "/api/method/frappe.model.workflow.apply_workflow"),
                                      ("DELETE", "/api/method/frappe.client.get_list")])
def test_wrong_http_method_is_405_in_chinese(http, district, verb, url):
    body = clear_4xx(http.request(verb, url, headers=district), 405)
    assert body["exc_type"] == "MethodNotAllowedError" and verb in body["exception"]


# --------------------------------------------------------------------------- request bodies
@pytest.mark.parametrize("content,content_type", [
    (b'{"full_name": ', "application/json"),
    (b"\xff\xfe{}", "application/json"),
    (b'{"full_name": "\\ud800"}', "application/json"),         # a lone surrogate no database can store
    (b'{"pension": NaN}', "application/json"),
    (b"[" * 100000, "application/json"),                        # was a RecursionError outside the handler
    (b"--x\r\nbad", "multipart/form-data"),                     # no boundary
    (b"--x\r\nbad", "multipart/form-data; boundary=x"),
])
def test_malformed_bodies_are_4xx(http, district, content, content_type):
    response = http.post("/api/resource/Party Member", headers={**district, "content-type": content_type},
                         content=content)
    clear_4xx(response)


def test_nul_in_the_path_or_query_is_400(http, district):
    clear_4xx(http.get("/private/files/%00", headers=district), 400)
    clear_4xx(http.get("/api/resource/Party Member/a%00b", headers=district), 400)
    clear_4xx(http.get("/api/resource/Party Member", headers=district, params={"filters": '{"full_name": "a\x00"}'}), 400)


# --------------------------------------------------------------------------- document values
VALUE_CASES = [
    {"qty": "abc"}, {"qty": 10 ** 30}, {"qty": 2 ** 63}, {"qty": 1.5}, {"qty": [1]}, {"amount": "1e999"},
    {"amount": 10 ** 30}, {"amount": "Infinity"}, {"pct": "abc"}, {"done": 7}, {"due": "2024-02-30"},
    {"due": "31/12/2024"}, {"at": "明天"}, {"clock": "99:99"}, {"status": "Weird"}, {"email": "not-an-email"},
    {"title": ["a"]}, {"title": {"a": 1}}, {"meta_json": "{bad"}, {"items": "abc"}, {"items": [1, 2]},
    {"items": {"a": 1}}, {"items": [["a"]]}, {"tags": "x"}, {"tags": [5]}, {"docstatus": "x"}, {"docstatus": [1]},
    {"amended_from": ["x"]}, {"name": ["x"]},
]


@pytest.mark.parametrize("values", VALUE_CASES, ids=[next(iter(v)) + str(i) for i, v in enumerate(VALUE_CASES)])
def test_document_values_of_the_wrong_shape_are_417(http, admin, note, values):
    field = next(iter(values))
    doors = [http.post("/api/resource/Test Note", headers=admin, json={"title": "t", **values}),
             http.post("/api/method/frappe.client.insert", headers=admin,
                       json={"doc": {"doctype": "Test Note", "title": "t", **values}})]
    if field not in ("name", "docstatus", "amended_from"):  # the REST update drops these (server-owned)
        doors.append(http.put(f"/api/resource/Test Note/{note}", headers=admin, json=values))
    for response in doors:
        clear_4xx(response)


def test_stale_or_malformed_modified_is_417(http, admin, note):
    for modified in ("x", ["x"], "2024-13-01"):
        clear_4xx(http.put(f"/api/resource/Test Note/{note}", headers=admin, json={"title": "改", "modified": modified}),
                  417, "modified")


def test_names_with_odd_characters(http, admin, district, note):
    for name in ("%00", "a%0Ab", "%F0%9F%98%80", "%ff%fe", "x" * 3000, "..%2F..%2Fetc%2Fpasswd"):
        assert http.get(f"/api/resource/Test Note/{name}", headers=admin).status_code in (400, 404)
        clear_4xx(http.get(f"/api/resource/Party Member/{name}", headers=district))
    clear_4xx(http.post("/api/method/frappe.client.rename_doc", headers=admin,
                        json={"doctype": "Test Note", "old_name": note, "new_name": ["x"]}), 417, "new_name")
    for door in ("frappe.client.cancel", "frappe.client.delete"):
        clear_4xx(http.post(f"/api/method/{door}", headers=admin, json={"doctype": "Test Note", "name": {"a": 1}}), 417, "name")
    clear_4xx(http.post("/api/method/frappe.client.save", headers=admin, json={"doc": {"doctype": "Test Note", "name": ["x"]}}))
    clear_4xx(http.post("/api/method/frappe.client.submit", headers=admin, json={"doc": {"doctype": "Test Invoice", "name": ["x"]}}))


# --------------------------------------------------------------------------- method arguments
@pytest.mark.parametrize("method,verb,params", [
    ("frappe.client.get_list", "POST", {}),
    ("frappe.client.get_value", "GET", {"doctype": "Party Member"}),
    ("frappe.client.get_single_value", "GET", {"doctype": "Test Settings"}),
    ("frappe.client.set_value", "POST", {"doctype": "Test Note", "name": "x", "fieldname": ["qty"], "value": 1}),
    ("frappe.client.bulk_update", "POST", {"docs": [1]}),
    ("frappe.client.bulk_update", "POST", {"docs": {"a": 1}}),
    ("frappe.client.bulk_update", "POST", {"docs": "x"}),
    ("frappe.desk.search.search_link", "POST", {"doctype": "Party Member", "txt": ["a"]}),
    ("frappe.desk.search.search_link", "POST", {"doctype": "Party Member", "txt": {"a": 1}}),
    ("frappe.desk.form.utils.add_comment", "POST", {"reference_doctype": "Party Member", "reference_name": "x", "content": ["x"]}),
    ("frappe.core.doctype.user.user.update_password", "POST", {"old_password": ["x"], "new_password": {"a": 1}}),
    ("sixhave.workflow.delegate", "POST", {"workflow_action": ["x"], "to_user": {"a": 1}}),
    ("frappe.client.get_list", "GET", {"doctype": "Party Member", "as_dict": "maybe"}),
])
def test_method_arguments_missing_or_of_the_wrong_type_are_417(http, world, method, verb, params):
    who = world["sysman"].token if "set_value" in method or "single" in method else world["liangxi_admin"].token
    if verb == "GET":
        response = http.get(f"/api/method/{method}", headers=who, params=params)
    else:
        response = http.post(f"/api/method/{method}", headers=who, json=params)
    clear_4xx(response, 417)


def test_login_with_values_of_the_wrong_shape(http):
    clear_4xx(http.post("/api/method/login", json={"usr": ["x"], "pwd": {"a": 1}}), 417, "usr")


# --------------------------------------------------------------------------- workflow actions
def test_unknown_or_malformed_workflow_actions(http, admin, district, approval_workflow):
    doc = http.post("/api/resource/Test Approval", headers=admin, json={"title": unique("审批")}).json()["data"]
    ref = {"doctype": "Test Approval", "name": doc["name"]}
    apply = "/api/method/frappe.model.workflow.apply_workflow"
    clear_4xx(http.post(apply, headers=admin, json={"doc": ref, "action": "飞走"}), word="飞走")
    clear_4xx(http.post(apply, headers=admin, json={"doc": ref, "action": ["批准"]}), 417, "action")
    clear_4xx(http.post(apply, headers=admin, json={"doc": {"doctype": ["x"], "name": {"a": 1}}, "action": "批准"}))
    clear_4xx(http.post(apply, headers=admin, json={"doc": {"doctype": "No Such", "name": "x"}, "action": "批准"}))
    clear_4xx(http.post(apply, headers=admin, json={"doc": "not json", "action": "批准"}))
    clear_4xx(http.post("/api/method/frappe.model.workflow.bulk_workflow_approval", headers=admin,
                        json={"doctype": "Test Approval", "docnames": [[1]], "action": "批准"}))
    clear_4xx(http.get("/api/method/sixhave.workflow.history", headers=district))
    clear_4xx(http.get("/api/method/sixhave.workflow.history", headers=district, params={"doctype": "No Such", "name": "x"}))
    assert http.get(f"/api/resource/Test Approval/{doc['name']}", headers=admin).json()["data"]["docstatus"] == 0
