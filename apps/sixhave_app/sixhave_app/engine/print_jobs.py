"""PDF batches as background jobs: the documents are split into chunks that any number of RQ
workers render in parallel, each chunk adding to the batch's progress; a last job, run by RQ once
every chunk has finished, zips the PDFs into the batch's result file. The batch job is the one the
user follows (done/total, result, error); without Redis the chunks run in-process, in order.

Rendering goes through `named_pdf`, the print entry point: the DocType's default print format
(e.g. 达标自评表) unless the batch names one, each file named by `print_batch.pdf_name`."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import sqlalchemy as sa

from . import files, jobs, permissions, print_batch, printing

CHUNK = 20      # the most documents one job renders
SPREAD = 16     # a batch is cut into at least this many jobs when it has the documents for it, so
                # that two (or eight) workers end together instead of one waiting on a last big chunk


def named_pdf(ctx, doctype: str, name: str, print_format: str | None = None,
              used: set[str] | None = None) -> tuple[str, bytes]:
    """One document as PDF, with the same read, print and field rights as the print button, and
    its file name (`print_batch.pdf_name`, unique within `used`)."""
    doc = print_batch.printable(ctx, doctype, name)
    return print_batch.pdf_name(doc, used), printing.html_to_pdf(printing.render_document(ctx, doc, print_format).html)


def start_batch(ctx, doctype: str, names: list[str], *, file_name: str | None = None, title: str | None = None,
                chunk: int | None = None, print_format: str | None = None) -> str:
    """Queue the batch; returns the job to follow. Every document is checked now (read and print
    rights, scope), so a batch never fails half-way for a document the user may not print."""
    meta = ctx.meta(doctype)
    permissions.check(ctx, doctype, "print")
    printing.format_for(ctx, doctype, print_format)  # an unknown or foreign format fails now, not in a worker
    for name in names:
        permissions.check(ctx, doctype, "print", ctx.get_doc(doctype, name))
    file_name = files.safe_filename(file_name or f"{meta.display_name}.zip")
    chunk = chunk or max(1, min(CHUNK, -(-len(names) // SPREAD)))
    chunks = [names[i:i + chunk] for i in range(0, len(names), chunk)] or [[]]
    batch = jobs.record(ctx, "sixhave_app.engine.print_jobs.zip_batch", queue="long", retries=1,
                        job_title=title or f"批量打印{meta.display_name}（{len(names)} 份）", total=len(names),
                        file_name=file_name)
    parts = [jobs.enqueue(ctx, "sixhave_app.engine.print_jobs.render_chunk", queue="long",
                          job_title=f"{meta.display_name} 第 {i}/{len(chunks)} 批", retries=1,
                          batch=batch.name, doctype=doctype, names=part, print_format=print_format,
                          first=(i - 1) * chunk)
             for i, part in enumerate(chunks, start=1)]
    return jobs.dispatch_later(ctx, batch, depends_on=parts)


def _parts_folder(site, batch: str) -> Path:
    return jobs.result_folder(site, batch) / ".parts"


@jobs.reads_only
def render_chunk(ctx, job, batch: str, doctype: str, names: list[str], print_format: str | None = None,
                 first: int = 0) -> dict:
    """Render one chunk into the batch's parts folder, each file led by its place in the batch
    (`first`: the chunk's offset) so that the zip keeps the batch's order and same titles apart."""
    folder = _parts_folder(ctx.site, batch)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for i, name in enumerate(names, start=1):
            filename, pdf = named_pdf(ctx, doctype, name, print_format)
            target = folder / f"{first + i:06d}-{filename}"
            partial = target.with_name(f".{target.name}.part")
            partial.write_bytes(pdf)
            partial.replace(target)
            job.progress(i, len(names))
            jobs.advance(ctx.site, batch, 1)
    except Exception as exc:
        if job.final:
            jobs.fail(ctx.site, batch, f"批量打印失败：{getattr(exc, 'message', None) or exc}", final=True)
        raise
    return {"pdfs": len(names)}


@jobs.reads_only
def zip_batch(ctx, job, file_name: str) -> dict:
    folder = _parts_folder(ctx.site, job.name)
    files = sorted(folder.glob("*.pdf")) if folder.exists() else []
    used: set[str] = set()
    with zipfile.ZipFile(job.result_path(file_name), "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        # PDFs are compressed already: the fastest level keeps the one serial step short
        for path in files:
            archive.write(path, print_batch.unique(path.name.split("-", 1)[1], used))  # without its place
    shutil.rmtree(folder, ignore_errors=True)
    job.progress(len(files), len(files))
    return {"pdfs": len(files), "file_name": file_name}


def batch_progress(ctx, batch: str) -> tuple[int, int]:
    table = ctx.table(jobs.DOCTYPE)
    row = ctx.conn.execute(sa.select(table.c.done, table.c.total).where(table.c.name == batch)).first()
    return (int(row.done or 0), int(row.total or 0)) if row else (0, 0)
