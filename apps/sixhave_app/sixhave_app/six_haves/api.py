"""The app's methods (/api/method/sixhave.app.*): the yearly cycle's operations, its outputs and
dashboards. Each checks the caller's rights on the DocType it acts on and reads through the
caller's permissions; dates and years in arguments are checked and named when wrong (417)."""
from __future__ import annotations

import datetime as dt

from sixhave_app.engine import excel, permissions
from sixhave_app.engine.api.export import _attachment
from sixhave_app.engine.api.request import parse_json_arg
from sixhave_app.engine.api.whitelist import whitelist
from sixhave_app.engine.errors import DoesNotExistError, PermissionError, ValidationError
from sixhave_app.six_haves import (assessment, coverage as coverage_mod, dashboards, deadlines, demonstration,
                                   mobilisation, programme, reports, scoring, self_check as self_check_mod, supervision)


def _year(value, field: str = "year") -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"参数 {field}（年度）“{value}” 无效，应为四位年份，如 2018") from None
    if not 1949 <= year <= 9999:
        raise ValidationError(f"参数 {field}（年度）“{value}” 应为四位年份")
    return year


def _year_or_open(ctx, value, field: str = "year") -> int:
    return _year(value, field) if value not in (None, "") else programme.open_year(ctx)


def _date(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]) if not isinstance(value, dt.date) else value
    except ValueError:
        raise ValidationError(f"参数 {field} “{value}” 不是有效日期，应为 年-月-日（如 2018-10-31）") from None


def _require(ctx, doctype: str, ptype: str) -> None:
    permissions.check(ctx, doctype, ptype)


def _as_of(ctx, year=None, as_of=None, today=None) -> tuple[int, dt.date]:
    day = _date(as_of, "as_of") or _date(today, "today")
    return programme.as_of_for(ctx, _year(year) if year not in (None, "") else None, day)


# --------------------------------------------------------------------------- the year
@whitelist(methods=("POST",))
def open_year(ctx, year=None, copy_from=None, deadlines=None, **kwargs) -> dict:
    """The city opens a year: its template (copied from last year's, or the shipped rubric when
    there is no earlier year, as for 2018) and its Programme Year with the plan's deadlines."""
    _require(ctx, "Scoring Template", "create")
    _require(ctx, "Programme Year", "create")
    year = _year(year)
    template = ctx.get_value("Scoring Template", {"year": year}, "name")
    if not template:
        source = copy_from or ctx.get_value("Scoring Template", {"year": year - 1}, "name")
        if source:
            template = scoring.copy_template(ctx, source, year).name
        else:
            from sixhave_app.engine.fixtures import project_fixtures_path

            rubric = project_fixtures_path(ctx.site) / "rubric-default.yaml"
            if not rubric.exists():
                raise ValidationError(f"没有 {year - 1} 年的评分模板可复制，也没有默认评分细则，请指定 copy_from")
            template = scoring.load_default_template(ctx, rubric, year)
    values = {"year": year, "template": template, "is_open": 1}
    values.update(parse_json_arg(deadlines, "deadlines") or {})
    if ctx.exists("Programme Year", str(year)):
        doc = ctx.get_doc("Programme Year", str(year))
        doc.update({k: v for k, v in values.items() if k != "year"})
        doc.save()
    else:
        ctx.new_doc("Programme Year", values).insert()
    return {"template": template, "programme_year": str(year)}


@whitelist(methods=("POST",))
def close_year(ctx, year=None, **kwargs) -> dict:
    doc = ctx.get_doc("Programme Year", str(_year(year)))
    permissions.check(ctx, "Programme Year", "write", doc)
    doc.closed = 1
    doc.save()
    return doc.as_dict()


@whitelist(methods=("POST",))
def reopen(ctx, doctype=None, name=None, reason=None, until=None, org=None, phase=None, year=None, **kwargs) -> dict:
    """After a deadline: the city reopens one item (or an org's submission of a kind), with why."""
    _require(ctx, "Deadline Reopening", "create")
    if not doctype or not ctx.site.metas.exists(doctype):
        raise ValidationError(f"参数 doctype “{doctype}” 不是有效的单据类型")
    if not str(reason or "").strip():
        raise ValidationError("请填写重开理由（reason）")
    if name:
        ctx.get_doc(doctype, name)  # 404 when out of scope
    return deadlines.reopen(ctx, doctype, name, reason, _date(until, "until"), org, phase,
                            _year(year) if year else None).as_dict()


