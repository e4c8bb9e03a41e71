"""Review queues: Workflow Action documents opened and closed as documents move, the 待办 / 已办
views, delegation (转办), batch actions, deadlines and the notifications of a new state."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from . import jobs, permissions, query, storage, workflow
from .errors import DoesNotExistError, PermissionError, SixhaveError, ValidationError
from .users import ADMIN


def on_state_entered(ctx, wf, doc, *, completed_role: str | None, from_state: str | None = None,
                     action: str | None = None, comment: str | None = None) -> None:
    """Close the document's open queue items and open one for its new state (if anyone can act).
    A return (to an earlier state) tells the document's maker too, with the reviewer's reason."""
    table = ctx.table("Workflow Action")
    now = ctx.now()
    ctx.conn.execute(table.update().where(table.c.reference_doctype == doc.doctype, table.c.reference_name == doc.name,
                                          table.c.status == "Open")
                     .values(status="Completed", completed_by=ctx.user, completed_by_role=completed_role,
                             completed_on=now, modified=now, modified_by=ctx.user))
    state = doc.get(wf.state_field) or wf.initial
    roles = sorted({t.allowed for t in wf.outgoing(state)})
    if from_state and is_return(wf, from_state, state):
        jobs.enqueue(ctx, "sixhave_app.engine.notifications.notify_return", doctype=doc.doctype, name=doc.name,
                     from_state=from_state, state=state, action=action, comment=comment, roles=roles, actor=ctx.user)
        roles_notified = True
    else:
        roles_notified = False
    if not roles:
        return
    item = ctx.new_doc("Workflow Action", reference_doctype=doc.doctype, reference_name=doc.name, workflow_state=state,
                       status="Open", permitted_roles=[{"role": r} for r in roles],
                       due_date=deadline_for(ctx, wf, doc, state))
    if wf.scope_field and ctx.meta("Workflow Action").has_field(wf.scope_field):
        item.set(wf.scope_field, doc.get(wf.scope_field))
    item.flags.ignore_permissions = True
    item.insert()
    if not roles_notified:
        jobs.enqueue(ctx, "sixhave_app.engine.notifications.notify_state", doctype=doc.doctype, name=doc.name,
                     state=state, roles=roles, actor=ctx.user)


def is_return(wf, from_state: str, to_state: str) -> bool:
    """A move back to a state listed earlier in the definition (退回), docstatus unchanged."""
    names = [s.state for s in wf.states]
    if from_state not in names or to_state not in names:
        return False
    before, after = wf.state(from_state), wf.state(to_state)
    return names.index(to_state) < names.index(from_state) and before.doc_status == after.doc_status


def deadline_for(ctx, wf, doc, state: str) -> dt.date | None:
    """The earlier of the state's phase deadline (the apps' hooks) and the shortest time limit
    (deadline_days) of the transitions out of the state, counted from today."""
    spec = wf.state(state)
    found = []
    days = [t.deadline_days for t in wf.outgoing(state) if t.deadline_days]
    if days:
        found.append(ctx.today() + dt.timedelta(days=min(days)))
    if spec is not None and spec.phase:
        for hook in ctx.site.hooks.workflow_deadline:
            value = hook(ctx, doc, spec.phase)
            if value:
                found.append(value)
                break
    return min(found) if found else None


# --------------------------------------------------------------------------- 待办 / 已办
def _role_table(ctx):
    return ctx.table("Workflow Action Permitted Role")


def actionable_states(ctx) -> dict[str, list[str]]:
    """DocType → the states in which one of my roles has a transition (from the active workflows).
    Filtering the queue by these first lets an index do the work before any role check."""
    key = ("actionable", frozenset(ctx.roles))
    cached = ctx.site.perm_cache.get(key)
    if cached is None:
        table = ctx.table("Workflow")
        names = ctx.conn.execute(sa.select(table.c.name).where(table.c.is_active == 1)).scalars().all()
        roles = set(ctx.roles)
        cached = {}
        for name in names:
            wf = workflow.definition_from(storage.load(ctx, "Workflow", name))
            states = sorted({t.state for t in wf.transitions if t.allowed in roles})
            if states:
                cached[wf.document_type] = states
        ctx.site.perm_cache[key] = cached
    return cached


def todo_conditions(ctx, table) -> list:
    """Open items one of my roles may act on, not delegated to someone else, or delegated to me
    (the org scope is added by the caller: `todo` serves it as branches, `delegate` checks one item)."""
    if ctx.user == ADMIN:
        return [table.c.status == "Open"]
    pairs = [(doctype, state) for doctype, names in actionable_states(ctx).items() for state in names]
    if not pairs:
        return [sa.false()]
    # My roles are turned into the (DocType, state) pairs where the active workflows give them an
    # action, so the queue's indexes — (status, org, reference_doctype, workflow_state) for a
    # scoped reviewer, (status, reference_doctype, workflow_state) for an unrestricted one — find
    # my items with no per-row role lookup. An item delegated to me is in such a state too
    # (delegation goes only to holders of a permitted role); one delegated to someone else is theirs alone.
    wanted = sa.or_(*[sa.and_(table.c.reference_doctype == doctype, table.c.workflow_state == state)
                      for doctype, state in pairs])
    return [table.c.status == "Open", wanted, sa.or_(table.c.user.is_(None), table.c.user == ctx.user)]


def todo(ctx, *, doctype: str | None = None, state: str | None = None, overdue: bool | None = None,
         filters=None, start: int = 0, page_length: int = 20, check_conditions: bool = True) -> dict:
    """The documents I can act on now: counts per DocType and state, and one page of items."""
    table = ctx.table("Workflow Action")
    today = ctx.today()
    params = {"today": today}
    # The two statements are kept with the permission caches (query.cached_select): the date and
    # the page are parameters, the scope a range join on the org tree; a warm queue builds nothing.
    key = query._plan_key(ctx, "Workflow Action", ctx.ignore_permissions, "todo", [doctype, state, overdue, filters])
    counts_stmt, stmt = query.cached_select(ctx, key, lambda: _todo_statements(ctx, table, doctype, state,
                                                                                overdue, filters))
    counts = [{"reference_doctype": r[0], "workflow_state": r[1], "count": int(r[2]), "overdue": int(r[3] or 0)}
              for r in ctx.conn.execute(counts_stmt, params)]
    total = sum(c["count"] for c in counts)
    items = []
    cursor = int(start or 0)
    page_length = max(1, min(int(page_length or 20), 500))
    while len(items) < page_length:
        rows = [dict(r) for r in ctx.conn.execute(stmt, {**params, "start": cursor, "length": page_length}).mappings()]
        if not rows:
            break
        cursor += len(rows)
        actions = _actions_for(ctx, workflow, rows) if check_conditions else {}
        for item in rows:
            item["overdue"] = bool(item["due_date"] and item["due_date"] < today)
            if check_conditions:
                item["actions"] = actions.get((item["reference_doctype"], item["reference_name"]), [])
                if not item["actions"]:
                    total -= 1
                    continue
            items.append(item)
            if len(items) >= page_length:
                break
    return {"total": total, "counts": counts, "items": items}


def _todo_statements(ctx, table, doctype, state, overdue, filters):
    """The queue's counts and page statements; the date and the page are parameters. A scoped
    reviewer's items are the UNION ALL of the scope's alternatives (permissions.scope_alternatives:
    inside the permitted part of the org tree, and naming no unit), so each branch is a semi-join
    driven from the tree's lft range into the queue's (status, org, …) index on both databases."""
    base = todo_conditions(ctx, table)
    if doctype:
        base.append(table.c.reference_doctype == doctype)
    if state:
        base.append(table.c.workflow_state == state)
    today = sa.bindparam("today", type_=table.c.due_date.type)
    if overdue is True:
        base.append(table.c.due_date < today)
    if filters:
        base += query.Builder(ctx, "Workflow Action", guard=not ctx.ignore_permissions).where(filters, None)
    cols = [table.c.name, table.c.reference_doctype, table.c.reference_name, table.c.workflow_state, table.c.due_date,
            table.c.creation, table.c.user]
    # the site's own columns on the queue (e.g. the org copied from the document), for filters and display
    cols += [table.c[f.fieldname] for f in ctx.meta("Workflow Action").data_fields
             if f.is_custom_field and f.kind.summary]
    alternatives = permissions.scope_alternatives(ctx, "Workflow Action", table)  # None: unrestricted (Administrator too)
    if alternatives is None or len(alternatives) == 1:
        source, where = table, [*base, *(alternatives[0] if alternatives else [])]
    else:
        source, where = sa.union_all(*[sa.select(*cols).where(*base, *alt) for alt in alternatives]).subquery("queue"), []
    q = source.c
    overdue_col = sa.func.sum(sa.case((q.due_date < today, 1), else_=0))
    counts = (sa.select(q.reference_doctype, q.workflow_state, sa.func.count(), overdue_col).where(*where)
              .group_by(q.reference_doctype, q.workflow_state).order_by(q.reference_doctype, q.workflow_state))
    page = (sa.select(*[q[c.key] for c in cols]).where(*where).order_by(q.due_date.is_(None), q.due_date, q.creation.desc())
            .offset(sa.bindparam("start", type_=sa.Integer)).limit(sa.bindparam("length", type_=sa.Integer)))
    return counts, page


def _actions_for(ctx, workflow, rows: list[dict]) -> dict[tuple[str, str], list[str]]:
    """Actions open to me on a page of queue items: the documents' rows loaded in one query per
    DocType (permission-filtered), conditions and scope rules evaluated on them."""
    out: dict[tuple[str, str], list[str]] = {}
    by_doctype: dict[str, list[str]] = {}
    for row in rows:
        by_doctype.setdefault(row["reference_doctype"], []).append(row["reference_name"])
    memo: dict = {}
    for doctype, names in by_doctype.items():
        wf = workflow.active_definition(ctx, doctype)
        if wf is None:
            continue
        try:
            readable = ctx.get_list(doctype, fields=["name"], filters=[["name", "in", names]], limit_page_length=0, pluck="name")
        except PermissionError:
            continue
        # whole rows (conditions may read fields the actor cannot see), of the documents the actor may read
        documents = ctx.get_list(doctype, fields=["*"], filters=[["name", "in", readable]], limit_page_length=0,
                                 ignore_permissions=True) if readable else []
        workflow.prefill_scope(ctx, wf, documents, memo)
        for values in documents:
            transitions = workflow.open_transitions(ctx, wf, values, memo=memo)
            out[(doctype, values["name"])] = sorted({t.action for t in transitions})
    return out


def done(ctx, *, doctype: str | None = None, start: int = 0, page_length: int = 20) -> dict:
    filters = {"user": ctx.user}
    if doctype:
        filters["reference_doctype"] = doctype
    rows = ctx.get_list("Workflow History", filters=filters, ignore_permissions=True,
                        fields=["name", "reference_doctype", "reference_name", "from_state", "action", "to_state",
                                "comment", "creation"], order_by="creation desc",
                        limit_start=start, limit_page_length=page_length)
    total = ctx.get_count("Workflow History", filters, ignore_permissions=True)
    return {"total": total, "items": rows}


# --------------------------------------------------------------------------- 转办
def delegate(ctx, item_name: str, to_user: str, comment: str | None = None) -> dict:
    """Hand one of my queue items to another user holding a permitted role and the same scope."""
    item = ctx.get_doc("Workflow Action", item_name)
    if item.status != "Open":
        raise ValidationError("该待办已处理，不能转办")
    table = ctx.table("Workflow Action")
    if not ctx.conn.execute(sa.select(table.c.name).where(table.c.name == item_name, *todo_conditions(ctx, table))).first():
        raise PermissionError("只能转办自己的待办")
    if not ctx.exists("User", to_user):
        raise DoesNotExistError(f"用户 “{to_user}” 不存在")
    permitted = {r.role for r in item.permitted_roles}
    with ctx.as_user(to_user) as other:  # the same transaction: one view of the data
        if not permitted & set(other.roles):
            raise ValidationError(f"{to_user} 没有处理此事项的角色（需要：{'、'.join(sorted(permitted))}）")
        scope = lambda c: {(r.allow, r.for_value, r.hide_descendants) for r in permissions.scope_rules(c)}  # noqa: E731
        if scope(other) != scope(ctx) and not permissions.is_unrestricted(other):
            raise ValidationError(f"{to_user} 与您的负责范围不同，不能转办")
    item.user = to_user
    item.delegated_by = ctx.user
    item.flags.ignore_permissions = True
    item.save()
    history = ctx.new_doc("Workflow History", reference_doctype=item.reference_doctype, reference_name=item.reference_name,
                          from_state=item.workflow_state, action="转办", to_state=item.workflow_state, user=ctx.user,
                          comment=comment or f"转办给 {to_user}")
    history.flags.ignore_permissions = True
    history.insert()
    jobs.enqueue(ctx, "sixhave_app.engine.notifications.notify_users", users=[to_user], doctype=item.reference_doctype,
                 name=item.reference_name, subject=f"{ctx.user} 转办给您：{item.reference_doctype} {item.reference_name}（{item.workflow_state}）")
    return item.as_dict()


# --------------------------------------------------------------------------- batch
def batch_apply(ctx, doctype: str, names: list[str], action: str, *, comment: str | None = None,
                next_state: str | None = None) -> list[dict]:
    """One action on many documents; each succeeds whole or fails whole, with its reason."""
    results = []
    for name in names:
        try:
            doc = workflow.apply_action(ctx, doctype, name, action, comment=comment, next_state=next_state)
            results.append({"name": name, "ok": True, "state": doc.get(workflow.active_definition(ctx, doctype).state_field)})
        except SixhaveError as exc:
            results.append({"name": name, "ok": False, "exc_type": exc.exc_type, "message": exc.message})
    return results


def query_conditions(ctx, doctype: str, table, ptype: str) -> list:
    """Lists of Workflow Action show one's own queue (Notification Log is a personal DocType:
    ownership.py keeps it to its user)."""
    if ctx.ignore_permissions or ctx.user == ADMIN or "System Manager" in ctx.roles:
        return []
    if doctype == "Workflow Action":
        roles = _role_table(ctx)
        mine = sa.exists(sa.select(roles.c.name).where(roles.c.parent == table.c.name, roles.c.parenttype == "Workflow Action",
                                                       roles.c.role.in_(list(ctx.roles))))
        return [sa.or_(table.c.user == ctx.user, table.c.completed_by == ctx.user, sa.and_(table.c.user.is_(None), mine))]
    return []


def install(site) -> None:
    site.query_guards.append(query_conditions)
    site.state_listeners.append(on_state_entered)
