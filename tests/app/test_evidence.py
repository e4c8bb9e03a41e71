"""Evidence: each rule of the scoring template reads a branch's books for the year and proposes a
score with the records it used. A branch that keeps every book scores full points; a branch with a
missing month, an unpaid member or a late visit is marked down for exactly that, and says so."""
import datetime as dt
from decimal import Decimal

import pytest

from sixhave_app.engine.errors import DoesNotExistError, ValidationError
from sixhave_app.six_haves import evidence
from tests.app.conftest import Branch, QueryCounter
from tests.conftest import unique

YEAR = 2023

# The evidence-bearing items of the default rubric (rubric-default.yaml), as template rows.
RUBRIC = [
    ("1.1", 3, "separate_org_rule", {"min_members": 3}),
    ("1.3", 3, "term_in_force", {"min_years": 3, "max_years": 5}),
    ("1.4", 2, "member_records_complete", {}),
    ("1.5", 2, "mobile_members_co_managed", {}),
    ("1.6", 2, "document_exists", {"kind": "年度工作计划"}),
    ("1.7", 2, "document_exists", {"kind": "年度工作总结"}),
    ("2.1", 3, "committee_complete", {}),
    ("2.3", 2, "secretary_max_age", {"max_age": 75}),
    ("2.4", 2, "vacancies_filled", {"within_days": 90}),
    ("2.5", 2, "liaison_assigned", {}),
    ("2.6", 3, "training_attended", {}),
    ("3.1", 4, "meetings_per_period", {"kinds": {"支部党员大会": {"per": "quarter", "min": 1},
                                                 "支委会": {"per": "quarter", "min": 1},
                                                 "党小组会": {"per": "quarter", "min": 1},
                                                 "党课": {"per": "quarter", "min": 1}}}),
    ("3.2", 2, "activity_count", {"kinds": ["民主评议"], "min": 1}),
    ("3.3", 2, "talks_cover_members", {"min_share": 1.0}),
    ("3.4", 3, "member_profiles_complete", {"fields": ["residence", "activity", "family_health", "needs"]}),
    ("3.5", 3, "required_visits_done", {}),
    ("3.6", 2, "home_study_for_homebound", {}),
    ("3.7", 4, "dues_paid_in_full", {}),
    ("4.2", 5, "meetings_per_period", {"kinds": {"集体学习": {"per": "month", "min": 1}}}),
    ("4.4", 3, "activity_count", {"kinds": ["文体活动"], "min": 2}),
    ("4.5", 3, "activity_count", {"kinds": ["参观学习"], "min": 1}),
    ("4.6", 3, "activities_documented", {}),
    ("5.1", 3, "activity_count", {"kinds": ["正能量活动"], "min": 1}),
    ("5.3", 3, "activity_count", {"kinds": ["主题活动"], "min": 1}),
    ("6.1", 3, "funding_recorded", {"kinds": ["工作经费", "教育管理经费", "书记工作补贴"]}),
    ("6.3", 4, "venue_checklist", {"items": ["有场所", "有设施", "有标志", "有报刊杂志", "有制度", "有宣传栏"]}),
    ("6.5", 3, "activity_count", {"kinds": ["线上学习"], "min": 1}),
]
ITEMS = [{"code": code, "points": points, "evidence_rule": rule, "evidence_params": params}
         for code, points, rule, params in RUBRIC]
POINTS = {code: Decimal(points) for code, points, _, _ in RUBRIC}


def items(*codes):
    return [i for i in ITEMS if i["code"] in codes]


def one(ctx, branch, code, **params):
    """The proposal for one rubric item (its parameters overridden by `params`)."""
    item = next(i for i in ITEMS if i["code"] == code)
    return evidence.propose(ctx, branch.name, YEAR, item["evidence_rule"], item["points"],
                            {**item["evidence_params"], **params})


def names(proposal, doctype):
    return {r["name"] for r in proposal.records if r["doctype"] == doctype}


def label_of(proposal, name):
    return next(r["label"] for r in proposal.records if r["name"] == name)


