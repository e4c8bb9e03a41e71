"""/api/method/sixhave.jobs.*: a user's background jobs — their progress and result files. A user
sees only their own jobs (System Manager all: the Background Job DocType's `if_owner`); a result
file is served to the job's owner alone."""
from __future__ import annotations

import mimetypes

from starlette.responses import FileResponse

from .. import files, jobs
from ..errors import DoesNotExistError, PermissionError, ValidationError
from .responses import Reply
from .whitelist import whitelist


def _name(name) -> str:
    if not name or not isinstance(name, str):
        raise ValidationError("请指定后台任务（name）", field="name")
    return name


@whitelist(methods=("GET", "POST"))
def status(ctx, name=None, job_id=None, **kwargs) -> dict:
    """One job: status (queued, started, finished, failed), done/total, percent, result and error."""
    return jobs.status(ctx, _name(name or job_id))


@whitelist(methods=("GET",))
def list_jobs(ctx, status=None, limit=20, **kwargs) -> list:
    """The user's own jobs, newest first (System Managers: their own too; every job is in the list
    view of Background Job)."""
    filters = {"owner": ctx.user}
    if status:
        filters["status"] = status
    names = ctx.get_list(jobs.DOCTYPE, filters=filters, pluck="name", order_by="creation desc",
                         limit_page_length=min(int(limit or 20), 200))
    return [jobs.status(ctx, n) for n in names]


@whitelist(methods=("GET",))
def download(ctx, name=None, **kwargs) -> Reply:
    """The job's result file, to the job's owner only."""
    doc = ctx.get_doc(jobs.DOCTYPE, _name(name))
    if doc.owner != ctx.user:
        raise PermissionError("只有任务的发起人可以下载其结果文件")
    if doc.status != "finished" or not doc.result_name:
        raise DoesNotExistError("任务尚未完成或没有结果文件" if doc.status != "failed" else f"任务失败：{doc.error or ''}")
    path = jobs.result_folder(ctx.site, doc.name) / doc.result_name
    if not path.is_file():
        raise DoesNotExistError("结果文件已被清理，请重新运行任务")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = files.download_headers(path.name)
    return Reply(response=FileResponse(path, media_type=media, headers=headers))
