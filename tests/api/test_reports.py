"""The programme's tables as reports, run the way Frappe's clients run them
(`frappe.desk.query_report.run`), as a district and as the city: each sees its own scope, the
totals agree with the records, and every report exports to Excel and prints. Report Builder
reports saved by the city group and sum over what each user may read."""
import io
import json

import openpyxl
import pytest

from tests.api.conftest import call, ensure_template
from tests.conftest import unique
from tests.pdfs import pages_text, squeeze

YEAR = 2031
RUN = "frappe.desk.query_report.run"


@pytest.fixture(scope="module")
def year(site, world):
    """梁溪区: A 达标 (97), B 不达标 (70); 锡山区: C 不达标 (60), D 市级考评. Plaques for A and C,
    rectification items for B (one done) and C, a demonstration application for A."""
    ensure_template(site, YEAR)
    made = {}
    with site.context() as ctx:
        for key, unit, sector in (("A", "健康社区", "机关"), ("B", "崇安寺街道", "事业单位"), ("C", "东亭街道", "机关"),
                                  ("D", "东亭街道", "社区")):
            made[key] = ctx.insert({"doctype": "Party Organization", "org_name": unique(f"报表支部{key}"), "org_type": "党支部",
                                    "sector": sector, "parent_unit": unit}).name
            ctx.insert({"doctype": "Self Assessment", "party_org": made[key], "year": YEAR})
        table = ctx.table("Self Assessment")
        for key, state, total in (("A", "达标", 97), ("B", "不达标", 70), ("C", "不达标", 60), ("D", "市级考评", None)):
            ctx.conn.execute(table.update().where(table.c.party_org == made[key], table.c.year == YEAR)
                             .values(workflow_state=state, city_total=total, self_total=98 if key == "A" else 80))
        for key in ("A", "C"):
            ctx.insert({"doctype": "Plaque", "party_org": made[key], "year": YEAR, "awarded_on": f"{YEAR}-11-30", "status": "有效"})
        items = ctx.table("Rectification Item")
        for key, state in (("B", "已完成"), ("B", "待整改"), ("C", "整改中")):
            name = ctx.insert({"doctype": "Rectification Item", "party_org": made[key], "year": YEAR, "problem": f"{key}的问题",
                               "responsible_person": "王建国", "deadline": f"{YEAR}-09-30"}).name
            ctx.conn.execute(items.update().where(items.c.name == name).values(workflow_state=state))
        app = ctx.new_doc("Demonstration Application", party_org=made["A"], year=YEAR, brand="品牌")
        app.flags.ignore_permissions = True
        app.insert()
    return made


def run(http, person, report, **filters):
    r = call(http, person, RUN, report_name=report, filters=json.dumps({"year": YEAR, **filters}))
    assert r.status_code == 200, r.text
    return r.json()["message"]


def orgs_in(result):
    return {row.get("party_org") for row in result["result"] if not row.get("is_total_row")}


def test_the_pass_rate_summary_per_district(http, world, year):
    district = run(http, world["liangxi_admin"], "达标情况汇总表")
    assert orgs_in(district) == {year["A"], year["B"]}
    rows = {r["party_org"]: r for r in district["result"]}
    assert rows[year["A"]]["rank"] == 1 and rows[year["B"]]["rank"] == 2
    assert rows[year["A"]]["result"] == "达标" and rows[year["A"]]["score"] == 97
    summary = {s["label"]: s["value"] for s in district["report_summary"]}
    assert summary["参评组织"] == 2 and summary["达标"] == 1 and summary["不达标"] == 1 and summary["达标率"] == "50.0%"
    assert summary["机关、事业单位达标率"] == "50.0%" and summary["是否达到目标"] == "否"
    city = run(http, world["city_admin"], "达标情况汇总表")
    assert orgs_in(city) == set(year.values())
    assert {s["label"]: s["value"] for s in city["report_summary"]}["达标"] == 1
    only = run(http, world["city_admin"], "达标情况汇总表", org="锡山区")
    assert orgs_in(only) == {year["C"], year["D"]}
    assert [c["label"] for c in city["columns"]][:3] == ["序号", "党组织", "所在单位/社区"]


