"""Alerts: on 20 May 2024 a district sees what its branches must do now — an expired term, an old
secretary, a group that should be a branch, a month without study, a late or missing visit, a
homebound member without home study, dues unpaid three months, an incomplete venue, a committee
vacancy, a mobile member nobody co-manages — and the Party calendar. Each user sees only their own
subtree."""
import datetime as dt

import pytest

from sixhave_app.six_haves import alerts
from tests.app.conftest import Branch, QueryCounter, new_district
from tests.conftest import unique

TODAY = dt.date(2024, 5, 20)


def clear_field(ctx, doctype, name, fieldname):
    """Empty a field the form would not let one empty (as old imported data may have it)."""
    table = ctx.table(doctype)
    ctx.conn.execute(table.update().where(table.c.name == name).values({fieldname: None}))


@pytest.fixture(scope="module")
def world(site):
    with site.context(ignore_permissions=True) as ctx:
        district_a, district_b = new_district(ctx, "甲区"), new_district(ctx, "乙区")

        problem = Branch(ctx, district_a, org_type="党小组", parent_has_approval=1,
                         term_start="2019-04-01", term_end="2024-03-31")
        old_secretary = problem.member("老书记", birth_date="1945-01-01", join_date="1974-05-10")
        leaver = problem.member("离任委员")
        frail = problem.member("卧床者", homebound=1)
        mobile = problem.member("外地居住者", is_mobile=1, co_managing_org="待定")
        clear_field(ctx, "Party Member", mobile, "co_managing_org")
        deceased = problem.member("已故党员", status="去世", join_date="1974-05-05", death_date="2024-04-01")
        problem.committee("书记", old_secretary, "2019-04-01")
        problem.committee("委员", leaver, "2019-04-01", "2024-01-31")
        problem.visit(leaver, "生病住院", "2024-04-01", "2024-04-25")
        problem.visit(frail, "生病住院", "2024-02-01", "2024-02-03")  # visited on time
        for day in ("2024-01-10", "2024-02-10", "2024-04-10"):
            problem.meeting("集体学习", day)
        for member in (old_secretary, frail, mobile):
            problem.dues_for_year(member, 2024, "20", months=(2, 3, 4))

        good = Branch(ctx, district_a, parent_has_approval=1, term_start="2022-01-01", term_end="2026-12-31")
        sec = good.member("好书记", birth_date="1955-03-01", join_date="1990-05-31")
        good.member("五十年党员", join_date="1974-09-01")
        good.member("普通党员", join_date="1980-09-01")
        good.committee("书记", sec, "2022-01-01")
        for month in (1, 2, 3, 4):
            good.meeting("集体学习", dt.date(2024, month, 8))
        for member in good.members:
            good.dues_for_year(member, 2024, "20", months=(2, 3, 4))
        good.venue(2024)

        ending = Branch(ctx, district_a, term_start="2019-08-01", term_end="2024-07-31")
        other = Branch(ctx, district_b, term_start="2018-02-01", term_end="2024-01-31")

        email = f"{unique('alerts')}@example.cn"
        ctx.insert({"doctype": "User", "email": email, "first_name": "甲区管理员", "roles": [{"role": "区级管理员"}]})
        ctx.insert({"doctype": "User Permission", "user": email, "allow": "Org Unit", "for_value": district_a})
    return {"a": district_a, "b": district_b, "problem": problem, "good": good, "ending": ending, "other": other,
            "user": email, "leaver": leaver, "deceased": deceased, "frail": frail, "mobile": mobile}


def of(found, branch):
    return [a for a in found if a.party_org == branch.name]


def by_kind(found):
    out = {}
    for a in found:
        out.setdefault(a.kind, []).append(a)
    return out


def test_a_branch_in_trouble_gets_every_alert_it_has_earned(site, world):
    with site.context(ignore_permissions=True) as ctx:
        found = alerts.alerts_for(ctx, TODAY, org=world["a"])
    p = world["problem"]
    kinds = by_kind(of(found, p))
    assert set(kinds) == {"term_expired", "secretary_over_age", "should_be_branch", "committee_vacancy",
                          "no_collective_study", "visit_late", "visit_missing", "home_study_due", "dues_unpaid",
                          "venue_incomplete", "mobile_not_co_managed"}
    name = p.name
    assert kinds["term_expired"][0].message == f"{name}本届任期已于2024-03-31届满，尚未换届"
    assert kinds["term_expired"][0].severity == "high" and kinds["term_expired"][0].org == p.org
    assert kinds["secretary_over_age"][0].message == f"{name}书记老书记已79岁，超过75岁"
    assert "有在册党员4名" in kinds["should_be_branch"][0].message
    assert kinds["committee_vacancy"][0].message == f"{name}委员（原离任委员）自2024-01-31出缺，已超过90天未增补"
    assert kinds["no_collective_study"][0].message == f"{name}2024年3月未开展集体学习"
    late = kinds["visit_late"]
    assert len(late) == 1 and late[0].message == f"离任委员（{name}）2024-04-01生病住院，2024-04-25才走访，超过14天"
    assert late[0].records[0]["doctype"] == "Care Visit"
    missing = kinds["visit_missing"]
    assert [a.records[0]["name"] for a in missing] == [world["deceased"]]
    assert "已故党员" in missing[0].message and "没有弥留去世走访记录" in missing[0].message
    assert [r["name"] for r in kinds["home_study_due"][0].records] == [world["frail"]]
    assert kinds["home_study_due"][0].message == f"{name}本季度（第2季度）尚未为卧床者送学上门"
    dues = kinds["dues_unpaid"]
    assert [a.records[0]["name"] for a in dues] == [world["leaver"]]
    assert dues[0].message == f"离任委员（{name}）已连续3个月（2024年2—4月）未足额交纳党费"
    assert kinds["venue_incomplete"][0].message == f"{name}尚未填报2024年活动场所“六有”清单"
    assert [a.records[0]["name"] for a in kinds["mobile_not_co_managed"]] == [world["mobile"]]
    assert kinds["dues_unpaid"][0].as_dict()["records"] == [
        {"doctype": "Party Member", "name": world["leaver"], "label": f"离任委员（{name}）"}]
    # most severe first
    assert found[0].severity == "high"
    assert [alerts.SEVERITY_ORDER[a.severity] for a in found] == sorted(alerts.SEVERITY_ORDER[a.severity] for a in found)


