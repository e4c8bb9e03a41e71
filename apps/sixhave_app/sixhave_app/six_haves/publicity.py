"""宣传 (plan §五3) and brands (§四3): typical cases and good practices recorded per organisation,
reviewed and published to a list the city can export; "一支部一特色、一支部一品牌" per branch."""
from __future__ import annotations


def on_publish(doc) -> None:
    doc.db_set("published_on", doc.ctx.today(), update_modified=False)


def brand_updated(doc) -> None:
    """The branch's record shows its latest brand."""
    ctx = doc.ctx
    table = ctx.table("Party Organization")
    ctx.conn.execute(table.update().where(table.c.name == doc.party_org).values(brand=doc.brand_name))


def published_cases(ctx, year: int | None = None, org: str | None = None) -> list[dict]:
    filters = [["workflow_state", "=", "已发布"]]
    if year:
        filters.append(["year", "=", year])
    if org:
        filters.append(["org", "descendants of (inclusive)", org])
    return ctx.get_all("Typical Case", filters=filters,
                       fields=["name", "title", "category", "party_org", "org", "year", "summary", "published_on"],
                       order_by="published_on desc", limit_page_length=0)


def brands(ctx, org: str | None = None) -> list[dict]:
    filters = [["org", "descendants of (inclusive)", org]] if org else []
    return ctx.get_all("Branch Brand", filters=filters,
                       fields=["name", "party_org", "org", "year", "brand_name", "feature", "status"],
                       order_by="party_org asc", limit_page_length=0)
