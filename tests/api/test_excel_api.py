"""Excel exchange and jobs through the REST API, as the desk and Frappe clients use them: the
import template, a Data Import from upload to preview to import, the failed rows, exports as
background jobs, and job results served to their owner alone."""
from __future__ import annotations

import io
import json
import time

from openpyxl import Workbook, load_workbook

from tests.conftest import unique

DI = "frappe.core.doctype.data_import.data_import"


def _book(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _job(http, person, name, timeout=60) -> dict:
    deadline = time.time() + timeout
    while True:
        info = http.get("/api/method/sixhave.jobs.status", headers=person.token, params={"name": name}).json()["message"]
        if info["status"] in ("finished", "failed") or time.time() > deadline:
            return info
        time.sleep(0.2)


def _data_import(http, person, content: bytes, import_type="Insert New Records", only_valid=0) -> str:
    r = http.post("/api/resource/Data Import", headers=person.token,
                  json={"reference_doctype": "Test Note", "import_type": import_type, "only_valid_rows": only_valid})
    assert r.status_code == 200, r.text
    name = r.json()["data"]["name"]
    up = http.post("/api/method/upload_file", headers=person.token,
                   data={"doctype": "Data Import", "docname": name, "fieldname": "import_file", "is_private": "1"},
                   files={"file": ("名册.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert up.status_code == 200, up.text
    return name


def test_the_template_is_served_under_frappes_method_name(http, world):
    admin = world["sysman"]
    r = http.get(f"/api/method/{DI}.download_template", headers=admin.token,
                 params={"doctype": "Test Note", "file_type": "Excel", "export_records": "blank_template"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in book.worksheets[0][1]][0] == "标题 *" and "填写说明" in book.sheetnames
    refused = http.get(f"/api/method/{DI}.download_template", headers=world["nobody"].token, params={"doctype": "Test Note"})
    assert refused.status_code == 403


def test_upload_preview_import_through_the_api(http, world):
    admin = world["sysman"]
    tag = unique("接口")
    name = _data_import(http, admin, _book([["标题", "数量", "截止日期"], [f"{tag}-1", 1, "2024-05-01"], [f"{tag}-2", 2, None]]))
    preview = http.post(f"/api/method/{DI}.get_preview_from_template", headers=admin.token, json={"data_import": name})
    assert preview.status_code == 200, preview.text
    body = preview.json()["message"]
    assert body["problems"] == [] and body["total"] == 2
    assert http.get("/api/resource/Test Note", headers=admin.token,
                    params={"filters": json.dumps([["title", "like", f"{tag}%"]])}).json()["data"] == []  # a preview writes nothing
    started = http.post(f"/api/method/{DI}.form_start_import", headers=admin.token, json={"data_import": name}).json()["message"]
    info = _job(http, admin, started["job"])
    assert info["status"] == "finished" and (info["done"], info["total"]) == (2, 2)
    status = http.get(f"/api/method/{DI}.get_import_status", headers=admin.token, params={"data_import_name": name}).json()["message"]
    assert status["status"] == "Success" and status["success"] == 2
    rows = http.get("/api/resource/Test Note", headers=admin.token,
                    params={"filters": json.dumps([["title", "like", f"{tag}%"]]), "fields": '["title", "qty"]'}).json()["data"]
    assert sorted((r["title"], r["qty"]) for r in rows) == [(f"{tag}-1", 1), (f"{tag}-2", 2)]


def test_a_bad_workbook_is_refused_whole_and_its_failed_rows_are_the_importers(http, world):
    admin, other = world["sysman"], world["liangxi_admin"]
    tag = unique("坏")
    name = _data_import(http, admin, _book([["标题", "数量", "状态"], [f"{tag}-1", "二", "Open"], [f"{tag}-2", 2, "Nope"],
                                            [f"{tag}-3", 3, "Open"]]))
    preview = http.post(f"/api/method/{DI}.get_preview_from_template", headers=admin.token, json={"data_import": name}).json()["message"]
    assert [(p["row"], p["column"]) for p in preview["problems"]] == [(2, "数量"), (3, "状态")]
    assert all(p["sheet"] == "Sheet" and p["message"].startswith("工作表“Sheet”第") for p in preview["problems"])
    started = http.post(f"/api/method/{DI}.form_start_import", headers=admin.token, json={"data_import": name}).json()["message"]
    assert _job(http, admin, started["job"])["status"] == "finished"
    status = http.get(f"/api/method/{DI}.get_import_status", headers=admin.token, params={"data_import_name": name}).json()["message"]
    assert status["status"] == "Error" and status["success"] == 0 and status["failed"] == 2
    assert http.get("/api/resource/Test Note", headers=admin.token,
                    params={"filters": json.dumps([["title", "like", f"{tag}%"]])}).json()["data"] == []
    failed = http.get(f"/api/method/{DI}.download_errored_template", headers=admin.token, params={"data_import_name": name})
    assert failed.status_code == 200
    rows = list(load_workbook(io.BytesIO(failed.content)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "错误原因" and [r[0] for r in rows[1:]] == [f"{tag}-1", f"{tag}-2"]
    for path, params in ((f"{DI}.download_errored_template", {"data_import_name": name}),
                         ("sixhave.jobs.download", {"name": started["job"]}), ("sixhave.jobs.status", {"name": started["job"]})):
        assert http.get(f"/api/method/{path}", headers=other.token, params=params).status_code in (403, 404)


def test_an_export_job_is_the_owners(http, world):
    admin, other = world["sysman"], world["liangxi_admin"]
    tag = unique("导出")
    for i in range(3):
        assert http.post("/api/resource/Test Note", headers=admin.token, json={"title": f"{tag}-{i}", "qty": i}).status_code == 200
    started = http.post("/api/method/sixhave.export.start", headers=admin.token,
                        json={"doctype": "Test Note", "filters": json.dumps([["title", "like", f"{tag}%"]]),
                              "order_by": "title asc"}).json()["message"]
    info = _job(http, admin, started["job"])
    assert info["status"] == "finished" and info["result"]["rows"] == 3
    mine = http.get(info["result_url"], headers=admin.token)
    assert mine.status_code == 200
    sheet = load_workbook(io.BytesIO(mine.content)).worksheets[0]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == [f"{tag}-0", f"{tag}-1", f"{tag}-2"]
    assert http.get(info["result_url"], headers=other.token).status_code in (403, 404)
    listed = http.get("/api/resource/Background Job", headers=other.token, params={"limit_page_length": 500}).json()["data"]
    assert started["job"] not in {r["name"] for r in listed}
    assert http.get(f"/api/resource/Background Job/{started['job']}", headers=other.token).status_code in (403, 404)
    assert http.get(f"/api/resource/Background Job/{started['job']}", headers=admin.token).json()["data"]["status"] == "finished"
