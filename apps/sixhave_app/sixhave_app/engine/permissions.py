"""One permission model for every door: role rights per DocType (DocPerm, or Custom DocPerm when
an administrator has overridden them; rights.py), `if_owner`, field permission levels, and org
scope from User Permission documents as nested-set range predicates.

The same `scope_conditions` that filters a list decides whether one document may be read,
written, exported or printed; list, count, report, export, print, link search and background
jobs all reach data through it.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from . import admin_checks, changes, links, ownership
from .docstatus import DocStatus
from .errors import DoesNotExistError, PermissionError
from .rights import (Rights, hidden_fieldnames, parent_doctypes, readable_fieldnames,  # noqa: F401 - re-exported
                     readable_levels, rights_for, strip_unreadable)
from .users import ADMIN
from .validation import fetch_linked_values

ACTION_RIGHT = {"create": "create", "update": "write", "update_after_submit": "write", "submit": "submit",
                "cancel": "cancel", "delete": "delete", "amend": "amend"}
RIGHT_WORDS = {"read": "查看", "write": "修改", "create": "新建", "delete": "删除", "submit": "提交",
               "cancel": "取消", "amend": "修订", "report": "查看报表", "export": "导出", "import": "导入",
               "print": "打印", "share": "共享", "email": "发邮件", "select": "选择"}


@dataclass(frozen=True)
class ScopeRule:
    allow: str
    for_value: str
    hide_descendants: bool
    applicable_for: str | None


def is_unrestricted(ctx) -> bool:
    if ctx.ignore_permissions or ctx.user == ADMIN:
        return True
    return bool(set(ctx.roles) & set(ctx.site.unrestricted_roles))


AUTOMATIC_ROLES = frozenset({"All", "Guest"})


def restricted_roles(ctx) -> frozenset[str]:
    """Roles marked `restrict_to_scope`: their holders see only what their User Permissions give."""
    key = ("restricted_roles",)
    cached = ctx.site.perm_cache.get(key)
    if cached is None:
        table = ctx.table("Role")
        cached = frozenset(ctx.conn.execute(sa.select(table.c.name).where(table.c.restrict_to_scope == 1)).scalars()) \
            if "restrict_to_scope" in table.c else frozenset()
        ctx.site.perm_cache[key] = cached
    return cached


def is_strict(ctx) -> bool:
    """A user whose roles are all restricted to a scope (Role.restrict_to_scope): until given a
    User Permission on a scope DocType, such a user sees nothing that DocType governs. A user
    with any other role (or an unrestricted one) keeps the rule of that role."""
    if is_unrestricted(ctx):
        return False
    roles = set(ctx.roles) - AUTOMATIC_ROLES
    return bool(roles) and roles <= restricted_roles(ctx)


def _ungranted_scopes(ctx, doctype: str) -> list[str]:
    """The scope DocTypes (hooks `scope_doctypes`) that govern `doctype` and on which a strict
    user holds no User Permission for it: while any is left, the user sees none of `doctype`."""
    if not ctx.site.hooks.scope_doctypes or not is_strict(ctx):
        return []
    granted = _rules_by_allow(ctx, doctype)
    meta = ctx.meta(doctype)
    return [scope for scope in ctx.site.hooks.scope_doctypes
            if scope not in granted and (doctype == scope or any(
                f.options == scope and not f.ignore_user_permissions for f in meta.link_fields))]


def scope_rules(ctx) -> list[ScopeRule]:
    key = ("scope", ctx.user)
    cached = ctx.site.perm_cache.get(key)
    if cached is None:
        table = ctx.table("User Permission")
        rows = ctx.conn.execute(sa.select(table.c.allow, table.c.for_value, table.c.hide_descendants,
                                          table.c.apply_to_all_doctypes, table.c.applicable_for)
                                .where(table.c.user == ctx.user)).all()
        cached = [ScopeRule(r.allow, r.for_value, bool(r.hide_descendants),
                            None if (r.apply_to_all_doctypes or not r.applicable_for) else r.applicable_for)
                  for r in rows]
        ctx.site.perm_cache[key] = cached
    return cached


def _rules_by_allow(ctx, doctype: str) -> dict[str, list[ScopeRule]]:
    out: dict[str, list[ScopeRule]] = {}
    for rule in scope_rules(ctx):
        if rule.applicable_for and rule.applicable_for != doctype:
            continue
        out.setdefault(rule.allow, []).append(rule)
    return out


def _allowed_names(ctx, allow: str, rules: list[ScopeRule]):
    """A subquery of the names a user may reach in `allow`: each permitted node and, for trees,
    every node inside its lft/rgt range (no list of ids, no recursion). Built once per set of
    rules and kept with the permission caches (it holds no values that change with the data)."""
    target = ctx.table(allow)
    key = ("allowed_names", allow, tuple(rules))
    cached = ctx.site.perm_cache.get(key)
    if cached is not None and cached[0] is target:  # the same table: meta has not been reloaded
        return cached[1]
    names = _build_allowed_names(ctx, allow, rules, target)
    ctx.site.perm_cache[key] = (target, names)
    return names


def _build_allowed_names(ctx, allow: str, rules: list[ScopeRule], target):
    """The permitted names as a join on the tree's range: each anchor found by its name, the
    nodes inside it by `lft BETWEEN anchor.lft AND anchor.rgt` (the lft index), never a subquery
    run per node. Values are equalities, not an expanding IN: the statement's text is the same
    on every execution, so the database and SQLAlchemy keep one plan for it."""
    exact = [r.for_value for r in rules if r.hide_descendants or not ctx.meta(allow).is_tree]
    ranged = [r.for_value for r in rules if not r.hide_descendants and ctx.meta(allow).is_tree]
    parts = []
    if exact:
        parts.append(sa.select(target.c.name).where(sa.or_(*[target.c.name == v for v in exact])))
    if ranged:
        anchor = target.alias("scope_anchor")
        inside = sa.and_(target.c.lft >= anchor.c.lft, target.c.lft <= anchor.c.rgt)
        parts.append(sa.select(target.c.name).select_from(target.join(anchor, inside))
                     .where(sa.or_(*[anchor.c.name == v for v in ranged])))
    return parts[0] if len(parts) == 1 else sa.union(*parts)


def scope_alternatives(ctx, doctype: str, table) -> list[list] | None:
    """The scope as alternatives whose rows never overlap (each a list of predicates to AND), for
    a query that serves them as the branches of a UNION ALL; None when the user's scope does not
    limit `doctype`. One scoped link gives two: rows inside the permitted range (`link IN` the
    range join, which both databases run as a semi-join driven from the tree's lft index, seeking
    an index that starts with (…, link) for each permitted node) and rows naming no unit (governed
    by role alone, as in `scope_conditions`). An OR of the two in one statement would make the
    databases test every candidate row instead. More links (or none nullable): one alternative."""
    clauses = scope_conditions(ctx, doctype, table)
    if not clauses:
        return None
    if _ungranted_scopes(ctx, doctype):
        return [clauses]  # nothing (scope_conditions said so), whatever else the user holds
    meta = ctx.meta(doctype)
    rules = _rules_by_allow(ctx, doctype)
    links = [f for allow in rules if allow != doctype
             for f in meta.link_fields if f.options == allow and not f.ignore_user_permissions]
    if len(clauses) != 1 or len(links) != 1 or doctype in rules:
        return [clauses]
    col = table.c[links[0].fieldname]
    return [[col.in_(_allowed_names(ctx, links[0].options, rules[links[0].options]))],
            [sa.or_(col.is_(None), col == "")]]


def scope_conditions(ctx, doctype: str, table) -> list:
    """Row-level predicates for `doctype`: empty for unrestricted users and unrelated DocTypes."""
    if is_unrestricted(ctx):
        return []
    if _ungranted_scopes(ctx, doctype):
        return [sa.false()]
    meta = ctx.meta(doctype)
    clauses = []
    for allow, rules in _rules_by_allow(ctx, doctype).items():
        names = _allowed_names(ctx, allow, rules)
        if doctype == allow:
            clauses.append(table.c.name.in_(names))
            continue
        for f in meta.link_fields:
            if f.options != allow or f.ignore_user_permissions:
                continue
            col = table.c[f.fieldname]
            # a document that names no unit is governed by role alone
            clauses.append(sa.or_(col.is_(None), col == "", col.in_(names)))
    return clauses


def query_conditions(ctx, doctype: str, table, ptype: str = "read") -> list:
    """The predicate every list, count, report, export and search adds (registered on the site)."""
    if ctx.ignore_permissions or ctx.user == ADMIN:
        return []
    meta = ctx.meta(doctype)
    if meta.istable:
        return ownership.child_conditions(ctx, doctype, table, ptype)  # rows through their parent
    rights = rights_for(ctx, doctype)
    wanted = ptype if ptype != "read" else None
    if wanted and not rights.has(wanted) or (not wanted and not (rights.has("read") or rights.has("select"))):
        raise PermissionError(f"没有权限：{ctx.user} 不能{RIGHT_WORDS.get(ptype, ptype)}{ctx.meta(doctype).display_name}",
                              doctype=doctype, ptype=ptype)
    clauses = scope_conditions(ctx, doctype, table)
    right = wanted or ("read" if rights.has("read") else "select")
    if rights.owner_only(right):
        clauses.append(table.c.owner == ctx.user)
    clauses.extend(ownership.conditions(ctx, meta, table))  # personal records: their users only
    clauses.extend(ownership.reference_conditions(ctx, meta, table))  # rows about documents: their readers only
    return clauses


def in_scope(ctx, doctype: str, values: dict, *, before: dict | None = None, creating: bool = False) -> bool:
    """Whether one document's values fall inside the user's scope: the list predicate, asked of
    a single row. For the scoped tree itself, a new node must hang under a permitted node and a
    moved one may only move to one."""
    if is_unrestricted(ctx):
        return True
    if _ungranted_scopes(ctx, doctype):
        return False
    meta = ctx.meta(doctype)
    for allow, rules in _rules_by_allow(ctx, doctype).items():
        links = [f.fieldname for f in meta.link_fields
                 if f.options == allow and not f.ignore_user_permissions]
        if doctype == allow:
            checks = [] if creating else [values.get("name")]
            checks += [values.get(f) for f in links
                       if creating or (before is not None and values.get(f) != before.get(f))]
        else:
            checks = [values.get(f) for f in links]
        # names found in scope are remembered for the transaction (as links.readable does): an
        # import of 10,000 members under 200 branches asks 200 times, not 10,000; a savepoint
        # or transaction rolled back forgets them (Context.forget_reads)
        hits = ctx.scope_hits.setdefault((doctype, allow), set())
        names = None
        for value in checks:
            if value in (None, "") or value in hits:
                continue
            if names is None:  # built on the first value not already known, once per allow
                names = _allowed_names(ctx, allow, rules).subquery()
            found = ctx.conn.execute(sa.select(names.c.name).where(names.c.name == value).limit(1)).first()
            if found is None:
                return False
            hits.add(value)
    return True


def has_permission(ctx, doctype: str, ptype: str = "read", doc=None) -> bool:
    try:
        check(ctx, doctype, ptype, doc)
    except (PermissionError, DoesNotExistError):
        return False
    return True


def check(ctx, doctype: str, ptype: str = "read", doc=None) -> None:
    """Raise unless the user may `ptype` this DocType (and this document, when given). A document
    outside the user's scope is reported as not existing, so that its existence does not leak."""
    if ctx.ignore_permissions or ctx.user == ADMIN:
        return
    meta = ctx.meta(doctype)
    rights = rights_for(ctx, doctype)
    # "write" at any level lets a user save; the field check then limits what may change, so a
    # reviewer can fill the reviewer's score without being able to edit the branch's fields.
    granted = (rights.has(ptype) or (ptype == "read" and rights.has("select") and doc is None)
               or (ptype == "write" and rights.has_any_level("write")))
    if not granted:
        raise PermissionError(f"没有权限：{ctx.user} 不能{RIGHT_WORDS.get(ptype, ptype)}{meta.display_name}",
                              doctype=doctype, ptype=ptype)
    if doc is None:
        return
    values = doc if isinstance(doc, dict) else doc.as_dict(convert=False)
    if not in_scope(ctx, doctype, values):
        raise DoesNotExistError(f"{meta.display_name} “{values.get('name')}” 不存在", doctype=doctype, name=values.get("name"))
    if rights.owner_only(ptype) and values.get("owner") not in (None, ctx.user):
        raise PermissionError(f"没有权限：{ctx.user} 只能{RIGHT_WORDS.get(ptype, ptype)}自己创建的{meta.display_name}",
                              doctype=doctype, ptype=ptype)
    if not ownership.belongs(ctx, meta, values) or not ownership.reference_readable(ctx, meta, values):
        raise DoesNotExistError(f"{meta.display_name} “{values.get('name')}” 不存在", doctype=doctype, name=values.get("name"))


