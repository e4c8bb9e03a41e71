"""Fixtures: customisations and chosen records written to `fixtures/*.json`, re-applied by
`migrate` idempotently (a record that already matches is left alone)."""
from __future__ import annotations

import json
from pathlib import Path

from . import storage
from .values import to_json_value
from .meta import CHILD_COLUMNS

CUSTOMISATION_DOCTYPES = ("Custom Field", "Property Setter")
_VOLATILE = {"creation", "modified", "modified_by", "owner", "lft", "rgt"}


def project_path(site) -> Path:
    """The project folder (beside apps/ and sites/) whose fixtures/ and workflows/ a site uses."""
    configured = site.config.get("project_path")
    if configured:
        return Path(configured)
    import sixhave_app

    return Path(sixhave_app.__file__).resolve().parents[3]  # apps/sixhave_app/sixhave_app/__init__.py


def project_fixtures_path(site) -> Path:
    return project_path(site) / "fixtures"


def project_workflows_path(site) -> Path:
    return project_path(site) / "workflows"


def _file_for(doctype: str) -> str:
    return doctype.lower().replace(" ", "_") + ".json"


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in _VOLATILE and k not in CHILD_COLUMNS and v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return to_json_value(value)


def export(ctx, folder: Path, doctypes: list[str | dict] | None = None) -> dict[str, int]:
    """Write each fixture DocType's records to `<folder>/<doctype>.json`; returns counts."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted: list[dict] = [{"doctype": d} for d in CUSTOMISATION_DOCTYPES]
    wanted.append({"doctype": "DocType", "filters": {"custom": 1}})
    for item in list(ctx.site.hooks.fixtures) + list(doctypes or []):
        wanted.append(item if isinstance(item, dict) else {"doctype": item})
    counts: dict[str, int] = {}
    for item in wanted:
        doctype = item["doctype"]
        names = ctx.get_all(doctype, filters=item.get("filters"), pluck="name", order_by="name asc", ignore_permissions=True)
        records = [_clean(ctx.get_doc(doctype, n).as_dict()) for n in names]
        (folder / _file_for(doctype)).write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", "utf-8")
        counts[doctype] = len(records)
    return counts


def _order(path: Path) -> int:
    # DocTypes first (fields may point at them), then their customisations, then records.
    return {"doc_type.json": 0, "doctype.json": 0, "custom_field.json": 1, "property_setter.json": 2}.get(path.name, 3)


def import_folder(ctx, folder: Path) -> dict[str, int]:
    """Insert or update every record found in `folder/*.json`; returns changed counts per file."""
    changed: dict[str, int] = {}
    if not folder.exists():
        return changed
    for path in sorted(folder.glob("*.json"), key=lambda p: (_order(p), p.name)):
        records = json.loads(path.read_text("utf-8"))
        count = 0
        for record in records if isinstance(records, list) else [records]:
            if upsert(ctx, record):
                count += 1
        changed[path.name] = count
    return changed


def upsert(ctx, record: dict) -> bool:
    data = dict(record)
    doctype = data.pop("doctype")
    if not ctx.site.metas.exists(doctype):
        return False
    autoname = ctx.meta(doctype).autoname or ""
    name = data.get("name") or (data.get(autoname[6:].strip()) if autoname.startswith("field:") else None)
    if name and storage.exists(ctx, doctype, name):
        doc = ctx.get_doc(doctype, name)
        current = _clean(doc.as_dict())
        current.pop("doctype", None)
        if all(_same_value(current.get(k), _clean(v)) for k, v in data.items()):
            return False
        doc.update(data)
        doc.set("modified", None)
        doc.save()
        return True
    ctx.new_doc(doctype, data).insert()
    return True


def _same_value(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return all(_same_value(a.get(k), v) for k, v in b.items() if k != "name")
    if a in (None, "", 0) and b in (None, "", 0):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, (int, float, str)) and isinstance(b, (int, float, str)):
        return str(a).strip() == str(b).strip()  # a Select holding "0" equals a JSON 0
    return a == b
