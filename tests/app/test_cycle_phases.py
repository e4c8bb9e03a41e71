"""Each phase's rules (plan §三–§五), on SQLite and MariaDB: coverage with its gaps; the July
self-check's three lists; rectification dates, progress and overdue; the sheet's blank items;
paper copies; 退回 notices; every award rule as a sentence; the 不达标名单; recommendations; the
spot check withdrawing a plaque; half-yearly inspections; the secretaries' class; leaders' reports
and the performance table; typical cases and brands; dashboards over every organisation."""
import datetime as dt

import pytest

from sixhave_app.engine.errors import PermissionError, ValidationError
from sixhave_app.six_haves import (alerts, api, coverage, dashboards, demonstration, leadership, publicity, reports,
                                   self_check, supervision)
from tests.app.conftest import Branch, new_district
from tests.app.cycle import act, demonstration_candidate, on, open_year, publish, scored_sheet
from tests.conftest import unique



def remind(site, kind, day):
    """Run one reminder job as the scheduler would (as Administrator, in its own transaction)."""
    with site.context() as ctx:
        return kind(ctx, as_of=day)


def test_coverage_lists_units_without_the_organisation_they_need(ctx):
    district = new_district(ctx)
    units = {}
    for key, level in (("局", "单位党委"), ("校", "单位党委"), ("社区", "社区"), ("厂", "单位党委")):
        units[key] = ctx.insert({"doctype": "Org Unit", "unit_name": unique(key), "level": level,
                                 "parent_org_unit": district}).name
    survey = lambda unit, kind, n, approval: ctx.insert({"doctype": "Unit Survey", "org": unit, "year": 2140,  # noqa: E731
                                                         "unit_type": kind, "retired_members": n, "has_approval": approval})
    survey(units["局"], "机关", 5, 1)      # needs a branch, has only a group
    survey(units["校"], "高校", 4, 0)      # no approval authority: a group is right
    survey(units["社区"], "社区", 2, 0)    # nothing yet
    survey(units["厂"], "企业", 0, 1)      # no members: nothing needed
    ctx.insert({"doctype": "Party Organization", "org_name": unique("局党小组"), "org_type": "党小组", "sector": "机关",
                "parent_unit": units["局"]})
    ctx.insert({"doctype": "Party Organization", "org_name": unique("校党小组"), "org_type": "党小组", "sector": "高校",
                "parent_unit": units["校"]})
    found = coverage.report(ctx, 2140, district)
    by_unit = {r["unit"]: r for r in found["units"]}
    assert by_unit[units["局"]]["required_form"] == "党支部" and "应单独建立党支部" in by_unit[units["局"]]["gaps"][0]
    assert by_unit[units["校"]]["required_form"] == "党小组" and not any("应" in g for g in by_unit[units["校"]]["gaps"])
    assert "尚未建立党组织" in by_unit[units["社区"]]["gaps"][0] and not by_unit[units["社区"]]["covered"]
    assert by_unit[units["厂"]]["required_form"] is None and not by_unit[units["厂"]]["gaps"]
    assert {r["unit"] for r in found["gaps"]} == {units["局"], units["校"], units["社区"]}  # 校: members not on a roll


