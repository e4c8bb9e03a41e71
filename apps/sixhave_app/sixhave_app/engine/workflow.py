"""Workflows as data (Frappe's Workflow shape, plus per-state field rights, required comments and
org-level scope rules): validation of definitions, the transitions open to a user, and applying
an action atomically. Edit rights per state are enforced where documents are saved."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from . import admin_checks, changes, expressions, fieldtypes, permissions, storage
from .docstatus import DocStatus
from .errors import (DoesNotExistError, MetaError, PermissionError, TimestampMismatchError, ValidationError)
from .users import ADMIN

WITHDRAW = "撤回"


@dataclass
class State:
    state: str
    doc_status: int = 0
    allow_edit: str | None = None
    editable_fields: dict = field(default_factory=dict)
    update_field: str | None = None
    update_value: str | None = None
    phase: str | None = None
    style: str | None = None  # the desk's badge colour (Frappe's Primary/Info/Success/Warning/Danger)
    message: str | None = None  # a Jinja template: the notification text when a document enters the state


@dataclass
class Transition:
    state: str
    action: str
    next_state: str
    allowed: str
    allow_self_approval: bool = True
    condition: str | None = None
    comment_required: bool = False
    scope_level: str | None = None
    deadline_days: int | None = None  # days to act once the document is in `state`

    def as_dict(self) -> dict:
        return {"state": self.state, "action": self.action, "next_state": self.next_state, "allowed": self.allowed,
                "allow_self_approval": int(self.allow_self_approval), "condition": self.condition,
                "comment_required": int(self.comment_required), "scope_level": self.scope_level,
                "deadline_days": self.deadline_days}


@dataclass
class Definition:
    name: str
    document_type: str
    state_field: str
    states: list[State]
    transitions: list[Transition]
    scope_field: str | None = None
    scope_level_field: str = "level"

    @property
    def initial(self) -> str:
        return self.states[0].state

    def state(self, name: str | None) -> State | None:
        return next((s for s in self.states if s.state == name), None)

    def outgoing(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if t.state == state]


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def definition_from(data: dict) -> Definition:
    states = [State(state=(s.get("state") or "").strip(), doc_status=_int(s.get("doc_status")),
                    allow_edit=s.get("allow_edit") or None, editable_fields=s.get("editable_fields") or {},
                    update_field=s.get("update_field") or None, update_value=s.get("update_value"),
                    phase=s.get("phase") or None, style=s.get("style") or None, message=s.get("message") or None)
              for s in data.get("states") or []]
    transitions = [Transition(state=(t.get("state") or "").strip(), action=(t.get("action") or "").strip(),
                              next_state=(t.get("next_state") or "").strip(), allowed=t.get("allowed") or "",
                              allow_self_approval=bool(_int(t.get("allow_self_approval", 1))),
                              condition=(t.get("condition") or "").strip() or None,
                              comment_required=bool(_int(t.get("comment_required"))),
                              scope_level=(t.get("scope_level") or "").strip() or None,
                              deadline_days=_int(t.get("deadline_days")) or None)
                   for t in data.get("transitions") or []]
    return Definition(name=data.get("workflow_name") or data.get("name") or "", document_type=data.get("document_type") or "",
                      state_field=data.get("workflow_state_field") or "workflow_state", states=states,
                      transitions=transitions, scope_field=data.get("scope_field") or None,
                      scope_level_field=data.get("scope_level_field") or "level")


# --------------------------------------------------------------------------- validation
def validate_definition(ctx, data: dict) -> Definition:
    """Refuse definitions with unreachable states, transitions into undefined states, docstatus
    going backwards, unknown roles or fields, or a bad condition — naming the problem."""
    wf = definition_from(data)
    where = f"流程 “{wf.name}”"
    if not wf.document_type or not ctx.site.metas.exists(wf.document_type):
        raise MetaError(f"{where}：单据类型 “{wf.document_type}” 不存在")
    meta = ctx.meta(wf.document_type)
    if not wf.states:
        raise MetaError(f"{where}：至少需要一个状态")
    names = [s.state for s in wf.states]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates or "" in names:
        raise MetaError(f"{where}：状态名称重复或为空：{'、'.join(sorted(duplicates)) or '（空）'}")
    by_name = {s.state: s for s in wf.states}
    for s in wf.states:
        if s.doc_status not in (0, 1, 2):
            raise MetaError(f"{where}：状态 “{s.state}” 的单据状态须为 0、1 或 2")
        if s.doc_status and not meta.is_submittable:
            raise MetaError(f"{where}：状态 “{s.state}” 要求提交，但 {meta.display_name} 不可提交")
        for role, fields in (s.editable_fields or {}).items():
            for fieldname in fields or []:
                _check_field(ctx, meta, fieldname, f"{where}：状态 “{s.state}” 中角色 “{role}” 可改的字段")
        if s.update_field and not meta.has_field(s.update_field):
            raise MetaError(f"{where}：状态 “{s.state}” 的 update_field “{s.update_field}” 不是 {meta.display_name} 的字段")
        if s.message:
            admin_checks.check_template(s.message, where=f"{where}：状态 “{s.state}” 的通知模板 (message)",
                                        sample=admin_checks.sample_document(ctx.site.metas, meta))
    roles = set(ctx.get_all("Role", pluck="name", ignore_permissions=True))
    for t in wf.transitions:
        label = f"{where}：动作 “{t.state} —{t.action}→ {t.next_state}”"
        if t.state not in by_name:
            raise MetaError(f"{label} 的当前状态 “{t.state}” 未定义")
        if t.next_state not in by_name:
            raise MetaError(f"{label} 进入未定义的状态 “{t.next_state}”")
        if not t.action:
            raise MetaError(f"{label} 缺少动作名称")
        if t.allowed not in roles:
            raise MetaError(f"{label} 的角色 “{t.allowed}” 不存在")
        old, new = by_name[t.state].doc_status, by_name[t.next_state].doc_status
        if new < old or old == 2 and new != 2:
            raise MetaError(f"{label} 使单据状态倒退（{old} → {new}），不允许")
        if t.condition:
            # parsed, its names checked and tried on a sample document: refused here, not at run time
            admin_checks.check_condition(ctx, meta, t.condition, where=f"{label} 的条件无效", helpers=condition_helpers(ctx))
        if t.deadline_days is not None and not 0 < t.deadline_days <= 366:
            raise MetaError(f"{label} 的办理时限须在 1–366 天之间")
        if t.scope_level and not wf.scope_field:
            raise MetaError(f"{label} 设了范围层级，但流程没有指定组织字段 (scope_field)")
    if wf.scope_field and meta.get_field(wf.scope_field) is None:
        raise MetaError(f"{where}：组织字段 “{wf.scope_field}” 不是 {meta.display_name} 的字段")
    reachable, frontier = {wf.initial}, [wf.initial]
    while frontier:
        current = frontier.pop()
        for t in wf.outgoing(current):
            if t.next_state not in reachable:
                reachable.add(t.next_state)
                frontier.append(t.next_state)
    unreachable = [n for n in names if n not in reachable]
    if unreachable:
        raise MetaError(f"{where}：以下状态从初始状态 “{wf.initial}” 无法到达：{'、'.join(unreachable)}")
    return wf


def _check_field(ctx, meta, fieldname: str, label: str) -> None:
    if "." in fieldname:
        table_field, child_field = fieldname.split(".", 1)
        tf = meta.get_field(table_field)
        if tf is None or not tf.is_table or (child_field != "*" and not ctx.meta(tf.options).has_field(child_field)):
            raise MetaError(f"{label} “{fieldname}” 不存在")
    elif not meta.has_field(fieldname):
        raise MetaError(f"{label} “{fieldname}” 不存在")


# --------------------------------------------------------------------------- lookup
def active_definition(ctx, doctype: str) -> Definition | None:
    key = ("workflow", doctype)
    cache = ctx.site.perm_cache
    if key not in cache:
        table = ctx.table("Workflow")
        name = ctx.conn.execute(sa.select(table.c.name).where(table.c.document_type == doctype, table.c.is_active == 1)).scalar()
        cache[key] = definition_from(storage.load(ctx, "Workflow", name)) if name else None
    return cache[key]


def current_state(wf: Definition, values: dict) -> str:
    return values.get(wf.state_field) or wf.initial


# --------------------------------------------------------------------------- who may do what
def _actor_roles(ctx) -> set[str]:
    return set(ctx.roles) | ({ADMIN} if ctx.user == ADMIN else set())


def scope_allows(ctx, wf: Definition, transition: Transition, values: dict, memo: dict | None = None) -> bool:
    """The actor's unit must be the document's unit at `scope_level`, or one above it."""
    if not transition.scope_level or permissions.is_unrestricted(ctx):
        return True
    org_value = values.get(wf.scope_field)
    if not org_value:
        return False
    if memo is not None:
        key = ("scope", org_value, transition.scope_level)
        if key not in memo:
            memo[key] = _scope_allows(ctx, wf, transition, org_value)
        return memo[key]
    return _scope_allows(ctx, wf, transition, org_value)


def _scope_allows(ctx, wf: Definition, transition: Transition, org_value: str) -> bool:
    return org_value in _scope_allowed_orgs(ctx, wf, transition.scope_level, [org_value])


def prefill_scope(ctx, wf: Definition, values_list: list[dict], memo: dict) -> None:
    """Answer the scope rule for a page of documents with one query per level, into `memo`."""
    if not wf.scope_field or permissions.is_unrestricted(ctx):
        return
    orgs = sorted({v.get(wf.scope_field) for v in values_list if v.get(wf.scope_field)})
    for level in sorted({t.scope_level for t in wf.transitions if t.scope_level}):
        allowed = _scope_allowed_orgs(ctx, wf, level, orgs)
        for org in orgs:
            memo[("scope", org, level)] = org in allowed


def _scope_allowed_orgs(ctx, wf: Definition, level: str, org_values: list[str]) -> set[str]:
    tree_doctype = ctx.meta(wf.document_type).get_field(wf.scope_field).options
    rules = [r for r in permissions.scope_rules(ctx) if r.allow == tree_doctype]
    if not rules:
        # a user without a unit is not limited to one, unless all their roles are scope-restricted
        return set() if permissions.is_strict(ctx) else set(org_values)
    tree = ctx.table(tree_doctype)
    key = ("workflow_scope", tree_doctype, wf.scope_level_field, level, tuple(r.for_value for r in rules))
    cached = ctx.site.perm_cache.get(key)
    if cached is None or cached[0] is not tree:  # built once per rules (kept until the perm/meta version moves)
        doc_node, anchor, held = tree.alias("doc_node"), tree.alias("anchor"), tree.alias("held")
        # one query: the document's ancestor-or-self at the named level, inside one of my units
        stmt = (sa.select(sa.distinct(doc_node.c.name))
                .select_from(doc_node.join(anchor, sa.and_(anchor.c.lft <= doc_node.c.lft, anchor.c.rgt >= doc_node.c.rgt,
                                                            anchor.c[wf.scope_level_field] == level))
                             .join(held, sa.and_(held.c.lft <= anchor.c.lft, held.c.rgt >= anchor.c.rgt)))
                .where(doc_node.c.name.in_(sa.bindparam("org_values", expanding=True)),
                       held.c.name.in_([r.for_value for r in rules])))
        cached = ctx.site.perm_cache[key] = (tree, stmt)
    return set(ctx.conn.execute(cached[1], {"org_values": list(org_values)}).scalars())


def condition_helpers(ctx) -> dict:
    """The names a transition's condition may use besides `doc`."""
    helpers = {"user": ctx.user, "roles": list(ctx.roles),
               "count": lambda doctype, filters=None: ctx.get_count(doctype, filters, ignore_permissions=True),
               "today": ctx.today, "now": dt.datetime.now}
    for name, fn in ctx.site.hooks.condition_helpers.items():
        helpers[name] = (lambda f: lambda *args: f(ctx, *args))(fn)
    return helpers


