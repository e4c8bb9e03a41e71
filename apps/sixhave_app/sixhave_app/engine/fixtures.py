"""Fixtures: customisations and chosen records written to `fixtures/*.json`, re-applied by
`migrate` idempotently (a record that already matches is left alone)."""
from __future__ import annotations

import json
from pathlib import Path

from . import storage
from .values import to_json_value
from .meta import CHILD_COLUMNS

CUSTOMISATION_DOCTYPES = ("Custom Field", "Property Setter", "Custom DocPerm")
MAX_UPLOAD = 20 * 1024 * 1024
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


def export_customisations(ctx, folder: Path) -> dict[str, int]:
    """Only the customisations (Custom Field, Property Setter, Custom DocPerm, custom DocTypes):
    what moves from a test site to production."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    wanted = [{"doctype": d} for d in CUSTOMISATION_DOCTYPES] + [{"doctype": "DocType", "filters": {"custom": 1}}]
    for item in wanted:
        doctype = item["doctype"]
        names = ctx.get_all(doctype, filters=item.get("filters"), pluck="name", order_by="name asc", ignore_permissions=True)
        records = [_clean(_read(ctx, doctype, n)) for n in names]
        (folder / _file_for(doctype)).write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", "utf-8")
        counts[doctype] = len(records)
    return counts


def _read(ctx, doctype: str, name: str) -> dict:
    saved, ctx.ignore_permissions = ctx.ignore_permissions, True  # the caller checked the studio's rights
    try:
        return ctx.get_doc(doctype, name).as_dict()
    finally:
        ctx.ignore_permissions = saved


def unpack(content: bytes, filename: str, folder: Path) -> None:
    """An uploaded .zip of fixtures/*.json (or a single .json) into `folder`, refusing anything else."""
    import io
    import zipfile

    from .errors import ValidationError

    if (filename or "").lower().endswith(".json"):
        _check_json(content, filename)
        (folder / Path(filename).name).write_bytes(content)
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ValidationError(f"“{filename}” 不是 .zip 或 .json 定制文件", field="file") from None
    found = 0
    for info in archive.infolist():
        name = Path(info.filename).name
        if info.is_dir() or not name.endswith(".json"):
            continue
        if info.file_size > MAX_UPLOAD:
            raise ValidationError(f"{name} 过大", field="file")
        data = archive.read(info)
        _check_json(data, name)
        (folder / name).write_bytes(data)
        found += 1
    if not found:
        raise ValidationError(f"“{filename}” 里没有 fixtures/*.json 文件", field="file")


def _check_json(content: bytes, name: str) -> None:
    from .errors import ValidationError

    try:
        records = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(f"{name} 不是有效的 JSON（{exc}）", field="file") from None
    items = records if isinstance(records, list) else [records]
    for position, record in enumerate(items, start=1):
        if not isinstance(record, dict) or not record.get("doctype"):
            raise ValidationError(f"{name} 第 {position} 条记录缺少 doctype", field="file")


def _order(path: Path) -> int:
    # DocTypes first (fields may point at them), then their customisations, then records.
    return {"doc_type.json": 0, "doctype.json": 0, "custom_field.json": 1, "property_setter.json": 2,
            "custom_docperm.json": 3}.get(path.name, 4)


def import_folder(ctx, folder: Path, *, recorder=None) -> dict[str, int]:
    """Insert or update every record found in `folder/*.json`; returns changed counts per file.
    With a `recorder` (change_log.Recorder) each touched record's before and after is kept."""
    from .errors import ValidationError, SixhaveError

    changed: dict[str, int] = {}
    if not folder.exists():
        return changed
    for path in sorted(folder.glob("*.json"), key=lambda p: (_order(p), p.name)):
        records = json.loads(path.read_text("utf-8"))
        count = 0
        for position, record in enumerate(records if isinstance(records, list) else [records], start=1):
            try:
                if upsert(ctx, record, recorder=recorder):
                    count += 1
            except SixhaveError as exc:
                if recorder is None:
                    raise
                raise type(exc)(f"{path.name} 第 {position} 条（{record.get('doctype')} {record.get('name') or ''}）：{exc}") \
                    if isinstance(exc, ValidationError) else exc
        changed[path.name] = count
    return changed


def upsert(ctx, record: dict, *, recorder=None) -> bool:
    data = dict(record)
    doctype = data.pop("doctype")
    if not ctx.site.metas.exists(doctype):
        return False
    autoname = ctx.meta(doctype).autoname or ""
    name = data.get("name") or (data.get(autoname[6:].strip()) if autoname.startswith("field:") else None)
    before = recorder.before(doctype, name) if recorder is not None and name else None
    if name and storage.exists(ctx, doctype, name):
        doc = ctx.get_doc(doctype, name)
        current = _clean(doc.as_dict())
        current.pop("doctype", None)
        if all(_same_value(current.get(k), _clean(v)) for k, v in data.items()):
            return False
        doc.update(data)
        doc.set("modified", None)
        doc.save()
    else:
        doc = ctx.new_doc(doctype, data)
        doc.insert()
    if recorder is not None:
        recorder.done(doctype, doc.name, before)
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
