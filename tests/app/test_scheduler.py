"""The schedule: the app's reminders declared in hooks.py run through RQ's cron as background jobs;
two schedulers started for one site enqueue from one only (a lock in Redis), and the other takes
over when the first stops; a reminder reaches the people it is for."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from rq import Queue

from sixhave_app.engine import jobs, scheduler, worker
from sixhave_app.six_haves import reminders
from tests.conftest import unique
from tests.engine.test_jobs import TEST_APP, _wait


def _branch_with_term_ending(site, days: int = 30):
    with site.context() as ctx:
        district = ctx.insert({"doctype": "Org Unit", "unit_name": unique("区"), "level": "市（县）区"}).name
        branch = ctx.insert({"doctype": "Party Organization", "org_name": unique("换届支部"), "org_type": "党支部",
                             "sector": "社区", "parent_unit": district, "term_start": dt.date.today() - dt.timedelta(days=5 * 365),
                             "term_end": dt.date.today() + dt.timedelta(days=days)}).name
        secretary = f"{unique('sec')}@example.cn"
        ctx.insert({"doctype": "User", "email": secretary, "first_name": "书记", "roles": [{"role": "支部书记"}]})
        ctx.insert({"doctype": "User Permission", "user": secretary, "allow": "Org Unit", "for_value": district})
        stranger = f"{unique('other')}@example.cn"
        other = ctx.insert({"doctype": "Org Unit", "unit_name": unique("外区"), "level": "市（县）区"}).name
        ctx.insert({"doctype": "User", "email": stranger, "first_name": "外", "roles": [{"role": "支部书记"}]})
        ctx.insert({"doctype": "User Permission", "user": stranger, "allow": "Org Unit", "for_value": other})
    return branch, secretary, stranger


def test_the_apps_scheduled_jobs_come_from_hooks(site):
    events = scheduler.scheduled_events(site)
    methods = {e["method"] for e in events}
    assert {"sixhave_app.six_haves.reminders.daily_alerts", "sixhave_app.six_haves.reminders.deadline_reminders",
            "sixhave_app.six_haves.reminders.term_expiry_reminders"} <= methods
    assert all(e["queue"] == "long" and e["cron"] for e in events if e["method"].startswith("sixhave_app.six_haves"))


def test_a_term_expiry_reminder_reaches_the_branch_once_a_day(site):
    branch, secretary, stranger = _branch_with_term_ending(site)
    with site.context() as ctx:
        first = reminders.term_expiry_reminders(ctx)
        again = reminders.term_expiry_reminders(ctx)
    assert first["sent"] >= 1 and again["sent"] == 0
    with site.context(write=False) as ctx:
        subjects = ctx.get_all("Notification Log", filters={"for_user": secretary}, pluck="subject")
        assert any("换届提醒" in s for s in subjects)
        assert not ctx.get_all("Notification Log", filters={"for_user": stranger, "document_name": branch}, pluck="name")


def _scheduler_process(site):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([TEST_APP, os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "sixhave_app.engine.cli", "--sites-path", str(site.path.parent),
                             "--site", site.name, "scheduler", "--interval", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.redis
def test_one_scheduler_per_site_fires_the_reminder_jobs_and_a_standby_takes_over(site_factory, backend):
    site = site_factory(backend, redis=True, extra={"scheduler_lock_ttl": 3})
    branch, secretary, _ = _branch_with_term_ending(site)
    lock = site.redis_key("scheduler:lock")
    queue = Queue(jobs.queue_name(site, "long"), connection=site.redis)
    first = _scheduler_process(site)
    second = None
    try:
        holder = _wait(lambda: site.redis.get(lock), timeout=30)
        second = _scheduler_process(site)
        _wait(lambda: queue.count >= 6, timeout=30)
        time.sleep(2)
        assert site.redis.get(lock) == holder
        enqueuers = {queue.fetch_job(i).meta.get("scheduler") for i in queue.job_ids}
        assert enqueuers == {holder.decode()}  # the standby enqueued nothing
        first.send_signal(signal.SIGTERM)  # the holder stops and lets go of the lock
        first.wait(timeout=20)
        _wait(lambda: site.redis.get(lock) not in (None, holder), timeout=20)
        _wait(lambda: any(queue.fetch_job(i).meta.get("scheduler") != holder.decode() for i in queue.job_ids), timeout=20)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
    assert site.redis.get(lock) is None  # released on shutdown
    worker.work(site, burst=True)
    with site.context(write=False) as ctx:
        ran = ctx.get_all(jobs.DOCTYPE, filters={"method": "sixhave_app.six_haves.reminders.term_expiry_reminders"},
                          fields=["status", "result"])
        assert ran and all(r["status"] == "finished" for r in ran)
        assert sum(r["result"]["sent"] for r in ran) == 1  # reminded once, however often the job ran today
        assert ctx.get_all("Notification Log", filters={"for_user": secretary, "document_name": branch}, pluck="subject")
