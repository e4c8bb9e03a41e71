"""Users and sessions: login, cookies, logout, expiry, API keys, CSRF, throttling."""
import base64
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import httpx
import sqlalchemy as sa

from tests.api.conftest import login


def test_user_created_through_the_api_can_log_in(server, world, http):
    admin = world["sysman"]
    email = "new.user@example.cn"
    created = http.post("/api/resource/User", headers=admin.token, json={
        "email": email, "first_name": "新用户", "roles": [{"role": "支部书记"}], "new_password": "Secret-123"})
    assert created.status_code == 200, created.text
    body = created.json()["data"]
    assert body["name"] == email and [r["role"] for r in body["roles"]] == ["支部书记"]
    assert "new_password" not in body or not body["new_password"]
    response = http.post("/api/method/login", json={"usr": email, "pwd": "Secret-123"})
    assert response.status_code == 200 and response.json()["message"] == "Logged In"
    assert response.json()["full_name"] == "新用户"


def test_login_sets_frappe_cookies_and_logout_clears_them(server, world):
    person = world["liangxi_admin"]
    client = httpx.Client(base_url=server.url)
    response = client.post("/api/method/login", data={"usr": person.name, "pwd": person.password})  # form post
    assert response.status_code == 200
    cookies = {c.split("=")[0]: c for c in response.headers.get_list("set-cookie")}
    assert "HttpOnly" in cookies["sid"]
    for name in ("user_id", "full_name", "system_user"):
        assert name in cookies and "HttpOnly" not in cookies[name]
    assert client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": person.name}
    assert client.get("/api/method/logout").status_code == 405  # logging out changes state: POST only
    assert client.post("/api/method/logout", json={}).status_code == 200
    after = client.get("/api/method/frappe.auth.get_logged_user")
    assert after.status_code == 403


def test_wrong_password_is_401_and_logged(server, world, site, http):
    person = world["xishan_admin"]
    response = http.post("/api/method/login", json={"usr": person.name, "pwd": "wrong"})
    assert response.status_code == 401
    body = response.json()
    assert body["exc_type"] == "AuthenticationError" and json.loads(body["exc"])
    message = json.loads(json.loads(body["_server_messages"])[0])
    assert message["message"] and message["indicator"]
    with site.context() as ctx:
        assert ctx.get_count("Activity Log", {"user": person.name, "status": "Failed"}) >= 1


def test_login_throttling(server, site, http):
    with site.context() as ctx:
        ctx.insert({"doctype": "User", "email": "throttle@example.cn", "first_name": "限流", "new_password": "Right-123"})
    for _ in range(5):
        assert http.post("/api/method/login", json={"usr": "throttle@example.cn", "pwd": "bad"}).status_code == 401
    cooled = http.post("/api/method/login", json={"usr": "throttle@example.cn", "pwd": "Right-123"})
    assert cooled.status_code == 429 and cooled.json()["exc_type"] == "TooManyRequestsError"
    with site.context() as ctx:
        assert ctx.get_count("Activity Log", {"user": "throttle@example.cn", "status": "Failed"}) == 5


def test_session_expiry(server, site, world):
    client = login(server, world["secretary"])
    sid = client.cookies["sid"]
    with site.context() as ctx:
        table = site.system["tabSessions"]
        ctx.conn.execute(table.update().where(table.c.sid == sid).values(lastupdate=dt.datetime.now() - dt.timedelta(days=2)))
    if site.redis is not None:
        site.redis.delete(site.redis_key("session:" + sid))
    assert client.get("/api/method/frappe.auth.get_logged_user").status_code == 403


def test_api_keys_token_and_basic(server, world, http):
    person = world["liangxi_admin"]
    assert http.get("/api/method/frappe.auth.get_logged_user", headers=person.token).json()["message"] == person.name
    basic = base64.b64encode(f"{person.api_key}:{person.api_secret}".encode()).decode()
    assert http.get("/api/method/frappe.auth.get_logged_user", headers={"Authorization": f"Basic {basic}"}).json()["message"] == person.name
    bad = http.get("/api/method/frappe.auth.get_logged_user", headers={"Authorization": f"token {person.api_key}:nope"})
    assert bad.status_code == 401 and bad.json()["exc_type"] == "AuthenticationError"


def test_generate_keys_method_and_cli(server, world, site, http):
    admin = world["sysman"]
    fresh = http.post("/api/method/frappe.core.doctype.user.user.generate_keys", headers=admin.token,
                      data={"user": world["nobody"].name})
    assert fresh.status_code == 200
    secret = fresh.json()["message"]["api_secret"]
    with site.context() as ctx:
        key = ctx.get_value("User", world["nobody"].name, "api_key")
    assert http.get("/api/method/frappe.auth.get_logged_user",
                    headers={"Authorization": f"token {key}:{secret}"}).json()["message"] == world["nobody"].name
    world["nobody"].api_secret = secret
    # a user may not make keys for someone else
    denied = http.post("/api/method/frappe.core.doctype.user.user.generate_keys", headers=world["secretary"].token,
                       data={"user": admin.name})
    assert denied.status_code == 403
    sixhave = str(Path(sys.executable).parent / "sixhave")
    out = subprocess.run([sixhave, "--sites-path", str(site.path.parent), "--site", site.name, "generate-keys", world["city_admin"].name],
                         capture_output=True, text=True, env={"PYTHONPATH": str(Path(__file__).parents[1] / "sixhave_test_app"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stdout + out.stderr
    key_line = next(l for l in out.stdout.splitlines() if l.startswith("api_key"))
    secret_line = next(l for l in out.stdout.splitlines() if l.startswith("api_secret"))
    key, secret = key_line.split()[-1], secret_line.split()[-1]
    assert http.get("/api/method/frappe.auth.get_logged_user",
                    headers={"Authorization": f"token {key}:{secret}"}).json()["message"] == world["city_admin"].name
    world["city_admin"].api_secret = secret


def test_csrf_on_ui_sessions(server, world):
    client = login(server, world["liangxi_admin"])
    # an API session (no UI page opened) is not asked for a CSRF token
    ok = client.post("/api/resource/Org Unit", json={"unit_name": "CSRF甲", "level": "街道", "parent_org_unit": "梁溪区"})
    assert ok.status_code == 200, ok.text
    page = client.get("/app")
    assert page.status_code == 200 and "csrf_token" in page.text
    token = page.text.split("window.csrf_token = '")[1].split("'")[0]
    refused = client.post("/api/resource/Org Unit", json={"unit_name": "CSRF乙", "level": "街道", "parent_org_unit": "梁溪区"})
    assert refused.status_code == 400 and refused.json()["exc_type"] == "CSRFTokenError"
    accepted = client.post("/api/resource/Org Unit", json={"unit_name": "CSRF乙", "level": "街道", "parent_org_unit": "梁溪区"},
                           headers={"X-Frappe-CSRF-Token": token})
    assert accepted.status_code == 200
    assert client.get("/api/resource/Org Unit/CSRF乙").status_code == 200  # reads need no token
