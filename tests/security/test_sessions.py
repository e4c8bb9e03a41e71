"""Issue 9, class 5: sessions. Disabling a user, changing or resetting their password, or taking
a role away ends that user's other sessions at once (the session doing a self password change
stays); sessions die after an idle timeout and an absolute lifetime from site_config.json; the sid
cookie is HttpOnly, SameSite=Lax, and Secure when the site is served over https.

Run on each database twice: sessions in the database alone, and cached in Redis (where a cached
copy must never outlive its row)."""
from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from tests.api.conftest import LiveServer
from tests.conftest import unique


@pytest.fixture(scope="module", params=["database", "redis"])
def live(request, site, server, site_factory, backend):
    """(site, server URL) — the shared site (sessions in the database), or a site of its own whose
    sessions are cached in Redis."""
    if request.param == "database":
        yield site, server.url
        return
    cached = site_factory(backend, redis=True)
    own = LiveServer(cached)
    own.start()
    yield cached, own.url
    own.stop()
    cached.engine.dispose()


@pytest.fixture
def config(live):
    """Change the site's config for one test; restored afterwards."""
    site = live[0]
    saved = dict(site.config)
    yield site.config
    site.config.clear()
    site.config.update(saved)


def admin_token(site) -> dict:
    from sixhave_app.engine import auth

    with site.context() as ctx:
        email = "session-admin@example.cn"
        if not ctx.exists("User", email):
            ctx.insert({"doctype": "User", "email": email, "first_name": "会话管理员",
                        "roles": [{"role": "System Manager"}]})
        keys = auth.generate_keys(ctx, email)
    return {"Authorization": f"token {keys['api_key']}:{keys['api_secret']}"}


def make_user(site, roles=("区级审核员", "支部书记")) -> tuple[str, str]:
    email, password = f"{unique('s')}@example.cn", "Session-123"
    with site.context() as ctx:
        ctx.insert({"doctype": "User", "email": email, "first_name": "会话", "new_password": password,
                    "roles": [{"role": r} for r in roles]})
    return email, password


