"""Issue 9, class 11: limits. Request bodies (JSON and uploads apart, from site_config.json) are
refused with 413 and a Chinese message while they are read — by their Content-Length, or by
counting when there is none; lists return at most `max_page_length` rows; filters nest at most
`max_filter_depth` deep and hold at most `max_filter_conditions` conditions (and no JSON can
nest deep enough to break the parser); text longer than its column holds is a 417 naming the
field on both databases, with nothing written — MariaDB never truncates (strict SQL mode)."""
import json
import socket
import time

import pytest
import sqlalchemy as sa

from tests.conftest import unique
from tests.security.test_files import configured


def _count(site, doctype, filters):
    with site.context(ignore_permissions=True) as ctx:
        return ctx.get_count(doctype, filters)


def _too_large(response, words="过大"):
    assert response.status_code == 413, response.text[:300]
    body = response.json()
    assert words in body["exception"] and ("MB" in body["exception"] or "KB" in body["exception"]), body
    return body


# --------------------------------------------------------------------------- body size
def test_a_json_body_past_the_limit_is_413_and_writes_nothing(http, world, site):
    admin = world["sysman"].token
    title = unique("大请求")
    with configured(site, max_body_size=64 * 1024):
        r = http.post("/api/resource/Test Note", headers=admin, json={"title": title, "details": "长" * 40000})
        _too_large(r)
        assert "请求内容过大" in r.json()["exception"] and "64 KB" in r.json()["exception"]
        # no Content-Length (chunked): counted as it streams in
        def chunks():
            yield json.dumps({"title": title, "details": ""})[:-2].encode()
            for _ in range(100):
                yield ("长" * 1000).encode()
            yield b'"}'
        chunked = http.post("/api/resource/Test Note", headers={**admin, "Content-Type": "application/json"},
                            content=chunks())
        _too_large(chunked)
        # form bodies count as JSON bodies; a body within the limit is fine
        form = http.post("/api/resource/Test Note", headers=admin, data={"title": title, "details": "长" * 40000})
        _too_large(form)
        ok = http.post("/api/resource/Test Note", headers=admin, json={"title": title, "details": "短"})
        assert ok.status_code == 200, ok.text
    assert _count(site, "Test Note", {"title": title}) == 1


def test_an_upload_past_its_own_limit_is_413(http, world, site):
    admin = world["sysman"].token
    with configured(site, max_file_size=1024, max_body_size=1024):
        # the file limit, not the JSON one, governs uploads: a 2 KB file is refused for being a 2 KB file
        r = http.post("/api/method/upload_file", headers=admin, files={"file": ("大.pdf", b"%PDF" + b"0" * 2048, "application/pdf")})
        _too_large(r)
        assert "文件过大" in r.json()["exception"]
        # a multipart body far past the limit is refused as a whole while it is read
        r = http.post("/api/method/upload_file", headers=admin,
                      files={"file": ("很大.pdf", b"%PDF" + b"0" * (3 * 1024 * 1024), "application/pdf")})
        _too_large(r)
        small = http.post("/api/method/upload_file", headers=admin, files={"file": ("小.pdf", b"%PDF-1.4", "application/pdf")})
        assert small.status_code == 200, small.text


def test_a_declared_length_past_the_limit_is_refused_before_the_body_is_read(server, world, site):
    """A client announcing 10 GB gets its 413 at once; the server does not wait for (or store) the body."""
    token = world["sysman"].token["Authorization"]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall((f"POST /api/resource/Test%20Note HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {token}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {10 * 1024 ** 3}\r\n\r\n").encode() + b'{"title": "')
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer:
            part = conn.recv(65536)
            if not part:
                break
            answer += part
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 5


# --------------------------------------------------------------------------- page length
def test_a_page_is_at_most_max_page_length_rows(http, world, site):
    admin = world["sysman"].token
    tag = unique("页")
    with site.context(ignore_permissions=True) as ctx:
        for i in range(8):
            ctx.insert({"doctype": "Test Category", "label": f"{tag}-{i}"})
    filters = json.dumps([["label", "like", f"{tag}%"]])
    with configured(site, max_page_length=5):
        for value in (0, "0", 100, 1000000, ""):
            r = http.get("/api/resource/Test Category", headers=admin, params={"filters": filters, "limit_page_length": value})
            assert r.status_code == 200 and len(r.json()["data"]) == 5, (value, r.text)
        via_client = http.post("/api/method/frappe.client.get_list", headers=admin,
                               json={"doctype": "Test Category", "filters": filters, "limit_page_length": 0})
        assert len(via_client.json()["message"]) == 5
        via_reportview = http.post("/api/method/frappe.desk.reportview.get", headers=admin,
                                   json={"doctype": "Test Category", "filters": filters, "fields": ["name"], "page_length": 500})
        assert via_reportview.status_code == 200 and len(via_reportview.json()["message"]["values"]) == 5
        second = http.get("/api/resource/Test Category", headers=admin,
                          params={"filters": filters, "limit_page_length": 5, "limit_start": 5})
        assert len(second.json()["data"]) == 3  # the rest is a page away
    assert len(http.get("/api/resource/Test Category", headers=admin,
                        params={"filters": filters, "limit_page_length": 0}).json()["data"]) == 8