def test_the_registry_holds_every_rule_the_rubric_names():
    named = {rule for _, _, rule, _ in RUBRIC}
    assert named <= set(evidence.RULES)
    assert set(evidence.RULES) == {
        "separate_org_rule", "term_in_force", "member_records_complete", "mobile_members_co_managed",
        "document_exists", "committee_complete", "secretary_max_age", "vacancies_filled", "liaison_assigned",
        "training_attended", "meetings_per_period", "activity_count", "talks_cover_members",
        "member_profiles_complete", "required_visits_done", "home_study_for_homebound", "dues_paid_in_full",
        "activities_documented", "funding_recorded", "venue_checklist"}


# --------------------------------------------------------------------------- a model branch
@pytest.fixture(scope="module")
def model(site):
    """A branch that kept every book in 2023: eight members, a full committee with a vacancy filled
    in 45 days, monthly study, 三会一课 every quarter, every activity, talks with all, visits on
    time, home study each quarter for its homebound member, dues in full, funds, venue, plan and
    summary, and its secretary at the city's training."""
    with site.context(ignore_permissions=True) as ctx:
        b = Branch(ctx, parent_has_approval=1, term_start="2021-06-01", term_end="2026-05-31",
                   liaison_name="李明", liaison_unit="市教育局")
        m = [b.member(f"模范{i}") for i in range(5)]
        m.append(b.member("模范5", homebound=1, health="卧床"))
        m.append(b.member("模范6", is_mobile=1, co_managing_org="上海市某社区党支部", co_managing_contact="王五 13900000000"))
        m.append(b.member("模范7", pension="6000"))
        for post, member in (("书记", m[0]), ("组织委员", m[1]), ("宣传委员", m[2])):
            b.committee(post, member)
        b.committee("纪检委员", m[3], "2021-06-01", "2023-03-31")
        b.committee("纪检委员", m[4], "2023-05-15")
        b.training(YEAR, [{"member": m[0], "post": "书记"}])
        study = [b.meeting("集体学习", dt.date(YEAR, month, 10)) for month in range(1, 13)]
        for kind in ("支部党员大会", "支委会", "党小组会", "党课"):
            for month in (2, 5, 8, 11):
                b.meeting(kind, dt.date(YEAR, month, 15))
        for kind, day in (("民主评议", "2023-12-20"), ("文体活动", "2023-04-20"), ("文体活动", "2023-10-20"),
                          ("参观学习", "2023-06-20"), ("正能量活动", "2023-07-20"), ("主题活动", "2023-09-20"),
                          ("线上学习", "2023-03-20")):
            b.meeting(kind, day)
        for month in (1, 4, 7, 10):
            b.meeting("送学上门", dt.date(YEAR, month, 25), attendees=[m[5]], status="送学上门", home_study=1)
        for member in m:
            b.talk(member, "2023-06-01")
        b.visit(m[1], "重大节日", "2023-01-21", "2023-01-20")
        b.visit(m[2], "生病住院", "2023-04-01", "2023-04-05")
        for member in m:
            b.dues_for_year(member, YEAR, "60" if member == m[7] else "20")
        for kind in ("工作经费", "教育管理经费", "书记工作补贴"):
            b.fund(kind, "2023-03-01")
        b.venue(YEAR)
        b.document("年度工作计划", YEAR)
        b.document("年度工作总结", YEAR)
    b.ctx = None
    b.study = study
    return b


def test_a_branch_that_keeps_every_book_gets_full_points(site, model):
    with site.context(ignore_permissions=True) as ctx:
        proposals = evidence.propose_all(ctx, model.name, YEAR, ITEMS)
    assert set(proposals) == set(POINTS)
    short = {code: (p.score, p.note) for code, p in proposals.items() if p.score != POINTS[code]}
    assert short == {}
    assert all(isinstance(p.score, Decimal) for p in proposals.values())
    # the records used are named, with labels a person can read
    study = proposals["4.2"]
    assert set(model.study) <= names(study, "Meeting")
    assert study.note.startswith("12个月中有12个月开展集体学习")
    assert names(proposals["3.7"], "Dues Payment") and len(names(proposals["3.7"], "Dues Payment")) == 8 * 12
    assert names(proposals["3.3"], "Talk Record") and not names(proposals["3.3"], "Party Member")
    assert proposals["2.3"].note == "书记模范0在2023年末73岁（不超过75岁）"
    assert "纪检委员" in proposals["2.4"].note or "1次在90天内增补" in proposals["2.4"].note
    assert proposals["2.6"].records[0]["doctype"] == "Training"
    assert proposals["3.5"].note == "应访2项，按时2项"


