"""自查摸底 (plan §四2): by the end of July each organisation checks itself against the 6
categories and 36 items; every item that lost points becomes an entry of its three lists — 问题清单
(the problem), 任务清单 (the task), 责任清单 (the responsible department and person) — each with a
deadline, all required. The timetable (时间表) and route (路线图) follow from the entries; on
submission each entry opens a rectification item."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sixhave_app.engine.errors import DuplicateEntryError, ValidationError
from sixhave_app.six_haves import programme, rectification

REQUIRED = (("item_code", "评分项"), ("problem", "问题"), ("task", "整改任务"), ("responsible_department", "责任部门"),
            ("responsible_person", "责任人"), ("deadline", "完成时限"))
QUICK_DAYS = 31  # a task due within a month of the check is 立即整改 on the route


def _d(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def make(ctx, party_org: str, year: int, check_date=None):
    """The organisation's Self Check for `year`, its entries drafted from the items that lost
    points on its self-assessment sheet (the self score, or the evidence's proposal where the
    branch has not scored yet). The branch completes and submits it."""
    if ctx.get_value("Self Check", {"party_org": party_org, "year": year}, "name", ignore_permissions=True):
        raise DuplicateEntryError(f"{party_org} 的 {year} 年自查摸底表已存在")
    sheet_name = ctx.get_value("Self Assessment", {"party_org": party_org, "year": year}, "name")
    if sheet_name:
        sheet = ctx.get_doc("Self Assessment", sheet_name)
    else:
        sheet = ctx.new_doc("Self Assessment", party_org=party_org, year=year).insert()
    day = programme._date(check_date) or ctx.today()
    who = rectification.defaults(ctx, party_org, year)
    due = who["deadline"] if who["deadline"] > day else day + dt.timedelta(days=60)
    entries = []
    for row in sheet.items:
        score = row.self_score if row.self_score is not None else row.proposed_score
        if score is None or _d(score) >= _d(row.points):
            continue
        lost = _d(row.points) - _d(score)
        note = f"（{row.evidence}）" if row.evidence else ""
        entries.append({"item_code": row.code, "item_content": row.content, "lost_points": lost,
                        "problem": f"{row.code} {row.content}：自查失 {lost} 分{note}"[:1000],
                        "task": f"对照标准整改：{row.standard or row.content}",
                        "responsible_department": who["responsible_department"],
                        "responsible_person": who["responsible_person"], "deadline": due})
    return ctx.new_doc("Self Check", party_org=party_org, year=year, check_date=day, self_assessment=sheet.name,
                       entries=entries).insert()


def validate(doc) -> None:
    year = programme.year_of(doc)
    day = programme._date(doc.check_date)
    if day and year and day.year != year:
        raise ValidationError(f"自查日期（{day}）应在 {year} 年内")
    codes = []
    for row in doc.entries:
        missing = [label for field, label in REQUIRED if not str(row.get(field) or "").strip()]
        if missing:
            raise ValidationError(f"清单第 {row.idx} 行（{row.item_code or '未填评分项'}）：请填写{'、'.join(missing)}")
        deadline = programme._date(row.deadline)
        if day and deadline <= day:
            raise ValidationError(f"清单第 {row.idx} 行（{row.item_code}）：完成时限（{deadline}）须晚于自查日期（{day}）")
        if row.objective_limit and not str(row.gradual_plan or "").strip():
            raise ValidationError(f"清单第 {row.idx} 行（{row.item_code}）：受客观条件限制的，须写明逐步解决的措施")
        codes.append(row.item_code)
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise ValidationError(f"清单中评分项重复：{'、'.join(repeated)}")


def on_submit(doc) -> None:
    """Each entry opens a rectification item (source 自查) carrying its task, people and deadline."""
    ctx = doc.ctx
    existing = set(ctx.get_all("Rectification Item", filters={"party_org": doc.party_org, "year": doc.year},
                               pluck="item_code", ignore_permissions=True))
    table = ctx.table("Self Check Entry")
    for row in doc.entries:
        if row.item_code in existing:
            continue
        item = ctx.new_doc("Rectification Item", party_org=doc.party_org, year=doc.year, self_check=doc.name,
                           self_assessment=doc.self_assessment, item_code=row.item_code, source="自查",
                           lost_points=row.lost_points, problem=row.problem, task=row.task,
                           responsible_department=row.responsible_department,
                           responsible_person=row.responsible_person, deadline=row.deadline,
                           objective_limit=row.objective_limit, gradual_plan=row.gradual_plan)
        item.flags.ignore_permissions = True
        item.insert()
        ctx.conn.execute(table.update().where(table.c.name == row.name).values(rectification=item.name))
        row.rectification = item.name


def lists(doc) -> dict:
    """The three lists, the timetable (by month of deadline) and the route (立即整改 → 限期整改 →
    逐步解决), from the entries."""
    today = programme._date(doc.check_date) or doc.ctx.today()
    entries = sorted(doc.entries, key=lambda r: (programme._date(r.deadline), r.item_code))
    problems = [{"item_code": r.item_code, "item_content": r.item_content, "lost_points": r.lost_points,
                 "problem": r.problem} for r in doc.entries]
    tasks = [{"item_code": r.item_code, "task": r.task, "deadline": r.deadline, "objective_limit": bool(r.objective_limit),
              "gradual_plan": r.gradual_plan} for r in doc.entries]
    duties = [{"item_code": r.item_code, "responsible_department": r.responsible_department,
               "responsible_person": r.responsible_person, "task": r.task, "deadline": r.deadline} for r in doc.entries]
    timetable: dict[str, list] = {}
    for r in entries:
        day = programme._date(r.deadline)
        timetable.setdefault(f"{day.year}-{day.month:02d}", []).append(
            {"item_code": r.item_code, "task": r.task, "deadline": day, "responsible_person": r.responsible_person})
    stages = {"立即整改": [], "限期整改": [], "逐步解决": []}
    for r in entries:
        day = programme._date(r.deadline)
        stage = "逐步解决" if r.objective_limit else ("立即整改" if (day - today).days <= QUICK_DAYS else "限期整改")
        stages[stage].append({"item_code": r.item_code, "task": r.task, "deadline": day,
                              "rectification": r.rectification})
    return {"party_org": doc.party_org, "year": doc.year, "问题清单": problems, "任务清单": tasks, "责任清单": duties,
            "时间表": [{"month": m, "items": items} for m, items in sorted(timetable.items())],
            "路线图": [{"stage": s, "items": items} for s, items in stages.items() if items]}
