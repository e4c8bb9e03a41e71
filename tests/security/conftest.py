"""Fixtures of the security tests: the live server, the org tree and its people (shared with
tests/api), and a small workflow on a test DocType."""
import pytest

from tests.api.conftest import http, server, world  # noqa: F401 - fixtures re-exported


@pytest.fixture(scope="session")
def approval_workflow(site):
    """测试审批 on Test Approval: 草稿 —批准→ 已批准 (submitted) —作废→ 已作废 (cancelled), by System Manager."""
    with site.context() as ctx:
        if not ctx.exists("Workflow", "测试审批"):
            ctx.insert({"doctype": "Workflow", "workflow_name": "测试审批", "document_type": "Test Approval", "is_active": 1,
                        "workflow_state_field": "workflow_state",
                        "states": [{"state": "草稿", "doc_status": 0}, {"state": "已批准", "doc_status": 1},
                                   {"state": "已作废", "doc_status": 2}],
                        "transitions": [{"state": "草稿", "action": "批准", "next_state": "已批准", "allowed": "System Manager"},
                                        {"state": "已批准", "action": "作废", "next_state": "已作废", "allowed": "System Manager"}]})
    return "测试审批"
