"""Reading the PDFs we print, as a reader would: text per page (pypdf), and the fonts each page
uses with whether the font program is embedded."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader


def reader(content: bytes) -> PdfReader:
    assert content[:5] == b"%PDF-", content[:200]
    return PdfReader(io.BytesIO(content))


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(content).pages]


def squeeze(text: str) -> str:
    """Text without the spaces and line breaks layout puts inside words."""
    return re.sub(r"\s+", "", text)


def fonts(content: bytes) -> dict[str, bool]:
    """BaseFont name → whether its font program is embedded (FontFile, FontFile2 or FontFile3)."""
    found: dict[str, bool] = {}
    for page in reader(content).pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            name = str(font.get("/BaseFont"))
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found[name] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def page_numbers(texts: list[str]) -> list[str]:
    return [m for t in texts for m in re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", t)]
