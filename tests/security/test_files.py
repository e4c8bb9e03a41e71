"""Issue 9, class 3: files. Uploads are private by default; a private file is served only to a
session that may read the document it is attached to (an unattached one to its owner and System
Managers) — never on the strength of its URL, never to a guest; no File record may be made to
point at a file that already exists; size and type limits come from site_config.json; every
file is sent with `nosniff`, and anything a browser could run (HTML, SVG…) as a download."""
import contextlib

import pytest

from tests.conftest import unique

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b70000000049454e44ae426082")


@contextlib.contextmanager
def configured(site, **values):
    """site_config.json values for one test (read live by the limits), restored afterwards."""
    before = {k: site.config.get(k) for k in values}
    site.config.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                site.config.pop(key, None)
            else:
                site.config[key] = value


def _record(http, person, org):
    r = http.post("/api/resource/Test Org Record", headers=person.token, json={"title": unique("附件记录"), "org": org})
    assert r.status_code == 200, r.text
    return r.json()["data"]["name"]


def _upload(http, person, filename, content, *, media="application/octet-stream", **data):
    return http.post("/api/method/upload_file", headers=person.token, files={"file": (filename, content, media)},
                     data={k: str(v) for k, v in data.items()})


def _file_count(site, url):
    with site.context(ignore_permissions=True) as ctx:
        return ctx.get_count("File", {"file_url": url})


def test_an_upload_is_private_and_read_only_by_readers_of_its_document(http, world):
    mine, other = world["liangxi_admin"], world["xishan_admin"]
    record = _record(http, mine, "崇安寺街道")
    r = _upload(http, mine, "会议记录.txt", "梁溪区的会议记录".encode(), media="text/plain",
                doctype="Test Org Record", docname=record, fieldname="attachment")
    assert r.status_code == 200, r.text
    url = r.json()["message"]["file_url"]
    assert url.startswith("/private/files/") and r.json()["message"]["is_private"] == 1  # nobody asked for private
    got = http.get(url, headers=mine.token)
    assert got.status_code == 200 and got.content.decode() == "梁溪区的会议记录"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert http.get(url, headers=world["liangxi_reviewer"].token).status_code == 200  # reads the record too
    assert http.get(url, headers=world["sysman"].token).status_code == 200
    for outsider in (other, world["nobody"], world["secretary"]):
        refused = http.get(url, headers=outsider.token)
        assert refused.status_code in (403, 404) and "梁溪区" not in refused.text, outsider.name
    guest = http.get(url)  # no session at all
    assert guest.status_code in (401, 403) and "梁溪区" not in guest.text
    # the printed image helper and the package follow the same rule: a guessed URL of a missing file is 403 too
    assert http.get(url + "x", headers=other.token).status_code == 403


def test_a_file_url_alone_opens_nothing_and_cannot_be_registered_again(http, world, site):
    mine, other = world["liangxi_admin"], world["xishan_admin"]
    record = _record(http, mine, "健康社区")
    url = _upload(http, mine, "名单.txt", "梁溪区名单".encode(), doctype="Test Org Record", docname=record).json()["message"]["file_url"]
    theirs = _record(http, other, "东亭街道")
    before = _file_count(site, url)
    # the other district points a File record of its own record at my file: refused, nothing written
    attempts = [
        http.post("/api/method/upload_file", headers=other.token,
                  json={"file_url": url, "doctype": "Test Org Record", "docname": theirs, "fieldname": "attachment"}),
        http.post("/api/method/upload_file", headers=other.token, json={"file_url": url}),
    ]
    for response in attempts:
        assert response.status_code == 403, response.text
    assert _file_count(site, url) == before
    assert http.get(url, headers=other.token).status_code == 403
    # a record for the same name in the public folder names nothing there: it opens nothing either
    http.post("/api/method/upload_file", headers=other.token, json={"file_url": url.replace("/private", "", 1)})
    assert http.get(url.replace("/private", "", 1), headers=other.token).status_code == 404
    # nor through the File DocType itself, even for a System Manager (only uploads make such records)
    direct = http.post("/api/resource/File", headers=world["sysman"].token,
                       json={"file_name": "x.txt", "file_url": url, "attached_to_doctype": "Test Org Record",
                             "attached_to_name": theirs})
    assert direct.status_code == 403 and _file_count(site, url) == before
    # nor by writing the URL into an Attach field of their own record
    http.put(f"/api/resource/Test Org Record/{theirs}", headers=other.token, json={"attachment": url})
    assert http.get(url, headers=other.token).status_code == 403
    # an outside link is still a File record anyone may register
    ok = http.post("/api/method/upload_file", headers=other.token,
                   json={"file_url": "https://example.cn/通知.pdf", "doctype": "Test Org Record", "docname": theirs})
    assert ok.status_code == 200, ok.text


