"""`sixhave scheduler`: the apps' `scheduler_events` (Frappe's hooks: all, hourly, daily, weekly,
monthly, their *_long variants, and cron strings) run as background jobs by RQ's own cron
(`rq.cron.CronScheduler`). One scheduler runs per site even when several are started: each holds
a lock in Redis with a time to live and renews it; the others stand by and take over if it dies."""
from __future__ import annotations

import logging
import os
import socket
import uuid

from rq.cron import CronScheduler

from . import jobs, worker

log = logging.getLogger("sixhave.scheduler")

# Frappe's event names as cron strings (local time); "all" is every few minutes.
EVENTS = {"hourly": "0 * * * *", "daily": "30 7 * * *", "weekly": "0 8 * * 1", "monthly": "0 8 1 * *"}
ALL_EVERY = 240
LOCK_TTL = 60

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('expire', KEYS[1], ARGV[2])
elseif redis.call('set', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def scheduled_events(site) -> list[dict]:
    """What the apps declare, as [{method, queue, cron | interval}] (hooks.py `scheduler_events`)."""
    out = []
    for event, targets in site.hooks.scheduler_events.items():
        if event == "cron":
            for expression, methods in targets.items():
                out += [{"method": m, "queue": "long", "cron": expression} for m in methods]
            continue
        base, _, long = event.partition("_")
        queue = "long" if long == "long" else "default"
        for method in targets:
            if base == "all":
                out.append({"method": method, "queue": queue, "interval": ALL_EVERY})
            elif base in EVENTS:
                out.append({"method": method, "queue": queue, "cron": EVENTS[base]})
            else:
                raise ValueError(f"hooks.scheduler_events: 未知的事件 “{event}”")
    return out


class SiteScheduler(CronScheduler):
    """RQ's cron scheduler for one site, enqueuing only while it holds the site's lock."""

    def __init__(self, site, *, interval: int | None = None, lock_ttl: int = LOCK_TTL):
        super().__init__(connection=site.redis, name=f"{site.name}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")
        self.site = site
        self.lock_key = site.redis_key("scheduler:lock")
        self.lock_ttl = lock_ttl
        self.holding = False
        for event in scheduled_events(site):
            title = event["method"].rsplit(".", 1)[-1]
            self.register(worker.execute_scheduled, event["queue"] if event["queue"] in jobs.QUEUES else "long",
                          args=(site.name, str(site.path.parent), event["method"], title, event["queue"]),
                          interval=interval or event.get("interval"), cron=None if interval else event.get("cron"),
                          job_timeout=jobs.QUEUES["long"], name=f"{site.name}:{event['method']}",
                          meta={"scheduler": self.name})
        # enqueue on the site's own queues (RQ's queue names carry the site's prefix)
        for cron_job in self._cron_jobs:
            cron_job.queue_name = jobs.queue_name(site, cron_job.queue_name)

    def acquire(self) -> bool:
        """Take or renew the site's lock; False while another scheduler holds it."""
        held = bool(self.connection.eval(_RENEW, 1, self.lock_key, self.name, self.lock_ttl))
        if held != self.holding:
            log.warning("scheduler %s %s", self.name, "runs the schedule" if held else "stands by")
        self.holding = held
        return held

    def enqueue_jobs(self):
        if not self.acquire():
            return []
        return super().enqueue_jobs()

    def calculate_sleep_interval(self) -> float:
        return min(super().calculate_sleep_interval(), self.lock_ttl / 3)

    def register_death(self, pipeline=None) -> None:
        self.connection.eval(_RELEASE, 1, self.lock_key, self.name)
        super().register_death(pipeline)


def run(site, *, interval: int | None = None) -> None:
    """`sixhave scheduler`: runs until stopped (SIGTERM or Ctrl-C)."""
    if site.redis is None:
        raise RuntimeError("站点没有配置 redis_url：定时任务需要 Redis（sixhave new-site --redis-url …）")
    worker.bind_worker_site(site)
    scheduler = SiteScheduler(site, interval=interval, lock_ttl=int(site.config.get("scheduler_lock_ttl") or LOCK_TTL))
    if not scheduler.get_jobs():
        raise RuntimeError("没有定时任务：各应用的 hooks.py 未声明 scheduler_events")
    scheduler.start()