def check_tree_change(ctx, doctype: str, name: str | None, *, old_parent, new_parent, creating: bool) -> None:
    """A node placed or moved in a tree the user's scope is drawn on (tree.py calls this for every
    insert and move, whichever door or controller asked): the new parent must lie inside the
    scope, and a move also needs the old parent inside it and may never take away the node the
    scope hangs from (or any node above it). Only unrestricted roles place nodes at the top."""
    if ctx.ignore_permissions or is_unrestricted(ctx):
        return
    rules = _rules_by_allow(ctx, doctype).get(doctype) or []
    if not rules and not _ungranted_scopes(ctx, doctype):
        return  # the user's scope is not drawn on this tree
    meta = ctx.meta(doctype)
    names = _allowed_names(ctx, doctype, rules).subquery() if rules else None

    def inside(value) -> bool:
        if names is None or value in (None, ""):
            return False
        return ctx.conn.execute(sa.select(names.c.name).where(names.c.name == value).limit(1)).first() is not None

    if new_parent in (None, ""):
        raise PermissionError(f"没有权限：只有市级（不受范围限制的）角色可以把{meta.display_name}放在最顶层", doctype=doctype)
    if not inside(new_parent):
        raise PermissionError(f"没有权限：上级 “{new_parent}” 不在您的权限范围内", doctype=doctype, field=meta.nsm_parent_field)
    if creating:
        return
    if old_parent in (None, "") or not inside(old_parent):
        raise PermissionError(f"没有权限：不能移动您权限范围所在的{meta.display_name} “{name}”", doctype=doctype, name=name)
    table = ctx.table(doctype)
    node, anchor = table.alias("moved_node"), table.alias("scope_anchor")
    holds = ctx.conn.execute(sa.select(anchor.c.name).where(
        node.c.name == name, anchor.c.name.in_([r.for_value for r in rules]),
        node.c.lft <= anchor.c.lft, node.c.rgt >= anchor.c.rgt).limit(1)).first()
    if holds is not None:
        raise PermissionError(f"没有权限：“{name}” 是您权限范围所在的组织（或其上级），不能移动或脱离", doctype=doctype, name=name)


