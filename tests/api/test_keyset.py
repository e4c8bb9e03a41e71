"""Keyset paging (`after` / `next`, engine/paging.py): walking a scoped list page by page gives
every row once, in order, with ties and empty values in the order column; a forged cursor is a
4xx naming the parameter."""
from __future__ import annotations

import json

import pytest

from tests.conftest import unique


@pytest.fixture(scope="module")
def tagged(server, world):
    import httpx

    tag = unique("keyset")
    with httpx.Client(base_url=server.url) as http:
        for i in range(23):
            org = ("梁溪区", "崇安寺街道", "健康社区", "锡山区")[i % 4]
            score = None if i % 5 == 0 else 60 + (i % 3)  # ties and empty scores
            r = http.post("/api/resource/Test Org Record", headers=world["sysman"].token,
                          json={"title": f"{tag}-{i:02d}", "org": org, "self_score": score})
            assert r.status_code == 200, r.text
    return tag


def walk(http, person, tag, order_by):
    params = {"fields": '["name", "title", "org", "self_score"]', "order_by": order_by,
              "filters": json.dumps([["title", "like", f"{tag}%"]]), "limit_page_length": 4}
    seen, after, pages = [], "", 0
    while after is not None:
        response = http.get("/api/resource/Test Org Record", headers=person.token, params={**params, "after": after})
        assert response.status_code == 200, response.text
        body = response.json()
        seen += body["data"]
        after = body["next"]
        pages += 1
        assert pages < 20
    return seen


@pytest.mark.parametrize("order_by", ["self_score desc", "self_score asc", "title asc", None])
def test_walking_the_cursor_gives_every_scoped_row_once_in_order(http, world, tagged, order_by):
    me = world["liangxi_admin"]
    rows = walk(http, me, tagged, order_by)
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    assert {r["org"] for r in rows} <= {"梁溪区", "崇安寺街道", "健康社区"}
    everything = http.get("/api/resource/Test Org Record", headers=me.token,
                          params={"fields": '["name"]', "filters": json.dumps([["title", "like", f"{tagged}%"]]),
                                  "limit_page_length": 0}).json()["data"]
    assert sorted(names) == sorted(r["name"] for r in everything) and len(names) == 18
    if order_by and order_by.startswith("self_score"):
        descending = order_by.endswith("desc")
        scores = [r["self_score"] for r in rows]
        filled = [s for s in scores if s is not None]
        assert filled == sorted(filled, reverse=descending)
        nulls = [i for i, s in enumerate(scores) if s is None]
        assert nulls == (list(range(len(nulls))) if not descending else list(range(len(scores) - len(nulls), len(scores))))


def test_a_forged_cursor_is_refused_with_a_reason(http, world, tagged):
    response = http.get("/api/resource/Test Org Record", headers=world["liangxi_admin"].token,
                        params={"fields": '["name"]', "order_by": "title asc", "after": "not-a-cursor"})
    assert 400 <= response.status_code < 500
    assert "after" in response.json()["exception"]
