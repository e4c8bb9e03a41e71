"""District scores by workbook: a district (or unit) downloads its organisations' self assessments
awaiting its review — one row per item with the item's text, its points, the branch's self score
and the evidence proposal — fills the district score offline, and uploads the workbook back. The
upload is checked cell by cell (every bad cell reported) and written in one transaction through the
normal save, so scope, permission levels and the workflow's field rights decide what may change:
only the district score and remark of sheets in the district-review state within the user's scope."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sixhave_app.engine import data_import, excel, workflow
from sixhave_app.engine.data_import import Problem
from sixhave_app.engine.errors import DoesNotExistError, SixhaveError, ValidationError

DOCTYPE = "Self Assessment"
SHEET = "区级评分"
FILLED = ("district_score", "district_remark")  # the columns a district fills
# (header, where the value comes from: a field of the assessment "doc.x" or of the item "x", width)
COLUMNS = [
    ("自评表ID", "doc.name", 24), ("党组织", "doc.party_org", 24), ("所属组织", "doc.org", 14), ("审批状态", "doc.workflow_state", 14),
    ("类别", "category", 12), ("编号", "code", 8), ("考核内容", "content", 40), ("评分标准", "standard", 40),
    ("分值", "points", 8), ("自评得分", "self_score", 10), ("自评说明", "self_remark", 24),
    ("佐证建议分", "proposed_score", 10), ("区级（单位）得分", "district_score", 14),
    ("区级（单位）说明", "district_remark", 30), ("行ID", "name", 18),
]
HEADERS = [h for h, _, _ in COLUMNS]


def review_states(ctx) -> list[str]:
    """The workflow states in which the user's roles may write the district score."""
    wf = workflow.active_definition(ctx, DOCTYPE)
    if wf is None:
        return []
    roles = set(ctx.roles)
    mine = [s.state for s in wf.states if any("items.district_score" in (s.editable_fields.get(r) or []) for r in roles)]
    if mine or not ({"System Manager", "Administrator"} & roles or ctx.user == "Administrator"):
        return mine
    return [s.state for s in wf.states if any("items.district_score" in fields for fields in s.editable_fields.values())]


def assessments(ctx, year: int, org: str | None = None, states: list[str] | None = None) -> list[str]:
    filters = [["year", "=", int(year)], ["workflow_state", "in", states if states is not None else review_states(ctx)]]
    if org:
        filters.append(["org", "descendants of (inclusive)", org])
    return ctx.get_list(DOCTYPE, filters=filters, pluck="name", order_by="org asc, party_org asc", limit_page_length=0)


def download(ctx, year: int, path: Path, org: str | None = None) -> int:
    """The workbook of the user's sheets awaiting district review; returns how many sheets."""
    names = assessments(ctx, year, org)
    book = excel.new_book()
    editable = [source in FILLED for _, source, _ in COLUMNS]
    writer = excel.SheetWriter(book, SHEET, HEADERS, widths=[w for _, _, w in COLUMNS],
                               formats=["0.0" if src in ("points", "self_score", "proposed_score", "district_score") else None
                                        for _, src, _ in COLUMNS], required=editable)
    for name in names:
        doc = ctx.get_doc(DOCTYPE, name)
        for item in doc.items:
            writer.append([doc.get(src[4:]) if src.startswith("doc.") else item.get(src) for _, src, _ in COLUMNS])
    _explain(book, year, len(names))
    book.save(path)
    return len(names)


def _explain(book, year: int, count: int) -> None:
    sheet = book.create_sheet(data_import.INSTRUCTIONS_SHEET)
    sheet.column_dimensions["A"].width = 100
    for line in (f"{year}年达标自评表 · 区级（单位）评分", f"共 {count} 个党组织的自评表，每行一个评分项。",
                 "只填写底色为红色的“区级（单位）得分”和“区级（单位）说明”两列；其他列请不要修改。",
                 "得分不能为负数，也不能超过该项“分值”；可以保留一位小数。",
                 "填好后在系统中上传本文件：系统会逐格检查，全部正确才会写入；有问题时会列出工作表、行、列和原因。",
                 "上传后请在系统中逐份确认并点击“通过”或“退回”。"):
        sheet.append([excel.safe_cell(sheet, line)])


