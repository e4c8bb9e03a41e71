"""Issue 9, class 12: what administrators author — workflow conditions, depends_on /
mandatory_depends_on / read_only_depends_on rules (DocType definitions, Custom Fields, Property
Setters), naming rules and templates — is parsed and tried on a sample document when saved and
refused with the error; and when one still fails at run time only that item is affected: it is
recorded in the Error Log, and everyone else's queues and lists answer."""
import httpx
import pytest

from sixhave_app.engine import auth
from sixhave_app.engine.errors import MetaError
from tests.api.conftest import LiveServer
from tests.conftest import unique

BROKEN_RULES = [
    ("eval:doc.qty >", "语法"),
    ("eval:doc.no_such_field == 1", "no_such_field"),
    ("eval:no_such_function(doc.qty)", "no_such_function"),
    ("eval:doc.__class__", "下划线"),
    ("eval:doc.qty.bit_length()", "安全函数"),
    ("eval:int(doc.title) > 1", "示例"),           # fails on the sample document
    ("no_such_field", "no_such_field"),
]


@pytest.mark.parametrize("text,words", BROKEN_RULES)
@pytest.mark.parametrize("key", ["depends_on", "mandatory_depends_on", "read_only_depends_on"])
def test_broken_rules_are_refused_on_custom_fields(http, world, text, words, key):
    r = http.post("/api/resource/Custom Field", headers=world["sysman"].token, json={
        "dt": "Test Note", "fieldname": unique("rule_"), "label": "规则", "fieldtype": "Data", key: text})
    assert r.status_code == 417 and r.json()["exc_type"] == "MetaError", r.text
    assert words in r.text and key in r.text, r.text


@pytest.mark.parametrize("text,words", BROKEN_RULES[:3])
def test_broken_rules_are_refused_on_property_setters(http, world, text, words):
    r = http.post("/api/resource/Property Setter", headers=world["sysman"].token, json={
        "doc_type": "Test Note", "doctype_or_field": "DocField", "field_name": "secret", "property": "depends_on",
        "value": text, "property_type": "Code"})
    assert r.status_code == 417 and words in r.text, r.text


@pytest.fixture(scope="module")
def meta_site(site_factory, backend):
    """A site of this module's own: the naming rule tests change Test Note's."""
    return site_factory(backend)


@pytest.mark.parametrize("autoname,words", [
    ("format:TN-{no_such}-{####}", "no_such"),
    ("format:TN-{####}-{##}", "一个编号"),
    ("format:TN-{YYYY", "花括号"),
    ("format:TN-{title}.{###}", None),     # valid: a field and a counter
    ("naming_series:", "naming_series"),
    ("TN-.####.-.##", "一个编号"),
    ("TN-.{no_such}.-.####", "no_such"),
    ("whatever it is", "无法识别"),
    ("field:no_such", "不存在"),
])
def test_naming_rules_are_checked_when_set(meta_site, autoname, words):
    with meta_site.context() as ctx:
        setter = ctx.new_doc("Property Setter", doc_type="Test Note", doctype_or_field="DocType", property="autoname",
                             value=autoname, property_type="Data")
        if words is None:
            setter.insert()
            made = ctx.insert({"doctype": "Test Note", "title": "标题"})
            assert made.name.startswith("TN-标题.")
            return
        with pytest.raises(MetaError) as err:
            setter.insert()
        assert words in err.value.message and ("命名规则" in err.value.message or "编号规则" in err.value.message)


def test_a_custom_doctype_with_a_broken_rule_is_refused(meta_site):
    with meta_site.context() as ctx:
        with pytest.raises(MetaError) as err:
            ctx.insert({"doctype": "DocType", "name": "Broken Rules", "module": "Custom", "custom": 1,
                        "fields": [{"fieldname": "a", "fieldtype": "Data", "label": "甲"},
                                   {"fieldname": "b", "fieldtype": "Data", "label": "乙", "mandatory_depends_on": "eval:doc.c == 1"}],
                        "permissions": [{"role": "System Manager", "read": 1}]})
        assert "“b”" in err.value.message and "doc.c" in err.value.message


