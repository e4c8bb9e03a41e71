"""The customisation rows a site keeps in its database — custom DocTypes (with their fields and
permissions), Custom Fields and Property Setters — read for the MetaStore when the meta version
moves (Site.refresh_meta). Reading only; customize.py writes them."""
from __future__ import annotations

import sqlalchemy as sa

from . import schema
from .meta import Meta

_LOADED_TABLES = ("DocType", "DocField", "DocPerm", "Custom Field", "Property Setter")


def _tables(site) -> dict[str, sa.Table]:
    return {name: schema.build_table(Meta(site.metas.sources[name].data)) for name in _LOADED_TABLES}


def load_all(site, conn) -> tuple[list[dict], list[dict], list[dict]]:
    """Custom DocTypes (with fields and permissions), Custom Fields and Property Setters."""
    t = _tables(site)
    inspector = sa.inspect(conn)
    if not inspector.has_table(t["DocType"].name):
        return [], [], []
    doctypes = [dict(r) for r in conn.execute(sa.select(t["DocType"]).where(t["DocType"].c.custom == 1)).mappings()]
    if doctypes:
        names = [d["name"] for d in doctypes]
        fields = conn.execute(sa.select(t["DocField"]).where(t["DocField"].c.parent.in_(names),
                                                            t["DocField"].c.parenttype == "DocType")
                              .order_by(t["DocField"].c.idx)).mappings().all()
        perms = conn.execute(sa.select(t["DocPerm"]).where(t["DocPerm"].c.parent.in_(names),
                                                          t["DocPerm"].c.parenttype == "DocType")
                             .order_by(t["DocPerm"].c.idx)).mappings().all()
        for d in doctypes:
            d["fields"] = [_clean_row(f) for f in fields if f["parent"] == d["name"]]
            d["permissions"] = [_clean_row(p) for p in perms if p["parent"] == d["name"]]
    custom_fields = [dict(r) for r in conn.execute(sa.select(t["Custom Field"]).order_by(t["Custom Field"].c.creation)).mappings()]
    setters = [dict(r) for r in conn.execute(sa.select(t["Property Setter"]).order_by(t["Property Setter"].c.creation)).mappings()]
    return [_clean_row(d) for d in doctypes], custom_fields, setters


def _clean_row(row: dict) -> dict:
    return {k: v for k, v in row.items() if v is not None and k not in ("parent", "parenttype", "parentfield", "owner", "modified_by")}
