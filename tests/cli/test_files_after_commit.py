"""Files from failed commands (SPEC §14): every file a command writes appears only after its
commit, never when the command fails, and an earlier file at that place is left as it was."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import add_applicants, applicant_row

GOOD = "330802199001011234"


@pytest.fixture
def store(cli_initialised, db_path):
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(ctx, applicant_row(id_number=GOOD))
    ctx.store.dispose()
    cli_initialised.ctx = ctx
    return cli_initialised


def entries(ctx) -> int:
    from qzzc.services.audit import count_entries

    return count_entries(ctx)


def left_in(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("failure", [RuntimeError("disk gone"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_an_export_whose_check_is_not_committed_is_not_written(store, tmp_path, monkeypatch, failure):
    import qzzc.services.base as base

    folder = tmp_path / "导出"
    folder.mkdir()
    earlier = folder / "名单.xlsx"
    earlier.write_bytes(b"the list of last week")
    before = entries(store.ctx)

    def broken(*_args, **_kwargs):
        raise failure

    monkeypatch.setattr(base, "append_audit", broken)
    result = store("check", "--export", str(earlier))
    assert result.exit_code == (130 if isinstance(failure, KeyboardInterrupt) else 1)
    assert entries(store.ctx) == before
    assert left_in(folder) == ["名单.xlsx"]
    assert earlier.read_bytes() == b"the list of last week"
    fresh = folder / "新名单.xlsx"
    assert store("check", "--export", str(fresh)).exit_code == result.exit_code
    assert left_in(folder) == ["名单.xlsx"]


def test_an_export_whose_commit_fails_is_not_written(store, tmp_path, monkeypatch):
    """The commit itself fails (after the entry was appended): still no file."""
    from sqlalchemy.orm import SessionTransaction

    def broken(self, *_args, **_kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(SessionTransaction, "commit", broken)
    out = tmp_path / "名单.xlsx"
    result = store("check", "--export", str(out))
    assert result.exit_code == 1
    assert left_in(tmp_path) == ["qzzc.db"]


def stored_with_control_characters(ctx) -> None:
    """Names stored by an older qzzc, before import refused such characters."""
    add_applicants(ctx, applicant_row(id_number=GOOD, name="张\x1b[2J三\x00", unit="衢州\x07市建筑设计院"))


def test_an_export_keeps_a_name_with_a_control_character(store, tmp_path):
    from openpyxl import load_workbook

    stored_with_control_characters(store.ctx)
    out = tmp_path / "名单.xlsx"
    result = store("check", "--export", str(out))
    assert result.exit_code == 0, result.stderr
    rows = [[cell.value for cell in row] for row in load_workbook(out).active.iter_rows()]
    assert rows[1][2:5] == ["张[2J三", "330802********1234", "衢州市建筑设计院"]


def test_a_counts_template_keeps_a_name_with_a_control_character(store, tmp_path):
    from helpers import add_meeting, add_verdicts
    from openpyxl import load_workbook

    stored_with_control_characters(store.ctx)
    add_verdicts(store.ctx)
    assert add_meeting(store.ctx) == 1
    out = tmp_path / "计票.xlsx"
    result = store("template", "counts", "1", str(out))
    assert result.exit_code == 0, result.stderr
    rows = [[cell.value for cell in row] for row in load_workbook(out).active.iter_rows()]
    assert rows[1][:2] == [GOOD, "张[2J三"]


def test_a_backup_whose_entry_is_not_committed_leaves_no_file(store, tmp_path, monkeypatch):
    import qzzc.services.base as base

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(base, "append_audit", broken)
    folder = tmp_path / "备份"
    result = store("backup", str(folder))
    assert result.exit_code == 1
    assert left_in(folder) == []


def test_a_backup_to_a_full_disk_says_so(store, tmp_path, monkeypatch):
    import qzzc.services.audit as audit

    real = sqlite3.connect

    class Full:
        def __init__(self, connection):
            self._connection = connection

        def backup(self, _target):
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = sqlite3.SQLITE_FULL
            raise error

        def close(self):
            self._connection.close()

    monkeypatch.setattr(audit.sqlite3, "connect", lambda *args, **kwargs: Full(real(*args, **kwargs)))
    folder = tmp_path / "备份"
    before = entries(store.ctx)
    result = store("backup", str(folder))
    assert result.exit_code == 1
    assert result.stderr == f"错误：无法在 {folder} 中写入备份：磁盘空间不足\n"
    assert left_in(folder) == []
    assert entries(store.ctx) == before


def test_a_backup_that_cannot_be_published_says_it_was_noted(store, tmp_path, monkeypatch):
    """The entry is committed but the copy cannot take its name: the message says what was saved."""
    import os

    import qzzc.files

    def refused(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(qzzc.files.os, "link", refused)
    folder = tmp_path / "备份"
    before = entries(store.ctx)
    result = store("backup", str(folder))
    assert result.exit_code == 1
    assert entries(store.ctx) == before + 1
    [line, note] = result.stderr.splitlines()
    assert line.startswith(f"错误：无法写入文件 {folder}{os.sep}qzzc-")
    assert line.endswith(".db：磁盘空间不足")
    assert note == (
        f"注意：本次操作的数据已保存（审计日志第 {before + 1} 条，可用 qzzc audit 查看），以上错误发生在保存之后。"
    )
    assert left_in(folder) == []