def test_the_noncompliant_list(http, world, year):
    assert orgs_in(run(http, world["liangxi_admin"], "不达标名单")) == {year["B"]}
    city = run(http, world["city_admin"], "不达标名单")
    assert orgs_in(city) == {year["B"], year["C"]}
    row = next(r for r in city["result"] if r["party_org"] == year["B"])
    assert row["rectification"] == "1/2" and row["score"] == 70


def test_the_demonstration_list(http, world, year):
    assert orgs_in(run(http, world["liangxi_admin"], "示范党支部名单")) == {year["A"]}
    city = run(http, world["city_admin"], "示范党支部名单")
    assert orgs_in(city) == {year["A"], year["C"]}
    assert {s["label"]: s["value"] for s in city["report_summary"]}["示范党支部"] == 2


def test_performance_per_unit(http, world, site, year):
    city = {r["unit"]: r for r in run(http, world["city_admin"], "绩效考核")["result"] if not r.get("is_total_row")}
    liangxi, xishan = city["梁溪区"], city["锡山区"]
    assert (liangxi["assessed"], liangxi["passed"], liangxi["failed"], liangxi["pass_rate"]) == (2, 1, 1, 50.0)
    assert (xishan["assessed"], xishan["passed"], xishan["failed"], xishan["submitted"]) == (2, 0, 1, 2)
    assert liangxi["rectification"] == 2 and liangxi["rectified"] == 1
    with site.context() as ctx:  # plaques in force by this year, other tests' included: against the records
        for unit, row in (("梁溪区", liangxi), ("锡山区", xishan)):
            plaques = ctx.get_count("Plaque", [["status", "=", "有效"], ["year", "<=", YEAR],
                                               ["org", "descendants of (inclusive)", unit]])
            organisations = ctx.get_count("Party Organization", [["org", "descendants of (inclusive)", unit]])
            assert row["demonstration"] == plaques >= 1 and row["organisations"] == organisations
    district = run(http, world["liangxi_admin"], "绩效考核")
    units = [r["unit"] for r in district["result"] if not r.get("is_total_row")]
    assert units == ["梁溪区"]
    total = district["result"][-1]
    assert total["is_total_row"] and total["assessed"] == 2


def test_rectification_progress(http, world, year):
    district = run(http, world["liangxi_admin"], "整改进度")
    assert orgs_in(district) == {year["B"]}
    row = next(r for r in district["result"] if r.get("party_org") == year["B"])
    labels = {c["fieldname"]: c["label"] for c in district["columns"]}
    by_label = {labels[k]: v for k, v in row.items() if k in labels}
    assert by_label["整改项"] == 2 and by_label["已完成"] == 1 and by_label["待整改"] == 1 and by_label["完成率(%)"] == 50.0
    city = run(http, world["city_admin"], "整改进度")
    assert orgs_in(city) == {year["B"], year["C"]}
    assert city["result"][-1]["total"] == 3


def test_submission_progress_by_phase(http, world, year):
    city = {r["unit"]: r for r in run(http, world["city_admin"], "申报进度")["result"] if not r.get("is_total_row")}
    labels = {c["fieldname"]: c["label"] for c in run(http, world["city_admin"], "申报进度")["columns"]}
    liangxi = {labels[k]: v for k, v in city["梁溪区"].items() if k in labels}
    assert liangxi["自评表合计"] == 2 and liangxi["自评·达标"] == 1 and liangxi["自评·不达标"] == 1 and liangxi["示范表合计"] == 1
    xishan = {labels[k]: v for k, v in city["锡山区"].items() if k in labels}
    assert xishan["自评·市级考评"] == 1 and xishan["示范表合计"] == 0
    district = run(http, world["liangxi_admin"], "申报进度")
    assert [r["unit"] for r in district["result"] if not r.get("is_total_row")] == ["梁溪区"]


