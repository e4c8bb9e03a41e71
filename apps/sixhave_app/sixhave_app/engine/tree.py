"""Nested sets for tree DocTypes: `lft`/`rgt` kept on insert, move and delete, so that ancestors
and descendants are one range predicate each, never a recursive walk."""
from __future__ import annotations

import sqlalchemy as sa

from . import naming, permissions
from .errors import DoesNotExistError, ValidationError


def _lock(ctx, meta):
    """Serialise structural changes of one tree: concurrent inserts would otherwise shift the same
    ranges in different orders. On MariaDB, one UPDATE of the tree's counter row takes its row
    lock until the commit (no read back: the value is not needed). SQLite needs none: a writing
    transaction there holds the database's only write lock already."""
    if ctx.site.backend == "sqlite":
        return
    series = ctx.site.system["tabSeries"]
    key = "__tree_lock:" + meta.name
    if not ctx.conn.execute(series.update().where(series.c.name == key)
                            .values(current=series.c.current + 1)).rowcount:
        naming.next_value(ctx, key)  # the first change of this tree makes the row


def _bounds(ctx, table, name):
    row = ctx.conn.execute(sa.select(table.c.lft, table.c.rgt).where(table.c.name == name)).first()
    if row is None:
        raise DoesNotExistError(f"上级 “{name}” 不存在")
    return int(row.lft or 0), int(row.rgt or 0)


# Room left inside and after nodes (nested intervals with gaps): a new node takes up to SPAN
# numbers of the free room under its parent, so its own children and its next siblings usually
# fit without moving anyone; when the room is used up, one shift opens SHIFT numbers at once.
# Every shift is an UPDATE of all nodes to the right (on MariaDB each row rewrites its index
# entries and undo log), so shifting once per many inserts is what keeps MariaDB near SQLite
# (bench.tree). Ranges stay strictly nested and every bound distinct; they are not compact, so
# no code may count descendants as (rgt - lft - 1) / 2 — ask the range instead.
SPAN = 32
SHIFT = 4 * SPAN


def on_insert(ctx, doc) -> None:
    meta, table, conn = doc.meta, ctx.site.table(doc.doctype), ctx.conn
    parent = doc.get(meta.nsm_parent_field)
    permissions.check_tree_change(ctx, doc.doctype, doc.name, old_parent=None, new_parent=parent, creating=True)
    _lock(ctx, meta)
    if parent:
        # the parent's bounds and the right end of its last child, in one statement
        parent_col = table.c[meta.nsm_parent_field]
        last_child = sa.select(sa.func.max(table.c.rgt)).where(parent_col == parent).scalar_subquery()
        row = conn.execute(sa.select(table.c.lft, table.c.rgt, last_child).where(table.c.name == parent)).first()
        if row is None:
            raise DoesNotExistError(f"上级 “{parent}” 不存在")
        p_lft, p_rgt = int(row[0] or 0), int(row[1] or 0)
        last = int(row[2]) if row[2] is not None else p_lft
        free = p_rgt - last - 1  # numbers strictly between the last child and the parent's end
        if free < 2:
            # One pass opens SHIFT numbers before the parent's end: its rgt and everything to its
            # right move, and so do its ancestors' rgt.
            conn.execute(table.update().where(table.c.rgt >= p_rgt).values(
                lft=sa.case((table.c.lft > p_rgt, table.c.lft + SHIFT), else_=table.c.lft), rgt=table.c.rgt + SHIFT))
            free += SHIFT
        lft = last + 1
        rgt = lft + min(SPAN, max(2, free // 2)) - 1
    else:
        lft = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.rgt), 0))).scalar()) + 1
        rgt = lft + SPAN - 1
    doc.set("lft", lft)  # written with the node's row (Document._insert calls this just before)
    doc.set("rgt", rgt)


