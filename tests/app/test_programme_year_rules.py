"""The programme year as the plan runs it (§四), on SQLite and MariaDB: any year opens, 2018 with no
earlier one; phase dates in order inside the year; targets 0–100 %; a closed year refuses its
records; deadlines drive queues, reminders and reopening; "today" is the date the site is told."""
import datetime as dt

import pytest

from sixhave_app.engine.errors import ValidationError
from sixhave_app.six_haves import api, mobilisation, programme
from sixhave_app.six_haves import cycle_reminders as reminders
from tests.app.conftest import Branch, new_district
from tests.app.cycle import on, open_year, scored_sheet
from tests.conftest import unique



def remind(site, kind, day):
    """Run one reminder job as the scheduler would (as Administrator, in its own transaction)."""
    with site.context() as ctx:
        return kind(ctx, as_of=day)


def test_any_year_opens_even_the_first_with_no_earlier_year(fresh_site):
    with fresh_site.context() as ctx:
        assert not ctx.get_value("Scoring Template", {"year": 2017}, "name")
        opened = api.open_year(ctx, year=2017)  # nothing earlier to copy: the shipped rubric
        assert ctx.get_doc("Scoring Template", opened["template"]).year == 2017
        assert len(ctx.get_doc("Scoring Template", opened["template"]).items) == 36
        first = api.open_year(ctx, year=2018)  # 2018's template exists from migrate; its year opens
        record = ctx.get_doc("Programme Year", first["programme_year"])
        assert record.is_open and record.mobilise_by == dt.date(2018, 6, 30) and record.survey_by == dt.date(2018, 7, 31)
        assert record.rectify_from == dt.date(2018, 8, 1) and record.rectify_by == dt.date(2018, 9, 30)
        assert record.declare_by == dt.date(2018, 10, 31) and record.assess_by == dt.date(2018, 11, 30)
        assert record.target_pass_rate == 80
        assert programme.open_year(ctx) == 2018
        api.open_year(ctx, year=2019)
        assert ctx.get_doc("Programme Year", "2019").target_pass_rate == 90
        assert programme.target_pass_rate(ctx, 2020) == 100


@pytest.mark.parametrize("values, words", [
    ({"survey_by": "2031-06-01"}, "不能早于动员部署截止"),
    ({"declare_by": "2031-12-20", "assess_by": "2031-12-01"}, "不能早于申报截止"),
    ({"assess_by": "2032-01-15"}, "不在 2031 年内"),
    ({"mobilise_by": "2030-12-31"}, "不在 2031 年内"),
    ({"target_pass_rate": 120}, "0 到 100"),
    ({"target_pass_rate": -5}, "0 到 100"),
])
def test_phase_dates_in_order_inside_the_year_and_targets_0_to_100(ctx, values, words):
    with pytest.raises(ValidationError) as refused:
        ctx.insert({"doctype": "Programme Year", "year": 2031, **values})
    assert words in refused.value.message


def test_a_closed_year_refuses_new_records_and_edits(ctx):
    year = 2132
    open_year(ctx, year)
    b = Branch(ctx)
    sheet = ctx.insert({"doctype": "Self Assessment", "party_org": b.name, "year": year})
    record = ctx.get_doc("Programme Year", str(year))
    record.closed = 1
    record.save()
    assert record.closed_on == ctx.today() and not record.is_open
    with pytest.raises(ValidationError, match="年度已关闭"):
        ctx.insert({"doctype": "Self Assessment", "party_org": Branch(ctx).name, "year": year})
    sheet = ctx.get_doc("Self Assessment", sheet.name)
    sheet.self_opinion = "补充"
    with pytest.raises(ValidationError, match="年度已关闭"):
        sheet.save()
    with pytest.raises(ValidationError, match="年度已关闭"):
        ctx.insert({"doctype": "Implementation Plan", "org": new_district(ctx), "year": year, "title": "方案",
                    "plan_date": f"{year}-05-01", "approved_by": "局长", "attachment": "/files/a.pdf"})


