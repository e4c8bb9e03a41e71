"""The `sixhave` command line."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from . import dotted
from .errors import SixhaveError

console = Console()


def _open(ctx_obj):
    from .site import Site

    return Site.open(ctx_obj.get("site"), ctx_obj.get("sites_path"))


def _fail(exc: Exception):
    # one line, whatever the terminal's width: a person reads it, a script greps it
    console.print(f"[bold red]错误：[/]{getattr(exc, 'message', None) or exc}", soft_wrap=True, markup=True)
    sys.exit(1)


class SiteGroup(click.Group):
    """Bad input gets one Chinese line, never a traceback (SIXHAVE_DEBUG=1 shows it)."""

    def invoke(self, ctx):
        import os

        try:
            return super().invoke(ctx)
        except SixhaveError as exc:
            _fail(exc)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a person at a terminal
            if os.environ.get("SIXHAVE_DEBUG") == "1":
                raise
            _fail(Exception(f"命令执行失败（{type(exc).__name__}）：{exc}。设置环境变量 SIXHAVE_DEBUG=1 可查看详细信息"))


@click.group(cls=SiteGroup)
@click.option("--site", envvar="SIXHAVE_SITE", help="站点名称（默认：sites/currentsite.txt）")
@click.option("--sites-path", type=click.Path(file_okay=False), envvar="SIXHAVE_SITES", help="sites 目录")
@click.pass_context
def main(ctx, site, sites_path):
    """sixhave：低代码表单与流程引擎，“六有一提升”应用。"""
    ctx.ensure_object(dict)
    ctx.obj["site"] = site
    ctx.obj["sites_path"] = Path(sites_path) if sites_path else None


def _progress():
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    console=console, transient=True)


@main.command("new-site")
@click.argument("name")
@click.option("--db-url", help="SQLAlchemy 数据库地址；默认为站点目录下的 SQLite 文件")
@click.option("--admin-password", help="管理员密码；不填则随机生成并显示")
@click.option("--redis-url", help="Redis 地址（可选）")
@click.option("--set-default", is_flag=True, help="写入 sites/currentsite.txt")
@click.pass_obj
def new_site_cmd(obj, name, db_url, admin_password, redis_url, set_default):
    """创建站点：目录、数据库、表结构和管理员。"""
    from .sites import new_site

    with _progress() as progress:
        task = progress.add_task("建表", total=None)

        def step(doctype, i, total):
            progress.update(task, total=total, completed=i, description=f"建表 {doctype}")

        site, password = new_site(name, db_url=db_url, admin_password=admin_password, redis_url=redis_url,
                                  sites_path=obj.get("sites_path"), make_default=set_default, progress=step)
    console.print(f"[green]站点 {name} 已创建[/]（{site.backend}）")
    if not admin_password:
        console.print(f"管理员：Administrator  密码：[bold]{password}[/]")
    site.dispose()


@main.command("drop-site")
@click.argument("name")
@click.option("--yes", is_flag=True, help="不再确认")
@click.pass_obj
def drop_site_cmd(obj, name, yes):
    """删除站点及其数据库（不可恢复）。"""
    from .sites import drop_site

    if not yes:
        click.confirm(f"确定删除站点 {name} 及其全部数据？", abort=True)
    drop_site(name, sites_path=obj.get("sites_path"))
    console.print(f"站点 {name} 已删除")


@main.command()
@click.pass_obj
def migrate(obj):
    """同步表结构、定制与 fixtures（可重复运行）。"""
    from .migrate import migrate as run

    site = _open(obj)
    site.check_connection()
    with _progress() as progress:
        task = progress.add_task("同步", total=None)
        report = run(site, progress=lambda dt, i, n: progress.update(task, total=n, completed=i, description=f"同步 {dt}"))
    console.print(f"[green]完成[/]：新建表 {report['tables_created']}，新增列 {report['columns_added']}，"
                  f"新增索引 {report['indexes']}，fixtures {sum(report['fixtures'].values())} 条")
    site.dispose()


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
@click.option("--workers", default=1, type=int)
@click.pass_obj
def serve(obj, host, port, workers):
    """启动 Web 服务。"""
    import os

    import uvicorn

    site = _open(obj)
    site.check_connection()
    _check_port(host, port)
    os.environ["SIXHAVE_SITE"] = site.name
    os.environ["SIXHAVE_SITES"] = str(site.path.parent)
    site.dispose()
    console.print(f"sixhave 站点 [bold]{site.name}[/] 运行于 [link]http://{host}:{port}[/]")
    # proxy headers are judged by the site (site_config `trusted_proxies`, api/peer.py), not by uvicorn
    uvicorn.run("sixhave_app.engine.web:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", proxy_headers=False)


def _check_port(host: str, port: int) -> None:
    """A busy port is said before anything claims the server runs."""
    import socket

    from .errors import SiteError

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise SiteError(f"端口 {port} 已被占用（{host}），请先停止占用它的程序，或用 --port 换一个端口") from None


@main.command("set-date")
@click.argument("as_of", required=False)
@click.option("--clear", is_flag=True, help="恢复使用当天日期")
@click.pass_obj
def set_date_cmd(obj, as_of, clear):
    """告诉站点“今天”是哪一天（as_of，如装入历史年度或演练时）；--clear 恢复当天日期。"""
    import datetime as dt

    from .errors import SiteError
    from .sites import update_config

    site = _open(obj)
    if clear or not as_of:
        update_config(site, as_of=None)
        console.print(f"站点 {site.name} 使用当天日期（{dt.date.today()}）")
        return
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise SiteError(f"日期 “{as_of}” 无效，应为 年-月-日，例如 2018-11-20") from None
    update_config(site, as_of=day.isoformat())
    console.print(f"站点 {site.name} 的“今天”设为 {day}（提醒、预警和逾期均按此日期计算）")


@main.command()
@click.pass_obj
def console_cmd(obj):
    """交互式 Python：已准备好 site 与 ctx（管理员、可写）。"""
    import code

    site = _open(obj)
    ctx = site.context(ignore_permissions=True)
    banner = f"sixhave 控制台：site={site.name}（{site.backend}）。ctx.commit() 提交修改。"
    code.interact(banner=banner, local={"site": site, "ctx": ctx})


console_cmd.name = "console"
main.add_command(console_cmd, "console")


@main.command("export-fixtures")
@click.option("--doctype", "doctypes", multiple=True, help="另外导出此类型的全部记录（可多次）")
@click.option("--path", "folder", type=click.Path(file_okay=False), help="输出目录（默认项目的 fixtures/）")
@click.pass_obj
def export_fixtures_cmd(obj, doctypes, folder):
    """导出定制（自定义字段、属性设置、自定义类型）和指定记录到 fixtures/。"""
    from . import fixtures

    site = _open(obj)
    target = Path(folder) if folder else fixtures.project_fixtures_path(site)
    with site.context(ignore_permissions=True, write=False) as ctx:
        counts = fixtures.export(ctx, target, list(doctypes))
    for doctype, count in counts.items():
        console.print(f"{doctype}: {count} 条 → {target}")
    site.dispose()


@main.command("import-fixtures")
@click.argument("source", type=click.Path(exists=True))
@click.pass_obj
def import_fixtures_cmd(obj, source):
    """从另一站点导出的定制（fixtures 目录、.zip 或 .json）导入本站点：逐条新增或更新，全部成功才写入。"""
    from . import change_log, fixtures

    site = _open(obj)
    path = Path(source)
    with site.context(ignore_permissions=True) as ctx:
        if path.is_dir():
            folder = path
            rec = change_log.Recorder(ctx)
            counts = fixtures.import_folder(ctx, folder, recorder=rec)
        else:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                fixtures.unpack(path.read_bytes(), path.name, Path(tmp))
                rec = change_log.Recorder(ctx)
                counts = fixtures.import_folder(ctx, Path(tmp), recorder=rec)
        rec.save(title=f"导入定制 {path.name}", ref_doctype=None, tool="导入定制")
    for name, count in counts.items():
        console.print(f"{name}: {count} 条新增或更新")
    site.dispose()


@main.command("set-admin-password")
@click.argument("password")
@click.pass_obj
def set_admin_password(obj, password):
    """重设 Administrator 的密码。"""
    from .sites import create_administrator

    site = _open(obj)
    create_administrator(site, password)
    console.print("管理员密码已更新")


@main.command("generate-keys")
@click.argument("user")
@click.pass_obj
def generate_keys_cmd(obj, user):
    """为用户生成 API key 与 secret（secret 只显示这一次）。"""
    from . import auth

    site = _open(obj)
    with site.context(ignore_permissions=True) as ctx:
        keys = auth.generate_keys(ctx, user)
    console.print(f"api_key:    {keys['api_key']}\napi_secret: {keys['api_secret']}")
    console.print(f"请求头：Authorization: token {keys['api_key']}:{keys['api_secret']}")
    site.dispose()


@main.command()
@click.option("--burst", is_flag=True, help="处理完队列中的任务后退出")
@click.option("--queue", "queues", multiple=True, type=click.Choice(["short", "default", "long"]),
              help="只处理这些队列（可多次；默认 short、default、long）")
@click.pass_obj
def worker(obj, burst, queues):
    """运行后台任务 worker（站点配置了 redis_url 时使用）。"""
    from . import worker as rq_worker

    site = _open(obj)
    try:
        rq_worker.work(site, burst=burst, queues=queues or None)
    except (RuntimeError, ValueError) as exc:
        _fail(exc)


@main.command()
@click.option("--interval", type=int, default=None, help="每个定时任务每 N 秒运行一次（测试用；默认按各任务的时间表）")
@click.pass_obj
def scheduler(obj, interval):
    """运行定时任务（每日提醒、截止提醒、换届提醒等）；同一站点只有一个在工作，其余待命。"""
    from . import scheduler as cron

    site = _open(obj)
    try:
        cron.run(site, interval=interval)
    except (RuntimeError, ValueError) as exc:
        _fail(exc)


@main.command("jobs")
@click.argument("name", required=False)
@click.option("--user", default=None, help="以此用户查看（默认 Administrator，可看全部任务）")
@click.option("--follow/--no-follow", default=True, help="指定任务时，显示进度条直到任务结束")
@click.option("--limit", default=20, type=int)
@click.pass_obj
def jobs_cmd(obj, name, user, follow, limit):
    """查看后台任务：不带参数列出最近的任务；带任务编号时显示进度条直到结束。"""
    from rich.table import Table

    from . import jobs

    site = _open(obj)
    user = user or "Administrator"
    if not name:
        with site.context(user=user, write=False) as ctx:
            names = ctx.get_list(jobs.DOCTYPE, pluck="name", order_by="creation desc", limit_page_length=limit)
            rows = [jobs.status(ctx, n) for n in names]
        table = Table("编号", "任务", "队列", "状态", "进度", "结果 / 错误", title="后台任务")
        for r in rows:
            table.add_row(r["name"], r["title"] or "", r["queue"] or "", _STATUS_WORDS.get(r["status"], r["status"]),
                          f"{r['done']}/{r['total']}", r["result_name"] or (r["error"] or "")[:60])
        console.print(table)
        return
    import time

    with _progress() as progress:
        task = progress.add_task(name, total=None)
        while True:
            with site.context(user=user, write=False) as ctx:
                info = jobs.status(ctx, name)
            progress.update(task, total=info["total"] or None, completed=info["done"],
                            description=f"{info['title']}（{_STATUS_WORDS.get(info['status'], info['status'])}）")
            if not follow or info["status"] in ("finished", "failed"):
                break
            time.sleep(0.5)
    if info["status"] == "failed":
        _fail(Exception(info["error"] or "任务失败"))
    console.print(f"{info['title']}：{_STATUS_WORDS.get(info['status'], info['status'])} {info['done']}/{info['total']}"
                  + (f"，结果文件 {info['result_name']}" if info.get("result_name") else ""))
    site.dispose()


_STATUS_WORDS = {"queued": "排队中", "started": "运行中", "finished": "已完成", "failed": "失败"}


@main.command("execute")
@click.argument("method")
@click.option("--kwargs", default="{}", help="JSON 参数")
@click.pass_obj
def execute(obj, method, kwargs):
    """执行一个 Python 函数 METHOD(ctx, **kwargs) 并打印结果。"""
    site = _open(obj)
    fn = dotted.resolve(method)
    with site.context(ignore_permissions=True) as ctx:
        result = fn(ctx, **json.loads(kwargs))
    console.print_json(json.dumps(result, ensure_ascii=False, default=str))


def _load_app_commands():
    try:
        from .site import load_hooks

        for command in load_hooks(["sixhave_app"]).commands:
            main.add_command(command)
    except Exception:  # noqa: BLE001 - a broken app must not take the CLI down with it
        pass


_load_app_commands()


if __name__ == "__main__":
    main()
