"""Issue 9, class 4: a user without read at a field's permission level learns nothing of its value
by any route through the query builder — fields (plain, aliased, qualified, child-qualified, in
aggregates), filters and or_filters (no count that changes with them), order_by, group_by, link
search, get_value, get with filters, export, print, reports and Version history. Field expressions
follow a whitelist grammar; anything else is a 417 with a Chinese message. Hypothesis generates the
expressions."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import unique

SECRET_CODE = "机密口令QX7"
SALARY = "123456789"       # 123456789.5 as stored
ROW_AMOUNT = "987654321"   # 987654321.25 as stored
TOKENS = (SECRET_CODE, SALARY, ROW_AMOUNT)
HIDDEN = ["secret_code", "salary"]
VISIBLE = ["name", "title", "public_amount", "owner", "creation", "idx"]
CHILD = "`tabTest Secret Row`"


@pytest.fixture(scope="module")
def secrets(site, world):
    names = []
    with site.context(ignore_permissions=True) as ctx:
        for i in range(3):
            names.append(ctx.insert({"doctype": "Test Secret", "title": unique("公开标题"), "public_amount": 10 + i,
                                     "secret_code": f"{SECRET_CODE}-{i}", "salary": 123456789.5 + i,
                                     "rows": [{"item": "甲", "hidden_amount": 987654321.25}]}).name)
    return names


def leaks(response, sent=None) -> bool:
    """A hidden value in the answer (one the request itself carried, echoed in an error, aside)."""
    text = response.text
    asked = json.dumps(sent, ensure_ascii=False) if sent is not None else ""
    return any(token in text and token not in asked for token in TOKENS)


def test_the_system_manager_sees_the_values(http, world, secrets):
    """The tokens are there to be found: the test would see a leak."""
    r = http.get("/api/resource/Test Secret", headers=world["sysman"].token,
                 params={"fields": json.dumps(["title", "secret_code", "salary", f"{CHILD}.hidden_amount"]),
                         "filters": json.dumps([["name", "in", secrets]])})
    assert r.status_code == 200 and all(token in r.text for token in TOKENS), r.text


def test_every_listed_route_hides_the_level_1_fields(http, world, secrets):
    me = world["liangxi_admin"].token
    name = secrets[0]
    routes = [
        http.get("/api/resource/Test Secret", headers=me, params={"fields": '["*"]', "limit_page_length": 0}),
        http.get(f"/api/resource/Test Secret/{name}", headers=me),
        http.get("/api/method/frappe.client.get", headers=me, params={"doctype": "Test Secret", "name": name}),
        http.get("/api/method/frappe.client.get_list", headers=me,
                 params={"doctype": "Test Secret", "fields": '["*", "`tabTest Secret Row`.*"]'}),
        http.get("/api/method/frappe.client.get_value", headers=me,
                 params={"doctype": "Test Secret", "fieldname": '["title", "public_amount"]', "filters": name}),
        http.get("/api/method/frappe.desk.reportview.get", headers=me, params={"doctype": "Test Secret", "fields": '["*"]'}),
        http.get("/api/method/frappe.desk.reportview.export_query", headers=me,
                 params={"doctype": "Test Secret", "file_format_type": "CSV"}),
        http.get("/api/method/frappe.desk.search.search_link", headers=me,
                 params={"doctype": "Test Secret", "txt": SECRET_CODE}),
        http.get("/api/method/frappe.www.printview.get_html_and_style", headers=me,
                 params={"doc": json.dumps({"doctype": "Test Secret", "name": name})}),
    ]
    for response in routes:
        assert response.status_code == 200, response.text
        assert not leaks(response), response.text
    # the search did not match on the hidden field
    assert routes[7].json()["message"] == []
    export_header = routes[6].content.decode("utf-8-sig").splitlines()[0]
    assert "机密代号" not in export_header and "公开金额" in export_header


@pytest.mark.parametrize("params", [
    {"fields": '["secret_code"]'},
    {"fields": '["secret_code as x"]'},
    {"fields": '["`tabTest Secret`.`salary`"]'},
    {"fields": '["tabTest Secret.salary as pay"]'},
    {"fields": '["max(salary)"]'},
    {"fields": '["sum(`tabTest Secret`.salary) as total"]'},
    {"fields": '["count(distinct secret_code)"]'},
    {"fields": f'["{CHILD}.hidden_amount"]'},
    {"fields": f'["sum({CHILD}.hidden_amount)"]'},
    {"filters": json.dumps([["salary", ">", 0]])},
    {"filters": json.dumps([["secret_code", "like", "机密%"]])},
    {"filters": json.dumps({"salary": ["is", "set"]})},
    {"or_filters": json.dumps([["salary", ">", 1], ["title", "=", "x"]])},
    {"filters": json.dumps([["Test Secret Row", "hidden_amount", ">", 0]])},
    {"filters": json.dumps([[f"tabTest Secret Row.hidden_amount", ">", 0]])},
    {"order_by": "salary desc"},
    {"order_by": "title asc, `tabTest Secret`.secret_code desc"},
    {"order_by": "max(salary)", "fields": '["title"]', "group_by": "title"},
    {"group_by": "secret_code", "fields": '["count(*) as n"]'},
])
def test_each_route_into_a_hidden_field_is_refused(http, world, secrets, params):
    r = http.get("/api/resource/Test Secret", headers=world["liangxi_admin"].token, params=params)
    assert r.status_code == 403 and r.json()["exc_type"] == "PermissionError", r.text
    assert not leaks(r)


def test_counts_and_get_by_filter_do_not_answer_on_hidden_fields(http, world, secrets):
    me = world["liangxi_admin"].token
    answers = []
    for value in (f"{SECRET_CODE}-0", "不是这个"):
        answers.append(http.get("/api/method/frappe.client.get_count", headers=me, params={
            "doctype": "Test Secret", "filters": json.dumps([["secret_code", "=", value]])}))
        answers.append(http.get("/api/method/frappe.client.get", headers=me, params={
            "doctype": "Test Secret", "filters": json.dumps({"secret_code": value})}))
        answers.append(http.get("/api/method/frappe.client.get_value", headers=me, params={
            "doctype": "Test Secret", "fieldname": "name", "filters": json.dumps({"salary": ["<", 200000000]})}))
    assert all(a.status_code == 403 for a in answers), [a.text for a in answers]
    assert answers[0].text == answers[3].text  # the refusal does not depend on the value


@pytest.mark.parametrize("bad", [
    "title; drop table x", "title)", "sleep(5)", "title || 1", "(select 1)", "title as", "title as 1x",
    "count(distinct *)", "sum(*)", "title -- x", "'x'", "title + 1", "lower(title)", "`tabNo Such`.title",
    "tab`Test Secret`.title", "max(title", "name as `x y`", "*, 1",
])
def test_field_expressions_outside_the_grammar_are_417(http, world, secrets, bad):
    r = http.get("/api/resource/Test Secret", headers=world["sysman"].token, params={"fields": json.dumps([bad])})
    assert r.status_code == 417 and r.json()["exc_type"] == "QueryError", r.text
    assert "无效" in r.text or "不存在" in r.text


def test_grammar_accepts_frappes_spellings(http, world, secrets):
    me = world["liangxi_admin"].token
    fields = ["name", "`title`", "`tabTest Secret`.`public_amount`", "tabTest Secret.title as t", "count(*) as n",
              "sum(public_amount) as total", "count(distinct `tabTest Secret`.name)", "min(public_amount)"]
    r = http.get("/api/resource/Test Secret", headers=me, params={
        "fields": json.dumps(fields[5:]), "filters": json.dumps([["name", "in", secrets]])})
    assert r.status_code == 200, r.text
    row = r.json()["data"][0]
    assert row["total"] == 33 and row["count(distinct name)"] == 3 and row["min(public_amount)"] == 10
    r = http.get("/api/resource/Test Secret", headers=me, params={
        "fields": json.dumps(fields[:4] + [f"{CHILD}.item"]), "order_by": "`tabTest Secret`.public_amount desc, title",
        "filters": json.dumps([["name", "in", secrets]])})
    assert r.status_code == 200 and [row["public_amount"] for row in r.json()["data"]] == [12, 11, 10]


# --------------------------------------------------------------------------- generated
COLUMNS = st.sampled_from(VISIBLE + HIDDEN)
QUALIFIED = st.builds(lambda c, q: f"{q}.{c}", COLUMNS, st.sampled_from(["`tabTest Secret`", "tabTest Secret"]))
CHILD_COLS = st.sampled_from([f"{CHILD}.item", f"{CHILD}.hidden_amount", "tabTest Secret Row.hidden_amount"])
PLAIN = st.one_of(COLUMNS, QUALIFIED, CHILD_COLS, COLUMNS.map(lambda c: f"`{c}`"))
AGG = st.builds(lambda f, d, c: f"{f}({'distinct ' if d else ''}{c})", st.sampled_from(["count", "sum", "max", "min", "avg"]),
                st.booleans(), PLAIN)
FIELD = st.one_of(PLAIN, AGG, st.just("count(*)"), st.just("*"),
                  st.builds(lambda e, a: f"{e} as {a}", st.one_of(PLAIN, AGG), st.sampled_from(["x", "`y`", "title"])),
                  st.text(max_size=12))
OPS = st.sampled_from(["=", "!=", ">", "<", "like", "not like", "in", "is", "between"])
VALUES = st.one_of(st.sampled_from([f"{SECRET_CODE}-0", "机密%", 123456789.5, 0, "set", [1, 999999999]]),
                   st.integers(-5, 5), st.text(max_size=6))
FILTER = st.one_of(st.builds(lambda c, o, v: [c, o, v], st.one_of(COLUMNS, QUALIFIED), OPS, VALUES),
                   st.builds(lambda c, o, v: ["Test Secret Row", c, o, v], st.sampled_from(["item", "hidden_amount"]), OPS, VALUES))
ORDER = st.builds(lambda e, d: f"{e} {d}".strip(), st.one_of(PLAIN, AGG), st.sampled_from(["", "asc", "desc"]))


def _touches_hidden(*texts) -> bool:
    return any(h in json.dumps(t, ensure_ascii=False) for t in texts for h in HIDDEN + ["hidden_amount"])


@settings(max_examples=120, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.lists(FIELD, min_size=1, max_size=3), filters=st.lists(FILTER, max_size=2),
       or_filters=st.lists(FILTER, max_size=2), order=st.one_of(st.none(), ORDER),
       group=st.one_of(st.none(), PLAIN))
def test_generated_queries_never_show_a_hidden_value(http, world, secrets, fields, filters, or_filters, order, group):
    params = {"fields": json.dumps(fields, ensure_ascii=False), "filters": json.dumps(filters, ensure_ascii=False),
              "or_filters": json.dumps(or_filters, ensure_ascii=False), "limit_page_length": 50}
    if order:
        params["order_by"] = order
    if group:
        params["group_by"] = group
    r = http.get("/api/resource/Test Secret", headers=world["liangxi_admin"].token, params=params)
    assert r.status_code < 500, r.text
    assert not leaks(r, params), (params, r.text)
    if _touches_hidden(filters, or_filters, order, group) and r.status_code == 200:
        pytest.fail(f"a query that uses a hidden field was answered: {params} → {r.text[:300]}")


@settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=st.lists(FILTER, min_size=1, max_size=2))
def test_generated_counts_do_not_change_with_hidden_filters(http, world, secrets, filters):
    me = world["liangxi_admin"].token

    def count(items):
        return http.get("/api/method/frappe.client.get_count", headers=me,
                        params={"doctype": "Test Secret", "filters": json.dumps(items, ensure_ascii=False)})

    first = count(filters)
    assert first.status_code < 500 and not leaks(first, filters)
    if _touches_hidden(filters):
        assert first.status_code in (403, 417), first.text
        # the same filter with another value gets the same answer: no oracle
        other = [[*f[:-1], "另一个值"] if _touches_hidden(f[:-1]) else f for f in filters]
        assert count(other).status_code == first.status_code


def test_version_history_and_archive_leave_out_hidden_fields(fresh_site):
    """A reader of Version (and Deleted Document) without level 1 on the DocType sees no diff of it."""
    site = fresh_site
    with site.context() as ctx:
        for doctype in ("Version", "Deleted Document"):
            for role in ("System Manager", "区级管理员"):
                ctx.insert({"doctype": "Custom DocPerm", "parent_doctype": doctype, "role": role, "read": 1, "report": 1})
        ctx.insert({"doctype": "User", "email": "reader@example.cn", "first_name": "reader", "roles": [{"role": "区级管理员"}]})
        doc = ctx.insert({"doctype": "Test Secret", "title": "v1", "salary": 1, "secret_code": "a",
                          "rows": [{"item": "甲", "hidden_amount": 5}]})
        doc.title, doc.salary, doc.secret_code = "v2", 123456789.5, SECRET_CODE
        doc.rows[0].hidden_amount = 987654321.25
        doc.save()
    with site.context(user="reader@example.cn") as ctx:  # Versions are read while the document exists
        versions = ctx.get_list("Version", fields=["name", "ref_doctype", "data"], filters={"docname": doc.name})
        text = json.dumps(versions, ensure_ascii=False, default=str)
        assert "v2" in text and not any(token in text for token in TOKENS), text
        one = ctx.get_doc("Version", versions[0]["name"])
        from sixhave_app.engine.api.resource import doc_json

        shown = json.dumps(doc_json(ctx, one), ensure_ascii=False, default=str)
        assert "v2" in shown and not any(token in shown for token in TOKENS), shown
    with site.context() as ctx:
        ctx.delete_doc("Test Secret", doc.name)
    with site.context(user="reader@example.cn") as ctx:
        archived = ctx.get_list("Deleted Document", fields=["deleted_doctype", "data"], filters={"deleted_name": doc.name})
        text = json.dumps(archived, ensure_ascii=False, default=str)
        assert "v2" in text and not any(token in text for token in TOKENS), text
