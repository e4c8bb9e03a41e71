"""Issue 9, class 6: login throttling that protects and cannot be turned against users. Failures
count per resolved account and address (user name, e-mail and username are one account) and per
address; X-Forwarded-For counts only from trusted proxies; failures from one address never stop
the right password from another (the account-wide limit is much higher); a lockout is short and
grows, and the 429 says in Chinese how long to wait (and Retry-After). Unknown and known users
take the same time to be refused, and every attempt is logged — address and time — for System
Managers only."""
from __future__ import annotations

import json
import re
import time

import argon2
import pytest

from sixhave_app.engine import auth, users
from sixhave_app.engine.errors import AuthenticationError, SiteError
from tests.conftest import unique


@pytest.fixture
def proxied(site):
    """The test server behind a trusted proxy (so each test may speak from addresses of its own),
    with short lockouts and low limits; the site's config restored afterwards."""
    saved = dict(site.config)
    site.config.update(trusted_proxies=["127.0.0.1"], login_lockout_seconds=2, login_lockout_max_seconds=8,
                       login_max_failures_per_address=8, login_max_failures_per_account=12)
    yield site.config
    site.config.clear()
    site.config.update(saved)


def address() -> str:
    n = int(unique()[:6], 16)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255 or 1}"


def make_user(site) -> tuple[str, str, str]:
    email, username, password = f"{unique('t')}@example.cn", unique("u"), "Right-123"
    with site.context() as ctx:
        ctx.insert({"doctype": "User", "email": email, "username": username, "first_name": "限流",
                    "new_password": password})
    return email, username, password


def stored_hash(site, user: str) -> str:
    with site.context() as ctx:
        table = ctx.site.system["__Auth"]
        return ctx.conn.execute(table.select().where(table.c.doctype == "User", table.c.name == user,
                                                     table.c.fieldname == "password")).one().password


def attempt(http, login, password, ip=None):
    headers = {"X-Forwarded-For": ip} if ip else {}
    return http.post("/api/method/login", json={"usr": login, "pwd": password}, headers=headers)


def message(response) -> str:
    return json.loads(json.loads(response.json()["_server_messages"])[0])["message"]


def logged(site, user: str) -> list[dict]:
    with site.context() as ctx:
        return ctx.get_all("Activity Log", filters={"user": user}, fields=["status", "ip_address", "creation"],
                           order_by="creation asc", ignore_permissions=True)


def test_forwarded_for_is_believed_only_from_trusted_proxies(http, site, proxied):
    email, _, _ = make_user(site)
    proxied.pop("trusted_proxies")
    assert attempt(http, email, "wrong", "198.51.100.7").status_code == 401
    assert [r["ip_address"] for r in logged(site, email)] == ["127.0.0.1"]
    proxied["trusted_proxies"] = ["127.0.0.1"]
    assert attempt(http, email, "wrong", "198.51.100.7, 198.51.100.8").status_code == 401
    assert [r["ip_address"] for r in logged(site, email)][-1] == "198.51.100.8"  # the hop our proxy saw


def test_failures_from_one_address_never_lock_out_another(http, site, proxied):
    email, _, password = make_user(site)
    attacker, owner = address(), address()
    for _ in range(5):
        assert attempt(http, email, "guess", attacker).status_code == 401
    locked = attempt(http, email, password, attacker)
    assert locked.status_code == 429 and locked.json()["exc_type"] == "TooManyRequestsError"
    assert 1 <= int(locked.headers["Retry-After"]) <= 2
    assert re.search(r"请 \d+ 秒后再试", message(locked)), message(locked)
    assert attempt(http, email, password, owner).status_code == 200


def test_username_and_email_are_one_account(http, site, proxied):
    email, username, password = make_user(site)
    ip = address()
    for login in (email, username, email.upper() if site.backend == "mariadb" else email, username, email):
        assert attempt(http, login, "guess", ip).status_code == 401
    assert attempt(http, username, password, ip).status_code == 429
    assert attempt(http, email, password, ip).status_code == 429
    assert {r["status"] for r in logged(site, email)} == {"Failed", "Blocked"}  # all under the one account


def test_lockout_is_short_and_grows(http, site, proxied):
    proxied.update(login_lockout_seconds=1, login_lockout_max_seconds=4)  # the test waits out each lock
    email, _, password = make_user(site)
    ip = address()
    waits = []
    for failures in (5, 1, 1):
        for _ in range(failures):
            assert attempt(http, email, "guess", ip).status_code == 401
        locked = attempt(http, email, password, ip)
        assert locked.status_code == 429
        waits.append(int(locked.headers["Retry-After"]))
        time.sleep(waits[-1] + 0.2)
    assert waits[0] <= 1 < waits[1] <= 2 < waits[2] <= 4, waits  # 1 s, then 2, then 4 (the cap)
    assert attempt(http, email, password, ip).status_code == 200  # the wait always ends
    assert attempt(http, email, "guess", ip).status_code == 401  # and a success starts the count again


