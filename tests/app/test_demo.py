"""`sixhave demo`: the same seed makes the same city twice; every sector and form of organisation
appears; the ledgers have the gaps the scoring rules look for; and a district's demo account sees
only its own district's branches."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from sixhave_app.engine import tree
from sixhave_app.engine.cli import main
from sixhave_app.engine.errors import ValidationError
from sixhave_app.six_haves import demo, org_tree
from sixhave_app.six_haves.doctype.dues_payment.dues_payment import amount_due
from sixhave_app.six_haves.setup import ROLES

BRANCHES, YEAR, SEED = 6, 2018, 3
# one worker runs this module under xdist: the twin cities (a module fixture) are built once per backend
pytestmark = pytest.mark.xdist_group("demo")
TODAY = dt.date(2018, 11, 20)  # "this month" for political birthdays, the same on both sites
YEAR_END = dt.date(YEAR, 12, 31)
VOLATILE = {"creation", "modified", "modified_by", "owner"}
CHILD_TABLES = ["Committee Member", "Meeting Attendance", "Training Attendee", "Has Role"]


@pytest.fixture(scope="module")
def twins(site_factory, backend):
    """Two fresh sites, each given the demo with the same seed."""
    out = []
    for _ in range(2):
        site = site_factory(backend)
        with site.context(ignore_permissions=True) as ctx:
            result = demo.generate(ctx, branches=BRANCHES, year=YEAR, seed=SEED, today=TODAY, cycle=True)
        out.append((site, result))
    yield out
    for site, _ in out:
        site.engine.dispose()


@pytest.fixture(scope="module")
def city(twins):
    return twins[0]


def snapshot(site, doctypes) -> dict[str, list[dict]]:
    """Every row of each DocType without timestamps, in a stable order. Names made by a counter or
    from a field must match; random ones (child rows, `autoname: hash`) are left out."""
    out = {}
    with site.context(ignore_permissions=True, write=False) as ctx:
        for doctype in doctypes:
            meta, table = ctx.meta(doctype), ctx.table(doctype)
            random_name = meta.istable or (meta.autoname or "").startswith("hash")
            drop = VOLATILE | ({"name"} if random_name else set())
            found = [{k: v for k, v in row.items() if k not in drop}
                     for row in ctx.conn.execute(sa.select(table)).mappings()]
            out[doctype] = sorted(found, key=lambda row: [(k, str(v)) for k, v in sorted(row.items())])
    return out


def rows(site, doctype, **kwargs):
    with site.context(ignore_permissions=True, write=False) as ctx:
        return ctx.get_all(doctype, **kwargs)


def test_the_same_seed_makes_the_same_city(twins):
    (first, made), (second, again) = twins
    assert made == again
    doctypes = sorted(set(made["counts"]) | set(CHILD_TABLES))
    one, two = snapshot(first, doctypes), snapshot(second, doctypes)
    for doctype in doctypes:
        assert one[doctype] == two[doctype], doctype
    assert len(one["Party Organization"]) == BRANCHES
    assert made["counts"]["Party Organization"] == BRANCHES
    assert made["counts"]["Dues Payment"] == len(one["Dues Payment"])


def test_every_sector_and_form_of_organisation(city):
    site, _ = city
    orgs = rows(site, "Party Organization", fields=["name", "sector", "org_type", "establishment", "parent_unit", "org",
                                                    "founded_on", "term_start", "term_end"])
    with site.context(ignore_permissions=True, write=False) as ctx:
        sectors = ctx.meta("Party Organization").get_field("sector").select_options()
        for org in orgs:
            # each organisation is a node of the tree, under the unit it belongs to
            assert ctx.get_value("Org Unit", org["org"], "parent_org_unit") == org["parent_unit"]
            assert org["founded_on"] <= org["term_start"] < org["term_end"]
    assert {o["sector"] for o in orgs} == set(sectors)
    assert {o["org_type"] for o in orgs} == {"党支部", "党小组"}
    assert {o["establishment"] for o in orgs} == {"建制式", "非建制式"}
    levels = {u["level"] for u in rows(site, "Org Unit", fields=["level"])}
    assert levels == {"市", "市（县）区", "市直单位", "街道", "单位党委", "社区", "党支部", "党小组"}


def test_the_ledgers_have_gaps_on_purpose(city):
    site, _ = city
    orgs = rows(site, "Party Organization", fields=["name", "term_end", "liaison_name"])
    assert any(o["term_end"] < YEAR_END for o in orgs), "an expired term"
    assert any(not o["liaison_name"] for o in orgs), "a branch without liaison"

    members = {m["name"]: m for m in rows(site, "Party Member", fields=["name", "birth_date", "is_mobile",
                                                                       "co_managing_org", "pension", "homebound"])}
    committee = rows(site, "Party Organization", fields=[f"`tabCommittee Member`.{f}" for f in ("post", "member", "to_date")])
    secretaries = [members[r["member"]] for r in committee if r["post"] == "书记" and not r["to_date"]]
    ages = [YEAR_END.year - m["birth_date"].year - ((12, 31) < (m["birth_date"].month, m["birth_date"].day))
            for m in secretaries]
    assert len(secretaries) == BRANCHES
    assert any(age > 75 for age in ages), "a secretary over 75"
    assert any(r["to_date"] for r in committee), "a committee vacancy"
    assert any(m["is_mobile"] and m["co_managing_org"] for m in members.values())
    assert any(m["is_mobile"] and not m["co_managing_org"] for m in members.values()), "a mobile member nobody co-manages"
    assert any(m["homebound"] for m in members.values())

    dues = rows(site, "Dues Payment", fields=["member", "month", "pension", "amount_due", "amount_paid"])
    assert any(not d["amount_paid"] for d in dues), "an unpaid month"
    assert all(d["amount_due"] == amount_due(members[d["member"]]["pension"]) for d in dues)

    study = set(rows(site, "Activity Kind", filters={"is_collective_study": 1}, pluck="name")) | {"集体学习"}
    studied = {}
    for m in rows(site, "Meeting", fields=["party_org", "meeting_date", "kind"]):
        if m["kind"] in study:
            studied.setdefault(m["party_org"], set()).add(m["meeting_date"].month)
    assert any(len(months) < 12 for months in studied.values()), "a month without collective study"
    assert sum(len(months) == 12 for months in studied.values()) >= BRANCHES // 2

    visits = rows(site, "Care Visit", fields=["trigger", "event_date", "visit_date"])
    assert {"重大节日", "生病住院"} <= {v["trigger"] for v in visits}
    assert any((v["visit_date"] - v["event_date"]).days > 14 for v in visits if v["trigger"] != "重大节日"), "a late visit"

    venues = rows(site, "Venue Checklist", fields=["has_place", "has_facilities", "has_sign", "has_periodicals",
                                                   "has_rules", "has_board"])
    assert len(venues) == BRANCHES
    assert any(not all(v.values()) for v in venues), "an incomplete venue"
    summaries = rows(site, "Work Document", filters={"kind": "年度工作总结"}, pluck="party_org")
    assert len(summaries) < BRANCHES, "a branch without its yearly summary"
    training = rows(site, "Training", fields=["kind", "year", "`tabTraining Attendee`.party_org"])
    assert {t["kind"] for t in training} == {"全市书记学习班"} and all(t["year"] == YEAR for t in training)
    assert 0 < len(training) < BRANCHES, "a secretary who missed the training"


def test_a_district_account_sees_only_its_district(city):
    site, made = city
    assert {u["role"] for u in made["users"]} == set(ROLES)  # an account for every role of the app
    everything = rows(site, "Party Organization", fields=["name", "org"])
    with site.context(ignore_permissions=True, write=False) as ctx:
        inside = {}
        for account in made["users"]:
            if account["role"] == "区级管理员":
                below = set(tree.descendants(ctx, "Org Unit", account["scope"]))
                inside[account["user"]] = {o["name"] for o in everything if o["org"] in below}
    user, expected = next((u, names) for u, names in inside.items() if names)
    with site.context(user=user) as ctx:
        seen = {o["name"] for o in ctx.get_all("Party Organization")}
    assert seen == expected
    assert 0 < len(seen) < len(everything)
    secretary = next(u for u in made["users"] if u["role"] == "支部书记")
    with site.context(user=secretary["user"]) as ctx:
        assert [o["org"] for o in ctx.get_all("Party Organization", fields=["org"])] == [secretary["scope"]]


def test_a_demo_goes_only_into_an_empty_site(city):
    site, _ = city
    with site.context(ignore_permissions=True) as ctx:
        assert org_tree.ensure_city_tree(ctx) == []  # every migrate: nothing to add once present
        with pytest.raises(ValidationError):
            demo.generate(ctx, branches=1, year=YEAR, seed=SEED)
    runner = CliRunner()
    result = runner.invoke(main, ["--sites-path", str(site.path.parent), "--site", site.name, "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "已有 6 个党组织" in result.output


def test_the_demo_year_runs_through_every_phase_so_every_output_has_data(city):
    """动员部署 → 自查摸底 → 整改 → 申报考核 → 持续推进: every list, alert, output and dashboard of
    the yearly cycle has something to show for the demo's year."""
    from sixhave_app.six_haves import api, reports

    site, made = city
    with site.context() as ctx:
        ctx.flags["as_of"] = dt.date(YEAR, 12, 20)
        for doctype in ("Programme Year", "Implementation Plan", "Unit Survey", "Self Check", "Rectification Item",
                        "Inspection", "Public Notice", "Work Report Hearing", "Party Building Plan", "Typical Case",
                        "Branch Brand"):
            assert made["counts"].get(doctype), doctype
        plans = api.implementation_plans(ctx, year=YEAR)
        assert plans["with_plan"] >= 1 and plans["missing"]
        assert api.coverage(ctx, year=YEAR)["gaps"]
        check = ctx.get_value("Self Check", {"year": YEAR, "docstatus": 1}, "name")
        assert api.self_check_lists(ctx, name=check)["问题清单"]
        returned = ctx.get_all("Workflow History", filters={"action": "退回", "reference_doctype": "Self Assessment"},
                               pluck="comment")
        assert returned and returned[0]
        assert ctx.get_count("Self Assessment", {"year": YEAR, "paper_copies": 2}) == BRANCHES
        decided = ctx.get_all("Self Assessment", filters={"year": YEAR}, pluck="workflow_state")
        assert set(decided) <= {"达标", "不达标"} and len(decided) == BRANCHES
        objections = ctx.get_all("Public Notice Objection", fields=["status", "resolution"], ignore_permissions=True)
        assert objections and objections[0]["status"] == "不成立"
        kinds = {a["kind"] for a in api.alerts(ctx, year=YEAR)}
        assert {"inspection_overdue", "rectification_overdue"} <= kinds
        board = api.dashboard(ctx, year=YEAR)
        assert board["pass_rates"]["required"] >= 1 and board["progress"]["phases"][0]["done"] >= 1
        assert reports.performance(ctx, YEAR) and reports.rectification_progress(ctx, YEAR)
        assert reports.published_cases(ctx, YEAR)
        assert ctx.get_count("Plaque") == len(reports.recommendations(ctx, YEAR))


def test_make_run_prints_the_demo_accounts_every_time(city):
    site, made = city
    runner = CliRunner()
    out = runner.invoke(main, ["--site", site.name, "--sites-path", str(site.path.parent), "demo", "--if-empty"])
    assert out.exit_code == 0, out.output
    assert "未装入演示数据" in out.output and "演示账号" in out.output
    assert made["users"][0]["user"] in out.output
