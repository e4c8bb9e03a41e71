"""Issue 9, class 8: a cross-site page can never change anything through a user's cookie. Desk
sessions carry a CSRF token and every unsafe request on them needs it; sessions from the API login
(Frappe's clients, no token) change state only with a JSON body and an Origin, when sent, of the
site itself; form, multipart and text bodies on any cookie session need the token; token auth
needs none. CORS preflights are refused; bodies are parsed only as their content type (text/plain
never as JSON); methods that change state refuse GET; every HTML page carries security headers."""
from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import unique


def api_session(server, person) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    assert client.post("/api/method/login", json={"usr": person.name, "pwd": person.password}).status_code == 200
    return client


def desk_session(server, person) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=server.url, timeout=30)
    assert client.post("/api/method/login", json={"usr": person.name, "pwd": person.password, "__ui": 1}).status_code == 200
    token = client.get("/api/method/sixhave.desk.boot").json()["message"]["csrf_token"]
    assert token
    return client, token


def exists(http, admin, title: str) -> bool:
    rows = http.get("/api/resource/Test Note", headers=admin.token,
                    params={"filters": json.dumps({"title": title})}).json()["data"]
    return bool(rows)


def refused(response) -> bool:
    return response.status_code in (400, 403, 415) and response.json().get("exc_type") in (
        "CSRFTokenError", "PermissionError", "UnsupportedMediaTypeError")


def test_desk_sessions_always_carry_a_token_and_need_it(server, world, http):
    person = world["sysman"]
    client, token = desk_session(server, person)
    page = client.get("/app")
    assert f"window.csrf_token = '{token}'" in page.text
    title = unique("desk")
    assert refused(client.post("/api/resource/Test Note", json={"title": title}))
    assert refused(client.post("/api/resource/Test Note", json={"title": title}, headers={"X-Frappe-CSRF-Token": "x" + token}))
    assert not exists(http, person, title)
    ok = client.post("/api/resource/Test Note", json={"title": title}, headers={"X-Frappe-CSRF-Token": token})
    assert ok.status_code == 200, ok.text
    name = ok.json()["data"]["name"]
    assert refused(client.delete(f"/api/resource/Test Note/{name}"))
    deleted = client.delete(f"/api/resource/Test Note/{name}", headers={"X-Frappe-CSRF-Token": token})
    assert deleted.status_code in (200, 202), deleted.text
    assert not exists(http, person, title)


def test_api_login_sessions_change_state_only_with_json(server, world, http):
    person = world["sysman"]
    client = api_session(server, person)
    title = unique("api")
    assert client.post("/api/resource/Test Note", json={"title": title}).status_code == 200  # Frappe's clients
    doc = json.dumps({"title": title + "-form"})
    attempts = [
        client.post("/api/resource/Test Note", data={"data": doc}),                                      # a form
        client.post("/api/resource/Test Note", files={"data": (None, doc)}),                              # multipart
        client.post("/api/resource/Test Note", content=doc, headers={"Content-Type": "text/plain"}),      # text
        client.post("/api/resource/Test Note", content=doc, headers={"Content-Type": ""}),                # no type
        client.post("/api/method/frappe.client.insert", data={"doc": json.dumps({"doctype": "Test Note", "title": title + "-form"})}),
        client.post("/", data={"cmd": "frappe.client.insert", "doc": json.dumps({"doctype": "Test Note", "title": title + "-form"})}),
    ]
    for response in attempts:
        assert refused(response), (response.status_code, response.text)
    assert not exists(http, person, title + "-form")
    name = http.get("/api/resource/Test Note", headers=person.token,
                    params={"filters": json.dumps({"title": title})}).json()["data"][0]["name"]
    assert refused(client.delete(f"/api/resource/Test Note/{name}"))  # no JSON declared
    deleted = client.delete(f"/api/resource/Test Note/{name}", headers={"Content-Type": "application/json"})
    assert deleted.status_code in (200, 202), deleted.text
    assert not exists(http, person, title)


def test_origin_of_another_site_is_refused(server, world, http):
    person = world["sysman"]
    client = api_session(server, person)
    title = unique("origin")
    for origin in ("https://evil.example", "null", server.url.replace("127.0.0.1", "localhost")):
        response = client.post("/api/resource/Test Note", json={"title": title}, headers={"Origin": origin})
        assert refused(response), origin
    assert not exists(http, person, title)
    same = client.post("/api/resource/Test Note", json={"title": title}, headers={"Origin": server.url})
    assert same.status_code == 200, same.text
    # nor may another site sign someone in (login CSRF) or out
    foreign = httpx.post(f"{server.url}/api/method/login", data={"usr": person.name, "pwd": person.password},
                         headers={"Origin": "https://evil.example"})
    assert refused(foreign) and "sid" not in foreign.cookies
    desk, token = desk_session(server, person)
    assert refused(desk.post("/api/resource/Test Note", json={"title": title + "-d"},
                             headers={"X-Frappe-CSRF-Token": token, "Origin": "https://evil.example"}))