def upload(ctx, data: bytes, *, commit: bool = True) -> dict:
    """Check every cell, then write the district scores; nothing is written unless every row is
    valid. Returns {"updated": [...], "unchanged": [...], "problems": [...]}."""
    try:
        sheets = excel.read_workbook(data)
    except excel.WorkbookError as exc:
        raise ValidationError(str(exc), field="file") from None
    title, rows = next(((t, r) for t, r in sheets if t == SHEET), sheets[0] if sheets else (SHEET, []))
    if not rows:
        raise ValidationError("工作簿是空的", field="file")
    position = {str(h).strip(): i for i, h in enumerate(rows[0]) if h not in (None, "")}
    missing = [h for h in ("自评表ID", "编号", "区级（单位）得分") if h not in position]
    if missing:
        raise ValidationError(f"工作表“{title}”缺少列：{'、'.join(missing)}（请使用下载的区级评分表）", field="file")
    meta = ctx.meta("Self Assessment Item")
    score_field, remark_field = meta.get_field("district_score"), meta.get_field("district_remark")
    problems: list[Problem] = []
    wanted: dict[str, list] = {}  # assessment → [(row number, item code, row id, score, remark, remark given)]

    def cell(row, header):
        i = position.get(header)
        return row[i] if i is not None and i < len(row) else None

    for row_no, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        name = data_import._number_text(cell(row, "自评表ID") or "").strip()
        if not name:
            problems.append(Problem(title, row_no, "自评表ID", "缺少自评表ID"))
            continue
        try:
            score = data_import.coerce_cell(score_field, cell(row, "区级（单位）得分"))
        except (ValueError, ArithmeticError) as exc:
            problems.append(Problem(title, row_no, "区级（单位）得分", f"“{cell(row, '区级（单位）得分')}” {exc}"))
            continue
        if score is not None and score < 0:
            problems.append(Problem(title, row_no, "区级（单位）得分", f"得分不能为负数（{score}）"))
            continue
        remark = data_import.coerce_cell(remark_field, cell(row, "区级（单位）说明")) if "区级（单位）说明" in position else None
        wanted.setdefault(name, []).append((row_no, data_import._number_text(cell(row, "编号") or "").strip(),
                                            str(cell(row, "行ID") or "").strip(), score, remark,
                                            "区级（单位）说明" in position))
    updated, unchanged = [], []
    for name, items in wanted.items():
        first = items[0][0]
        try:
            doc = ctx.get_doc(DOCTYPE, name)
        except DoesNotExistError:
            problems.append(Problem(title, first, "自评表ID", f"自评表“{name}”不存在或不在您的权限范围内"))
            continue
        by_id = {r.name: r for r in doc.items}
        by_code = {r.code: r for r in doc.items}
        bad = False
        for row_no, code, row_id, score, remark, has_remark in items:
            item = by_id.get(row_id) or by_code.get(code)
            if item is None:
                problems.append(Problem(title, row_no, "编号", f"自评表“{name}”中没有评分项“{code}”"))
                bad = True
                continue
            if score is not None and Decimal(str(score)) > Decimal(str(item.points or 0)):
                problems.append(Problem(title, row_no, "区级（单位）得分", f"得分 {score} 超过该项分值 {item.points}"))
                bad = True
                continue
            item.district_score = score
            if has_remark:
                item.district_remark = remark
        if bad:
            continue
        savepoint = ctx.conn.begin_nested()
        try:
            if _same_scores(ctx, doc):
                unchanged.append(name)
            else:
                doc.save()
                updated.append(name)
            savepoint.commit()
        except SixhaveError as exc:
            if savepoint.is_active:
                savepoint.rollback()
            problems.append(Problem(title, first, None, f"自评表“{name}”（{doc.party_org}）：{exc.message or exc.title}"))
    if problems or not commit:
        ctx.rollback()
        updated = []
    return {"updated": updated, "unchanged": unchanged, "problems": [p.as_dict() for p in problems],
            "rows": sum(len(v) for v in wanted.values())}


def _same_scores(ctx, doc) -> bool:
    stored = {r["name"]: r for r in ctx.get_all("Self Assessment Item", filters={"parent": doc.name},
                                                fields=["name", "district_score", "district_remark"],
                                                ignore_permissions=True)}
    return all(stored.get(r.name, {}).get("district_score") == r.district_score
               and (stored.get(r.name, {}).get("district_remark") or None) == (r.district_remark or None) for r in doc.items)
