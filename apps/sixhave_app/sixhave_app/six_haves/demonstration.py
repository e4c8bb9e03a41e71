"""Demonstration branches (plan §二4, §四4–5): the application filled from the branch's records;
the plaque (授牌) only after the 公示 window closed with no unresolved objection, to a branch the city
passed at or above the year's demonstration threshold, whose term is current and whose secretary
is 75 or younger (unless an exception is recorded with its reason), within the quota; plaques
revoked with the workflow, keeping their history; the yearly spot check drawn with a recorded
seed, whose failed results withdraw plaques."""
from __future__ import annotations

import datetime as dt
import random
import secrets

from sixhave_app.engine.dates import age_on
from sixhave_app.engine.errors import PermissionError, ValidationError
from sixhave_app.six_haves import programme

MAX_SECRETARY_AGE = 75


def secretary_of(ctx, party_org) -> dict | None:
    rows = [r for r in party_org.committee if r.post == "书记" and not r.to_date]
    if not rows:
        return None
    member = rows[0].member
    birth = ctx.get_value("Party Member", member, "birth_date", ignore_permissions=True) if member else None
    return {"name": rows[0].member_name or member, "birth_date": birth}


def fill_facts(doc) -> None:
    """The org's facts come from its records, not from typing: members, secretary and age,
    committee, liaison, self score."""
    ctx = doc.ctx
    org = ctx.get_doc("Party Organization", doc.party_org)
    year_end = dt.date(int(doc.year), 12, 31)
    doc.parent_party_org_name = org.parent_party_org_name
    doc.founded_on = org.founded_on
    doc.member_count = ctx.get_count("Party Member", {"party_org": org.name, "status": "在册"}, ignore_permissions=True)
    secretary = secretary_of(ctx, org)
    doc.secretary_name = secretary["name"] if secretary else None
    doc.secretary_age = age_on(secretary["birth_date"], year_end) if secretary else None
    doc.committee_summary = "；".join(f"{r.post} {r.member_name or r.member or ''}".strip() for r in org.committee if not r.to_date) or None
    doc.liaison = org.liaison_name
    assessment = ctx.get_value("Self Assessment", {"party_org": org.name, "year": doc.year}, ["name", "self_total"],
                               as_dict=True, ignore_permissions=True)
    doc.self_assessment = assessment["name"] if assessment else None
    doc.self_score = assessment["self_total"] if assessment else None


def validate_application(doc) -> None:
    if doc.docstatus == 0 and (doc.workflow_state in (None, "", "草稿")):
        fill_facts(doc)
        threshold = doc.ctx.get_value("Scoring Template", {"year": doc.year}, "demonstration_score", ignore_permissions=True)
        if threshold and doc.self_score is not None and doc.self_score < threshold:
            raise ValidationError(f"自评得分 {doc.self_score} 低于示范申报分数线 {threshold}，暂不能申报示范党支部")
        if doc.self_assessment is None and not doc.flags.__dict__.get("ignore_permissions"):
            raise ValidationError(f"{doc.party_org} 还没有 {doc.year} 年的达标自评表，请先自评")