# --------------------------------------------------------------------------- filters
def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("where", ["query", "json"])
def test_json_nested_past_any_parser_is_417_not_500(http, world, where):
    admin = world["sysman"].token
    deep = _nested(3000)  # past the parser's recursion limit, within a URL's length
    if where == "query":
        r = http.get("/api/resource/Test Note", headers=admin, params={"filters": deep})
    else:
        r = http.post("/api/method/frappe.client.get_list", headers={**admin, "Content-Type": "application/json"},
                      content=('{"doctype": "Test Note", "filters": ' + deep + "}").encode())
    assert r.status_code == 417, r.text[:300]
    assert "嵌套过深" in r.json()["exception"]


def test_filters_have_a_depth_and_a_count(http, world, site):
    admin = world["sysman"].token
    fine = [["title", "in", ["a", "b"]], ["Test Note Item", "item", "=", "x"]]
    assert http.get("/api/resource/Test Note", headers=admin, params={"filters": json.dumps(fine)}).status_code == 200
    too_deep = [["title", "in", [[[[["a"]]]]]]]
    for send in (lambda f: http.get("/api/resource/Test Note", headers=admin, params={"filters": json.dumps(f)}),
                 lambda f: http.post("/api/method/frappe.client.get_count", headers=admin,
                                     json={"doctype": "Test Note", "filters": f})):
        r = send(too_deep)
        assert r.status_code == 417 and "嵌套过深" in r.json()["exception"], r.text
    many = [["title", "!=", f"x{i}"] for i in range(101)]
    r = http.get("/api/resource/Test Note", headers=admin, params={"filters": json.dumps(many)})
    assert r.status_code == 417 and "过滤条件过多" in r.json()["exception"], r.text
    with configured(site, max_filter_conditions=3):
        r = http.get("/api/resource/Test Note", headers=admin,
                     params={"filters": json.dumps(many[:2]), "or_filters": json.dumps(many[2:4])})
        assert r.status_code == 417 and "最多 3 个" in r.json()["exception"]


# --------------------------------------------------------------------------- lengths
@pytest.mark.parametrize("field, value", [
    ("reason", "长" * 30000),            # Small Text: 90,000 bytes, MariaDB's TEXT holds 65,535
    ("details", "字" * 22000),           # Text
    ("code", "x" * 11),                  # Data with length 10
    ("title", "题" * 141),               # Data, the default 140
])
def test_text_past_its_column_is_417_naming_the_field_and_writes_nothing(http, world, site, field, value):
    admin = world["sysman"].token
    title = unique("超长")
    data = {"title": title, field: value} if field != "title" else {"title": value, "reason": title}
    r = http.post("/api/resource/Test Note", headers=admin, json=data)
    assert r.status_code == 417, r.text[:300]
    body = r.json()
    assert body.get("field") == field and "过长" in body["exception"], body
    with site.context(ignore_permissions=True) as ctx:
        meta = ctx.meta("Test Note")
        assert meta.label_of(field) in body["exception"]
    assert _count(site, "Test Note", {"title": title}) == 0 and _count(site, "Test Note", {"reason": title}) == 0
    # nor on update, nor in a child row
    saved = http.post("/api/resource/Test Note", headers=admin, json={"title": title}).json()["data"]["name"]
    r = http.put(f"/api/resource/Test Note/{saved}", headers=admin, json={field: value} if field != "title" else {"title": value})
    assert r.status_code == 417, r.text[:300]
    r = http.put(f"/api/resource/Test Note/{saved}", headers=admin, json={"items": [{"item": "行", "note": "长" * 30000}]})
    assert r.status_code == 417 and r.json().get("field") == "note", r.text[:300]
    with site.context(ignore_permissions=True) as ctx:
        doc = ctx.get_doc("Test Note", saved)
        assert doc.get(field) in (None, "") or field == "title" and doc.title == title
        assert doc.items == []


def test_whole_numbers_past_the_column_are_417(http, world, site):
    admin = world["sysman"].token
    title = unique("大数")
    r = http.post("/api/resource/Test Note", headers=admin, json={"title": title, "qty": 2 ** 63})
    assert r.status_code == 417 and r.json().get("field") == "qty", r.text[:300]
    assert _count(site, "Test Note", {"title": title}) == 0


def test_server_sessions_are_strict(site, backend):
    """Even on a server whose default SQL mode is lax, our connections refuse rather than truncate."""
    if backend != "mariadb":
        pytest.skip("SQL mode: a server setting (the SQLite run has no server)")
    with site.context(ignore_permissions=True) as ctx:
        mode = ctx.conn.exec_driver_sql("SELECT @@SESSION.sql_mode").scalar()
        assert "STRICT_ALL_TABLES" in mode
        table = ctx.table("Test Category")
        name = unique("严格")
        ctx.conn.execute(table.insert().values(name=name, label=name, code="短", creation=ctx.now(), modified=ctx.now(),
                                               owner="Administrator", modified_by="Administrator", docstatus=0, idx=0))
        with pytest.raises(sa.exc.DataError):
            with ctx.conn.begin_nested():
                ctx.conn.execute(table.update().where(table.c.name == name).values(code="长" * 200))
        assert ctx.conn.execute(sa.select(table.c.code).where(table.c.name == name)).scalar() == "短"
        ctx.rollback()
