"""The print format editor's server side: the city administrator copies the standard 达标自评表,
changes its title, previews it on a real sheet and gets the PDF with the new title; a template
that tries to leave the sandbox or does not parse is refused with its line; the builder writes a
template the sandbox accepts; the desk's print dialog lists formats through the same function as
/printview; a district administrator reaches none of it."""
from tests.api.conftest import call
from tests.conftest import unique
from tests.pdfs import pages_text, squeeze
from tests.studio.conftest import new_sheet

SOURCE = "达标自评表"
TITLE = "离退休干部党支部“六有一提升”达标自评表"


def test_copy_change_title_preview_and_pdf(http, people, branch):
    city, district = people["city_admin"], people["liangxi_admin"]
    sheet = new_sheet(http, people, branch)
    name = f"达标自评表（{unique()}）"
    copied = call(http, city, "sixhave.studio.print_format.copy", source=SOURCE, new_name=name)
    assert copied.status_code == 200, copied.text
    fmt = copied.json()["message"]
    assert fmt["standard"] == "No" and fmt["doc_type"] == "Self Assessment" and TITLE in fmt["html"]
    assert call(http, city, "sixhave.studio.print_format.copy", source=SOURCE, new_name=name).status_code == 417

    html = fmt["html"].replace(TITLE, "二〇一八年度达标自评表（修订）")
    preview = call(http, city, "sixhave.studio.print_format.preview", doctype="Self Assessment", name=sheet["name"],
                   html=html, css=fmt["css"], format_name=name).json()["message"]
    assert preview["ok"] and "二〇一八年度达标自评表（修订）" in preview["html"] and branch["name"] in preview["html"]

    saved = http.put(f"/api/resource/Print Format/{name}", headers=city.token, json={"html": html})
    assert saved.status_code == 200, saved.text
    pdf = http.get("/api/method/frappe.utils.print_format.download_pdf", headers=city.token,
                   params={"doctype": "Self Assessment", "name": sheet["name"], "format": name})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "二〇一八年度达标自评表（修订）" in squeeze(pages_text(pdf.content)[0])
    quick = call(http, city, "sixhave.studio.print_format.preview_pdf", doctype="Self Assessment", name=sheet["name"],
                 html=html, css=fmt["css"], format_name=name)
    assert quick.status_code == 200 and "二〇一八年度达标自评表（修订）" in squeeze(pages_text(quick.content)[0])

    # the history shows the change; revert brings the old title back
    history = call(http, city, "sixhave.studio.history", "GET", doctype="Print Format", name=name).json()["message"]
    assert history[0]["user"] == city.name and "html" in history[0]["summary"]
    assert call(http, city, "sixhave.studio.revert", doctype="Print Format", name=name,
                version=history[0]["version"]).status_code == 200
    assert TITLE in http.get(f"/api/resource/Print Format/{name}", headers=city.token).json()["data"]["html"]

    # the standard format itself stays as shipped
    standard = http.put(f"/api/resource/Print Format/{SOURCE}", headers=city.token, json={"html": html})
    assert standard.status_code == 403

    # a district administrator reaches none of it
    for method, args in (("sixhave.studio.print_format.copy", {"source": SOURCE, "new_name": unique()}),
                         ("sixhave.studio.print_format.preview", {"doctype": "Self Assessment", "name": sheet["name"], "html": html}),
                         ("sixhave.studio.print_format.builder", {"doctype": "Self Assessment", "layout": {}})):
        assert call(http, district, method, **args).status_code == 403


def test_errors_show_the_line_and_the_sandbox_holds(http, people, branch):
    city = people["city_admin"]
    sheet = new_sheet(http, people, branch)
    cases = [("<h1>{{ doc.year }}</h1>\n<p>{{ doc.party_org </p>", 2, "语法"),
             ("<h1>标题</h1>\n\n{{ doc.__class__ }}", 3, "__class__"),
             ("<p>\n{% include 'x.html' %}</p>", 2, "include"),
             ("<p>{{ open('/etc/passwd') }}</p>", 1, "open"),
             ("<p>\n\n\n{{ doc.year / 0 }}</p>", 4, "")]
    for html, line, words in cases:
        result = call(http, city, "sixhave.studio.print_format.preview", doctype="Self Assessment", name=sheet["name"],
                      html=html).json()["message"]
        assert not result["ok"] and result["errors"][0]["line"] == line and words in result["errors"][0]["message"], result
    other = call(http, city, "sixhave.studio.print_format.preview", doctype="Self Assessment", name="不存在的自评表",
                 html="<p>x</p>")
    assert other.status_code == 404


def test_the_builder_writes_a_template_the_sandbox_accepts(http, people, branch):
    city = people["city_admin"]
    sheet = new_sheet(http, people, branch)
    offered = call(http, city, "sixhave.studio.print_format.fields", "GET", doctype="Self Assessment").json()["message"]
    assert any(f["fieldname"] == "party_org" for f in offered["fields"])
    assert any(t["fieldname"] == "items" for t in offered["tables"])
    layout = {"title": "自评简表", "columns": 2, "fields": ["party_org", "year", "self_total"],
              "tables": [{"fieldname": "items", "columns": ["code", "content", "points", "self_score"]}],
              "signature": "支部书记（签字）：＿＿＿＿"}
    built = call(http, city, "sixhave.studio.print_format.builder", doctype="Self Assessment", layout=layout)
    assert built.status_code == 200, built.text
    template = built.json()["message"]
    assert "{% for row in doc.items %}" in template["html"]
    name = f"自评简表{unique()}"
    saved = http.post("/api/resource/Print Format", headers=city.token, json={
        "name": name, "doc_type": "Self Assessment", "html": template["html"], "css": template["css"]})
    assert saved.status_code == 200, saved.text
    page = http.get("/printview", headers=city.token, params={"doctype": "Self Assessment", "name": sheet["name"], "format": name})
    assert page.status_code == 200 and "自评简表" in page.text and "1.1" in page.text and branch["name"] in page.text
    bad = call(http, city, "sixhave.studio.print_format.builder", doctype="Self Assessment",
               layout={"fields": ["no_such_field"]})
    assert bad.status_code == 417 and "no_such_field" in bad.text

    # the desk's print dialog lists formats with the same function as /printview
    listed = call(http, city, "sixhave.print.formats", "GET", doctype="Self Assessment").json()["message"]
    assert name in [f["name"] for f in listed] and listed[0]["default"] == 1