def condition_result(ctx, transition: Transition, values: dict, doctype: str | None = None) -> bool | None:
    """True or False, or None when the condition fails on this document: then only this
    transition is affected — it is not offered — and the failure goes to the Error Log; every
    other transition, queue and list answers as before."""
    if not transition.condition:
        return True
    try:
        return bool(expressions.evaluate(transition.condition, values, **condition_helpers(ctx)))
    except Exception as exc:  # noqa: BLE001 - an administrator's condition must not break anyone's page
        from . import error_log

        error_log.record(ctx, f"流程条件 {transition.state} —{transition.action}→ {transition.next_state}: {transition.condition}",
                         f"{type(exc).__name__}: {getattr(exc, 'message', exc)}",
                         reference_doctype=doctype or values.get("doctype") or None, reference_name=values.get("name"))
        return None


def condition_allows(ctx, transition: Transition, values: dict, doctype: str | None = None) -> bool:
    return bool(condition_result(ctx, transition, values, doctype))


def open_transitions(ctx, wf: Definition, values: dict, *, check_condition: bool = True,
                     memo: dict | None = None) -> list[Transition]:
    """The transitions this user may take now: role, self-approval, scope and condition."""
    roles = _actor_roles(ctx)
    state = current_state(wf, values)
    out = []
    for t in wf.outgoing(state):
        if t.allowed not in roles and ctx.user != ADMIN:
            continue
        if not t.allow_self_approval and values.get("owner") == ctx.user and ctx.user != ADMIN:
            continue
        if not scope_allows(ctx, wf, t, values, memo):
            continue
        if check_condition and not condition_allows(ctx, t, values, wf.document_type):
            continue
        out.append(t)
    return out