def test_the_july_self_check_makes_three_lists_from_lost_points(ctx):
    year = 2141
    open_year(ctx, year)
    b = Branch(ctx)
    secretary = b.member("王书记")
    b.committee("书记", secretary, "2140-01-01")
    sheet = ctx.insert({"doctype": "Self Assessment", "party_org": b.name, "year": year})
    for row in sheet.items:
        row.self_score = row.points if row.code not in ("4.2", "6.2") else 0
    sheet.save()
    on(ctx, f"{year}-07-15")
    check = self_check.make(ctx, b.name, year)
    assert {e.item_code for e in check.entries} == {"4.2", "6.2"}
    entry = check.entries[0]
    assert entry.problem and entry.task and entry.responsible_person == "王书记" and entry.responsible_department
    assert entry.deadline == dt.date(year, 9, 30)
    entry.responsible_person = ""
    with pytest.raises(ValidationError, match="责任人"):
        check.save()
    check = ctx.get_doc("Self Check", check.name)
    check.entries[0].deadline = dt.date(year, 7, 1)
    with pytest.raises(ValidationError, match="须晚于自查日期"):
        check.save()
    check = ctx.get_doc("Self Check", check.name)
    check.entries[1].objective_limit = 1
    check.entries[1].gradual_plan = "场地待街道统筹，先借用社区活动室"
    check.entries[0].deadline = dt.date(year, 8, 10)
    check.submit()
    made = ctx.get_all("Rectification Item", filters={"self_check": check.name},
                       fields=["item_code", "responsible_person", "deadline", "source"])
    assert {m["item_code"] for m in made} == {"4.2", "6.2"} and all(m["source"] == "自查" for m in made)
    lists = self_check.lists(ctx.get_doc("Self Check", check.name))
    assert len(lists["问题清单"]) == len(lists["任务清单"]) == len(lists["责任清单"]) == 2
    assert [m["month"] for m in lists["时间表"]] == [f"{year}-08", f"{year}-09"]
    assert [s["stage"] for s in lists["路线图"]] == ["立即整改", "逐步解决"]


def test_rectification_due_after_creation_with_progress_review_and_overdue(ctx):
    year = 2142
    b = Branch(ctx)
    on(ctx, f"{year}-08-01")
    base = {"doctype": "Rectification Item", "party_org": b.name, "year": year, "problem": "集体学习不足",
            "responsible_person": "张书记"}
    for past in (f"{year}-07-31", f"{year}-08-01"):
        with pytest.raises(ValidationError, match="须晚于今天"):
            ctx.insert({**base, "deadline": past})
    with pytest.raises(ValidationError, match="必填"):
        ctx.insert({**base, "responsible_person": None, "deadline": f"{year}-09-30"})
    item = ctx.insert({**base, "deadline": f"{year}-08-20"})
    act(ctx, "Rectification Item", item.name, "开始整改")
    item = ctx.get_doc("Rectification Item", item.name)
    assert ctx.get_value("Workflow Action", {"reference_name": item.name, "status": "Open"}, "due_date") == dt.date(year, 8, 20)
    item.deadline = dt.date(year, 8, 21)
    item.save()  # the review task carries the item's deadline as it moves
    assert ctx.get_value("Workflow Action", {"reference_name": item.name, "status": "Open"}, "due_date") == dt.date(year, 8, 21)
    item = ctx.get_doc("Rectification Item", item.name)
    item.append("progress", {"note_date": f"{year}-08-01", "note": "已建立每月学习制度", "evidence": "/files/p.jpg"})
    item.save()
    on(ctx, f"{year}-08-25")
    overdue = [a for a in alerts.alerts_for(ctx, ctx.today(), org=b.district) if a.kind == "rectification_overdue"]
    assert overdue and item.name in overdue[0].records[0]["name"]
    assert dashboards.progress(ctx, year, b.district, today=ctx.today())["phases"][2]["overdue"] == 1
    act(ctx, "Rectification Item", item.name, "完成整改")
    act(ctx, "Rectification Item", item.name, "验收")
    closed = ctx.get_doc("Rectification Item", item.name)
    assert closed.reviewed_by == ctx.user and closed.closed_on == dt.date(year, 8, 25) and closed.progress[0].note


