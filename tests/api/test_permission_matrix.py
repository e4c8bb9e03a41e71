"""The permission matrix, asserted through the REST API: every shipped role × DocType × action ×
(in scope, out of scope) against tests/permission_matrix.yaml."""
from pathlib import Path

import httpx
import pytest
import yaml

from sixhave_app.engine import auth
from tests.conftest import unique

MATRIX = yaml.safe_load((Path(__file__).parents[1] / "permission_matrix.yaml").read_text("utf-8"))
IN_UNIT, OUT_UNIT = "梁溪区", "锡山区"


import itertools

YEARS = itertools.count(3000)  # unique years for one-per-year DocTypes
BRANCHES: dict[str, str] = {}  # unit → a branch (Party Organization) under it, made once
COMMUNITY = {IN_UNIT: "健康社区", OUT_UNIT: "东亭街道"}


def branch_in(site, unit: str) -> str:
    key = (site.name, unit)
    if key not in BRANCHES:
        from tests.api.conftest import ensure_template

        ensure_template(site, 2018)
        with site.context(ignore_permissions=True) as ctx:
            BRANCHES[key] = ctx.insert({"doctype": "Party Organization", "org_name": f"矩阵支部{unique()}", "org_type": "党支部",
                                         "sector": "机关", "parent_unit": COMMUNITY[unit]}).name
    return BRANCHES[key]


def member_in(site, unit: str) -> str:
    with site.context(ignore_permissions=True) as ctx:
        return ctx.insert({"doctype": "Party Member", "full_name": "矩阵党员", "party_org": branch_in(site, unit)}).name


def sample(doctype: str, unit: str, site=None) -> tuple[dict, dict]:
    """(a new document's values, a harmless change) for each DocType in the matrix."""
    u = unique()
    if doctype in APP_SAMPLES:
        return APP_SAMPLES[doctype](site, unit, u)
    return {
        "Org Unit": ({"unit_name": f"矩阵{u}", "level": "社区", "parent_org_unit": unit}, {"contact_person": "张"}),
        "Role": ({"role_name": f"矩阵角色{u}"}, {"description": "改"}),
        "User": ({"email": f"m{u}@example.cn", "first_name": "矩阵"}, {"last_name": "改"}),
        "User Permission": ({"user": "Administrator", "allow": "Org Unit", "for_value": "东亭街道", "apply_to_all_doctypes": 0,
                             "applicable_for": "Test Counter"}, {"is_default": 1}),
        "Custom DocPerm": ({"parent_doctype": "Test Counter", "role": "System Manager", "read": 1}, {"print": 1}),
        "File": ({"file_name": f"{u}.txt", "file_url": f"/files/{u}.txt"}, {"folder": "Home/矩阵"}),
        "Activity Log": ({"subject": u, "operation": "Login", "status": "Success", "user": "x"}, {"subject": "改"}),
        "Version": ({"ref_doctype": "Test Note", "docname": u, "data": {}}, {"docname": "改" + u}),
        "Deleted Document": ({"deleted_doctype": "Test Note", "deleted_name": u, "data": {}}, {"new_name": "改"}),
    }[doctype]


