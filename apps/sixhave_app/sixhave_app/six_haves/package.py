"""The electronic submission package (plan §四: by end of October each district sends the city its
branches' 达标自评表 and its demonstration applications, "two paper copies plus electronic files"):
per district and year one zip with every 自评表 as PDF, each 示范党支部创建申报表 as PDF with its
attachments, and the 达标情况汇总表 workbook. Built as a background job, as the user who asked, so
only what that user may read and print goes in."""
from __future__ import annotations

import zipfile
from pathlib import Path

from sixhave_app.engine import excel, files, jobs, permissions, print_jobs
from sixhave_app.engine.errors import DoesNotExistError

SUMMARY_HEADERS = [("party_org", "党组织", 30), ("org", "所属组织", 16), ("sector", "领域", 10),
                   ("workflow_state", "审批状态", 14), ("self_total", "自评总分", 10), ("self_result", "自评结论", 10),
                   ("district_total", "区级（单位）总分", 14), ("district_result", "区级（单位）结论", 14),
                   ("city_total", "市级总分", 10), ("city_result", "市级结论", 10)]


def _in_district(district: str, year: int) -> list:
    return [["year", "=", int(year)], ["org", "descendants of (inclusive)", district]]


def summary_workbook(ctx, district: str, year: int, path: Path) -> int:
    """达标情况汇总表: one row per branch with its totals and results at each level, and the pass
    rate of the district and of each unit under it."""
    rows = ctx.get_list("Self Assessment", filters=_in_district(district, year),
                        fields=[k for k, _, _ in SUMMARY_HEADERS], order_by="org asc, party_org asc", limit_page_length=0)
    book = excel.new_book()
    sheet = excel.SheetWriter(book, f"{year}年达标情况汇总表", ["序号"] + [h for _, h, _ in SUMMARY_HEADERS],
                              widths=[6] + [w for _, _, w in SUMMARY_HEADERS],
                              formats=[None] + ["0.0" if k.endswith("_total") else None for k, _, _ in SUMMARY_HEADERS])
    for i, row in enumerate(rows, start=1):
        sheet.append([i] + [row.get(k) for k, _, _ in SUMMARY_HEADERS])
    rates = excel.SheetWriter(book, "达标率", ["单位", "自评表份数", "区级审核达标", "市级考评达标", "达标率"],
                              widths=[24, 12, 14, 14, 10], formats=[None, "0", "0", "0", "0.0%"])
    units: dict[str, list] = {}
    for row in rows:
        units.setdefault(row.get("org") or district, []).append(row)
    for unit, members in list(units.items()) + [(f"{district}（合计）", rows)]:
        passed_city = sum(1 for r in members if r.get("city_result") == "达标")
        passed_district = sum(1 for r in members if r.get("district_result") == "达标")
        rates.append([unit, len(members), passed_district, passed_city, (passed_city / len(members)) if members else None])
    book.save(path)
    return len(rows)


def _attachments(ctx, doctype: str, name: str) -> list[tuple[str, Path]]:
    """Files attached to a document (its Attach fields and File records), as (name, path)."""
    found: dict[str, Path] = {}
    urls = set(ctx.get_all("File", filters={"attached_to_doctype": doctype, "attached_to_name": name},
                           pluck="file_url", ignore_permissions=True))
    doc = ctx.get_doc(doctype, name)
    for f in doc.meta.data_fields:
        if f.kind.attach and doc.get(f.fieldname):
            urls.add(doc.get(f.fieldname))
    for url in sorted(u for u in urls if u):
        path = files.path_of(ctx.site, url)
        if path is not None and files.may_read(ctx, url):
            found[files.display_name(ctx, url, path)] = path
    return sorted(found.items())


@jobs.reads_only
def build(ctx, job, district: str, year: int) -> dict:
    """The package job: PDFs, attachments and the summary workbook, zipped into the job's result."""
    year = int(year)
    if not ctx.exists("Org Unit", district):
        raise DoesNotExistError(f"单位“{district}”不存在")
    permissions.check(ctx, "Org Unit", "read", ctx.get_doc("Org Unit", district))  # scope: 404 outside it
    assessments = ctx.get_list("Self Assessment", filters=_in_district(district, year), pluck="name",
                               order_by="org asc, party_org asc", limit_page_length=0)
    applications = []
    if permissions.has_permission(ctx, "Demonstration Application", "print"):
        applications = ctx.get_list("Demonstration Application", filters=_in_district(district, year), pluck="name",
                                    order_by="name asc", limit_page_length=0)
    attached = {name: _attachments(ctx, "Demonstration Application", name) for name in applications}
    total = len(assessments) + len(applications) + sum(len(v) for v in attached.values()) + 1
    done = 0
    file_name = files.safe_filename(f"{district}{year}年六有一提升申报材料.zip")
    sheets, folders = set(), set()  # the names each folder of the archive holds
    with zipfile.ZipFile(job.result_path(file_name), "w", zipfile.ZIP_DEFLATED) as archive:
        for name in assessments:
            pdf_name, pdf = print_jobs.named_pdf(ctx, "Self Assessment", name, used=sheets)
            archive.writestr(f"达标自评表/{pdf_name}", pdf)
            done += 1
            job.progress(done, total, note="达标自评表")
        for name in applications:
            pdf_name, pdf = print_jobs.named_pdf(ctx, "Demonstration Application", name, used=folders)
            folder = f"示范党支部创建申报表/{pdf_name.removesuffix('.pdf')}"
            archive.writestr(f"{folder}/申报表.pdf", pdf)
            done += 1
            for file_name_in, path in attached[name]:
                archive.write(path, f"{folder}/附件/{files.safe_filename(file_name_in)}")
                done += 1
            job.progress(done, total, note="示范党支部创建申报表")
        summary = job.result_path("summary.xlsx")
        summary_workbook(ctx, district, year, summary)
        archive.write(summary, f"{year}年达标情况汇总表.xlsx")
        summary.unlink()
        done += 1
        job.progress(done, total, note="达标情况汇总表")
    return {"file_name": file_name, "assessments": len(assessments), "applications": len(applications),
            "attachments": sum(len(v) for v in attached.values())}
