"""Background jobs: a record per job with progress, result file and error; in-process without Redis,
a real RQ worker (a `sixhave worker` process) with Redis; a worker killed mid-job leaves no
half-written result and the job is retried or failed with its error visible."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from sixhave_app.engine import jobs, worker
from tests.conftest import unique

TEST_APP = str(Path(__file__).resolve().parents[1] / "sixhave_test_app")


def _user(site, roles=("System Manager",)) -> str:
    email = f"{unique('job')}@example.cn"
    with site.context() as ctx:
        ctx.insert({"doctype": "User", "email": email, "first_name": "任务", "roles": [{"role": r} for r in roles]})
    return email


def _start(site, user, method, **kwargs) -> str:
    with site.context(user=user) as ctx:
        return jobs.enqueue(ctx, method, job_title="测试任务", **kwargs)


def _status(site, user, name) -> dict:
    with site.context(user=user, write=False) as ctx:
        return jobs.status(ctx, name)


def worker_process(site, *args, **popen) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([TEST_APP, os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "sixhave_app.engine.cli", "--sites-path", str(site.path.parent),
               "--site", site.name, "worker", *args]
    # the worker's log goes to a file, not a pipe nobody reads until the end: a full pipe would
    # stop the worker mid-job
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, **popen)
    proc.log = log
    return proc


def worker_log(proc) -> str:
    proc.log.seek(0)
    return proc.log.read().decode(errors="replace")[-4000:]


def _wait(predicate, timeout=60.0, every=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out")


# --------------------------------------------------------------------------- in-process
def test_without_redis_a_job_runs_in_process_after_the_commit(site):
    user = _user(site)
    with site.context(user=user) as ctx:
        name = jobs.enqueue(ctx, "sixhave_test_app.jobs.count_to", n=4, job_title="数数")
        record = ctx.get_doc(jobs.DOCTYPE, name)
        assert record.status == "queued"
    info = _status(site, user, name)
    assert info["status"] == "finished", info
    assert (info["done"], info["total"], info["percent"]) == (4, 4, 100.0)
    assert info["result"] == {"lines": 4, "user": user}
    assert info["result_name"] == "count.txt"
    path = jobs.result_folder(site, name) / "count.txt"
    assert path.read_text("utf-8").splitlines() == ["第1行", "第2行", "第3行", "第4行"]
    assert not list(path.parent.glob(".*.part"))


def test_a_job_that_rolls_back_never_runs(site):
    user = _user(site)
    with pytest.raises(RuntimeError):
        with site.context(user=user) as ctx:
            name = jobs.enqueue(ctx, "sixhave_test_app.jobs.count_to", n=2)
            raise RuntimeError("the request failed")
    with site.context(write=False) as ctx:
        assert not ctx.exists(jobs.DOCTYPE, name)
    assert not jobs.result_folder(site, name).exists()


def test_a_failing_job_records_its_error_in_chinese_and_writes_no_result(site):
    user = _user(site)
    name = _start(site, user, "sixhave_test_app.jobs.refuse", retries=2)
    info = _status(site, user, name)
    assert info["status"] == "failed"
    assert info["error"] == "第 3 行：字段 “客户” 不能为空"
    assert info["attempts"] == 3  # the first run and two retries
    assert info["result_name"] is None


def test_a_job_runs_as_the_user_who_started_it(site):
    user = _user(site, roles=("支部书记",))
    name = _start(site, user, "sixhave_test_app.jobs.whoami")
    result = _status(site, user, name)["result"]
    assert result["user"] == user and "支部书记" in result["roles"] and "System Manager" not in result["roles"]


def test_users_see_only_their_own_jobs_and_system_managers_see_all(site):
    from sixhave_app.engine.errors import PermissionError

    alice, bob, admin = _user(site, ("支部书记",)), _user(site, ("支部书记",)), _user(site)
    name = _start(site, alice, "sixhave_test_app.jobs.count_to", n=1)
    with site.context(user=bob, write=False) as ctx:
        with pytest.raises(PermissionError):
            jobs.status(ctx, name)
        assert name not in ctx.get_list(jobs.DOCTYPE, pluck="name", limit_page_length=0)
    with site.context(user=admin, write=False) as ctx:
        assert jobs.status(ctx, name)["status"] == "finished"
        assert name in ctx.get_list(jobs.DOCTYPE, pluck="name", limit_page_length=0)


def test_unknown_method_or_queue_is_refused_when_enqueued(site):
    with site.context() as ctx:
        with pytest.raises((ValueError, ModuleNotFoundError, AttributeError)):
            jobs.enqueue(ctx, "sixhave_test_app.jobs.no_such_function")
        with pytest.raises(ValueError):
            jobs.enqueue(ctx, "sixhave_test_app.jobs.count_to", queue="urgent")


# --------------------------------------------------------------------------- RQ
@pytest.fixture
def rq_site(site_factory, backend):
    return site_factory(backend, redis=True)


@pytest.mark.redis
def test_a_real_rq_worker_runs_the_job_and_progress_is_read_back(rq_site):
    site = rq_site
    user = _user(site)
    name = _start(site, user, "sixhave_test_app.jobs.count_to", n=12, pause=0.25, queue="long")
    assert _status(site, user, name)["status"] == "queued"
    proc = worker_process(site, "--burst", "--queue", "long")
    try:
        seen = _wait(lambda: (lambda s: s if s["status"] == "started" and 0 < s["done"] < 12 else None)(_status(site, user, name)))
        assert seen["total"] == 12 and 0 < seen["percent"] < 100
        try:
            code = proc.wait(timeout=180)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the burst worker did not finish: {worker_log(proc)}")
        assert code == 0, worker_log(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    info = _status(site, user, name)
    assert info["status"] == "finished" and (info["done"], info["total"]) == (12, 12)
    assert info["attempts"] == 1
    assert (jobs.result_folder(site, name) / "count.txt").read_text("utf-8").count("\n") == 12


@pytest.mark.redis
def test_named_queues_are_served_only_by_workers_that_listen_to_them(rq_site):
    site = rq_site
    user = _user(site)
    short = _start(site, user, "sixhave_test_app.jobs.count_to", n=1, queue="short")
    long = _start(site, user, "sixhave_test_app.jobs.count_to", n=1, queue="long")
    worker.work(site, burst=True, queues=["short"])
    assert _status(site, user, short)["status"] == "finished"
    assert _status(site, user, long)["status"] == "queued"
    worker.work(site, burst=True, queues=["long"])
    assert _status(site, user, long)["status"] == "finished"


@pytest.mark.redis
def test_a_burst_worker_stops_soon_after_its_last_job(rq_site, monkeypatch):
    """RQ listens for commands on a thread that waited up to 60 s for each message, and the Redis
    client's stop() waits for that thread: when the listener read the reply to the worker's
    UNSUBSCRIBE before the worker stopped it (a loaded machine), it went back to waiting for a
    subscription and the worker lingered a minute after its queue was empty (the scheduler test
    spent 60 s there). The pause after UNSUBSCRIBE makes that order certain."""
    import redis.client

    unsubscribe = redis.client.PubSub.unsubscribe

    def unsubscribe_then_pause(self, *args):
        answer = unsubscribe(self, *args)
        time.sleep(0.5)
        return answer

    monkeypatch.setattr(redis.client.PubSub, "unsubscribe", unsubscribe_then_pause)
    site = rq_site
    user = _user(site)
    name = _start(site, user, "sixhave_test_app.jobs.count_to", n=2, pause=0.25, queue="short")
    started = time.monotonic()
    worker.work(site, burst=True, queues=["short"])
    assert _status(site, user, name)["status"] == "finished"
    assert time.monotonic() - started < 30, "the worker waited for its command listener"


@pytest.mark.redis
def test_rq_failure_is_retried_then_recorded(rq_site):
    site = rq_site
    user = _user(site)
    name = _start(site, user, "sixhave_test_app.jobs.refuse", retries=1)
    worker.work(site, burst=True)
    info = _status(site, user, name)
    assert info["status"] == "failed" and info["attempts"] == 2
    assert "客户" in info["error"]


def _kill_mid_job(site, user, retries: int) -> str:
    name = _start(site, user, "sixhave_test_app.jobs.count_to", n=40, pause=0.2, retries=retries)
    proc = worker_process(site, start_new_session=True)  # a forking worker, as in production
    try:
        _wait(lambda: _status(site, user, name)["done"] >= 3)
        partial = list(jobs.result_folder(site, name).glob(".*.part"))
        assert partial, "the job writes under a temporary name"
    finally:
        # the worker and its work horse die at once (the horse is in a process group of its own:
        # RQ calls setpgrp in it, so killing the worker's group alone would leave it running)
        horses = _children(proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)
        for pid in horses:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=20)
    return name


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


@pytest.mark.redis
def test_a_worker_killed_mid_job_leaves_no_half_written_result_and_the_job_is_retried(rq_site):
    site = rq_site
    user = _user(site)
    name = _kill_mid_job(site, user, retries=1)
    assert _status(site, user, name)["status"] == "started"
    assert not (jobs.result_folder(site, name) / "count.txt").exists()
    # the next worker finds the dead worker's job and hands it to RQ's abandoned-job handling
    assert worker.reap(site, site.redis) == 1
    info = _status(site, user, name)
    assert info["status"] == "queued" and "中断" in info["error"]
    worker.work(site, burst=True)
    info = _status(site, user, name)
    assert info["status"] == "finished" and info["attempts"] == 2 and info["error"] is None
    lines = (jobs.result_folder(site, name) / "count.txt").read_text("utf-8").splitlines()
    assert len(lines) == 40 and lines[-1] == "第40行"
    assert not list(jobs.result_folder(site, name).glob(".*.part"))


@pytest.mark.redis
def test_a_worker_killed_mid_job_without_retries_marks_it_failed_with_the_error(rq_site):
    site = rq_site
    user = _user(site)
    name = _kill_mid_job(site, user, retries=0)
    worker.work(site, burst=True)  # a new worker reaps on start
    info = _status(site, user, name)
    assert info["status"] == "failed" and "中断" in info["error"]
    assert not (jobs.result_folder(site, name) / "count.txt").exists()
    assert not list(jobs.result_folder(site, name).glob(".*.part"))
