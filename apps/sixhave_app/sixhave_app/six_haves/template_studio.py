"""The scoring template editor's server side: copy last year's template into a new year as a
draft, check and publish it (items add up to the full marks, bonus to the cap, thresholds inside),
start a new version of a template that sheets already use (it is frozen), and exchange a template
with Excel (a workbook the organisation department drafts in, read back with every bad cell named,
nothing written unless all are good). Saving the rows themselves is the ordinary
PUT /api/resource/Scoring Template (validate_template: a frozen template refuses changes)."""
from __future__ import annotations

import inspect
import io
import json
from decimal import Decimal, InvalidOperation

from sixhave_app.engine import excel, permissions, studio
from sixhave_app.engine.api.export import _attachment
from sixhave_app.engine.api.whitelist import whitelist
from sixhave_app.engine.errors import DoesNotExistError, PermissionError, ValidationError
from sixhave_app.six_haves import scoring

TOOL = "scoring_template"
DOCTYPE = "Scoring Template"
LEVELS = ("各级", "区级（单位）", "市级")
# (header, field, width) of each sheet of the workbook
ITEM_COLUMNS = [("类别编号", "category_code", 8), ("类别", "category", 14), ("编号", "code", 8),
                ("考核内容", "content", 24), ("评分标准", "standard", 60), ("分值", "points", 8),
                ("评分层级", "score_level", 12), ("佐证规则", "evidence_rule", 24), ("规则参数", "evidence_params", 30)]
BONUS_COLUMNS = [("编号", "code", 8), ("内容", "content", 50), ("分值", "points", 8)]
VETO_COLUMNS = [("编号", "code", 8), ("内容", "content", 60)]
HEAD_FIELDS = [("名称", "title"), ("满分", "total_points"), ("达标分数线", "pass_score"),
               ("示范申报分数线", "demonstration_score"), ("加分上限", "bonus_cap"), ("达标率目标（%）", "target_pass_rate"),
               ("本年示范授牌名额", "demonstration_quota")]
SHEETS = {"评分项": ("items", ITEM_COLUMNS), "加分项": ("bonus_items", BONUS_COLUMNS), "一票否决": ("veto_items", VETO_COLUMNS)}


def _year(value) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"年度 “{value}” 无效，应为四位年份", field="year") from None
    if not 1949 <= year <= 9999:
        raise ValidationError(f"年度 “{value}” 应为四位年份", field="year")
    return year


def _template(ctx, name):
    if not isinstance(name, str) or not ctx.exists(DOCTYPE, name):
        raise DoesNotExistError(f"评分模板 “{name}” 不存在")
    return ctx.get_doc(DOCTYPE, name)


def _state(ctx, doc) -> dict:
    in_use = scoring.template_in_use(ctx, doc.name)
    return {"name": doc.name, "status": doc.status or scoring.PUBLISHED, "frozen": int(bool(doc.frozen or in_use)),
            "in_use": in_use, "problems": scoring.template_problems(doc), "doc": doc.as_dict()}


