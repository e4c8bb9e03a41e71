"""`sixhave demo`: a realistic, deterministic data set to try the programme on.

One call makes a year of records for N branches: the streets, communities and unit Party committees
they hang under; the organisations themselves (every sector, 党支部 and 党小组, 建制式 and 非建制式);
members, committee and liaison; meetings with attendance, talks, care visits, dues, funds, venue
checklists, plans and summaries; the city's secretaries' training; and demo users of every role with
their org scope. What to make is planned by `demo_plan.Planner` (the same plan bench/app.py
bulk-loads); here every row goes through the document API, so validation and controllers run.

The same seed gives the same data and the same names (on an empty site). Gaps are made on purpose,
as in real ledgers: expired terms, secretaries over 75, vacancies, missing liaisons, missed study
months, unpaid dues, late visits, incomplete venues, missing summaries — the things the evidence
rules of the scoring template look for.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Callable

import click

from sixhave_app.engine.errors import ValidationError

from .demo_plan import Branch, Planner
from .org_tree import ensure_city_tree

DEMO_PASSWORD = "demo1234"
MAIL_DOMAIN = "wuxi.example"  # reserved TLD: demo accounts can never receive real mail

Progress = Callable[[str, int, int], None]


def planner(ctx, *, year: int, seed: int, today: dt.date) -> Planner:
    """A Planner for the site `ctx` is on: the Org Units it has, its Activity Kinds, and whether its
    Party Member DocType holds a death date."""
    kinds = ctx.get_all("Activity Kind", fields=["name", "is_collective_study"], ignore_permissions=True)
    return Planner(year=year, seed=seed, today=today,
                   units=ctx.get_all("Org Unit", pluck="name", ignore_permissions=True),
                   kinds={k["name"]: bool(k["is_collective_study"]) for k in kinds},
                   has_death_date=ctx.meta("Party Member").has_field("death_date"))


class _Demo:
    """The plan written through the document API, with counts of what was made."""

    def __init__(self, ctx, *, year: int, seed: int, today: dt.date, progress: Progress | None):
        self.ctx = ctx
        self.year = year
        self.seed = seed
        self.progress = progress or (lambda *_: None)
        self.counts: Counter = Counter()
        self.plan = planner(ctx, year=year, seed=seed, today=today)
        field_ = ctx.meta("Party Member").get_field("co_managing_org")
        self.co_management_required = bool(field_ is not None and field_.mandatory_depends_on)

    @property
    def branches(self) -> list[Branch]:
        return self.plan.branches

    @property
    def communities(self) -> dict[str, list[str]]:
        return self.plan.communities

    def insert(self, doctype: str, values: dict):
        doc = self.ctx.new_doc(doctype, values).insert()
        self.counts[doctype] += 1
        return doc

    def unit(self, name: str, level: str, parent: str) -> str:
        row = self.plan.new_unit(name, level, parent)
        if row is not None:
            self.insert("Org Unit", row)
        return name

    def build(self, index: int) -> Branch:
        b = self.plan.branch(index)
        for row in b.units:
            self.insert("Org Unit", row)
        po = self.insert("Party Organization", b.values)
        b.org = po.org
        for person in b.people:
            values = dict(person.values, party_org=b.name)
            placeholder = person.is_mobile and not person.co_managed and self.co_management_required
            if placeholder:
                values["co_managing_org"] = "待落实"
            doc = self.insert("Party Member", values)
            person.name = doc.name
            if placeholder:
                # Party Member makes co_managing_org mandatory for mobile members, so the gap the
                # evidence rule `mobile_members_co_managed` looks for cannot be entered through a form;
                # ledgers carried over from paper have it, so the demo writes it as such a record.
                doc.db_set("co_managing_org", None, update_modified=False)
        for row in self.plan.committee(b):
            po.append("committee", row)
        po.save()
        for doctype, row in self.plan.records(b):
            self.insert(doctype, row)
        self.counts["Org Unit"] += 1  # the branch's own node, made by the controller
        return b

    def training(self) -> None:
        self.insert("Training", self.plan.training())

    def users(self) -> list[dict]:
        """Demo accounts of every role, each with its org scope (User Permission on Org Unit)."""
        out = []
        for login, display, role, scope in self.plan.accounts():
            email = f"{login}@{MAIL_DOMAIN}"
            if not self.ctx.exists("User", email):
                self.insert("User", {"email": email, "first_name": display, "new_password": DEMO_PASSWORD,
                                     "roles": [{"role": role}]})
                if scope:
                    self.insert("User Permission", {"user": email, "allow": "Org Unit", "for_value": scope,
                                                    "apply_to_all_doctypes": 1})
            out.append({"user": email, "password": DEMO_PASSWORD, "role": role, "scope": scope or "全市（不限）",
                        "name": display})
        return out


# --------------------------------------------------------------------------- entry points
def has_branches(ctx) -> int:
    return ctx.get_count("Party Organization", ignore_permissions=True)


def generate(ctx, *, branches: int, year: int, seed: int, progress: Progress | None = None,
             today: dt.date | None = None, cycle: bool = False) -> dict:
    """Make the demo data set on an empty site (see the module's docstring); commits per branch.

    `today` fixes "this month" for the members whose political birthday falls in it (default:
    the real date). With `cycle` (as `sixhave demo` does unless told --no-cycle) the year is then
    walked through every phase of the plan (demo_cycle.py); without it the year's records stop
    before the programme's own documents, for callers that make those themselves. Returns the counts of documents made per DocType and the demo users."""
    if branches < 1:
        raise ValidationError("演示数据：党组织数量至少为 1")
    existing = has_branches(ctx)
    if existing:
        raise ValidationError(f"演示数据只能装入没有党组织的站点：本站点已有 {existing} 个党组织（可用 --if-empty 跳过）")
    demo = _Demo(ctx, year=year, seed=seed, today=today or dt.date.today(), progress=progress)
    demo.progress("组织树", 0, branches)
    for name in ensure_city_tree(ctx):
        demo.counts["Org Unit"] += 1
        demo.plan.units.add(name)
    ctx.commit()
    for i in range(branches):
        demo.build(i)
        ctx.commit()
        demo.progress(demo.branches[-1].name, i + 1, branches)
    demo.progress("培训与用户", branches, branches)
    demo.training()
    users = demo.users()
    ctx.commit()
    if cycle:
        from .demo_cycle import run as run_cycle

        run_cycle(demo)  # the year through every phase of the plan
        ctx.commit()
    return {"counts": dict(sorted(demo.counts.items())), "users": users,
            "branches": [b.name for b in demo.branches], "year": year, "seed": seed}


@click.command("demo")
@click.option("--branches", default=24, show_default=True, type=click.IntRange(1), help="党组织数量")
@click.option("--year", default=dt.date.today().year, show_default=True, type=int, help="数据所属年度")
@click.option("--seed", default=1, show_default=True, type=int, help="随机种子：相同种子生成相同数据")
@click.option("--if-empty", is_flag=True, help="站点已有党组织时什么也不做")
@click.option("--cycle/--no-cycle", default=True, show_default=True,
              help="把这一年走完各阶段（实施方案、自查摸底、整改、申报考核、公示授牌、督促检查）")
@click.pass_obj
def demo_command(obj, branches, year, seed, if_empty, cycle):
    """装入演示数据：组织树、党组织、党员、一年的台账和各角色的演示账号。"""
    import time

    from rich.progress import BarColumn, Progress as Bar, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from sixhave_app.engine import analyze
    from sixhave_app.engine.cli import _open, console

    site = _open(obj)
    site.check_connection()
    try:
        with site.context(ignore_permissions=True) as ctx:
            existing = has_branches(ctx)
            if existing and if_empty:
                console.print(f"站点 {site.name} 已有 {existing} 个党组织，未装入演示数据")
                print_accounts(console, accounts(ctx))
                return
            started = time.monotonic()
            with Bar(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                     TimeElapsedColumn(), console=console, transient=True) as bar:
                task = bar.add_task("演示数据", total=branches)
                result = generate(ctx, branches=branches, year=year, seed=seed, cycle=cycle,
                                  progress=lambda text, done, total: bar.update(task, description=text, completed=done,
                                                                                total=total))
            seconds = time.monotonic() - started
        analyze.run(site)  # planner statistics for the tables the demo filled
    finally:
        site.dispose()
    console.print(f"[green]演示数据已装入[/]：{year} 年，{branches} 个党组织，种子 {seed}，用时 {seconds:.1f} 秒")
    counts = Table(title="新建记录")
    counts.add_column("类型")
    counts.add_column("条数", justify="right")
    for doctype, count in result["counts"].items():
        counts.add_row(doctype, str(count))
    console.print(counts)
    print_accounts(console, result["users"])


def accounts(ctx) -> list[dict]:
    """The demo accounts a site holds (those the demo made), with role and scope."""
    rows = ctx.get_all("User", filters=[["name", "like", f"%@{MAIL_DOMAIN}"]], fields=["name", "full_name"],
                       order_by="creation asc", ignore_permissions=True, limit_page_length=0)
    out = []
    for row in rows:
        roles = ctx.get_all("Has Role", filters={"parent": row["name"], "parenttype": "User"}, pluck="role",
                            ignore_permissions=True)
        scope = ctx.get_all("User Permission", filters={"user": row["name"], "allow": "Org Unit"}, pluck="for_value",
                            ignore_permissions=True)
        out.append({"user": row["name"], "password": DEMO_PASSWORD, "role": "、".join(roles),
                    "scope": "、".join(scope) or "全市（不限）", "name": row["full_name"]})
    return out


def print_accounts(console, users: list[dict]) -> None:
    from rich.table import Table

    if not users:
        return
    table = Table(title=f"演示账号（密码均为 {DEMO_PASSWORD}）")
    table.add_column("账号", no_wrap=True)  # a login must be readable whole, whatever the width
    for column in ("角色", "数据范围", "姓名"):
        table.add_column(column)
    for row in users:
        table.add_row(row["user"], row["role"], row["scope"], row["name"])
    console.print(table)