# --------------------------------------------------------------------------- guards
def read_guard(ctx, doc) -> None:
    """One document asked for by name: the rights, scope, owner and personal rules of `check`,
    and whatever other predicate a layer adds to lists (e.g. the review queue's), asked of this
    row; a child row only through its parent."""
    if ctx.ignore_permissions or doc.flags.__dict__.get("ignore_permissions"):
        return
    if doc.meta.istable:
        ownership.check_child_row(ctx, doc)
        return
    check(ctx, doc.doctype, "read", doc)
    if ctx.user == ADMIN or doc.meta.issingle or not doc.name:
        return
    table = ctx.table(doc.doctype)
    others = [c for guard in ctx.site.query_guards if guard is not query_conditions
              for c in guard(ctx, doc.doctype, table, "read")]
    if others and ctx.conn.execute(sa.select(table.c.name).where(table.c.name == doc.name, *others).limit(1)).first() is None:
        raise DoesNotExistError(f"{doc.meta.display_name} “{doc.name}” 不存在", doctype=doc.doctype, name=doc.name)


def write_guard(ctx, doc, action: str, before: dict | None) -> None:
    """Every write, from any door: the right for the action, scope before and after, and the
    field rules Frappe leaves to the browser (permlevel, read_only_depends_on, depends_on)."""
    if ctx.ignore_permissions or doc.flags.__dict__.get("ignore_permissions") or ctx.user == ADMIN:
        return
    meta = doc.meta
    right = ACTION_RIGHT.get(action, "write")
    if action == "create" and doc.get("amended_from"):
        right = "amend"
    if before is not None:
        check(ctx, doc.doctype, "read", before)  # out of scope: reported as not existing
        check(ctx, doc.doctype, right, before)
    elif action == "delete":
        check(ctx, doc.doctype, right, doc)  # the stored document: scope, if_owner, personal
    else:
        check(ctx, doc.doctype, right)
        if action == "create" and doc.docstatus == DocStatus.SUBMITTED:
            check(ctx, doc.doctype, "submit")  # insert-and-submit needs both rights
    if action in ("create", "update", "update_after_submit"):
        # every link written must name a record this user may read; then the fields fetched from
        # links (e.g. a record's org from its branch) count for the scope
        links.check(ctx, doc, before)
        fetch_linked_values(doc)
    if action in ("create", "update", "update_after_submit") and not in_scope(
            ctx, doc.doctype, doc.as_dict(convert=False), before=before, creating=action == "create"):
        raise PermissionError(f"没有权限：不能把{meta.display_name}放到您的权限范围之外的组织",
                              doctype=doc.doctype)
    if action in ("create", "update", "update_after_submit"):
        after = doc.as_dict(convert=False)
        after["owner"] = after.get("owner") or ctx.user  # a new document will be the writer's
        if not ownership.belongs(ctx, meta, after):
            raise PermissionError(f"没有权限：{meta.display_name}只能属于您自己", doctype=doc.doctype)
    if action in ("update", "create", "update_after_submit"):
        check_fields(ctx, doc, before, creating=action == "create")


