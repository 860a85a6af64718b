"""What every service shares: the context it runs in and the one way to write."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, text
from sqlmodel import Session, select

from qzzc import commits
from qzzc.audit.digests import state_after
from qzzc.audit.guard import check_unchanged
from qzzc.audit.kinds import HEAD_KEY, KINDS
from qzzc.core.audit import GENESIS, entry_hash, file_digest
from qzzc.core.workdays import OFFICIAL, parse_override
from qzzc.errors import ConfigError, QzzcError
from qzzc.files import Staged, os_reason
from qzzc.store.db import Store, resolve_url
from qzzc.store.migrations import latest as latest_version
from qzzc.store.models import AuditEntry

if TYPE_CHECKING:
    from qzzc.core.workdays import Calendar


@dataclass(frozen=True)
class Context:
    """Where the store is and who is working on it."""

    store: Store
    operator: str

    def __post_init__(self) -> None:
        self.store.upgrader = lambda: upgrade(self)

    @classmethod
    def create(cls, db: str | None = None, operator: str | None = None) -> Context:

        return cls(store=Store(resolve_url(db)), operator=operator or default_operator())


def default_operator() -> str:
    try:
        return os.environ.get("QZZC_OPERATOR") or getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def today() -> dt.date:
    """Today in Beijing time (UTC+8): the day a step is taken when a caller gives none (the CLI
    always passes ``--on``; SPEC §11)."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


def now() -> str:
    """The local time as ISO 8601 text with its UTC offset, to the second."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class Job:
    """A writing job in progress: its session and the summary its audit entry will carry."""

    session: Session
    at: str
    summary: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, bytes] = field(default_factory=dict)  # name: bytes, hashed into the entry
    discarded: bool = False
    seq: int | None = None  # the audit entry's number, once appended
    files: list[Staged] = field(default_factory=list)
    untouched: frozenset[str] = frozenset()  # declared tables the job found it had no need to write

    def discard(self) -> None:
        """Ends the job without writing anything, as a success (a second ``init``, say)."""
        self.discarded = True

    def leave(self, *tables: str) -> None:
        """Notes that the job wrote none of ``tables`` (of those it declared), so that its entry
        reuses their kinds' digests from the check before instead of recomputing them (a check
        that keeps every verdict, say). Under ``CHECK_WRITES`` a write to one of them fails the job."""
        self.untouched = self.untouched | frozenset(tables)

    def stage(self, path: Path, data: bytes) -> None:
        """Writes ``data`` beside ``path`` now, and puts it at ``path`` once the job has committed
        (replacing an earlier file there), never if it does not (SPEC §14): a file appears only
        with its entry, and an entry is sealed only once its file is written. Raises
        ``QzzcError`` naming the file when it cannot be written."""
        self.files.append(Staged(path, data))

    def stage_file(self, path: Path, temporary: Path) -> None:
        """As ``stage``, for a file the job has written itself at ``temporary`` (in ``path``'s
        folder); it is put at ``path`` only if no file is there."""
        self.files.append(Staged.adopt(path, temporary))


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
        raise QzzcError(f"无法读取文件 {path}：{os_reason(error)}") from None


def read_calendar(path: Path | None) -> tuple[Calendar, dict[str, bytes]]:
    """The official calendar, with the years of the override file at ``path`` on top (``--calendar``),
    and the file's bytes by name, for the job's audit entry. Raises ``ConfigError`` for a bad file."""

    if path is None:
        return OFFICIAL, {}
    data = read_input(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name} 不是 UTF-8 编码的文本文件") from None
    return parse_override(text, path.name), {path.name: data}


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
    guarded: bool = True,
    upgrading: bool = False,
    writes: Iterable[str] | None = None,
) -> Iterator[Job]:
    """Runs a writing job in one transaction and appends its audit entry in the same one.

    Everything the job wrote is committed together with its entry, or nothing is, whatever is
    raised. ``inputs`` maps each input file's name to its bytes, for their SHA-256; a job that
    reads more files as it runs adds them to ``Job.inputs``. Files the job stages (``Job.stage``)
    are put in place once it has committed, and never otherwise.

    Before the job writes, the store is checked to be as its audit chain left it
    (``qzzc.services.audit.check_unchanged``: the whole chain, the head marker, the protected
    records and the year and schema records), so that no job builds on, and no entry seals, a
    change made behind qzzc's back; a changed store raises ``Tampered``. Only ``audit accept``,
    which records such a change, runs with ``guarded=False``.

    A store of an older schema version is upgraded first, by an ``upgrade`` job of its own
    (``upgrade``), which alone runs with ``upgrading=True``.

    ``writes`` names the tables the job may write (besides ``meta`` and ``audit_entries``, which
    every job writes): its entry recomputes only the digests of their kinds and reuses the rest
    from the check before. ``None`` recomputes every kind (``init``, ``upgrade``). Under the test
    suite (``CHECK_WRITES``) every statement is read, and a write to an undeclared table fails the job.
    """
    declared = None if writes is None else frozenset(writes) | ALWAYS_WRITTEN
    if initialising:
        version = ctx.store.peek_version()
        if version is not None and version < latest_version():
            ctx.store.ensure_current()
        transaction = ctx.store.transaction
    else:
        transaction = (lambda: ctx.store.writing(upgrade=False)) if upgrading else ctx.store.writing
    current: Job | None = None
    try:
        with _published(lambda: current), transaction() as session, _tables_written(session) as written:
            before = None
            if not initialising or ctx.store.is_initialised(session):
                _lock_chain(session)
                if guarded:
                    before = check_unchanged(ctx, session)
            written.clear()  # what the job itself writes
            current = Job(session=session, at=now(), inputs=dict(inputs or {}))
            yield current
            if current.discarded:
                raise _Discarded
            session.flush()
            if declared is not None:
                declared = declared - current.untouched
            if CHECK_WRITES and declared is not None and written - declared:
                raise UndeclaredWrite(command, written - declared)
            entry = append_audit(
                session,
                state=state_after(session.connection(), before, {"*"} if declared is None else set(declared)),
                at=current.at,
                operator=ctx.operator,
                command=command,
                options=dict(options or {}),
                inputs=describe_inputs(current.inputs),
                summary=current.summary,
            )
            current.seq = entry.seq
            ctx.store.set_meta(session, HEAD_KEY, f"{entry.seq}:{entry.hash}")
    except _Discarded:
        pass


def upgrade(ctx: Context) -> list[str]:
    """Brings a store of an older schema version to the current one (``qzzc.store.migrations``)
    in an audited ``upgrade`` job: checked against its audit chain first, as every job is, the
    steps run in the job's transaction, and its entry names them and seals the new state.
    Returns the steps' names (none when another command upgraded it meanwhile)."""
    with job(ctx, "upgrade", upgrading=True) as current:
        version = ctx.store.schema_version(current.session) or 0
        if version >= latest_version():
            current.discard()
            return []
        steps = ctx.store.upgrade_schema(current.session, version)
        current.summary = {"from": version, "to": latest_version(), "steps": steps}
    return steps