def test_an_unattached_file_is_its_owners_and_system_managers(http, world):
    mine = world["liangxi_admin"]
    r = _upload(http, mine, "草稿.txt", b"draft")
    assert r.status_code == 200, r.text
    url = r.json()["message"]["file_url"]
    assert url.startswith("/private/files/")
    assert http.get(url, headers=mine.token).status_code == 200
    assert http.get(url, headers=world["sysman"].token).status_code == 200
    for other in ("liangxi_reviewer", "two_districts", "city_reviewer", "xishan_admin"):
        assert http.get(url, headers=world[other].token).status_code == 403, other


def test_size_and_type_limits_come_from_site_config(http, world, site):
    admin = world["liangxi_admin"]
    record = _record(http, admin, "崇安寺街道")
    with configured(site, max_file_size=2048):
        big = _upload(http, admin, "大文件.pdf", b"%PDF" + b"0" * 5000, doctype="Test Org Record", docname=record)
        assert big.status_code == 413, big.text
        assert "过大" in big.json()["exception"] and "2 KB" in big.json()["exception"]
        small = _upload(http, admin, "小文件.pdf", b"%PDF-1.4 small", doctype="Test Org Record", docname=record)
        assert small.status_code == 200, small.text
    # types: HTML, SVG and programs are not on the default list
    for name in ("页面.html", "图.svg", "程序.exe", "脚本.js", "无扩展名"):
        refused = _upload(http, admin, name, b"<script>alert(1)</script>", doctype="Test Org Record", docname=record)
        assert refused.status_code == 417, (name, refused.text)
        assert "不允许上传此类型的文件" in refused.json()["exception"]
    with configured(site, allowed_file_extensions="pdf, txt"):
        assert _upload(http, admin, "照片.png", PNG, doctype="Test Org Record", docname=record).status_code == 417
        assert _upload(http, admin, "说明.TXT", b"ok", doctype="Test Org Record", docname=record).status_code == 200
    with site.context(ignore_permissions=True) as ctx:
        names = ctx.get_all("File", filters={"attached_to_name": record}, pluck="file_name")
    assert sorted(names) == ["小文件.pdf", "说明.TXT"]


def test_files_are_sent_with_nosniff_and_anything_runnable_as_a_download(http, world, site):
    admin = world["liangxi_admin"]
    record = _record(http, admin, "崇安寺街道")
    with configured(site, allowed_file_extensions=["svg", "html", "png", "pdf"]):
        urls = {name: _upload(http, admin, name, content, doctype="Test Org Record", docname=record).json()["message"]["file_url"]
                for name, content in (("图.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
                                      ("页.html", b"<script>alert(1)</script>"), ("照片.png", PNG), ("表.pdf", b"%PDF-1.4"))}
    for name in ("图.svg", "页.html"):
        got = http.get(urls[name], headers=admin.token)
        assert got.status_code == 200 and got.headers["x-content-type-options"] == "nosniff"
        disposition = got.headers["content-disposition"]
        assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition, disposition
    for name in ("照片.png", "表.pdf"):
        got = http.get(urls[name], headers=admin.token)
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith("inline;")
    # a public file on disk (put there by anyone) is no different
    public = site.path / "public" / "files"
    public.mkdir(parents=True, exist_ok=True)
    (public / "页面.html").write_bytes(b"<script>alert(1)</script>")
    got = http.get("/files/页面.html")
    assert got.status_code == 200 and got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("given, expected", [
    ("../../site_config.txt", "site_config.txt"),
    ("..\\..\\秘密 名单<script>.txt", "秘密_名单_script.txt"),
    ("\u202etxt.exe.pdf", "txt.exe.pdf"),
    (".hidden.txt", "hidden.txt"),
])
def test_file_names_are_made_safe(http, world, site, given, expected):
    admin = world["liangxi_admin"]
    r = _upload(http, admin, given, b"x")
    assert r.status_code == 200, r.text
    body = r.json()["message"]
    assert body["file_name"] == expected
    stored = body["file_url"].rsplit("/", 1)[1]
    assert "/" not in stored and stored.endswith(expected)
    assert (site.path / "private" / "files" / stored).is_file()
