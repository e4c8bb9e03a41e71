"""Paper for a district: all sheets of a district (or unit) and year in one merged PDF, or a zip
of PDFs named by organisation — what a district hands the city "一式2份" (plan §四4). A function
that writes to a path or stream and reports progress (for a background job), and its API method."""
from __future__ import annotations

from sixhave_app.engine import print_batch
from sixhave_app.engine.api.printview import attachment
from sixhave_app.engine.api.whitelist import whitelist
from sixhave_app.engine.errors import ValidationError

SHEETS = {"Self Assessment": "达标自评表", "Demonstration Application": "示范党支部创建申报表"}


def sheet_names(ctx, year: int, district: str, doctype: str = "Self Assessment") -> list[str]:
    """The year's documents under `district`, as the user may print them, by organisation."""
    return print_batch.names_for(ctx, doctype, [["year", "=", int(year)], ["org", "descendants of (inclusive)", district]],
                                 order_by="party_org asc")


def write_district_sheets(ctx, year: int, district: str, target, *, doctype: str = "Self Assessment",
                          print_format: str | None = None, as_zip: bool = False, progress=None):
    """Render every sheet of `district` and `year` into `target` (path or binary stream)."""
    if doctype not in SHEETS:
        raise ValidationError(f"只能批量打印：{'、'.join(SHEETS)}")
    names = sheet_names(ctx, year, district, doctype)
    if not names:
        raise ValidationError(f"{district} {year} 年没有可打印的{ctx.meta(doctype).display_name}")
    return print_batch.print_batch(ctx, doctype, names, print_format or SHEETS[doctype], target, as_zip=as_zip,
                                   progress=progress, no_letterhead=True)


@whitelist(methods=("GET", "POST"))
def district_sheets(ctx, year=None, district=None, doctype="Self Assessment", format=None, output="pdf", **kwargs):
    if not year or not district:
        raise ValidationError("请指定年度（year）和市（县）区或单位（district）")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(f"年度 “{year}” 无效") from None
    import io

    buffer = io.BytesIO()
    as_zip = str(output).lower() == "zip"
    write_district_sheets(ctx, year, district, buffer, doctype=doctype, print_format=format, as_zip=as_zip)
    name = f"{district}{year}年{SHEETS.get(doctype, doctype)}"
    return attachment(buffer.getvalue(), f"{name}.{'zip' if as_zip else 'pdf'}", "application/zip" if as_zip else "application/pdf")
