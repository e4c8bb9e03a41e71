"""The permission matrix (tests/permission_matrix.yaml): every shipped role × DocType × action ×
(in scope, out of scope).

Every cell is asked in-process (`test_matrix_cells`), through the very calls the REST handlers
make (`resource.doc_json`/`create`/`update_document`, `delete_doc`, the export query, the print
check), as the role's user inside one transaction that is rolled back at the end, each cell in a
savepoint of its own. Then one HTTP check per DocType and action (`test_matrix_http`: an allowed
cell and a denied one, out of scope where the DocType is scoped) shows that the REST doors give
the same answers. On MariaDB the in-process half samples: for each DocType a third of the roles,
rotating, so every role and every DocType is still asked on both databases.
"""
import itertools
from pathlib import Path

import httpx
import pytest
import yaml

from sixhave_app.engine import auth, permissions
from sixhave_app.engine.api import printview, resource
from sixhave_app.engine.errors import PermissionError, SixhaveError
from tests.conftest import unique

MATRIX = yaml.safe_load((Path(__file__).parents[1] / "permission_matrix.yaml").read_text("utf-8"))
IN_UNIT, OUT_UNIT = "梁溪区", "锡山区"

YEARS = itertools.count(3000)  # unique years for one-per-year DocTypes
BRANCHES: dict[str, str] = {}  # unit → a branch (Party Organization) under it, made once
COMMUNITY = {IN_UNIT: "健康社区", OUT_UNIT: "东亭街道"}


def branch_in(site, unit: str) -> str:
    """A branch under `unit`, committed once per site (made before any cell's transaction opens)."""
    key = (site.name, unit)
    if key not in BRANCHES:
        from tests.api.conftest import ensure_template

        ensure_template(site, 2018)
        with site.context(ignore_permissions=True) as ctx:
            BRANCHES[key] = ctx.insert({"doctype": "Party Organization", "org_name": f"矩阵支部{unique()}", "org_type": "党支部",
                                         "sector": "机关", "parent_unit": COMMUNITY[unit]}).name
    return BRANCHES[key]


def member_in(ctx, unit: str) -> str:
    return ctx.insert({"doctype": "Party Member", "full_name": "矩阵党员", "party_org": branch_in(ctx.site, unit)}).name


