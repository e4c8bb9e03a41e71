"""Notifications run as background jobs: on a site with Redis they go through RQ and a worker."""
import pytest

from sixhave_app.engine import jobs, worker, workflow
from tests.conftest import unique


@pytest.mark.redis
def test_notifications_are_sent_by_an_rq_worker_with_redis(site_factory, backend):
    site = site_factory(backend, redis=True)
    with site.context() as ctx:
        for unit, level, parent in (("无锡市", "市", None), ("梁溪区", "市（县）区", "无锡市"), ("健康社区", "社区", "梁溪区")):
            if not ctx.exists("Org Unit", unit):  # migrate already made the city's top of the tree
                ctx.insert({"doctype": "Org Unit", "unit_name": unit, "level": level, "parent_org_unit": parent})
        branch = ctx.insert({"doctype": "Party Organization", "org_name": "RQ支部", "org_type": "党支部", "sector": "社区",
                             "parent_unit": "健康社区"})
        reviewer = f"rq-{unique()}@example.cn"
        ctx.insert({"doctype": "User", "email": reviewer, "first_name": "审核", "roles": [{"role": "区级审核员"}]})
        ctx.insert({"doctype": "User Permission", "user": reviewer, "allow": "Org Unit", "for_value": "梁溪区"})
        doc = ctx.insert({"doctype": "Self Assessment", "party_org": branch.name, "year": 2018})
        for row in doc.items:  # a sheet is submitted with every item self-scored
            row.self_score = row.points
        doc.save()
    with site.context() as ctx:
        workflow.apply_action(ctx, "Self Assessment", doc.name, "提交")
    with site.context() as ctx:
        assert ctx.get_count("Notification Log", {"for_user": reviewer}) == 0  # queued, not yet run
    from rq import Queue

    assert Queue(jobs.queue_name(site), connection=site.redis).count >= 1
    worker.work(site, burst=True)
    with site.context() as ctx:
        logs = ctx.get_all("Notification Log", filters={"for_user": reviewer}, fields=["subject", "document_name"])
    assert [l["document_name"] for l in logs] == [doc.name]
