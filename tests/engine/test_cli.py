"""The `sixhave` command: new-site, migrate, serve, export-fixtures, and clear errors."""
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import MARIADB_SERVER, _check_mariadb

SIXHAVE = str(Path(sys.executable).parent / "sixhave")
TEST_APP = str(Path(__file__).parents[1] / "sixhave_test_app")


def run(*args, sites, check=True):
    env = dict(os.environ, PYTHONPATH=TEST_APP)
    result = subprocess.run([SIXHAVE, "--sites-path", str(sites), *args], capture_output=True, text=True, env=env, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(result.stdout + result.stderr)
    return result


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_new_site_migrate_and_serve_sqlite(tmp_path):
    sites = tmp_path / "sites"
    out = run("new-site", "demo", "--admin-password", "pw", "--set-default", sites=sites)
    assert "已创建" in out.stdout
    assert (sites / "demo" / "site_config.json").exists()
    assert (sites / "currentsite.txt").read_text().strip() == "demo"
    again = run("migrate", sites=sites)  # the default site, twice: idempotent
    assert "新建表 0" in again.stdout
    port = free_port()
    env = dict(os.environ, PYTHONPATH=TEST_APP)
    server = subprocess.Popen([SIXHAVE, "--sites-path", str(sites), "--site", "demo", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start")
        # `/` leads a visitor to the desk's login (issue 13); the status page moved to /status
        assert page.status_code == 302 and page.headers["location"] == "/login"
        status = httpx.get(f"http://127.0.0.1:{port}/status", timeout=5)
        assert status.status_code == 200 and "sixhave" in status.text and "demo" in status.text
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_missing_site_is_a_clear_error(tmp_path):
    result = run("--site", "nosuch", "migrate", sites=tmp_path, check=False)
    assert result.returncode == 1 and "不存在" in result.stdout


def test_unreachable_database_and_wrong_password(tmp_path):
    result = run("new-site", "a", "--db-url", "mariadb+mariadbconnector://root@127.0.0.1:1/x", sites=tmp_path, check=False)
    assert result.returncode == 1 and "无法连接" in result.stdout
    _check_mariadb()
    name = "sixhave_t_" + uuid.uuid4().hex[:8]
    url = MARIADB_SERVER.replace("root@", "root:wrong-password@") + "/" + name
    result = run("new-site", "b", "--db-url", url, sites=tmp_path, check=False)
    assert result.returncode == 1 and "密码" in result.stdout


@pytest.mark.mariadb
def test_new_site_on_mariadb(tmp_path):
    _check_mariadb()
    name = "sixhave_t_" + uuid.uuid4().hex[:8]
    url = f"{MARIADB_SERVER}/{name}"
    try:
        run("new-site", "m", "--db-url", url, sites=tmp_path)
        out = run("--site", "m", "migrate", sites=tmp_path)
        assert "新建表 0" in out.stdout
    finally:
        run("drop-site", "m", "--yes", sites=tmp_path, check=False)


def test_export_fixtures_command(tmp_path):
    sites = tmp_path / "sites"
    run("new-site", "f", sites=sites)
    out = run("--site", "f", "export-fixtures", "--path", str(tmp_path / "fx"), sites=sites)
    assert "Custom Field" in out.stdout and (tmp_path / "fx" / "custom_field.json").exists()
