"""Data Import, in Frappe's shape and under Frappe's method names
(`frappe.core.doctype.data_import.data_import.*`): download a template, attach a workbook to a Data
Import, preview every problem, then import as a background job. The work is engine/data_import.py."""
from __future__ import annotations

import os
import tempfile


from sixhave_app.engine import data_import as importer
from sixhave_app.engine import files, import_template, jobs, limits, permissions
from sixhave_app.engine.api.export import XLSX, file_reply
from sixhave_app.engine.api.request import parse_json_arg, truthy
from sixhave_app.engine.api.whitelist import whitelist
from sixhave_app.engine.document import Document
from sixhave_app.engine.errors import DoesNotExistError, PermissionError, ValidationError

DOCTYPE = "Data Import"


class DataImport(Document):
    def validate(self):
        doctype = self.reference_doctype
        if not doctype or not self.ctx.site.metas.exists(doctype):
            raise ValidationError(f"DocType “{doctype}” 不存在", field="reference_doctype")
        meta = self.ctx.meta(doctype)
        if meta.istable or meta.issingle:
            raise ValidationError(f"{meta.display_name} 不能单独导入（子表随上级记录导入）", field="reference_doctype")
        importer.check_allowed(self.ctx, doctype, self.import_type or importer.INSERT)


def _doctype(ctx, doctype) -> str:
    if not doctype or not isinstance(doctype, str) or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    return doctype


def _own(ctx, name) -> Document:
    """A Data Import its owner (or a System Manager) may act on; others get 404/403 as for any document."""
    if not name or not isinstance(name, str):
        raise ValidationError("请指定数据导入记录", field="data_import")
    return ctx.get_doc(DOCTYPE, name)


def file_bytes(ctx, url: str, data_import: str | None = None) -> bytes:
    """The uploaded workbook, for a user who may read it (engine/files.py: the File's own rule —
    attached to this Data Import, or the user's own upload), within the upload size limit."""
    if not url or not isinstance(url, str):
        raise ValidationError("请先上传要导入的 Excel 文件", field="import_file")
    return files.read_bytes(ctx, url, max_bytes=limits.setting(ctx.site, "max_file_size"),
                            missing="导入文件不存在或不是您可以读取的文件", field="import_file")


@whitelist(methods=("GET", "POST"))
def download_template(ctx, doctype=None, export_fields=None, export_records="blank_template", export_filters=None,
                      file_type="Excel", **kwargs):
    """The import template: `export_records` = blank_template (default), all, or 5_records."""
    doctype = _doctype(ctx, doctype)
    if str(file_type or "Excel").lower() not in ("excel", "xlsx"):
        raise ValidationError("模板只提供 Excel 格式（file_type=Excel）", field="file_type")
    meta = ctx.meta(doctype)
    handle, path = tempfile.mkstemp(prefix="sixhave-template-", suffix=".xlsx")
    os.close(handle)
    try:
        import_template.build(ctx, doctype, path, export_fields=parse_json_arg(export_fields, "export_fields"),
                              export_records=export_records or "blank_template",
                              export_filters=parse_json_arg(export_filters, "export_filters"))
    except BaseException:
        os.unlink(path)
        raise
    return file_reply(path, f"{files.safe_filename(meta.display_name)}导入模板.xlsx", XLSX)


@whitelist(methods=("GET", "POST"))
def get_preview_from_template(ctx, data_import=None, import_file=None, google_sheets_url=None, **kwargs) -> dict:
    """Check the file without writing anything: every problem by sheet, row, column and reason."""
    doc = _own(ctx, data_import)
    permissions.check(ctx, DOCTYPE, "write", doc)
    url = import_file or doc.import_file
    data = file_bytes(ctx, url, doc.name)
    outcome = importer.run(ctx, doc.reference_doctype, data, doc.import_type or importer.INSERT, commit=False)
    summary = outcome.summary()
    summary.pop("names", None)
    doc = ctx.get_doc(DOCTYPE, doc.name)
    doc.db_set("payload_count", summary["total"], update_modified=False)
    doc.db_set("preview", summary, update_modified=False)
    if import_file and import_file != doc.import_file:
        doc.db_set("import_file", import_file, update_modified=False)
    summary["columns"] = {sheet: [str(h or "") for h in headers] for sheet, headers in outcome.sheets.items()}
    return summary


