"""Creating and dropping sites (folders under sites/ and their databases)."""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from .errors import SiteError
from .site import Site, create_database, default_sites_path, drop_database, read_site_config


def new_site(name: str, *, db_url: str | None = None, admin_password: str | None = None,
             redis_url: str | None = None, sites_path: Path | None = None, make_default: bool = False,
             extra_config: dict | None = None, progress=None) -> tuple[Site, str]:
    """Create `sites/<name>/`, its database and schema, and the Administrator; returns the site
    and the Administrator's password (generated when none is given)."""
    sites_path = Path(sites_path or default_sites_path())
    folder = sites_path / name
    if (folder / "site_config.json").exists():
        raise SiteError(f"站点 “{name}” 已存在（{folder}）")
    if not name or "/" in name or name.startswith("."):
        raise SiteError(f"站点名称 “{name}” 无效")
    folder.mkdir(parents=True, exist_ok=True)
    config = {"db_url": db_url or f"sqlite:///{(folder / 'site.db').resolve()}"}
    if redis_url:
        config["redis_url"] = redis_url
    config.update(extra_config or {})
    create_database(config["db_url"])
    (folder / "site_config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", "utf-8")
    (folder / "private" / "files").mkdir(parents=True, exist_ok=True)
    (folder / "public" / "files").mkdir(parents=True, exist_ok=True)
    site = Site(name, config, path=folder)
    try:
        site.check_connection()
        from .migrate import migrate

        migrate(site, progress=progress)
        password = admin_password or secrets.token_urlsafe(9)
        create_administrator(site, password)
    except Exception:
        site.dispose()
        raise
    if make_default:
        (sites_path / "currentsite.txt").write_text(name + "\n", "utf-8")
    return site, password


def create_administrator(site: Site, password: str) -> None:
    from . import users

    with site.context(ignore_permissions=True) as ctx:
        if not ctx.exists("User", users.ADMIN):
            ctx.new_doc("User", name=users.ADMIN, email="admin@example.com", first_name="系统管理员",
                        roles=[{"role": "Administrator"}, {"role": "System Manager"}]).insert()
        users.set_password(ctx, users.ADMIN, password)


def drop_site(name: str, *, sites_path: Path | None = None) -> None:
    import shutil

    folder, config = read_site_config(name, sites_path)
    drop_database(config.get("db_url") or f"sqlite:///{(folder / 'site.db').resolve()}")
    shutil.rmtree(folder, ignore_errors=True)
