"""`sixhave migrate`: bring a site's database in line with the apps' metadata, then re-apply
customisations and fixtures. Safe to run any number of times."""
from __future__ import annotations

from typing import Callable

from . import fixtures, print_formats, reports, schema, storage
from .customize import sync_schema
from .meta import Meta


def migrate(site, *, progress: Callable[[str, int, int], None] | None = None,
            fixtures_path=None) -> dict:
    report = {"tables_created": 0, "columns_added": 0, "indexes": 0, "fixtures": {}}
    with site.engine.begin() as conn:
        schema.ensure_system_tables(conn)
    standard = site.metas.sources
    total = len(standard)
    for i, (name, source) in enumerate(sorted(standard.items()), start=1):
        with site.engine.begin() as conn:
            result = schema.sync_table(conn, Meta(source.data, field_types=site.field_types))
        report["tables_created"] += int(result.created)
        report["columns_added"] += len(result.added)
        report["indexes"] += len(result.indexes)
        if progress:
            progress(name, i, total)
    with site.context(ignore_permissions=True) as ctx:
        site.refresh_meta(ctx.conn, force=True)
        _ensure_roles(ctx)
        _record_standard_doctypes(ctx)
        for name in site.metas.all_names():  # custom DocTypes and customised standard ones
            result = sync_schema(ctx, site.metas.get(name))
            report["columns_added"] += len(result.added)
            report["tables_created"] += int(result.created)
    with site.context(ignore_permissions=True) as ctx:
        report["fixtures"] = fixtures.import_folder(ctx, fixtures_path or fixtures.project_fixtures_path(site))
    with site.context(ignore_permissions=True) as ctx:
        # Workflows as data: loaded (and updated) from workflows/*.json on every migrate.
        report["workflows"] = fixtures.import_folder(ctx, fixtures.project_workflows_path(site))
    with site.context(ignore_permissions=True) as ctx:
        # Standard reports from the apps' report/ folders, then print formats from print_formats/.
        report["reports"] = reports.sync_standard(ctx)
        report["print_formats"] = print_formats.sync_standard(ctx, print_formats.project_print_formats_path(site))
    for hook in site.hooks.after_migrate:
        with site.context(ignore_permissions=True) as ctx:
            hook(ctx)
    if site.backend == "sqlite":
        # fresh statistics for the query planner (list pages depend on them)
        # (a sampled ANALYZE: quick on big tables too)
        with site.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")
    site.metas.invalidate()
    return report


STANDARD_ROLES = {"Administrator": "系统管理员（超级用户）", "System Manager": "系统管理员",
                  "All": "所有登录用户", "Guest": "访客（未登录）"}


def _ensure_roles(ctx) -> None:
    """The standard roles, and every role a shipped DocType's permissions name."""
    wanted = dict(STANDARD_ROLES)
    for source in ctx.site.metas.sources.values():
        for perm in source.data.get("permissions") or []:
            wanted.setdefault(perm["role"], "")
    for role, description in wanted.items():
        if not storage.exists(ctx, "Role", role):
            ctx.new_doc("Role", role_name=role, description=description or None).insert()


def _record_standard_doctypes(ctx) -> None:
    """Keep a tabDocType row per standard DocType, so that lists, links and the API see them."""
    ctx.flags["syncing_standard"] = True
    try:
        for name, source in sorted(ctx.site.metas.sources.items()):
            data = {k: v for k, v in source.data.items()}
            data["custom"] = 0
            data["fields"] = [dict(f) for f in source.data.get("fields") or []]
            data["permissions"] = [dict(p) for p in source.data.get("permissions") or []]
            for key in ("search_fields",):
                if isinstance(data.get(key), list):
                    data[key] = ",".join(data[key])
            if storage.exists(ctx, "DocType", name):
                doc = ctx.get_doc("DocType", name)
                if _same_definition(doc, data):
                    continue
                doc.update(data)
                doc.set("modified", None)
                doc.save()
            else:
                ctx.new_doc("DocType", data).insert()
    finally:
        ctx.flags.pop("syncing_standard", None)


def _same_definition(doc, data: dict) -> bool:
    current = doc.as_dict()
    keys = [k for k in data if k not in ("fields", "permissions")]
    if any((current.get(k) or None) != (data.get(k) or None) for k in keys if k in current):
        return False
    old_fields = [(f.get("fieldname"), f.get("fieldtype"), f.get("label"), f.get("options")) for f in current.get("fields") or []]
    new_fields = [(f.get("fieldname"), f.get("fieldtype", "Data"), f.get("label"), f.get("options")) for f in data["fields"]]
    return old_fields == new_fields and len(current.get("permissions") or []) == len(data["permissions"])
