"""Writing the files a command makes (notices, forms, exports): whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from qzzc.errors import QzzcError


def write_file(path: Path, data: bytes) -> None:
    """Writes ``data`` to ``path`` through a temporary file in the same folder, renamed over
    ``path`` once complete: a failure (a full disk, Ctrl+C) leaves an earlier file as it was and
    no temporary file behind. The file gets the permissions ``open()`` would give it.

    Raises ``QzzcError`` naming the file when it cannot be written."""
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise QzzcError(f"无法写入文件 {path}：{error.strerror or error}") from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
