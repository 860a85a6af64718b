"""What used to end in 内部错误 (SPEC §14, issue 14 items 9 and 10) is a clear message, exit 1."""

from __future__ import annotations

import errno
import os

import pytest
from helpers import add_applicants, applicant_row, form_row, write_csv

CALENDAR_9999 = "year = 9999\nholidays = [9999-12-31]\nworkdays = []\n"


def test_init_in_a_read_only_folder(cli, db_path, monkeypatch):
    """Tests run as root, for whom chmod does not stop a write: the folder's refusal is the
    operating system's error, raised where qzzc creates the file (checked by hand on a read-only
    bind mount, which gives EROFS: "磁盘只读")."""
    import qzzc.store.db

    real = os.open

    def refused(path, flags, *args, **kwargs):
        if str(path) == str(db_path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(qzzc.store.db.os, "open", refused)
    result = cli("init")
    assert result.exit_code == 1
    assert result.stderr == f"错误：无法在 {db_path.parent} 中创建数据库文件 qzzc.db：没有权限\n"
    assert not db_path.exists()


def test_a_store_that_cannot_be_written_says_so(cli_initialised, db_path, monkeypatch):
    """SQLite's own refusal (a read-only file or folder) in words: made here with
    ``PRAGMA query_only``, which SQLite answers with the same SQLITE_READONLY."""
    from sqlalchemy import event

    import qzzc.store.db

    create = qzzc.store.db.Store._create_engine

    def read_only(self):
        engine = create(self)
        event.listen(
            engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only = ON")
        )
        return engine

    monkeypatch.setattr(qzzc.store.db.Store, "_create_engine", read_only)
    result = cli_initialised("check")
    assert result.exit_code == 1
    assert result.stderr == f"错误：无法使用数据库 {db_path}：数据库文件或其所在文件夹只读，无法写入\n"


def test_a_calendar_for_9999_in_a_check(cli_initialised, db_path, tmp_path):
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(ctx, applicant_row(publicity_start="9999-12-27", publicity_end="9999-12-31"))
    ctx.store.dispose()
    calendar = tmp_path / "9999.toml"
    calendar.write_text(CALENDAR_9999, encoding="utf-8")
    result = cli_initialised("check", "--calendar", str(calendar))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[2] == "  publicity.unit 单位公示：1"


def test_a_period_past_9999_is_refused(cli_initialised, db_path, tmp_path):
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(ctx, applicant_row())
    ctx.store.dispose()
    calendar = tmp_path / "9999.toml"
    calendar.write_text(CALENDAR_9999, encoding="utf-8")
    out = tmp_path / "公示.md"
    result = cli_initialised(
        "notice",
        "pre-review",
        "-c",
        "3",
        "--start",
        "9999-12-27",
        "--calendar",
        str(calendar),
        "--out",
        str(out),
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：工作日的计算超出了 9999-12-31，日历无法再往后推算。请核对日期（年份是否填错）或 --calendar 文件中的年份。\n"
    )
    assert not out.exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_store_is_refused(url):
    from helpers import run_cli

    for command in (["init"], ["plan", "list"]):
        result = run_cli("--db", url, *command)
        assert result.exit_code == 1
        assert result.stderr == (
            f"错误：{url} 是内存数据库，命令结束即消失，qzzc 的数据和审计日志须保存在文件或数据库服务器中。"
            "请用 --db 给出 SQLite 文件路径（如 --db qzzc.db）或 PostgreSQL 数据库 URL。\n"
        )


def test_a_password_in_the_urls_query_is_not_printed():
    from helpers import run_cli

    result = run_cli("--db", "postgresql+psycopg://u@127.0.0.1:1/db?password=secret", "plan", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "错误：无法使用数据库 postgresql+psycopg://u@127.0.0.1:1/db?password=***："
    )
    assert "secret" not in result.stderr


def test_a_url_with_a_bad_port_is_a_message():
    from helpers import run_cli

    result = run_cli("--db", "postgresql+psycopg://u:secret@h:notaport/db", "plan", "list")
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：数据库 URL postgresql+psycopg://u:***@h:notaport/db 的格式有误，请核对"
        "（形如 postgresql+psycopg://用户名@主机:端口/数据库名，端口为数字）。\n"
    )


def test_a_phone_number_in_the_id_column_is_masked(cli_initialised, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [form_row(身份证号="13812341234")])
    result = cli_initialised("import", str(path), "-c", "3")
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：bad.csv 有误，共 1 处，未写入任何数据：\n  bad.csv 第 2 行「身份证号」（********234）：应为 18 位，实为 11 位\n"
    )


@pytest.mark.postgres
def test_an_option_the_server_does_not_know_is_a_message():
    from conftest import PG_URL, pg_unavailable
    from helpers import run_cli

    if pg_unavailable():
        pytest.skip(pg_unavailable())
    url = f"{PG_URL}?password=secret&bogus=1"
    result = run_cli("--db", url, "plan", "list")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f'错误：无法使用数据库 {PG_URL}?password=***&bogus=1：invalid connection option "bogus"\n'
    )
