"""Notifications: an in-app Notification Log for each user who can act on a document's new
state, and an e-mail when the site has SMTP settings. Runs as a background job."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa

from . import permissions

log = logging.getLogger("sixhave.notifications")


def users_with_roles(ctx, roles: list[str]) -> list[str]:
    users, has_role = ctx.table("User"), ctx.table("Has Role")
    stmt = (sa.select(sa.distinct(users.c.name)).join(has_role, sa.and_(has_role.c.parent == users.c.name,
                                                                          has_role.c.parenttype == "User"))
            .where(has_role.c.role.in_(roles), users.c.enabled == 1))
    return sorted(ctx.conn.execute(stmt).scalars())


def can_see(ctx, user: str, doctype: str, values: dict) -> bool:
    with ctx.as_user(user) as other:
        return permissions.has_permission(other, doctype, "read", values)


def notify_state(ctx, doctype: str, name: str, state: str, roles: list[str], actor: str) -> list[str]:
    """Tell everyone who can act on `doctype name` in `state` (the actor excepted)."""
    if not ctx.exists(doctype, name):
        return []
    values = ctx.get_value(doctype, name, ["*"], as_dict=True, ignore_permissions=True) or {}
    values["name"] = name
    recipients = [u for u in users_with_roles(ctx, roles) if u != actor and can_see(ctx, u, doctype, values)]
    title = ctx.meta(doctype).display_name
    subject = f"{title} {name} 待您处理（{state}）"
    return notify_users(ctx, recipients, doctype, name, subject, from_user=actor, content=state_message(ctx, doctype, state, values))


def notify_return(ctx, doctype: str, name: str, from_state: str, state: str, action: str | None,
                  comment: str | None, roles: list[str], actor: str) -> list[str]:
    """退回: tell the document's maker and whoever can act on it now that it came back — by whom,
    to which step, and the reviewer's reason, all in the notice itself."""
    if not ctx.exists(doctype, name):
        return []
    values = ctx.get_value(doctype, name, ["*"], as_dict=True, ignore_permissions=True) or {}
    values["name"] = name
    who = ctx.get_value("User", actor, "full_name", ignore_permissions=True) or actor
    title = ctx.meta(doctype).display_name
    reason = (comment or "").strip() or "（未填写）"
    subject = (f"退回：{title} {name} 已被 {who} 从“{from_state}”退回至“{state}”" +
               (f"（动作“{action}”）" if action and action != "退回" else "") + f"。退回理由：{reason}")
    makers = [values.get("owner")] if values.get("owner") else []
    others = [u for u in users_with_roles(ctx, roles) if can_see(ctx, u, doctype, values)] if roles else []
    recipients = [u for u in dict.fromkeys([*makers, *others]) if u and u != actor and ctx.exists("User", u)]
    return notify_users(ctx, recipients, doctype, name, subject, from_user=actor)


def state_message(ctx, doctype: str, state: str, values: dict) -> str | None:
    """The workflow state's message, an administrator's Jinja template rendered in the sandbox
    with the document; a template that fails leaves the plain subject (and an Error Log entry)."""
    from . import admin_checks, workflow

    wf = workflow.active_definition(ctx, doctype)
    spec = wf.state(state) if wf else None
    if spec is None or not spec.message:
        return None
    return admin_checks.render(ctx, spec.message, values, item=f"流程 {wf.name} 状态 {state} 的通知模板",
                               reference=(doctype, values.get("name"))) or None


def notify_users(ctx, users: list[str], doctype: str, name: str, subject: str, from_user: str | None = None,
                 content: str | None = None) -> list[str]:
    sent = []
    for user in users:
        log_doc = ctx.new_doc("Notification Log", subject=subject, for_user=user, from_user=from_user or ctx.user,
                              type="Alert", document_type=doctype, document_name=name, email_content=content)
        log_doc.flags.ignore_permissions = True
        log_doc.insert()
        if mail_configured(ctx.site) and send_mail(ctx, user, subject, f"{subject}\n\n{content or '请登录系统处理。'}"):
            log_doc.db_set("email_sent", 1, update_modified=False)
        sent.append(user)
    return sent


def mail_configured(site) -> bool:
    return bool(site.config.get("mail_server"))


def send_mail(ctx, user: str, subject: str, body: str) -> bool:
    config = ctx.site.config
    address = ctx.get_value("User", user, "email", ignore_permissions=True)
    if not address:
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config.get("auto_email_id") or "noreply@sixhave.local"
    message["To"] = address
    message.set_content(body)
    try:
        with smtplib.SMTP(config["mail_server"], int(config.get("mail_port") or 25), timeout=10) as smtp:
            if config.get("use_tls"):
                smtp.starttls()
            if config.get("mail_login"):
                smtp.login(config["mail_login"], config.get("mail_password") or "")
            smtp.send_message(message)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail to %s failed: %s", address, exc)
        return False