# --------------------------------------------------------------------------- 动员部署 / 自查摸底
@whitelist(methods=("GET",))
def implementation_plans(ctx, year=None, **kwargs) -> dict:
    _require(ctx, "Implementation Plan", "read")
    return mobilisation.plan_status(ctx, _year_or_open(ctx, year))


@whitelist(methods=("GET",))
def coverage(ctx, year=None, org=None, **kwargs) -> dict:
    _require(ctx, "Unit Survey", "read")
    year = _year_or_open(ctx, year)
    return {**coverage_mod.report(ctx, year, org or None), "streets": coverage_mod.community_coverage(ctx, year, org or None)}


@whitelist(methods=("POST",))
def make_self_check(ctx, party_org=None, year=None, check_date=None, **kwargs) -> dict:
    _require(ctx, "Self Check", "create")
    if not party_org:
        raise ValidationError("请指定党组织（party_org）")
    ctx.get_doc("Party Organization", party_org)  # 404 when out of scope
    return self_check_mod.make(ctx, party_org, _year_or_open(ctx, year), _date(check_date, "check_date")).as_dict()


@whitelist(methods=("GET",))
def self_check_lists(ctx, name=None, **kwargs) -> dict:
    doc = ctx.get_doc("Self Check", name)
    permissions.check(ctx, "Self Check", "read", doc)
    return self_check_mod.lists(doc)


# --------------------------------------------------------------------------- 申报考核
@whitelist(methods=("POST",))
def refresh_evidence(ctx, name=None, **kwargs) -> dict:
    doc = ctx.get_doc("Self Assessment", name)
    permissions.check(ctx, "Self Assessment", "write", doc)
    assessment.propose(doc)
    doc.save()
    return doc.as_dict()


@whitelist(methods=("POST",))
def make_rectification(ctx, name=None, **kwargs) -> list:
    doc = ctx.get_doc("Self Assessment", name)
    _require(ctx, "Rectification Item", "create")
    return scoring.rectification_from(ctx, doc)


PAPER_DOCTYPES = ("Self Assessment", "Demonstration Application")
PAPER_ROLES = ("市级管理员", "市级审核员", "区级审核员", "单位审核员", "区级管理员")


@whitelist(methods=("POST",))
def receive_paper(ctx, doctype=None, name=None, copies=2, received_on=None, **kwargs) -> dict:
    """Record that the paper copies (一式2份) of a sheet or application were received: by whom, when."""
    if doctype not in PAPER_DOCTYPES:
        raise ValidationError(f"参数 doctype 应为：{'、'.join(PAPER_DOCTYPES)}")
    doc = ctx.get_doc(doctype, name)
    permissions.check(ctx, doctype, "read", doc)
    if not set(ctx.roles) & set(PAPER_ROLES) and not permissions.is_unrestricted(ctx):
        raise PermissionError("只有区级、单位或市级的审核人员可以登记收到纸质材料")
    try:
        copies = int(copies)
    except (TypeError, ValueError):
        raise ValidationError(f"参数 copies（份数）“{copies}” 应为整数") from None
    if copies < 1:
        raise ValidationError("参数 copies（份数）至少为 1")
    day = _date(received_on, "received_on") or ctx.today()
    if day > ctx.today():
        raise ValidationError(f"参数 received_on（{day}）不能晚于今天")
    for field, value in (("paper_copies", copies), ("paper_received_by", ctx.user), ("paper_received_on", day)):
        doc.db_set(field, value, update_modified=False)
    return ctx.get_doc(doctype, name).as_dict()