APP_SAMPLES = {
    "Party Organization": lambda site, unit, u: ({"org_name": f"矩阵组织{u}", "org_type": "党支部", "sector": "社区",
                                                  "parent_unit": COMMUNITY[unit]}, {"brand": "改"}),
    "Party Member": lambda site, unit, u: ({"full_name": f"党员{u}", "party_org": branch_in(site, unit)}, {"needs": "改"}),
    "Meeting": lambda site, unit, u: ({"party_org": branch_in(site, unit), "kind": "集体学习", "meeting_date": "2018-03-01",
                                       "topic": f"学习{u}"}, {"place": "改"}),
    "Talk Record": lambda site, unit, u: ({"party_org": branch_in(site, unit), "member": member_in(site, unit),
                                           "talk_date": "2018-03-01"}, {"talker": "改"}),
    "Care Visit": lambda site, unit, u: ({"party_org": branch_in(site, unit), "member": member_in(site, unit), "trigger": "重大节日",
                                          "visit_date": "2018-02-15"}, {"visitors": "改"}),
    "Dues Payment": lambda site, unit, u: ({"party_org": branch_in(site, unit), "member": member_in(site, unit),
                                            "month": "2018-03-01", "pension": 4000, "amount_paid": 20}, {"paid_by_relative": 1}),
    "Fund Record": lambda site, unit, u: ({"party_org": branch_in(site, unit), "kind": "工作经费", "amount": 100,
                                           "record_date": "2018-03-01"}, {"source": "改"}),
    "Venue Checklist": lambda site, unit, u: ({"party_org": branch_in(site, unit), "year": next(YEARS),
                                               "address": "活动室"}, {"has_place": 1}),
    "Work Document": lambda site, unit, u: ({"party_org": branch_in(site, unit), "kind": "年度工作计划", "year": 2018,
                                             "title": f"计划{u}"}, {"doc_date": "2018-01-05"}),
    "Training": lambda site, unit, u: ({"title": f"培训{u}", "kind": "单位培训", "org": unit, "year": 2018,
                                        "start_date": "2018-05-01"}, {"place": "改"}),
    "Activity Kind": lambda site, unit, u: ({"kind_name": f"活动{u}", "category": "活动"}, {"sort_order": 99}),
    "Scoring Template": lambda site, unit, u: ({"year": next(YEARS), "title": f"模板{u}", "pass_score": 80,
                                                "demonstration_score": 95, "items": [{"category_code": "1", "category": "有党的组织",
                                                "code": "1.1", "content": "组织设置", "points": 100}]}, {"title": "改"}),
    "Programme Year": lambda site, unit, u: ({"year": next(YEARS)}, {"is_open": 1}),
    "Self Assessment": lambda site, unit, u: ({"party_org": branch_in_fresh(site, unit), "year": 2018}, {"self_opinion": "改"}),
    "Rectification Item": lambda site, unit, u: ({"party_org": branch_in(site, unit), "year": 2018, "problem": f"问题{u}",
                                                  "responsible_person": "张书记", "deadline": "2099-12-31"},
                                                 {"progress_note": "改"}),
    "Inspection": lambda site, unit, u: ({"party_org": branch_in(site, unit), "year": 2018, "half": "上半年",
                                          "inspection_date": "2018-06-01"}, {"inspectors": "改"}),
    "Plaque": lambda site, unit, u: ({"party_org": branch_in(site, unit), "year": 2018,
                                      "awarded_on": "2018-12-01"}, {"title": "改"}),
    "Public Notice": lambda site, unit, u: ({"year": 2018, "title": f"公示{u}", "start_date": "2018-11-01",
                                             "end_date": "2018-11-08"}, {"objections": "无"}),
    "Print Format": lambda site, unit, u: ({"name": f"矩阵格式{u}", "doc_type": "Org Unit", "html": "<p>{{ doc.name }}</p>"},
                                           {"css": "p { color: #000; }"}),
    "Letter Head": lambda site, unit, u: ({"letter_head_name": f"矩阵信头{u}"}, {"content": "<p>改</p>"}),
    "Report": lambda site, unit, u: ({"report_name": f"矩阵报表{u}", "ref_doctype": "Org Unit"}, {"description": "改"}),
    # the yearly cycle's records
    "Branch Brand": lambda site, unit, u: ({"party_org": branch_in(site, unit), "year": 2018, "brand_name": f"品牌{u}",
                                            "feature": "宣讲"}, {"feature": "改"}),
    "Typical Case": lambda site, unit, u: ({"party_org": branch_in(site, unit), "year": 2018, "title": f"案例{u}",
                                            "category": "好经验好做法", "content": "<p>做法</p>"}, {"title": "改"}),
    "Self Check": lambda site, unit, u: ({"party_org": branch_in_fresh(site, unit), "year": 2018,
                                          "check_date": "2018-03-01"}, {"check_date": "2018-03-02"}),
    "Implementation Plan": lambda site, unit, u: (lambda y: ({"org": unit, "year": y, "title": f"方案{u}",
                                                              "plan_date": f"{y}-07-02", "approved_by": "局长",
                                                              "attachment": "/files/plan.pdf"}, {"approved_by": "改"}))(next(YEARS)),
    "Party Building Plan": lambda site, unit, u: ({"org": unit, "year": next(YEARS), "title": f"要点{u}"}, {"title": "改"}),
    "Work Report Hearing": lambda site, unit, u: ({"org": unit, "year": 2018, "hearing_date": "2018-09-01",
                                                   "leader": "区委副书记", "topic": f"汇报{u}"}, {"topic": "改"}),
    "Unit Survey": lambda site, unit, u: ({"org": COMMUNITY[unit], "year": next(YEARS), "unit_type": "社区",
                                           "retired_members": 3}, {"retired_members": 4}),
    "Deadline Reopening": lambda site, unit, u: ({"reference_doctype": "Self Assessment", "org": unit, "year": 2018,
                                                  "phase": "考核", "reason": f"补交{u}", "until": "2099-12-31"},
                                                 {"reason": "改"}),
}


