"""Scoring: the yearly template (loaded from the rubric, copied year to year, frozen once used),
and a self assessment's rows, totals and results per level (自评, 区级/单位, 市级)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from sixhave_app.engine.errors import PermissionError, ValidationError

LEVELS = ("self", "district", "city")
LEVEL_WORDS = {"self": "自评", "district": "区级（单位）", "city": "市级"}
FINAL_STATES = ("达标", "不达标")


def _d(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


# --------------------------------------------------------------------------- templates
def template_from_rubric(path: Path, year: int) -> dict:
    """The rubric file (data) as a Scoring Template document."""
    data = yaml.safe_load(path.read_text("utf-8"))
    head = data["template"]
    items = []
    for category in data["categories"]:
        for item in category["items"]:
            evidence = item.get("evidence") or {}
            params = {k: v for k, v in evidence.items() if k != "rule"}
            items.append({"category_code": str(category["code"]), "category": category["name"], "code": str(item["code"]),
                          "content": item["content"], "standard": item.get("standard"), "points": item["points"],
                          "evidence_rule": evidence.get("rule"), "evidence_params": params or None})
    return {"doctype": "Scoring Template", "year": year, "title": f"{year}年 " + head["title"],
            "total_points": head.get("total_points", 100), "pass_score": head["pass_score"],
            "demonstration_score": head["demonstration_score"], "bonus_cap": head.get("bonus_cap", 0),
            "items": items,
            "bonus_items": [{"code": b["code"], "content": b["content"], "points": b["points"]} for b in data.get("bonus") or []],
            "veto_items": [{"code": v["code"], "content": v["content"]} for v in data.get("veto") or []]}


TARGET_PASS_RATES = {2018: 80, 2019: 90, 2020: 100}


def load_default_template(ctx, rubric: Path, year: int = 2018) -> str | None:
    """The shipped rubric becomes the first year's template (once)."""
    if ctx.get_value("Scoring Template", {"year": year}, "name", ignore_permissions=True):
        return None
    data = template_from_rubric(rubric, year)
    data["target_pass_rate"] = TARGET_PASS_RATES.get(year)
    doc = ctx.new_doc("Scoring Template", {k: v for k, v in data.items() if k != "doctype"})
    doc.flags.ignore_permissions = True
    doc.insert()
    return doc.name


def copy_template(ctx, source: str, year: int) -> "object":
    """A new year starts as a copy of the last."""
    if ctx.get_value("Scoring Template", {"year": year}, "name"):
        raise ValidationError(f"{year}年的评分模板已存在")
    old = ctx.get_doc("Scoring Template", source)
    new = old.copy(year=year, copied_from=old.name, frozen=0, title=old.title.replace(str(old.year), str(year), 1),
                   version=1, published_on=None, published_by=None)
    if year in TARGET_PASS_RATES:
        new.target_pass_rate = TARGET_PASS_RATES[year]
    return new.insert()


def template_in_use(ctx, template: str) -> bool:
    return bool(ctx.get_count("Self Assessment", {"template": template, "workflow_state": ["!=", "草稿"]}, ignore_permissions=True)
                or ctx.get_count("Self Assessment", {"template": template, "docstatus": 1}, ignore_permissions=True))


DRAFT, PUBLISHED = "草稿", "已发布"


def is_published(row) -> bool:
    return (row.get("status") or PUBLISHED) == PUBLISHED


