"""The year wizard's server side: one Programme Year opened or changed with its phases, deadlines
and targets, the year's scoring template and the workflow each of the year's DocTypes runs
(activated here), in one transaction; and the checklist of what is ready for the year."""
from __future__ import annotations

from sixhave_app.engine import studio
from sixhave_app.engine.api.request import parse_json_arg
from sixhave_app.engine.api.whitelist import whitelist
from sixhave_app.engine.errors import ValidationError
from sixhave_app.six_haves import programme, scoring

TOOL = "programme_year"
# The DocTypes whose review runs through a workflow each year, and the print format the plan asks for.
WORKFLOW_DOCTYPES = ("Self Assessment", "Demonstration Application", "Rectification Item", "Typical Case")
SHEET_FORMAT_DOCTYPE = "Self Assessment"
DATE_FIELDS = [f for f, _ in programme.ORDERED_DATES + programme.OTHER_DATES]
TARGET_FIELDS = ("target_pass_rate", "demonstration_target_min", "demonstration_target_max", "community_orgs_per_street")


def _year(value) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"年度 “{value}” 无效，应为四位年份", field="year") from None
    if not 1949 <= year <= 9999:
        raise ValidationError(f"年度 “{value}” 应为四位年份", field="year")
    return year


def workflows(ctx) -> dict:
    """DocType → its workflows [{name, is_active}] (what the wizard offers)."""
    out = {}
    for doctype in WORKFLOW_DOCTYPES:
        if ctx.site.metas.exists(doctype):
            out[doctype] = ctx.get_all("Workflow", filters={"document_type": doctype}, fields=["name", "is_active"],
                                       order_by="name asc", ignore_permissions=True)
    return out


def checklist(ctx, year: int) -> list[dict]:
    record = programme.programme_year(ctx, year)
    items = []

    def add(key, label, ok, detail, tool=None):
        items.append({"key": key, "label": label, "ok": bool(ok), "detail": detail, "tool": tool})

    add("year", "年度已开启", record and record.get("is_open") and not record.get("closed"),
        "已开启" if record and record.get("is_open") else ("年度已关闭" if record and record.get("closed") else "尚未开启"))
    if record:
        dates = "、".join(f"{ctx.meta('Programme Year').label_of(f)} {record.get(f)}" for f in
                         ("mobilise_by", "survey_by", "rectify_by", "declare_by", "assess_by"))
    add("phases", "阶段与截止日期", record is not None, dates if record else "开启年度后按实施方案的默认日期设定，可逐项修改")
    add("targets", "年度目标", record and record.get("target_pass_rate") is not None,
        f"达标率目标 {record.get('target_pass_rate')}%，示范党支部 {record.get('demonstration_target_min')}—"
        f"{record.get('demonstration_target_max')} 个" if record else "尚未设定")
    template_name = (record or {}).get("template")
    template = ctx.get_doc("Scoring Template", template_name) if template_name and ctx.exists("Scoring Template", template_name) else None
    if template is None:
        add("template", "评分模板已选定并发布", False, "尚未选定本年度的评分模板", "scoring_template")
    else:
        problems = scoring.template_problems(template)
        published = scoring.is_published(template.as_dict(convert=False))
        add("template", "评分模板已选定并发布", published and not problems,
            f"{template.name}（{template.status or scoring.PUBLISHED}）" + (f"：{problems[0]}" if problems else ""),
            "scoring_template")
    for doctype, rows in workflows(ctx).items():
        active = [r["name"] for r in rows if r["is_active"]]
        add(f"workflow:{doctype}", f"{ctx.meta(doctype).display_name}的审批流程", bool(active),
            f"启用：{active[0]}" if active else "没有启用的审批流程", "workflow")
    if ctx.site.metas.exists(SHEET_FORMAT_DOCTYPE):
        default = ctx.meta(SHEET_FORMAT_DOCTYPE).get("default_print_format")
        add("print_format", "达标自评表的打印格式", bool(default), f"默认格式：{default}" if default else "使用通用格式",
            "print_format")
    previous = programme.programme_year(ctx, year - 1)
    if previous:
        add("previous", f"{year - 1} 年度已关闭", previous.get("closed"),
            "已关闭" if previous.get("closed") else "上一年度仍在进行（可同时进行，但请在考核结束后关闭）")
    return items


