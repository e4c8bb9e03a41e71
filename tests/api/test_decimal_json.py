"""Decimals leave the server exactly as stored: every REST answer writes a Decimal as a JSON number
from its own text, never through a float (api/responses.py: decimal_json)."""
from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from sixhave_app.engine import auth
from tests.conftest import unique

# 19 significant digits in a 6-place field: a float keeps about 16, and says 1234567890123.4568.
WIDE = "1234567890123.456789"
PROBE = {"name": "Decimal Probe", "module": "Custom", "custom": 1, "autoname": "hash",
         "fields": [{"fieldname": "title", "fieldtype": "Data", "label": "标题"},
                    {"fieldname": "amount", "fieldtype": "Currency", "label": "金额"},
                    {"fieldname": "rate", "fieldtype": "Currency", "label": "单价", "precision": "6"}],
         "permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1}]}


@pytest.fixture(scope="module")
def probe(site_factory, backend):
    """A site of its own with a custom DocType holding a 6-place Currency field, served over HTTP."""
    from tests.api.conftest import LiveServer

    site = site_factory(backend)
    with site.context() as ctx:
        ctx.new_doc("DocType", PROBE).insert()
        keys = auth.generate_keys(ctx, "Administrator")
    live = LiveServer(site)
    live.start()
    with httpx.Client(base_url=live.url, timeout=30,
                      headers={"Authorization": f"token {keys['api_key']}:{keys['api_secret']}"}) as client:
        yield client
    live.stop()


def exact(response):
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


def test_document_answers_write_decimals_from_their_text(probe):
    title = unique("dec-json")
    created = exact(probe.post("/api/resource/Decimal Probe",
                              json={"title": title, "amount": "12345678901.23", "rate": WIDE}))["data"]
    assert created["amount"] == Decimal("12345678901.23") and created["rate"] == Decimal(WIDE)
    one = probe.get(f"/api/resource/Decimal Probe/{created['name']}")
    assert exact(one)["data"]["rate"] == Decimal(WIDE)
    assert '"amount":12345678901.23' in one.text  # a number, not a string
    rows = exact(probe.get("/api/resource/Decimal Probe",
                          params={"fields": '["amount", "rate"]', "filters": json.dumps({"title": title})}))["data"]
    assert rows == [{"amount": Decimal("12345678901.23"), "rate": Decimal(WIDE)}]
    doc = exact(probe.get("/api/method/frappe.client.get",
                         params={"doctype": "Decimal Probe", "name": created["name"]}))["message"]
    assert doc["rate"] == Decimal(WIDE)


def test_sums_of_tenths_stay_exact(probe):
    title = unique("dec-sum")
    for amount in ("0.1", "0.2"):
        exact(probe.post("/api/resource/Decimal Probe", json={"title": title, "amount": amount, "rate": amount}))
    response = probe.get("/api/resource/Decimal Probe",
                        params={"fields": '["sum(amount) as total", "sum(rate) as rates"]',
                                "filters": json.dumps({"title": title})})
    [row] = exact(response)["data"]
    assert row == {"total": Decimal("0.3"), "rates": Decimal("0.3")}
    assert '"total":0.30,' in response.text and '"rates":0.300000}' in response.text  # the field's places kept
