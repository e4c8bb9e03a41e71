"""The app's methods (/api/method/sixhave.app.*): the yearly cycle's operations and dashboards."""
from __future__ import annotations

import datetime as dt

from sixhave_app.engine import permissions
from sixhave_app.engine.api.request import parse_json_arg
from sixhave_app.engine.api.whitelist import whitelist
from sixhave_app.engine.errors import PermissionError, ValidationError
from sixhave_app.six_haves import assessment, dashboards, demonstration, scoring


def _year(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"年度 “{value}” 无效") from None


def _require(ctx, doctype: str, ptype: str) -> None:
    permissions.check(ctx, doctype, ptype)


@whitelist(methods=("POST",))
def open_year(ctx, year=None, copy_from=None, deadlines=None, **kwargs) -> dict:
    """The city opens a year: the template copied from last year's, and the Programme Year."""
    _require(ctx, "Scoring Template", "create")
    year = _year(year)
    source = copy_from or ctx.get_value("Scoring Template", {"year": year - 1}, "name")
    if not source:
        raise ValidationError(f"没有 {year - 1} 年的评分模板可复制，请指定 copy_from")
    template = scoring.copy_template(ctx, source, year)
    values = {"year": year, "template": template.name, "is_open": 1, "target_pass_rate": template.target_pass_rate}
    values.update(parse_json_arg(deadlines, "deadlines") or {})
    if not ctx.exists("Programme Year", str(year)):
        ctx.new_doc("Programme Year", values).insert()
    return {"template": template.name, "programme_year": str(year)}


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


@whitelist(methods=("POST",))
def draw_spot_check(ctx, year=None, sample_size=None, seed=None, **kwargs) -> dict:
    _require(ctx, "Spot Check", "create")
    if not sample_size:
        raise ValidationError("请填写抽查数量")
    return demonstration.draw_spot_check(ctx, _year(year), int(sample_size), seed).as_dict()


@whitelist(methods=("POST",))
def publish_notice(ctx, year=None, start_date=None, end_date=None, title=None, **kwargs) -> dict:
    """公示: the applications the city proposes to award (in 市级评审), as a public notice."""
    _require(ctx, "Public Notice", "create")
    year = _year(year)
    proposed = ctx.get_all("Demonstration Application", filters={"year": year, "workflow_state": "市级评审"},
                           fields=["name"], order_by="self_score desc")
    if not proposed:
        raise ValidationError(f"{year} 年没有处于市级评审的示范申报，无可公示")
    start = start_date or dt.date.today().isoformat()
    end = end_date or (dt.date.fromisoformat(str(start)) + dt.timedelta(days=7)).isoformat()
    doc = ctx.new_doc("Public Notice", year=year, title=title or f"{year}年度拟命名市级“六有一提升”示范党支部公示",
                      start_date=start, end_date=end, published=1,
                      entries=[{"application": r["name"]} for r in proposed]).insert()
    return doc.as_dict()


@whitelist(methods=("GET",))
def alerts(ctx, org=None, today=None, **kwargs) -> list:
    from sixhave_app.six_haves import alerts as alert_rules

    day = dt.date.fromisoformat(today) if today else dt.date.today()
    return [a.as_dict() if hasattr(a, "as_dict") else a for a in alert_rules.alerts_for(ctx, day, org=org or None)]


@whitelist(methods=("GET",))
def party_calendar(ctx, org=None, today=None, **kwargs) -> list:
    from sixhave_app.six_haves import alerts as alert_rules

    day = dt.date.fromisoformat(today) if today else dt.date.today()
    return [a.as_dict() if hasattr(a, "as_dict") else a for a in alert_rules.calendar_for(ctx, day, org=org or None)]


@whitelist(methods=("GET",))
def dashboard(ctx, year=None, org=None, **kwargs) -> dict:
    _require(ctx, "Self Assessment", "report")
    return dashboards.city(ctx, _year(year), org or None)


@whitelist(methods=("GET",))
def drill_down(ctx, year=None, org=None, **kwargs) -> dict:
    _require(ctx, "Self Assessment", "report")
    if not org:
        raise PermissionError("请指定单位")
    year = _year(year)
    return {"units": dashboards.pass_rates(ctx, year, org)["units"], "branches": dashboards.branches(ctx, year, org)}


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
        data = upload.file.read(50 * 1024 * 1024 + 1)
        if len(data) > 50 * 1024 * 1024:
            raise ValidationError("文件过大（最大 50 MB）", field="file")
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