def template_problems(doc) -> list[str]:
    """Why a template may not be published (empty: it may): the items add up to the full marks
    (100), the bonus items to the bonus cap, the thresholds sit inside the marks, every row is
    complete, codes unique, evidence rules known."""
    from sixhave_app.six_haves.evidence import RULES

    found = []
    total = sum(_d(row.points) for row in doc.items)
    full = _d(doc.total_points) if doc.total_points not in (None, "") else Decimal(100)
    if not doc.items:
        found.append("评分项为空")
    if total != full:
        found.append(f"各评分项分值合计 {total:g} 分，应等于满分 {full:g} 分（相差 {full - total:+g}）")
    bonus = sum(_d(row.points) for row in doc.bonus_items)
    cap = _d(doc.bonus_cap)
    if doc.bonus_items and bonus != cap:
        found.append(f"加分项分值合计 {bonus:g} 分，应等于加分上限 {cap:g} 分（总分 {full:g} + {cap:g}）")
    pass_score, demo = _d(doc.pass_score), _d(doc.demonstration_score)
    if not 0 < pass_score <= full:
        found.append(f"达标分数线 {pass_score:g} 应大于 0 且不高于满分 {full:g}")
    if demo and not pass_score <= demo <= full + cap:
        found.append(f"示范申报分数线 {demo:g} 应在达标分数线 {pass_score:g} 与 {full + cap:g} 之间")
    codes = [row.code for row in doc.items]
    duplicates = sorted({c for c in codes if c and codes.count(c) > 1})
    if duplicates:
        found.append(f"评分项编号重复：{'、'.join(duplicates)}")
    for i, row in enumerate(doc.items, start=1):
        label = f"评分项第 {i} 行（{row.code or '无编号'}）"
        if not row.code or not row.content or not row.category:
            found.append(f"{label}：类别、编号、考核内容都须填写")
        if _d(row.points) <= 0:
            found.append(f"{label}：分值须大于 0")
        if row.evidence_rule and row.evidence_rule not in RULES:
            found.append(f"{label}：佐证规则 “{row.evidence_rule}” 不存在")
    for i, row in enumerate(doc.bonus_items, start=1):
        if not row.content or _d(row.points) <= 0:
            found.append(f"加分项第 {i} 行：内容须填写，分值须大于 0")
    for i, row in enumerate(doc.veto_items, start=1):
        if not row.content:
            found.append(f"一票否决第 {i} 行：内容须填写")
    return found


def validate_template(doc) -> None:
    before = doc.get_original()
    if before and (before.get("frozen") or template_in_use(doc.ctx, doc.name)):
        if not doc.flags.__dict__.get("freezing"):
            raise PermissionError(f"{doc.year}年评分模板已有提交的自评表，已冻结，不能再修改（请另存为新版本）")
    if not doc.version:
        doc.version = 1
    codes = [row.code for row in doc.items]
    duplicates = sorted({c for c in codes if c and codes.count(c) > 1})
    if duplicates:
        raise ValidationError(f"评分模板：评分项编号重复：{'、'.join(duplicates)}")
    if not is_published(doc.as_dict(convert=False)):
        return  # a draft may be saved half-way; publishing checks it whole
    total = sum(_d(row.points) for row in doc.items)
    if doc.total_points and total != _d(doc.total_points):
        raise ValidationError(f"评分模板：各项分值合计 {total} 与满分 {doc.total_points} 不一致")
    if _d(doc.pass_score) > _d(doc.total_points or total):
        raise ValidationError("评分模板：达标分数线不能高于满分")
    if before is None or is_published(before):
        return
    problems = template_problems(doc)  # a draft becomes published: the whole check
    if problems:
        raise ValidationError("评分模板不能发布：" + "；".join(problems[:6]), field="status")


def freeze(ctx, template: str) -> None:
    doc = ctx.get_doc("Scoring Template", template)
    if not doc.frozen:
        doc.frozen = 1
        doc.flags.freezing = True
        doc.flags.ignore_permissions = True
        doc.save()


# --------------------------------------------------------------------------- assessments
def template_for(ctx, year: int) -> str:
    """The template new sheets of `year` use: the Programme Year's choice when published, else
    the year's latest published version."""
    chosen = ctx.get_value("Programme Year", str(year), "template", ignore_permissions=True) \
        if ctx.exists("Programme Year", str(year)) else None
    if chosen:
        row = ctx.get_value("Scoring Template", chosen, ["name", "status"], as_dict=True, ignore_permissions=True)
        if row and is_published(row):
            return row["name"]
    rows = ctx.get_all("Scoring Template", filters={"year": year}, fields=["name", "status", "version"],
                       order_by="version desc", ignore_permissions=True)
    published = [r for r in rows if is_published(r)]
    if published:
        return published[0]["name"]
    if rows:
        raise ValidationError(f"{year}年的评分模板还是草稿，请市级管理员发布后再填写自评表")
    raise ValidationError(f"{year}年还没有评分模板，请市级管理员先开启年度（由上一年模板复制）")


