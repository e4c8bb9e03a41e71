"""`@whitelist`: a function that may be called through /api/method. The mark lives on the function
itself; there is no registry to fill at import time."""
from __future__ import annotations

import inspect
from typing import Callable

from .. import dotted
from ..errors import DoesNotExistError, PermissionError

ALL_VERBS = ("GET", "POST", "PUT", "DELETE")
MARK = "__sixhave_whitelist__"

# Frappe's method names, served by our own functions.
BUILTIN_ALIASES = {
    "login": "sixhave_app.engine.api.session.login",
    "logout": "sixhave_app.engine.api.session.logout",
    "frappe.auth.get_logged_user": "sixhave_app.engine.api.session.get_logged_user",
    "frappe.ping": "sixhave_app.engine.api.session.ping",
    "ping": "sixhave_app.engine.api.session.ping",
    "frappe.core.doctype.user.user.generate_keys": "sixhave_app.engine.api.session.generate_keys",
    "frappe.desk.search.search_link": "sixhave_app.engine.api.search.search_link",
    "frappe.desk.search.search_widget": "sixhave_app.engine.api.search.search_link",
    "upload_file": "sixhave_app.engine.api.files.upload_file",
    "frappe.handler.upload_file": "sixhave_app.engine.api.files.upload_file",
    "frappe.desk.reportview.export_query": "sixhave_app.engine.api.export.export_query",
    "frappe.desk.reportview.get": "sixhave_app.engine.api.client.reportview_get",
    "frappe.utils.print_format.download_pdf": "sixhave_app.engine.api.printview.download_pdf",
    "frappe.utils.print_format.download_multi_pdf": "sixhave_app.engine.api.printview.download_multi_pdf",
    "frappe.www.printview.get_html_and_style": "sixhave_app.engine.api.printview.get_html_and_style",
    "frappe.printing.doctype.print_format.print_format.make_default": "sixhave_app.engine.api.printview.make_default",
    "sixhave.print.formats": "sixhave_app.engine.api.printview.formats",
    "sixhave.print.make_default": "sixhave_app.engine.api.printview.make_default",
    "sixhave.report.download_pdf": "sixhave_app.engine.api.query_report.download_pdf",
    "sixhave.report.get_html": "sixhave_app.engine.api.query_report.get_html",
}
for _name in ("run", "get_script", "export_query"):
    BUILTIN_ALIASES[f"frappe.desk.query_report.{_name}"] = f"sixhave_app.engine.api.query_report.{_name}"
for _name in ("status", "download"):
    BUILTIN_ALIASES[f"sixhave.jobs.{_name}"] = f"sixhave_app.engine.api.jobs.{_name}"
BUILTIN_ALIASES["sixhave.jobs.list"] = "sixhave_app.engine.api.jobs.list_jobs"
BUILTIN_ALIASES["sixhave.export.start"] = "sixhave_app.engine.api.export.start_export"
BUILTIN_ALIASES["sixhave.print.batch"] = "sixhave_app.engine.api.export.start_pdf_batch"
for _name in ("download_template", "get_preview_from_template", "form_start_import", "get_import_status",
              "get_import_logs", "download_errored_template", "import_file"):
    BUILTIN_ALIASES[f"frappe.core.doctype.data_import.data_import.{_name}"] = \
        f"sixhave_app.core.doctype.data_import.data_import.{_name}"
    BUILTIN_ALIASES[f"sixhave.data_import.{_name}"] = f"sixhave_app.core.doctype.data_import.data_import.{_name}"