def award_refusals(doc) -> list[str]:
    """Every reason the city may not award this application a plaque today, as sentences."""
    ctx = doc.ctx
    today = ctx.today()
    year = int(doc.year)
    org_name = ctx.get_value("Party Organization", doc.party_org, "org_name", ignore_permissions=True) or doc.party_org
    out = []
    # 公示: a published notice listing it, whose window has closed, with no unresolved objection
    entries = ctx.get_all("Public Notice Entry", filters={"application": doc.name, "parenttype": "Public Notice"},
                          fields=["parent"], ignore_permissions=True)
    notices = ctx.get_all("Public Notice", filters=[["name", "in", [e["parent"] for e in entries] or [""]],
                                                    ["published", "=", 1]],
                          fields=["name", "start_date", "end_date"], ignore_permissions=True)
    closed = [n for n in notices if n["end_date"] and n["end_date"] < today]
    if not notices:
        out.append(f"{org_name}尚未经过公示，须先公示拟命名名单")
    elif not closed:
        end = max(n["end_date"] for n in notices)
        out.append(f"{org_name}的公示期到 {end} 才结束，公示期满后才能授牌")
    objections = ctx.get_all("Public Notice Objection", filters={"application": doc.name, "parenttype": "Public Notice"},
                             fields=["status", "content"], ignore_permissions=True)
    pending = [o for o in objections if o["status"] in (None, "", "待核实")]
    upheld = [o for o in objections if o["status"] == "成立"]
    if pending:
        out.append(f"{org_name}在公示期间有 {len(pending)} 条异议尚未核实处理，处理完毕前不能授牌")
    if upheld:
        out.append(f"{org_name}在公示期间的异议经核实成立，不能授牌")
    # the city passed its sheet at or above the year's demonstration threshold
    sheet = ctx.get_value("Self Assessment", {"party_org": doc.party_org, "year": year},
                          ["name", "workflow_state", "city_total", "template"], as_dict=True, ignore_permissions=True)
    threshold = ctx.get_value("Scoring Template", sheet["template"] if sheet and sheet["template"] else {"year": year},
                              "demonstration_score", ignore_permissions=True)
    if not sheet or sheet["workflow_state"] != "达标":
        out.append(f"{org_name}的 {year} 年达标自评表尚未经市级考评评定为达标")
    elif threshold is not None and (sheet["city_total"] is None or float(sheet["city_total"]) < float(threshold)):
        out.append(f"{org_name}市级考评得分 {sheet['city_total']} 分，低于 {year} 年示范党支部分数线 {threshold} 分")
    # a current leadership term
    term = ctx.get_value("Party Organization", doc.party_org, ["term_start", "term_end"], as_dict=True,
                         ignore_permissions=True) or {}
    if not term.get("term_end"):
        out.append(f"{org_name}没有登记本届任期，无法确认班子任期在届")
    elif term["term_end"] < today or (term.get("term_start") and term["term_start"] > today):
        out.append(f"{org_name}本届任期已于 {term['term_end']} 届满，尚未换届，不能授牌")
    # the secretary's age, unless an exception is recorded with its reason
    secretary = secretary_of(ctx, ctx.get_doc("Party Organization", doc.party_org))
    age = age_on(secretary["birth_date"], today) if secretary else None
    if secretary is not None and age is not None and age > MAX_SECRETARY_AGE:
        if not doc.age_exception:
            out.append(f"{org_name}书记{secretary['name']}已 {age} 岁，超过 {MAX_SECRETARY_AGE} 岁；如确需授牌，须登记例外并写明理由")
        elif not str(doc.age_exception_reason or "").strip():
            out.append(f"{org_name}书记年龄例外须写明理由")
    reason = programme.quota_check(ctx, year)
    if reason:
        out.append(reason)
    return out


def check_award(doc) -> None:
    """validate hook: a move into 授牌 must pass every award rule."""
    if not doc.flags.__dict__.get("workflow_transition") or doc.workflow_state != "授牌":
        return
    before = doc.get_original() or {}
    if before.get("workflow_state") == "授牌":
        return
    refusals = award_refusals(doc)
    if refusals:
        raise PermissionError("不满足授牌条件，不能授牌：" + "；".join(refusals) + "。")


def award(doc) -> None:
    ctx = doc.ctx
    if ctx.get_value("Plaque", {"application": doc.name}, "name", ignore_permissions=True):
        return
    plaque = ctx.new_doc("Plaque", party_org=doc.party_org, year=doc.year, application=doc.name,
                         awarded_on=ctx.today(), status="有效")
    plaque.flags.ignore_permissions = True
    plaque.insert()
    ctx.db_set(ctx.get_doc("Party Organization", doc.party_org), "is_demonstration", 1)


def revoke(doc, reason: str | None = None) -> None:
    """Withdraw the plaque (history kept: the Plaque's versions and the workflow history)."""
    ctx = doc.ctx
    reason = reason or doc.flags.__dict__.get("workflow_comment") or "抽查复核未通过"
    for name in ctx.get_all("Plaque", filters={"application": doc.name, "status": "有效"}, pluck="name", ignore_permissions=True):
        plaque = ctx.get_doc("Plaque", name)
        plaque.update({"status": "撤销", "revoked_on": ctx.today(), "revoke_reason": reason,
                       "spot_check": ctx.flags.get("spot_check") or plaque.spot_check})
        plaque.flags.ignore_permissions = True
        plaque.save()
    ctx.db_set(ctx.get_doc("Party Organization", doc.party_org), "is_demonstration", 0)