@pytest.mark.parametrize("change,words", [
    ({"condition": "doc.amount >"}, "语法"),
    ({"condition": "doc.no_such_field > 1"}, "no_such_field"),
    ({"condition": "no_such_helper(doc.amount)"}, "no_such_helper"),
    ({"condition": "int(doc.title) > 0"}, "示例"),
    ({"message": "{{ doc.title "}, "模板"),
    ({"message": "{{ doc.__class__.__mro__ }}"}, "模板"),
    ({"message": "{% for x in %}{% endfor %}"}, "模板"),
])
def test_broken_workflow_conditions_and_templates_are_refused(http, world, change, words):
    states = [{"state": "草稿", "doc_status": 0}, {"state": "已批准", "doc_status": 1}]
    transition = {"state": "草稿", "action": "批准", "next_state": "已批准", "allowed": "System Manager"}
    if "condition" in change:
        transition["condition"] = change["condition"]
    else:
        states[1]["message"] = change["message"]
    r = http.post("/api/resource/Workflow", headers=world["sysman"].token, json={
        "workflow_name": unique("坏条件"), "document_type": "Test Approval", "is_active": 0,
        "workflow_state_field": "workflow_state", "states": states, "transitions": [transition]})
    assert r.status_code == 417 and r.json()["exc_type"] == "MetaError" and words in r.text, r.text


def test_the_shipped_definitions_pass_their_own_checks(site):
    """Every shipped DocType (checked when the site opened) and workflow validates."""
    from sixhave_app.engine import workflow

    with site.context() as ctx:
        for name in ctx.get_all("Workflow", pluck="name"):
            workflow.validate_definition(ctx, ctx.get_doc("Workflow", name).as_dict(convert=False))


# --------------------------------------------------------------------------- at run time
@pytest.fixture(scope="module")
def broken_world(site_factory, backend):
    """A site of its own with a workflow whose condition passes the sample document but fails on
    a document without a note, a state message that fails the same way, and a rule of a Custom
    Field that does too; two system managers and a user outside the workflow."""
    site = site_factory(backend)
    people = {}
    with site.context() as ctx:
        for key, roles in (("approver", ["System Manager"]), ("second", ["System Manager"]), ("clerk", ["区级管理员"])):
            email = f"{key}-{unique()}@example.cn"
            ctx.insert({"doctype": "User", "email": email, "first_name": key, "roles": [{"role": r} for r in roles]})
            keys = auth.generate_keys(ctx, email)
            people[key] = (email, {"Authorization": f"token {keys['api_key']}:{keys['api_secret']}"})
        ctx.insert({"doctype": "User Permission", "user": people["clerk"][0], "allow": "Org Unit", "for_value": "无锡市"})
        ctx.insert({"doctype": "Workflow", "workflow_name": "运行时出错", "document_type": "Test Approval", "is_active": 1,
                    "workflow_state_field": "workflow_state",
                    "states": [{"state": "草稿", "doc_status": 0},
                               {"state": "已批准", "doc_status": 1, "message": "请处理：{{ doc.note.upper() }}"},
                               {"state": "已作废", "doc_status": 2}],
                    "transitions": [{"state": "草稿", "action": "批准", "next_state": "已批准", "allowed": "System Manager",
                                     "condition": "len(doc.note) > 1"},
                                    {"state": "草稿", "action": "作废", "next_state": "已作废", "allowed": "System Manager"},
                                    {"state": "已批准", "action": "作废", "next_state": "已作废", "allowed": "System Manager"}]})
        ctx.insert({"doctype": "Custom Field", "dt": "Test Note", "fieldname": "shout", "label": "大声", "fieldtype": "Data",
                    "depends_on": "eval:len(doc.reason) > 1"})
        ctx.insert({"doctype": "Custom Field", "dt": "Test Note", "fieldname": "whisper", "label": "小声", "fieldtype": "Data",
                    "read_only_depends_on": "eval:len(doc.reason) > 100"})
    live = LiveServer(site)
    live.start()
    try:
        yield site, live, people
    finally:
        live.stop()


def _errors(site):
    with site.context(ignore_permissions=True) as ctx:
        return ctx.get_all("Error Log", fields=["method", "error", "reference_doctype", "reference_name", "occurrences"])