def test_a_password_spray_locks_only_its_address(http, site, proxied):
    email, _, password = make_user(site)
    sprayer = address()
    for i in range(8):
        assert attempt(http, f"ghost{i}.{unique()}@example.cn", "guess", sprayer).status_code == 401
    assert attempt(http, email, password, sprayer).status_code == 429
    assert attempt(http, email, password, address()).status_code == 200


def test_the_account_wide_limit_is_much_higher(http, site, proxied):
    email, _, password = make_user(site)
    for _ in range(11):  # from many addresses, each below its own limit
        assert attempt(http, email, "guess", address()).status_code == 401
    assert attempt(http, email, password, address()).status_code == 200  # 11 failures: still fine
    for _ in range(12):
        assert attempt(http, email, "guess", address()).status_code == 401
    assert attempt(http, email, password, address()).status_code == 429


def test_unknown_and_known_users_take_the_same_time(site_factory, backend):
    site = site_factory(backend, extra={"password_hash": {}})  # argon2's full cost (the suite's sites hash cheaply)
    known, _, _ = make_user(site)
    stored = stored_hash(site, known)
    # the same work by construction: the decoy hash has the stored hashes' argon2 parameters
    assert argon2.extract_parameters(site.passwords.decoy) == argon2.extract_parameters(stored)
    assert argon2.extract_parameters(stored).memory_cost == 65536

    def refuse(login: str, ip: str) -> float:
        with site.context() as ctx:
            # CPU time of this process: what the refusal costs, not what other processes on a
            # loaded machine take from it while it waits
            started = time.process_time()
            with pytest.raises(AuthenticationError):
                auth.authenticate(ctx, login, "not-the-password", ip)
            spent = time.process_time() - started
            ctx.rollback()
        return spent

    rounds = 5
    known_times = [refuse(known, f"192.0.2.{i}") for i in range(1, rounds + 1)]
    unknown_times = [refuse(f"nobody-{unique()}@example.cn", f"192.0.2.{i + 10}") for i in range(rounds)]
    # the fastest of each: an argon2 verification in both (a lookup alone is many times quicker)
    assert min(unknown_times) >= 0.6 * min(known_times), (unknown_times, known_times)


def test_every_attempt_is_logged_for_system_managers_only(http, site, world, proxied):
    email, _, password = make_user(site)
    ip = address()
    assert attempt(http, email, "guess", ip).status_code == 401
    assert attempt(http, email, password, ip).status_code == 200
    fields = json.dumps(["user", "status", "operation", "ip_address", "creation"])
    rows = http.get("/api/resource/Activity Log", headers=world["sysman"].token,
                    params={"fields": fields, "filters": json.dumps({"user": email}), "order_by": "creation asc"}).json()["data"]
    assert [(r["status"], r["operation"], r["ip_address"]) for r in rows] == [("Failed", "Login", ip), ("Success", "Login", ip)]
    assert all(r["creation"] for r in rows)
    for who in ("liangxi_admin", "city_reviewer", "secretary", "nobody"):
        refused = http.get("/api/resource/Activity Log", headers=world[who].token, params={"filters": json.dumps({"user": email})})
        assert refused.status_code == 403, (who, refused.text)
        assert http.get(f"/api/resource/Activity Log/{unique()}", headers=world[who].token).status_code in (403, 404)
    forged = http.post("/api/resource/Activity Log", headers=world["liangxi_admin"].token,
                       json={"user": email, "status": "Success", "operation": "Login", "subject": "伪造"})
    assert forged.status_code == 403


def test_the_password_cost_is_a_site_setting_checked_when_the_site_opens(site):
    # the suite's sites set a small cost (tests/conftest.py): their stored hashes carry it
    email, _, password = make_user(site)
    stored = stored_hash(site, email)
    cost = argon2.extract_parameters(stored)
    assert (cost.time_cost, cost.memory_cost, cost.parallelism) == (1, 1024, 1)
    assert site.passwords.verify(stored, password) and not site.passwords.verify(stored, "wrong")
    # a hash made at another cost still verifies: changing the setting locks nobody out
    assert users.Passwords().verify(stored, password)
    for bad, named in [({"time_cost": "3"}, "password_hash.time_cost"), ({"memory": 1}, "“memory”"),
                       ({"memory_cost": 8, "parallelism": 4}, "password_hash.memory_cost"), ([3], "应为对象")]:
        with pytest.raises(SiteError, match=re.escape(named)):
            users.Passwords(bad)
