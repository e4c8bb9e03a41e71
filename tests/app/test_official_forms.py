"""The official forms on paper: every shipped print format rendered to a real PDF and read back
as a reader would — pages, the header row on each page, "第 N 页 共 M 页", the Chinese labels and
the document's values, the Noto CJK fonts embedded — printed by users of each level, who never
see a field they may not read."""
import datetime as dt
import io
import zipfile

import pytest

from sixhave_app.engine import permissions, printing, reports
from sixhave_app.engine.errors import DoesNotExistError
from sixhave_app.six_haves import printing as district_printing
from tests.app import forms_data as data
from tests.pdfs import fonts, page_numbers, pages_text, reader, squeeze

YEAR = 2018


@pytest.fixture(scope="module")
def paper(site):
    with site.context() as ctx:
        district, street = data.district(ctx)
        other, other_street = data.district(ctx)
        org = data.branch(ctx, street)
        second = data.branch(ctx, street, secretary="李红")
        foreign = data.branch(ctx, other_street)
        sheet = data.assessment(ctx, org, YEAR, lose={"3.1": 1, "4.2": 2})
        data.assessment(ctx, second, YEAR)
        data.assessment(ctx, foreign, YEAR)
        return {"district": district, "street": street, "org": org, "second": second, "foreign": foreign,
                "sheet": sheet.name, "reviewer": data.user(ctx, ["区级审核员"], [district]),
                "city": data.user(ctx, ["市级管理员"]), "outsider": data.user(ctx, ["区级审核员"], [other])}


def pdf_of(site, user, doctype, name, fmt=None, **args):
    with site.context(user=user) as ctx:
        doc = ctx.get_doc(doctype, name)
        permissions.check(ctx, doctype, "print", doc)
        return printing.html_to_pdf(printing.render_document(ctx, doc, fmt, args=args).html)


def test_the_self_assessment_sheet_on_paper(site, paper):
    pdf = pdf_of(site, paper["reviewer"], "Self Assessment", paper["sheet"], "达标自评表")
    texts = pages_text(pdf)
    assert len(texts) >= 3, "36 items with their standards, the opinions and seals take three A4 pages"
    for number, text in enumerate(texts, start=1):
        flat = squeeze(text)
        for header in ("编号", "考核内容", "评分标准", "分值", "自评分", "区(单位)评分", "市评分"):
            assert header in flat, f"the header row is repeated on page {number}: {header} missing"
    assert page_numbers(texts) == [(str(i), str(len(texts))) for i in range(1, len(texts) + 1)]
    whole = squeeze("".join(texts))
    for label in ("离退休干部党支部“六有一提升”达标自评表", "党组织名称", "所在单位", "支部书记", "党员人数",
                  "有党的组织", "有领导班子", "有工作制度", "有组织活动", "有作用发挥", "有工作保障",
                  "加分项", "一票否决", "合计", "结论", "党支部意见", "区(单位)审核意见", "市级考评意见"):
        assert label in whole, label
    assert whole.count("（盖章）") == 3  # one seal block per level
    assert "（盖章）年月日" in whole  # the district has not signed: its date is left to the pen
    assert "2018年10月20日" in whole and "2018年11月28日" in whole  # the branch and the city signed
    for code in ("1.1", "2.6", "3.7", "4.6", "5.5", "6.5", "B1", "V2"):
        assert code in whole
    assert paper["org"] in whole and "王建国" in whole and "党员人数4" in whole
    assert data.CITY_OPINION in whole  # the district reviewer may read every level of this DocType


def test_pdfs_embed_the_noto_cjk_fonts(site, paper):
    pdf = pdf_of(site, paper["reviewer"], "Self Assessment", paper["sheet"], "达标自评表")
    used = fonts(pdf)
    assert used and all(used.values()), f"every font is embedded: {used}"
    assert any("NotoSerifCJK" in name.replace("-", "").replace(" ", "") for name in used), used


def test_a_district_cannot_print_another_districts_sheet(site, paper):
    with site.context(user=paper["outsider"]) as ctx:
        with pytest.raises(DoesNotExistError):
            ctx.get_doc("Self Assessment", paper["sheet"])


def test_the_demonstration_application_form(site, paper):
    with site.context() as ctx:
        ctx.db_set(ctx.get_doc("Self Assessment", paper["sheet"]), "self_total", 99)
        app = ctx.new_doc("Demonstration Application", party_org=paper["org"], year=YEAR, brand="银发先锋红色讲堂",
                          practices="坚持每月集体学习，开展“两代人携手共进”活动。" * 8, results="党员参与率达百分之九十五。" * 6)
        app.insert()
        name = app.name
    texts = pages_text(pdf_of(site, paper["reviewer"], "Demonstration Application", name, "示范党支部创建申报表"))
    whole = squeeze("".join(texts))
    for label in ("示范党支部创建申报表", "党支部基本情况", "党组织名称", "上级党组织", "成立时间", "党员人数", "支部书记",
                  "班子成员", "支部联络员", "自评得分", "特色品牌", "主要做法和成效", "党支部意见", "上级党组织意见",
                  "市（县）区、市直单位意见", "市委老干部局、离退休干部工委意见"):
        assert label in whole, label
    assert whole.count("（盖章）") >= 4 and "银发先锋红色讲堂" in whole and "两代人携手共进" in whole
    assert "市级机关党委" in whole and "2012年7月1日" in whole and "王建国" in whole
    assert page_numbers(texts)[0] == ("1", str(len(texts)))


