"""The ASGI application: one Site per process, a status page until the desk arrives."""
from __future__ import annotations

import html
import os

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from .site import Site


def create_app(site: Site) -> FastAPI:
    app = FastAPI(title="sixhave", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.site = site

    @app.get("/", response_class=HTMLResponse)
    def status_page():
        with site.context(write=False, ignore_permissions=True) as ctx:
            doctypes = site.metas.all_names()
            users = ctx.get_count("User")
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in [
            ("站点", site.name), ("数据库", site.backend), ("单据类型", len(doctypes)), ("用户", users),
            ("Redis", "已配置" if site.redis is not None else "未配置（后台任务在进程内运行）")])
        return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>sixhave · {html.escape(site.name)}</title>
<style>body{{font:20px/1.6 "Noto Sans CJK SC",sans-serif;margin:3rem;color:#222}}
th{{text-align:left;padding-right:2rem}}</style></head>
<body><h1>sixhave 运行中</h1><table>{rows}</table>
<p>登录账号：Administrator。接口与工作台将在后续版本提供。</p></body></html>"""

    return app


def app_from_env() -> FastAPI:
    return create_app(Site.open(os.environ.get("SIXHAVE_SITE"), os.environ.get("SIXHAVE_SITES")))