def test_the_year_is_read_once_for_all_items(site, model):
    """A handful of queries per branch, not per item; many branches cost no more queries than one."""
    with site.context(ignore_permissions=True) as ctx:
        ctx.get_value("Party Organization", model.name, "name")  # begin the transaction
        with QueryCounter(site.engine) as one_branch:
            evidence.propose_all(ctx, model.name, YEAR, ITEMS)
        others = [Branch(ctx) for _ in range(3)]
        for b in others:
            b.member()
        with QueryCounter(site.engine) as four_branches:
            result = evidence.propose_many(ctx, [model.name] + [b.name for b in others], YEAR, ITEMS)
        ctx.rollback()
    assert one_branch.count <= 14  # one or a few queries per kind of record
    assert four_branches.count <= one_branch.count + 1
    assert len(result) == 4 and result[model.name]["4.2"].score == Decimal(5)


# --------------------------------------------------------------------------- 有党的组织
def test_three_members_and_approval_authority_call_for_a_branch_of_their_own(ctx, branch):
    group = branch(org_type="党小组", parent_has_approval=1)
    for _ in range(3):
        group.member()
    p = one(ctx, group, "1.1")
    assert p.score == 0 and "应单独建立党支部，现为党小组" in p.note
    assert p.records == [{"doctype": "Party Organization", "name": group.name, "label": group.name}]
    without_authority = branch(org_type="党小组", parent_has_approval=0)
    for _ in range(3):
        without_authority.member()
    assert one(ctx, without_authority, "1.1").score == 3
    small = branch(parent_has_approval=1)
    small.member()
    small.member()
    assert one(ctx, small, "1.1").score == 3
    assert one(ctx, branch(), "1.1").score == 0  # no members at all


def test_term_of_three_to_five_years_not_expired_at_year_end(ctx, branch):
    assert one(ctx, branch(term_start="2021-06-01", term_end="2026-05-31"), "1.3").score == 3
    expired = one(ctx, branch(term_start="2018-07-01", term_end="2023-06-30"), "1.3")
    assert expired.score == 0 and "2023年末已超期未换届" in expired.note
    too_long = one(ctx, branch(term_start="2018-01-01", term_end="2025-01-01"), "1.3")
    assert too_long.score == 0 and "不在3至5年之间" in too_long.note
    assert one(ctx, branch(), "1.3").note == "未登记本届任期起止日期"


def test_the_roll_and_the_four_knowns_are_shares_of_members(ctx, branch):
    b = branch()
    b.member()
    no_phone = b.member(phone=None)
    no_needs = b.member(needs="")
    b.member(status="转出", phone=None)  # transferred out: not counted
    roll = one(ctx, b, "1.4")
    assert roll.score == Decimal("1.3") and roll.note == "在册党员3名，其中2名名册信息完整"
    assert label_of(roll, no_phone).endswith("（缺电话）")
    known = one(ctx, b, "3.4")
    assert known.score == Decimal("2.0") and "缺有什么需求" in label_of(known, no_needs)


def test_mobile_members_need_a_co_managing_org_and_a_contact(ctx, branch):
    b = branch()
    b.member()
    assert one(ctx, b, "1.5").note == "无流动党员" and one(ctx, b, "1.5").score == 2
    b.member(is_mobile=1, co_managing_org="苏州某社区党支部", co_managing_contact="赵六")
    loose = b.member(is_mobile=1, co_managing_org="南京某社区党支部")
    p = one(ctx, b, "1.5")
    assert p.score == Decimal("1.0") and "缺共管联系人" in label_of(p, loose)


