"""Bad input at the command line gets one Chinese line, never a traceback; a failed new-site
leaves no half-made folder or database; a busy port is said before the server claims to run."""
import socket
import uuid

import pytest

from tests.conftest import MARIADB_SERVER, _check_mariadb
from tests.engine.test_cli import run


def one_line_error(result) -> str:
    text = (result.stdout + result.stderr).strip()
    assert result.returncode != 0
    assert "Traceback" not in text, text
    assert len(text.splitlines()) == 1, text
    assert text.startswith("错误："), text
    return text


@pytest.mark.parametrize("url, words", [
    ("not a database url::", "数据库地址"),
    ("postgresql://root@127.0.0.1/x", "不支持的数据库类型"),
    ("mariadb+mariadbconnector://root@127.0.0.1:3306", "缺少数据库名"),
])
def test_a_garbled_database_url_is_one_chinese_line(tmp_path, url, words):
    sites = tmp_path / "sites"
    text = one_line_error(run("new-site", "bad", "--db-url", url, sites=sites, check=False))
    assert words in text
    assert not (sites / "bad").exists()


def test_a_site_that_exists_is_one_line(tmp_path):
    sites = tmp_path / "sites"
    run("new-site", "twice", "--admin-password", "pw", sites=sites)
    text = one_line_error(run("new-site", "twice", "--admin-password", "pw", sites=sites, check=False))
    assert "已存在" in text


def test_a_failed_new_site_leaves_no_folder_or_database(tmp_path):
    sites = tmp_path / "sites"
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    text = one_line_error(run("new-site", "broken", "--db-url", f"sqlite:///{blocker}/site.db", sites=sites, check=False))
    assert "错误" in text
    assert not (sites / "broken").exists()


@pytest.mark.mariadb
def test_a_failed_mariadb_site_leaves_nothing_behind(tmp_path):
    _check_mariadb()
    import mariadb

    sites = tmp_path / "sites"
    name = f"sixhave_t_{uuid.uuid4().hex[:10]}"
    # the server refuses the login: nothing made, nothing left
    text = one_line_error(run("new-site", "refused", "--db-url", f"mariadb+mariadbconnector://nobody:wrong@127.0.0.1:3306/{name}",
                              sites=sites, check=False))
    assert "数据库" in text and not (sites / "refused").exists()
    # a database that already holds tables is not taken over, and not dropped either
    conn = mariadb.connect(host="127.0.0.1", port=3306, user="root", password="")
    cur = conn.cursor()
    cur.execute(f"CREATE DATABASE `{name}`")
    cur.execute(f"CREATE TABLE `{name}`.keep_me (id INT)")
    try:
        text = one_line_error(run("new-site", "taken", "--db-url", f"{MARIADB_SERVER}/{name}", sites=sites, check=False))
        assert "不为空" in text and not (sites / "taken").exists()
        cur.execute(f"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{name}'")
        assert cur.fetchone()[0] == 1
    finally:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()


def test_a_busy_port_is_said_before_the_server_claims_to_run(tmp_path):
    sites = tmp_path / "sites"
    run("new-site", "busy", "--admin-password", "pw", "--set-default", sites=sites)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        result = run("serve", "--port", str(port), sites=sites, check=False)
    text = one_line_error(result)
    assert f"端口 {port} 已被占用" in text and "运行于" not in text


def test_the_site_can_be_told_its_date(tmp_path):
    sites = tmp_path / "sites"
    run("new-site", "dated", "--admin-password", "pw", "--set-default", sites=sites)
    text = one_line_error(run("set-date", "20/11/2018", sites=sites, check=False))
    assert "日期" in text and "年-月-日" in text
    assert "2018-11-20" in run("set-date", "2018-11-20", sites=sites).stdout
    from sixhave_app.engine.site import Site

    site = Site.open("dated", sites)
    try:
        with site.context() as ctx:
            assert str(ctx.today()) == "2018-11-20"
    finally:
        site.dispose()
    run("set-date", "--clear", sites=sites)
    assert "as_of" not in (sites / "dated" / "site_config.json").read_text()
