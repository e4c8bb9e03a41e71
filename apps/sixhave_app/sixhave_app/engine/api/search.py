"""Link-field search (pickers): the same permission predicate as every list."""
from __future__ import annotations

from .. import permissions
from ..errors import DoesNotExistError
from .request import parse_json_arg, truthy
from .whitelist import whitelist


@whitelist(methods=("GET", "POST"))
def search_link(ctx, doctype, txt="", query=None, filters=None, page_length=10, searchfield=None,
                reference_doctype=None, ignore_user_permissions=False, **kwargs) -> list:
    if not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"DocType “{doctype}” 不存在")
    meta = ctx.meta(doctype)
    txt = (txt or "").strip()
    fields = ["name"] + [f for f in meta.search_fields if f != "name"]
    if meta.title_field and meta.title_field not in fields:
        fields.append(meta.title_field)
    # search and title fields at a permission level the user cannot read are neither shown nor
    # matched against (a match would tell their value)
    hidden = permissions.hidden_fieldnames(ctx, doctype)
    fields = [f for f in fields if f not in hidden]
    or_filters = [[f, "like", f"%{txt}%"] for f in fields] if txt else None
    try:
        limit = max(1, min(int(page_length or 10), 100))
    except (TypeError, ValueError):
        limit = 10
    rows = ctx.get_list(doctype, fields=fields, filters=parse_json_arg(filters, "filters"), or_filters=or_filters,
                        order_by=None,
                        limit_page_length=limit)
    results = []
    for row in rows:
        label = row.get(meta.title_field) if meta.title_field in fields else None
        description = ", ".join(str(row[f]) for f in fields[1:] if row.get(f) not in (None, "") and f != meta.title_field)
        results.append({"value": row["name"], "label": label or row["name"], "description": description})
    return results