@contextmanager
def _published(job: Callable[[], Job | None]) -> Iterator[None]:
    """Around a job's transaction: once it has committed, notes the commit (``qzzc.commits``)
    and puts the files the job staged in their places; when anything is raised, before or after
    the commit, removes those not yet there."""
    try:
        yield
    except BaseException:
        _discard(job())
        raise
    current = job()
    try:
        if current is not None and current.seq is not None:  # the transaction has committed
            commits.record(current.seq)
            for staged in current.files:
                staged.publish()
    finally:
        _discard(current)


def _discard(current: Job | None) -> None:
    for staged in current.files if current is not None else []:
        staged.discard()


_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_NOT_A_WRITE = re.compile(
    r"\s*(?:SELECT|PRAGMA|BEGIN|LOCK|SAVEPOINT|RELEASE|ROLLBACK|COMMIT)\b", re.IGNORECASE
)


ALWAYS_WRITTEN = frozenset({"meta", "audit_entries"})  # the head marker, the entry
CHECK_WRITES = False  # set by the test suite (tests/conftest.py): each job's writes are read


class UndeclaredWrite(AssertionError):
    """A job wrote a table its ``writes`` does not name (a bug: its entry would seal stale digests)."""

    def __init__(self, command: str, tables: set[str]) -> None:
        super().__init__(f"job {command!r} wrote undeclared tables: {sorted(tables)}")


@contextmanager
def _tables_written(session: Session) -> Iterator[set[str]]:
    """Under ``CHECK_WRITES``, collects the names of the tables the statements run on
    ``session``'s connection write to; a statement it cannot read adds ``"*"``. Otherwise nothing."""
    written: set[str] = set()
    if not CHECK_WRITES:
        yield written
        return

    def note(_connection, _cursor, statement, _parameters, _context, _executemany) -> None:
        match = _WRITE.match(statement)
        if match:
            written.add(match.group(1).lower())
        elif not _NOT_A_WRITE.match(statement):
            written.add("*")

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", note)
    try:
        yield written
    finally:
        event.remove(connection, "before_cursor_execute", note)


def _lock_chain(session: Session) -> None:
    """Makes writing jobs take turns from their start, and keeps anyone else from changing a
    protected record while a job runs, so that what the job checked before it wrote is what its
    entry seals. SQLite's ``BEGIN IMMEDIATE`` does this already. On PostgreSQL the audit table and
    every protected table are locked against writes (``SHARE ROW EXCLUSIVE``: reading goes on); a
    change someone began outside qzzc is waited for, and then found by the check."""
    if session.get_bind().dialect.name != "postgresql":
        return

    existing = set(inspect(session.connection()).get_table_names())
    tables = [AuditEntry.__tablename__, *(kind.table.name for kind in KINDS if kind.table.name in existing)]
    session.exec(_text(f"LOCK TABLE {', '.join(tables)} IN SHARE ROW EXCLUSIVE MODE"))  # type: ignore[call-overload]


def append_audit(
    session: Session,
    *,
    at: str,
    operator: str,
    command: str,
    options: dict[str, Any],
    inputs: Sequence[dict[str, str]],
    summary: dict[str, Any],
    state: dict[str, Any],
) -> AuditEntry:
    """Appends one entry to the audit chain, hashed over the previous entry's hash, with ``state``
    the protected records' digest after the job. The caller holds the chain's lock (``job`` takes
    it first)."""
    last = session.exec(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()  # type: ignore[union-attr]
    prev_hash = last.hash if last else GENESIS
    seq = (last.seq or 0) + 1 if last else 1
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

    return text(sql)