def test_the_years_plan_and_summary(ctx, branch):
    b = branch()
    plan = b.document("年度工作计划", YEAR)
    b.document("年度工作总结", YEAR - 1)
    p = one(ctx, b, "1.6")
    assert p.score == 2 and names(p, "Work Document") == {plan}
    assert one(ctx, b, "1.7").score == 0 and one(ctx, b, "1.7").note == "没有2023年年度工作总结"


# --------------------------------------------------------------------------- 有领导班子
def test_committee_complete_depends_on_the_branch_size(ctx, branch):
    big = branch()
    members = [big.member() for _ in range(8)]
    big.committee("书记", members[0])
    p = one(ctx, big, "2.1")
    assert p.score == 0 and "应设支部委员会" in p.note
    big.committee("组织委员", members[1])
    big.committee("宣传委员", members[2], to_date="2023-06-30")  # left in the year: not in office at year end
    assert one(ctx, big, "2.1").score == 0
    big.committee("宣传委员", members[3], from_date="2023-07-01")
    assert one(ctx, big, "2.1").score == 3
    small = branch()
    small.committee("书记", small.member())
    for _ in range(4):
        small.member()
    assert one(ctx, small, "2.1").score == 3
    headless = branch()
    headless.committee("组织委员", headless.member())
    assert one(ctx, headless, "2.1").score == 0


def test_secretary_at_most_75_at_year_end(ctx, branch):
    old = branch()
    old.committee("书记", old.member("老书记", birth_date="1947-06-01"))
    p = one(ctx, old, "2.3")
    assert p.score == 0 and p.note == "书记老书记在2023年末76岁，超过75岁"
    exactly = branch()
    exactly.committee("书记", exactly.member(birth_date="1948-12-31"))
    assert one(ctx, exactly, "2.3").score == 2
    assert one(ctx, branch(), "2.3").note == "2023年末无在任书记"


def test_vacancies_filled_within_90_days(ctx, branch):
    b = branch()
    x, y, p, q, r, s, t = (b.member() for _ in range(7))
    b.committee("委员", x, "2021-06-01", "2023-02-01")
    b.committee("委员", y, "2023-07-01")  # 150 days later: late
    b.committee("组织委员", p, "2021-06-01", "2023-04-30")
    b.committee("组织委员", q, "2023-06-01")  # 32 days: on time
    b.committee("宣传委员", r, "2021-06-01", "2023-11-30")  # still within its 90 days at year end
    b.committee("纪检委员", s, "2020-01-01", "2022-06-30")
    b.committee("纪检委员", t, "2022-07-15")  # before the year
    proposal = one(ctx, b, "2.4")
    assert proposal.score == Decimal("1.0")
    assert proposal.note.startswith("委员出缺2次，1次在90天内增补") and "委员（2023-02-01出缺）" in proposal.note
    none = branch()
    none.committee("书记", none.member())
    assert one(ctx, none, "2.4").score == 2


def test_liaison_and_training(ctx, branch):
    b = branch()
    sec, other = b.member(), b.member()
    b.committee("书记", sec)
    assert one(ctx, b, "2.5").score == 0 and one(ctx, b, "2.5").note == "未选配支部联络员"
    b.training(YEAR, [{"member": other, "post": "党员"}])  # not on the committee
    b.training(YEAR, [{"member": sec, "post": "书记", "attended": 0}])  # enrolled, did not attend
    b.training(YEAR - 1, [{"member": sec, "post": "书记"}])  # another year
    assert one(ctx, b, "2.6").score == 0
    attended = b.training(YEAR, [{"member": sec, "post": "书记"}])
    p = one(ctx, b, "2.6")
    assert p.score == 3 and names(p, "Training") == {attended}
    unlinked = branch(liaison_name="钱七")
    unlinked.training(YEAR, [{"post": "支部书记"}])
    assert one(ctx, unlinked, "2.6").score == 3 and one(ctx, unlinked, "2.5").score == 2


# --------------------------------------------------------------------------- 有工作制度
def test_three_meetings_and_one_lesson_each_quarter(ctx, branch):
    b = branch()
    b.member()
    for kind in ("支部党员大会", "党小组会", "党课"):
        for month in (1, 4, 7):
            b.meeting(kind, dt.date(YEAR, month, 5))
    b.meeting("支委会", "2023-02-05")
    p = one(ctx, b, "3.1")
    assert p.score == Decimal("2.5")  # 10 of 16 kind-quarters
    assert "4个季度中有1个季度开展支委会，缺第2季度、第3季度、第4季度" in p.note