def test_a_sheet_with_blank_self_scores_cannot_be_submitted_and_the_message_names_them(ctx):
    year = 2143
    open_year(ctx, year)
    sheet = ctx.insert({"doctype": "Self Assessment", "party_org": Branch(ctx).name, "year": year})
    with pytest.raises(ValidationError) as none:
        act(ctx, "Self Assessment", sheet.name, "提交")
    assert "没有填写任何自评得分" in none.value.message and "1.1" in none.value.message
    sheet = ctx.get_doc("Self Assessment", sheet.name)
    for row in sheet.items:
        row.self_score = None if row.code in ("2.3", "5.1") else row.points
    sheet.save()
    with pytest.raises(ValidationError) as some:
        act(ctx, "Self Assessment", sheet.name, "提交")
    blank = {r.code: r.content for r in sheet.items if r.code in ("2.3", "5.1")}
    assert "2 个评分项未填写" in some.value.message
    assert all(f"{code} {content}" in some.value.message for code, content in blank.items())
    assert ctx.get_doc("Self Assessment", sheet.name).workflow_state == "草稿"


def test_paper_copies_received_by_whom_and_when(ctx):
    year = 2144
    open_year(ctx, year)
    on(ctx, f"{year}-10-28")
    sheet = scored_sheet(ctx, Branch(ctx).name, year)
    received = api.receive_paper(ctx, doctype="Self Assessment", name=sheet.name, copies=2)
    assert received["paper_copies"] == 2 and received["paper_received_by"] == ctx.user
    assert received["paper_received_on"] == f"{year}-10-28"
    with pytest.raises(ValidationError, match="received_on"):
        api.receive_paper(ctx, doctype="Self Assessment", name=sheet.name, received_on="28/10/2144")


def test_a_return_notice_says_returned_by_whom_to_which_step_and_why(site):
    year = 2145
    with site.context() as ctx:
        open_year(ctx, year)
        maker = f"{unique('sec')}@example.cn"
        ctx.insert({"doctype": "User", "email": maker, "first_name": "李书记", "roles": [{"role": "支部书记"}]})
        b = Branch(ctx)
        ctx.insert({"doctype": "User Permission", "user": maker, "allow": "Org Unit", "for_value": b.org})
    with site.context(user=maker) as ctx:
        sheet = ctx.insert({"doctype": "Self Assessment", "party_org": b.name, "year": year})
        for row in sheet.items:
            row.self_score = row.points
        sheet.save()
        act(ctx, "Self Assessment", sheet.name, "提交")
    with site.context() as ctx:
        act(ctx, "Self Assessment", sheet.name, "退回", comment="请补充党费收缴台账")
    with site.context() as ctx:
        notices = ctx.get_all("Notification Log", filters={"for_user": maker, "document_name": sheet.name}, pluck="subject")
    notice = next(n for n in notices if n.startswith("退回"))
    assert "Administrator" in notice or "系统管理员" in notice
    assert "“区级/单位审核”退回至“草稿”" in notice and "退回理由：请补充党费收缴台账" in notice


def test_a_plaque_only_after_every_award_rule_each_refusal_a_sentence(ctx):
    year = 2150
    open_year(ctx, year, demonstration_target_min=1, demonstration_target_max=2)
    on(ctx, f"{year}-10-15")
    ok = demonstration_candidate(ctx, year)
    old = demonstration_candidate(ctx, year, secretary_born=f"{year - 80}-01-01")
    expired = demonstration_candidate(ctx, year, term=(f"{year - 4}-01-01", f"{year}-06-30"))
    low = demonstration_candidate(ctx, year, city=90.0)
    objected = demonstration_candidate(ctx, year)

    def refused(branch, *words):
        with pytest.raises(PermissionError) as caught:
            act(ctx, "Demonstration Application", branch.application, "授牌")
        for word in words:
            assert word in caught.value.message, caught.value.message
        assert "(" not in caught.value.message and "count" not in caught.value.message
        return caught.value.message

    on(ctx, f"{year}-11-10")
    refused(ok, "尚未经过公示")
    notice = publish(ctx, year, f"{year}-11-05", f"{year}-11-15")
    refused(ok, "公示期到", "才结束")
    doc = ctx.get_doc("Public Notice", notice)
    doc.append("objection_rows", {"application": objected.application, "received_on": f"{year}-11-08",
                                  "content": "该支部集体学习记录不实"})
    doc.save()
    on(ctx, f"{year}-11-20")
    assert act(ctx, "Demonstration Application", ok.application, "授牌").workflow_state == "授牌"
    assert ctx.get_value("Plaque", {"application": ok.application}, "awarded_on") == dt.date(year, 11, 20)
    refused(objected, "异议尚未核实处理")
    refused(old, "超过 75 岁", "例外")
    refused(expired, "任期已于", "届满")
    refused(low, "低于", "分数线")
    application = ctx.get_doc("Demonstration Application", old.application)
    application.age_exception = 1
    application.age_exception_reason = "身体健康，威望高，经区委组织部同意留任"
    application.save()
    assert act(ctx, "Demonstration Application", old.application, "授牌").workflow_state == "授牌"
    doc = ctx.get_doc("Public Notice", notice)
    doc.objection_rows[0].status = "不成立"
    doc.objection_rows[0].resolution = "经核实，学习记录齐全"
    doc.save()
    refused(objected, "配额已用完", "1—2")  # the three-year cap of this year's Programme Year
    assert api.award_check(ctx, name=objected.application)["reasons"]
    recommended = demonstration.recommendations(ctx, year)
    assert {r["party_org"] for r in recommended} >= {ok.name, old.name}
    assert all(r["recommended_for"] == "省、市离退休干部先进集体" for r in recommended)


