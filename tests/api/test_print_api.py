"""Printing through the API as Frappe's clients do it: formats listed per DocType, an official
form copied and edited by the city administrator at run time and used when named, the DocType's
default format set without code, templates that try to leave the sandbox refused with a 4xx that
names the problem, and every print door (PDF, multi-PDF, HTML, /printview) behind the print right
and the org scope."""
import io
import json
import zipfile

import pytest

from tests.api.conftest import call
from tests.conftest import unique
from tests.pdfs import pages_text, squeeze

SA = "Self Assessment"
PDF = "/api/method/frappe.utils.print_format.download_pdf"


@pytest.fixture(scope="module")
def sheets(site, world):
    """Two sheets in 梁溪区 (健康社区) and one in 锡山区 (东亭街道), year 2018."""
    with site.context() as ctx:
        names = {}
        for key, unit in (("a", "健康社区"), ("b", "健康社区"), ("x", "东亭街道")):
            org = ctx.insert({"doctype": "Party Organization", "org_name": unique(f"打印支部{key}"), "org_type": "党支部",
                              "sector": "机关", "parent_unit": unit}).name
            names[key] = ctx.insert({"doctype": SA, "party_org": org, "year": 2018}).name
    return names


def pdf_text(response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return squeeze("".join(pages_text(response.content)))


def test_a_doctypes_formats_are_listed(http, world):
    me = world["liangxi_admin"].token
    r = http.get("/api/resource/Print Format", headers=me,
                 params={"filters": json.dumps([["doc_type", "=", SA]]), "fields": '["name", "standard", "disabled"]'})
    assert r.status_code == 200
    listed = [f["name"] for f in r.json()["data"]]
    assert "达标自评表" in listed and "达标情况汇总表" not in listed  # a report's formats name the report, as in Frappe
    offered = http.get("/api/method/sixhave.print.formats", headers=me, params={"doctype": SA}).json()["message"]
    assert offered[0]["name"] == "达标自评表" and offered[0]["default"] == 1
    assert "Standard" in [f["name"] for f in offered] and "达标情况汇总表" not in [f["name"] for f in offered]


def test_the_city_copies_a_form_edits_the_copy_and_it_is_used_when_named(http, world, sheets):
    city = world["city_admin"].token
    original = http.get("/api/resource/Print Format/达标自评表", headers=city).json()["data"]
    copy_name = unique("达标自评表（梁溪版）")
    copy = {k: original[k] for k in ("doc_type", "html", "css", "page_size", "orientation", "font_size")}
    copy.update(name=copy_name, standard="No",
                html=original["html"].replace("达标自评表</h1>", "达标自评表（梁溪区专用）</h1>"))
    r = http.post("/api/resource/Print Format", headers=city, json=copy)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["name"] == copy_name
    me = world["liangxi_admin"].token
    named = pdf_text(http.get(PDF, headers=me, params={"doctype": SA, "name": sheets["a"], "format": copy_name}))
    assert "达标自评表（梁溪区专用）" in named and "评分标准" in named
    default = pdf_text(http.get(PDF, headers=me, params={"doctype": SA, "name": sheets["a"]}))
    assert "梁溪区专用" not in default and "达标自评表" in default
    edited = http.put(f"/api/resource/Print Format/{copy_name}", headers=city,
                      json={"html": copy["html"].replace("梁溪区专用", "第二版")})
    assert edited.status_code == 200, edited.text
    assert "达标自评表（第二版）" in pdf_text(http.get(PDF, headers=me, params={"doctype": SA, "name": sheets["a"], "format": copy_name}))


def test_standard_formats_come_from_their_files(http, world):
    city = world["city_admin"].token
    r = http.put("/api/resource/Print Format/达标自评表", headers=city, json={"html": "<p>改</p>"})
    assert r.status_code == 403 and "标准打印格式" in r.json()["exception"] + r.json().get("_server_messages", "")
    assert http.delete("/api/resource/Print Format/达标自评表", headers=city).status_code == 403
    original = http.get("/api/resource/Print Format/达标自评表", headers=city).json()["data"]
    verbatim = {k: v for k, v in original.items() if k not in ("creation", "modified", "owner", "modified_by")}
    verbatim["name"] = unique("原样复制")
    r = http.post("/api/resource/Print Format", headers=city, json=verbatim)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["standard"] == "No" and not r.json()["data"]["default"]  # a copy: the city's own


def test_districts_may_not_create_or_change_formats_or_letter_heads(http, world):
    for who in ("liangxi_admin", "liangxi_reviewer", "secretary"):
        me = world[who].token
        r = http.post("/api/resource/Print Format", headers=me, json={"name": unique("区格式"), "doc_type": SA, "html": "<p>x</p>"})
        assert r.status_code == 403, (who, r.text)
        assert http.post("/api/resource/Letter Head", headers=me, json={"letter_head_name": unique("信头")}).status_code == 403
        assert http.put("/api/resource/Print Format/达标自评表", headers=me, json={"disabled": 1}).status_code == 403
    r = http.post("/api/resource/Letter Head", headers=world["city_admin"].token,
                  json={"letter_head_name": unique("市委老干部局信头"), "content": "<p>中共无锡市委老干部局</p>"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("html,words", [
    ("<h1>{{ doc.name }}</h1>\n<p>\n{{ doc.__class__.__mro__[1].__subclasses__() }}</p>", ["第 3 行", "__class__"]),
    ("<p>{{ doc.items.mro() }}</p>", ["第 1 行", "mro"]),
    ("{% import 'os' as os %}{{ os.popen('id').read() }}", ["第 1 行", "import"]),
    ("<p>{{ open('/etc/passwd').read() }}</p>", ["open"]),
    ("<h1>{{ doc.name }}</h1>\n{% for row in doc.items %}\n<p>{{ row.code }</p>", ["第 3 行", "语法错误"]),
])
def test_a_template_that_tries_to_leave_the_sandbox_is_refused(http, world, html, words):
    city = world["city_admin"].token
    r = http.post("/api/resource/Print Format", headers=city, json={"name": unique("越界"), "doc_type": SA, "html": html})
    assert r.status_code == 417, r.text
    message = r.json()["exception"]
    assert all(w in message for w in words), message
    assert r.json()["exc_type"] == "ValidationError"


def test_an_edit_that_escapes_is_refused_and_the_old_template_stays(http, world, sheets):
    city = world["city_admin"].token
    name = unique("可改格式")
    assert http.post("/api/resource/Print Format", headers=city,
                     json={"name": name, "doc_type": SA, "html": "<p>原版 {{ doc.party_org }}</p>"}).status_code == 200
    r = http.put(f"/api/resource/Print Format/{name}", headers=city, json={"html": "<p>{{ cycler.__init__.__globals__.os }}</p>"})
    assert r.status_code == 417 and "__globals__" in r.json()["exception"]
    assert "原版" in pdf_text(http.get(PDF, headers=city, params={"doctype": SA, "name": sheets["a"], "format": name}))


def test_the_default_format_is_set_without_code(http, world, site, sheets):
    city = world["city_admin"].token
    name = unique("默认格式")
    assert http.post("/api/resource/Print Format", headers=city,
                     json={"name": name, "doc_type": SA, "html": "<h1>我是默认格式 {{ doc.year }}</h1>"}).status_code == 200
    try:
        r = call(http, world["city_admin"], "frappe.printing.doctype.print_format.print_format.make_default", name=name)
        assert r.status_code == 200, r.text
        with site.context() as ctx:
            assert ctx.get_value("Property Setter", {"doc_type": SA, "property": "default_print_format"}, "value") == name
        assert "我是默认格式2018" in pdf_text(http.get(PDF, headers=world["liangxi_admin"].token,
                                                   params={"doctype": SA, "name": sheets["a"]}))
        denied = call(http, world["liangxi_admin"], "frappe.printing.doctype.print_format.print_format.make_default", name="达标自评表")
        assert denied.status_code == 403
    finally:
        assert call(http, world["city_admin"], "sixhave.print.make_default", name="达标自评表").status_code == 200
    assert "评分标准" in pdf_text(http.get(PDF, headers=world["liangxi_admin"].token, params={"doctype": SA, "name": sheets["a"]}))


def test_every_print_door_follows_scope(http, world, sheets):
    me = world["xishan_admin"].token
    assert http.get(PDF, headers=me, params={"doctype": SA, "name": sheets["a"], "format": "达标自评表"}).status_code == 404
    page = http.get("/printview", headers=me, params={"doctype": SA, "name": sheets["a"], "format": "达标自评表"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"] and "评分标准" not in page.text
    r = http.get("/api/method/frappe.www.printview.get_html_and_style", headers=me,
                 params={"doc": json.dumps({"doctype": SA, "name": sheets["a"]}), "print_format": "达标自评表"})
    assert r.status_code == 404
    multi = http.get("/api/method/frappe.utils.print_format.download_multi_pdf", headers=me,
                     params={"doctype": SA, "name": json.dumps([sheets["x"], sheets["a"]]), "format": "达标自评表"})
    assert multi.status_code == 404
    own = pdf_text(http.get(PDF, headers=me, params={"doctype": SA, "name": sheets["x"], "format": "达标自评表"}))
    assert "评分标准" in own


def test_printing_needs_the_print_right(http, world):
    # 区级管理员 may read Activity Kind but not print it
    r = http.get(PDF, headers=world["liangxi_admin"].token, params={"doctype": "Activity Kind", "name": "集体学习"})
    assert r.status_code == 403
    assert http.get(PDF, params={"doctype": SA, "name": "x"}).status_code in (401, 403)


def test_the_preview_and_html_in_frappes_shape(http, world, sheets):
    me = world["liangxi_admin"].token
    page = http.get("/printview", headers=me, params={"doctype": SA, "name": sheets["a"], "format": "达标自评表"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "达标自评表" in page.text and "评分标准" in page.text and "@page" in page.text
    r = http.get("/api/method/frappe.www.printview.get_html_and_style", headers=me,
                 params={"doc": json.dumps({"doctype": SA, "name": sheets["a"]}), "print_format": "达标自评表"})
    body = r.json()["message"]
    assert "评分标准" in body["html"] and "table-header-group" in body["style"] and body["print_format"] == "达标自评表"
    report = http.get("/printview", headers=me, params={"report": "达标情况汇总表", "filters": json.dumps({"year": 2018})})
    assert report.status_code == 200 and "达标情况汇总表" in report.text


def test_many_sheets_in_one_pdf_or_a_zip(http, world, sheets):
    me = world["liangxi_admin"].token
    params = {"doctype": SA, "name": json.dumps([sheets["a"], sheets["b"]]), "format": "达标自评表"}
    merged = http.get("/api/method/frappe.utils.print_format.download_multi_pdf", headers=me, params=params)
    assert merged.status_code == 200 and len(pages_text(merged.content)) >= 6
    zipped = http.get("/api/method/frappe.utils.print_format.download_multi_pdf", headers=me, params={**params, "output": "zip"})
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert len(archive.namelist()) == 2 and all(n.endswith(".pdf") for n in archive.namelist())


def test_a_districts_sheets_through_the_api(http, world, site):
    """A district of its own (the shared site's 梁溪区 holds every other test's sheets)."""
    with site.context() as ctx:
        district = ctx.insert({"doctype": "Org Unit", "unit_name": unique("批量区"), "level": "市（县）区",
                               "parent_org_unit": "无锡市"}).name
        orgs = [ctx.insert({"doctype": "Party Organization", "org_name": unique(f"批量支部{i}"), "org_type": "党支部",
                            "sector": "机关", "parent_unit": district}).name for i in range(2)]
        for org in orgs:
            ctx.insert({"doctype": SA, "party_org": org, "year": 2018})
    r = call(http, world["city_admin"], "sixhave.app.district_sheets", verb="GET", year=2018, district=district, output="zip")
    assert r.status_code == 200, r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{org}.pdf" for org in orgs)
    merged = call(http, world["city_admin"], "sixhave.app.district_sheets", verb="GET", year=2018, district=district)
    assert merged.status_code == 200 and len(pages_text(merged.content)) >= 6
    outside = call(http, world["xishan_admin"], "sixhave.app.district_sheets", verb="GET", year=2018, district=district)
    assert outside.status_code == 417 and "没有可打印" in outside.json()["exception"]
