"""Nested sets: lft/rgt kept on insert, move and delete; ancestors and descendants by range."""
import pytest
import sqlalchemy as sa

from sixhave_app.engine import tree
from sixhave_app.engine.errors import ValidationError
from tests.conftest import unique


def add(ctx, name, parent=None):
    return ctx.insert({"doctype": "Test Area", "area_name": name, "parent_test_area": parent})


def check_nested_set(ctx):
    """Every node's bounds enclose exactly its subtree (recomputed from the parent links): the
    ranges are nested intervals with room left in them (tree.SPAN), not compact."""
    table = ctx.table("Test Area")
    rows = {r.name: r for r in ctx.conn.execute(sa.select(table.c.name, table.c.lft, table.c.rgt, table.c.parent_test_area))}
    bounds = [v for r in rows.values() for v in (r.lft, r.rgt)]
    assert len(bounds) == len(set(bounds)), "bounds must be unique"
    children = {}
    for r in rows.values():
        children.setdefault(r.parent_test_area, []).append(r.name)

    def subtree(name):
        return {name}.union(*[subtree(c) for c in children.get(name, [])])

    for r in rows.values():
        assert r.lft < r.rgt
        if r.parent_test_area:
            p = rows[r.parent_test_area]
            assert p.lft < r.lft and r.rgt < p.rgt
        inside = {o.name for o in rows.values() if r.lft < o.lft and o.rgt < r.rgt}
        assert inside == subtree(r.name) - {r.name}
        # no range overlaps another partly
        assert not [o.name for o in rows.values() if r.lft < o.lft < r.rgt < o.rgt]


def test_insert_move_delete_keep_nested_set(ctx):
    city = add(ctx, unique("市")).name
    d1 = add(ctx, unique("区"), city).name
    d2 = add(ctx, unique("区"), city).name
    s1 = add(ctx, unique("街"), d1).name
    c1 = add(ctx, unique("社"), s1).name
    check_nested_set(ctx)
    assert tree.descendants(ctx, "Test Area", city) == [d1, s1, c1, d2]
    assert tree.ancestors(ctx, "Test Area", c1) == [city, d1, s1]
    # move the street (with its community) under the other district
    street = ctx.get_doc("Test Area", s1)
    street.parent_test_area = d2
    street.save()
    check_nested_set(ctx)
    assert tree.descendants(ctx, "Test Area", d2) == [s1, c1]
    assert tree.descendants(ctx, "Test Area", d1) == []
    assert ctx.get_doc("Test Area", s1).old_parent == d1
    # a node cannot move under its own descendant
    district = ctx.get_doc("Test Area", d2)
    district.parent_test_area = c1
    with pytest.raises(ValidationError):
        district.save()
    # a node with children cannot be deleted; a leaf can
    with pytest.raises(ValidationError):
        ctx.delete_doc("Test Area", s1)
    ctx.delete_doc("Test Area", c1)
    check_nested_set(ctx)
    assert tree.descendants(ctx, "Test Area", city) == [d1, d2, s1]


def test_descendants_filters_on_links(ctx):
    city = add(ctx, unique("市")).name
    d1 = add(ctx, unique("区"), city).name
    s1 = add(ctx, unique("街"), d1).name
    d2 = add(ctx, unique("区"), city).name
    tag = unique()
    for area in (city, d1, s1, d2):
        ctx.insert({"doctype": "Test Area Record", "title": tag, "area": area})
    def areas(op, value):
        return sorted(ctx.get_list("Test Area Record", filters=[["title", "=", tag], ["area", op, value]], pluck="area"))
    assert areas("descendants of", d1) == [s1]
    assert areas("descendants of (inclusive)", d1) == sorted([d1, s1])
    assert areas("ancestors of", s1) == sorted([city, d1])
    assert areas("not descendants of", city) == [city]
    assert sorted(ctx.get_list("Test Area", filters=[["name", "descendants of", city]], pluck="name")) == sorted([d1, s1, d2])


def test_rebuild_recovers_bounds(ctx):
    city = add(ctx, unique("市")).name
    add(ctx, unique("区"), city)
    table = ctx.table("Test Area")
    ctx.conn.execute(table.update().values(lft=0, rgt=0))
    tree.rebuild(ctx, "Test Area")
    check_nested_set(ctx)


def test_random_growth_moves_and_deletes_keep_nested_set(ctx):
    """Nodes under random parents (after a rebuild left the tree compact, too), moves and deletes
    of leaves: the ranges stay exactly the subtrees at every step."""
    import random

    rng = random.Random(15)
    nodes = [add(ctx, unique("根")).name]
    for step in range(120):
        nodes.append(add(ctx, unique("点"), rng.choice(nodes)).name)
        if step == 40:
            tree.rebuild(ctx, "Test Area")
        if step % 10 == 9:
            check_nested_set(ctx)
        if step % 15 == 14:  # move one node (not the root) under a node outside its subtree
            node = ctx.get_doc("Test Area", rng.choice(nodes[1:]))
            inside = set(tree.descendants(ctx, "Test Area", node.name, include_self=True))
            node.parent_test_area = rng.choice([n for n in nodes if n not in inside])
            node.save()
        if step % 20 == 19:  # delete a leaf
            leaf = next(n for n in reversed(nodes[1:]) if not tree.descendants(ctx, "Test Area", n))
            ctx.delete_doc("Test Area", leaf)
            nodes.remove(leaf)
    check_nested_set(ctx)


def test_children_under_one_parent_shift_the_rest_of_the_tree_rarely(ctx):
    """Room is left inside nodes: forty children under one node move the node to its right a few
    times, not forty (each move is an UPDATE of every node to the right)."""
    city = add(ctx, unique("市")).name
    busy = add(ctx, unique("区"), city).name
    right = add(ctx, unique("区"), city).name
    seen = set()
    for _ in range(40):
        add(ctx, unique("社"), busy)
        seen.add(ctx.get_value("Test Area", right, "lft"))
    assert len(seen) <= 12, f"the node to the right moved {len(seen) - 1} times for 40 inserts"
    check_nested_set(ctx)