def test_the_spot_check_keeps_its_sample_and_a_failure_withdraws_the_plaque(ctx):
    year = 2155
    open_year(ctx, year)
    on(ctx, f"{year}-10-20")
    branches = [demonstration_candidate(ctx, year) for _ in range(2)]
    publish(ctx, year, f"{year}-11-01", f"{year}-11-08", [b.application for b in branches])
    on(ctx, f"{year}-11-10")
    for b in branches:
        act(ctx, "Demonstration Application", b.application, "授牌")
    on(ctx, f"{year + 1}-06-01")
    check = demonstration.draw_spot_check(ctx, year + 1, 50, seed="audit-2156")
    again = demonstration.sample(sorted(check.population, key=str) and
                                 [{"name": n, "party_org": None} for n in check.population], 50, "audit-2156")
    assert {r["name"] for r in again} == set(check.population)
    drawn = {r.application: r for r in check.results}
    assert {b.application for b in branches} <= set(drawn)
    failing = drawn[branches[0].application]
    failing.outcome = "撤销"
    with pytest.raises(ValidationError, match="撤销须写明原因|必填"):
        check.save()
    check = ctx.get_doc("Spot Check", check.name)
    row = next(r for r in check.results if r.application == branches[0].application)
    row.outcome, row.notes = "撤销", "复核发现半年未开展集体学习"
    check.save()
    plaque = ctx.get_value("Plaque", {"application": branches[0].application}, ["status", "revoke_reason", "revoked_on", "name"],
                           as_dict=True)
    assert plaque["status"] == "撤销" and plaque["revoke_reason"] == "复核发现半年未开展集体学习"
    assert plaque["revoked_on"] == dt.date(year + 1, 6, 1)
    assert ctx.get_count("Version", {"ref_doctype": "Plaque", "docname": plaque["name"]}) >= 1  # history kept
    history = ctx.get_all("Workflow History", filters={"reference_name": branches[0].application, "action": "撤销"},
                          fields=["comment"])
    assert history and history[0]["comment"] == "复核发现半年未开展集体学习"
    assert not ctx.get_value("Party Organization", branches[0].name, "is_demonstration")