def test_the_three_rectification_lists(site, paper):
    with site.context() as ctx:
        ctx.flags["as_of"] = f"{YEAR}-08-01"  # the lists are drawn up in the July self-check of that year
        for code, problem in (("3.1", "三会一课记录不全"), ("4.2", "集体学习缺两个月")):
            ctx.insert({"doctype": "Rectification Item", "party_org": paper["org"], "year": YEAR, "item_code": code,
                        "problem": problem, "task": f"整改：{problem}", "responsible_person": "王建国",
                        "responsible_department": "支委会", "deadline": "2018-09-30", "lost_points": 1})
        ctx.insert({"doctype": "Rectification Item", "party_org": paper["foreign"], "year": YEAR, "item_code": "1.1",
                    "problem": "别区的问题", "task": "别区的任务", "responsible_person": "李四",
                    "deadline": f"{YEAR}-09-30"})
    whole = squeeze("".join(pages_text(pdf_of(site, paper["reviewer"], "Party Organization", paper["org"], "整改清单",
                                              year=str(YEAR)))))
    for label in ("整改清单", "问题清单", "任务清单", "责任清单", "责任部门", "责任人", "整改时限"):
        assert label in whole, label
    assert "三会一课记录不全" in whole and "整改：集体学习缺两个月" in whole and "支委会" in whole
    assert "2018年9月30日" in whole and "别区的问题" not in whole


def test_the_notice_and_the_certificate(site, paper):
    with site.context() as ctx:
        app = ctx.get_value("Demonstration Application", {"party_org": paper["org"]}, "name") or \
            ctx.new_doc("Demonstration Application", party_org=paper["org"], year=YEAR, brand="品牌").insert().name
        notice = ctx.insert({"doctype": "Public Notice", "year": YEAR, "title": "2018年度拟命名市级示范党支部公示",
                             "start_date": "2018-11-20", "end_date": "2018-11-27",
                             "objection_channel": "电话 0510-81234567，市委老干部局组织处",
                             "entries": [{"application": app}]}).name
        plaque = ctx.insert({"doctype": "Plaque", "party_org": paper["org"], "year": YEAR, "awarded_on": "2018-11-30",
                             "status": "有效", "title": "示范党支部"}).name
    city = paper["city"]
    whole = squeeze("".join(pages_text(pdf_of(site, city, "Public Notice", notice))))  # its default format
    assert "公示时间：2018年11月20日至2018年11月27日" in whole and "0510-81234567" in whole
    assert "现予公示" in whole and paper["org"] in whole and "异议" in whole
    pdf = pdf_of(site, city, "Plaque", plaque)
    page = reader(pdf).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height), "the certificate is landscape"
    whole = squeeze("".join(pages_text(pdf)))
    assert "荣誉证书" in whole and paper["org"] in whole and "二〇一八年十一月三十日" in whole and "示范党支部" in whole


def test_the_summary_and_the_noncompliant_list_print_from_their_reports(site, paper):
    with site.context() as ctx:
        table = ctx.table("Self Assessment")
        for name, state, total in ((paper["sheet"], "达标", 97), (f"ZP-{YEAR}-{paper['second']}", "不达标", 70)):
            ctx.conn.execute(table.update().where(table.c.name == name).values(workflow_state=state, city_total=total))
    with site.context(user=paper["reviewer"]) as ctx:
        filters = {"year": YEAR, "org": paper["district"]}
        summary = printing.render_report(ctx, reports.run(ctx, "达标情况汇总表", filters))
        failing = printing.render_report(ctx, reports.run(ctx, "不达标名单", filters))
    assert summary.format == "达标情况汇总表" and failing.format == "不达标名单"
    whole = squeeze("".join(pages_text(printing.html_to_pdf(summary.html))))
    assert "达标情况汇总表" in whole and "名次" in whole and "达标率" in whole and "年度目标80%" in whole
    assert paper["org"] in whole and paper["second"] in whole and paper["foreign"] not in whole
    whole = squeeze("".join(pages_text(printing.html_to_pdf(failing.html))))
    assert "达标不合格党组织名单" in whole and paper["second"] in whole and paper["org"] not in whole


@pytest.mark.parametrize("chunk", [50, 1])  # one chunk, or each sheet its own chunk joined after
def test_a_districts_sheets_as_one_pdf_or_a_zip(site, paper, tmp_path, monkeypatch, chunk):
    from sixhave_app.engine import print_batch

    monkeypatch.setattr(print_batch, "CHUNK", chunk)
    seen = []
    target = tmp_path / "sheets.pdf"
    with site.context(user=paper["reviewer"]) as ctx:
        result = district_printing.write_district_sheets(ctx, YEAR, paper["district"], target,
                                                         progress=lambda done, total, name: seen.append((done, total)))
    assert result.documents == 2 and seen == [(1, 2), (2, 2)]
    texts = pages_text(target.read_bytes())
    assert len(texts) == result.pages
    numbers = page_numbers(texts)
    assert numbers.count(("1", numbers[0][1])) == 2, "each sheet keeps its own page numbers"
    buffer = io.BytesIO()
    with site.context(user=paper["reviewer"]) as ctx:
        district_printing.write_district_sheets(ctx, YEAR, paper["district"], buffer, as_zip=True)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        names = sorted(archive.namelist())
        assert names == sorted([f"{paper['org']}.pdf", f"{paper['second']}.pdf"])
        assert archive.read(names[0])[:5] == b"%PDF-"

