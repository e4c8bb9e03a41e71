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


def sample(doctype: str, unit: str) -> tuple[dict, dict]:
    """(a new document's values, a harmless change) for each DocType in the matrix."""
    u = unique()
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
    values, _ = sample(doctype, unit)
    with site.context(ignore_permissions=True) as ctx:
        return ctx.insert({"doctype": doctype, **values}).name


@pytest.mark.parametrize("role,doctype,action,scope,expect", list(cases()))
def test_matrix(server, world, site, role_users, role, doctype, action, scope, expect):
    headers = role_users[role]
    unit = OUT_UNIT if scope == "out" else IN_UNIT
    with httpx.Client(base_url=server.url, timeout=30, headers=headers) as http:
        if action == "create":
            values, _ = sample(doctype, unit)
            response = http.post(f"/api/resource/{doctype}", json=values)
        else:
            name = make_target(site, doctype, unit)
            path = f"/api/resource/{doctype}/{httpx.URL(name).raw_path.decode() if False else name}"
            if action == "read":
                response = http.get(path)
            elif action == "write":
                response = http.put(path, json=sample(doctype, unit)[1])
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