def test_democratic_review_and_activities_count(ctx, branch):
    b = branch()
    b.member()
    assert one(ctx, b, "3.2").score == 0
    b.meeting("民主评议", "2023-12-01")
    b.meeting("文体活动", "2023-05-01")
    b.meeting("文体活动", "2022-05-01")
    assert one(ctx, b, "3.2").score == 2
    sports = one(ctx, b, "4.4")
    assert sports.score == Decimal("1.5") and sports.note == "2023年开展文体活动1次（要求至少2次）"
    b.meeting("文体活动", "2023-09-01")
    assert one(ctx, b, "4.4").score == 3


def test_talks_cover_the_members(ctx, branch):
    b = branch()
    a, c, d, e = (b.member(f"谈{i}") for i in range(4))
    for m in (a, c, d):
        b.talk(m, "2023-03-01")
    b.talk(e, "2022-12-30")
    p = one(ctx, b, "3.3")
    assert p.score == Decimal("1.5") and p.note.endswith("覆盖3名，未谈：谈3")
    assert label_of(p, e) == "谈3（本年无谈话记录）" and len(names(p, "Talk Record")) == 3
    assert one(ctx, b, "3.3", min_share=0.5).score == 2


def test_a_late_visit_and_a_death_without_a_visit(ctx, branch):
    b = branch()
    ill = b.member("住院者")
    well = b.member("节日走访对象")
    dying = b.member("弥留者", status="去世", death_date="2023-08-10")
    forgotten = b.member("去世未访者", status="去世")  # no death date: the day the record last changed
    b.set_modified("Party Member", forgotten, dt.datetime(YEAR, 11, 5))
    b.member("早年去世者", status="去世", death_date="2019-03-01")  # not this year's
    b.visit(ill, "生病住院", "2022-12-01", "2022-12-30")  # last year's
    late = b.visit(ill, "生病住院", "2023-03-01", "2023-03-20")  # 19 days after
    b.visit(dying, "弥留去世", "2023-08-10", "2023-08-08")
    b.visit(well, "重大节日", "2023-10-01", "2023-09-30")
    p = one(ctx, b, "3.5")
    assert p.score == Decimal("1.5")  # 2 of 4 visits done on time
    assert p.note == "应访4项，按时2项；住院者生病住院逾期；去世未访者去世未走访"
    assert "逾期" in label_of(p, late) and label_of(p, forgotten) == "去世未访者（去世，无弥留去世走访记录）"
    assert one(ctx, b, "3.5", within_days=30).score == Decimal("2.2")  # the March visit is on time within 30


def test_home_study_each_quarter_for_the_homebound(ctx, branch):
    b = branch()
    walker = b.member("能走动者")
    frail = b.member("卧床者", homebound=1)
    b.meeting("送学上门", "2023-02-10", attendees=[frail], status="送学上门", home_study=1)
    b.meeting("集体学习", "2023-05-10", attendees=[walker, (frail, "送学上门")])
    b.meeting("集体学习", "2023-08-10", attendees=[walker], home_study=1)  # study at home, but not his
    b.meeting("集体学习", "2023-11-10", attendees=[walker, (frail, "请假")])
    p = one(ctx, b, "3.6")
    assert p.score == Decimal("1.0")
    assert p.note.endswith("应送学4人次，已送学2人次；卧床者缺第3季度、第4季度")
    assert one(ctx, branch(), "3.6").note == "无需送学上门的党员"