def sample(doctype: str, unit: str, ctx) -> tuple[dict, dict]:
    """(a new document's values, a harmless change) for each DocType in the matrix; what the
    values link to is made by `ctx` (an administrator's context)."""
    u = unique()
    if doctype in APP_SAMPLES:
        return APP_SAMPLES[doctype](ctx, unit, u)
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
    "Party Organization": lambda ctx, unit, u: ({"org_name": f"矩阵组织{u}", "org_type": "党支部", "sector": "社区",
                                                  "parent_unit": COMMUNITY[unit]}, {"brand": "改"}),
    "Party Member": lambda ctx, unit, u: ({"full_name": f"党员{u}", "party_org": branch_in(ctx.site, unit)}, {"needs": "改"}),
    "Meeting": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "kind": "集体学习", "meeting_date": "2018-03-01",
                                       "topic": f"学习{u}"}, {"place": "改"}),
    "Talk Record": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "member": member_in(ctx, unit),
                                           "talk_date": "2018-03-01"}, {"talker": "改"}),
    "Care Visit": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "member": member_in(ctx, unit), "trigger": "重大节日",
                                          "visit_date": "2018-02-15"}, {"visitors": "改"}),
    "Dues Payment": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "member": member_in(ctx, unit),
                                            "month": "2018-03-01", "pension": 4000, "amount_paid": 20}, {"paid_by_relative": 1}),
    "Fund Record": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "kind": "工作经费", "amount": 100,
                                           "record_date": "2018-03-01"}, {"source": "改"}),
    "Venue Checklist": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "year": next(YEARS),
                                               "address": "活动室"}, {"has_place": 1}),
    "Work Document": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "kind": "年度工作计划", "year": 2018,
                                             "title": f"计划{u}"}, {"doc_date": "2018-01-05"}),
    "Training": lambda ctx, unit, u: ({"title": f"培训{u}", "kind": "单位培训", "org": unit, "year": 2018,
                                        "start_date": "2018-05-01"}, {"place": "改"}),
    "Activity Kind": lambda ctx, unit, u: ({"kind_name": f"活动{u}", "category": "活动"}, {"sort_order": 99}),
    "Scoring Template": lambda ctx, unit, u: ({"year": next(YEARS), "title": f"模板{u}", "pass_score": 80,
                                                "demonstration_score": 95, "items": [{"category_code": "1", "category": "有党的组织",
                                                "code": "1.1", "content": "组织设置", "points": 100}]}, {"title": "改"}),
    "Programme Year": lambda ctx, unit, u: ({"year": next(YEARS)}, {"is_open": 1}),
    "Self Assessment": lambda ctx, unit, u: ({"party_org": branch_in_fresh(ctx, unit), "year": 2018}, {"self_opinion": "改"}),
    "Rectification Item": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "year": 2018, "problem": f"问题{u}",
                                                  "responsible_person": "张书记", "deadline": "2099-12-31"},
                                                 {"progress_note": "改"}),
    "Inspection": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "year": 2018, "half": "上半年",
                                          "inspection_date": "2018-06-01"}, {"inspectors": "改"}),
    "Plaque": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "year": 2018,
                                      "awarded_on": "2018-12-01"}, {"title": "改"}),
    "Public Notice": lambda ctx, unit, u: ({"year": 2018, "title": f"公示{u}", "start_date": "2018-11-01",
                                             "end_date": "2018-11-08"}, {"objections": "无"}),
    "Print Format": lambda ctx, unit, u: ({"name": f"矩阵格式{u}", "doc_type": "Org Unit", "html": "<p>{{ doc.name }}</p>"},
                                           {"css": "p { color: #000; }"}),
    "Letter Head": lambda ctx, unit, u: ({"letter_head_name": f"矩阵信头{u}"}, {"content": "<p>改</p>"}),
    "Report": lambda ctx, unit, u: ({"report_name": f"矩阵报表{u}", "ref_doctype": "Org Unit"}, {"description": "改"}),
    # the yearly cycle's records
    "Branch Brand": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "year": 2018, "brand_name": f"品牌{u}",
                                            "feature": "宣讲"}, {"feature": "改"}),
    "Typical Case": lambda ctx, unit, u: ({"party_org": branch_in(ctx.site, unit), "year": 2018, "title": f"案例{u}",
                                            "category": "好经验好做法", "content": "<p>做法</p>"}, {"title": "改"}),
    "Self Check": lambda ctx, unit, u: ({"party_org": branch_in_fresh(ctx, unit), "year": 2018,
                                          "check_date": "2018-03-01"}, {"check_date": "2018-03-02"}),
    "Implementation Plan": lambda ctx, unit, u: (lambda y: ({"org": unit, "year": y, "title": f"方案{u}",
                                                              "plan_date": f"{y}-07-02", "approved_by": "局长",
                                                              "attachment": "/files/plan.pdf"}, {"approved_by": "改"}))(next(YEARS)),
    "Party Building Plan": lambda ctx, unit, u: ({"org": unit, "year": next(YEARS), "title": f"要点{u}"}, {"title": "改"}),
    "Work Report Hearing": lambda ctx, unit, u: ({"org": unit, "year": 2018, "hearing_date": "2018-09-01",
                                                   "leader": "区委副书记", "topic": f"汇报{u}"}, {"topic": "改"}),
    "Unit Survey": lambda ctx, unit, u: ({"org": COMMUNITY[unit], "year": next(YEARS), "unit_type": "社区",
                                           "retired_members": 3}, {"retired_members": 4}),
    "Deadline Reopening": lambda ctx, unit, u: ({"reference_doctype": "Self Assessment", "org": unit, "year": 2018,
                                                  "phase": "考核", "reason": f"补交{u}", "until": "2099-12-31"},
                                                 {"reason": "改"}),
}


