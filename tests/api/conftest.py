"""A live sixhave server (uvicorn in a thread, real HTTP) on each backend, an org tree, and users
of each kind with passwords and API keys."""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn

from sixhave_app.engine import auth
from sixhave_app.engine.api.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, site):
        self.port = free_port()
        config = uvicorn.Config(create_app(site), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                proxy_headers=False)  # X-Forwarded-* are the site's to judge (trusted_proxies)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def server(site):
    live = LiveServer(site)
    live.start()
    yield live
    live.stop()


@dataclass
class Person:
    name: str
    password: str
    roles: list
    scope: list = field(default_factory=list)
    api_key: str = ""
    api_secret: str = ""

    @property
    def token(self) -> dict:
        return {"Authorization": f"token {self.api_key}:{self.api_secret}"}


@dataclass
class World:
    orgs: dict
    people: dict

    def __getitem__(self, key):
        return self.people[key]


ORGS = [("无锡市", None, "市"), ("梁溪区", "无锡市", "市（县）区"), ("崇安寺街道", "梁溪区", "街道"),
        ("健康社区", "崇安寺街道", "社区"), ("锡山区", "无锡市", "市（县）区"), ("东亭街道", "锡山区", "街道"),
        ("市教育局", "无锡市", "市直单位")]

PEOPLE = {
    "liangxi_admin": (["区级管理员"], ["梁溪区"]),
    "xishan_admin": (["区级管理员"], ["锡山区"]),
    "liangxi_reviewer": (["区级审核员"], ["梁溪区"]),
    "secretary": (["支部书记"], ["健康社区"]),
    "two_districts": (["区级管理员"], ["梁溪区", "锡山区"]),
    "city_admin": (["市级管理员"], []),
    "city_reviewer": (["市级审核员"], ["无锡市"]),
    "city_reviewer2": (["市级审核员"], ["无锡市"]),
    "liangxi_reviewer2": (["区级审核员"], ["梁溪区"]),
    "xishan_reviewer": (["区级审核员"], ["锡山区"]),
    "unit_reviewer": (["单位审核员"], ["市教育局"]),
    "street_liaison": (["街道联络员"], ["崇安寺街道"]),
    "sysman": (["System Manager"], []),
    "nobody": ([], []),
}


@pytest.fixture(scope="session")
def world(site) -> World:
    return make_world(site)


def make_world(site) -> World:
    """The org tree and people of each role, with their scope, on `site`."""
    with site.context() as ctx:
        for unit, parent, level in ORGS:
            if not ctx.exists("Org Unit", unit):
                ctx.insert({"doctype": "Org Unit", "unit_name": unit, "parent_org_unit": parent, "level": level})
        people = {}
        for key, (roles, scope) in PEOPLE.items():
            email = f"{key}@example.cn"
            person = Person(email, f"pw-{key}-123", roles, scope)
            if not ctx.exists("User", email):
                ctx.insert({"doctype": "User", "email": email, "first_name": key, "new_password": person.password,
                            "roles": [{"role": r} for r in roles]})
                for unit in scope:
                    ctx.insert({"doctype": "User Permission", "user": email, "allow": "Org Unit", "for_value": unit})
            keys = auth.generate_keys(ctx, email)
            person.api_key, person.api_secret = keys["api_key"], keys["api_secret"]
            people[key] = person
    return World({u: u for u, _, _ in ORGS}, people)


def ensure_template(site, year: int) -> str:
    """A scoring template for `year` (the city opens each year from the last one's)."""
    from sixhave_app.six_haves import scoring

    with site.context() as ctx:
        name = ctx.get_value("Scoring Template", {"year": year}, "name")
        if not name:
            name = scoring.copy_template(ctx, ctx.get_value("Scoring Template", {"year": 2018}, "name"), year).name
    return name


def call(http, person, method, verb="POST", **params):
    """Call /api/method/<method> as `person` (token auth); JSON body for POST, query for GET."""
    if verb == "GET":
        return http.get(f"/api/method/{method}", headers=person.token, params=params)
    return http.post(f"/api/method/{method}", headers=person.token, json=params)


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def login(server, person) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    response = client.post("/api/method/login", json={"usr": person.name, "pwd": person.password})
    assert response.status_code == 200, response.text
    return client


@pytest.fixture
def told_date(site):
    """Tell the site which day it is (site_config's `as_of`) for one test; forgotten afterwards."""
    def tell(day):
        site.config["as_of"] = str(day)

    yield tell
    site.config.pop("as_of", None)
