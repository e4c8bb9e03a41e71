"""Background jobs: a `Background Job` record per job (who, what, progress done/total, result file,
error), run by RQ on the site's Redis when it has one, otherwise in-process right after the commit,
through the same `perform`. A job runs as the user who started it, so the same permission model
applies; it is a dotted path to `fn(ctx, **kwargs)` (or `fn(ctx, job, **kwargs)` to report progress
and write a result file).

Result files are written under a temporary name and renamed when the job succeeds, so a worker
killed mid-job leaves nothing half-written; the record then says `failed` (or `queued` again when
RQ retries it), with the error.
"""
from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import logging
import os
import time
import traceback
from pathlib import Path

import sqlalchemy as sa

from . import files
from .errors import SixhaveError

log = logging.getLogger("sixhave.jobs")

DOCTYPE = "Background Job"
# Named queues and their default time limits (seconds), as Frappe names them.
QUEUES = {"short": 300, "default": 900, "long": 3600}
STATUSES = ("queued", "started", "finished", "failed")
PROGRESS_EVERY = 0.5  # seconds between progress writes to the database


def queue_name(site, queue: str = "default") -> str:
    return f"{site.redis_prefix}{queue}"


def uses_rq(site) -> bool:
    return site.redis is not None and not site.config.get("jobs_in_process")


def result_folder(site, job_name: str) -> Path:
    """Where a job's result files live: outside public/ and private/files/, served only to the owner."""
    return site.path / "private" / "jobs" / job_name


def reads_only(fn):
    """Marks a job that only reads: it runs outside a write transaction, so that on SQLite it
    never holds the database's one write lock while it works."""
    fn.job_writes = False
    return fn


# --------------------------------------------------------------------------- enqueue
def record(ctx, method: str, *, queue: str = "default", job_title: str | None = None, job_timeout: int | None = None,
           retries: int = 1, reference: tuple[str, str] | None = None, total: int = 0, **kwargs):
    """The job's record, in the caller's transaction (not yet queued: see `dispatch_later`)."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r} (short, default, long)")
    _resolve(method)  # fail now, in the caller, for a method that does not exist
    doc = ctx.new_doc(DOCTYPE, title=job_title or method.rsplit(".", 1)[-1], method=method, queue=queue,
                      status="queued", user=ctx.user, kwargs=_jsonable(kwargs), done=0, total=int(total or 0),
                      attempts=0, max_retries=max(0, int(retries)), timeout=int(job_timeout or QUEUES[queue]),
                      reference_doctype=reference[0] if reference else None,
                      reference_name=reference[1] if reference else None)
    doc.flags.ignore_permissions = True  # bookkeeping: every user may start the jobs their methods allow
    return doc.insert()


def dispatch_later(ctx, doc, *, depends_on: list[str] | None = None) -> str:
    """Queue a recorded job once the caller's transaction commits (never if it rolls back)."""
    site, name, queue, timeout, retries = ctx.site, doc.name, doc.queue, doc.timeout, doc.max_retries
    ctx.after_commit(lambda: dispatch(site, name, queue=queue, timeout=timeout, retries=retries, depends_on=depends_on))
    return name


def enqueue(ctx, method: str, *, queue: str = "default", job_title: str | None = None,
            job_timeout: int | None = None, retries: int = 1, reference: tuple[str, str] | None = None,
            depends_on: list[str] | None = None, **kwargs) -> str:
    """Record a job and run `method` after this transaction commits (never if it rolls back).
    Returns the Background Job's name (also the RQ job id)."""
    doc = record(ctx, method, queue=queue, job_title=job_title, job_timeout=job_timeout, retries=retries,
                 reference=reference, **kwargs)
    return dispatch_later(ctx, doc, depends_on=depends_on)


def advance(site, name: str, step: int = 1) -> None:
    """Add to a job's progress from another job (the chunks of a batch), atomically."""
    with site.context(ignore_permissions=True) as ctx:
        table = ctx.table(DOCTYPE)
        ctx.conn.execute(table.update().where(table.c.name == name).values(
            done=sa.func.coalesce(table.c.done, 0) + step, modified=dt.datetime.now(),
            status=sa.case((table.c.status == "queued", "started"), else_=table.c.status)))


def dispatch(site, name: str, *, queue: str = "default", timeout: int | None = None, retries: int = 0,
             depends_on: list[str] | None = None) -> None:
    if uses_rq(site):
        from rq import Callback, Queue, Retry

        Queue(queue_name(site, queue), connection=site.redis).enqueue(
            "sixhave_app.engine.jobs.execute", args=(site.name, str(site.path.parent), name),
            job_id=name, job_timeout=timeout or QUEUES[queue], result_ttl=3600, failure_ttl=7 * 24 * 3600,
            retry=Retry(max=retries) if retries else None, depends_on=depends_on or None,
            on_failure=Callback("sixhave_app.engine.jobs.on_rq_failure"), description=f"{site.name}:{name}")
        return
    for attempt in range(retries + 1):
        try:
            perform(site, name, final=attempt == retries)
            return
        except Exception:  # noqa: BLE001 - recorded on the job; a failed job must not fail its caller
            log.warning("in-process job %s failed (attempt %s)", name, attempt + 1, exc_info=True)