def branch_in_fresh(ctx, unit: str) -> str:
    """A self assessment is one per branch and year: each sample needs a branch of its own."""
    return ctx.insert({"doctype": "Party Organization", "org_name": f"矩阵自评支部{unique()}", "org_type": "党支部",
                      "sector": "机关", "parent_unit": COMMUNITY[unit]}).name


def scopes_of(doctype: str) -> tuple[str, ...]:
    return ("in", "out") if MATRIX["doctypes"][doctype].get("scoped") else ("any",)


def expected(role: str, doctype: str, action: str, scope: str) -> bool:
    allowed = set((MATRIX["doctypes"][doctype].get("allow") or {}).get(role, []))
    return action in allowed and (scope != "out" or role in MATRIX["unrestricted_roles"])


def roles_asked(backend: str, doctype: str) -> list[str]:
    """Every role on SQLite; on MariaDB a third of them, rotating with the DocType."""
    roles = MATRIX["roles"]
    if backend != "mariadb":
        return roles
    shift = list(MATRIX["doctypes"]).index(doctype)
    return [r for i, r in enumerate(roles) if (i + shift) % 3 == 0]


@pytest.fixture(scope="module")
def role_users(site, world):
    """One user per role (under 梁溪区 unless the role is unrestricted), with an API token; the
    branches and the 2018 template the samples link to are made (committed) here as well."""
    users = {}
    for unit in (IN_UNIT, OUT_UNIT):
        branch_in(site, unit)
    with site.context() as ctx:
        for role in MATRIX["roles"]:
            email = f"matrix-{abs(hash(role)) % 10**8}-{unique()}@example.cn"
            ctx.insert({"doctype": "User", "email": email, "first_name": role, "roles": [{"role": role}]})
            if role not in MATRIX["unrestricted_roles"]:
                ctx.insert({"doctype": "User Permission", "user": email, "allow": "Org Unit", "for_value": IN_UNIT})
            keys = auth.generate_keys(ctx, email)
            users[role] = (email, {"Authorization": f"token {keys['api_key']}:{keys['api_secret']}"})
    return users


# --------------------------------------------------------------------------- in-process
def _export(u, doctype, name):
    permissions.check(u, doctype, "export")
    rows = u.get_list(doctype, fields=["name"], filters={"name": name}, limit_page_length=0, ptype="export")
    if name not in {r["name"] for r in rows}:
        raise PermissionError("导出结果中没有此单据")  # a permitted export without the document


ACTS = {  # what each REST door calls, given (the user's context, DocType, target, the sample)
    "read": lambda u, doctype, name, sample: resource.doc_json(u, u.get_doc(doctype, name)),
    "create": lambda u, doctype, name, sample: resource.create(u, doctype, sample[0]),
    "write": lambda u, doctype, name, sample: resource.update_document(u, doctype, name, sample[1]),
    "delete": lambda u, doctype, name, sample: u.delete_doc(doctype, name),
    "export": lambda u, doctype, name, sample: _export(u, doctype, name),
    "print": lambda u, doctype, name, sample: printview.printable(u, doctype, name),
}


def attempt(ctx, user: str, act, doctype: str, name: str, unit: str) -> bool:
    """One cell, as `user` in a savepoint of the administrator's transaction, undone afterwards:
    True when allowed, False when refused the way the REST API refuses (403 or 404). Any other
    error fails the test, as a 417 or 500 would over HTTP."""
    savepoint = ctx.conn.begin_nested()
    try:
        values = sample(doctype, unit, ctx)
        with ctx.as_user(user) as u:
            act(u, doctype, name, values)
        return True
    except SixhaveError as exc:
        if exc.http_status in (403, 404):
            return False
        raise
    finally:
        savepoint.rollback()
        if ctx.flags.pop("versions_changed", None):  # a role or permission changed, then undone
            ctx.flags.pop("version_publish_registered", None)
            ctx.site.perm_cache.clear()
            ctx.site.metas.invalidate()


