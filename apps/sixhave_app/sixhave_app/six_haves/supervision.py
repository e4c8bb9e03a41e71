"""持续推进 (plan §四5): each working committee (the 市（县）区 or 市直单位 above a branch) inspects
each of its branches once per half-year — scheduled here, reminded, findings recorded (each may
open a rectification item), an overdue inspection shown in the supervisors' alerts; and one
city-wide secretaries' class (支部书记学习班) a year, with attendance."""
from __future__ import annotations

import datetime as dt

from sixhave_app.engine.errors import ValidationError
from sixhave_app.six_haves import programme, rectification

HALVES = ("上半年", "下半年")
HALF_DUE = {"上半年": "inspect_h1_by", "下半年": "inspect_h2_by"}
CITY_CLASS = "全市书记学习班"


def half_bounds(year: int, half: str) -> tuple[dt.date, dt.date]:
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == "上半年" else (dt.date(year, 7, 1), dt.date(year, 12, 31))


def half_due(ctx, year: int, half: str) -> dt.date:
    return programme.date_of(ctx, year, HALF_DUE[half])


def validate_inspection(doc) -> None:
    ctx = doc.ctx
    year = programme.year_of(doc)
    if doc.half not in HALVES:
        raise ValidationError("请选择上半年或下半年")
    if not doc.due_date:
        doc.due_date = half_due(ctx, year, doc.half)
    if not doc.inspector_unit and doc.party_org:
        from sixhave_app.six_haves.demonstration import district_of

        org = ctx.get_value("Party Organization", doc.party_org, "org", ignore_permissions=True)
        doc.inspector_unit = district_of(ctx, org)
    if doc.status == "已完成":
        day = programme._date(doc.inspection_date)
        if day is None:
            raise ValidationError("已完成的督促检查须填写检查日期")
        first, last = half_bounds(year, doc.half)
        if not first <= day <= last:
            raise ValidationError(f"{year}年{doc.half}的督促检查，检查日期（{day}）应在 {first} 至 {last} 之间")
        if day > ctx.today():
            raise ValidationError(f"检查日期（{day}）不能晚于今天")
    for row in doc.finding_rows:
        if row.open_rectification and not row.rectification:
            if not str(row.responsible_person or "").strip() or not row.deadline:
                raise ValidationError(f"发现问题第 {row.idx} 行：列入整改的，须填写责任人和整改时限")


def open_rectifications(doc) -> list[str]:
    """Inspection on_update: each finding marked 列入整改 opens one rectification item (once)."""
    ctx = doc.ctx
    if doc.status != "已完成":
        return []
    table = ctx.table("Inspection Finding")
    made = []
    for row in doc.finding_rows:
        if not row.open_rectification or row.rectification:
            continue
        item = ctx.new_doc("Rectification Item", party_org=doc.party_org, year=doc.year, inspection=doc.name,
                           source="督促检查", problem=row.problem, task=row.task or row.problem,
                           responsible_person=row.responsible_person, deadline=row.deadline,
                           responsible_department=doc.inspector_unit)
        item.flags.ignore_permissions = True  # opened by the supervisor's review, for the branch to work on
        item.insert()
        ctx.conn.execute(table.update().where(table.c.name == row.name).values(rectification=item.name))
        row.rectification = item.name
        made.append(item.name)
    return made


def schedule(ctx, year: int, half: str, org: str | None = None) -> list[str]:
    """Plan the half-year's inspection of every branch (within `org`, through the caller's
    permissions) that has none yet; last year's non-compliant branches are marked 重点督查."""
    if half not in HALVES:
        raise ValidationError("请选择上半年或下半年")
    due = half_due(ctx, year, half)
    filters = [["org", "descendants of (inclusive)", org]] if org else []
    branches = ctx.get_all("Party Organization", filters=filters, fields=["name", "org", "founded_on"], limit_page_length=0)
    have = set(ctx.get_all("Inspection", filters={"year": year, "half": half}, pluck="party_org", ignore_permissions=True))
    failed = set(ctx.get_all("Self Assessment", filters={"year": year - 1, "workflow_state": "不达标"}, pluck="party_org",
                             ignore_permissions=True))
    made = []
    for b in branches:
        if b["name"] in have or (b["founded_on"] and b["founded_on"] > due):
            continue
        doc = ctx.new_doc("Inspection", party_org=b["name"], year=year, half=half, status="计划", due_date=due,
                          priority=int(b["name"] in failed)).insert()
        made.append(doc.name)
    return made


def overdue(ctx, today: dt.date, branches: dict[str, dict]) -> list[dict]:
    """(branch, year, half, due) for each half-year whose inspection is past due and not done."""
    year = today.year
    record = programme.programme_year(ctx, year) or {}
    dues = {half: programme.date_of(ctx, year, HALF_DUE[half], record) for half in HALVES}
    if all(today <= due for due in dues.values()):
        return []
    done = {(r["party_org"], r["half"]) for r in ctx.get_all(
        "Inspection", filters={"year": year, "status": "已完成"}, fields=["party_org", "half"], ignore_permissions=True,
        limit_page_length=0)}
    out = []
    for half in HALVES:
        due = dues[half]
        if today <= due:
            continue
        for b in branches.values():
            founded = b.get("founded_on")
            if founded and founded > due:
                continue
            if (b["name"], half) not in done:
                out.append({"party_org": b["name"], "year": year, "half": half, "due": due})
    return out


# --------------------------------------------------------------------------- the secretaries' class
def validate_training(doc) -> None:
    """The city's class is held once a year; it may run in several sessions (one record each),
    all of the same year."""
    day = programme._date(doc.start_date)
    if doc.kind == CITY_CLASS and day and doc.year and day.year != int(doc.year):
        raise ValidationError(f"{doc.year}年的全市党支部书记学习班，开始日期（{day}）应在 {doc.year} 年内")


def class_attendance(ctx, year: int) -> dict | None:
    """The year's class (all its sessions): when it was first held and who attended, by branch
    (None if not held yet)."""
    rows = ctx.get_all("Training", filters={"kind": CITY_CLASS, "year": year}, fields=["name", "start_date"],
                       order_by="start_date asc", ignore_permissions=True)
    if not rows:
        return None
    attendees = ctx.get_all("Training Attendee", filters=[["parent", "in", [r["name"] for r in rows]],
                                                         ["parenttype", "=", "Training"]],
                            fields=["party_org", "member", "attended"], ignore_permissions=True, limit_page_length=0)
    return {"name": rows[0]["name"], "start_date": rows[0]["start_date"],
            "present": {(a["party_org"], a["member"]) for a in attendees if a["attended"]},
            "branches": {a["party_org"] for a in attendees if a["attended"]}}
