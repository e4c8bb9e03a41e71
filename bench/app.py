"""Benchmark: the "六有一提升" app's two city-wide figures on a city of 2,000 retired-cadre branches.

    .venv/bin/python -m bench.app [--branches 2000] [--years 10] [--backend sqlite|mariadb] [--repeat 20]

(a) Evidence and alerts for 2,000 branches × 1 year of records, goal ≤ 60 s on one core:
    `evidence.propose_all` for every branch with the items of the 2018 Scoring Template that
    `migrate` makes, then `alerts.alerts_for(ctx, today)` once for the whole city as Administrator;
    one process, one thread, timed separately and in total (wall time and this process's CPU time).
(b) The city dashboard over 10 years of such data, goal ≤ 500 ms: `dashboards.city(ctx, year)` for
    the latest year, median of --repeat calls, each in a fresh context, over 2,000 branches × 10
    years of Self Assessments in mixed states and results, plaques and rectification items.

Setup (not measured): a throw-away site; the org tree and the branches through the document API
(nested sets and each branch's own Org Unit node); one year of records per branch and ten years of
assessments bulk-loaded with SQLAlchemy Core executemany (as bench/queue.py does); ANALYZE; on
MariaDB a wait for InnoDB to write out the pages the load dirtied. Before timing, the run checks
one branch's proposals (one per item with a rule, each within its points), that the dashboard has
the 8 districts' rows and that the city has alerts. The exit status is 1 on a MISS; a MISS (or
--profile) prints cProfile hot spots of the measured calls.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sixhave_app.engine.dates import add_years
from sixhave_app.engine.site import Site, drop_database
from sixhave_app.engine.sites import new_site
from sixhave_app.six_haves import alerts, dashboards, evidence, scoring
from sixhave_app.six_haves import demo as D
from sixhave_app.six_haves.doctype.dues_payment.dues_payment import amount_due
from sixhave_app.six_haves.org_tree import CITY_UNITS, DISTRICTS

from .report import engine_revision, machine

GOAL_EVIDENCE_S = 60.0
GOAL_DASHBOARD_MS = 500.0
STREETS_PER_DISTRICT = 6
COMMUNITIES_PER_STREET = 5
SA_STATES = ("草稿", "区级/单位审核", "市级考评", "达标", "不达标")
SA_DOCSTATUS = {"草稿": 0, "区级/单位审核": 0, "市级考评": 0, "达标": 1, "不达标": 1}
RECT_DOCSTATUS = {"待整改": 0, "整改中": 0, "已完成": 0, "已验收": 1}
TIER_QUALITY = {"示范": 96, "良好": 89, "一般": 82, "薄弱": 72}


# --------------------------------------------------------------------------- the city, planned
@dataclass
class Member:
    name: str
    full_name: str
    birth: dt.date
    join: dt.date
    pension: int
    homebound: bool
    mobile: bool
    status: str = "在册"
    death: dt.date | None = None
    health: str = "良好"
    committee: bool = False

    def active_on(self, day: dt.date) -> bool:
        return self.status != "转出" and (self.death is None or day <= self.death)


@dataclass
class Branch:
    index: int
    rng: random.Random
    sector: str
    tier: str
    gaps: set
    org_type: str
    parent_unit: str
    org_name: str
    name: str = ""
    org: str = ""
    members: list[Member] = field(default_factory=list)
    committee: list[tuple[str, Member, dt.date | None]] = field(default_factory=list)
    address: str = ""


def plan_tree(rng: random.Random) -> tuple[list[tuple[str, str, str]], dict[str, list[str]], list[str]]:
    """Org Units to make below the city and its districts (name, level, parent), the unit Party
    committees per sector, and the communities."""
    nodes: list[tuple[str, str, str]] = []
    communities: list[str] = []
    by_sector: dict[str, list[str]] = defaultdict(list)
    used: set[str] = set()
    for district in DISTRICTS:
        streets = D.STREETS.get(district, [])[:STREETS_PER_DISTRICT]
        streets += [f"{district}第{i}街道" for i in range(len(streets) + 1, STREETS_PER_DISTRICT + 1)]
        for street in streets:
            nodes.append((street, "街道", district))
            short = street.removesuffix("街道")
            for c in range(COMMUNITIES_PER_STREET):
                stem = D.COMMUNITY_STEMS[(len(communities) * 7 + c) % len(D.COMMUNITY_STEMS)]
                name = f"{short}{stem}社区"
                while name in used:
                    name = f"{short}{stem}{D.cn_ordinal(rng.randint(2, 9))}社区"
                used.add(name)
                nodes.append((name, "社区", street))
                communities.append(name)
        for pattern, sector in D.DISTRICT_COMMITTEES:
            name = pattern.format(d=district)
            nodes.append((name, "单位党委", district))
            by_sector[sector].append(name)
        for name, sector in D.DISTRICT_EXTRA.get(district, []):
            nodes.append((name, "单位党委", district))
            by_sector[sector].append(name)
    for unit, committees in D.CITY_COMMITTEES.items():
        if unit not in CITY_UNITS:
            continue
        for name, sector in committees:
            nodes.append((name, "单位党委", unit))
            by_sector[sector].append(name)
    by_sector["社区"] = communities
    return nodes, by_sector, communities


def plan_branches(count: int, seed: int, by_sector: dict[str, list[str]]) -> list[Branch]:
    out, taken = [], Counter()
    for i in range(count):
        rng = random.Random(f"bench-app/{seed}/{i}")
        sector = rng.choices(D.SECTORS, D.SECTOR_WEIGHTS)[0]
        tier = rng.choices(D.TIERS, D.TIER_WEIGHTS)[0]
        gaps = {g for g in D.GAPS if rng.random() < D.GAP_CHANCE[tier]}
        org_type = "党小组" if rng.random() < 0.08 else "党支部"
        parent = rng.choice(by_sector[sector])
        taken[parent, org_type] += 1
        short = parent
        for suffix in ("党总支", "党委", "工委"):
            short = short.removesuffix(suffix)
        out.append(Branch(i, rng, sector, tier, gaps, org_type, parent,
                          f"{short}离退休干部第{D.cn_ordinal(taken[parent, org_type])}{org_type}"))
    return out


def org_values(b: Branch, year: int) -> dict:
    rng = b.rng
    founded = dt.date(rng.randint(1985, year - 3), rng.randint(1, 12), rng.randint(1, 28))
    length = 5 if rng.random() < 0.3 else 3
    if "term_expired" in b.gaps:
        end = dt.date(rng.randint(year - 2, year), rng.randint(1, 10), rng.randint(1, 28))
        start = add_years(end, -length)
    else:
        start = dt.date(rng.randint(year - length + 1, year), rng.randint(1, 12), rng.randint(1, 28))
        end = add_years(start, length)
    founded = min(founded, start)
    b.address = f"{b.parent_unit}党群服务中心" if b.sector == "社区" else f"{rng.choice(D.ROADS)}{rng.randint(1, 399)}号老干部活动室"
    values = {"org_name": b.org_name, "org_type": b.org_type, "sector": b.sector, "parent_unit": b.parent_unit,
              "establishment": "非建制式" if rng.random() < {"协会/团体": 0.6, "社区": 0.12}.get(b.sector, 0.02) else "建制式",
              "parent_party_org_name": f"中共{b.parent_unit}委员会", "parent_party_org_kind": "党委",
              "parent_has_approval": int(b.org_type == "党支部" or rng.random() < 0.2),
              "founded_on": founded, "term_start": start, "term_end": end, "last_election_on": start}
    if "no_liaison" not in b.gaps:
        values.update(liaison_name=D.person_name(rng, rng.random() < 0.5), liaison_unit=f"{b.parent_unit}组织人事处",
                      liaison_phone=D.mobile(rng))
    return values


# --------------------------------------------------------------------------- setup through the API
def progress_bar(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


def build_orgs(site: Site, branches: list[Branch], nodes, year: int, years: int, console: Console) -> dict:
    """Org Units and Party Organizations through the document API; the yearly templates copied from
    the 2018 one, as the city opens each year."""
    with progress_bar(console) as bar, site.context(ignore_permissions=True) as ctx:
        present = set(ctx.get_all("Org Unit", pluck="name"))
        task = bar.add_task("组织树（文档 API）", total=len(nodes))
        for name, level, parent in nodes:
            if name not in present:
                ctx.insert({"doctype": "Org Unit", "unit_name": name, "level": level, "parent_org_unit": parent,
                            "is_group": 1})
            bar.advance(task)
        ctx.commit()
        task = bar.add_task(f"{len(branches):,} 个党组织（文档 API，每个带自己的组织节点）", total=len(branches))
        for b in branches:
            po = ctx.insert({"doctype": "Party Organization", **org_values(b, year)})
            b.name, b.org = po.name, po.org
            bar.advance(task)
            if b.index % 50 == 49:
                ctx.commit()
        ctx.commit()
        templates = {year: scoring.template_for(ctx, year)}
        task = bar.add_task("年度评分模板（由 2018 年复制）", total=years - 1)
        for y in range(year + 1, year + years):
            templates[y] = ctx.get_value("Scoring Template", {"year": y}, "name") or scoring.copy_template(ctx, templates[y - 1], y).name
            bar.advance(task)
        ctx.commit()
    return templates


# --------------------------------------------------------------------------- bulk load
class Loader:
    """Rows collected per DocType and written by executemany on site.table(doctype), with the
    standard columns filled; only columns the table has are written (every row gets all of them)."""

    def __init__(self, site: Site):
        self.site = site
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.counts: Counter = Counter()
        self.serial: Counter = Counter()

    def next_name(self, pattern: str) -> str:
        self.serial[pattern] += 1
        return pattern.format(n=self.serial[pattern])

    def add(self, doctype: str, row: dict, *, at: dt.datetime, docstatus: int = 0) -> dict:
        row.update(creation=at, modified=at, modified_by="Administrator", owner="Administrator",
                   docstatus=docstatus, idx=row.get("idx", 0))
        self.rows[doctype].append(row)
        return row

    def child(self, doctype: str, parent: dict, parenttype: str, parentfield: str, rows: list[dict]) -> None:
        for i, row in enumerate(rows, start=1):
            row.update(name=self.next_name("r{n:09x}"), parent=parent["name"], parenttype=parenttype,
                       parentfield=parentfield, idx=i)
            self.add(doctype, row, at=parent["creation"], docstatus=parent["docstatus"])

    def flush(self, conn: sa.Connection) -> int:
        written = 0
        for doctype, rows in self.rows.items():
            if not rows:
                continue
            table = self.site.table(doctype)
            present = set().union(*(r.keys() for r in rows))
            keys = [c for c in table.c.keys() if c in present]
            conn.execute(table.insert(), [{k: r.get(k) for k in keys} for r in rows])
            self.counts[doctype] += len(rows)
            written += len(rows)
        self.rows.clear()
        return written


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def make_members(b: Branch, year: int, load: Loader) -> None:
    rng = b.rng
    size = rng.randint(3, 7) if b.org_type == "党小组" else rng.choice([4, 5, 6, 7, 8, 9, 10, 11, 12])
    posts = ["书记"]
    if b.org_type == "党支部" and size >= 11:
        posts = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员"]
    elif b.org_type == "党支部" and size >= 7:
        posts = ["书记", "组织委员", "宣传委员"]
    names = set()
    for i in range(size):
        committee = i < len(posts)
        age = (rng.randint(77, 83) if "old_secretary" in b.gaps else rng.randint(63, 74)) if i == 0 else (
            rng.randint(62, 76) if committee else int(rng.triangular(60, 95, 72)))
        male = rng.random() < 0.62
        full_name = D.person_name(rng, male)
        while full_name in names:
            full_name = D.person_name(rng, male)
        names.add(full_name)
        birth = dt.date(year - age, rng.randint(1, 12), rng.randint(1, 28))
        lixiu = birth.year <= 1931 and not committee and rng.random() < 0.6
        if lixiu:
            join = dt.date(rng.randint(max(birth.year + 15, 1938), 1949), rng.randint(1, 9), rng.randint(1, 28))
            pension = rng.randrange(7000, 9001, 10)
        else:
            join = dt.date(min(birth.year + int(rng.triangular(18, 45, 27)), year - 1), rng.randint(1, 12), rng.randint(1, 28))
            low, high = {"企业": (2000, 5000), "社区": (2200, 7000), "协会/团体": (3000, 8000)}.get(b.sector, (4200, 9000))
            pension = rng.randrange(low, high + 1, 10)
        weights = [60, 32, 8, 0] if age < 75 else ([35, 40, 20, 5] if age < 85 else [12, 35, 33, 20])
        health = "良好" if committee else rng.choices(["良好", "一般", "较差", "卧床"], weights)[0]
        homebound = health == "卧床" or (health == "较差" and age >= 82 and rng.random() < 0.6)
        mobile = not committee and not homebound and rng.random() < 0.05
        m = Member(load.next_name("PM-{n:05d}"), full_name, birth, join, pension, homebound, mobile, health=health,
                   committee=committee)
        if not committee and age >= 80 and rng.random() < 0.015:
            m.status, m.death = "去世", dt.date(year, rng.randint(2, 11), rng.randint(1, 28))
        elif not committee and rng.random() < 0.005:
            m.status = "转出"
        b.members.append(m)
        blanks = 0.01 + (0.3 if "profiles_incomplete" in b.gaps else 0)
        residence = (f"{b.parent_unit}{rng.randint(1, 60)}号{rng.randint(1, 6)}0{rng.randint(1, 4)}室" if b.sector == "社区"
                     else f"{rng.choice(D.ROADS)}{rng.randint(1, 500)}号{rng.randint(1, 30)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室")
        row = {"name": m.name, "full_name": full_name, "gender": "男" if male else "女", "party_org": b.name, "org": b.org,
               "retire_type": "离休" if lixiu else "退休", "birth_date": birth, "join_date": join, "status": m.status,
               "death_date": m.death, "phone": D.mobile(rng), "residence": residence,
               "activity": "在家休养" if homebound else rng.choice(D.ACTIVITIES),
               "family_health": f"{rng.choice(D.LIVING)}，{rng.choice(D.HEALTH_TEXT[health])}", "health": health,
               "needs": rng.choice(D.NEEDS[health]), "homebound": int(homebound), "pension": pension,
               "is_mobile": int(mobile)}
        if mobile:
            city, org = rng.choice(D.OTHER_CITIES)
            row["residence"] = f"{city}（随子女居住）"
            if "mobile_unmanaged" not in b.gaps:
                row.update(co_managing_org=f"{city}{org}", co_managing_contact=f"{D.person_name(rng, True)} {D.mobile(rng)}")
        for key in ("residence", "activity", "family_health", "needs", "phone"):
            if rng.random() < blanks and not mobile:
                row[key] = None
        load.add("Party Member", row, at=_at(dt.date(year, 1, 5)))
    for post, m in zip(posts, b.members):
        b.committee.append((post, m, None))
    if "vacancy" in b.gaps and len(posts) >= 3:
        post, m, _ = b.committee.pop()
        b.committee.append((post, m, dt.date(year, rng.randint(2, 8), rng.randint(1, 28))))


def committee_rows(b: Branch, term_start: dt.date) -> list[dict]:
    rows = []
    for post, m, left in b.committee:
        if left is not None and left <= term_start:
            left = term_start + dt.timedelta(days=45)
        rows.append({"post": post, "member": m.name, "member_name": m.full_name, "from_date": term_start, "to_date": left})
    return rows


def _weekday(rng: random.Random, year: int, month: int, first: int = 1, last: int = 28) -> dt.date:
    for _ in range(10):
        day = dt.date(year, month, rng.randint(first, last))
        if day.weekday() < 5:
            return day
    return day


def meetings(b: Branch, year: int, load: Loader) -> None:
    rng, gaps = b.rng, b.gaps
    plan: list[tuple[str, dt.date]] = []
    skipped = set(rng.sample(range(1, 13), rng.randint(1, 3))) if "missed_study" in gaps else set()
    plan += [("集体学习", _weekday(rng, year, m, 5, 20)) for m in range(1, 13) if m not in skipped]
    with_committee = sum(1 for _, _, left in b.committee if left is None) >= 3
    regular = ["党小组会"] if b.org_type == "党小组" else ["支部党员大会", "党课"] + (["支委会", "党小组会"] if with_committee else [])
    missed = {(rng.choice(regular), rng.randint(1, 4)) for _ in range(rng.randint(1, 3))} if "missed_meetings" in gaps else set()
    plan += [(kind, _weekday(rng, year, q * 3 - rng.randint(0, 2))) for kind in regular for q in range(1, 5)
             if (kind, q) not in missed]
    if "no_review" not in gaps:
        month = rng.choice([1, 2, 12])
        plan.append(("民主评议", _weekday(rng, year, month)))
        if b.org_type == "党支部":
            plan.append(("组织生活会", _weekday(rng, year, month)))
    plan.append(("主题党日", _weekday(rng, year, 6, 25, 30) if rng.random() < 0.5 else _weekday(rng, year, 7, 1, 5)))
    plan += [("文体活动", _weekday(rng, year, rng.randint(1, 12))) for _ in range(rng.randint(2, 4) if b.tier != "薄弱" else rng.randint(0, 2))]
    if "no_study_visit" not in gaps:
        plan += [("参观学习", _weekday(rng, year, rng.choice([4, 5, 6, 9, 10, 11]))) for _ in range(rng.randint(1, 2))]
    plan += [("主题活动", _weekday(rng, year, rng.randint(3, 11))) for _ in range(rng.randint(0 if b.tier == "薄弱" else 1, 2))]
    plan += [("正能量活动", _weekday(rng, year, rng.randint(1, 12))) for _ in range(rng.randint(0 if b.tier == "薄弱" else 1, 3))]
    if "no_online" not in gaps:
        plan += [("线上学习", _weekday(rng, year, rng.randint(1, 12))) for _ in range(rng.randint(1, 4))]
    if any(m.homebound and m.active_on(dt.date(year, 1, 1)) for m in b.members) and "no_home_study" not in gaps:
        plan += [("送学上门", _weekday(rng, year, q * 3 - 1)) for q in range(1, 5)]
    turnout = {"示范": 0.92, "良好": 0.85, "一般": 0.78, "薄弱": 0.65}[b.tier]
    for kind, day in sorted(plan, key=lambda p: (p[1], p[0])):
        if kind == "支委会":
            invited = [m for _, m, left in b.committee if left is None or left > day]
        elif kind == "送学上门":
            invited = [m for m in b.members if m.homebound]
        else:
            invited = b.members
        rows, present = [], 0
        for m in invited:
            if not m.active_on(day):
                continue
            if kind == "送学上门":
                status = "送学上门"
            elif m.homebound or m.mobile:
                status = "请假"
            else:
                r = rng.random()
                status = "出席" if r < turnout else ("请假" if r < turnout + (1 - turnout) * 0.7 else "缺席")
            present += status in ("出席", "送学上门")
            rows.append({"member": m.name, "member_name": m.full_name, "attendance": status})
        if rng.random() < (0.02 if b.tier != "薄弱" else 0.15):
            rows = []  # no sign-in sheet kept
        topic = rng.choice(D.TOPICS.get(kind) or [kind])
        documented = rng.random() > (0.03 if b.tier != "薄弱" else 0.2)
        meeting = load.add("Meeting", {
            "name": load.next_name(f"MT-{year}-{{n:05d}}"), "party_org": b.name, "org": b.org, "kind": kind,
            "meeting_date": day, "place": "党员家中" if kind == "送学上门" else b.address, "topic": topic,
            "minutes": f"<p>{day.month}月{day.day}日，{b.org_name}开展{kind}：{topic}。应到{len(rows)}人，实到{present}人。</p>"
            if documented else None,
            "photo": f"/files/mt-{b.index}-{day:%m%d}.jpg" if documented and rng.random() < 0.6 else None,
            "home_study": int(kind == "送学上门"), "present_count": present}, at=_at(day, 17))
        load.child("Meeting Attendance", meeting, "Meeting", "attendance", rows)


def talks_visits_dues(b: Branch, year: int, load: Loader) -> None:
    rng = b.rng
    secretary = b.members[0]
    for m in b.members:
        if m.status == "转出" or ("talks_incomplete" in b.gaps and m is not secretary and rng.random() < 0.35):
            continue
        last = m.death - dt.timedelta(days=10) if m.death else dt.date(year, 12, 20)
        if last.month < 2:
            continue
        day = min(_weekday(rng, year, rng.randint(2, last.month)), last)
        talker = f"{b.parent_unit}负责同志" if m is secretary else secretary.full_name
        load.add("Talk Record", {"name": load.next_name(f"TK-{year}-{{n:05d}}"), "party_org": b.name, "org": b.org,
                                 "member": m.name, "member_name": m.full_name, "talk_date": day, "talker": talker,
                                 "content": f"{talker}与{m.full_name}同志谈心：了解身体和家庭情况，听取对支部工作的意见。"},
                 at=_at(day, 16))
    visitors = "、".join(m.full_name for _, m, left in b.committee[:2] if left is None) or secretary.full_name
    spring = dt.date(year, *D.SPRING_FESTIVAL.get(year, (2, 1)))
    ninth = dt.date(year, *D.DOUBLE_NINTH.get(year, (10, 15)))
    eldest = min(b.members, key=lambda m: m.birth)
    visits = []
    for m in b.members:
        if m.homebound or m is eldest or spring.year - m.birth.year >= 85:
            for festival in (spring, ninth):
                if m.active_on(festival):
                    visits.append((m, "重大节日", festival, festival - dt.timedelta(days=rng.randint(1, 10))))
        if m.health in ("较差", "卧床") and m.status == "在册" and rng.random() < 0.5:
            event = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
            late = "late_visit" in b.gaps and rng.random() < 0.6
            delay = rng.randint(15, 40) if late else rng.randint(1, 7)
            visits.append((m, "生病住院", event, event + dt.timedelta(days=delay) if rng.random() > 0.05 else None))
        if m.status == "在册" and not m.mobile and rng.random() < 0.04:
            event = dt.date(year, rng.randint(1, 11), rng.randint(1, 28))
            visits.append((m, "遇到困难", event, event + dt.timedelta(days=rng.randint(1, 10))))
        if m.death and rng.random() < 0.9:
            visits.append((m, "弥留去世", m.death, m.death + dt.timedelta(days=rng.randint(0, 3))))
    for m, trigger, event, visit in visits:
        if visit is None:  # the event is on file, the visit never happened: the ledger has no row for it
            continue
        load.add("Care Visit", {"name": load.next_name(f"CV-{year}-{{n:05d}}"), "party_org": b.name, "org": b.org,
                                "member": m.name, "member_name": m.full_name, "trigger": trigger, "event_date": event,
                                "visit_date": visit, "visitors": visitors, "notes": f"{trigger}走访{m.full_name}同志。"},
                 at=_at(visit, 15))
    unpaid: dict[str, set[int]] = {}
    if "unpaid_dues" in b.gaps:
        for m in rng.sample(b.members[1:] or b.members, min(2, max(1, len(b.members) - 1))):
            last = rng.randint(9, 12)
            unpaid[m.name] = set(range(last - rng.randint(0, 2), last + 1))
    for m in b.members:
        due = amount_due(m.pension)
        pattern = "quarter" if m.mobile else rng.choices(["month", "quarter", "year"], [55, 35, 10])[0]
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            if not m.active_on(first) or (m.join.year == year and m.join > first):
                continue
            row = {"name": load.next_name(f"DP-{year}-{{n:06d}}"), "party_org": b.name, "org": b.org, "member": m.name,
                   "member_name": m.full_name, "month": first, "pension": Decimal(m.pension), "amount_due": due,
                   "amount_paid": None, "paid_on": None, "paid_by_relative": 0, "flexible": int(m.mobile)}
            if month not in unpaid.get(m.name, ()):
                paid_month = {"month": month, "quarter": (month - 1) // 3 * 3 + 1, "year": 1}[pattern]
                row.update(amount_paid=due, paid_on=dt.date(year, paid_month, rng.randint(1, 20)),
                           paid_by_relative=int(m.homebound and rng.random() < 0.6))
            load.add("Dues Payment", row, at=_at(row["paid_on"] or first))


def funds_venue_documents(b: Branch, year: int, load: Loader) -> None:
    rng = b.rng
    active = sum(1 for m in b.members if m.status == "在册")
    funds = [("工作经费", rng.randrange(2000, 6001, 500), dt.date(year, rng.randint(1, 3), rng.randint(1, 28))),
             ("教育管理经费", 100 * active, dt.date(year, rng.randint(3, 5), rng.randint(1, 28)))]
    if "no_allowance" not in b.gaps:
        funds += [("书记工作补贴", rng.randrange(600, 1801, 100), dt.date(year, month, 25)) for month in (6, 12)]
    if rng.random() < 0.5:
        funds.append(("党费支持", rng.randrange(500, 2001, 100), dt.date(year, rng.randint(6, 11), rng.randint(1, 28))))
    for kind, amount, day in funds:
        load.add("Fund Record", {"name": load.next_name(f"FD-{year}-{{n:05d}}"), "party_org": b.name, "org": b.org,
                                 "kind": kind, "amount": Decimal(amount), "record_date": day, "source": f"{b.parent_unit}",
                                 "notes": f"{year}年{kind}"}, at=_at(day))
    checks = dict.fromkeys(alerts.VENUE_FIELDS, 1)
    if "venue_incomplete" in b.gaps:
        for key in rng.sample([k for k in checks if k != "has_place"], rng.randint(1, 3)):
            checks[key] = 0
    load.add("Venue Checklist", {"name": f"VN-{b.name}-{year}", "party_org": b.name, "org": b.org, "year": year,
                                 "address": b.address, **checks, "notes": "场所固定，设施齐全。"}, at=_at(dt.date(year, 3, 1)))
    docs = []
    if "no_plan" not in b.gaps:
        docs.append(("年度工作计划", dt.date(year, rng.randint(1, 2), rng.randint(5, 28))))
    if "no_summary" not in b.gaps:
        docs.append(("年度工作总结", dt.date(year, 12, rng.randint(10, 28))))
    if b.tier in ("示范", "良好") and rng.random() < 0.5:
        docs.append(("支部工作手册", dt.date(year, 12, 30)))
    for kind, day in docs:
        load.add("Work Document", {"name": load.next_name(f"WD-{year}-{{n:05d}}"), "party_org": b.name, "org": b.org,
                                   "kind": kind, "year": year, "title": f"{b.org_name}{year}年{kind}", "doc_date": day,
                                   "content": f"<p>{year}年，支部围绕“六有一提升”目标开展工作。</p>"}, at=_at(day))


def load_year(site: Site, branches: list[Branch], year: int, console: Console) -> Counter:
    """One year of records per branch, by executemany, 100 branches per transaction."""
    load = Loader(site)
    with progress_bar(console) as bar, site.engine.connect().execution_options(sixhave_write=True) as conn:
        task = bar.add_task(f"{year} 年台账（SQLAlchemy Core 批量载入）", total=len(branches))
        po = site.table("Party Organization")
        terms = dict(conn.execute(sa.select(po.c.name, po.c.term_start)).all())
        for b in branches:
            make_members(b, year, load)
            parent = {"name": b.name, "creation": _at(dt.date(year, 1, 2)), "docstatus": 0}
            load.child("Committee Member", parent, "Party Organization", "committee", committee_rows(b, terms[b.name]))
            meetings(b, year, load)
            talks_visits_dues(b, year, load)
            funds_venue_documents(b, year, load)
            if b.index % 100 == 99 or b is branches[-1]:
                load.flush(conn)
                conn.commit()
            bar.advance(task)
        # the city's secretaries' training, attended by each branch's secretary (or not)
        start = dt.date(year, 5, 8)
        training = load.add("Training", {"name": f"TR-{year}-0001", "title": f"{year}年全市离退休干部党支部书记学习班",
                                         "kind": "全市书记学习班", "org": "市委老干部局", "year": year, "start_date": start,
                                         "end_date": start + dt.timedelta(days=2), "place": "无锡市老干部活动中心"},
                            at=_at(start))
        load.child("Training Attendee", training, "Training", "attendees",
                   [{"party_org": b.name, "member": b.members[0].name, "member_name": b.members[0].full_name,
                     "post": "书记", "attended": 1} for b in branches if "no_training" not in b.gaps])
        load.flush(conn)
        counts = Counter({b.name: sum(1 for m in b.members if m.status == "在册") for b in branches})
        stmt = po.update().where(po.c.name == sa.bindparam("b_name")).values(member_count=sa.bindparam("b_count"))
        conn.execute(stmt, [{"b_name": k, "b_count": v} for k, v in counts.items()])
        conn.commit()
    return load.counts


def load_assessments(site: Site, branches: list[Branch], first_year: int, years: int, templates: dict,
                     console: Console) -> Counter:
    """Self Assessments for every branch and year (columns only), rectification items from lost
    points, plaques for the best branches (some revoked later)."""
    rng = random.Random(f"bench-app/assessments/{first_year}")
    load = Loader(site)
    latest = first_year + years - 1
    plaques: dict[str, dict] = {}
    revoked: dict[str, dict] = {}  # a plaque holder that fails a later year loses it
    with progress_bar(console) as bar, site.engine.connect().execution_options(sixhave_write=True) as conn:
        task = bar.add_task(f"{len(branches) * years:,} 份自评表、整改项、牌匾（批量载入）", total=len(branches) * years)
        for year in range(first_year, latest + 1):
            if year == latest:  # this year's round is under way: every phase at once
                weights = [20, 25, 15, 33, 7]
            else:
                weights = [1, 1, 2, 82, 14]
            for b in branches:
                state = rng.choices(SA_STATES, weights)[0]
                q = min(100.0, max(55.0, rng.gauss(TIER_QUALITY[b.tier], 4)))
                self_total = round(q, 1)
                district_total = round(max(50.0, self_total - rng.uniform(0, 4)), 1)
                city_total = round(max(50.0, district_total - rng.uniform(0, 3)), 1)
                if state in ("达标", "不达标"):  # the city's result decides the state
                    if (city_total >= 80) != (state == "达标"):
                        city_total = round(rng.uniform(80, 92), 1) if state == "达标" else round(rng.uniform(65, 79.9), 1)
                        district_total = max(district_total, city_total)
                        self_total = max(self_total, district_total)
                at = _at(dt.date(year, 10, 20))
                row = {"name": f"ZP-{year}-{b.name}", "party_org": b.name, "org": b.org, "year": year,
                       "sector": b.sector, "template": templates.get(year), "workflow_state": state,
                       "self_total": None, "self_result": None, "district_total": None, "district_result": None,
                       "city_total": None, "city_result": None}
                if state != "草稿":
                    row.update(self_total=self_total, self_result="达标" if self_total >= 80 else "不达标",
                               self_signed_by=b.members[0].full_name, self_signed_on=dt.date(year, 9, 30))
                if state in ("市级考评", "达标", "不达标"):
                    row.update(district_total=district_total, district_result="达标" if district_total >= 80 else "不达标",
                               district_signed_on=dt.date(year, 10, 31))
                if state in ("达标", "不达标"):
                    row.update(city_total=city_total, city_result=state, city_signed_on=dt.date(year, 11, 30))
                sa_row = load.add("Self Assessment", row, at=at, docstatus=SA_DOCSTATUS[state])
                scored = row["city_total"] or row["district_total"]
                if scored is not None and scored < 95 and rng.random() < (0.9 if scored < 80 else 0.35):
                    for code in rng.sample(["1.3", "2.3", "2.4", "3.1", "3.3", "3.5", "3.7", "4.2", "6.1", "6.3"],
                                           3 if scored < 80 else 1):
                        if year == latest:
                            rect_state = rng.choice(["待整改", "整改中", "整改中", "已完成"])
                        else:
                            rect_state = rng.choices(["已验收", "已完成", "整改中"], [90, 7, 3])[0]
                        load.add("Rectification Item", {
                            "name": load.next_name(f"ZG-{year}-{{n:05d}}"), "party_org": b.name, "org": b.org, "year": year,
                            "self_assessment": sa_row["name"], "item_code": code,
                            "source": "市级考评" if row["city_total"] is not None else "区级审核",
                            "lost_points": round(rng.uniform(0.5, 3), 1), "problem": f"评分项{code}未达标准",
                            "task": f"对照评分项{code}整改", "responsible_person": b.members[0].full_name,
                            "deadline": dt.date(year + 1, 3, 31), "workflow_state": rect_state},
                            at=at, docstatus=RECT_DOCSTATUS[rect_state])
                if state == "达标" and city_total >= 95 and b.name not in plaques and rng.random() < 0.25 and year < latest:
                    plaques[b.name] = load.add("Plaque", {
                        "name": load.next_name(f"SP-{year}-{{n:04d}}"), "party_org": b.name, "org": b.org, "year": year,
                        "title": "市级“六有一提升”示范党支部", "awarded_on": dt.date(year, 12, 20), "status": "有效"},
                        at=_at(dt.date(year, 12, 20)))
                elif b.name in plaques and b.name not in revoked and state == "不达标":
                    revoked[b.name] = {"p_name": plaques[b.name]["name"], "p_on": dt.date(year, 12, 10)}
                bar.advance(task)
            load.flush(conn)
            conn.commit()
        plaque = site.table("Plaque")
        if revoked:
            conn.execute(plaque.update().where(plaque.c.name == sa.bindparam("p_name"))
                         .values(status="撤销", revoked_on=sa.bindparam("p_on"), revoke_reason="年度考评不达标"),
                         list(revoked.values()))
        holders = [name for name in plaques if name not in revoked]
        po = site.table("Party Organization")
        if holders:
            conn.execute(po.update().where(po.c.name.in_(holders)).values(is_demonstration=1))
            conn.commit()
    return load.counts


def analyze(site: Site) -> None:
    """Planner statistics, as tables that have lived in production have them (see bench.api)."""
    with site.engine.connect() as conn:
        if site.backend == "sqlite":
            conn.exec_driver_sql("ANALYZE")
        else:
            for table in sa.inspect(conn).get_table_names():
                conn.exec_driver_sql(f"ANALYZE TABLE `{table}`").all()
        conn.commit()


def settle(site: Site, limit: float = 180.0) -> str:
    """MariaDB only: wait (at most `limit` s) until InnoDB has written out most of the pages the bulk
    load dirtied, so that the timed calls do not compete with that flushing. The counter is the
    server's, so other databases' writes count too."""
    if site.backend != "mariadb":
        return ""
    start = time.perf_counter()
    with site.engine.connect() as conn:
        def status(name: str) -> int:
            return int(conn.exec_driver_sql(f"SHOW GLOBAL STATUS LIKE '{name}'").first()[1])
        total = status("Innodb_buffer_pool_pages_total")
        dirty = status("Innodb_buffer_pool_pages_dirty")
        while dirty > total * 0.02 and time.perf_counter() - start < limit:
            time.sleep(2)
            dirty = status("Innodb_buffer_pool_pages_dirty")
    return f"waited {time.perf_counter() - start:.0f} s for InnoDB to flush ({dirty:,} of {total:,} pages dirty then)"


def mariadb_facts(site: Site) -> dict[str, str]:
    """The buffer pool against the data: the measured calls read from it."""
    with site.engine.connect() as conn:
        pool = int(conn.exec_driver_sql("SELECT @@innodb_buffer_pool_size").scalar())
        rows = conn.exec_driver_sql(
            "SELECT table_name, data_length, index_length FROM information_schema.tables WHERE table_schema = DATABASE() "
            "ORDER BY data_length + index_length DESC").all()
    mib = 1024 * 1024
    total = sum(r[1] + r[2] for r in rows)
    top = ", ".join(f"{r[0]} {r[1] / mib:.0f}+{r[2] / mib:.0f}" for r in rows[:4])
    return {"InnoDB buffer pool": f"{pool / mib:.0f} MiB",
            "database size": f"{total / mib:.0f} MiB (largest, data+index MiB: {top})"}


# --------------------------------------------------------------------------- checks and figures
def template_items(site: Site, name: str) -> list[dict]:
    with site.context(write=False) as ctx:
        return [row.as_dict() for row in ctx.get_doc("Scoring Template", name).items]


def verify(site: Site, branch: str, year: int, items: list[dict], latest: int, today: dt.date, console: Console) -> dict:
    ruled = [i for i in items if i.get("evidence_rule")]
    points = {str(i["code"]): Decimal(str(i["points"])) for i in items}
    with site.context(write=False) as ctx:
        proposals = evidence.propose_all(ctx, branch, year, items)
    assert len(items) == 36, f"the 2018 template has {len(items)} items, not 36"
    assert set(proposals) == {str(i["code"]) for i in ruled}, "a proposal per item with an evidence rule"
    bad = {c: p.score for c, p in proposals.items() if not (Decimal(0) <= p.score <= points[c])}
    assert not bad, f"scores outside 0..points: {bad}"
    assert all(p.note for p in proposals.values()), "every proposal explains itself"
    with site.context(write=False) as ctx:
        board = dashboards.city(ctx, latest)
    districts = [u for u in board["pass_rates"]["units"] if u["level"] == "市（县）区"]
    assert len(districts) == 8, f"{len(districts)} district rows, not 8"
    assessed = sum(u["assessed"] for u in board["pass_rates"]["units"])
    with site.context(write=False) as ctx:
        found = alerts.alerts_for(ctx, today)
    assert found, "alerts for the city"
    got = sum(p.score for p in proposals.values())
    most = sum(points[c] for c in proposals)
    console.print(f"检查：支部 {branch} 的佐证建议 {len(proposals)} 项（模板 {len(items)} 项，其中 {len(ruled)} 项有佐证规则），"
                  f"建议得分 {got} / {most}，均在 0 与分值之间；看板 {len(board['pass_rates']['units'])} 个单位行"
                  f"（8 个市（县）区），{latest} 年自评表 {assessed:,} 份，合格率 {board['pass_rates']['pass_rate']}%，"
                  f"示范 {board['demonstration']['count']} 个；提醒 {len(found):,} 条"
                  f"（{', '.join(f'{k} {n}' for k, n in Counter(a.kind for a in found).most_common())}）")
    return {"proposals": len(proposals), "alerts": len(found), "assessed": assessed}


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def measure_evidence(site: Site, names: list[str], year: int, items: list[dict], today: dt.date,
                     console: Console) -> dict:
    out = {}
    console.print(f"计时：propose_all × {len(names):,}，alerts_for，propose_many（无进度条，免得它的线程分走时间）…")
    start = _clock()
    with site.context(write=False) as ctx:
        for name in names:
            evidence.propose_all(ctx, name, year, items)
    out["evidence"] = _since(start)
    start = _clock()
    with site.context(write=False) as ctx:
        found = alerts.alerts_for(ctx, today)
    out["alerts"] = _since(start)
    out["alert_count"] = len(found)
    # For comparison (no goal): the same proposals through propose_many, which reads each kind of
    # record once per 500 branches instead of once per branch.
    start = _clock()
    with site.context(write=False) as ctx:
        batched = evidence.propose_many(ctx, names, year, items)
    out["many"] = _since(start)
    out["many_count"] = len(batched)
    return out


def measure_dashboard(site: Site, year: int, repeat: int, warmup: int = 3) -> dict:
    samples = []
    for i in range(repeat + warmup):
        start = time.perf_counter()
        with site.context(write=False) as ctx:
            dashboards.city(ctx, year)
        if i >= warmup:  # warm-up calls fill the meta and permission caches, as a running server has them
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"median": statistics.median(samples), "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
            "min": samples[0], "max": samples[-1]}


def profile(what: str, fn, console: Console, top: int = 25) -> None:
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    fn()
    prof.disable()
    console.print(f"\n[bold]cProfile：{what}[/]（带分析器 {time.perf_counter() - start:.2f} s）")
    for sort in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(sort).print_stats(top)
        text = buf.getvalue()
        console.print(text[text.find("   ncalls"):], markup=False, highlight=False)


def row_counts(site: Site, doctypes: list[str]) -> dict[str, int]:
    with site.engine.connect() as conn:
        return {d: int(conn.execute(sa.select(sa.func.count()).select_from(site.table(d))).scalar()) for d in doctypes}


def server_version(site: Site) -> str:
    with site.engine.connect() as conn:
        if site.backend == "sqlite":
            return "SQLite " + conn.exec_driver_sql("select sqlite_version()").scalar()
        return "MariaDB " + conn.exec_driver_sql("select version()").scalar()


def _mark(ok: bool) -> str:
    return "[green]PASS[/]" if ok else "[red]MISS[/]"


# --------------------------------------------------------------------------- main
def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.app", description=__doc__.split("\n\n")[0])
    p.add_argument("--branches", type=int, default=2000)
    p.add_argument("--years", type=int, default=10, help="years of Self Assessments for the dashboard")
    p.add_argument("--year", type=int, default=2018, help="the records' year (the template's); assessments run from it on")
    p.add_argument("--backend", choices=("sqlite", "mariadb"), default="sqlite")
    p.add_argument("--repeat", type=int, default=20, help="timed dashboard calls")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-analyze", action="store_true", help="plan without statistics")
    p.add_argument("--profile", action=argparse.BooleanOptionalAction, default=None,
                   help="cProfile the measured calls afterwards (default: when a goal is missed)")
    p.add_argument("--profile-branches", type=int, default=300, help="branches of propose_all under cProfile")
    p.add_argument("--mariadb-url", default=os.environ.get("SIXHAVE_BENCH_MARIADB", "mariadb+mariadbconnector://root@127.0.0.1:3306"))
    args = p.parse_args(argv)
    console = Console(width=max(Console().width, 120))
    load_before = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    root = Path(tempfile.mkdtemp(prefix="sixhave-bench-app-"))
    name = uuid.uuid4().hex[:10]
    url = (f"{args.mariadb_url.rstrip('/')}/sixhave_bench_app_{name}" if args.backend == "mariadb"
           else f"sqlite:///{root / name / 'site.db'}")
    year, latest = args.year, args.year + args.years - 1
    today = dt.date(year, 12, 20)  # alerts are asked in the records' year, near its end
    site = None
    try:
        setup = time.perf_counter()
        with console.status("新建站点（migrate）…"):
            site, _ = new_site(name, db_url=url, sites_path=root)
        nodes, by_sector, _ = plan_tree(random.Random(args.seed))
        branches = plan_branches(args.branches, args.seed, by_sector)
        templates = build_orgs(site, branches, nodes, year, args.years, console)
        counts = load_year(site, branches, year, console)
        counts += load_assessments(site, branches, year, args.years, templates, console)
        if not args.no_analyze:
            with console.status("ANALYZE…"):
                analyze(site)
        settled = settle(site)
        setup = time.perf_counter() - setup
        shown = ["Org Unit", "Party Organization", "Party Member", "Committee Member", "Meeting", "Meeting Attendance",
                 "Talk Record", "Care Visit", "Dues Payment", "Fund Record", "Venue Checklist", "Work Document",
                 "Training Attendee", "Self Assessment", "Rectification Item", "Plaque", "Scoring Template"]
        rows = row_counts(site, shown)
        console.print(f"准备完毕（不计时）：{setup:.0f} s；" + "，".join(f"{d} {n:,}" for d, n in rows.items()))
        items = template_items(site, templates[year])
        names = [b.name for b in branches]
        verify(site, names[0], year, items, latest, today, console)
        ev = measure_evidence(site, names, year, items, today, console)
        board = measure_dashboard(site, latest, args.repeat)
        server = server_version(site)
        total_wall = ev["evidence"][0] + ev["alerts"][0]
        total_cpu = ev["evidence"][1] + ev["alerts"][1]
        ok_a, ok_b = total_wall <= GOAL_EVIDENCE_S, board["median"] <= GOAL_DASHBOARD_MS
        table = Table(title=f"六有一提升：{args.branches:,} 个支部（{server}）")
        for col in ("figure", "wall", "CPU (this process)", "goal", ""):
            table.add_column(col, justify="left" if col in ("figure", "goal") else "right")
        per = 1000 / max(1, args.branches)
        table.add_row(f"(a) evidence: propose_all × {args.branches:,} ({year})", f"{ev['evidence'][0]:.1f} s",
                      f"{ev['evidence'][1]:.1f} s", "", f"{ev['evidence'][0] * per:.1f} ms/branch")
        table.add_row(f"(a) alerts_for(ctx, {today}), whole city", f"{ev['alerts'][0]:.2f} s", f"{ev['alerts'][1]:.2f} s",
                      "", f"{ev['alert_count']:,} alerts")
        table.add_row("(a) evidence + alerts", f"[bold]{total_wall:.1f} s[/]", f"{total_cpu:.1f} s",
                      f"≤ {GOAL_EVIDENCE_S:.0f} s", _mark(ok_a))
        table.add_row("    for comparison: propose_many (500 branches a batch)", f"{ev['many'][0]:.1f} s",
                      f"{ev['many'][1]:.1f} s", "", f"{ev['many'][0] * per:.1f} ms/branch")
        table.add_row(f"(b) dashboards.city(ctx, {latest}), median of {args.repeat}", f"[bold]{board['median']:.0f} ms[/]", "",
                      f"≤ {GOAL_DASHBOARD_MS:.0f} ms", _mark(ok_b))
        table.add_row("    p95 / min / max", f"{board['p95']:.0f} / {board['min']:.0f} / {board['max']:.0f} ms", "", "", "")
        console.print(table)
        facts = machine({args.backend: server} if args.backend == "mariadb" else {}, engine_revision())
        facts["load average (1 min) at start / end"] = f"{load_before} / {Path('/proc/loadavg').read_text().split()[0]}"
        if args.backend == "mariadb":
            facts.update(mariadb_facts(site))
            facts["before timing"] = settled
        facts["data"] = (f"{args.branches:,} branches, records of {year}, assessments {year}–{latest}, "
                         f"{'no ANALYZE' if args.no_analyze else 'ANALYZE after loading'}, seed {args.seed}")
        console.print("\n".join(f"[dim]{k}:[/] {v}" for k, v in facts.items()))
        if args.profile or (args.profile is None and not (ok_a and ok_b)):
            some = names[: args.profile_branches]

            def run_evidence():
                with site.context(write=False) as ctx:
                    for n in some:
                        evidence.propose_all(ctx, n, year, items)

            def run_alerts():
                with site.context(write=False) as ctx:
                    alerts.alerts_for(ctx, today)

            def run_board():
                for _ in range(5):
                    with site.context(write=False) as ctx:
                        dashboards.city(ctx, latest)

            if args.profile or not ok_a:
                profile(f"propose_all × {len(some)}", run_evidence, console)
                profile("alerts_for, whole city", run_alerts, console)
            if args.profile or not ok_b:
                profile(f"dashboards.city({latest}) × 5", run_board, console)
        return 0 if ok_a and ok_b else 1
    finally:
        if site is not None:
            site.dispose()
        drop_database(url)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