def test_noncompliant_list_with_lost_items_and_rectification_status(ctx):
    year = 2160
    open_year(ctx, year)
    on(ctx, f"{year}-10-20")
    district = new_district(ctx)
    failed = Branch(ctx, district, sector="机关")
    passed = Branch(ctx, district, sector="机关")
    never = Branch(ctx, district, sector="事业单位")
    scored_sheet(ctx, failed.name, year, city=60.0)
    scored_sheet(ctx, passed.name, year, city=100.0)
    on(ctx, f"{year}-11-20")
    rows = {r["party_org"]: r for r in api.noncompliant(ctx, year=year, org=district)}
    assert set(rows) == {failed.name}  # before the evaluation deadline, only the city's 不达标
    assert rows[failed.name]["reason"] == "市级考评不达标" and len(rows[failed.name]["lost_items"]) == 36
    assert rows[failed.name]["rectification_total"] == 36 and "整改中：0/36" in rows[failed.name]["rectification_status"]
    on(ctx, f"{year}-12-05")
    rows = {r["party_org"]: r for r in reports.noncompliant(ctx, year, district)}
    assert rows[never.name]["reason"] == "未提交达标自评表" and passed.name not in rows
    drill = api.drill_down(ctx, year=year, org=district)
    assert {r["party_org"] for r in drill["noncompliant"]} == {failed.name, never.name}
    assert {r["party_org"] for r in drill["branches"]} == {failed.name, passed.name, never.name}


def test_half_yearly_inspections_scheduled_reminded_findings_and_overdue(fresh_site):
    from sixhave_app.six_haves import cycle_reminders as reminders

    year = 2018
    with fresh_site.context() as ctx:
        api.open_year(ctx, year=year)
        b = Branch(ctx, "梁溪区")
        ctx.insert({"doctype": "User", "email": "lx@example.cn", "first_name": "梁溪", "roles": [{"role": "区级审核员"}]})
        ctx.insert({"doctype": "User Permission", "user": "lx@example.cn", "allow": "Org Unit", "for_value": "梁溪区"})
        on(ctx, f"{year}-03-01")
        planned = supervision.schedule(ctx, year, "上半年")
        assert len(planned) == 1
        inspection = ctx.get_doc("Inspection", planned[0])
        assert inspection.status == "计划" and inspection.due_date == dt.date(year, 6, 30) and inspection.inspector_unit == "梁溪区"
    sent = remind(fresh_site, reminders.inspection_reminders, dt.date(year, 6, 23))
    assert [u for u, _ in sent] == ["lx@example.cn"] and "督促检查" in sent[0][1]
    with fresh_site.context(user="lx@example.cn") as ctx:
        on(ctx, f"{year}-07-02")
        overdue = [a for a in api.alerts(ctx) if a["kind"] == "inspection_overdue"]
        assert [a["party_org"] for a in overdue] == [b.name]
    with fresh_site.context() as ctx:
        on(ctx, f"{year}-07-05")
        doc = ctx.get_doc("Inspection", planned[0])
        doc.update({"status": "已完成", "inspection_date": f"{year}-06-20", "conclusion": "需整改"})
        doc.append("finding_rows", {"problem": "党费收缴台账不全", "task": "补齐台账", "responsible_person": "王书记",
                                    "deadline": f"{year}-08-31", "open_rectification": 1})
        doc.save()
        made = ctx.get_all("Rectification Item", filters={"inspection": doc.name}, fields=["source", "problem"])
        assert made == [{"source": "督促检查", "problem": "党费收缴台账不全"}]
        assert not [a for a in api.alerts(ctx) if a["kind"] == "inspection_overdue" and a["party_org"] == b.name]
        ctx.insert({"doctype": "User", "email": "sj@example.cn", "first_name": "书记", "roles": [{"role": "支部书记"}]})
        ctx.insert({"doctype": "User Permission", "user": "sj@example.cn", "allow": "Org Unit", "for_value": b.org})
    due = remind(fresh_site, reminders.rectification_reminders, dt.date(year, 8, 30))  # its deadline is tomorrow
    assert [u for u, _ in due] == ["sj@example.cn"] and "还有 1 天" in due[0][1]