# --------------------------------------------------------------------------- running
class Job:
    """What a running job sees of itself: progress, and files for its result."""

    def __init__(self, site, name: str, ctx=None, *, final: bool = True):
        self.site, self.name, self.ctx = site, name, ctx
        self.final = final  # no retry left after this attempt
        self.done, self.total, self.note = 0, 0, None
        self._written_at = 0.0
        self._partial: dict[str, Path] = {}

    def progress(self, done: int, total: int | None = None, note: str | None = None) -> None:
        self.done = int(done)
        if total is not None:
            self.total = int(total)
        if note is not None:
            self.note = note
        live = _live(self.site)
        live[self.name] = {"done": self.done, "total": self.total, "progress_note": self.note}
        if self.site.redis is not None:
            try:
                self.site.redis.hset(self.site.redis_key(f"job:{self.name}"),
                                     mapping={"done": self.done, "total": self.total, "note": self.note or ""})
                self.site.redis.expire(self.site.redis_key(f"job:{self.name}"), 7 * 24 * 3600)
            except Exception:  # noqa: BLE001 - progress is a courtesy; the job goes on
                pass
        now = time.monotonic()
        if now - self._written_at >= PROGRESS_EVERY or (self.total and self.done >= self.total):
            if self._can_write_now():
                _update(self.site, self.name, done=self.done, total=self.total, progress_note=self.note)
                self._written_at = now

    def _can_write_now(self) -> bool:
        # SQLite has one writer: while this job's own transaction writes, progress waits for the end
        ctx = self.ctx
        return not (self.site.backend == "sqlite" and ctx is not None and ctx.write and ctx._tx is not None)

    def result_path(self, filename: str) -> Path:
        """A path to write a result file to; it becomes the job's result only if the job succeeds."""
        final = result_folder(self.site, self.name) / files.safe_filename(filename, "result")
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(f".{final.name}.part")
        self._partial[final.name] = partial
        return partial

    def _publish(self) -> tuple[str | None, int]:
        """Rename the partial files to their final names (atomic on one file system)."""
        first, size = None, 0
        for final_name, partial in self._partial.items():
            if partial.exists():
                final = partial.with_name(final_name)
                os.replace(partial, final)
                first = first or final_name
                size += final.stat().st_size
        return first, size

    def _discard(self) -> None:
        for partial in self._partial.values():
            partial.unlink(missing_ok=True)


def perform(site, name: str, *, final: bool = True, worker: str | None = None):
    """Run one recorded job: mark it started, call its method as its user, publish the result
    files and mark it finished — or record the error and remove what it half-wrote."""
    record = _read(site, name)
    if record is None:
        raise LookupError(f"后台任务 {name} 不存在")
    discard_partials(site, name)  # leftovers of an attempt that was killed
    _update(site, name, status="started", started_at=dt.datetime.now(), ended_at=None,
            attempts=int(record["attempts"] or 0) + 1, worker=worker or f"{os.uname().nodename}:{os.getpid()}")
    job = Job(site, name, final=final)
    try:
        fn = _resolve(record["method"])
        kwargs = dict(record["kwargs"] or {})
        with site.context(user=record["user"] or record["owner"], write=getattr(fn, "job_writes", True)) as ctx:
            job.ctx = ctx
            if "job" in inspect.signature(fn).parameters:
                kwargs["job"] = job
            result = fn(ctx, **kwargs)
        job.ctx = None
        result_name, size = job._publish()
    except BaseException as exc:
        job._discard()
        _live(site).pop(name, None)
        fail(site, name, exc, final=final, tb=traceback.format_exc())
        raise
    _live(site).pop(name, None)
    done = job.total or job.done
    values = {"status": "finished", "ended_at": dt.datetime.now(), "done": done, "total": job.total or done,
              "error": None, "traceback": None, "progress_note": job.note}
    if result_name:
        values.update(result_name=result_name, result_size=size,
                      result_url=f"/api/method/sixhave.jobs.download?name={name}")
    if result is not None:
        values["result"] = _jsonable(result)
    _update(site, name, **values)
    return result


def discard_partials(site, name: str) -> None:
    folder = result_folder(site, name)
    if folder.exists():
        for stale in folder.glob(".*.part"):
            stale.unlink(missing_ok=True)


def fail(site, name: str, exc: BaseException | str, *, final: bool, tb: str | None = None) -> None:
    """Record a failed attempt: `failed` when no retry is left, else `queued` for the retry."""
    if isinstance(exc, SixhaveError):
        message = exc.message or exc.title
    elif isinstance(exc, str):
        message = exc
    else:
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    _update(site, name, status="failed" if final else "queued", error=message[:2000], traceback=tb,
            ended_at=dt.datetime.now())


# --------------------------------------------------------------------------- RQ entry points
_WORKER_SITES: dict[tuple[str, str], object] = {}  # the worker process's own Site, one per site


