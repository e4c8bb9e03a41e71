"""What a template may reach beyond its document, each through the printing user's permissions:
attached images (a private file only when the user may read the document it belongs to),
records listed by the list's own predicate, the org path, a letter head; and WeasyPrint fetches
nothing but data: URLs (no files, no network)."""
import base64

import pytest

from sixhave_app.engine import printing
from tests.app import forms_data as data
from tests.conftest import unique

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
PROBE = """<p>图片[{{ image(doc.photo) }}]</p><p>路径[{{ org_path(doc.org) }}]</p>
<p>支部[{% for r in records('Party Organization', fields=['name'], filters={'org_type': '党支部'}) %}{{ r.name }};{% endfor %}]</p>"""


@pytest.fixture(scope="module")
def two_districts(site):
    with site.context() as ctx:
        mine, my_street = data.district(ctx)
        theirs, their_street = data.district(ctx)
        org, foreign = data.branch(ctx, my_street), data.branch(ctx, their_street)
        shots = {}
        for key, branch in (("mine", org), ("theirs", foreign)):
            meeting = ctx.insert({"doctype": "Meeting", "party_org": branch, "kind": "集体学习", "meeting_date": "2018-03-01",
                                  "topic": "学习"}).name
            stored = f"{unique()}-photo.png"
            folder = site.path / "private" / "files"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / stored).write_bytes(PNG)
            url = f"/private/files/{stored}"
            ctx.insert({"doctype": "File", "file_name": "photo.png", "file_url": url, "is_private": 1,
                        "attached_to_doctype": "Meeting", "attached_to_name": meeting, "attached_to_field": "photo"})
            ctx.db_set(ctx.get_doc("Meeting", meeting), "photo", url)
            shots[key] = meeting
        name = unique("探针格式")
        ctx.insert({"doctype": "Print Format", "name": name, "doc_type": "Meeting", "html": PROBE})
        return {"mine": mine, "org": org, "foreign": foreign, "meetings": shots, "format": name,
                "secretary": data.user(ctx, ["区级审核员"], [mine])}


def test_images_links_and_lists_go_through_the_users_rights(site, two_districts):
    d = two_districts
    with site.context(user=d["secretary"]) as ctx:
        body = printing.render_document(ctx, ctx.get_doc("Meeting", d["meetings"]["mine"]), d["format"]).body
        assert "图片[data:image/png;base64," in body
        assert f"路径[无锡市 / {d['mine']} / " in body
        assert d["org"] in body and d["foreign"] not in body  # records() lists only the user's scope
        # a private image of another district's document is not the user's to see
        assert printing.image(ctx, ctx.get_value("Meeting", d["meetings"]["mine"], "photo")).startswith("data:image/png")
    with site.context() as admin:
        their_photo = admin.get_value("Meeting", d["meetings"]["theirs"], "photo")
    with site.context(user=d["secretary"]) as ctx:
        assert printing.image(ctx, their_photo) == ""
        assert printing.image(ctx, "/private/files/../../site_config.json") == ""
        assert printing.image(ctx, "file:///etc/passwd") == ""


def test_a_letter_head_heads_the_print_unless_left_off(site, two_districts):
    d = two_districts
    with site.context() as ctx:
        head = ctx.insert({"doctype": "Letter Head", "letter_head_name": unique("信头"),
                           "content": "<p>中共无锡市委老干部局 · {{ doc.topic }}</p>"}).name
    with site.context(user=d["secretary"]) as ctx:
        doc = ctx.get_doc("Meeting", d["meetings"]["mine"])
        assert "中共无锡市委老干部局 · 学习" in printing.render_document(ctx, doc, d["format"], letter_head=head).body
        assert "老干部局" not in printing.render_document(ctx, doc, d["format"], letter_head=head, no_letterhead=True).body


def test_weasyprint_fetches_only_data_urls():
    fetcher = printing._fetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1:6379/", "https://example.com/x.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    html = '<img src="file:///etc/hostname"><style>@import url("http://127.0.0.1:1/x.css");</style><p>正文</p>'
    assert printing.html_to_pdf(html)[:5] == b"%PDF-"


def test_migrate_loads_the_standard_formats_from_their_files_idempotently(site):
    from sixhave_app.engine.migrate import migrate

    with site.context() as ctx:
        table = ctx.table("Print Format")
        ctx.conn.execute(table.update().where(table.c.name == "授牌证书").values(html="<p>被改坏的模板</p>"))
    first = migrate(site)["print_formats"]
    assert first == {"inserted": 0, "updated": 1}  # the file wins over an edit made behind its back
    again = migrate(site)
    assert again["print_formats"] == {"inserted": 0, "updated": 0} and again["reports"] == {"reports": 0}
    with site.context() as ctx:
        assert "荣 誉 证 书" in ctx.get_value("Print Format", "授牌证书", "html")
        shipped = {p.name for p in (printing.Path(__file__).parents[2] / "print_formats").iterdir() if p.is_dir()}
        assert len(shipped) == 7
        assert set(ctx.get_all("Print Format", filters={"standard": "Yes"}, pluck="name")) >= {
            "达标自评表", "示范党支部创建申报表", "整改清单", "达标情况汇总表", "不达标名单", "公示名单", "授牌证书"}
        assert set(ctx.get_all("Report", filters={"is_standard": "Yes"}, pluck="name")) >= {
            "达标情况汇总表", "不达标名单", "示范党支部名单", "绩效考核", "整改进度", "申报进度"}