def test_a_secretary_who_missed_the_class_shows_in_alerts(ctx):
    year = 2165
    district = new_district(ctx)
    went, missed = Branch(ctx, district), Branch(ctx, district)
    for b in (went, missed):
        b.secretary = b.member()
        b.committee("书记", b.secretary, f"{year}-01-01")
    went.training(year, [{"member": went.secretary, "post": "书记", "attended": 1}])
    day = dt.date(year, 9, 10)
    kinds = {(a.party_org, a.kind) for a in alerts.alerts_for(ctx, day, org=district)}
    assert (missed.name, "secretary_training_missed") in kinds and (went.name, "secretary_training_missed") not in kinds
    before = {(a.party_org, a.kind) for a in alerts.alerts_for(ctx, dt.date(year, 8, 1), org=district)}
    assert (missed.name, "secretary_training_missed") not in before  # not held yet


def test_leaders_reports_plan_and_the_performance_table(fresh_site):
    year = 2018
    with fresh_site.context() as ctx:
        on(ctx, f"{year}-12-10")
        ctx.insert({"doctype": "Work Report Hearing", "org": "梁溪区", "year": year, "hearing_date": f"{year}-09-01",
                    "leader": "区委副书记", "topic": "“六有一提升”工程推进情况"})
        with pytest.raises(ValidationError, match="应在 2018 年内"):
            ctx.insert({"doctype": "Work Report Hearing", "org": "梁溪区", "year": year, "hearing_date": "2019-01-02",
                        "leader": "x", "topic": "y"})
        ctx.insert({"doctype": "Party Building Plan", "org": "梁溪区", "year": year, "title": "2018年党建工作要点",
                    "includes_retired_work": 1, "excerpt": "推进离退休干部党组织“六有一提升”工程"})
        passed, failed = Branch(ctx, "梁溪区", sector="机关"), Branch(ctx, "梁溪区", sector="机关")
        scored_sheet(ctx, passed.name, year, city=100.0)
        scored_sheet(ctx, failed.name, year, city=50.0)
        table = {r["unit"]: r for r in leadership.performance(ctx, year)}
    row = table["梁溪区"]
    assert row["required"] == 2 and row["passed"] == 1 and row["pass_rate"] == 50.0 and row["target"] == 80
    assert row["hearings"] == 1 and row["in_party_building_plan"] and row["rectification_total"] == 36
    assert row["grade"] in ("好", "较好", "一般", "差") and table["江阴市"]["required"] == 0


def test_typical_cases_reviewed_and_published_and_brands_per_branch(ctx):
    b = Branch(ctx)
    case = ctx.insert({"doctype": "Typical Case", "party_org": b.name, "year": 2170, "title": "银发助学",
                       "category": "好经验好做法", "content": "<p>结对助学十年</p>"})
    act(ctx, "Typical Case", case.name, "报送")
    with pytest.raises(ValidationError, match="意见"):
        act(ctx, "Typical Case", case.name, "退回")
    assert act(ctx, "Typical Case", case.name, "发布").workflow_state == "已发布"
    assert [c["name"] for c in publicity.published_cases(ctx, 2170) if c["party_org"] == b.name] == [case.name]
    ctx.insert({"doctype": "Branch Brand", "party_org": b.name, "year": 2170, "brand_name": "夕阳红宣讲团",
                "feature": "理论宣讲进社区"})
    assert ctx.get_value("Party Organization", b.name, "brand") == "夕阳红宣讲团"


