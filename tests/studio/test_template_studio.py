"""The scoring template editor and the year wizard, server side: the city administrator copies the
2018 template into 2019 as a draft, changes one item's points, cannot publish until the total is
right (100 + the bonus cap), publishes; a template in use is frozen and changes go into a new
version; the template goes to Excel and back (every bad cell named, nothing written otherwise);
the wizard opens the year with its dates, targets, template and workflows and lists what is ready.
A district administrator reaches none of it."""
import io

from openpyxl import load_workbook

from tests.api.conftest import call
from tests.studio.conftest import act, new_sheet

YEAR = 2019


def template(http, person, name):
    return http.get(f"/api/resource/Scoring Template/{name}", headers=person.token).json()["data"]


def test_copy_edit_publish_version_and_excel(http, people, branch, told_date):
    told_date(f"{YEAR}-09-01")  # the year's deadlines hold against the day the site is told
    city, district = people["city_admin"], people["liangxi_admin"]
    source = http.get("/api/resource/Scoring Template", headers=city.token,
                      params={"filters": '[["year","=",2018]]'}).json()["data"][0]["name"]
    assert call(http, district, "sixhave.studio.template.copy_to_year", source=source, year=YEAR).status_code == 403
    copied = call(http, city, "sixhave.studio.template.copy_to_year", source=source, year=YEAR)
    assert copied.status_code == 200, copied.text
    state = copied.json()["message"]
    name = state["name"]
    assert state["status"] == "草稿" and not state["problems"] and state["doc"]["year"] == YEAR
    assert len(state["doc"]["items"]) == 36 and "2019" in state["doc"]["title"]
    again = call(http, city, "sixhave.studio.template.copy_to_year", source=source, year=YEAR)
    assert again.status_code == 417 and "已有" in again.text

    # one item's points changed: the draft saves, publishing is refused with the difference
    doc = template(http, city, name)
    items = doc["items"]
    items[0]["points"] = items[0]["points"] + 2
    saved = http.put(f"/api/resource/Scoring Template/{name}", headers=city.token, json={"items": items})
    assert saved.status_code == 200, saved.text
    refused = call(http, city, "sixhave.studio.template.publish", name=name)
    assert refused.status_code == 417 and "102" in refused.text and "相差" in refused.text
    by_put = http.put(f"/api/resource/Scoring Template/{name}", headers=city.token, json={"status": "已发布"})
    assert by_put.status_code == 417  # the same check on every door
    # a sheet cannot use a draft
    sheet = http.post("/api/resource/Self Assessment", headers=people["secretary"].token,
                      json={"party_org": branch["name"], "year": YEAR})
    assert sheet.status_code == 417 and "草稿" in sheet.text

    # take the two points off another item: now it publishes
    items = template(http, city, name)["items"]
    biggest = max(items[1:], key=lambda r: r["points"])
    biggest["points"] = biggest["points"] - 2
    assert http.put(f"/api/resource/Scoring Template/{name}", headers=city.token, json={"items": items}).status_code == 200
    published = call(http, city, "sixhave.studio.template.publish", name=name)
    assert published.status_code == 200, published.text
    assert published.json()["message"]["status"] == "已发布"
    assert template(http, city, name)["published_by"] == city.name

    # the year wizard: open 2019 with this template and the workflows; the checklist says what is ready
    assert call(http, district, "sixhave.studio.year.state", "GET", year=YEAR).status_code == 403
    wizard = call(http, city, "sixhave.studio.year.save", year=YEAR, values={
        "template": name, "declare_by": f"{YEAR}-10-25", "target_pass_rate": 90, "demonstration_target_min": 30,
        "demonstration_target_max": 50}, workflows={"Self Assessment": "达标自评"})
    assert wizard.status_code == 200, wizard.text
    result = wizard.json()["message"]
    assert result["record"]["template"] == name and str(result["record"]["declare_by"]) == f"{YEAR}-10-25"
    ready = {c["key"]: c["ok"] for c in result["checklist"]}
    assert ready["year"] and ready["template"] and ready["workflow:Self Assessment"], result["checklist"]
    out_of_order = call(http, city, "sixhave.studio.year.save", year=YEAR, values={"declare_by": f"{YEAR}-01-02"})
    assert out_of_order.status_code == 417
    assert str(call(http, city, "sixhave.studio.year.state", "GET", year=YEAR).json()["message"]["record"]["declare_by"]) \
        == f"{YEAR}-10-25"

    # a sheet uses it: frozen; the change goes into a new version
    sheet = new_sheet(http, people, branch, year=YEAR)
    assert sheet["template"] == name
    assert act(http, people["secretary"], "Self Assessment", sheet["name"], "提交").status_code == 200
    frozen = http.put(f"/api/resource/Scoring Template/{name}", headers=city.token, json={"pass_score": 70})
    assert frozen.status_code == 403
    version = call(http, city, "sixhave.studio.template.new_version", name=name)
    assert version.status_code == 200, version.text
    v2 = version.json()["message"]
    assert v2["name"] == f"评分细则-{YEAR}-v2" and v2["status"] == "草稿" and v2["doc"]["version"] == 2

    # Excel out and back in: a bad cell is named and nothing is written; a good workbook replaces the rows
    exported = call(http, city, "sixhave.studio.template.export", "GET", name=v2["name"])
    assert exported.status_code == 200
    book = load_workbook(io.BytesIO(exported.content))
    assert book.sheetnames == ["基本信息", "评分项", "加分项", "一票否决"]
    rows = book["评分项"]
    assert rows.cell(1, 6).value == "分值" and rows.max_row == 37
    rows.cell(2, 6).value = "三分"
    rows.cell(3, 8).value = "no_such_rule"
    bad = io.BytesIO()
    book.save(bad)
    upload = http.post("/api/method/sixhave.studio.template.import_workbook", headers=city.token,
                       data={"name": v2["name"]}, files={"file": ("t.xlsx", bad.getvalue())})
    problems = upload.json()["message"]["problems"]
    assert any("第 2 行" in p and "分值" in p for p in problems) and any("no_such_rule" in p for p in problems), problems
    assert template(http, city, v2["name"])["items"][0]["points"] == template(http, city, name)["items"][0]["points"]
    rows.cell(2, 6).value = 1
    rows.cell(3, 8).value = None
    rows.cell(2, 4).value = "=HYPERLINK(\"x\")组织设置"
    rows.cell(2, 4).data_type = "s"  # typed as text (with Excel's leading apostrophe)
    good = io.BytesIO()
    book.save(good)
    upload = http.post("/api/method/sixhave.studio.template.import_workbook", headers=city.token,
                       data={"name": v2["name"]}, files={"file": ("t.xlsx", good.getvalue())})
    assert upload.status_code == 200 and upload.json()["message"]["ok"], upload.text
    after = template(http, city, v2["name"])
    assert after["items"][0]["points"] == 1 and after["items"][0]["content"].startswith("=HYPERLINK")
    state = call(http, city, "sixhave.studio.template.status", "GET", name=v2["name"]).json()["message"]
    assert any("相差" in p for p in state["problems"])
    # a formula-like text goes back out as text, never as a formula
    again = load_workbook(io.BytesIO(call(http, city, "sixhave.studio.template.export", "GET", name=v2["name"]).content))
    assert again["评分项"].cell(2, 4).data_type == "s"


def test_evidence_rules_are_offered_from_the_registry(http, people):
    rules = call(http, people["city_admin"], "sixhave.studio.template.rules", "GET").json()["message"]
    names = {r["name"] for r in rules}
    assert {"meetings_per_period", "dues_paid_in_full"} <= names
    assert all(r["description"] for r in rules)
    assert call(http, people["liangxi_admin"], "sixhave.studio.template.rules", "GET").status_code == 403