def last_history(ctx, doctype: str, name: str) -> dict | None:
    rows = ctx.get_list("Workflow History", filters={"reference_doctype": doctype, "reference_name": name},
                        fields=["name", "from_state", "action", "to_state", "user", "creation"],
                        order_by="creation desc", limit_page_length=1, ignore_permissions=True)
    return rows[0] if rows else None


def can_withdraw(ctx, wf: Definition, values: dict) -> dict | None:
    """The submitter may take back their own last action while nobody has acted since."""
    last = last_history(ctx, wf.document_type, values["name"])
    if not last or last["user"] != ctx.user or last["action"] == WITHDRAW:
        return None
    if last["to_state"] != current_state(wf, values):
        return None
    back = wf.state(last["from_state"])
    now = wf.state(last["to_state"])
    if back is None or now is None or back.doc_status != now.doc_status:
        return None  # a submit cannot be taken back: docstatus never goes backwards
    return last


def get_transitions(ctx, doc) -> list[dict]:
    wf = active_definition(ctx, doc.doctype)
    if wf is None:
        return []
    values = doc.as_dict(convert=False)
    permissions.check(ctx, doc.doctype, "read", values)
    out = [t.as_dict() for t in open_transitions(ctx, wf, values)]
    if can_withdraw(ctx, wf, values):
        out.append({"state": current_state(wf, values), "action": WITHDRAW, "next_state": None, "allowed": None})
    return out