def sign_in(url: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    response = client.post("/api/method/login", json={"usr": email, "pwd": password})
    assert response.status_code == 200, response.text
    return client


def who(client: httpx.Client) -> str | None:
    response = client.get("/api/method/frappe.auth.get_logged_user")
    return response.json().get("message") if response.status_code == 200 else None


def session_rows(site, user: str) -> int:
    import sqlalchemy as sa

    table = site.system["tabSessions"]
    with site.context() as ctx:
        return ctx.conn.execute(sa.select(sa.func.count()).where(table.c.user == user)).scalar()


def age(site, sid: str, *, idle: float = 0, since_login: float = 0) -> None:
    """Make a session look as if its last request was `idle` seconds ago and its login
    `since_login` seconds ago — in the database and in its Redis copy alike."""
    import sqlalchemy as sa

    table = site.system["tabSessions"]
    now = dt.datetime.now()
    with site.context() as ctx:
        data = json.loads(ctx.conn.execute(sa.select(table.c.data).where(table.c.sid == sid)).scalar())
        data["login_at"] = (now - dt.timedelta(seconds=since_login)).isoformat()
        last = now - dt.timedelta(seconds=idle)
        ctx.conn.execute(table.update().where(table.c.sid == sid).values(lastupdate=last, data=json.dumps(data)))
    if site.redis is not None:
        key = site.redis_key("session:" + sid)
        cached = site.redis.get(key)
        if cached:
            raw = json.loads(cached)
            raw.update(data=data, lastupdate=last.isoformat())
            site.redis.set(key, json.dumps(raw))


def test_disabling_a_user_ends_all_their_sessions(live):
    site, url = live
    email, password = make_user(site)
    first, second = sign_in(url, email, password), sign_in(url, email, password)
    assert who(first) == email and who(second) == email  # both cached now, where Redis is used
    with httpx.Client(base_url=url, timeout=30) as admin:
        response = admin.put(f"/api/resource/User/{email}", headers=admin_token(site), json={"enabled": 0})
        assert response.status_code == 200, response.text
    assert who(first) is None and who(second) is None
    assert session_rows(site, email) == 0


def test_removing_a_role_ends_sessions_and_adding_one_does_not(live):
    site, url = live
    email, password = make_user(site)
    client = sign_in(url, email, password)
    assert who(client) == email
    with httpx.Client(base_url=url, timeout=30) as admin:
        added = admin.put(f"/api/resource/User/{email}", headers=admin_token(site),
                          json={"roles": [{"role": "区级审核员"}, {"role": "支部书记"}, {"role": "支部委员"}]})
        assert added.status_code == 200, added.text
        assert who(client) == email  # a role more takes nothing away
        removed = admin.put(f"/api/resource/User/{email}", headers=admin_token(site),
                            json={"roles": [{"role": "区级审核员"}, {"role": "支部委员"}]})
        assert removed.status_code == 200, removed.text
    assert who(client) is None


def test_disabling_a_role_ends_its_holders_sessions(live):
    site, url = live
    role = unique("角色")
    with site.context() as ctx:
        ctx.insert({"doctype": "Role", "role_name": role})
    holder = make_user(site, roles=("支部书记", role))
    client, bystander = sign_in(url, *holder), sign_in(url, *make_user(site))
    with httpx.Client(base_url=url, timeout=30) as admin:
        edited = admin.put(f"/api/resource/Role/{role}", headers=admin_token(site), json={"description": "改"})
        assert edited.status_code == 200, edited.text
        assert who(client) == holder[0]  # an edit that takes nothing away
        disabled = admin.put(f"/api/resource/Role/{role}", headers=admin_token(site), json={"disabled": 1})
        assert disabled.status_code == 200, disabled.text
    assert who(client) is None
    assert who(bystander) is not None


def test_password_reset_by_an_administrator_ends_the_users_sessions(live):
    site, url = live
    email, password = make_user(site)
    client = sign_in(url, email, password)
    with httpx.Client(base_url=url, timeout=30) as admin:
        reset = admin.put(f"/api/resource/User/{email}", headers=admin_token(site), json={"new_password": "Reset-4567"})
        assert reset.status_code == 200, reset.text
    assert who(client) is None
    sign_in(url, email, "Reset-4567").close()


def test_own_password_change_keeps_this_session_and_ends_the_others(live):
    site, url = live
    email, password = make_user(site)
    here, elsewhere = sign_in(url, email, password), sign_in(url, email, password)
    assert who(elsewhere) == email
    changed = here.post("/api/method/frappe.core.doctype.user.user.update_password",
                        json={"old_password": password, "new_password": "Changed-789"})
    assert changed.status_code == 200, changed.text
    assert who(here) == email
    assert who(elsewhere) is None
    assert session_rows(site, email) == 1


def test_idle_timeout_comes_from_site_config(live, config):
    site, url = live
    config["session_idle_timeout"] = 600
    email, password = make_user(site)
    idle, busy = sign_in(url, email, password), sign_in(url, email, password)
    assert who(idle) == email and who(busy) == email
    age(site, idle.cookies["sid"], idle=700, since_login=700)
    age(site, busy.cookies["sid"], idle=300, since_login=700)
    assert who(idle) is None
    assert who(busy) == email
    assert session_rows(site, email) == 1


def test_absolute_lifetime_comes_from_site_config(live, config):
    site, url = live
    config["session_max_age"] = 3600
    email, password = make_user(site)
    client = sign_in(url, email, password)
    assert who(client) == email
    age(site, client.cookies["sid"], idle=10, since_login=3500)
    assert who(client) == email
    age(site, client.cookies["sid"], idle=10, since_login=3700)  # busy all along, but too old
    assert who(client) is None
    assert session_rows(site, email) == 0  # removed, even though the request that found it failed


def test_default_lifetimes_are_bounded(live):
    site, url = live
    email, password = make_user(site)
    client = sign_in(url, email, password)
    age(site, client.cookies["sid"], idle=60, since_login=3 * 24 * 3600)
    assert who(client) is None


def _cookie(response: httpx.Response, name: str) -> str:
    return next(c for c in response.headers.get_list("set-cookie") if c.startswith(name + "="))


def test_sid_cookie_is_httponly_lax_and_secure_over_https(live, config):
    site, url = live
    email, password = make_user(site)
    with httpx.Client(base_url=url, timeout=30) as client:
        plain = _cookie(client.post("/api/method/login", json={"usr": email, "pwd": password}), "sid").lower()
        assert "httponly" in plain and "samesite=lax" in plain and "secure" not in plain
        # auto (default): a proxy's X-Forwarded-Proto counts only from a trusted proxy
        spoofed = client.post("/api/method/login", json={"usr": email, "pwd": password},
                              headers={"X-Forwarded-Proto": "https"})
        assert "secure" not in _cookie(spoofed, "sid").lower()
        config["trusted_proxies"] = ["127.0.0.1"]
        proxied = client.post("/api/method/login", json={"usr": email, "pwd": password},
                              headers={"X-Forwarded-Proto": "https"})
        for name in ("sid", "user_id", "full_name", "system_user"):
            assert "; secure" in _cookie(proxied, name).lower(), name
        config.pop("trusted_proxies")
        config["cookie_secure"] = True
        forced = _cookie(client.post("/api/method/login", json={"usr": email, "pwd": password}), "sid").lower()
        assert "secure" in forced and "httponly" in forced and "samesite=lax" in forced
        config["cookie_secure"] = "false"
        assert "secure" not in _cookie(client.post("/api/method/login", json={"usr": email, "pwd": password}), "sid").lower()
