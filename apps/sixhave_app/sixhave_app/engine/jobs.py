"""Background jobs: RQ on the site's Redis when it has one, otherwise run in-process right after
the commit. A job runs as the user who started it, so the same permission model applies."""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("sixhave.jobs")


def queue_name(site, queue: str = "default") -> str:
    return f"{site.redis_prefix}{queue}"


def enqueue(ctx, method: str, *, queue: str = "default", **kwargs) -> None:
    """Run `method(ctx, **kwargs)` after this transaction commits (never if it rolls back)."""
    site, user = ctx.site, ctx.user
    ctx.after_commit(lambda: _dispatch(site, user, method, queue, kwargs))


def _dispatch(site, user: str, method: str, queue: str, kwargs: dict) -> None:
    if site.redis is not None and not site.config.get("jobs_in_process"):
        from rq import Queue

        Queue(queue_name(site, queue), connection=site.redis).enqueue(
            execute, site.name, str(site.path), site.config, user, method, kwargs,
            result_ttl=0, failure_ttl=7 * 24 * 3600, job_timeout=600)
        return
    try:
        run(site, user, method, kwargs)
    except Exception:  # noqa: BLE001 - a failed job must not fail the request that made it
        log.exception("in-process job %s failed", method)


def run(site, user: str, method: str, kwargs: dict):
    import importlib

    module, _, attr = method.rpartition(".")
    fn = getattr(importlib.import_module(module), attr)
    with site.context(user=user) as ctx:
        return fn(ctx, **kwargs)


def execute(site_name: str, site_path: str, config: dict, user: str, method: str, kwargs: dict):
    """The RQ entry point: opens the site in the worker process and runs the job as `user`."""
    from .site import Site

    site = Site(site_name, config, path=Path(site_path))
    try:
        return run(site, user, method, kwargs)
    finally:
        site.dispose()


def work(site, *, burst: bool = False, queues: tuple[str, ...] = ("default",)) -> None:
    """`sixhave worker`: process this site's queues."""
    from rq import Queue, SimpleWorker, Worker

    if site.redis is None:
        raise RuntimeError("站点没有配置 redis_url：后台任务在 Web 进程内运行，不需要 worker")
    worker_cls = SimpleWorker if burst else Worker
    worker = worker_cls([Queue(queue_name(site, q), connection=site.redis) for q in queues], connection=site.redis)
    worker.work(burst=burst, with_scheduler=False)
