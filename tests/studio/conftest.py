"""The studio's tests: one site of their own per backend (they change the self-assessment
workflow and the year's template, which the shared API site's tests rely on), the API's people
(a city administrator who is not a System Manager, district administrators), a live server."""
import httpx
import pytest

from tests.api.conftest import LiveServer, call, ensure_template, make_world
from tests.conftest import unique


@pytest.fixture(scope="session")
def studio_site(site_factory, backend):
    site = site_factory(backend)
    ensure_template(site, 2018)
    return site


@pytest.fixture(scope="session")
def people(studio_site):
    return make_world(studio_site)


@pytest.fixture(scope="session")
def live(studio_site):
    server = LiveServer(studio_site)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def http(live):
    with httpx.Client(base_url=live.url, timeout=60) as client:
        yield client


@pytest.fixture
def branch(live, people):
    """A new branch under 健康社区 (one sheet per branch and year)."""
    with httpx.Client(base_url=live.url, timeout=60) as http:
        r = http.post("/api/resource/Party Organization", headers=people["liangxi_admin"].token, json={
            "org_name": f"健康社区退休党支部{unique()}", "org_type": "党支部", "sector": "社区", "parent_unit": "健康社区"})
        assert r.status_code == 200, r.text
        return r.json()["data"]


def new_sheet(http, people, branch, year=2018):
    """A 达标自评表 of `branch`, every item self-scored (as a sheet must be to be submitted)."""
    reader = people["sysman"].token
    name = http.get("/api/resource/Scoring Template", headers=reader,
                    params={"filters": f'[["year","=",{year}]]', "fields": '["name"]'}).json()["data"][0]["name"]
    items = http.get(f"/api/resource/Scoring Template/{name}", headers=reader).json()["data"]["items"]
    r = http.post("/api/resource/Self Assessment", headers=people["secretary"].token, json={
        "party_org": branch["name"], "year": year, "items": [{"code": i["code"], "self_score": i["points"]} for i in items]})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def act(http, person, doctype, name, action, **extra):
    doc = http.get(f"/api/resource/{doctype}/{name}", headers=person.token).json()["data"]
    return call(http, person, "frappe.model.workflow.apply_workflow", doc=doc, action=action, **extra)


@pytest.fixture
def told_date(studio_site):
    """Tell the studio's site which day it is for one test (site_config's `as_of`)."""
    def tell(day):
        studio_site.config["as_of"] = str(day)

    yield tell
    studio_site.config.pop("as_of", None)
