"""The desk evaluates depends_on / mandatory_depends_on / read_only_depends_on in the browser with
its own evaluator (desk/src/lib/expressions.js, no eval). It must agree with the server's
(engine/expressions.py) on everything the server accepts: the same cases, run in both."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest

from sixhave_app.engine import expressions
from tests.conftest import REQUIRE_SERVICES
from tests.desk.conftest import ROOT

DOC = {"status": "去世", "is_mobile": 1, "n": 3, "amount": "12.5", "kind": "党课", "empty": "", "none": None,
       "zero": 0, "items": [{"score": 2}, {"score": 3}], "date": "2018-10-30", "tags": ["a", "b"], "name": "ZP-1"}
# the server reads dates from the database as dates; the browser holds them as ISO strings
DOC_SERVER = {**DOC, "date": dt.date(2018, 10, 30)}
CASES = [
    "eval:doc.status=='去世'", "eval:doc.is_mobile", "eval:!doc.is_mobile", "eval:!doc.apply_to_all_doctypes",
    "eval:doc.n > 2 && doc.kind === '党课'", "eval:doc.n >= 4 || doc.empty", "eval:doc.empty == null",
    "eval:doc.none === undefined", "eval:doc.zero != 0", "eval:doc.amount > 12", "eval:doc.amount + 1",
    "eval:doc.kind + '会'", "eval:doc.kind in ['党课', '支委会']", "eval:doc.kind not in ('党课',)",
    "eval:'b' in doc.tags", "eval:len(doc.items)", "eval:doc.items[1].score", "eval:doc.name[0:2]",
    "eval:doc.date.year == 2018", "eval:doc.date > '2018-01-01'", "eval:doc.n * 2 - 1", "eval:doc.n / 0",
    "eval:doc.n // 2", "eval:doc.n % 2", "eval:-doc.n", "eval:'x' if doc.n > 1 else 'y'", "eval:doc.get('kind')",
    "eval:doc.get('missing', 'd')", "eval:cint(doc.amount)", "eval:flt(doc.amount) * 2", "eval:max(doc.n, 5)",
    "eval:min([4, 2, 9])", "eval:abs(-doc.n)", "eval:round(2.5)", "eval:bool(doc.empty)", "eval:sum([1, 2, 3])",
    "eval:not doc.is_mobile and doc.n", "eval:doc.n == 3 and doc.kind", "eval:doc.tags", "eval:[]",
    "eval:doc.none is None", "eval:doc.n is not None", "eval:1 < doc.n < 5", "eval:kind", "is_mobile", "empty",
    "eval:doc.missing.deeper", "eval:str(doc.n) + '人'", "eval:int('7') + 1", "eval:{'a': 1}['a']",
]


def _node() -> str:
    node = shutil.which("node")
    if not node:
        if REQUIRE_SERVICES:
            pytest.fail("node is not installed")
        pytest.skip("node is not installed")
    return node


def _python(case):
    try:
        if case.startswith("eval:"):
            value = expressions.evaluate(case, DOC_SERVER)
        else:
            value = expressions.depends_on_true(case, DOC_SERVER)
        return {"value": json.loads(json.dumps(value, default=str)), "truthy": expressions.depends_on_true(case, DOC_SERVER)}
    except expressions.ExpressionError:
        return {"error": True}


def test_the_browser_evaluator_agrees_with_the_server():
    script = f"""
import {{ evaluate, dependsOnTrue, ExpressionError }} from {json.dumps(str(ROOT / 'desk/src/lib/expressions.js'))};
const doc = {json.dumps(DOC, ensure_ascii=False)};
const out = {{}};
for (const c of {json.dumps(CASES, ensure_ascii=False)}) {{
  try {{
    const v = c.startsWith('eval:') ? evaluate(c, doc) : dependsOnTrue(c, doc);
    out[c] = {{ value: v instanceof Map ? Object.fromEntries(v) : v, truthy: dependsOnTrue(c, doc) }};
  }} catch (e) {{ if (e instanceof ExpressionError) out[c] = {{ error: true }}; else throw e; }}
}}
console.log(JSON.stringify(out));
"""
    run = subprocess.run([_node(), "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    browser = json.loads(run.stdout)
    mismatches = []
    for case in CASES:
        server, client = _python(case), browser[case]
        if "error" in server or "error" in client:
            if server.get("error") != client.get("error"):
                mismatches.append((case, server, client))
            continue
        same_value = server["value"] == client["value"] or (
            isinstance(server["value"], (int, float)) and isinstance(client["value"], (int, float))
            and abs(float(server["value"]) - float(client["value"])) < 1e-9)
        if not same_value or server["truthy"] != client["truthy"]:
            mismatches.append((case, server, client))
    assert not mismatches, "\n".join(f"{c}: server {s} browser {b}" for c, s, b in mismatches)


def test_the_browser_evaluator_refuses_what_the_server_refuses():
    refused = ["eval:__import__('os')", "eval:doc._data", "eval:doc.kind.upper()", "eval:(lambda: 1)()", "eval:doc.n ="]
    script = f"""
import {{ compile }} from {json.dumps(str(ROOT / 'desk/src/lib/expressions.js'))};
const out = {{}};
for (const c of {json.dumps(refused)}) {{ try {{ compile(c); out[c] = 'accepted' }} catch (e) {{ out[c] = 'refused' }} }}
console.log(JSON.stringify(out));
"""
    run = subprocess.run([_node(), "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    browser = json.loads(run.stdout)
    for case in refused:
        with pytest.raises(expressions.ExpressionError):
            expressions.compile_expression(case)
        assert browser[case] == "refused", case
