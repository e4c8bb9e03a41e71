"""Issue 9, class 13: schemathesis, driven by the server's own /api/openapi.json, sends every
operation it describes — each DocType's list, create, read, update and delete, and every
/api/method — requests that fit the schema and requests that do not, in-process through the ASGI
app, on SQLite and on MariaDB, as an ordinary district user and as a visitor without a login.
Any 5xx fails the test, listing each distinct failure with the request that caused it.

Bounded and repeatable: a fixed number of examples per operation and mode, Hypothesis
derandomised (the same requests on every run) and without its example database, no shrinking.
"""
from __future__ import annotations

import collections

import pytest

schemathesis = pytest.importorskip("schemathesis")  # in the test extra of pyproject.toml
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import HypothesisException  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

from sixhave_app.engine.api.app import create_app  # noqa: E402

# examples per operation and mode: enough to reach each argument with a wrong type, a wrong
# shape and an out-of-range value, small enough for `make test` (a minute or two per database)
EXAMPLES = {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 2}
# the MariaDB half samples: every operation still, one example per mode (generating the cases, not
# answering them, is most of the time)
MARIADB_EXAMPLES = {GenerationMode.POSITIVE: 1, GenerationMode.NEGATIVE: 1}
GUEST_EXAMPLES = 1


@pytest.fixture(scope="module")
def api_schema(site, world):
    app = create_app(site)
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


def _operations(api_schema):
    ops = [result.ok() for result in api_schema.get_all_operations()]
    return sorted(ops, key=lambda op: op.label)


def _fuzz(api_schema, headers: dict, examples: dict) -> tuple[dict, collections.Counter, int]:
    """Send each operation's examples; the 5xx answers by operation, the status counts, and how
    many operations were exercised."""
    failures: dict[str, list] = {}
    statuses: collections.Counter = collections.Counter()
    exercised = 0
    for op in _operations(api_schema):
        sent = False
        for mode, count in examples.items():
            if mode is GenerationMode.NEGATIVE and not len(op.query) and not len(op.body):
                continue  # a path is text whatever it holds: only query strings and bodies can be malformed
            try:
                strategy = op.as_strategy(generation_mode=mode)
            except Exception:  # noqa: BLE001 - an operation with nothing to negate has no negative cases
                continue

            @settings(max_examples=count, derandomize=True, database=None, deadline=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
            @given(case=strategy)
            def send(case):
                response = case.call(headers=headers)
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    failures.setdefault(op.label, []).append(
                        f"{case.method} {case.formatted_path} query={case.query!r} body={str(case.body)[:300]} "
                        f"→ {response.status_code} {response.text[:200]}")

            try:
                send()
                sent = True
            except HypothesisException:
                continue  # no example could be generated in this mode (e.g. nothing to make invalid)
        exercised += sent
    return failures, statuses, exercised


def _report(failures: dict) -> str:
    lines = [f"{len(failures)} operations answered 5xx:"]
    for label, cases in sorted(failures.items()):
        lines.append(f"  {label} ({len(cases)}×): {cases[0]}")
    return "\n".join(lines)


def test_the_schema_describes_the_real_endpoints(api_schema):
    labels = {op.label for op in _operations(api_schema)}
    for label in ("GET /api/resource/Party Member", "POST /api/resource/Party Member",
                  "PUT /api/resource/Party Member/{name}", "GET /api/method/frappe.client.get_list",
                  "POST /api/method/frappe.client.insert", "POST /api/method/frappe.model.workflow.apply_workflow",
                  "GET /api/method/frappe.desk.search.search_link", "GET /api/method/sixhave.workflow.todo"):
        assert label in labels, label
    listing = api_schema.raw_schema["paths"]["/api/resource/Party Member"]["get"]["parameters"]
    filters = next(p for p in listing if p["name"] == "filters")
    assert "application/json" in filters["content"]  # sent as JSON, typed per field
    insert = api_schema.raw_schema["paths"]["/api/method/frappe.client.insert"]["post"]
    assert "doc" in insert["requestBody"]["content"]["application/json"]["schema"]["properties"]


def test_no_operation_answers_5xx_to_a_district_user(api_schema, world, site):
    operations = _operations(api_schema)
    assert len(operations) > 300  # every DocType's five operations and the methods
    examples = MARIADB_EXAMPLES if site.backend == "mariadb" else EXAMPLES
    failures, statuses, exercised = _fuzz(api_schema, world["liangxi_admin"].token, examples)
    assert not failures, _report(failures)
    assert exercised == len(operations), f"only {exercised} of {len(operations)} operations were exercised"
    # the run reached real answers, not only refusals
    assert statuses[200] > 50 and statuses[417] > 50, statuses


def test_no_operation_answers_5xx_to_a_visitor(api_schema):
    failures, statuses, _ = _fuzz(api_schema, {}, {GenerationMode.POSITIVE: GUEST_EXAMPLES})
    assert not failures, _report(failures)
    assert set(statuses) <= {200, 401, 403, 404, 405, 417, 400}, statuses