def test_after_a_deadline_a_submission_needs_the_city_to_reopen_it(ctx):
    year = 2133
    open_year(ctx, year)
    district = new_district(ctx)
    plan = {"doctype": "Implementation Plan", "org": district, "year": year, "title": "实施方案",
            "plan_date": f"{year}-07-02", "approved_by": "局长", "attachment": "/files/plan.pdf"}
    on(ctx, f"{year}-07-03")
    with pytest.raises(ValidationError) as late:
        ctx.insert(plan)
    assert "已过动员部署截止日期" in late.value.message and f"{year}-06-30" in late.value.message
    reopening = api.reopen(ctx, doctype="Implementation Plan", org=district, year=year, reason="换届推迟，经研究同意补报")
    assert reopening["reopened_by"] == ctx.user and reopening["phase"] == "动员部署" and reopening["reason"]
    other = ctx.insert({"doctype": "User", "email": f"{unique('u')}@example.cn", "first_name": "他人"}).name
    kept = ctx.get_doc("Deadline Reopening", reopening["name"])
    kept.reopened_by = other
    kept.save()
    assert ctx.get_value("Deadline Reopening", kept.name, "reopened_by") == ctx.user  # who reopened it never changes
    assert ctx.insert(plan).name
    # a sheet: submitted late only after the city reopens that very sheet
    b = Branch(ctx)
    on(ctx, f"{year}-10-20")
    sheet = ctx.insert({"doctype": "Self Assessment", "party_org": b.name, "year": year})
    for row in sheet.items:
        row.self_score = row.points
    sheet.save()
    on(ctx, f"{year}-11-02")
    from sixhave_app.engine import workflow
    with pytest.raises(ValidationError, match="已过申报截止日期"):
        workflow.apply_action(ctx, "Self Assessment", sheet.name, "提交")
    with pytest.raises(ValidationError, match="理由"):
        api.reopen(ctx, doctype="Self Assessment", name=sheet.name, reason=" ")
    api.reopen(ctx, doctype="Self Assessment", name=sheet.name, reason="书记住院，延期提交")
    assert workflow.apply_action(ctx, "Self Assessment", sheet.name, "提交").workflow_state == "区级/单位审核"


def test_review_tasks_carry_deadlines_and_are_overdue_by_the_told_date(ctx):
    from sixhave_app.engine import workflow_queue

    year = 2134
    open_year(ctx, year, declare_by=f"{year}-10-25")
    on(ctx, f"{year}-10-01")
    sheet = scored_sheet(ctx, Branch(ctx).name, year)  # waits for the city now
    item = ctx.get_value("Workflow Action", {"reference_name": sheet.name, "status": "Open"}, ["due_date"], as_dict=True)
    assert item["due_date"] == dt.date(year, 11, 30)  # the city's evaluation deadline
    on(ctx, f"{year}-11-29")
    mine = [i for i in workflow_queue.todo(ctx, doctype="Self Assessment", page_length=500)["items"] if i["reference_name"] == sheet.name]
    assert mine and not mine[0]["overdue"]
    on(ctx, f"{year}-12-01")
    mine = [i for i in workflow_queue.todo(ctx, doctype="Self Assessment", page_length=500)["items"] if i["reference_name"] == sheet.name]
    assert mine[0]["overdue"]