def test_dashboard_denominator_is_every_organisation_to_assess(ctx):
    year = 2175
    open_year(ctx, year, target_pass_rate=85)
    district = new_district(ctx)
    street = ctx.insert({"doctype": "Org Unit", "unit_name": unique("街道"), "level": "街道", "parent_org_unit": district}).name
    community = ctx.insert({"doctype": "Org Unit", "unit_name": unique("社区"), "level": "社区", "parent_org_unit": street}).name
    passed = Branch(ctx, district, sector="机关")
    Branch(ctx, district, sector="机关")  # no sheet at all
    Branch(ctx, district, sector="事业单位", founded_on=f"{year + 1}-03-01")  # not yet to assess
    ctx.insert({"doctype": "Party Organization", "org_name": unique("社区党支部"), "org_type": "党支部", "sector": "社区",
                "parent_unit": community, "founded_on": f"{year}-04-01"})
    scored_sheet(ctx, passed.name, year, city=100.0)
    board = dashboards.city(ctx, year, district, as_of=f"{year}-12-01")
    rates = board["pass_rates"]
    assert rates["required"] == 2 and rates["passed"] == 1 and rates["pass_rate"] == 50.0 and rates["target"] == 85
    assert not rates["meets_target"]
    states = {o["workflow_state"] for o in board["organisations"]}
    assert states == {"达标", "未建表"} and len(board["organisations"]) == 3
    streets = {s["street"]: s for s in board["community_orgs"]}
    assert streets[street]["communities"] == 1 and streets[street]["added"] == 1 and streets[street]["meets_target"]
    assert board["demonstration"]["target_min"] == 30 and board["demonstration"]["target_max"] == 50
    phases = {p["phase"]: p for p in board["progress"]["phases"]}
    assert list(phases) == ["动员部署", "自查摸底", "整改", "申报", "考核"]
    assert phases["申报"]["done"] == 1 and phases["申报"]["total"] == 3 and phases["申报"]["late"]


def test_a_districts_dashboard_counts_only_its_district_through_the_registered_guards(site):
    """A district administrator's figures are its own district's, whatever the other district did;
    and every read goes through the guards registered on the site, so a guard another layer adds
    (here: one hiding a sheet from this user) changes the dashboard as it changes any list."""
    year = 2176
    with site.context() as ctx:
        open_year(ctx, year, target_pass_rate=85)
        mine, theirs = new_district(ctx, "本区"), new_district(ctx, "他区")
        passed = Branch(ctx, mine, sector="机关")
        unsheeted = Branch(ctx, mine, sector="事业单位")  # no sheet
        scored_sheet(ctx, passed.name, year, city=100.0)
        for _ in range(2):
            scored_sheet(ctx, Branch(ctx, theirs, sector="机关").name, year, city=100.0)
        street = ctx.insert({"doctype": "Org Unit", "unit_name": unique("街道"), "level": "街道", "parent_org_unit": theirs}).name
        ctx.insert({"doctype": "Org Unit", "unit_name": unique("社区"), "level": "社区", "parent_org_unit": street})
        user = f"{unique('dash')}@example.cn"
        ctx.insert({"doctype": "User", "email": user, "first_name": "本区管理员", "roles": [{"role": "区级管理员"}]})
        ctx.insert({"doctype": "User Permission", "user": user, "allow": "Org Unit", "for_value": mine})
    with site.context(user=user) as ctx:
        board = api.dashboard(ctx, year=year, as_of=f"{year}-12-01")
    rates = board["pass_rates"]
    assert (rates["required"], rates["passed"], rates["pass_rate"]) == (2, 1, 50.0)
    assert sum(u["required"] for u in rates["units"]) == 2 and sum(u["passed"] for u in rates["units"]) == 1
    assert {o["party_org"] for o in board["organisations"]} == {passed.name, unsheeted.name}
    assert street not in {s["street"] for s in board["community_orgs"]}
    assert {p["phase"]: p["total"] for p in board["progress"]["phases"]}["申报"] == 2
    assert sum(board["progress"]["self_assessment"].values()) == 1

    def hide_passed_sheet(ctx, doctype, table, ptype="read"):
        if doctype == "Self Assessment" and ctx.user == user:
            return [table.c.party_org != passed.name]
        return []

    site.query_guards.append(hide_passed_sheet)
    site.perm_cache.clear()  # built statements are kept per permission version: guards come at start-up
    try:
        with site.context(user=user) as ctx:
            board = api.dashboard(ctx, year=year, as_of=f"{year}-12-01")
    finally:
        site.query_guards.remove(hide_passed_sheet)
        site.perm_cache.clear()
    assert (board["pass_rates"]["required"], board["pass_rates"]["passed"]) == (2, 0)
    assert {o["party_org"]: o["workflow_state"] for o in board["organisations"]}[passed.name] == "未建表"
