"""Batch printing: many documents through one format, as one merged PDF (each document keeps its
own "第 N 页 共 M 页"; laid out CHUNK at a time, each chunk written with its fonts subset once,
the chunks then joined with pypdf) or as a zip of PDFs named by each document's title. Written to a path or a
binary stream as it goes, with a progress callback, so that a background job can run it and
report how far it is."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

from . import permissions, printing
from .errors import DoesNotExistError, ValidationError

MAX_DOCUMENTS = 5000
CHUNK = 50  # documents laid out and written together before the next chunk (memory stays flat)
Progress = Callable[[int, int, str], None]  # (done, total, document name)


@dataclass
class BatchResult:
    documents: int = 0
    pages: int = 0
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # names the user may not print (out of scope)


def names_for(ctx, doctype: str, filters=None, order_by: str | None = None) -> list[str]:
    """The documents a batch covers: the user's own list with these filters (scope applies)."""
    return ctx.get_list(doctype, filters=filters, pluck="name", order_by=order_by, limit_page_length=MAX_DOCUMENTS + 1,
                        ptype="print")


def pdf_name(doc, used: set[str] | None = None) -> str:
    """A document's PDF file name, the same from every door that makes one (batches, PDF jobs, the
    district's package): its title, else its name, made safe for a file system; within one archive
    (`used`: the names it already holds) a repeated one becomes "<title>（2）.pdf", "（3）"…"""
    meta = doc.meta
    title = doc.get(meta.title_field) if meta.title_field and doc.get(meta.title_field) else doc.name
    filename = printing.pdf_filename(str(title))
    return unique(filename, used) if used is not None else filename


def printable(ctx, doctype: str, name: str):
    """One document the user may print: the read right and scope (out of scope: "does not
    exist"), then the print right on it. Every print door — the print button, batches, PDF
    jobs — asks this."""
    doc = ctx.get_doc(doctype, name)
    permissions.check(ctx, doctype, "print", doc)
    return doc


def print_batch(ctx, doctype: str, names: list[str], format_name: str | None, target: str | Path | BinaryIO, *,
                as_zip: bool = False, progress: Progress | None = None, letter_head: str | None = None,
                no_letterhead: bool = False, skip_denied: bool = False) -> BatchResult:
    """Render `names` of `doctype` through `format_name` into `target` (a path or a writable
    binary stream): one merged PDF, or with `as_zip` a zip of one PDF per document."""
    if not names:
        raise ValidationError("没有可打印的单据")
    if len(names) > MAX_DOCUMENTS:
        raise ValidationError(f"一次最多批量打印 {MAX_DOCUMENTS} 份")
    printing.format_for(ctx, doctype, format_name)  # fail early on an unknown or wrong format
    result = BatchResult()
    total = len(names)
    archive = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) if as_zip else None
    documents, chunks = [], []
    used: set[str] = set()
    fonts = printing.font_configuration()  # shared: one copy of the CJK fonts for the whole batch
    try:
        for done, name in enumerate(names, start=1):
            try:
                doc = printable(ctx, doctype, name)
            except DoesNotExistError:
                if not skip_denied:
                    raise
                result.skipped.append(name)
                continue
            printed = printing.render_document(ctx, doc, format_name, letter_head=letter_head, no_letterhead=no_letterhead)
            laid_out = printing.layout(printed.html, fonts)
            result.documents += 1
            result.pages += len(laid_out.pages)
            if archive is not None:
                filename = pdf_name(doc, used)
                archive.writestr(filename, printing.write_pdf(laid_out))
                result.files.append(filename)
            else:
                documents.append(laid_out)
                if len(documents) == CHUNK:
                    chunks.append(_write_chunk(documents))
            if progress:
                progress(done, total, name)
        if archive is None:
            if documents:
                chunks.append(_write_chunk(documents))
            if not chunks:
                raise ValidationError("没有可打印的单据")
            _concatenate(chunks, target)
    finally:
        if archive is not None:
            archive.close()
    return result


def _write_chunk(documents: list) -> io.BytesIO:
    """Up to CHUNK laid-out documents as one PDF (their fonts subset once), then let them go."""
    buffer = io.BytesIO()
    pages = [page for document in documents for page in document.pages]
    printing.write_pdf(documents[0].copy(pages), buffer)
    documents.clear()
    buffer.seek(0)
    return buffer


def _concatenate(chunks: list[io.BytesIO], target) -> None:
    if len(chunks) == 1:
        data = chunks[0].getvalue()
        if hasattr(target, "write"):
            target.write(data)
        else:
            Path(target).write_bytes(data)
        return
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for chunk in chunks:
        writer.append(PdfReader(chunk))
    writer.write(target)


def unique(filename: str, used: set[str]) -> str:
    """`filename`, or with （2）, （3）… before its extension where `used` holds it already; added to `used`."""
    stem, suffix = filename.rsplit(".", 1)
    candidate, n = filename, 2
    while candidate in used:
        candidate = f"{stem}（{n}）.{suffix}"
        n += 1
    used.add(candidate)
    return candidate


def to_bytes(ctx, doctype: str, names: list[str], format_name: str | None, **kwargs) -> tuple[bytes, BatchResult]:
    buffer = io.BytesIO()
    result = print_batch(ctx, doctype, names, format_name, buffer, **kwargs)
    return buffer.getvalue(), result