def test_reminders_7_days_and_1_day_before_to_those_who_still_owe(fresh_site):
    year = 2018
    with fresh_site.context() as ctx:
        api.open_year(ctx, year=year)
        on(ctx, f"{year}-06-10")
        ctx.insert({"doctype": "Implementation Plan", "org": "江阴市", "year": year, "title": "江阴方案",
                    "plan_date": f"{year}-05-10", "approved_by": "局长", "attachment": "/files/jy.pdf"})
        for login, unit in (("jy", "江阴市"), ("yx", "宜兴市")):
            ctx.insert({"doctype": "User", "email": f"{login}@example.cn", "first_name": login, "roles": [{"role": "区级管理员"}]})
            ctx.insert({"doctype": "User Permission", "user": f"{login}@example.cn", "allow": "Org Unit", "for_value": unit})
    assert remind(fresh_site, reminders.phase_reminders, dt.date(year, 6, 22)) == []  # 8 days before: nothing
    sent = remind(fresh_site, reminders.phase_reminders, dt.date(year, 6, 23))
    assert {u for u, _ in sent} == {"yx@example.cn"}  # 江阴 has its plan; 宜兴 still owes it
    assert "还有 7 天" in sent[0][1] and "宜兴市" in sent[0][1]
    assert remind(fresh_site, reminders.phase_reminders, dt.date(year, 6, 23)) == []  # never twice
    again = remind(fresh_site, reminders.phase_reminders, dt.date(year, 6, 29))
    assert {u for u, _ in again} == {"yx@example.cn"} and "还有 1 天" in again[0][1]
    with fresh_site.context() as ctx:
        logs = ctx.get_all("Notification Log", filters={"for_user": "yx@example.cn"}, pluck="subject")
    assert len(logs) == 2 and all("实施方案" in s for s in logs)
    assert set(remind(fresh_site, reminders.daily, dt.date(year, 6, 29))) == {"phase", "rectification", "inspection"}
    daily = fresh_site.hooks.scheduler_events["daily_long"]  # each kind is a daily job of the scheduler
    assert {f"sixhave_app.six_haves.cycle_reminders.{k}_reminders" for k in ("phase", "rectification", "inspection")} <= set(daily)
    # 申报 and 考核: the branch whose sheet is still a draft; the city's reviewers holding sheets
    with fresh_site.context() as ctx:
        ctx.insert({"doctype": "User", "email": "city@example.cn", "first_name": "市级", "roles": [{"role": "市级审核员"}]})
        ctx.insert({"doctype": "User", "email": "sec@example.cn", "first_name": "书记", "roles": [{"role": "支部书记"}]})
        draft = Branch(ctx, "锡山区")
        ctx.insert({"doctype": "User Permission", "user": "sec@example.cn", "allow": "Org Unit", "for_value": draft.org})
        on(ctx, f"{year}-10-20")
        ctx.insert({"doctype": "Self Assessment", "party_org": draft.name, "year": year})
        scored_sheet(ctx, Branch(ctx, "梁溪区").name, year)  # waits for the city
    declared = remind(fresh_site, reminders.phase_reminders, dt.date(year, 10, 24))
    assert ("sec@example.cn" in {u for u, _ in declared}) and any("尚未提交" in s for _, s in declared)
    evaluated = remind(fresh_site, reminders.phase_reminders, dt.date(year, 11, 23))
    assert [u for u, _ in evaluated] == ["city@example.cn"] and "待市级考评" in evaluated[0][1]


def test_plans_the_city_sees_who_has_and_who_has_not(fresh_site):
    with fresh_site.context() as ctx:
        ctx.insert({"doctype": "Implementation Plan", "org": "梁溪区", "year": 2018, "title": "梁溪区实施方案",
                    "plan_date": "2018-06-15", "approved_by": "区委组织部部长", "attachment": "/files/lx.pdf"})
        with pytest.raises(ValidationError, match="市（县）区或市直单位"):
            ctx.insert({"doctype": "Implementation Plan", "org": "无锡市", "year": 2018, "title": "x",
                        "plan_date": "2018-06-15", "approved_by": "y", "attachment": "/files/x.pdf"})
        status = mobilisation.plan_status(ctx, 2018)
    assert status["deadline"] == dt.date(2018, 6, 30)
    mine = next(u for u in status["units"] if u["org"] == "梁溪区")
    assert mine["has_plan"] and mine["approved_by"] == "区委组织部部长" and mine["on_time"]
    assert "江阴市" in status["missing"] and "市教育局" in status["missing"] and "梁溪区" not in status["missing"]
    assert status["total"] == 8 + 12 and status["with_plan"] == 1


def test_alerts_are_judged_on_the_told_date_not_the_calendar(ctx):
    from sixhave_app.six_haves import alerts

    district = new_district(ctx)
    b = Branch(ctx, district, term_start="2016-01-01", term_end="2020-12-31")
    year, day = programme.as_of_for(ctx, 2018, dt.date(2026, 12, 1))
    assert (year, day) == (2018, dt.date(2018, 12, 31))  # a historical year is judged as it ended
    then = {a.kind for a in alerts.alerts_for(ctx, day, org=district) if a.party_org == b.name}
    now = {a.kind for a in alerts.alerts_for(ctx, dt.date(2026, 12, 1), org=district) if a.party_org == b.name}
    assert "term_expired" not in then and "term_expired" in now
    on(ctx, "2018-12-31")
    assert ctx.today() == dt.date(2018, 12, 31)
    assert [a for a in api.alerts(ctx, org=district, year=2018) if a["kind"] == "term_expired"] == []