@whitelist(methods=("POST",))
def form_start_import(ctx, data_import=None, **kwargs) -> dict:
    """Start the import as a background job; poll get_import_status or sixhave.jobs.status."""
    doc = _own(ctx, data_import)
    permissions.check(ctx, DOCTYPE, "write", doc)
    file_bytes(ctx, doc.import_file, doc.name)  # fail now for a missing file, not in the job
    importer.check_allowed(ctx, doc.reference_doctype, doc.import_type or importer.INSERT)
    meta = ctx.meta(doc.reference_doctype)
    job = jobs.enqueue(ctx, "sixhave_app.core.doctype.data_import.data_import.import_job", queue="long",
                       job_title=f"导入{meta.display_name}", reference=(DOCTYPE, doc.name), retries=0,
                       data_import=doc.name)
    doc.db_set("job", job)
    doc.db_set("status", "Pending")
    return {"job": job, "data_import": doc.name, "status_url": f"/api/method/sixhave.jobs.status?name={job}"}


def import_job(ctx, job, data_import: str) -> dict:
    doc = ctx.get_doc(DOCTYPE, data_import)
    data = file_bytes(ctx, doc.import_file, doc.name)
    outcome = importer.run(ctx, doc.reference_doctype, data, doc.import_type or importer.INSERT, commit=True,
                           only_valid=bool(doc.only_valid_rows), submit=bool(doc.submit_after_import),
                           progress=lambda done, total: job.progress(done, total, note=f"已处理 {done} 条"))
    summary = outcome.summary()
    written = summary["inserted"] + summary["updated"] + summary["unchanged"] if outcome.committed else 0
    failed = summary["failed"] or bool(outcome.header_problems)
    status = "Success" if not failed else ("Partial Success" if written else "Error")
    error_file = None
    if failed:
        importer.failed_rows_workbook(outcome, job.result_path(f"{ctx.meta(doc.reference_doctype).display_name}_问题行.xlsx"))
        error_file = f"/api/method/frappe.core.doctype.data_import.data_import.download_errored_template?data_import_name={doc.name}"
    doc = ctx.get_doc(DOCTYPE, data_import)  # the import may have rolled back: read again
    for key, value in (("status", status), ("payload_count", summary["total"]), ("success_count", written),
                       ("failed_count", summary["failed"]), ("import_log", summary), ("error_file", error_file)):
        doc.db_set(key, value, update_modified=False)
    summary["status"] = status
    return summary


@whitelist(methods=("GET", "POST"))
def get_import_status(ctx, data_import_name=None, data_import=None, **kwargs) -> dict:
    doc = _own(ctx, data_import_name or data_import)
    out = {"status": doc.status, "total_records": doc.payload_count or 0, "success": doc.success_count or 0,
           "failed": doc.failed_count or 0, "error_file": doc.error_file, "job": doc.job}
    if doc.job:
        try:
            out["job_status"] = jobs.status(ctx, doc.job)
        except (DoesNotExistError, PermissionError):
            out["job_status"] = None
    return out


@whitelist(methods=("GET", "POST"))
def get_import_logs(ctx, data_import=None, **kwargs) -> dict:
    doc = _own(ctx, data_import)
    return doc.import_log or doc.preview or {}


@whitelist(methods=("GET",))
def download_errored_template(ctx, data_import_name=None, data_import=None, **kwargs):
    """The rows that failed, with their reasons, to fix and upload again (to the importer only)."""
    from sixhave_app.engine.api import jobs as jobs_api

    doc = _own(ctx, data_import_name or data_import)
    if not doc.job or not doc.error_file:
        raise DoesNotExistError("这次导入没有问题行")
    return jobs_api.download(ctx, name=doc.job)


@whitelist(methods=("POST",))
def import_file(ctx, doctype=None, import_type=None, only_valid_rows=0, submit_after_import=0, __files=None,
                **kwargs) -> dict:
    """One step for scripts and the desk: upload a workbook (multipart `file`), make the Data
    Import and return its preview. Start it with form_start_import."""
    from sixhave_app.engine.api.files import upload_file

    doctype = _doctype(ctx, doctype)
    doc = ctx.new_doc(DOCTYPE, reference_doctype=doctype, import_type=import_type or importer.INSERT,
                      only_valid_rows=1 if truthy(only_valid_rows) else 0,
                      submit_after_import=1 if truthy(submit_after_import) else 0).insert()
    uploaded = upload_file(ctx, doctype=DOCTYPE, docname=doc.name, fieldname="import_file", is_private=1,
                           __files=__files)
    preview = get_preview_from_template(ctx, data_import=doc.name, import_file=uploaded["file_url"])
    preview["data_import"] = doc.name
    return preview
