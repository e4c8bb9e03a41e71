"""What the programme's print formats may call beyond the engine's helpers (hooks.print_helpers):
the org path of a unit, the 36 items grouped by category with subtotals per level, an assessment's
totals, a branch's facts for a title block, and its three rectification lists. Each reads through
the printing user's own permissions; what the user may not read comes back empty."""
from __future__ import annotations

from decimal import Decimal

from sixhave_app.engine import permissions, printing
from sixhave_app.engine.errors import DoesNotExistError, PermissionError
from sixhave_app.engine.print_helpers import sum_of

LEVELS = ("self", "district", "city")


def org_path(ctx, org, sep: str = " / ", top: int = 0) -> str:
    """无锡市 / 梁溪区 / 崇安寺街道 / … for an Org Unit."""
    return printing.tree_path(ctx, "Org Unit", org, sep, top)


def score_categories(ctx, doc) -> list[dict]:
    """The assessment's rows grouped by category in the sheet's order, each group with its points
    and the total of each level's scores (None where the user cannot read that level)."""
    groups: list[dict] = []
    for row in doc.items or []:
        if not groups or groups[-1]["name"] != row.category:
            groups.append({"name": row.category, "items": []})
        groups[-1]["items"].append(row)
    for group in groups:
        group["points"] = sum_of(group["items"], "points")
        for level in LEVELS:
            group[level] = sum_of(group["items"], f"{level}_score")
    return [printing.PrintView(g) for g in groups]


def score_totals(ctx, doc) -> "printing.PrintView":
    """Points, item totals, bonus per level and the totals the assessment holds."""
    out = {"points": sum_of(doc.items, "points"), "count": len(doc.items or [])}
    for level in LEVELS:
        out[f"{level}_items"] = sum_of(doc.items, f"{level}_score")
        out[f"{level}_bonus"] = sum_of(doc.bonus_items, f"{level}_score")
        out[f"{level}_total"] = doc.get(f"{level}_total")
        out[f"{level}_result"] = doc.get(f"{level}_result")
    return printing.PrintView(out)


def party_org_facts(ctx, party_org) -> "printing.PrintView":
    """A branch's title-block facts: unit, parent unit, sector, secretary (with age), member count,
    liaison, committee — read as the user may read the Party Organization."""
    if not party_org:
        return printing.PrintView({})
    try:
        org = ctx.get_doc("Party Organization", party_org)
    except (DoesNotExistError, PermissionError):
        return printing.PrintView({})
    data = permissions.strip_unreadable(ctx, "Party Organization", org.as_dict(convert=False))
    current = [r for r in data.get("committee") or [] if not r.get("to_date")]
    secretary = next((r for r in current if r.get("post") == "书记"), None)
    data["secretary"] = (secretary.get("member_name") or secretary.get("member")) if secretary else None
    data["committee_text"] = "；".join(f"{r.get('post')} {r.get('member_name') or r.get('member') or ''}".strip() for r in current)
    data["district"] = _district_of(ctx, data.get("org") or data.get("parent_unit"))
    return printing.PrintView({k: printing._wrap(v) for k, v in data.items()})


def _district_of(ctx, org) -> str | None:
    """The 市（县）区 or 市直单位 above a node (the second level of the city's tree)."""
    path = printing.tree_path(ctx, "Org Unit", org, "\x00") if org else ""
    parts = [p for p in path.split("\x00") if p]
    return parts[1] if len(parts) > 1 else (parts[0] if parts else None)


def rectification_lists(ctx, party_org, year=None) -> list:
    """One organisation's rectification items (problem / task / responsibility), as its user may
    list them; the year's, or the latest year's when none is given."""
    if not party_org:
        return []
    filters = [["party_org", "=", party_org]]
    if year not in (None, ""):
        filters.append(["year", "=", int(year)])
    fields = ["name", "year", "item_code", "source", "lost_points", "problem", "task", "responsible_person",
              "responsible_department", "deadline", "objective_limit", "gradual_plan", "progress_note", "workflow_state"]
    rows = printing.records(ctx, "Rectification Item", filters=filters, fields=fields, order_by="item_code asc")
    if year in (None, "") and rows:
        latest = max(r.year for r in rows if r.year is not None) if any(r.year for r in rows) else None
        rows = [r for r in rows if r.year == latest]
    return rows


def bonus_total(ctx, doc, level: str = "self") -> Decimal | None:
    return sum_of(doc.bonus_items, f"{level}_score")
