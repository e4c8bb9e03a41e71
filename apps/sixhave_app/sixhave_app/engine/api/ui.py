"""The few HTML pages that exist before the desk: status, login, and the app shell that opens a
session to CSRF checks. Large type and plain Chinese words: many users are over 65."""
from __future__ import annotations

import html

from starlette.responses import HTMLResponse, RedirectResponse

from .. import auth, users
from .responses import Reply

STYLE = """body{font:22px/1.7 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1a1a1a;background:#f6f6f2}
main{max-width:40rem;margin:4rem auto;background:#fff;padding:2.5rem 3rem;border-radius:12px;box-shadow:0 2px 12px #0002}
h1{font-size:1.6em;margin-top:0}label{display:block;margin-top:1.2rem;font-weight:bold}
input{font-size:1em;width:100%;padding:.6rem;border:2px solid #888;border-radius:8px;box-sizing:border-box}
button{margin-top:1.6rem;font-size:1.1em;padding:.7rem 2rem;background:#b71c1c;color:#fff;border:0;border-radius:8px;cursor:pointer}
.err{color:#b71c1c;font-weight:bold;min-height:1.7em}th{text-align:left;padding-right:2rem}"""


def _page(title: str, body: str) -> Reply:
    return Reply(response=HTMLResponse(f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>
<style>{STYLE}</style></head><body><main>{body}</main></body></html>"""))


def status_page(ctx, caller) -> Reply:
    site = ctx.site
    rows = [("站点", site.name), ("数据库", site.backend), ("单据类型", len(site.metas.all_names())),
            ("Redis", "已配置" if site.redis is not None else "未配置（后台任务在进程内运行）")]
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return _page(f"sixhave · {site.name}", f"""<h1>sixhave 运行中</h1><table>{table}</table>
<p><a href="/login">登录</a> · 接口说明：<a href="/api/openapi.json">/api/openapi.json</a></p>""")


def login_page(ctx, caller) -> Reply:
    return _page("登录 · 六有一提升", """<h1>登录</h1>
<form id="f"><label for="usr">用户名或邮箱</label><input id="usr" name="usr" autocomplete="username" required>
<label for="pwd">密码</label><input id="pwd" name="pwd" type="password" autocomplete="current-password" required>
<p class="err" id="err" role="alert"></p><button type="submit">登录</button></form>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await fetch('/api/method/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({usr: usr.value, pwd: pwd.value, __ui: 1})});
  if (r.ok) { location.href = '/app'; return; }
  const body = await r.json().catch(() => ({}));
  let msg = '登录失败';
  try { msg = JSON.parse(JSON.parse(body._server_messages)[0]).message; } catch (_) {}
  document.getElementById('err').textContent = msg;
});
</script>""")


def app_page(ctx, caller) -> Reply:
    if ctx.user == users.GUEST or caller.session is None:
        return Reply(response=RedirectResponse("/login", status_code=302))
    token = auth.ensure_csrf_token(ctx, caller.session)
    name = caller.session.data.get("full_name") or ctx.user
    return _page("工作台 · 六有一提升", f"""<h1>您好，{html.escape(name)}</h1>
<p>工作台正在建设中。</p><script>window.csrf_token = {token!r};</script>""")