# --------------------------------------------------------------------------- applying
def apply_action(ctx, doctype: str, name: str, action: str, *, comment: str | None = None,
                 next_state: str | None = None, expected_modified=None, idempotency_key: str | None = None):
    """Apply one workflow action, in one savepoint: checks, state, docstatus, update_field,
    history, and the state announced to the site's listeners (the review queue). Returns the
    saved document."""
    if idempotency_key:
        done = ctx.get_value("Workflow History", {"idempotency_key": idempotency_key},
                             ["reference_doctype", "reference_name"], as_dict=True, ignore_permissions=True)
        if done:
            return ctx.get_doc(done["reference_doctype"], done["reference_name"])
    wf = active_definition(ctx, doctype)
    if wf is None:
        raise ValidationError(f"{ctx.meta(doctype).display_name} 没有启用的审批流程")
    with ctx.atomic():
        doc = ctx.get_doc(doctype, name, for_update=True)  # 404 when out of scope
        values = doc.as_dict(convert=False)
        if expected_modified not in (None, ""):
            if not isinstance(expected_modified, dt.datetime):
                expected_modified = fieldtypes._datetime(expected_modified, None)
            if expected_modified != values.get("modified"):
                raise TimestampMismatchError(f"{doc.meta.display_name} “{name}” 已被他人处理，请刷新后再操作",
                                             doctype=doctype, name=name)
        state = current_state(wf, values)
        if action == WITHDRAW:
            last = can_withdraw(ctx, wf, values)
            if not last:
                raise PermissionError("只能撤回自己刚做的、别人尚未处理的动作")
            target, role, transition = last["from_state"], None, None
        else:
            candidates = [t for t in wf.outgoing(state) if t.action == action]
            if not candidates:
                choices = "、".join(sorted({t.action for t in wf.outgoing(state)})) or "无"
                raise ValidationError(f"状态 “{state}” 下没有动作 “{action}”（可用：{choices}）")
            allowed = open_transitions(ctx, wf, values, check_condition=False)
            allowed = [t for t in allowed if t.action == action]
            if not allowed:
                raise PermissionError(_refusal(ctx, wf, candidates, values))
            if next_state:
                allowed = [t for t in allowed if t.next_state == next_state]
                if not allowed:
                    raise ValidationError(f"动作 “{action}” 不能进入状态 “{next_state}”")
            targets = sorted({t.next_state for t in allowed})
            if len(targets) > 1:
                raise ValidationError(f"动作 “{action}” 可以退回到：{'、'.join(targets)}，请选择 next_state")
            transition = allowed[0]
            outcome = condition_result(ctx, transition, values, doctype)
            if outcome is None:
                raise ValidationError(f"动作 “{action}” 的条件执行出错（已记入错误日志），请联系管理员")
            if not outcome:
                raise PermissionError(f"不满足动作 “{action}” 的条件：{transition.condition}")
            if transition.comment_required and not (comment or "").strip():
                raise ValidationError(f"动作 “{action}” 须填写意见（理由）")
            target, role = transition.next_state, transition.allowed
        target_state = wf.state(target)
        doc.set(wf.state_field, target)
        if target_state.update_field:
            doc.set(target_state.update_field, target_state.update_value)
        doc.flags.ignore_permissions = True  # the transition right replaces the write right here
        doc.flags.workflow_transition = True
        doc.flags.workflow_action, doc.flags.workflow_comment = action, comment
        if target_state.doc_status != doc.docstatus:
            doc.docstatus = target_state.doc_status
        doc.save()
        history = ctx.new_doc("Workflow History", reference_doctype=doctype, reference_name=name, from_state=state,
                              action=action, to_state=target, user=ctx.user, role=role, comment=comment,
                              idempotency_key=idempotency_key or None)
        if wf.scope_field and ctx.meta("Workflow History").has_field(wf.scope_field):
            history.set(wf.scope_field, doc.get(wf.scope_field))
        history.flags.ignore_permissions = True
        history.insert()
        announce_state(ctx, wf, doc, completed_role=role, from_state=state, action=action, comment=comment)
    return doc