def bind_worker_site(site) -> None:
    """A worker keeps one Site for its life (not one per job)."""
    _WORKER_SITES[(site.name, str(site.path.parent))] = site


def worker_site(site_name: str, sites_path: str):
    site = _WORKER_SITES.get((site_name, sites_path))
    if site is None:
        from .site import Site

        site = Site.open(site_name, Path(sites_path))
        bind_worker_site(site)
    if getattr(site, "_pid", None) != os.getpid():
        # a forked work horse must not share the parent's pooled database connections
        site.engine.dispose(close=False)
        site._pid = os.getpid()
    return site


def execute(site_name: str, sites_path: str, name: str):
    """What RQ runs: the recorded job `name` of the site."""
    from rq import get_current_job

    site = worker_site(site_name, sites_path)
    current = get_current_job()
    final = not (current is not None and current.retries_left)
    return perform(site, name, final=final, worker=getattr(current, "worker_name", None))


def on_rq_failure(rq_job, connection, exc_type, exc_value, tb):
    """RQ's failure callback. Errors raised by the job were recorded by `perform`; this records
    the failures the job could not see: a worker killed mid-job (RQ's abandoned-job handling)."""
    from rq.exceptions import AbandonedJobError

    if exc_type is not AbandonedJobError:
        return
    site_name, sites_path, name = rq_job.args
    site = worker_site(site_name, sites_path)
    retrying = bool(rq_job.retries_left)
    fail(site, name, "任务执行中断（worker 进程退出）" + ("，将重试" if retrying else ""), final=not retrying)
    discard_partials(site, name)


def execute_scheduled(site_name: str, sites_path: str, method: str, title: str, queue: str = "long",
                      kwargs: dict | None = None):
    """What the scheduler enqueues (see scheduler.py): a record made at run time, then `perform`."""
    from rq import get_current_job

    site = worker_site(site_name, sites_path)
    current = get_current_job()
    with site.context() as ctx:
        record = ctx.new_doc(DOCTYPE, title=title, method=method, queue=queue, status="queued", user="Administrator",
                             kwargs=_jsonable(kwargs or {}), done=0, total=0, attempts=0, max_retries=0,
                             timeout=QUEUES.get(queue, 600))
        record.flags.ignore_permissions = True
        record.insert()
    return perform(site, record.name, worker=getattr(current, "worker_name", None))


# --------------------------------------------------------------------------- reading
def status(ctx, name: str) -> dict:
    """The job as its owner sees it (read right and `if_owner` apply), live progress included."""
    doc = ctx.get_doc(DOCTYPE, name)
    data = {k: doc.get(k) for k in ("name", "title", "method", "queue", "status", "done", "total", "progress_note",
                                    "attempts", "max_retries", "started_at", "ended_at", "result_name",
                                    "result_url", "result_size", "result", "error", "reference_doctype",
                                    "reference_name", "owner", "creation")}
    if data["status"] == "started":
        live = _live(ctx.site).get(name) or _redis_progress(ctx.site, name)
        if live:
            data.update({k: v for k, v in live.items() if v not in (None, "")})
    done, total = int(data.get("done") or 0), int(data.get("total") or 0)
    data["done"], data["total"] = done, total
    data["percent"] = round(100.0 * done / total, 1) if total else (100.0 if data["status"] == "finished" else 0.0)
    data["progress"] = {"done": done, "total": total, "percent": data["percent"]}
    data["job_id"] = name
    return data


def _redis_progress(site, name: str) -> dict | None:
    if site.redis is None:
        return None
    try:
        raw = site.redis.hgetall(site.redis_key(f"job:{name}"))
    except Exception:  # noqa: BLE001
        return None
    if not raw:
        return None
    text = {k.decode(): v.decode() for k, v in raw.items()}
    return {"done": int(text.get("done") or 0), "total": int(text.get("total") or 0),
            "progress_note": text.get("note") or None}


def _live(site) -> dict:
    live = getattr(site, "job_progress", None)
    if live is None:
        live = site.job_progress = {}
    return live


def _read(site, name: str) -> dict | None:
    with site.context(write=False) as ctx:
        table = ctx.table(DOCTYPE)
        row = ctx.conn.execute(sa.select(table).where(table.c.name == name)).mappings().first()
        return dict(row) if row else None


def _update(site, name: str, **values) -> None:
    """Bookkeeping writes in a short transaction of their own (never the job's)."""
    with site.context(ignore_permissions=True) as ctx:
        table = ctx.table(DOCTYPE)
        values["modified"] = dt.datetime.now()
        ctx.conn.execute(table.update().where(table.c.name == name).values(**values))


def _resolve(method: str):
    module, _, attr = method.rpartition(".")
    if not module:
        raise ValueError(f"not a dotted path: {method!r}")
    fn = getattr(importlib.import_module(module), attr, None)
    if not callable(fn):
        raise ValueError(f"{method!r} is not a function")
    return fn


def _jsonable(value):
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