@pytest.mark.parametrize("report", ["达标情况汇总表", "不达标名单", "示范党支部名单", "绩效考核", "整改进度", "申报进度"])
def test_every_report_exports_to_excel_and_prints(http, world, year, report):
    person = world["liangxi_admin"]
    result = run(http, person, report)
    r = call(http, person, "frappe.desk.query_report.export_query", report_name=report,
             filters=json.dumps({"year": YEAR}), file_format_type="Excel")
    assert r.status_code == 200, r.text
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c["label"] for c in result["columns"]]
    assert len(rows) - 1 == len(result["result"])
    text = "".join(str(v) for row in rows for v in row if v is not None)
    assert year["C"] not in text and year["D"] not in text
    pdf = call(http, person, "sixhave.report.download_pdf", report_name=report, filters=json.dumps({"year": YEAR}))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    printed = squeeze("".join(pages_text(pdf.content)))
    assert year["C"] not in printed
    assert squeeze(result["columns"][1]["label"]) in printed


def test_reports_declare_their_filters_and_keep_to_their_roles(http, world, year):
    script = call(http, world["liangxi_admin"], "frappe.desk.query_report.get_script", verb="GET", report_name="达标情况汇总表")
    body = script.json()["message"]
    year_filter = next(f for f in body["filters"] if f["fieldname"] == "year")
    assert year_filter["reqd"] == 1 and "frappe.query_reports" in body["script"] and "达标情况汇总表" in body["print_formats"]
    missing = call(http, world["liangxi_admin"], RUN, report_name="达标情况汇总表", filters="{}")
    assert missing.status_code == 200  # the year defaults to this year
    denied = call(http, world["secretary"], RUN, report_name="达标情况汇总表", filters=json.dumps({"year": YEAR}))
    assert denied.status_code == 403
    assert call(http, world["liangxi_admin"], RUN, report_name="没有这个报表").status_code == 404


def test_report_builder_groups_and_sums_within_scope(http, world, site, year):
    name = unique("自评结论统计")
    settings = {"fields": [["party_org", "Self Assessment"], ["workflow_state", "Self Assessment"], ["city_total", "Self Assessment"]],
                "filters": [["Self Assessment", "year", "=", YEAR]],
                "group_by": {"group_by": "`tabSelf Assessment`.`workflow_state`", "aggregate_function": "sum",
                             "aggregate_on": "city_total"}}
    r = http.post("/api/resource/Report", headers=world["city_admin"].token,
                  json={"report_name": name, "ref_doctype": "Self Assessment", "report_type": "Report Builder",
                        "json": json.dumps(settings)})
    assert r.status_code == 200, r.text
    assert http.post("/api/resource/Report", headers=world["liangxi_admin"].token,
                     json={"report_name": unique("区报表"), "ref_doctype": "Self Assessment"}).status_code == 403
    city = {row["workflow_state"]: row for row in run(http, world["city_admin"], name)["result"]}
    assert city["不达标"]["count"] == 2 and city["不达标"]["sum_city_total"] == 130 and city["达标"]["count"] == 1
    district = {row["workflow_state"]: row for row in run(http, world["liangxi_admin"], name)["result"]}
    assert district["不达标"]["count"] == 1 and district["不达标"]["sum_city_total"] == 70 and "市级考评" not in district
    plain = dict(settings, group_by=None, order_by="`tabSelf Assessment`.`city_total` desc")
    with site.context() as ctx:
        ctx.db_set(ctx.get_doc("Report", name), "json", json.dumps(plain))
    rows = run(http, world["liangxi_admin"], name)["result"]
    assert [r["party_org"] for r in rows] == [year["A"], year["B"]]
    export = call(http, world["liangxi_admin"], "frappe.desk.query_report.export_query", report_name=name,
                  filters=json.dumps({}), file_format_type="CSV")
    assert export.status_code == 200 and year["A"] in export.content.decode("utf-8-sig")