def test_a_form_on_a_desk_session_needs_the_token(server, world, http):
    person = world["sysman"]
    client, token = desk_session(server, person)
    title = unique("form")
    doc = json.dumps({"title": title})
    assert refused(client.post("/api/resource/Test Note", data={"data": doc}))
    accepted = client.post("/api/resource/Test Note", data={"data": doc, "csrf_token": token})
    assert accepted.status_code == 200, accepted.text


def test_token_auth_needs_no_csrf(world, http):
    person = world["sysman"]
    title = unique("token")
    made = http.post("/api/resource/Test Note", headers=person.token, data={"data": json.dumps({"title": title})})
    assert made.status_code == 200, made.text
    assert http.post("/api/resource/Test Note", headers=person.token, json={"title": title + "-j"}).status_code == 200


def test_text_plain_is_never_parsed_as_json(world, http):
    person = world["sysman"]
    title = unique("text")
    for kind in ("text/plain", "text/plain;charset=UTF-8", "application/octet-stream"):
        response = http.post("/api/resource/Test Note", headers={**person.token, "Content-Type": kind},
                             content=json.dumps({"title": title}))
        assert response.status_code == 415, (kind, response.text)
        assert "application/json" in response.json()["_server_messages"]
    assert not exists(http, person, title)
    broken = http.post("/api/resource/Test Note", headers={**person.token, "Content-Type": "application/json"}, content="{title:")
    assert broken.status_code == 417


def test_cors_preflights_are_refused(server):
    for path in ("/api/resource/Test Note", "/api/method/login", "/api/method/frappe.client.insert"):
        response = httpx.options(server.url + path, headers={"Origin": "https://evil.example",
                                                             "Access-Control-Request-Method": "POST",
                                                             "Access-Control-Request-Headers": "content-type"})
        assert response.status_code >= 400
        assert not any(k.lower().startswith("access-control-") for k in response.headers)


@pytest.mark.parametrize("method", ["logout", "frappe.core.doctype.user.user.generate_keys",
                                    "frappe.core.doctype.user.user.update_password", "frappe.client.insert",
                                    "frappe.client.delete", "frappe.model.workflow.apply_workflow"])
def test_methods_that_change_state_refuse_get(server, world, method):
    person = world["nobody"]
    client = api_session(server, person)
    response = client.get(f"/api/method/{method}", params={"user": person.name})
    assert response.status_code == 405, response.text
    assert "POST" in response.headers.get("allow", "")
    legacy = client.get("/", params={"cmd": method, "user": person.name})
    assert legacy.status_code == 405
    assert client.get("/api/method/frappe.auth.get_logged_user").json()["message"] == person.name  # still signed in


HTML_PAGES = ["/status", "/login", "/app", "/printview?doctype=Test%20Note&name=no-such-note",
              "/printview?doctype=No%20Such&name=x"]


def _assert_secure_page(response, path):
    headers = response.headers
    assert headers.get("content-type", "").startswith("text/html"), path
    policy = headers.get("content-security-policy", "")
    assert "frame-ancestors" in policy and "default-src" in policy, (path, policy)
    assert headers.get("x-frame-options", "").upper() in ("DENY", "SAMEORIGIN"), path
    assert headers.get("referrer-policy") in ("same-origin", "strict-origin-when-cross-origin", "no-referrer"), path
    assert headers.get("x-content-type-options") == "nosniff", path
    return policy


def test_security_headers_on_every_html_page(server, world, http):
    person = world["sysman"]
    client, _ = desk_session(server, person)
    note = http.post("/api/resource/Test Note", headers=person.token, json={"title": unique("print")}).json()["data"]["name"]
    for path in HTML_PAGES + [f"/printview?doctype=Test%20Note&name={note}"]:
        response = (http if path == "/login" else client).get(path, follow_redirects=False)
        _assert_secure_page(response, path)
    desk = _assert_secure_page(client.get("/app"), "/app")
    assert "'nonce-" in desk and "'unsafe-inline'" not in desk.split("script-src")[1].split(";")[0]
    printed = _assert_secure_page(client.get(f"/printview?doctype=Test%20Note&name={note}"), "printview")
    assert "script-src 'none'" in printed
    # error pages and files too: never sniffed, never framed by others
    for response in (client.get("/no/such/page"), client.get("/api/resource/No Such"), client.post("/status")):
        assert response.status_code >= 400
        assert response.headers.get("x-content-type-options") == "nosniff"
        assert response.headers.get("x-frame-options") == "SAMEORIGIN"