BUILTIN_ALIASES.update({
    "frappe.desk.form.load.getdoctype": "sixhave_app.engine.api.desk.getdoctype",
    "frappe.desk.form.load.getdoc": "sixhave_app.engine.api.desk.getdoc",
    "frappe.desk.form.utils.add_comment": "sixhave_app.engine.api.desk.add_comment",
    "frappe.core.doctype.user.user.update_password": "sixhave_app.engine.api.desk.update_password",
    "sixhave.desk.boot": "sixhave_app.engine.api.desk.boot",
    "sixhave.desk.save_preferences": "sixhave_app.engine.api.desk.save_preferences",
    "sixhave.desk.search": "sixhave_app.engine.api.desk.search",
})
# the administrator's studio: forms, DocTypes, fixtures, permissions (engine/api/customize.py)
for _name in ("access", "doctypes", "load", "add_field", "update_field", "remove_field", "reorder", "set_list_view",
              "history", "revert", "custom_doctypes", "load_doctype", "save_doctype", "export_fixtures",
              "import_fixtures"):
    BUILTIN_ALIASES[f"sixhave.customize.{_name}"] = f"sixhave_app.engine.api.customize.{_name}"
for _name in ("roles", "matrix", "save", "users", "set_roles", "add_scope", "remove_scope", "preview"):
    BUILTIN_ALIASES[f"sixhave.permissions.{_name}"] = f"sixhave_app.engine.api.customize.perm_{_name}"
for _name in ("apply_workflow", "get_transitions", "bulk_workflow_approval"):
    BUILTIN_ALIASES[f"frappe.model.workflow.{_name}"] = f"sixhave_app.engine.api.workflow.{_name}"
for _name in ("todo", "done", "delegate", "history", "apply_workflow", "get_transitions", "bulk_workflow_approval"):
    BUILTIN_ALIASES[f"sixhave.workflow.{_name}"] = f"sixhave_app.engine.api.workflow.{_name}"
# The administrator's studio (the desk's design tools): engine/studio.py, workflow_studio.py, print_studio.py.
for _name in ("access", "history", "revert"):
    BUILTIN_ALIASES[f"sixhave.studio.{_name}"] = f"sixhave_app.engine.studio.{_name}"
for _name in ("preview", "save"):
    BUILTIN_ALIASES[f"sixhave.studio.workflow.{_name}"] = f"sixhave_app.engine.workflow_studio.{_name}"
for _name in ("copy", "preview", "preview_page", "preview_pdf", "validate", "builder", "fields"):
    BUILTIN_ALIASES[f"sixhave.studio.print_format.{_name}"] = f"sixhave_app.engine.print_studio.{_name}"
for _name in ("get_list", "get_count", "get_value", "set_value", "get", "insert", "insert_many", "save",
              "submit", "cancel", "delete", "rename_doc", "get_single_value", "get_list", "bulk_update",
              "get_doc"):
    BUILTIN_ALIASES[f"frappe.client.{_name}"] = f"sixhave_app.engine.api.client.{_name}"


def whitelist(methods: tuple[str, ...] = ALL_VERBS, allow_guest: bool = False):
    def mark(fn: Callable) -> Callable:
        setattr(fn, MARK, {"methods": tuple(m.upper() for m in methods), "allow_guest": allow_guest})
        return fn

    return mark


def resolve(site, name: str) -> Callable:
    """A whitelisted function for a method name, or an error that says why there is none."""
    target = site.hooks.method_aliases.get(name) or BUILTIN_ALIASES.get(name) or name
    if not dotted.is_dotted(target):
        raise DoesNotExistError(f"方法 “{name}” 不存在")
    if target.split(".")[0] not in set(site.metas.app_packages):
        raise PermissionError(f"方法 “{name}” 未开放（not whitelisted）")
    try:
        fn = dotted.resolve(target)
    except dotted.NotFound:
        raise DoesNotExistError(f"方法 “{name}” 不存在") from None
    if not hasattr(fn, MARK):
        raise PermissionError(f"方法 “{name}” 未开放（not whitelisted）")
    return fn


def call(fn: Callable, ctx, args: dict):
    """Call with the arguments the function accepts (all of them if it takes **kwargs), each
    checked against its declared type first (`arguments.bind`): a missing required argument or a
    value of the wrong shape is a 417 naming the argument, never a TypeError inside."""
    from . import arguments

    return fn(ctx, **arguments.bind(fn, args))
