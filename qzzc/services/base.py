"""What every service shares: the context it runs in and the one way to write."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from qzzc.core.audit import GENESIS, entry_hash, file_digest
from qzzc.errors import QzzcError
from qzzc.store.db import Store
from qzzc.store.models import AuditEntry


@dataclass(frozen=True)
class Context:
    """Where the store is and who is working on it."""

    store: Store
    operator: str

    @classmethod
    def create(cls, db: str | None = None, operator: str | None = None) -> Context:
        from qzzc.store.db import resolve_url

        return cls(store=Store(resolve_url(db)), operator=operator or default_operator())


def default_operator() -> str:
    try:
        return os.environ.get("QZZC_OPERATOR") or getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def now() -> str:
    """The local time as ISO 8601 text with its UTC offset, to the second."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class Job:
    """A writing job in progress: its session and the summary its audit entry will carry."""

    session: Session
    at: str
    summary: dict[str, Any] = field(default_factory=dict)
    discarded: bool = False

    def discard(self) -> None:
        """Ends the job without writing anything, as a success (a second ``init``, say)."""
        self.discarded = True


class _Discarded(Exception):
    pass


def read_input(path: Path) -> bytes:
    """Returns the bytes of an input file, or raises a ``QzzcError`` that says what is wrong."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise QzzcError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise QzzcError(f"{path} 是文件夹，不是文件") from None
    except PermissionError:
        raise QzzcError(f"没有权限读取文件：{path}") from None
    except OSError as error:
        raise QzzcError(f"无法读取文件 {path}：{error.strerror}") from None


def describe_inputs(files: Mapping[str, bytes]) -> list[dict[str, str]]:
    return [{"file": name, "sha256": file_digest(data)} for name, data in files.items()]


@contextmanager
def job(
    ctx: Context,
    command: str,
    options: Mapping[str, Any] | None = None,
    inputs: Mapping[str, bytes] | None = None,
    *,
    initialising: bool = False,
) -> Iterator[Job]:
    """Runs a writing job in one transaction and appends its audit entry in the same one.

    Everything the job wrote is committed together with its entry, or nothing is, whatever is
    raised. ``inputs`` maps each input file's name to its bytes, for their SHA-256.
    """
    transaction = ctx.store.transaction if initialising else ctx.store.writing
    try:
        with transaction() as session:
            current = Job(session=session, at=now())
            yield current
            if current.discarded:
                raise _Discarded
            append_audit(
                session,
                at=current.at,
                operator=ctx.operator,
                command=command,
                options=dict(options or {}),
                inputs=describe_inputs(inputs or {}),
                summary=current.summary,
            )
    except _Discarded:
        pass


def append_audit(
    session: Session,
    *,
    at: str,
    operator: str,
    command: str,
    options: dict[str, Any],
    inputs: Sequence[dict[str, str]],
    summary: dict[str, Any],
) -> AuditEntry:
    """Appends one entry to the audit chain, hashed over the previous entry's hash."""
    if session.get_bind().dialect.name == "postgresql":
        # Two offices appending at once must not both chain onto the same entry.
        session.exec(  # type: ignore[call-overload]
            _text("LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE")
        )
    last = session.exec(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()  # type: ignore[union-attr]
    prev_hash = last.hash if last else GENESIS
    seq = (last.seq or 0) + 1 if last else 1
    # Taken after the lock above, so that the digest covers every job committed before this one.
    from qzzc.services.audit import protected_state

    state = protected_state(session.connection())
    body = audit_body(seq, at, operator, command, options, list(inputs), summary, state)
    entry = AuditEntry(
        seq=seq,
        at=at,
        operator=operator,
        command=command,
        options=options,
        inputs=list(inputs),
        summary=summary,
        state=state,
        prev_hash=prev_hash,
        hash=entry_hash(prev_hash, body),
    )
    session.add(entry)
    session.flush()
    return entry


def audit_body(
    seq: int,
    at: str,
    operator: str,
    command: str,
    options: dict[str, Any],
    inputs: list[dict[str, str]],
    summary: dict[str, Any],
    state: dict[str, Any],
) -> dict[str, Any]:
    """The part of an audit entry its hash covers (``qzzc.core.audit.BODY_KEYS``)."""
    return {
        "seq": seq,
        "at": at,
        "operator": operator,
        "command": command,
        "options": options,
        "inputs": inputs,
        "summary": summary,
        "state": state,
    }


def _text(sql: str):
    from sqlalchemy import text

    return text(sql)