@whitelist(methods=("GET",))
def state(ctx, year=None, **kwargs) -> dict:
    studio.require(ctx, TOOL)
    year = _year(year) if year not in (None, "") else programme.open_year(ctx)
    record = programme.programme_year(ctx, year)
    defaults = {f: str(programme.date_of(ctx, year, f, record or {})) for f in DATE_FIELDS}
    templates = ctx.get_all("Scoring Template", filters={"year": ["in", [year, year - 1]]},
                            fields=["name", "year", "status", "version", "frozen"], order_by="year desc, version desc",
                            ignore_permissions=True)
    meta = ctx.meta("Programme Year")
    labels = {f: meta.label_of(f) for f in DATE_FIELDS + list(TARGET_FIELDS)}
    return {"year": year, "record": record, "dates": defaults, "templates": templates, "workflows": workflows(ctx),
            "labels": labels, "doctype_labels": {d: ctx.meta(d).display_name for d in workflows(ctx)},
            "checklist": checklist(ctx, year)}


@whitelist(methods=("POST",))
def save(ctx, year=None, values=None, workflows=None, open_year=1, **kwargs) -> dict:
    """Open (or change) the year: dates, targets and template on its Programme Year; the chosen
    workflow of each DocType activated (the others of that DocType deactivated). All or nothing."""
    studio.require(ctx, TOOL)
    if workflows:
        studio.require(ctx, "workflow")
    year = _year(year)
    values = parse_json_arg(values, "values") or {}
    chosen = parse_json_arg(workflows, "workflows") or {}
    if not isinstance(values, dict) or not isinstance(chosen, dict):
        raise ValidationError("values 与 workflows 应为对象")
    allowed = set(DATE_FIELDS) | set(TARGET_FIELDS) | {"template"}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValidationError(f"不能在向导中设置：{'、'.join(unknown)}", field=unknown[0])
    template = values.get("template")
    if template:
        row = ctx.get_value("Scoring Template", template, ["year", "status"], as_dict=True)
        if not row:
            raise ValidationError(f"评分模板 “{template}” 不存在", field="template")
        if int(row["year"]) != year:
            raise ValidationError(f"评分模板 “{template}” 是 {row['year']} 年的，不能用于 {year} 年", field="template")
    with ctx.atomic():
        if ctx.exists("Programme Year", str(year)):
            doc = ctx.get_doc("Programme Year", str(year))
            doc.update(values)
        else:
            doc = ctx.new_doc("Programme Year", {"year": year, **values})
        if str(open_year) not in ("0", "false", "False", ""):
            doc.is_open = 1
        doc.save() if not doc.is_new() else doc.insert()
        for doctype, name in chosen.items():
            if doctype not in WORKFLOW_DOCTYPES:
                raise ValidationError(f"“{doctype}” 不是年度审批流程的单据类型", field="workflows")
            if not name:
                continue
            rows = ctx.get_all("Workflow", filters={"document_type": doctype}, fields=["name", "is_active"])
            if name not in [r["name"] for r in rows]:
                raise ValidationError(f"“{name}” 不是{ctx.meta(doctype).display_name}的审批流程", field="workflows")
            for r in sorted(rows, key=lambda r: r["name"] == name):  # deactivate the others first
                wanted = int(r["name"] == name)
                if int(r["is_active"] or 0) != wanted:
                    wf = ctx.get_doc("Workflow", r["name"])
                    wf.is_active = wanted
                    wf.save()
    return state(ctx, year=year)
