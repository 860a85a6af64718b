"""The audit's writing jobs, ``qzzc audit accept`` and ``qzzc backup``, and the audit's public names.

The digests, the guard and verification are ``qzzc.audit`` (its docstring tells what the chain
shows and what it cannot); this module re-exports what the CLI and tests use.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from qzzc.audit.digests import ORPHAN, group_digests, protected_state, state_after
from qzzc.audit.guard import _REMOVE_OBJECTS, Findings, Tampered, check_unchanged, findings, foreign_objects
from qzzc.audit.kinds import HEAD_KEY, KIND_LABELS, KINDS, Kind
from qzzc.audit.log import GarbledLog, count_entries, entries_of, list_entries
from qzzc.audit.verify import AuditFailed, Verification, verify
from qzzc.core.audit import file_digest
from qzzc.errors import QzzcError, StoreError, UsageError
from qzzc.files import os_reason
from qzzc.services.base import Context, job, now

__all__ = [
    "HEAD_KEY",
    "KINDS",
    "KIND_LABELS",
    "ORPHAN",
    "Accepted",
    "AuditFailed",
    "Backup",
    "Findings",
    "GarbledLog",
    "Kind",
    "Tampered",
    "Verification",
    "accept",
    "backup",
    "check_unchanged",
    "count_entries",
    "foreign_objects",
    "group_digests",
    "list_entries",
    "protected_state",
    "state_after",
    "verify",
]


@dataclass(frozen=True)
class Accepted:
    entry: int
    changes: list[str]


def accept(ctx: Context, reason: str) -> Accepted:
    """Records in the audit chain that the protected records were changed outside qzzc and that
    ``reason`` explains it: the entry names every changed group, and verify passes again.

    Raises ``UsageError`` for a blank reason; ``QzzcError`` when nothing changed, or when the last
    entries themselves are gone (a deleted record of what was done cannot be accepted: restore a
    backup).
    """
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError("--reason 不能为空：请写明改动的原因和批准人")
    with job(ctx, "audit accept", {"reason": reason}, guarded=False, writes=None) as current:
        entries = entries_of(current.session.connection())
        found = findings(ctx, current.session, entries)
        if found.tail or not entries:
            first = (
                "审计日志中的记录被删除、改动或调换顺序" if found.chain else "审计日志末尾的记录或其标记不符"
            )
            lines = [f"{first}，不能用 accept 确认，未写入任何数据："]
            lines += [f"  {problem}" for problem in found.problems or ["审计日志为空。"]]
            lines.append("请用最近的备份（qzzc backup 生成的文件）恢复数据库。")
            raise QzzcError("\n".join(lines))
        if found.objects:
            lines = ["数据库中有 qzzc 不会创建的对象，不能用 accept 确认，未写入任何数据："]
            lines += [f"  {problem}" for problem in found.problems]
            lines.append(_REMOVE_OBJECTS)
            raise QzzcError("\n".join(lines))
        if not found.problems:
            raise QzzcError("数据与最后一条审计记录一致，没有需要确认的改动。")
        current.summary = {"reason": reason, "changes": found.problems}
    assert current.seq is not None
    return Accepted(entry=current.seq, changes=found.problems)


# -- backups ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    path: Path
    sha256: str
    entries: int
    head: str | None


def backup(ctx: Context, directory: Path) -> Backup:
    """Writes a consistent copy of the SQLite store into ``directory`` through SQLite's backup API,
    named ``qzzc-YYYYMMDD-HHMMSS.db`` and readable by its owner only, then verifies the copy
    (``PRAGMA integrity_check`` and the audit chain) and notes it in the audit chain. The copy is
    made under a hidden temporary name and takes its own name only once the note is committed:
    a backup that fails (a full disk, Ctrl+C, a store that does not verify) leaves no file.

    Returns the copy. Raises ``StoreError`` for a server database (use pg_dump) and a folder that
    cannot be written, ``AuditFailed`` when the copy does not verify.
    """
    store = ctx.store
    if store.path is None:
        raise StoreError(
            "共享的 PostgreSQL 数据库请由数据库管理员用 pg_dump 备份；qzzc backup 只备份 SQLite 数据库文件。"
        )
    with store.reading():
        pass  # refuses a store that was never initialised, or of a newer qzzc
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory} 不是文件夹")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".qzzc-", suffix=".db.tmp", dir=directory)  # 0600
        os.close(handle)
    except OSError as error:
        raise StoreError(f"无法在 {directory} 中写入备份：{os_reason(error)}") from None
    temporary = Path(name)
    try:
        _copy(store.path, temporary, directory)
        copy = Context(store=type(store)(f"sqlite:///{temporary}"), operator=ctx.operator)
        try:
            with copy.store.reading() as session:
                integrity = session.connection().exec_driver_sql("PRAGMA integrity_check").scalar()
            if integrity != "ok":
                raise StoreError(f"备份文件未通过完整性检查：{integrity}")
            try:
                checked = verify(copy)
            except AuditFailed as failed:
                raise QzzcError(
                    f"未备份：{failed.message}\n如需把现状留作证据，请直接复制数据库文件 {store.path}。"
                ) from None
        finally:
            copy.store.dispose()
        digest = file_digest(temporary.read_bytes())
        with job(ctx, "backup", {"directory": str(directory)}, writes=[]) as current:
            target = _free_name(directory)
            current.summary = {
                "file": target.name,
                "sha256": digest,
                "entries": checked.entries,
                "head": checked.head,
            }
            current.stage_file(target, temporary)
    finally:
        temporary.unlink(missing_ok=True)
    return Backup(target, digest, checked.entries, checked.head)


def _copy(source_path: Path, target: Path, directory: Path) -> None:
    """Copies the SQLite store at ``source_path`` into the (empty) file ``target`` through SQLite's
    backup API. Raises ``StoreError`` saying why not (a full disk, say)."""
    try:
        source = sqlite3.connect(source_path, timeout=30)
        try:
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        reason = {
            sqlite3.SQLITE_FULL: "磁盘空间不足",
            sqlite3.SQLITE_READONLY: "磁盘只读",
            sqlite3.SQLITE_IOERR: "读写出错（磁盘或网络故障）",
            sqlite3.SQLITE_CANTOPEN: "无法创建文件",
            sqlite3.SQLITE_PERM: "没有权限",
        }.get(getattr(error, "sqlite_errorcode", 0) & 0xFF, str(error))
        raise StoreError(f"无法在 {directory} 中写入备份：{reason}") from None
    except OSError as error:
        raise StoreError(f"无法在 {directory} 中写入备份：{os_reason(error)}") from None


def _free_name(directory: Path) -> Path:
    """A name for a backup made now that no file in ``directory`` has, adding ``-2``, ``-3``…"""
    stamp = now()[:19].replace("-", "").replace(":", "").replace("T", "-")
    for number in range(1, 1000):
        path = directory / (f"qzzc-{stamp}.db" if number == 1 else f"qzzc-{stamp}-{number}.db")
        if not path.exists():
            return path
    raise StoreError(f"{directory} 中同一秒的备份文件过多")