def test_dues_paid_in_full_each_month(ctx, branch):
    b = branch()
    steady = b.member("按时交纳", pension="4000")  # 0.5 %: 20.00 a month
    stopped = b.member("停交", pension="6000")  # 1 %: 60.00
    short = b.member("少交", pension="6000")
    newcomer = b.member("新转入", pension="4000", join_date="2023-07-15")
    b.member("已转出", status="转出")
    b.dues_for_year(steady, YEAR, "20")
    b.dues_for_year(stopped, YEAR, "60", months=range(1, 11))
    b.dues_for_year(short, YEAR, "60", months=[1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12])
    b.dues(short, "2023-06-01", "20")
    b.dues_for_year(newcomer, YEAR, "20", months=range(7, 13))
    p = one(ctx, b, "3.7")
    assert p.note == "应交42人月，足额交纳39人月；未足额：停交（11—12月）；少交（6月）"
    assert p.score == Decimal("3.7")  # 4 × 39/42 = 3.71
    assert label_of(p, stopped) == "停交（未足额交纳：11—12月）"
    assert len(names(p, "Dues Payment")) == 12 + 10 + 12 + 6


def test_dues_are_half_a_percent_up_to_5000_and_one_percent_above():
    assert evidence.dues_due("4000") == Decimal("20.00")
    assert evidence.dues_due("5000") == Decimal("25.00")
    assert evidence.dues_due("5000.01") == Decimal("50.00")
    assert evidence.dues_due("4321.50") == Decimal("21.61")
    assert evidence.dues_due(None) is None


def test_a_flexible_payment_covers_the_following_months():
    member = {"name": "m", "pension": Decimal("4000")}
    months = [dt.date(YEAR, m, 1) for m in (1, 2, 3, 4)]
    lump = [{"month": dt.date(YEAR, 1, 1), "amount_paid": Decimal("60"), "flexible": 1}]
    assert evidence.unpaid_months(member, lump, months) == [dt.date(YEAR, 4, 1)]
    plain = [{"month": dt.date(YEAR, 1, 1), "amount_paid": Decimal("60"), "flexible": 0}]
    assert evidence.unpaid_months(member, plain, months) == months[1:]
    by_row = [{"month": dt.date(YEAR, m, 1), "amount_paid": Decimal("25"), "pension": Decimal("5000")} for m in (1, 2, 3, 4)]
    assert evidence.unpaid_months({"name": "m", "pension": Decimal("9000")}, by_row, months) == []


# --------------------------------------------------------------------------- 有组织活动
def test_collective_study_months_name_the_missing_one(ctx, branch):
    b = branch()
    b.member()
    held = [b.meeting("集体学习", dt.date(YEAR, month, 10)) for month in range(1, 13) if month != 3]
    p = one(ctx, b, "4.2")
    assert p.score == Decimal("4.5")  # 5 × 11/12 = 4.58, never rounded up to a score not earned
    assert p.note == "12个月中有11个月开展集体学习，缺3月"
    assert names(p, "Meeting") == set(held)
    lesson = b.meeting("党课", "2023-03-28")  # a Party lesson counts as collective study (Activity Kind flag)
    p = one(ctx, b, "4.2")
    assert p.score == 5 and lesson in names(p, "Meeting")


def test_a_self_check_in_june_is_not_marked_down_for_the_months_to_come(ctx, branch):
    b = branch()
    b.member()
    for month in range(1, 6):
        b.meeting("集体学习", dt.date(YEAR, month, 10))
    item = items("4.2")[0]
    mid_june = evidence.propose_all(ctx, b.name, YEAR, [item], as_of=dt.date(YEAR, 6, 15))["4.2"]
    assert mid_june.score == 5 and mid_june.note == "5个月中有5个月开展集体学习"
    july = evidence.propose_all(ctx, b.name, YEAR, [item], as_of=dt.date(YEAR, 7, 1))["4.2"]
    assert july.score == Decimal("4.1") and july.note.endswith("缺6月")


def test_activities_need_sign_in_and_minutes_or_photos(ctx, branch):
    b = branch()
    b.member()
    full = b.meeting("集体学习", "2023-01-10")
    unsigned = b.meeting("集体学习", "2023-02-10", attendees=[])
    blank = b.meeting("集体学习", "2023-03-10", minutes="<p>&nbsp;</p>")
    b.meeting("集体学习", "2023-04-10", minutes=None, photo="/files/study-april.jpg")
    p = one(ctx, b, "4.6")
    assert p.score == Decimal("1.5") and p.note == "2023年会议活动4次，2次有签到且有记录或图片"
    assert label_of(p, unsigned).endswith("（无签到）") and label_of(p, blank).endswith("（无记录或图片）")
    assert "（" not in label_of(p, full)


