"""Workflow methods: Frappe's apply_workflow / get_transitions, and the review queues."""
from __future__ import annotations

from .. import workflow, workflow_queue
from ..errors import ValidationError
from . import resource
from .request import parse_json_arg, truthy
from .whitelist import whitelist


def _doc_ref(doc) -> tuple[str, str, dict]:
    data = parse_json_arg(doc, "doc")
    if not isinstance(data, dict) or not isinstance(data.get("doctype"), str) or not data.get("doctype") \
            or not isinstance(data.get("name"), (str, int)) or data.get("name") in ("", True, False):
        raise ValidationError("参数 doc 应为含 doctype 和 name（文本）的单据（JSON）", field="doc")
    return data["doctype"], data["name"], data


def _idempotency_key(ctx, given):
    caller = ctx.flags.get("caller")
    header = caller.request.headers.get("idempotency-key") if caller else None
    return given or header or None


@whitelist(methods=("POST",))
def apply_workflow(ctx, doc=None, action=None, comment=None, next_state=None, idempotency_key=None, **kwargs) -> dict:
    doctype, name, data = _doc_ref(doc)
    if not action:
        raise ValidationError("请指定动作 (action)")
    saved = workflow.apply_action(ctx, doctype, name, action, comment=comment, next_state=next_state,
                                  expected_modified=data.get("modified"),
                                  idempotency_key=_idempotency_key(ctx, idempotency_key))
    return resource.doc_json(ctx, saved)


@whitelist(methods=("GET", "POST"))
def get_transitions(ctx, doc=None, **kwargs) -> list:
    doctype, name, _ = _doc_ref(doc)
    return workflow.get_transitions(ctx, ctx.get_doc(doctype, name))


@whitelist(methods=("POST",))
def bulk_workflow_approval(ctx, docnames=None, doctype=None, action=None, comment=None, next_state=None, **kwargs) -> list:
    names = parse_json_arg(docnames, "docnames")
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    if not doctype or not action or not names:
        raise ValidationError("请指定 doctype、action 和单据列表 docnames")
    if not isinstance(names, list) or not all(isinstance(n, (str, int)) and not isinstance(n, bool) for n in names):
        raise ValidationError("参数 docnames 应为单据名称（文本）的列表", field="docnames")
    return workflow_queue.batch_apply(ctx, doctype, list(names), action, comment=comment, next_state=next_state)


@whitelist(methods=("GET", "POST"))
def todo(ctx, doctype=None, state=None, overdue=None, filters=None, start=0, page_length=20, **kwargs) -> dict:
    return workflow_queue.todo(ctx, doctype=doctype or None, state=state or None,
                               overdue=truthy(overdue) if overdue not in (None, "") else None,
                               filters=parse_json_arg(filters, "filters"), start=int(start or 0),
                               page_length=int(page_length or 20))


@whitelist(methods=("GET", "POST"))
def done(ctx, doctype=None, start=0, page_length=20, **kwargs) -> dict:
    return workflow_queue.done(ctx, doctype=doctype or None, start=int(start or 0), page_length=int(page_length or 20))


@whitelist(methods=("POST",))
def delegate(ctx, workflow_action=None, to_user=None, comment=None, **kwargs) -> dict:
    if not workflow_action or not to_user:
        raise ValidationError("请指定待办 (workflow_action) 和接收人 (to_user)")
    return workflow_queue.delegate(ctx, workflow_action, to_user, comment)


@whitelist(methods=("GET", "POST"))
def history(ctx, doctype=None, name=None, **kwargs) -> list:
    ctx.get_doc(doctype, name)  # read right and scope
    return ctx.get_list("Workflow History", filters={"reference_doctype": doctype, "reference_name": name},
                        fields=["from_state", "action", "to_state", "user", "role", "comment", "creation"],
                        order_by="creation asc", limit_page_length=0, ignore_permissions=True)
