"""Excel exchange in the programme's words: a district downloads its branches' sheets awaiting its
review, fills the district scores offline and uploads them back (every bad cell reported, nothing
written until all are right, only the district's columns in the district-review state); the
district's electronic submission package; a batch of 自评表 PDFs on a real RQ worker."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from sixhave_app.engine import jobs, print_batch, print_jobs, worker, workflow
from sixhave_app.six_haves import package, score_exchange
from tests.conftest import unique


def _district(site, roles=("区级审核员",)):
    """A district with two branches whose sheets await district review, a third still a draft,
    another district's sheet, and a reviewer of the first district."""
    with site.context() as ctx:
        from tests.api.conftest import ensure_template  # noqa: F401 - the 2018 template exists after migrate

        district = ctx.insert({"doctype": "Org Unit", "unit_name": unique("区"), "level": "市（县）区"}).name
        other = ctx.insert({"doctype": "Org Unit", "unit_name": unique("外区"), "level": "市（县）区"}).name
        names = {}
        for key, unit in (("a", district), ("b", district), ("draft", district), ("other", other)):
            branch = ctx.insert({"doctype": "Party Organization", "org_name": unique(f"支部{key}"), "org_type": "党支部",
                                 "sector": "机关", "parent_unit": unit}).name
            doc = ctx.insert({"doctype": "Self Assessment", "party_org": branch, "year": 2018})
            for row in doc.items:
                row.self_score = row.points
            doc.save()
            names[key] = doc.name
        user = f"{unique('rev')}@example.cn"
        ctx.insert({"doctype": "User", "email": user, "first_name": "审核", "roles": [{"role": r} for r in roles]})
        ctx.insert({"doctype": "User Permission", "user": user, "allow": "Org Unit", "for_value": district})
    for key in ("a", "b", "other"):
        with site.context() as ctx:
            workflow.apply_action(ctx, "Self Assessment", names[key], "提交")
    return district, names, user


def _download(site, user, tmp_path) -> tuple:
    path = tmp_path / "scores.xlsx"
    with site.context(user=user, write=False) as ctx:
        count = score_exchange.download(ctx, 2018, path)
    return count, load_workbook(path)


