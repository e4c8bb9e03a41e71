"""No print shows a field the user may not read: the document a template receives has those
fields removed before any template runs — the shipped 达标自评表, an administrator's copy that
names the field outright, and the Standard layout alike."""
import pytest

from sixhave_app.engine import printing
from tests.app import forms_data as data
from tests.pdfs import pages_text, squeeze

# 区级审核员 may read the district's level (1) but, on this site, not the city's (2).
PERMS = [("市级管理员", 0, {"read": 1, "write": 1, "create": 1, "print": 1, "report": 1}), ("市级管理员", 1, {"read": 1, "write": 1}),
         ("市级管理员", 2, {"read": 1, "write": 1}), ("区级审核员", 0, {"read": 1, "print": 1, "report": 1}),
         ("区级审核员", 1, {"read": 1, "write": 1})]
NAMING = """<p>市级意见：[{{ doc.city_opinion }}]｜签字：[{{ doc.get('city_signed_by') }}]｜区级：[{{ doc.district_opinion }}]</p>
{% for row in doc.items %}<span>{{ row.code }}={{ row.city_score }}/{{ row.district_score }}</span>{% endfor %}"""


@pytest.fixture(scope="module")
def sheet(site_factory, backend):
    site = site_factory(backend)  # a site of its own (its permissions are changed), one per module
    with site.context() as ctx:
        for role, level, rights in PERMS:
            ctx.insert({"doctype": "Custom DocPerm", "parent_doctype": "Self Assessment", "role": role, "permlevel": level, **rights})
        district, street = data.district(ctx)
        org = data.branch(ctx, street)
        doc = data.assessment(ctx, org, 2018)
        ctx.insert({"doctype": "Print Format", "name": "点名市级字段", "doc_type": "Self Assessment", "html": NAMING})
        return site, doc.name, data.user(ctx, ["区级审核员"], [district]), data.user(ctx, ["市级管理员"])


def printed(site, user, name, fmt):
    with site.context(user=user) as ctx:
        return printing.render_document(ctx, ctx.get_doc("Self Assessment", name), fmt)


def test_the_city_level_is_blank_for_a_district_reviewer(sheet):
    site, name, reviewer, city = sheet
    mine = squeeze("".join(pages_text(printing.html_to_pdf(printed(site, reviewer, name, "达标自评表").html))))
    assert data.DISTRICT_OPINION in mine
    assert data.CITY_OPINION not in mine and data.CITY_SIGNER not in mine and "2018年11月28日" not in mine
    theirs = squeeze("".join(pages_text(printing.html_to_pdf(printed(site, city, name, "达标自评表").html))))
    assert data.CITY_OPINION in theirs and data.CITY_SIGNER in theirs


def test_a_template_that_names_the_field_gets_nothing(sheet):
    site, name, reviewer, city = sheet
    body = printed(site, reviewer, name, "点名市级字段").body
    assert "市级意见：[]" in body and "签字：[]" in body and data.DISTRICT_OPINION in body
    assert "1.1=/3" in body  # the child rows' city score is gone, the district's is there
    assert data.CITY_OPINION in printed(site, city, name, "点名市级字段").body


def test_the_standard_layout_leaves_them_out_too(sheet):
    site, name, reviewer, _ = sheet
    body = printed(site, reviewer, name, "Standard").body
    assert data.DISTRICT_OPINION in body and data.CITY_OPINION not in body and "市级签字人" not in body


def test_reports_drop_the_columns_a_user_may_not_read(sheet):
    import json

    from sixhave_app.engine import reports

    site, name, reviewer, city = sheet
    with site.context() as ctx:
        if ctx.exists("Report", "意见一览"):
            ctx.delete_doc("Report", "意见一览")
        ctx.insert({"doctype": "Report", "report_name": "意见一览", "ref_doctype": "Self Assessment", "report_type": "Report Builder",
                    "json": json.dumps({"fields": ["party_org", "district_opinion", "city_opinion", "city_signed_by"]})})
    with site.context(user=reviewer) as ctx:
        mine = reports.run(ctx, "意见一览", {})
        printed = printing.render_report(ctx, mine).body
    assert [c["fieldname"] for c in mine["columns"]] == ["party_org", "district_opinion"]
    assert all("city_opinion" not in row for row in mine["result"]) and data.CITY_OPINION not in printed
    with site.context(user=city) as ctx:
        theirs = reports.run(ctx, "意见一览", {})
    assert [c["fieldname"] for c in theirs["columns"]] == ["party_org", "district_opinion", "city_opinion", "city_signed_by"]