def apply_spot_check(doc) -> None:
    """Spot Check on_update: each result the city concluded (保持 or 撤销) moves its application
    once — 撤销 withdraws the plaque with the result's note as the reason."""
    from sixhave_app.engine import workflow

    ctx = doc.ctx
    table = ctx.table("Spot Check Result")
    for row in doc.results:
        if row.outcome not in ("保持", "撤销") or row.applied_on or not row.application:
            continue
        if row.outcome == "撤销" and not str(row.notes or "").strip():
            raise ValidationError(f"抽查结果第 {row.idx} 行（{row.party_org}）：撤销须写明原因")
        state = ctx.get_value("Demonstration Application", row.application, "workflow_state", ignore_permissions=True)
        if state not in ("授牌", "保持"):
            raise ValidationError(f"抽查结果第 {row.idx} 行：{row.application} 当前为“{state}”，不是有效的示范党支部")
        ctx.flags["spot_check"] = doc.name
        workflow.apply_action(ctx, "Demonstration Application", row.application, row.outcome,
                              comment=row.notes or f"{doc.year}年抽查复核：{row.outcome}")
        ctx.flags.pop("spot_check", None)
        ctx.conn.execute(table.update().where(table.c.name == row.name).values(applied_on=ctx.today(),
                                                                              checked_on=row.checked_on or ctx.today()))
        row.applied_on = ctx.today()


def recommendations(ctx, year: int, org: str | None = None) -> list[dict]:
    """Demonstration branches holding a valid plaque by `year`: the city's recommendations for the
    provincial and city 先进集体 selection (plan §四4), best score first."""
    filters = [["status", "=", "有效"], ["year", "<=", year]]
    if org:
        filters.append(["org", "descendants of (inclusive)", org])
    plaques = ctx.get_all("Plaque", filters=filters, fields=["name", "party_org", "org", "year", "awarded_on", "application"],
                          limit_page_length=0)
    out = []
    for p in plaques:
        facts = ctx.get_value("Party Organization", p["party_org"],
                              ["org_name", "sector", "parent_unit", "member_count", "brand"], as_dict=True,
                              ignore_permissions=True) or {}
        app = ctx.get_value("Demonstration Application", p["application"], ["brand", "secretary_name", "practices"],
                            as_dict=True, ignore_permissions=True) if p["application"] else {}
        score = ctx.get_value("Self Assessment", {"party_org": p["party_org"], "year": p["year"]}, "city_total",
                              ignore_permissions=True)
        out.append({"party_org": p["party_org"], "org_name": facts.get("org_name"), "district": district_of(ctx, p["org"]),
                    "sector": facts.get("sector"), "members": facts.get("member_count"),
                    "secretary": (app or {}).get("secretary_name"), "brand": (app or {}).get("brand") or facts.get("brand"),
                    "plaque": p["name"], "plaque_year": p["year"], "awarded_on": p["awarded_on"], "city_score": score,
                    "recommended_for": "省、市离退休干部先进集体"})
    return sorted(out, key=lambda r: (-(float(r["city_score"]) if r["city_score"] is not None else 0), r["party_org"]))


def district_of(ctx, org: str | None) -> str | None:
    """The 市（县）区 or 市直单位 above a node."""
    if not org:
        return None
    rows = ctx.get_all("Org Unit", filters=[["name", "ancestors of", org], ["level", "in", ["市（县）区", "市直单位"]]],
                       pluck="name", ignore_permissions=True)
    if rows:
        return rows[0]
    level = ctx.get_value("Org Unit", org, "level", ignore_permissions=True)
    return org if level in ("市（县）区", "市直单位") else None


def draw_spot_check(ctx, year: int, sample_size: int, seed: str | None = None):
    """The yearly spot check: a random sample of demonstration branches; the seed is recorded so
    that anyone can redraw the same sample and audit it."""
    population = sorted(ctx.get_all("Demonstration Application", filters={"workflow_state": ["in", ["授牌", "保持"]]},
                                    fields=["name", "party_org"], ignore_permissions=True, limit_page_length=0),
                        key=lambda r: r["name"])
    if not population:
        raise ValidationError("目前没有示范党支部，无需抽查")
    seed = seed or secrets.token_hex(8)
    chosen = sample(population, sample_size, seed)
    doc = ctx.new_doc("Spot Check", year=year, sample_size=len(chosen), seed=seed,
                      population=[r["name"] for r in population], drawn_on=dt.datetime.now(),
                      results=[{"party_org": r["party_org"], "application": r["name"], "outcome": "待复核"} for r in chosen])
    return doc.insert()


def sample(population: list[dict], size: int, seed: str) -> list[dict]:
    rng = random.Random(seed)
    return sorted(rng.sample(population, min(size, len(population))), key=lambda r: r["name"])