@whitelist(methods=("GET",))
def rules(ctx, **kwargs) -> list:
    """The evidence rules an item may name, with their parameters and what each checks."""
    studio.require(ctx, TOOL)
    from sixhave_app.six_haves.evidence import RULES

    out = []
    for name, fn in RULES.items():
        params = [{"name": p.name, "required": p.default is inspect.Parameter.empty,
                   "default": None if p.default is inspect.Parameter.empty else p.default}
                  for p in inspect.signature(fn).parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
        out.append({"name": name, "description": (inspect.getdoc(fn) or "").split("\n")[0], "params": params})
    return out


@whitelist(methods=("GET",))
def status(ctx, name=None, **kwargs) -> dict:
    studio.require(ctx, TOOL)
    return _state(ctx, _template(ctx, name))


@whitelist(methods=("POST",))
def copy_to_year(ctx, source=None, year=None, **kwargs) -> dict:
    """Last year's template as this year's draft (its rows, rules and thresholds)."""
    studio.require(ctx, TOOL)
    year = _year(year)
    old = _template(ctx, source)
    existing = ctx.get_value(DOCTYPE, {"year": year}, "name", ignore_permissions=True)
    if existing:
        raise ValidationError(f"{year}年已有评分模板 “{existing}”，请直接修改它（已使用的模板可另存为新版本）", field="year")
    new = old.copy(year=year, copied_from=old.name, frozen=0, status=scoring.DRAFT, version=1, published_on=None,
                   published_by=None, title=(old.title or "").replace(str(old.year), str(year), 1) or f"{year}年评分细则")
    if year in scoring.TARGET_PASS_RATES:
        new.target_pass_rate = scoring.TARGET_PASS_RATES[year]
    new.insert()
    return _state(ctx, new)


@whitelist(methods=("POST",))
def new_version(ctx, name=None, **kwargs) -> dict:
    """A frozen template's changes go into a new draft version of the same year."""
    studio.require(ctx, TOOL)
    old = _template(ctx, name)
    versions = ctx.get_all(DOCTYPE, filters={"year": old.year}, fields=["version"], ignore_permissions=True)
    number = max([int(r["version"] or 1) for r in versions] + [1]) + 1
    new = old.copy(copied_from=old.name, frozen=0, status=scoring.DRAFT, version=number, published_on=None,
                   published_by=None, name=f"评分细则-{old.year}-v{number}")
    permissions.check(ctx, DOCTYPE, "create")
    new.flags.ignore_permissions = True  # the server names the version (the create right was checked)
    new.insert()
    return _state(ctx, new)


@whitelist(methods=("POST",))
def publish(ctx, name=None, **kwargs) -> dict:
    """Check the whole template and publish it; the year's Programme Year then uses it for new sheets."""
    studio.require(ctx, TOOL)
    doc = _template(ctx, name)
    if (doc.status or scoring.PUBLISHED) == scoring.PUBLISHED:
        raise ValidationError(f"评分模板 “{doc.name}” 已发布")
    problems = scoring.template_problems(doc)
    if problems:
        raise ValidationError("评分模板不能发布：" + "；".join(problems[:6]), field="status")
    doc.status = scoring.PUBLISHED
    doc.published_on = ctx.now().replace(microsecond=0)
    doc.published_by = ctx.user
    doc.save()
    if ctx.exists("Programme Year", str(doc.year)):
        year = ctx.get_doc("Programme Year", str(doc.year))
        if year.template != doc.name:
            year.template = doc.name
            year.save()
    return _state(ctx, doc)


# --------------------------------------------------------------------------- Excel
@whitelist(methods=("GET",))
def export(ctx, name=None, **kwargs):
    studio.require(ctx, TOOL)
    doc = _template(ctx, name)
    book = excel.new_book()
    head = excel.SheetWriter(book, "基本信息", ["项目", "内容"], widths=[20, 60])
    for label, fieldname in HEAD_FIELDS:
        head.append([label, doc.get(fieldname)])
    for title, (table, columns) in SHEETS.items():
        writer = excel.SheetWriter(book, title, [h for h, _, _ in columns], widths=[w for _, _, w in columns])
        for row in doc.get(table):
            writer.append([row.get(f) for _, f, _ in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return _attachment(buffer.getvalue(), f"{doc.name}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _number(value, where: str, problems: list) -> Decimal | None:
    if value in (None, ""):
        problems.append(f"{where}：不能为空")
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        problems.append(f"{where}：“{value}” 不是数字")
        return None
    return number


def read(data: bytes) -> tuple[dict, list[str]]:
    """The workbook as template values, and every problem (sheet, row, column, reason)."""
    try:
        sheets = dict(excel.read_workbook(data))
    except excel.WorkbookError as exc:
        raise ValidationError(str(exc), field="file") from None
    problems: list[str] = []
    values: dict = {}
    from sixhave_app.six_haves.evidence import RULES

    head = sheets.get("基本信息") or []
    labels = dict(HEAD_FIELDS)
    for r, row in enumerate(head[1:], start=2):
        if row and str(row[0]).strip() in labels:
            fieldname = labels[str(row[0]).strip()]
            cell = row[1] if len(row) > 1 else None
            if fieldname == "title":
                values["title"] = str(cell or "").strip()
            elif cell not in (None, ""):
                number = _number(cell, f"基本信息 第 {r} 行 {row[0]}", problems)
                if number is not None:
                    values[fieldname] = number
    for title, (table, columns) in SHEETS.items():
        rows = sheets.get(title)
        if rows is None:
            problems.append(f"缺少工作表 “{title}”")
            continue
        header = [str(h or "").strip() for h in (rows[0] if rows else [])]
        missing = [h for h, _, _ in columns if h not in header]
        if missing:
            problems.append(f"工作表 “{title}” 第 1 行缺少列：{'、'.join(missing)}")
            continue
        out = []
        for r, row in enumerate(rows[1:], start=2):
            if not any(str(c or "").strip() for c in row):
                continue
            record = {}
            for h, fieldname, _ in columns:
                cell = row[header.index(h)] if header.index(h) < len(row) else None
                where = f"工作表 “{title}” 第 {r} 行 “{h}”列"
                if fieldname == "points":
                    record[fieldname] = _number(cell, where, problems)
                elif fieldname == "evidence_params":
                    text = str(cell or "").strip()
                    try:
                        record[fieldname] = json.loads(text) if text else None
                    except ValueError:
                        problems.append(f"{where}：不是有效的 JSON（如 {{\"min\": 2}}）")
                else:
                    text = str(cell if cell is not None else "").strip()
                    if isinstance(cell, float) and cell.is_integer() and fieldname in ("code", "category_code"):
                        text = str(int(cell))
                    record[fieldname] = text or None
            if table == "items":
                if record.get("evidence_rule") and record["evidence_rule"] not in RULES:
                    problems.append(f"工作表 “{title}” 第 {r} 行 “佐证规则”列：规则 “{record['evidence_rule']}” 不存在")
                if record.get("score_level") and record["score_level"] not in LEVELS:
                    problems.append(f"工作表 “{title}” 第 {r} 行 “评分层级”列：应为 {'、'.join(LEVELS)} 之一")
                record["score_level"] = record.get("score_level") or LEVELS[0]
            if not record.get("content"):
                problems.append(f"工作表 “{title}” 第 {r} 行：内容不能为空")
            out.append(record)
        values[table] = out
    return values, problems


@whitelist(methods=("POST",))
def import_workbook(ctx, name=None, __files=None, **kwargs) -> dict:
    """Replace a draft's (or an unused template's) rows with the workbook's; nothing is written
    unless every cell is good."""
    studio.require(ctx, TOOL)
    doc = _template(ctx, name)
    if doc.frozen or scoring.template_in_use(ctx, doc.name):
        raise PermissionError(f"评分模板 “{doc.name}” 已被自评表使用，已冻结；请另存为新版本后再导入")
    upload = (__files or {}).get("file")
    if upload is None:
        raise ValidationError("请上传评分模板工作簿（表单字段 file）", field="file")
    data = upload.file.read(10 * 1024 * 1024 + 1)
    if len(data) > 10 * 1024 * 1024:
        raise ValidationError("文件过大（最大 10 MB）", field="file")
    values, problems = read(data)
    if problems:
        return {"ok": False, "problems": problems}
    doc.update(values)
    doc.save()
    return {"ok": True, "problems": [], **_state(ctx, doc)}