def test_a_branch_that_keeps_its_books_has_no_alerts(site, world):
    with site.context(ignore_permissions=True) as ctx:
        found = alerts.alerts_for(ctx, TODAY, org=world["a"])
    assert of(found, world["good"]) == []
    assert "term_ending" in by_kind(of(found, world["ending"]))
    assert "term_expired" not in by_kind(of(found, world["ending"]))


def test_a_term_ending_within_90_days_is_flagged_before_it_expires(site, world):
    with site.context(ignore_permissions=True) as ctx:
        early = alerts.alerts_for(ctx, dt.date(2024, 4, 1), org=world["a"])
        after = alerts.alerts_for(ctx, dt.date(2024, 8, 1), org=world["a"])
    assert "term_ending" not in by_kind(of(early, world["ending"]))
    assert by_kind(of(after, world["ending"]))["term_expired"][0].severity == "high"


def test_a_district_user_sees_only_the_alerts_of_their_district(site, world):
    with site.context(user=world["user"]) as ctx:
        assert not ctx.ignore_permissions
        mine = alerts.alerts_for(ctx, TODAY)
        asked_for_other = alerts.alerts_for(ctx, TODAY, org=world["b"])
    assert {a.party_org for a in mine} == {world["problem"].name, world["ending"].name}
    assert asked_for_other == []
    with site.context(ignore_permissions=True) as ctx:
        everything = alerts.alerts_for(ctx, TODAY)
        other_only = alerts.alerts_for(ctx, TODAY, org=world["b"])
    assert world["other"].name in {a.party_org for a in everything}
    assert {a.party_org for a in other_only} == {world["other"].name}


def test_alerts_cost_the_same_queries_for_three_branches_or_six(site, world):
    with site.context(ignore_permissions=True) as ctx:
        ctx.get_value("Org Unit", world["a"], "name")  # begin the transaction
        with QueryCounter(site.engine) as three_branches:
            alerts.alerts_for(ctx, TODAY, org=world["a"])
        for _ in range(3):
            more = Branch(ctx, world["a"], term_end="2024-06-30", term_start="2020-07-01")
            member = more.member(homebound=1)
            more.committee("书记", member, "2020-07-01")
            more.meeting("集体学习", "2024-02-10")
            more.visit(member, "生病住院", "2024-03-01", "2024-03-30")
            more.dues(member, "2024-03-01", "20")
        with QueryCounter(site.engine) as six_branches:
            found = alerts.alerts_for(ctx, TODAY, org=world["a"])
        ctx.rollback()
    assert len({a.party_org for a in found}) == 5
    assert six_branches.count == three_branches.count <= 20


def test_the_party_calendar_for_may(site, world):
    with site.context(user=world["user"]) as ctx:
        entries = alerts.calendar_for(ctx, TODAY)
    seen = {(e.kind, e.records[0]["label"].split("（")[0], e.date) for e in entries}
    assert seen == {
        ("political_birthday", "老书记", dt.date(2024, 5, 10)),
        ("fifty_years", "老书记", dt.date(2024, 5, 10)),
        ("political_birthday", "好书记", dt.date(2024, 5, 31)),
        ("fifty_years", "五十年党员", dt.date(2024, 9, 1)),
        ("election_due", world["ending"].name, dt.date(2024, 7, 31)),
    }
    birthday = next(e for e in entries if e.kind == "political_birthday" and e.date.day == 10)
    assert birthday.message == f"老书记（{world['problem'].name}）5月10日政治生日，入党50周年"
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    assert birthday.as_dict()["date"] == "2024-05-10"  # as the API returns it
    with site.context(ignore_permissions=True) as ctx:
        assert {e.party_org for e in alerts.calendar_for(ctx, TODAY, org=world["b"])} <= {world["other"].name}
