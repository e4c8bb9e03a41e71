"""Cache versions: counters in tabSeries whose moves tell every process to drop a cache — `meta`
(DocTypes, Custom Fields, Property Setters) and `perm` (roles, permissions, scopes, tokens,
workflow definitions). A change bumps its version in the writer's transaction; after the commit
the new value is published (Redis, and this process's caches); every process compares on each
request (Site.refresh_meta)."""
from __future__ import annotations

import sqlalchemy as sa

from . import naming

VERSION_SERIES = {"meta": "__meta_version", "perm": "__perm_version"}


def bump_version(ctx, kind: str) -> None:
    """Move a cache version (meta or perm) in this transaction; publish it after the commit."""
    naming.next_value(ctx, VERSION_SERIES[kind])
    ctx.flags.setdefault("versions_changed", set()).add(kind)
    if kind == "perm":
        ctx.site.perm_cache.clear()
    if not ctx.flags.get("version_publish_registered"):
        ctx.flags["version_publish_registered"] = True
        ctx.after_commit(lambda: _publish(ctx))


def _publish(ctx) -> None:
    series = ctx.site.system["tabSeries"]
    kinds = ctx.flags.pop("versions_changed", set())
    ctx.flags.pop("version_publish_registered", None)
    with ctx.site.engine.connect() as conn:
        for kind in kinds:
            value = conn.execute(sa.select(series.c.current).where(series.c.name == VERSION_SERIES[kind])).scalar()
            ctx.site.publish_version(kind, int(value or 0))
