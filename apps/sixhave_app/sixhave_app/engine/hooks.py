"""What the engine itself declares, read by engine/site.py's load_hooks before any app's `hooks.py`,
the same way: an app declares its own in its hooks and may override a name here."""

# /api/method names → the whitelisted function each calls: Frappe's names, served by our own
# functions, and the engine's own `sixhave.*` names. The one table /api/method and OpenAPI read
# (merged with the apps' as `site.hooks.method_aliases`).
method_aliases = {
    # sign-in and session (Frappe's names kept for its clients)
    "login": "sixhave_app.engine.api.session.login",
    "logout": "sixhave_app.engine.api.session.logout",
    "frappe.auth.get_logged_user": "sixhave_app.engine.api.session.get_logged_user",
    "frappe.ping": "sixhave_app.engine.api.session.ping",
    "ping": "sixhave_app.engine.api.session.ping",
    "frappe.core.doctype.user.user.generate_keys": "sixhave_app.engine.api.session.generate_keys",
    # link search
    "frappe.desk.search.search_link": "sixhave_app.engine.api.search.search_link",
    "frappe.desk.search.search_widget": "sixhave_app.engine.api.search.search_link",
    # uploads
    "upload_file": "sixhave_app.engine.api.files.upload_file",
    "frappe.handler.upload_file": "sixhave_app.engine.api.files.upload_file",
    # exports and PDF batches
    "frappe.desk.reportview.export_query": "sixhave_app.engine.api.export.export_query",
    "sixhave.export.start": "sixhave_app.engine.api.export.start_export",
    "sixhave.print.batch": "sixhave_app.engine.api.export.start_pdf_batch",
    # frappe.client and the report view
    "frappe.desk.reportview.get": "sixhave_app.engine.api.client.reportview_get",
    "frappe.client.get_list": "sixhave_app.engine.api.client.get_list",
    "frappe.client.get_count": "sixhave_app.engine.api.client.get_count",
    "frappe.client.get_value": "sixhave_app.engine.api.client.get_value",
    "frappe.client.set_value": "sixhave_app.engine.api.client.set_value",
    "frappe.client.get": "sixhave_app.engine.api.client.get",
    "frappe.client.insert": "sixhave_app.engine.api.client.insert",
    "frappe.client.insert_many": "sixhave_app.engine.api.client.insert_many",
    "frappe.client.save": "sixhave_app.engine.api.client.save",
    "frappe.client.submit": "sixhave_app.engine.api.client.submit",
    "frappe.client.cancel": "sixhave_app.engine.api.client.cancel",
    "frappe.client.delete": "sixhave_app.engine.api.client.delete",
    "frappe.client.rename_doc": "sixhave_app.engine.api.client.rename_doc",
    "frappe.client.get_single_value": "sixhave_app.engine.api.client.get_single_value",
    "frappe.client.bulk_update": "sixhave_app.engine.api.client.bulk_update",
    "frappe.client.get_doc": "sixhave_app.engine.api.client.get_doc",
    # printing
    "frappe.utils.print_format.download_pdf": "sixhave_app.engine.api.printview.download_pdf",
    "frappe.utils.print_format.download_multi_pdf": "sixhave_app.engine.api.printview.download_multi_pdf",
    "frappe.www.printview.get_html_and_style": "sixhave_app.engine.api.printview.get_html_and_style",
    "frappe.printing.doctype.print_format.print_format.make_default": "sixhave_app.engine.api.printview.make_default",
    "sixhave.print.formats": "sixhave_app.engine.api.printview.formats",
    "sixhave.print.make_default": "sixhave_app.engine.api.printview.make_default",
    # query reports
    "sixhave.report.download_pdf": "sixhave_app.engine.api.query_report.download_pdf",
    "sixhave.report.get_html": "sixhave_app.engine.api.query_report.get_html",
    "frappe.desk.query_report.run": "sixhave_app.engine.api.query_report.run",
    "frappe.desk.query_report.get_script": "sixhave_app.engine.api.query_report.get_script",
    "frappe.desk.query_report.export_query": "sixhave_app.engine.api.query_report.export_query",
    # background jobs
    "sixhave.jobs.status": "sixhave_app.engine.api.jobs.status",
    "sixhave.jobs.download": "sixhave_app.engine.api.jobs.download",
    "sixhave.jobs.list": "sixhave_app.engine.api.jobs.list_jobs",
    # data import
    "frappe.core.doctype.data_import.data_import.download_template":
        "sixhave_app.core.doctype.data_import.data_import.download_template",
    "sixhave.data_import.download_template": "sixhave_app.core.doctype.data_import.data_import.download_template",
    "frappe.core.doctype.data_import.data_import.get_preview_from_template":
        "sixhave_app.core.doctype.data_import.data_import.get_preview_from_template",
    "sixhave.data_import.get_preview_from_template":
        "sixhave_app.core.doctype.data_import.data_import.get_preview_from_template",
    "frappe.core.doctype.data_import.data_import.form_start_import":
        "sixhave_app.core.doctype.data_import.data_import.form_start_import",
    "sixhave.data_import.form_start_import": "sixhave_app.core.doctype.data_import.data_import.form_start_import",
    "frappe.core.doctype.data_import.data_import.get_import_status":
        "sixhave_app.core.doctype.data_import.data_import.get_import_status",
    "sixhave.data_import.get_import_status": "sixhave_app.core.doctype.data_import.data_import.get_import_status",
    "frappe.core.doctype.data_import.data_import.get_import_logs":
        "sixhave_app.core.doctype.data_import.data_import.get_import_logs",
    "sixhave.data_import.get_import_logs": "sixhave_app.core.doctype.data_import.data_import.get_import_logs",
    "frappe.core.doctype.data_import.data_import.download_errored_template":
        "sixhave_app.core.doctype.data_import.data_import.download_errored_template",
    "sixhave.data_import.download_errored_template":
        "sixhave_app.core.doctype.data_import.data_import.download_errored_template",
    "frappe.core.doctype.data_import.data_import.import_file":
        "sixhave_app.core.doctype.data_import.data_import.import_file",
    "sixhave.data_import.import_file": "sixhave_app.core.doctype.data_import.data_import.import_file",
    # the desk
    "frappe.desk.form.load.getdoctype": "sixhave_app.engine.api.desk.getdoctype",
    "frappe.desk.form.load.getdoc": "sixhave_app.engine.api.desk.getdoc",
    "frappe.desk.form.utils.add_comment": "sixhave_app.engine.api.desk.add_comment",
    "frappe.core.doctype.user.user.update_password": "sixhave_app.engine.api.desk.update_password",
    "sixhave.desk.boot": "sixhave_app.engine.api.desk.boot",
    "sixhave.desk.save_preferences": "sixhave_app.engine.api.desk.save_preferences",
    "sixhave.desk.search": "sixhave_app.engine.api.desk.search",
    # the administrator's studio: forms, DocTypes, fixtures, permissions
    "sixhave.customize.access": "sixhave_app.engine.api.customize.access",
    "sixhave.customize.doctypes": "sixhave_app.engine.api.customize.doctypes",
    "sixhave.customize.load": "sixhave_app.engine.api.customize.load",
    "sixhave.customize.add_field": "sixhave_app.engine.api.customize.add_field",
    "sixhave.customize.update_field": "sixhave_app.engine.api.customize.update_field",
    "sixhave.customize.remove_field": "sixhave_app.engine.api.customize.remove_field",
    "sixhave.customize.reorder": "sixhave_app.engine.api.customize.reorder",
    "sixhave.customize.set_list_view": "sixhave_app.engine.api.customize.set_list_view",
    "sixhave.customize.history": "sixhave_app.engine.api.customize.history",
    "sixhave.customize.revert": "sixhave_app.engine.api.customize.revert",
    "sixhave.customize.custom_doctypes": "sixhave_app.engine.api.customize.custom_doctypes",
    "sixhave.customize.load_doctype": "sixhave_app.engine.api.customize.load_doctype",
    "sixhave.customize.save_doctype": "sixhave_app.engine.api.customize.save_doctype",
    "sixhave.customize.export_fixtures": "sixhave_app.engine.api.customize.export_fixtures",
    "sixhave.customize.import_fixtures": "sixhave_app.engine.api.customize.import_fixtures",
    "sixhave.permissions.roles": "sixhave_app.engine.api.customize.perm_roles",
    "sixhave.permissions.matrix": "sixhave_app.engine.api.customize.perm_matrix",
    "sixhave.permissions.save": "sixhave_app.engine.api.customize.perm_save",
    "sixhave.permissions.users": "sixhave_app.engine.api.customize.perm_users",
    "sixhave.permissions.set_roles": "sixhave_app.engine.api.customize.perm_set_roles",
    "sixhave.permissions.add_scope": "sixhave_app.engine.api.customize.perm_add_scope",
    "sixhave.permissions.remove_scope": "sixhave_app.engine.api.customize.perm_remove_scope",
    "sixhave.permissions.preview": "sixhave_app.engine.api.customize.perm_preview",
    # workflow actions and the review queue
    "frappe.model.workflow.apply_workflow": "sixhave_app.engine.api.workflow.apply_workflow",
    "frappe.model.workflow.get_transitions": "sixhave_app.engine.api.workflow.get_transitions",
    "frappe.model.workflow.bulk_workflow_approval": "sixhave_app.engine.api.workflow.bulk_workflow_approval",
    "sixhave.workflow.todo": "sixhave_app.engine.api.workflow.todo",
    "sixhave.workflow.done": "sixhave_app.engine.api.workflow.done",
    "sixhave.workflow.delegate": "sixhave_app.engine.api.workflow.delegate",
    "sixhave.workflow.history": "sixhave_app.engine.api.workflow.history",
    "sixhave.workflow.apply_workflow": "sixhave_app.engine.api.workflow.apply_workflow",
    "sixhave.workflow.get_transitions": "sixhave_app.engine.api.workflow.get_transitions",
    "sixhave.workflow.bulk_workflow_approval": "sixhave_app.engine.api.workflow.bulk_workflow_approval",
    # the studio's own history (engine/studio.py)
    "sixhave.studio.access": "sixhave_app.engine.studio.access",
    "sixhave.studio.history": "sixhave_app.engine.studio.history",
    "sixhave.studio.revert": "sixhave_app.engine.studio.revert",
    # the workflow designer
    "sixhave.studio.workflow.preview": "sixhave_app.engine.workflow_studio.preview",
    "sixhave.studio.workflow.save": "sixhave_app.engine.workflow_studio.save",
    # the print format designer
    "sixhave.studio.print_format.copy": "sixhave_app.engine.print_studio.copy",
    "sixhave.studio.print_format.preview": "sixhave_app.engine.print_studio.preview",
    "sixhave.studio.print_format.preview_page": "sixhave_app.engine.print_studio.preview_page",
    "sixhave.studio.print_format.preview_pdf": "sixhave_app.engine.print_studio.preview_pdf",
    "sixhave.studio.print_format.validate": "sixhave_app.engine.print_studio.validate",
    "sixhave.studio.print_format.builder": "sixhave_app.engine.print_studio.builder",
    "sixhave.studio.print_format.fields": "sixhave_app.engine.print_studio.fields",
}