def fill_from_template(doc) -> None:
    """On creation: one row per template item, bonus and veto rows; the branch scores them."""
    ctx = doc.ctx
    doc.template = template_for(ctx, int(doc.year))
    template = ctx.get_doc("Scoring Template", doc.template)
    given = {row.code: row for row in doc.items if row.code}
    rows = []
    for item in template.items:
        row = {"category": item.category, "code": item.code, "content": item.content, "standard": item.standard,
               "points": item.points, "evidence_rule": item.evidence_rule}
        if item.code in given:
            for key in ("self_score", "self_remark", "evidence_files"):
                row[key] = given[item.code].get(key)
        rows.append(row)
    doc.set("items", rows)
    doc.set("bonus_items", [{"code": b.code, "content": b.content, "points": b.points} for b in template.bonus_items])
    doc.set("veto_items", [{"code": v.code, "content": v.content} for v in template.veto_items])


def compute(doc) -> None:
    """Totals and results per level: items plus capped bonus; any veto makes it 不达标."""
    ctx = doc.ctx
    template = ctx.get_value("Scoring Template", doc.template, ["pass_score", "bonus_cap"], as_dict=True,
                             ignore_permissions=True) or {}
    pass_score, cap = _d(template.get("pass_score") or 80), _d(template.get("bonus_cap") or 0)
    for row in doc.items:
        for level in LEVELS:
            score = row.get(f"{level}_score")
            if score is not None and _d(score) > _d(row.points):
                raise ValidationError(f"第 {row.idx} 行（{row.code} {row.content}）：{LEVEL_WORDS[level]}得分 {score} 超过分值 {row.points}")
        if row.proposed_score is not None and row.self_score is not None:
            row.exceeds_evidence = int(_d(row.self_score) > _d(row.proposed_score))
    for level in LEVELS:
        scores = [row.get(f"{level}_score") for row in doc.items]
        if all(s is None for s in scores):
            doc.set(f"{level}_total", None)
            doc.set(f"{level}_result", None)
            continue
        bonus = min(sum(_d(b.get(f"{level}_score")) for b in doc.bonus_items), cap)
        total = sum(_d(s) for s in scores) + bonus
        vetoed = any(v.get(f"{level}_triggered") for v in doc.veto_items)
        doc.set(f"{level}_total", total)
        doc.set(f"{level}_result", "达标" if total >= pass_score and not vetoed else "不达标")


def rectification_from(ctx, assessment) -> list[str]:
    """Every item that lost points at any level becomes a rectification item (once)."""
    from sixhave_app.six_haves import rectification

    made = []
    # one item per lost item and year: the July self-check may already have opened it
    existing = set(ctx.get_all("Rectification Item", filters={"party_org": assessment.party_org, "year": assessment.year},
                               pluck="item_code", ignore_permissions=True))
    who = rectification.defaults(ctx, assessment.party_org, int(assessment.year))
    for row in assessment.items:
        losses = [(level, _d(row.points) - _d(row.get(f"{level}_score"))) for level in LEVELS
                  if row.get(f"{level}_score") is not None and _d(row.get(f"{level}_score")) < _d(row.points)]
        if not losses or row.code in existing:
            continue
        level, lost = max(losses, key=lambda x: x[1])
        remark = row.get(f"{level}_remark") or ""
        item = ctx.new_doc("Rectification Item", party_org=assessment.party_org, year=assessment.year,
                           self_assessment=assessment.name, item_code=row.code,
                           source={"self": "自评", "district": "区级审核", "city": "市级考评"}[level], lost_points=lost,
                           problem=f"{row.code} {row.content}：{LEVEL_WORDS[level]}失 {lost} 分" + (f"（{remark}）" if remark else ""),
                           task=f"对照标准整改：{row.standard or row.content}", **who)
        item.flags.ignore_permissions = True  # made by the review, for the branch to work on
        item.insert()
        made.append(item.name)
    return made
