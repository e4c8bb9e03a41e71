"""Creating and dropping sites (folders under sites/ and their databases)."""
from __future__ import annotations

import json
import secrets
from pathlib import Path

import sqlalchemy as sa

from . import auth, users
from .errors import SiteError
from .site import Site, create_database, default_sites_path, drop_database, read_site_config


def new_site(name: str, *, db_url: str | None = None, admin_password: str | None = None,
             redis_url: str | None = None, sites_path: Path | None = None, make_default: bool = False,
             extra_config: dict | None = None, progress=None) -> tuple[Site, str]:
    """Create `sites/<name>/`, its database and schema, and the Administrator; returns the site
    and the Administrator's password (generated when none is given)."""
    sites_path = Path(sites_path or default_sites_path())
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise SiteError(f"站点名称 “{name}” 无效")
    folder = sites_path / name
    if (folder / "site_config.json").exists():
        raise SiteError(f"站点 “{name}” 已存在（{folder}）")
    target_url = db_url or f"sqlite:///{(folder / 'site.db').resolve()}"
    check_db_url(target_url)
    folder_existed = folder.exists()
    db_existed = database_exists(target_url) if db_url else False
    if db_existed and database_has_tables(target_url):
        safe = sa.make_url(target_url).render_as_string(hide_password=True)
        raise SiteError(f"数据库 {safe} 已存在且不为空：请换一个数据库名，或先删除它")
    config = {"db_url": target_url}
    if redis_url:
        config["redis_url"] = redis_url
    config.update(extra_config or {})
    site = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        create_database(config["db_url"])
        write_site_folder(folder, config)
        site = Site(name, config, path=folder)
        site.check_connection()
        from .migrate import migrate

        migrate(site, progress=progress)
        password = admin_password or secrets.token_urlsafe(9)
        create_administrator(site, password)
    except BaseException:
        # nothing half-made is left behind: the database (or the tables we made) and the folder
        if site is not None:
            site.dispose()
        _undo_new_site(config["db_url"], folder, db_existed=db_existed, folder_existed=folder_existed)
        raise
    if make_default:
        (sites_path / "currentsite.txt").write_text(name + "\n", "utf-8")
    return site, password


def write_site_folder(folder: Path, config: dict) -> None:
    """A site's folder: its site_config.json and its private and public file folders."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site_config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", "utf-8")
    for files in ("private", "public"):
        (folder / files / "files").mkdir(parents=True, exist_ok=True)


def check_db_url(db_url: str) -> None:
    """A garbled or unsupported database address is one clear sentence."""
    try:
        url = sa.make_url(db_url)
    except (sa.exc.ArgumentError, ValueError):
        raise SiteError(f"数据库地址 “{db_url}” 无效，例如 mariadb+mariadbconnector://用户:密码@127.0.0.1:3306/库名 "
                        f"或 sqlite:///路径/site.db") from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "mariadb", "mysql"):
        raise SiteError(f"不支持的数据库类型 “{backend}”：请使用 MariaDB（mariadb+mariadbconnector://…）或 SQLite（sqlite:///…）")
    if backend != "sqlite" and not url.database:
        raise SiteError(f"数据库地址 “{url.render_as_string(hide_password=True)}” 缺少数据库名（…/库名）")


def database_exists(db_url: str) -> bool:
    url = sa.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return bool(url.database) and Path(url.database).exists()
    from .site import make_engine

    server = make_engine(url.set(database=""))
    try:
        with server.connect() as conn:
            found = conn.execute(sa.text("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = :name"),
                                 {"name": url.database}).scalar()
            return bool(found)
    except sa.exc.DBAPIError:
        return False
    finally:
        server.dispose()


def database_has_tables(db_url: str) -> bool:
    from .site import make_engine

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return bool(sa.inspect(conn).get_table_names())
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


def _undo_new_site(db_url: str, folder: Path, *, db_existed: bool, folder_existed: bool) -> None:
    import shutil

    try:
        if db_existed:
            from .site import make_engine

            engine = make_engine(db_url)
            try:
                meta = sa.MetaData()
                with engine.begin() as conn:
                    meta.reflect(conn)
                    meta.drop_all(conn)
            finally:
                engine.dispose()
        else:
            drop_database(db_url)
    except Exception:  # noqa: BLE001 - cleaning up must not hide the real error
        pass
    if not folder_existed:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        (folder / "site_config.json").unlink(missing_ok=True)


def update_config(site: Site, **values) -> None:
    """Change keys of a site's site_config.json (None removes a key); the open Site sees them too."""
    config_file = site.path / "site_config.json"
    data = json.loads(config_file.read_text("utf-8"))
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
            site.config.pop(key, None)
        else:
            data[key] = value
            site.config[key] = value
    config_file.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


def create_administrator(site: Site, password: str) -> None:
    with site.context(ignore_permissions=True) as ctx:
        if not ctx.exists("User", users.ADMIN):
            ctx.new_doc("User", name=users.ADMIN, email="admin@example.com", first_name="系统管理员",
                        roles=[{"role": "Administrator"}, {"role": "System Manager"}]).insert()
        auth.set_password(ctx, users.ADMIN, password)


def drop_site(name: str, *, sites_path: Path | None = None) -> None:
    import shutil

    folder, config = read_site_config(name, sites_path)
    drop_database(config.get("db_url") or f"sqlite:///{(folder / 'site.db').resolve()}")
    shutil.rmtree(folder, ignore_errors=True)
