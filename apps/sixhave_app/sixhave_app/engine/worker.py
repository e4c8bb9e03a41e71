"""`sixhave worker`: an RQ worker on a site's named queues (short, default, long), keeping one Site
for its life; the entry points RQ calls by dotted path (`execute`, `on_rq_failure`,
`execute_scheduled`: jobs.py records and performs a job, this module runs it in a worker); and
the reaper that hands jobs of a dead worker to RQ's abandoned-job handling (retry, or failed with
the error on the job's record)."""
from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

from rq import Queue, SimpleWorker, Worker, get_current_job
from rq.exceptions import AbandonedJobError
from rq.registry import StartedJobRegistry

from . import jobs
from .site import Site

log = logging.getLogger("sixhave.worker")
DEFAULT_QUEUES = ("short", "default", "long")  # in the order a worker takes them


class _SiteWorkerMixin:
    site = None
    # RQ listens for commands (stop, kill the horse) on a thread that waits up to `sleep_time` for
    # each message, and the Redis client's PubSubWorkerThread.stop() now waits for that thread to
    # end: with RQ's 60 s, every worker's shutdown — every burst run — could linger a minute after
    # its last job (the scheduler test spent 60 s there). The thread looks every second instead.
    command_poll_seconds = 1.0

    def subscribe(self):
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=self.command_poll_seconds, daemon=True,
                                                       exception_handler=self._pubsub_exception_handler)

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        """The forked process running the job died (killed, out of memory): say so on the record;
        RQ then retries the job or moves it to failed."""
        try:
            site_name, sites_path, name = job.args
            site = worker_site(site_name, sites_path)
            retrying = bool(job.retries_left)
            jobs.fail(site, name, f"任务进程意外退出（{ret_val}）" + ("，将重试" if retrying else ""), final=not retrying)
            jobs.discard_partials(site, name)
        except Exception:  # noqa: BLE001 - RQ's own handling must still run
            log.exception("could not record the death of job %s", job.id)

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        reap(self.site, self.connection)


class SiteWorker(_SiteWorkerMixin, Worker):
    """Forks a work horse per job (RQ's default): a job that crashes cannot take the worker down."""


class SimpleSiteWorker(_SiteWorkerMixin, SimpleWorker):
    """Runs jobs in its own process (used in burst mode and by tests running a worker in a thread)."""


def queues_for(site, names=None) -> list[Queue]:
    names = list(names or DEFAULT_QUEUES)
    unknown = [n for n in names if n not in jobs.QUEUES]
    if unknown:
        raise ValueError(f"未知的队列：{'、'.join(unknown)}（可选 short、default、long）")
    return [Queue(jobs.queue_name(site, n), connection=site.redis) for n in names]


def work(site, *, burst: bool = False, queues=None, simple: bool | None = None,
         maintenance_interval: int = 60) -> bool:
    """Process this site's queues; with `burst`, until they are empty."""
    if site.redis is None:
        raise RuntimeError("站点没有配置 redis_url：后台任务在 Web 进程内运行，不需要 worker")
    bind_worker_site(site)
    site._pid = os.getpid()
    reap(site, site.redis)
    cls = SimpleSiteWorker if (simple if simple is not None else burst) else SiteWorker
    worker = cls(queues_for(site, queues), connection=site.redis, maintenance_interval=maintenance_interval)
    worker.site = site
    return worker.work(burst=burst, with_scheduler=False, logging_level="WARNING")


def _alive(worker_name: str | None, connection) -> bool:
    """Whether the worker holding a job is still there: its RQ registration exists and, when it
    runs on this host, its process does."""
    if not worker_name:
        return False
    found = Worker.find_by_key(Worker.redis_worker_namespace_prefix + worker_name, connection=connection)
    if found is None:
        return False
    if found.hostname == socket.gethostname() and found.pid:
        try:
            os.kill(int(found.pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    return True


def reap(site, connection) -> int:
    """Jobs left `started` by a worker that is gone: expire their entries so that RQ's own
    abandoned-job cleanup retries them or fails them (calling on_rq_failure)."""
    reaped = 0
    for queue in queues_for(site):
        registry = StartedJobRegistry(queue=queue)
        key = registry.key
        for entry, _score in connection.zrange(key, 0, -1, withscores=True):
            entry = entry.decode() if isinstance(entry, bytes) else entry
            job_id = entry.split(":", 1)[0]
            job = queue.fetch_job(job_id)
            if job is None or _alive(job.worker_name, connection):
                continue
            connection.zadd(key, {entry: 1})  # expired long ago: RQ treats it as abandoned
            reaped += 1
        if reaped:
            registry.cleanup()
    return reaped


# --------------------------------------------------------------------------- RQ entry points
_WORKER_SITES: dict[tuple[str, str], object] = {}  # the worker process's own Site, one per site


def bind_worker_site(site) -> None:
    """A worker keeps one Site for its life (not one per job)."""
    _WORKER_SITES[(site.name, str(site.path.parent))] = site


def worker_site(site_name: str, sites_path: str):
    site = _WORKER_SITES.get((site_name, sites_path))
    if site is None:
        site = Site.open(site_name, Path(sites_path))
        bind_worker_site(site)
    if getattr(site, "_pid", None) != os.getpid():
        # a forked work horse must not share the parent's pooled database connections
        site.engine.dispose(close=False)
        site._pid = os.getpid()
    return site


def execute(site_name: str, sites_path: str, name: str):
    """What RQ runs: the recorded job `name` of the site."""
    site = worker_site(site_name, sites_path)
    current = get_current_job()
    final = not (current is not None and current.retries_left)
    return jobs.perform(site, name, final=final, worker=getattr(current, "worker_name", None))


def on_rq_failure(rq_job, connection, exc_type, exc_value, tb):
    """RQ's failure callback. Errors raised by the job were recorded by `perform`; this records
    the failures the job could not see: a worker killed mid-job (RQ's abandoned-job handling)."""
    if exc_type is not AbandonedJobError:
        return
    site_name, sites_path, name = rq_job.args
    site = worker_site(site_name, sites_path)
    retrying = bool(rq_job.retries_left)
    jobs.fail(site, name, "任务执行中断（worker 进程退出）" + ("，将重试" if retrying else ""), final=not retrying)
    jobs.discard_partials(site, name)


def execute_scheduled(site_name: str, sites_path: str, method: str, title: str, queue: str = "long",
                      kwargs: dict | None = None):
    """What the scheduler enqueues (see scheduler.py): a record made at run time, then `perform`."""
    site = worker_site(site_name, sites_path)
    current = get_current_job()
    with site.context() as ctx:
        record = ctx.new_doc(jobs.DOCTYPE, title=title, method=method, queue=queue, status="queued", user="Administrator",
                             kwargs=jobs.jsonable(kwargs or {}), done=0, total=0, attempts=0, max_retries=0,
                             timeout=jobs.QUEUES.get(queue, 600))
        record.flags.ignore_permissions = True
        record.insert()
    return jobs.perform(site, record.name, worker=getattr(current, "worker_name", None))
