"""``qzzc restore``: putting a backup back in place of the store (SPEC §13).

The backup is copied beside the target first, and the copy checked there (SQLite's integrity check,
then the whole audit verification), so that neither a broken backup nor a failure half-way leaves
the office without a working store. A store already at the target is never replaced without
``force``, and when it is, it is kept beside it as ``<name>-被替换-<time>.db``. The restored store
then records the restore as its next audit entry (the backup's file name and SHA-256, and the
name the replaced store was kept under), so that the chain says what happened.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from qzzc.audit.verify import AuditFailed, verify
from qzzc.core.audit import file_digest
from qzzc.errors import QzzcError, StoreError
from qzzc.files import os_reason
from qzzc.services.base import Context, job, now


@dataclass(frozen=True)
class Restored:
    target: Path
    backup: Path
    sha256: str
    entries: int
    replaced: Path | None  # where the store that was at the target was kept


def restore(ctx: Context, backup: Path, *, force: bool = False) -> Restored:
    """Puts the SQLite ``backup`` in place of ``ctx``'s store after checking it.

    Raises ``StoreError`` for a server store (use pg_restore), a missing or unreadable backup, a
    target that exists without ``force``; ``QzzcError`` when the backup fails its checks (nothing
    is changed then).
    """
    target = ctx.store.path
    if target is None:
        raise StoreError(
            "共享的 PostgreSQL 数据库请由数据库管理员用 pg_restore 恢复；qzzc restore 只恢复 SQLite 数据库文件。"
        )
    if backup.is_dir():
        raise StoreError(
            f"{backup} 是文件夹，不是备份文件；请写出备份文件本身（如 {backup / 'qzzc-20211009-153000.db'}）"
        )
    if not backup.is_file():
        raise StoreError(f"找不到备份文件：{backup}")
    if target.is_dir():
        raise StoreError(
            f"{target} 是文件夹，不能作为数据库文件；请写出数据库文件的路径（如 {target / 'qzzc.db'}）"
        )
    if backup.resolve() == target.resolve():
        raise StoreError(f"备份文件就是要恢复的数据库本身：{target}")
    if target.exists() and not force:
        raise StoreError(
            f"{target} 已有数据库，未恢复。确认要用备份替换它时，请加 --force（原数据库会另存为"
            f"「{target.stem}-被替换-时间.db」留在同一文件夹）。"
        )
    data = _read(backup)
    staged = target.with_name(f".{target.name}.恢复中-{os.getpid()}")
    try:
        _write_private(staged, data)
        copy = Context(store=type(ctx.store)(f"sqlite:///{staged}"), operator=ctx.operator)
        try:
            _integrity(copy, backup)
            try:
                checked = verify(copy)
            except AuditFailed as failed:
                raise QzzcError(f"备份文件 {backup.name} 未通过审计核验，未恢复：{failed.message}") from None
        finally:
            copy.store.dispose()
        ctx.store.dispose()  # no pooled connection may stay on the file set aside
        replaced = _set_aside(target) if target.exists() else None
        os.replace(staged, target)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    digest = file_digest(data)
    with job(ctx, "restore", {"backup": backup.name, "force": force}, writes=[]) as current:
        current.summary = {
            "backup": backup.name,
            "sha256": digest,
            "entries": checked.entries,
            "replaced": replaced.name if replaced else None,
        }
    ctx.store.dispose()
    return Restored(target, backup, digest, checked.entries, replaced)


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StoreError(f"无法读取备份文件 {path}：{os_reason(error)}") from None
    if not data.startswith(b"SQLite format 3\x00"):
        raise StoreError(f"{path.name} 不是 qzzc 的备份（不是 SQLite 数据库文件），未恢复。")
    return data


def _write_private(path: Path, data: bytes) -> None:
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise StoreError(f"无法在 {path.parent} 中写入恢复的数据库：{os_reason(error)}") from None


def _integrity(copy: Context, backup: Path) -> None:
    try:
        with copy.store.reading() as session:
            integrity = session.connection().exec_driver_sql("PRAGMA integrity_check").scalar()
    except sqlite3.DatabaseError:
        integrity = "无法打开"
    if integrity != "ok":
        raise QzzcError(f"备份文件 {backup.name} 未通过完整性检查（{integrity}），未恢复。")


def _set_aside(target: Path) -> Path:
    """Moves the store at ``target`` (and its journal files) aside under a name with the time,
    after folding any write-ahead log into it so that the kept copy is whole."""
    try:
        connection = sqlite3.connect(target, timeout=30)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        pass  # not a readable store: keep it as it is
    stamp = now()[:19].replace("-", "").replace(":", "").replace("T", "-")
    kept = target.with_name(f"{target.stem}-被替换-{stamp}{target.suffix}")
    try:
        os.replace(target, kept)
        for suffix in ("-wal", "-shm", "-journal"):
            extra = target.with_name(target.name + suffix)
            if extra.exists():
                os.replace(extra, kept.with_name(kept.name + suffix))
    except OSError as error:
        raise StoreError(f"无法把原数据库另存为 {kept.name}：{os_reason(error)}") from None
    return kept
