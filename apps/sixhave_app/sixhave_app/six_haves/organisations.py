"""Party organisations in the org tree: each branch or group is a node under its community or
unit, so that a branch secretary's scope is the branch itself."""
from __future__ import annotations

import sqlalchemy as sa

from sixhave_app.engine.errors import ValidationError


def validate_party_org(doc) -> None:
    if doc.term_start and doc.term_end and doc.term_end <= doc.term_start:
        raise ValidationError(f"{doc.org_name}：本届任期届满日期须晚于开始日期")
    posts = [row.post for row in doc.committee if not row.to_date]
    if posts.count("书记") > 1:
        raise ValidationError(f"{doc.org_name}：同时只能有一位在任书记")
    if doc.org:
        parent = doc.ctx.get_value("Org Unit", doc.org, "parent_org_unit", ignore_permissions=True)
        if parent and parent != doc.parent_unit:
            doc.flags.move_node = True


def ensure_tree_node(doc) -> None:
    """Create (or move) the Org Unit node that stands for this organisation in the tree."""
    ctx = doc.ctx
    level = "党小组" if doc.org_type == "党小组" else "党支部"
    if not doc.org or not ctx.exists("Org Unit", doc.org):
        name = doc.org_name if not ctx.exists("Org Unit", doc.org_name) else f"{doc.org_name}（{doc.parent_unit}）"
        node = ctx.new_doc("Org Unit", unit_name=name, level=level, parent_org_unit=doc.parent_unit, is_group=0)
        node.flags.ignore_permissions = True  # the branch's right to exist implies its node
        node.insert()
        doc.db_set("org", node.name, update_modified=False)
        return
    node = ctx.get_doc("Org Unit", doc.org)
    if node.parent_org_unit != doc.parent_unit or node.level != level:
        node.parent_org_unit = doc.parent_unit
        node.level = level
        node.flags.ignore_permissions = True
        node.save()


def count_members(ctx, *party_orgs: str | None) -> None:
    """Keep the branches' member counts (members on the roll) current: one UPDATE that counts,
    whoever's rights (the count is the branch's, not the writer's view of it)."""
    names = sorted({p for p in party_orgs if p})
    if not names:
        return
    orgs, members = ctx.table("Party Organization"), ctx.table("Party Member")
    on_roll = (sa.select(sa.func.count()).select_from(members)
               .where(members.c.party_org == orgs.c.name, members.c.status == "在册").scalar_subquery())
    ctx.conn.execute(orgs.update().where(orgs.c.name.in_(names)).values(member_count=on_roll))
