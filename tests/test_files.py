"""Files a command makes are written whole or not at all (``qzzc.files.write_file``)."""

from __future__ import annotations

import errno
import os

import pytest

import qzzc.files
from qzzc.errors import QzzcError
from qzzc.files import write_file

DATA = "衢州市2021年度职称评审评前公示\n".encode()


def test_replaces_a_file_whole(tmp_path):
    path = tmp_path / "notice.md"
    path.write_bytes(b"old")
    write_file(path, DATA)
    assert path.read_bytes() == DATA
    assert [item.name for item in tmp_path.iterdir()] == ["notice.md"]


def test_missing_folder_is_a_message(tmp_path):
    with pytest.raises(QzzcError, match=r"^无法写入文件 .*nowhere/notice.xlsx："):
        write_file(tmp_path / "nowhere" / "notice.xlsx", DATA)


def test_follows_the_umask(tmp_path):
    path = tmp_path / "notice.xlsx"
    old = os.umask(0o077)
    try:
        write_file(path, DATA)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_failure_leaves_no_temporary_file_and_the_old_file(tmp_path, monkeypatch):
    def boom(*_args):
        raise RuntimeError("boom")

    path = tmp_path / "notice.xlsx"
    path.write_bytes(b"old")
    monkeypatch.setattr(qzzc.files.os, "replace", boom)
    with pytest.raises(RuntimeError):
        write_file(path, DATA)
    assert [item.name for item in tmp_path.iterdir()] == ["notice.xlsx"]
    assert path.read_bytes() == b"old"


@pytest.mark.parametrize(
    ("number", "reason"),
    [(errno.ENOENT, "文件或文件夹不存在"), (errno.EACCES, "没有权限"), (errno.ENOSPC, "磁盘空间不足")],
)
def test_os_errors_are_given_in_chinese(number, reason):
    from qzzc.files import os_reason

    assert os_reason(OSError(number, os.strerror(number))) == reason


def test_a_rare_os_error_keeps_the_systems_text():
    from qzzc.files import os_reason

    assert (
        os_reason(OSError(errno.ELOOP, "Too many levels of symbolic links"))
        == "Too many levels of symbolic links"
    )


def test_an_adopted_file_never_replaces_another(tmp_path):
    from qzzc.errors import QzzcError
    from qzzc.files import Staged

    earlier = tmp_path / "qzzc-20211009-153000.db"
    earlier.write_bytes(b"an earlier backup")
    temporary = tmp_path / ".qzzc-x.db.tmp"
    temporary.write_bytes(b"this backup")
    staged = Staged.adopt(earlier, temporary)
    with pytest.raises(QzzcError) as refused:
        staged.publish()
    assert refused.value.message == f"无法写入文件 {earlier}：已存在"
    assert earlier.read_bytes() == b"an earlier backup"
    assert sorted(path.name for path in tmp_path.iterdir()) == [earlier.name]
    fresh = tmp_path / "qzzc-20211009-153000-2.db"
    temporary.write_bytes(b"this backup")
    Staged.adopt(fresh, temporary).publish()
    assert fresh.read_bytes() == b"this backup"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([earlier.name, fresh.name])