def test_a_district_downloads_only_its_sheets_awaiting_review_one_row_per_item(site, tmp_path):
    district, names, user = _district(site)
    count, book = _download(site, user, tmp_path)
    assert count == 2
    sheet = book[score_exchange.SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == ("自评表ID", "党组织", "所属组织", "审批状态", "类别", "编号", "考核内容", "评分标准", "分值")
    ids = {r[0] for r in rows[1:]}
    assert ids == {names["a"], names["b"]}  # not the draft, not another district's
    assert len(rows) - 1 == 2 * 36
    header = rows[0]
    first = dict(zip(header, rows[1]))
    assert first["审批状态"] == "区级/单位审核" and first["分值"] > 0 and first["自评得分"] == first["分值"]
    assert first["区级（单位）得分"] is None
    assert "填写说明" in book.sheetnames


def _fill(book, score_for) -> bytes:
    sheet = book[score_exchange.SHEET]
    header = [c.value for c in sheet[1]]
    col = header.index("区级（单位）得分") + 1
    remark = header.index("区级（单位）说明") + 1
    for i, row in enumerate(sheet.iter_rows(min_row=2), start=2):
        values = dict(zip(header, [c.value for c in row]))
        value = score_for(i, values)
        sheet.cell(row=i, column=col, value=value)
        if value is not None and values["分值"] and value != values["分值"]:
            sheet.cell(row=i, column=remark, value="台账不全")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_district_scores_come_back_through_the_workflow(site, tmp_path):
    district, names, user = _district(site)
    _, book = _download(site, user, tmp_path)
    data = _fill(book, lambda i, v: v["分值"] - 0.5 if v["编号"] == v["编号"] and i % 7 == 0 else v["分值"])
    with site.context(user=user) as ctx:
        result = score_exchange.upload(ctx, data)
    assert result["problems"] == [] and sorted(result["updated"]) == sorted([names["a"], names["b"]])
    with site.context(write=False) as ctx:
        doc = ctx.get_doc("Self Assessment", names["a"])
        assert all(r.district_score is not None for r in doc.items)
        assert doc.district_total == sum(Decimal(str(r.district_score)) for r in doc.items)
        lowered = [r for r in doc.items if r.district_score < r.points]
        assert lowered and all(r.district_remark == "台账不全" for r in lowered)
        assert doc.workflow_state == "区级/单位审核"  # scores filled; the reviewer still decides
    # the same file again changes nothing
    with site.context(user=user) as ctx:
        again = score_exchange.upload(ctx, data)
    assert again["updated"] == [] and sorted(again["unchanged"]) == sorted([names["a"], names["b"]])


def test_a_scores_workbook_with_bad_cells_writes_nothing_and_names_each_cell(site, tmp_path):
    district, names, user = _district(site)
    _, book = _download(site, user, tmp_path)

    def bad(i, v):
        return {3: "五分", 4: -1, 5: 999}.get(i, v["分值"])

    data = _fill(book, bad)
    with site.context(user=user) as ctx:
        result = score_exchange.upload(ctx, data)
    cells = {(p["row"], p["column"]) for p in result["problems"]}
    assert {(3, "区级（单位）得分"), (4, "区级（单位）得分"), (5, "区级（单位）得分")} <= cells
    assert all(p["sheet"] == score_exchange.SHEET for p in result["problems"])
    assert any("超过" in p["reason"] for p in result["problems"]) and any("负数" in p["reason"] for p in result["problems"])
    assert result["updated"] == []
    with site.context(write=False) as ctx:
        assert all(r.district_score is None for r in ctx.get_doc("Self Assessment", names["b"]).items)


def test_scores_for_sheets_outside_the_review_state_or_scope_are_refused(site, tmp_path):
    district, names, user = _district(site)
    _, book = _download(site, user, tmp_path)
    sheet = book[score_exchange.SHEET]
    sheet.cell(row=2, column=1, value=names["draft"])  # a draft: the district may not score it yet
    sheet.cell(row=40, column=1, value=names["other"])  # another district's sheet
    data = _fill(book, lambda i, v: v["分值"])
    with site.context(user=user) as ctx:
        result = score_exchange.upload(ctx, data)
    reasons = " ".join(p["reason"] for p in result["problems"])
    assert "不存在或不在您的权限范围内" in reasons and "不能修改" in reasons
    assert result["updated"] == []


def test_the_electronic_package_holds_the_pdfs_attachments_and_summary(site):
    district, names, user = _district(site, roles=("区级审核员", "区级管理员"))
    with site.context(user=user) as ctx:
        job = jobs.enqueue(ctx, "sixhave_app.six_haves.package.build", queue="long", district=district, year=2018)
    with site.context(user=user, write=False) as ctx:
        info = jobs.status(ctx, job)
    assert info["status"] == "finished", info
    assert info["done"] == info["total"] and info["result"]["assessments"] == 3
    path = jobs.result_folder(site, job) / info["result_name"]
    with zipfile.ZipFile(path) as archive:
        entries = archive.namelist()
        pdfs = [e for e in entries if e.startswith("达标自评表/")]
        assert len(pdfs) == 3 and all(archive.read(e)[:4] == b"%PDF" for e in pdfs)
        summary = load_workbook(io.BytesIO(archive.read("2018年达标情况汇总表.xlsx")))
    rows = list(summary.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "党组织", "所属组织") and len(rows) == 4
    assert not any(names["other"] in e for e in entries)


def _assessments(site, count: int) -> list[str]:
    with site.context() as ctx:
        district = ctx.insert({"doctype": "Org Unit", "unit_name": unique("批区"), "level": "市（县）区"}).name
        out = []
        for i in range(count):
            branch = ctx.insert({"doctype": "Party Organization", "org_name": unique("批支部"), "org_type": "党支部",
                                 "sector": "社区", "parent_unit": district}).name
            out.append(ctx.insert({"doctype": "Self Assessment", "party_org": branch, "year": 2018}).name)
    return out


def test_a_pdf_batch_runs_in_process_without_redis(site):
    names = _assessments(site, 3)
    with site.context() as ctx:
        batch = print_jobs.start_batch(ctx, "Self Assessment", names, chunk=2)
    with site.context(write=False) as ctx:
        info = jobs.status(ctx, batch)
    assert info["status"] == "finished" and (info["done"], info["total"]) == (3, 3)
    with zipfile.ZipFile(jobs.result_folder(site, batch) / info["result_name"]) as archive:
        assert len(archive.namelist()) == 3
        entries = archive.namelist()
    # named as every other door names a document's PDF (one function), in the batch's order
    with site.context(write=False) as ctx:
        expected = [print_batch.pdf_name(ctx.get_doc("Self Assessment", name)) for name in names]
        assert entries == expected
        assert print_batch.to_bytes(ctx, "Self Assessment", names, None, as_zip=True)[1].files == expected


def test_a_documents_pdf_is_named_by_its_title_and_kept_apart_in_one_archive(ctx):
    title = unique("同名")
    first, second = (ctx.insert({"doctype": "Test Note", "title": title}) for _ in range(2))
    untitled = ctx.insert({"doctype": "Test Note", "title": unique("无题")})
    untitled.title = None  # no title of its own: the name stands for it
    used: set[str] = set()
    assert [print_batch.pdf_name(d, used) for d in (first, second, untitled)] == \
        [f"{title}.pdf", f"{title}（2）.pdf", f"{untitled.name}.pdf"]
    assert print_batch.pdf_name(second) == f"{title}.pdf"  # alone, no archive to keep apart from
    assert print_batch.unique(f"{title}.pdf", used) == f"{title}（3）.pdf"


@pytest.mark.redis
def test_a_pdf_batch_on_a_real_rq_worker_with_progress_read_back(site_factory, backend):
    from tests.engine.test_jobs import _wait, worker_process

    site = site_factory(backend, redis=True)
    names = _assessments(site, 6)
    with site.context() as ctx:
        batch = print_jobs.start_batch(ctx, "Self Assessment", names, chunk=2)
    with site.context(write=False) as ctx:
        assert jobs.status(ctx, batch)["status"] == "queued"

    def seen():
        with site.context(write=False) as ctx:
            info = jobs.status(ctx, batch)
        return info if 0 < info["done"] < 6 else None

    proc = worker_process(site, "--burst", "--queue", "long")
    try:
        middle = _wait(seen, timeout=120, every=0.05)
        assert middle["total"] == 6
        assert proc.wait(timeout=180) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    with site.context(write=False) as ctx:
        info = jobs.status(ctx, batch)
    assert info["status"] == "finished" and (info["done"], info["total"]) == (6, 6)
    with zipfile.ZipFile(jobs.result_folder(site, batch) / info["result_name"]) as archive:
        assert len(archive.namelist()) == 6 and all(archive.read(n)[:4] == b"%PDF" for n in archive.namelist())
