"""Writing the files a command makes (notices, forms, exports): whole or not at all."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from qzzc.errors import QzzcError

_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘只读",
    errno.EISDIR: "这是文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "已存在",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EDQUOT: "超出磁盘配额",
    errno.EBUSY: "文件正被占用",
    errno.EIO: "读写出错（磁盘或网络故障）",
}


def os_reason(error: OSError) -> str:
    """The reason of an operating-system error in Chinese, for messages (the system's own text,
    in English, for a rare error)."""
    return _REASONS.get(error.errno or 0) or error.strerror or str(error)


class Staged:
    """A file written beside its place and put there later (``publish``), or dropped
    (``discard``): for a file that must appear only if something else (a job's commit) succeeds,
    without touching an earlier file of that name meanwhile."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self._temporary: str | None = None
        self._exclusive = False
        try:
            handle, self._temporary = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
            )
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(self._temporary, 0o666 & ~_umask())
        except BaseException as error:
            self.discard()
            if isinstance(error, OSError):
                raise QzzcError(f"无法写入文件 {path}：{os_reason(error)}") from None
            raise

    @classmethod
    def adopt(cls, path: Path, temporary: Path) -> Staged:
        """A file already written at ``temporary`` (in ``path``'s folder, with the permissions it
        is to have), to be put at ``path``, which must not exist by then: never over another file."""
        staged = cls.__new__(cls)
        staged.path = path
        staged._temporary = str(temporary)
        staged._exclusive = True
        return staged

    def publish(self) -> None:
        """Puts the file in its place (an atomic rename over any earlier file, or, for an adopted
        file, a new name only)."""
        if self._temporary is None:
            return
        try:
            if self._exclusive:
                os.link(self._temporary, self.path)
                Path(self._temporary).unlink()
            else:
                os.replace(self._temporary, self.path)
        except OSError as error:
            self.discard()
            raise QzzcError(f"无法写入文件 {self.path}：{os_reason(error)}") from None
        self._temporary = None

    def discard(self) -> None:
        if self._temporary is not None:
            Path(self._temporary).unlink(missing_ok=True)
            self._temporary = None


def write_file(path: Path, data: bytes) -> None:
    """Writes ``data`` to ``path`` through a temporary file in the same folder, renamed over
    ``path`` once complete: a failure (a full disk, Ctrl+C) leaves an earlier file as it was and
    no temporary file behind. The file gets the permissions ``open()`` would give it.

    Raises ``QzzcError`` naming the file when it cannot be written."""
    staged = Staged(path, data)
    try:
        staged.publish()
    finally:
        staged.discard()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
