"""Demonstration branches: the application filled from the branch's records, plaques awarded and
revoked with the workflow, and the yearly spot check drawn with a recorded seed."""
from __future__ import annotations

import datetime as dt
import random
import secrets

from sixhave_app.engine.errors import ValidationError


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    if not birth:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


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


def award(doc) -> None:
    ctx = doc.ctx
    if ctx.get_value("Plaque", {"application": doc.name}, "name", ignore_permissions=True):
        return
    plaque = ctx.new_doc("Plaque", party_org=doc.party_org, year=doc.year, application=doc.name,
                         awarded_on=dt.date.today(), status="有效")
    plaque.flags.ignore_permissions = True
    plaque.insert()
    ctx.db_set(ctx.get_doc("Party Organization", doc.party_org), "is_demonstration", 1)


def revoke(doc, reason: str | None = None) -> None:
    ctx = doc.ctx
    for name in ctx.get_all("Plaque", filters={"application": doc.name, "status": "有效"}, pluck="name", ignore_permissions=True):
        plaque = ctx.get_doc("Plaque", name)
        plaque.update({"status": "撤销", "revoked_on": dt.date.today(), "revoke_reason": reason or "抽查复核未通过"})
        plaque.flags.ignore_permissions = True
        plaque.save()
    ctx.db_set(ctx.get_doc("Party Organization", doc.party_org), "is_demonstration", 0)


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