@whitelist(methods=("GET", "POST"))
def export_assessment(ctx, name=None, **kwargs):
    """The sheet's 36 rows as Excel, for everyone who can read the sheet (its fields as they may see them)."""
    doc = ctx.get_doc("Self Assessment", name)
    permissions.check(ctx, "Self Assessment", "read", doc)
    meta = ctx.meta("Self Assessment Item")
    readable = permissions.rights_for(ctx, "Self Assessment").readable_levels() | {0}
    if permissions.is_unrestricted(ctx):
        readable = {0, 1, 2}
    keys = [f.fieldname for f in meta.data_fields if not f.hidden and (f.permlevel or 0) in readable]
    columns = [(k, meta.label_of(k)) for k in keys]
    rows = [{k: row.get(k) for k in keys} for row in doc.items]
    content = excel.rows_to_xlsx(f"{doc.year}年达标自评表", columns, rows)
    return _attachment(content, f"{doc.name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@whitelist(methods=("POST",))
def draw_spot_check(ctx, year=None, sample_size=None, seed=None, **kwargs) -> dict:
    _require(ctx, "Spot Check", "create")
    if not sample_size:
        raise ValidationError("请填写抽查数量（sample_size）")
    try:
        size = int(sample_size)
    except (TypeError, ValueError):
        raise ValidationError(f"参数 sample_size（抽查数量）“{sample_size}” 应为整数") from None
    return demonstration.draw_spot_check(ctx, _year(year), size, seed).as_dict()


@whitelist(methods=("POST",))
def publish_notice(ctx, year=None, start_date=None, end_date=None, title=None, **kwargs) -> dict:
    """公示: the applications the city proposes to award (in 市级评审), as a public notice."""
    _require(ctx, "Public Notice", "create")
    year = _year(year)
    proposed = ctx.get_all("Demonstration Application", filters={"year": year, "workflow_state": "市级评审"},
                           fields=["name"], order_by="self_score desc")
    if not proposed:
        raise ValidationError(f"{year} 年没有处于市级评审的示范申报，无可公示")
    start = _date(start_date, "start_date") or ctx.today()
    end = _date(end_date, "end_date") or start + dt.timedelta(days=7)
    if end < start:
        raise ValidationError(f"公示结束日期（{end}）不能早于开始日期（{start}）")
    doc = ctx.new_doc("Public Notice", year=year, title=title or f"{year}年度拟命名市级“六有一提升”示范党支部公示",
                      start_date=start, end_date=end, published=1,
                      entries=[{"application": r["name"]} for r in proposed]).insert()
    return doc.as_dict()


@whitelist(methods=("GET",))
def award_check(ctx, name=None, **kwargs) -> dict:
    """Whether the city may award this application a plaque today, and every reason if not."""
    doc = ctx.get_doc("Demonstration Application", name)
    permissions.check(ctx, "Demonstration Application", "read", doc)
    refusals = demonstration.award_refusals(doc)
    return {"name": doc.name, "can_award": not refusals, "reasons": refusals}


# --------------------------------------------------------------------------- 持续推进
@whitelist(methods=("POST",))
def schedule_inspections(ctx, year=None, half=None, org=None, **kwargs) -> list:
    _require(ctx, "Inspection", "create")
    return supervision.schedule(ctx, _year_or_open(ctx, year), half, org or None)


# --------------------------------------------------------------------------- alerts and dashboards
@whitelist(methods=("GET",))
def alerts(ctx, org=None, today=None, as_of=None, year=None, **kwargs) -> list:
    from sixhave_app.six_haves import alerts as alert_rules

    _, day = _as_of(ctx, year, as_of, today)
    return [a.as_dict() for a in alert_rules.alerts_for(ctx, day, org=org or None)]


@whitelist(methods=("GET",))
def party_calendar(ctx, org=None, today=None, as_of=None, year=None, **kwargs) -> list:
    from sixhave_app.six_haves import alerts as alert_rules

    _, day = _as_of(ctx, year, as_of, today)
    return [a.as_dict() for a in alert_rules.calendar_for(ctx, day, org=org or None)]


@whitelist(methods=("GET",))
def dashboard(ctx, year=None, org=None, as_of=None, **kwargs) -> dict:
    _require(ctx, "Self Assessment", "report")
    year, day = _as_of(ctx, year, as_of)
    return dashboards.city(ctx, year, org or None, day)


@whitelist(methods=("GET",))
def drill_down(ctx, year=None, org=None, as_of=None, **kwargs) -> dict:
    _require(ctx, "Self Assessment", "report")
    if not org:
        raise ValidationError("请指定单位（org）")
    if not ctx.get_all("Org Unit", filters={"name": org}, pluck="name"):
        raise DoesNotExistError(f"单位 “{org}” 不存在或不在您的范围内")
    year, day = _as_of(ctx, year, as_of)
    rows = dashboards.organisations(ctx, year, org)
    return {"units": dashboards.pass_rates(ctx, year, org, rows)["units"], "branches": dashboards.branches(ctx, year, org),
            "noncompliant": reports.noncompliant(ctx, year, org, day)}


@whitelist(methods=("GET",))
def noncompliant(ctx, year=None, org=None, as_of=None, **kwargs) -> list:
    """不达标名单 per district and year: organisations that did not pass, their lost items and
    the status of their rectification."""
    _require(ctx, "Self Assessment", "report")
    year, day = _as_of(ctx, year, as_of)
    return reports.noncompliant(ctx, year, org or None, day)


@whitelist(methods=("GET",))
def recommendations(ctx, year=None, org=None, **kwargs) -> list:
    _require(ctx, "Plaque", "read")
    return reports.recommendations(ctx, _year_or_open(ctx, year), org or None)


@whitelist(methods=("GET",))
def performance(ctx, year=None, as_of=None, **kwargs) -> list:
    _require(ctx, "Self Assessment", "report")
    year, day = _as_of(ctx, year, as_of)
    return reports.performance(ctx, year, day)


@whitelist(methods=("GET",))
def published_cases(ctx, year=None, org=None, **kwargs) -> list:
    _require(ctx, "Typical Case", "read")
    return reports.published_cases(ctx, _year(year) if year else None, org or None)


REPORT_RIGHTS = {"noncompliant": "Self Assessment", "recommendations": "Plaque", "performance": "Self Assessment",
                 "pass_rates": "Self Assessment", "rectification": "Rectification Item", "progress": "Self Assessment",
                 "cases": "Typical Case", "plans": "Implementation Plan", "coverage": "Unit Survey"}


@whitelist(methods=("GET", "POST"))
def export(ctx, report=None, year=None, org=None, as_of=None, file_format_type="Excel", **kwargs):
    """Any of the programme's tables (reports.TABLES) as an Excel file (or JSON rows with
    file_format_type=JSON), through the caller's permissions."""
    if report not in reports.TABLES:
        raise ValidationError(f"参数 report 应为：{'、'.join(reports.TABLES)}")
    _require(ctx, REPORT_RIGHTS[report], "report" if report in ("noncompliant", "performance", "pass_rates", "progress") else "read")
    title, fn, columns = reports.TABLES[report]
    year_value, day = _as_of(ctx, year, as_of)
    if report in ("noncompliant", "rectification", "progress"):
        rows = fn(ctx, year_value, org or None, day)
    elif report == "performance":
        rows = fn(ctx, year_value, day)
    else:
        rows = fn(ctx, year_value, org or None)
    if str(file_format_type).upper() == "JSON":
        return {"title": title, "columns": columns, "rows": rows}
    content = excel.rows_to_xlsx(f"{year_value}年{title}", columns, rows)
    return _attachment(content, f"{year_value}年{title}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@whitelist(methods=("GET",))
def download_district_scores(ctx, year=None, org=None, **kwargs):
    """区级评分表: the user's sheets awaiting district review, one row per item, to fill offline."""
    import os
    import tempfile

    from sixhave_app.engine.api.export import XLSX, file_reply
    from sixhave_app.six_haves import score_exchange

    year = _year(year)
    _require(ctx, "Self Assessment", "read")
    handle, path = tempfile.mkstemp(prefix="sixhave-scores-", suffix=".xlsx")
    os.close(handle)
    try:
        score_exchange.download(ctx, year, path, org or None)
    except BaseException:
        os.unlink(path)
        raise
    return file_reply(path, f"{year}年区级评分表.xlsx", XLSX)


@whitelist(methods=("POST",))
def upload_district_scores(ctx, file_url=None, __files=None, **kwargs) -> dict:
    """The filled 区级评分表 back: every bad cell reported; nothing written unless all are valid."""
    from sixhave_app.six_haves import score_exchange

    upload = (__files or {}).get("file")
    if upload is not None:
        from sixhave_app.engine import files

        data = files.read_upload(ctx.site, upload)
    elif file_url:
        from sixhave_app.core.doctype.data_import.data_import import file_bytes

        data = file_bytes(ctx, file_url)
    else:
        raise ValidationError("请上传填好的区级评分表（表单字段 file）", field="file")
    result = score_exchange.upload(ctx, data)
    result["ok"] = not result["problems"]
    return result


@whitelist(methods=("POST",))
def build_package(ctx, district=None, year=None, **kwargs) -> dict:
    """The district's electronic submission package for a year, as a background job."""
    from sixhave_app.engine import jobs

    year = _year(year)
    if not district:
        raise ValidationError("请指定市（县）区或单位", field="district")
    _require(ctx, "Self Assessment", "print")
    ctx.get_doc("Org Unit", district)  # 404 outside the user's scope
    name = jobs.enqueue(ctx, "sixhave_app.six_haves.package.build", queue="long", retries=1,
                        job_title=f"{district}{year}年电子申报材料", reference=("Org Unit", district),
                        district=district, year=year)
    return {"job": name, "status_url": f"/api/method/sixhave.jobs.status?name={name}"}
