"""One request, few statements: a district user's scoped list page over HTTP costs at most two SQL
statements — the cache-version check and the page — once the site's caches (meta, roles, scope
rules, DocPerms, the built statement) are warm; they are invalidated by version, never re-read
per request. Every page of a list has one statement shape (LIMIT and OFFSET bound)."""
from __future__ import annotations

import contextlib
import json

import pytest
from sqlalchemy import event

from tests.conftest import unique

MAX_STATEMENTS = 2


@pytest.fixture(scope="module")
def tagged(server, world):
    import httpx

    tag = unique("trips")
    with httpx.Client(base_url=server.url) as http:
        for i, org in enumerate(("梁溪区", "崇安寺街道", "健康社区", "锡山区", "东亭街道") * 3):
            r = http.post("/api/resource/Test Org Record", headers=world["sysman"].token,
                          json={"title": f"{tag}-{i:02d}-{org}", "org": org, "self_score": 80 + i})
            assert r.status_code == 200, r.text
    return tag


@contextlib.contextmanager
def statements(site):
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(site.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(site.engine, "before_cursor_execute", count)


def page(http, person, tag, start=0):
    return http.get("/api/resource/Test Org Record", headers=person.token,
                    params={"fields": '["name", "title", "org", "self_score"]',
                            "filters": json.dumps([["title", "like", f"{tag}%"]]), "order_by": "title asc",
                            "limit_start": start, "limit_page_length": 4})


def test_a_scoped_list_page_is_at_most_two_statements(site, http, world, tagged):
    me = world["liangxi_admin"]
    assert page(http, me, tagged).status_code == 200  # the first request fills the caches
    with statements(site) as seen:
        response = page(http, me, tagged)
    assert response.status_code == 200, response.text
    rows = response.json()["data"]
    assert len(rows) == 4 and all(r["org"] in ("梁溪区", "崇安寺街道", "健康社区") for r in rows)
    assert len(seen) <= MAX_STATEMENTS, f"{len(seen)} statements for one list page:\n" + "\n---\n".join(seen)


def test_every_page_has_the_same_statement(site, http, world, tagged):
    me = world["liangxi_admin"]
    texts = []
    for start in (0, 4, 8):
        page(http, me, tagged, start)  # warm
        with statements(site) as seen:
            response = page(http, me, tagged, start)
        assert response.status_code == 200 and len(response.json()["data"]) == (4 if start < 8 else 1)
        texts.append(seen[-1])
    assert texts[0] == texts[1] == texts[2], "the page's SQL changes with the page (literal or missing OFFSET)"
    first = [r["title"] for r in page(http, me, tagged, 0).json()["data"]]
    second = [r["title"] for r in page(http, me, tagged, 4).json()["data"]]
    assert first and second and not set(first) & set(second) and max(first) < min(second)


def test_a_new_scope_is_seen_by_the_next_request(site, http, world, tagged):
    """The caches are kept by version: a User Permission added elsewhere widens the list at once."""
    me = world["xishan_admin"]
    before = {r["org"] for r in page(http, me, tagged).json()["data"]}
    assert before <= {"锡山区", "东亭街道"}
    with site.context() as ctx:
        grant = ctx.insert({"doctype": "User Permission", "user": me.name, "allow": "Org Unit", "for_value": "健康社区"})
    try:
        widened = http.get("/api/resource/Test Org Record", headers=me.token,
                           params={"fields": '["org"]', "filters": json.dumps([["title", "like", f"{tagged}%"]]),
                                   "limit_page_length": 0}).json()["data"]
        assert "健康社区" in {r["org"] for r in widened}
    finally:
        with site.context() as ctx:
            ctx.delete_doc("User Permission", grant.name)


def test_a_list_built_from_the_data_is_not_kept(site_factory, backend):
    """Records about a document (Workflow History) are filtered by the DocTypes present in the
    table when the statement is built: such a statement is built anew each time, so a trail on a
    DocType that had none before shows at once (on a site of its own: the table starts empty)."""
    from tests.api.conftest import make_world

    own = site_factory(backend)
    me = make_world(own)["liangxi_admin"].name

    def listed():
        with own.context(user=me, write=False) as ctx:
            return {r["name"] for r in ctx.get_list("Workflow History", fields=["name"], limit_page_length=0)}

    assert listed() == set()
    with own.context(ignore_permissions=True) as ctx:
        record = ctx.insert({"doctype": "Test Org Record", "title": unique("trips"), "org": "健康社区"}).name
        history = ctx.new_doc("Workflow History", reference_doctype="Test Org Record", reference_name=record,
                              from_state="草稿", action="批准", to_state="已批准", user="Administrator")
        history.flags.ignore_permissions = True
        name = history.insert().name
    assert listed() == {name}