def check_fields(ctx, doc, before: dict | None, *, creating: bool = False) -> None:
    rights = rights_for(ctx, doc.doctype)
    writable = rights.writable_levels(creating=creating)
    data = doc.as_dict(convert=False)
    old = before or {}
    for change in changes.walk(doc.meta, old, doc, ctx.meta):
        f = change.field
        if change.rows:
            if f.permlevel not in writable:
                raise PermissionError(f"没有权限修改{doc.meta.display_name}的子表 “{f.display_label}”", field=f.fieldname)
            continue
        if change.table is not None:
            if f.permlevel not in writable:
                raise PermissionError(f"没有权限修改{doc.meta.display_name}第 {change.row.get('idx')} 行的 “{f.display_label}”"
                                      f"（权限级别 {f.permlevel}）", field=f.fieldname)
            continue
        new_value, old_value = change.new, change.old
        label = f"{doc.meta.display_name} 的字段 “{f.display_label}”"
        if f.permlevel not in writable:
            raise PermissionError(f"没有权限修改{label}（权限级别 {f.permlevel}）", field=f.fieldname)
        where = (doc.doctype, doc.name)
        # a rule that fails on this document keeps the field read-only (recorded in the Error Log)
        if f.read_only_depends_on and admin_checks.rule(ctx, f.read_only_depends_on, old or data, default=True, reference=where,
                                                        item=f"{doc.meta.name} 字段 {f.fieldname} 的只读条件"):
            raise PermissionError(f"{label}当前为只读，不能修改", field=f.fieldname)
        if f.depends_on and new_value not in (None, "", 0) and not admin_checks.rule(
                ctx, f.depends_on, data, default=True, reference=where, item=f"{doc.meta.name} 字段 {f.fieldname} 的显示条件"):
            raise PermissionError(f"{label}在当前情况下不适用，不能填写", field=f.fieldname)
        if f.set_only_once and before is not None and old_value not in (None, ""):
            raise PermissionError(f"{label}只能设置一次", field=f.fieldname)


def install(site) -> None:
    """Attach the model to a site: every read, write and query passes through it."""
    site.read_guards.append(read_guard)
    site.write_guards.append(write_guard)
    site.query_guards.append(query_conditions)