@pytest.mark.parametrize("doctype", list(MATRIX["doctypes"]))
def test_matrix_cells(site, role_users, doctype):
    wrong = []
    ctx = site.context(ignore_permissions=True)
    try:
        for scope in scopes_of(doctype):
            unit = OUT_UNIT if scope == "out" else IN_UNIT
            target = ctx.insert({"doctype": doctype, **sample(doctype, unit, ctx)[0]}).name
            for role in roles_asked(site.backend, doctype):
                for action in MATRIX["actions"]:
                    expect = expected(role, doctype, action, scope)
                    got = attempt(ctx, role_users[role][0], ACTS[action], doctype, target, unit)
                    if got != expect:
                        wrong.append(f"{role} {action} ({scope}): expected {'allow' if expect else 'deny'}, "
                                     f"got {'allow' if got else 'deny'}")
    finally:
        ctx.rollback()
        ctx.close()
    assert not wrong, f"{doctype}:\n" + "\n".join(wrong)


# --------------------------------------------------------------------------- over HTTP
def http_cases():
    """Per DocType and action: the least privileged role allowed (in scope), and a refusal: that
    role out of scope when the DocType is scoped and the role is not unrestricted, else a role
    without the right."""
    for doctype in MATRIX["doctypes"]:
        scope = scopes_of(doctype)[0]
        for action in MATRIX["actions"]:
            allowed = [r for r in MATRIX["roles"] if expected(r, doctype, action, scope)]
            denied = [r for r in MATRIX["roles"] if not expected(r, doctype, action, scope)]
            cells = []
            if allowed:
                cells.append((allowed[-1], scope, True))
                if "out" in scopes_of(doctype) and allowed[-1] not in MATRIX["unrestricted_roles"]:
                    cells.append((allowed[-1], "out", False))
            if len(cells) < 2 and denied:
                cells.append((denied[-1], scope, False))
            yield pytest.param(doctype, action, cells, id=f"{doctype}-{action}")


def http_cell(server, site, headers, doctype, action, scope, expect):
    unit = OUT_UNIT if scope == "out" else IN_UNIT
    with site.context(ignore_permissions=True) as ctx:
        values, change = sample(doctype, unit, ctx)
        name = None if action == "create" else ctx.insert({"doctype": doctype, **values}).name
    with httpx.Client(base_url=server.url, timeout=30, headers=headers) as http:
        path = f"/api/resource/{doctype}/{name}"
        if action == "create":
            response = http.post(f"/api/resource/{doctype}", json=values)
        elif action == "read":
            response = http.get(path)
        elif action == "write":
            response = http.put(path, json=change)
        elif action == "delete":
            response = http.delete(path)
        elif action == "export":
            response = http.get("/api/method/frappe.desk.reportview.export_query",
                                params={"doctype": doctype, "file_format_type": "CSV", "filters": f'{{"name": "{name}"}}'})
            if response.status_code == 200:
                response_text = response.content.decode("utf-8-sig")
                assert (name in response_text) == expect, response_text
                return
        elif action == "print":
            response = http.get("/api/method/frappe.www.printview.get_html_and_style",
                                params={"doc": f'{{"doctype": "{doctype}", "name": "{name}"}}'})
    if expect:
        assert response.status_code in (200, 202), response.text
    else:
        assert response.status_code in (403, 404), response.text


@pytest.mark.parametrize("doctype,action,cells", list(http_cases()))
def test_matrix_http(server, site, role_users, doctype, action, cells):
    assert cells
    for role, scope, expect in cells:
        http_cell(server, site, role_users[role][1], doctype, action, scope, expect)