def _refusal(ctx, wf: Definition, candidates: list[Transition], values: dict) -> str:
    roles = _actor_roles(ctx)
    if not any(t.allowed in roles for t in candidates):
        need = "、".join(sorted({t.allowed for t in candidates}))
        return f"没有权限：动作 “{candidates[0].action}” 需要角色 {need}"
    if any(not t.allow_self_approval and values.get("owner") == ctx.user for t in candidates):
        return f"不能审批自己提交的单据（动作 “{candidates[0].action}”）"
    return f"没有权限：此单据不在您负责的范围内（动作 “{candidates[0].action}” 须由所属{candidates[0].scope_level or ''}或上级办理）"


# --------------------------------------------------------------------------- save-time guards
def on_insert(doc, method=None) -> None:
    wf = active_definition(doc.ctx, doc.doctype)
    if wf is not None and not doc.get(wf.state_field):
        doc.set(wf.state_field, wf.initial)
        state = wf.state(wf.initial)
        if state and state.update_field:
            doc.set(state.update_field, state.update_value)


def after_insert(doc, method=None) -> None:
    wf = active_definition(doc.ctx, doc.doctype)
    if wf is not None:
        announce_state(doc.ctx, wf, doc, completed_role=None)


def announce_state(ctx, wf: Definition, doc, *, completed_role: str | None, from_state: str | None = None,
                   action: str | None = None, comment: str | None = None) -> None:
    """A document entered a state (made, or moved by an action): every listener the site's layers
    registered (`site.state_listeners`; the review queue's `on_state_entered`) hears of it, in
    the same transaction."""
    for listener in ctx.site.state_listeners:
        listener(ctx, wf, doc, completed_role=completed_role, from_state=from_state, action=action, comment=comment)