def branch_in_fresh(site, unit: str) -> str:
    """A self assessment is one per branch and year: each sample needs a branch of its own."""
    with site.context(ignore_permissions=True) as ctx:
        return ctx.insert({"doctype": "Party Organization", "org_name": f"矩阵自评支部{unique()}", "org_type": "党支部",
                           "sector": "机关", "parent_unit": COMMUNITY[unit]}).name


def cases():
    for doctype, spec in MATRIX["doctypes"].items():
        scopes = ("in", "out") if spec.get("scoped") else ("any",)
        for role in MATRIX["roles"]:
            allowed = set((spec.get("allow") or {}).get(role, []))
            for action in MATRIX["actions"]:
                for scope in scopes:
                    expect = action in allowed and (scope != "out" or role in MATRIX["unrestricted_roles"])
                    yield pytest.param(role, doctype, action, scope, expect, id=f"{doctype}-{role}-{action}-{scope}-{'allow' if expect else 'deny'}")


@pytest.fixture(scope="module")
def role_users(site):
    tokens = {}
    with site.context() as ctx:
        for role in MATRIX["roles"]:
            email = f"matrix-{abs(hash(role)) % 10**8}-{unique()}@example.cn"
            ctx.insert({"doctype": "User", "email": email, "first_name": role, "roles": [{"role": role}]})
            if role not in MATRIX["unrestricted_roles"]:
                ctx.insert({"doctype": "User Permission", "user": email, "allow": "Org Unit", "for_value": IN_UNIT})
            keys = auth.generate_keys(ctx, email)
            tokens[role] = {"Authorization": f"token {keys['api_key']}:{keys['api_secret']}"}
    return tokens


def make_target(site, doctype: str, unit: str) -> str:
    values, _ = sample(doctype, unit, site)
    with site.context(ignore_permissions=True) as ctx:
        return ctx.insert({"doctype": doctype, **values}).name


@pytest.mark.parametrize("role,doctype,action,scope,expect", list(cases()))
def test_matrix(server, world, site, role_users, role, doctype, action, scope, expect):
    headers = role_users[role]
    unit = OUT_UNIT if scope == "out" else IN_UNIT
    with httpx.Client(base_url=server.url, timeout=30, headers=headers) as http:
        if action == "create":
            values, _ = sample(doctype, unit, site)
            response = http.post(f"/api/resource/{doctype}", json=values)
        else:
            name = make_target(site, doctype, unit)
            path = f"/api/resource/{doctype}/{httpx.URL(name).raw_path.decode() if False else name}"
            if action == "read":
                response = http.get(path)
            elif action == "write":
                response = http.put(path, json=sample(doctype, unit, site)[1])
            elif action == "delete":
                response = http.delete(path)
            elif action == "export":
                response = http.get("/api/method/frappe.desk.reportview.export_query",
                                    params={"doctype": doctype, "file_format_type": "CSV", "filters": f'{{"name": "{name}"}}'})
                if response.status_code == 200:
                    response_text = response.content.decode("utf-8-sig")
                    assert (name in response_text) == expect, response_text
            elif action == "print":
                response = http.get("/api/method/frappe.www.printview.get_html_and_style",
                                    params={"doc": f'{{"doctype": "{doctype}", "name": "{name}"}}'})
    if expect:
        assert response.status_code in (200, 202), response.text
    elif action == "export" and response.status_code == 200:
        pass  # a permitted export that must not contain the out-of-scope document (checked above)
    else:
        assert response.status_code in (403, 404), response.text