# --------------------------------------------------------------------------- 有工作保障
def test_funds_of_each_kind_and_the_venue_checklist(ctx, branch):
    b = branch()
    b.fund("工作经费", "2023-02-01")
    b.fund("书记工作补贴", "2023-12-01")
    b.fund("教育管理经费", "2022-12-31")
    funds = one(ctx, b, "6.1")
    assert funds.score == 2 and funds.note == "2023年落实经费2/3类，缺教育管理经费"
    assert one(ctx, b, "6.3").score == 0
    venue = b.venue(YEAR, has_board=0)
    p = one(ctx, b, "6.3")
    assert p.score == Decimal("3.3") and p.note == "“六有”5/6项达标，缺有宣传栏" and names(p, "Venue Checklist") == {venue}
    with pytest.raises(ValidationError, match="有电梯"):
        one(ctx, b, "6.3", items=["有场所", "有电梯"])


# --------------------------------------------------------------------------- errors and scope
def test_an_unknown_rule_or_parameter_is_named(ctx, branch):
    b = branch()
    with pytest.raises(ValidationError, match="no_such_rule"):
        evidence.propose(ctx, b.name, YEAR, "no_such_rule", 2, {})
    with pytest.raises(ValidationError, match="1.9.*no_such_rule"):
        evidence.propose_all(ctx, b.name, YEAR, [{"code": "1.9", "points": 2, "evidence_rule": "no_such_rule"}])
    with pytest.raises(ValidationError, match="maximum_age"):
        evidence.propose(ctx, b.name, YEAR, "secretary_max_age", 2, {"maximum_age": 70})
    with pytest.raises(ValidationError, match="kind"):
        evidence.propose(ctx, b.name, YEAR, "document_exists", 2, None)
    with pytest.raises(DoesNotExistError):
        evidence.propose(ctx, unique("没有这个支部"), YEAR, "liaison_assigned", 2, {})


def test_params_come_as_json_text_or_in_the_rubric_files_form(ctx, branch):
    b = branch(liaison_name="孙八")
    b.document("年度工作计划", YEAR)
    result = evidence.propose_all(ctx, b.name, YEAR, [
        {"code": "1.6", "points": 2, "evidence_rule": "document_exists", "evidence_params": '{"kind": "年度工作计划"}'},
        {"code": "2.5", "points": 2, "evidence": {"rule": "liaison_assigned"}},
        {"code": "2.2", "points": 2}])  # no rule: no proposal
    assert {code: p.score for code, p in result.items()} == {"1.6": 2, "2.5": 2}


def test_a_rule_can_be_called_on_a_branch_given_as_a_plain_dict(ctx, branch):
    b = branch()
    talked, silent = b.member(), b.member()
    b.talk(talked, "2023-05-01")
    rule = evidence.RULES["talks_cover_members"]
    p = rule(ctx, {"name": b.name}, YEAR, Decimal("2"), min_share=1.0)
    assert p.score == Decimal("1.0") and names(p, "Party Member") == {silent}
    assert evidence.RULES["liaison_assigned"](ctx, {"name": b.name, "liaison_name": "周九"}, YEAR, 2.0).score == 2


def test_a_user_gets_proposals_only_for_branches_in_scope(site):
    with site.context(ignore_permissions=True) as ctx:
        mine, theirs = Branch(ctx, liaison_name="甲"), Branch(ctx, liaison_name="乙")
        email = f"{unique('evi')}@example.cn"
        ctx.insert({"doctype": "User", "email": email, "first_name": "区管理员", "roles": [{"role": "区级管理员"}]})
        ctx.insert({"doctype": "User Permission", "user": email, "allow": "Org Unit", "for_value": mine.district})
    with site.context(user=email) as ctx:
        assert evidence.propose(ctx, mine.name, YEAR, "liaison_assigned", 2).score == 2
        with pytest.raises(DoesNotExistError):
            evidence.propose(ctx, theirs.name, YEAR, "liaison_assigned", 2)
