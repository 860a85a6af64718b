"""The audit entries this process has committed: a failure after a commit (printing the
result, publishing a file) is then reported as such, never as "nothing written" (SPEC §13)."""

from __future__ import annotations

_committed: list[int] = []


def record(seq: int) -> None:
    """Notes that the job of audit entry ``seq`` has committed."""
    _committed.append(seq)


def mark() -> int:
    """A mark for ``since``."""
    return len(_committed)


def since(mark: int) -> list[int]:
    """The entries committed since ``mark`` was taken, in order."""
    return _committed[mark:]