def write_guard(ctx, doc, action: str, before: dict | None) -> None:
    """In each state only the fields granted to the actor's roles may change — on every save,
    from every door. The state itself moves only through workflow actions."""
    if ctx.ignore_permissions or doc.flags.__dict__.get("ignore_permissions") or doc.meta.istable:
        return
    wf = active_definition(ctx, doc.doctype)
    if wf is None:
        return
    if not doc.flags.__dict__.get("workflow_transition") and (
            action in ("submit", "cancel") or (action == "create" and doc.docstatus != 0)):
        raise PermissionError(f"{doc.meta.display_name} 由审批流程 “{wf.name}” 管理：提交和取消须通过审批动作")
    if action == "create":
        if doc.get(wf.state_field) not in (None, "", wf.initial):
            raise PermissionError(f"新单据只能从 “{wf.initial}” 开始，状态须通过审批动作改变")
        return
    if before is None or action == "delete":
        return
    state = current_state(wf, before)
    if doc.get(wf.state_field) not in (None, "") and doc.get(wf.state_field) != state:
        raise PermissionError(f"状态不能直接修改，请使用审批动作（当前 “{state}”）")
    spec = wf.state(state)
    changed = _changed_fields(ctx, doc, before, wf.state_field)
    if not changed or ctx.user == ADMIN:
        return
    roles = _actor_roles(ctx)
    allowed: set[str] | None = set()
    if spec is not None and spec.editable_fields:
        for role in roles:
            allowed |= set(spec.editable_fields.get(role) or [])
    elif spec is not None and spec.allow_edit:
        allowed = None if spec.allow_edit in roles else set()
    else:
        allowed = None
    if allowed is None:
        return
    refused = [f for f in changed if f not in allowed and f.split(".")[0] + ".*" not in allowed]
    if refused:
        labels = "、".join(_label(ctx, doc.meta, f) for f in refused)
        raise PermissionError(f"在 “{state}” 状态下，您不能修改：{labels}")


def _changed_fields(ctx, doc, before: dict, state_field: str) -> list[str]:
    skip = {"modified", "modified_by", "creation", "owner", "idx", "docstatus", state_field}
    return list(dict.fromkeys(c.key for c in changes.walk(doc.meta, before, doc, ctx.meta, skip=skip)))


def _label(ctx, meta, key: str) -> str:
    if "." in key:
        table_field, child = key.split(".", 1)
        tf = meta.get_field(table_field)
        child_label = "行" if child == "*" else ctx.meta(tf.options).label_of(child)
        return f"{tf.display_label}·{child_label}"
    return meta.label_of(key)


def on_trash(doc, method=None) -> None:
    """A deleted document leaves nobody's queue."""
    if active_definition(doc.ctx, doc.doctype) is None:
        return
    table = doc.ctx.table("Workflow Action")
    doc.ctx.conn.execute(table.delete().where(table.c.reference_doctype == doc.doctype, table.c.reference_name == doc.name,
                                              table.c.status == "Open"))


def install(site) -> None:
    site.write_guards.append(write_guard)
    site.doc_events.setdefault(("*", "on_trash"), []).append(on_trash)
    site.doc_events.setdefault(("*", "before_insert"), []).append(on_insert)
    site.doc_events.setdefault(("*", "after_insert"), []).append(after_insert)