def test_a_broken_condition_affects_only_its_transition(broken_world):
    site, live, people = broken_world
    approver = people["approver"][1]
    with httpx.Client(base_url=live.url, timeout=30) as http:
        good = http.post("/api/resource/Test Approval", headers=approver, json={"title": "有备注", "note": "备注很长"}).json()["data"]
        bad = http.post("/api/resource/Test Approval", headers=approver, json={"title": "无备注"}).json()["data"]
        queue = http.get("/api/method/sixhave.workflow.todo", headers=people["second"][1])
        assert queue.status_code == 200, queue.text
        actions = {i["reference_name"]: i["actions"] for i in queue.json()["message"]["items"]}
        assert actions[good["name"]] == ["作废", "批准"] and actions[bad["name"]] == ["作废"]
        listed = http.get("/api/resource/Test Approval", headers=approver, params={"limit_page_length": 0})
        assert listed.status_code == 200 and {good["name"], bad["name"]} <= {r["name"] for r in listed.json()["data"]}
        offered = http.get("/api/method/frappe.model.workflow.get_transitions", headers=approver,
                           params={"doc": f'{{"doctype": "Test Approval", "name": "{bad["name"]}"}}'})
        assert offered.status_code == 200 and [t["action"] for t in offered.json()["message"]] == ["作废"]
        refused = http.post("/api/method/frappe.model.workflow.apply_workflow", headers=approver,
                            json={"doc": {"doctype": "Test Approval", "name": bad["name"]}, "action": "批准"})
        assert refused.status_code == 417 and "错误日志" in refused.text
        done = http.post("/api/method/frappe.model.workflow.apply_workflow", headers=approver,
                         json={"doc": {"doctype": "Test Approval", "name": good["name"]}, "action": "批准"})
        assert done.status_code == 200 and done.json()["message"]["docstatus"] == 1
        # the other user's queue and lists are untouched by any of it
        other = http.get("/api/method/sixhave.workflow.todo", headers=people["clerk"][1])
        assert other.status_code == 200
        log = http.get("/api/resource/Error Log", headers=people["second"][1], params={"fields": '["method", "occurrences"]'})
        assert log.status_code == 200 and any("len(doc.note)" in r["method"] for r in log.json()["data"])
        assert http.get("/api/resource/Error Log", headers=people["clerk"][1]).status_code == 403
    entries = [e for e in _errors(site) if "len(doc.note)" in e["method"]]
    assert len(entries) == 1 and entries[0]["reference_name"] == bad["name"] and entries[0]["reference_doctype"] == "Test Approval"
    assert "TypeError" in entries[0]["error"]


def test_a_working_template_renders_the_notification(broken_world):
    site, live, people = broken_world
    approver = people["approver"][1]
    with httpx.Client(base_url=live.url, timeout=30) as http:
        doc = http.post("/api/resource/Test Approval", headers=approver, json={"title": "模板", "note": "ok"}).json()["data"]
        approved = http.post("/api/method/frappe.model.workflow.apply_workflow", headers=approver,
                             json={"doc": {"doctype": "Test Approval", "name": doc["name"]}, "action": "批准"})
        assert approved.status_code == 200, approved.text
    with site.context(ignore_permissions=True) as ctx:
        notes = ctx.get_all("Notification Log", filters={"document_name": doc["name"], "subject": ["like", "%已批准%"]},
                            fields=["subject", "email_content"])
    assert notes and all(n["email_content"] == "请处理：OK" for n in notes)


def test_a_template_that_fails_on_a_document_falls_back(broken_world):
    site, live, people = broken_world
    from sixhave_app.engine import notifications

    with site.context(user=people["approver"][0]) as ctx:
        text = notifications.state_message(ctx, "Test Approval", "已批准", {"name": "x", "note": None})
    assert text is None
    assert any("通知模板" in e["method"] for e in _errors(site))


def test_a_broken_rule_affects_only_its_field(broken_world):
    site, live, people = broken_world
    approver = people["approver"][1]
    with httpx.Client(base_url=live.url, timeout=30) as http:
        # reason is empty, so len(doc.reason) fails: shout's display rule counts as absent (the field
        # applies) and the save goes through
        saved = http.post("/api/resource/Test Note", headers=approver, json={"title": unique("规则"), "shout": "喊"})
        assert saved.status_code == 200, saved.text
        name = saved.json()["data"]["name"]
        # whisper's read-only rule fails the same way: that field stays read-only, the rest saves
        assert http.put(f"/api/resource/Test Note/{name}", headers=approver, json={"qty": 3}).status_code == 200
        locked = http.put(f"/api/resource/Test Note/{name}", headers=approver, json={"whisper": "改"})
        assert locked.status_code == 403 and "小声" in locked.text
        assert http.get("/api/resource/Test Note", headers=approver, params={"limit_page_length": 0}).status_code == 200
    methods = [e["method"] for e in _errors(site)]
    assert any("shout" in m for m in methods) and any("whisper" in m for m in methods), methods
