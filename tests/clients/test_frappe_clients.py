"""Unmodified Frappe clients against a running sixhave: frappe-connector (PyPI) and frappe-js-sdk
(npm), both installed from their registries by `make install`."""
import shutil
import subprocess
from pathlib import Path

import pytest
from frappe_connector import FrappeConnector
from frappe_connector.connector import LoginFailedError, ServerError

from tests.conftest import unique

JS = Path(__file__).parent / "js"


def test_python_frappe_connector(server, world):
    person = world["sysman"]
    with FrappeConnector(server.url, username=person.name, password=person.password) as client:
        assert client.get_api("frappe.auth.get_logged_user") == person.name
    with pytest.raises(LoginFailedError):
        FrappeConnector(server.url, username=person.name, password="wrong")
    with pytest.raises(ServerError) as err:
        FrappeConnector(server.url).get_list("Test Note")
    assert err.value.exc_type == "PermissionError"

    client = FrappeConnector(server.url, api_key=person.api_key, api_secret=person.api_secret)
    tag = unique("py")
    docs = [client.create_doc({"doctype": "Test Note", "title": f"{tag}-{i}", "qty": q, "details": tag}) for i, q in enumerate([2, 7, 4])]
    assert docs[0]["title"] == f"{tag}-0"
    rows = client.get_list("Test Note", fields=["name", "qty"], filters={"details": tag}, order_by="qty desc", page_size=2)
    assert [r["qty"] for r in rows] == [7, 4]
    assert len(client.get_list("Test Note", filters={"details": tag}, page_size=0)) == 3
    assert len(client.get_list("Test Note", fields=["qty"], filters={"details": tag}, offset=1, page_size=5, order_by="qty asc")) == 2
    got = client.get_doc("Test Note", docs[1]["name"])
    assert got["qty"] == 7
    assert client.get_doc("Test Note", filters={"title": f"{tag}-2"})["qty"] == 4
    updated = client.update_doc({"doctype": "Test Note", "name": docs[1]["name"], "qty": 8})
    assert updated["qty"] == 8
    assert client.get_api("frappe.client.get_count", {"doctype": "Test Note", "filters": {"details": tag}}) == 3
    assert client.get_api("frappe.client.get_value", {"doctype": "Test Note", "fieldname": "qty",
                                                      "filters": {"name": docs[0]["name"]}}) == {"qty": 2}
    assert client.post_api("frappe.ping") == "pong"
    invoice = client.create_doc({"doctype": "Test Invoice", "customer": "客户"})
    assert client.submit_doc(invoice)["docstatus"] == 1
    assert client.post_api("frappe.client.cancel", {"doctype": "Test Invoice", "name": invoice["name"]})["docstatus"] == 2
    with pytest.raises(ServerError) as err:
        client.create_doc({"doctype": "Test Note", "qty": 1})
    assert err.value.exc_type == "MandatoryError"
    with pytest.raises(ServerError) as err:
        client.get_doc("Test Note", "no-such-note")
    assert err.value.exc_type == "DoesNotExistError"
    rec = client.create_doc({"doctype": "Test Org Record", "title": "改名", "org": "梁溪区"})
    new_name = f"py/{unique()}"
    assert client.rename_doc("Test Org Record", rec["name"], new_name) == new_name
    client.delete_doc("Test Note", docs[0]["name"])
    with pytest.raises(ServerError):
        client.get_doc("Test Note", docs[0]["name"])
    client.close()


def test_js_frappe_sdk(server, world):
    node = shutil.which("node")
    assert node, "node is needed for the JavaScript client test (make install names it)"
    assert (JS / "node_modules" / "frappe-js-sdk").exists(), "run make install (npm install in tests/clients/js)"
    person = world["sysman"]
    result = subprocess.run([node, str(JS / "scenario.cjs"), server.url, person.api_key, person.api_secret,
                             person.name, person.password], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ALL OK" in result.stdout