def on_move(ctx, doc, old_parent) -> None:
    """Move a node (and its subtree) under its new parent."""
    meta, table, conn = doc.meta, ctx.site.table(doc.doctype), ctx.conn
    new_parent = doc.get(meta.nsm_parent_field)
    permissions.check_tree_change(ctx, doc.doctype, doc.name, old_parent=old_parent, new_parent=new_parent, creating=False)
    _lock(ctx, meta)
    lft, rgt = _bounds(ctx, table, doc.name)
    if new_parent:
        p_lft, p_rgt = _bounds(ctx, table, new_parent)
        if lft <= p_lft and p_rgt <= rgt:
            raise ValidationError(f"{meta.name}：不能把 “{doc.name}” 移到它自己或它的下级 “{new_parent}” 之下")
    width = rgt - lft + 1
    # 1. take the subtree out (negative bounds mark it), 2. close its gap
    conn.execute(table.update().where(table.c.lft.between(lft, rgt)).values(lft=-table.c.lft, rgt=-table.c.rgt))
    conn.execute(table.update().where(table.c.lft > rgt).values(lft=table.c.lft - width))
    conn.execute(table.update().where(table.c.rgt > rgt).values(rgt=table.c.rgt - width))
    # 3. open a gap at the new place, 4. put the subtree back there
    if new_parent:
        _, p_rgt = _bounds(ctx, table, new_parent)
        conn.execute(table.update().where(table.c.rgt >= p_rgt).values(rgt=table.c.rgt + width))
        conn.execute(table.update().where(table.c.lft > p_rgt).values(lft=table.c.lft + width))
        target = p_rgt
    else:
        target = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.rgt), 0))).scalar()) + 1
    offset = target - lft
    conn.execute(table.update().where(table.c.lft < 0).values(lft=-table.c.lft + offset, rgt=-table.c.rgt + offset))
    doc.set("lft", lft + offset)
    doc.set("rgt", rgt + offset)
    doc.set("old_parent", old_parent)
    conn.execute(table.update().where(table.c.name == doc.name).values(old_parent=old_parent))


def on_delete(ctx, doc) -> None:
    meta, table, conn = doc.meta, ctx.site.table(doc.doctype), ctx.conn
    _lock(ctx, meta)
    lft, rgt = _bounds(ctx, table, doc.name)
    children = conn.execute(sa.select(table.c.name).where(table.c.lft > lft, table.c.lft < rgt).limit(5)).scalars().all()
    if children:
        raise ValidationError(f"{meta.name} “{doc.name}” 还有下级（{'、'.join(children)}），不能删除")
    # the node's numbers stay free (room for the next node there); nothing else moves


def bounds_subquery(ctx, doctype: str, name: str):
    table = ctx.site.table(doctype)
    row = ctx.conn.execute(sa.select(table.c.lft, table.c.rgt).where(table.c.name == name)).first()
    if row is None:
        raise DoesNotExistError(f"{doctype} “{name}” 不存在", doctype=doctype, name=name)
    return int(row.lft), int(row.rgt)


def descendants(ctx, doctype: str, name: str, *, include_self: bool = False) -> list[str]:
    table = ctx.site.table(doctype)
    lft, rgt = bounds_subquery(ctx, doctype, name)
    cond = table.c.lft.between(lft, rgt) if include_self else sa.and_(table.c.lft > lft, table.c.rgt < rgt)
    return list(ctx.conn.execute(sa.select(table.c.name).where(cond).order_by(table.c.lft)).scalars())


def ancestors(ctx, doctype: str, name: str, *, include_self: bool = False) -> list[str]:
    table = ctx.site.table(doctype)
    lft, rgt = bounds_subquery(ctx, doctype, name)
    cond = sa.and_(table.c.lft <= lft, table.c.rgt >= rgt) if include_self else sa.and_(table.c.lft < lft, table.c.rgt > rgt)
    return list(ctx.conn.execute(sa.select(table.c.name).where(cond).order_by(table.c.lft)).scalars())


def rebuild(ctx, doctype: str) -> int:
    """Recompute every lft/rgt from the parent links (after a bulk import); returns node count."""
    meta = ctx.site.meta(doctype)
    table = ctx.site.table(doctype)
    parent_col = table.c[meta.nsm_parent_field]
    rows = ctx.conn.execute(sa.select(table.c.name, parent_col).order_by(table.c.name)).all()
    children: dict[str | None, list[str]] = {}
    for name, parent in rows:
        children.setdefault(parent or None, []).append(name)
    counter = 0
    updates = []
    stack = [(name, False) for name in reversed(children.get(None, []))]
    left: dict[str, int] = {}
    while stack:
        name, done = stack.pop()
        counter += 1
        if done:
            updates.append({"_name": name, "lft": left[name], "rgt": counter})
            continue
        left[name] = counter
        stack.append((name, True))
        stack.extend((child, False) for child in reversed(children.get(name, [])))
    if updates:
        stmt = table.update().where(table.c.name == sa.bindparam("_name")).values(lft=sa.bindparam("lft"), rgt=sa.bindparam("rgt"))
        ctx.conn.execute(stmt, updates)
    return len(updates)
