"""The audit trail (SPEC §10): the protected state's digest, listing and verifying the chain, backups.

Every writing job (``qzzc.services.base.job``) records in its audit entry the digest of the
protected records as they stand after it (``protected_state``): the plan, the rules, applicants
and verdicts per committee, the expert pool, and per meeting its record, draws, seats,
replacements, tallies and tally results. ``verify`` recomputes the chain link by link and the
current digest against the last entry's, so an entry deleted, edited or reordered, or a protected
record changed behind qzzc's back, is found and named.

A change cannot be laundered by the next command: before a job writes anything it checks, as
``verify`` does, that the whole chain holds, that the protected records (the store's year and
schema version among them) are still as the last entry recorded them, that the last entry is the
one the store's head marker (``meta.audit_head``, updated with every entry) names, so that a
deleted last entry shows, and that the database holds no trigger, rule, policy or view qzzc does
not create (``foreign_objects``). If not, the job is refused (``Tampered``) and nothing is
written, until the office restores a backup (or has the objects removed) or a responsible person
records a change of the records with ``qzzc audit accept --reason`` (``accept``), an entry that
names every changed group and the reason, for the inspectors to see.

What the chain cannot show alone: someone able to rewrite the whole store can rewrite the whole
chain and the marker too. ``qzzc audit verify`` therefore prints the head hash, for the office to
note down (in the minutes, on the filing form); ``--head HASH`` later proves that entry is still in
the chain.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    LargeBinary,
    Table,
    Text,
    and_,
    case,
    cast,
    func,
    inspect,
    literal,
    literal_column,
    select,
)
from sqlmodel import SQLModel

from qzzc.core.audit import (
    ChainProblem,
    StateChange,
    compare_states,
    empty_state,
    file_digest,
    group_digest,
    state_record,
    verify_chain,
)
from qzzc.errors import QzzcError, StoreError, UsageError
from qzzc.files import os_reason
from qzzc.services.base import HEAD_KEY, Context, job, now
from qzzc.store.migrations import added_in, columns_at
from qzzc.store.migrations import latest as latest_version
from qzzc.store.models import (
    HEAD_MARKER_SINCE,
    Applicant,
    AuditEntry,
    CommitteeRecord,
    Draw,
    DrawApplicant,
    Expert,
    FiledApplicant,
    Meeting,
    Meta,
    Objection,
    Publicity,
    PublicityApplicant,
    Replacement,
    RuleSetRecord,
    Seat,
    Step,
    Tally,
    TallyResult,
    VerdictRecord,
)


@dataclass(frozen=True)
class Kind:
    """One kind of protected record: its table and how its rows are grouped. Within a group, rows
    are hashed in order of the table's primary key (part of each row), which the database reads
    without sorting. ``via`` is the table joined for the group key, and the condition."""

    name: str
    label: str  # Chinese, for messages
    group_label: str  # how a group is named: "committee", "meeting", "year", "key" or "all"
    table: Table
    group: Callable[[], Sequence[Any]]  # column expressions forming the group key
    via: tuple[Table, Callable[[], Any]] | None = None
    where: Callable[[], Any] | None = None  # the rows protected, when not all of them

    @property
    def tables(self) -> frozenset[str]:
        """The tables whose rows make this kind's digests: a write to any of them changes them."""
        return frozenset([self.table.name, *([self.via[0].name] if self.via else [])])


def _t(model: Any) -> Table:
    return model.__table__


KINDS: tuple[Kind, ...] = (
    Kind("committees", "评审计划", "year", _t(CommitteeRecord), lambda: [CommitteeRecord.year]),
    Kind("rules", "年度规则", "year", _t(RuleSetRecord), lambda: [RuleSetRecord.year]),
    Kind("applicants", "申报人", "committee", _t(Applicant), lambda: [Applicant.year, Applicant.committee_seq]),
    Kind("verdicts", "资格审查结论", "committee", _t(VerdictRecord), lambda: [Applicant.year, Applicant.committee_seq],
         (_t(Applicant), lambda: VerdictRecord.applicant_id == Applicant.id)),
    Kind("experts", "专家库", "all", _t(Expert), lambda: []),
    Kind("meetings", "评审会议", "meeting", _t(Meeting), lambda: [Meeting.id]),
    Kind("draws", "专家抽取", "meeting", _t(Draw), lambda: [Draw.meeting_id]),
    Kind("seats", "专家席位", "meeting", _t(Seat), lambda: [Draw.meeting_id],
         (_t(Draw), lambda: Seat.draw_id == Draw.id)),
    Kind("replacements", "替补记录", "meeting", _t(Replacement), lambda: [Draw.meeting_id],
         (_t(Draw), lambda: Replacement.draw_id == Draw.id)),
    Kind("draw_applicants", "抽取时的评审名单", "meeting", _t(DrawApplicant), lambda: [Draw.meeting_id],
         (_t(Draw), lambda: DrawApplicant.draw_id == Draw.id)),
    Kind("tallies", "计票", "meeting", _t(Tally), lambda: [Tally.meeting_id]),
    Kind("tally_results", "计票结果", "meeting", _t(TallyResult), lambda: [Tally.meeting_id],
         (_t(Tally), lambda: TallyResult.tally_id == Tally.id)),
    Kind("steps", "评审程序记录", "meeting", _t(Step), lambda: [Step.meeting_id]),
    Kind("filed_applicants", "备案的评审名单", "meeting", _t(FiledApplicant), lambda: [FiledApplicant.meeting_id]),
    Kind("publicities", "公示记录", "committee", _t(Publicity), lambda: [Publicity.year, Publicity.committee_seq]),
    Kind("publicity_applicants", "公示名单", "committee", _t(PublicityApplicant),
         lambda: [Publicity.year, Publicity.committee_seq],
         (_t(Publicity), lambda: PublicityApplicant.publicity_id == Publicity.id)),
    Kind("objections", "异议", "committee", _t(Objection), lambda: [Objection.year, Objection.committee_seq]),
    # The store's year and schema version (every meta record but the head marker, which each
    # entry moves and which the chain's own check covers).
    Kind("meta", "记录", "key", _t(Meta), lambda: [Meta.key], where=lambda: Meta.key != HEAD_KEY),
)  # fmt: skip
KIND_LABELS = {kind.name: kind for kind in KINDS}
KIND_OF_VERSION_2 = "draw_applicants"  # came with schema version 2, as did the head marker
# Kinds that every store has records of, protected since a later qzzc: an entry written before
# (which does not know the kind) cannot compare them as empty, so they go unchecked until the next
# job's entry records them. A kind of new records (draw_applicants) is compared as empty instead.
KINDS_RECORDED_LATER = frozenset({"meta"})
META_LABELS = {"year": "年度记录", "schema_version": "结构版本记录"}


def protected_state(connection: Connection, kinds: Iterable[str] | None = None) -> dict[str, Any]:
    """Returns the digest record (``qzzc.core.audit.state_record``) of the protected records as
    ``connection`` sees them, in its transaction: of every kind, or of the ``kinds`` named."""
    return state_record(group_digests(connection, kinds))


def group_digests(connection: Connection, kinds: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
    """Returns, for every kind (or the ``kinds`` named), each group's full SHA-256. A kind whose
    table the store does not have yet (an older schema) has no groups.

    One Core select per kind, in which the database writes each row as a JSON array
    (``json_array`` on SQLite, ``json_build_array`` on PostgreSQL) for the driver's cursor to hand
    over as one string: 100,000 applicants and verdicts take about 0.5–1 s on SQLite and 1.2–1.8 s
    on PostgreSQL (bench/audit.py). The row texts are each backend's own JSON, so a store's
    digests compare on its own backend (and on a SQLite backup of it), not across backends.
    """
    wanted = set(kinds) if kinds is not None else set(KIND_LABELS)
    tables = set(inspect(connection).get_table_names())
    version = _schema_version(connection)
    added = added_in()
    digests: dict[str, dict[str, str]] = {}
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.cursor()
    try:
        if connection.dialect.name == "postgresql":  # floats written exactly, whatever the session says
            cursor.execute("SET LOCAL extra_float_digits = 1")
        for kind in KINDS:
            if kind.name not in wanted:
                continue
            if kind.table.name not in tables:
                digests[kind.name] = {}
                continue
            group = list(kind.group())
            columns = columns_at(kind.table, version, added)
            statement = select(*group, _row_json(connection, columns)).select_from(kind.table)
            if kind.via is not None:  # outer: a row whose parent is missing is still counted
                statement = statement.join(kind.via[0], kind.via[1](), isouter=True)
            if kind.where is not None:
                statement = statement.where(kind.where())
            statement = statement.order_by(*kind.table.primary_key.columns)
            try:
                compiled = statement.compile(
                    dialect=connection.dialect, compile_kwargs={"literal_binds": True}
                )
                cursor.execute(str(compiled))
                fetched = cursor.fetchall()
            except (dbapi.OperationalError, dbapi.DataError) as error:  # a value qzzc never writes
                reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                raise StoreError(
                    f"无法核对受保护的数据：{kind.label}（{kind.table.name} 表）中有 qzzc 不会写入的内容"
                    f"（{reason}）。数据库可能在 qzzc 之外被改动，请保留现状，联系系统管理员并与最近的备份核对。"
                ) from None
            width = len(group)
            groups: dict[Any, list[bytes]] = {}
            for row in fetched:
                key = row[:width]
                rows = groups.get(key)
                if rows is None:
                    rows = groups[key] = []
                rows.append(row[width])
            digests[kind.name] = {_group_name(key): group_digest(rows) for key, rows in groups.items()}
    finally:
        cursor.close()
    return digests


def _schema_version(connection: Connection) -> int:
    """The store's schema version as its ``meta`` record says (the digests cover the columns of
    that version, ``qzzc.store.migrations.columns_at``); the latest when the record is unreadable,
    which the ``meta`` kind's digest reports."""
    value = connection.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar()
    return int(value) if isinstance(value, str) and value.isdigit() else latest_version()


def state_after(
    connection: Connection, before: dict[str, dict[str, str]] | None, written: set[str]
) -> dict[str, Any]:
    """The state record after a job: the digests ``before`` it (all kinds, from its check) with
    the kinds recomputed whose tables it wrote (``written``: table names, ``"*"`` for a statement
    that could not be read), or every kind when there is no ``before``."""
    if before is None or "*" in written:
        return protected_state(connection)
    stale = [kind.name for kind in KINDS if kind.tables & written]
    return state_record({**before, **group_digests(connection, stale)})


def _row_json(connection: Connection, columns: list[Any]) -> Any:
    """Each row as the UTF-8 bytes of a JSON array, so that Python neither decodes nor encodes.

    PostgreSQL writes a float exactly; SQLite's ``json_array`` to 15 digits, so that 53.99999999999999
    would read as 54.0. On SQLite each float that 15 digits do not give back exactly is therefore
    added after the array, in full (``quote``); rows without such a value keep their digest."""
    if connection.dialect.name == "postgresql":
        return func.convert_to(cast(func.json_build_array(*columns), Text), literal_column("'UTF8'"))
    text = func.json_array(*columns)
    for column in columns:
        if isinstance(column.type, Float):
            inexact = and_(column.is_not(None), cast(func.printf("%.15g", column), Float) != column)
            text = text.op("||")(case((inexact, literal("#") + func.quote(column)), else_=literal("")))
    return cast(text, LargeBinary)


ORPHAN = "-"  # the group of rows whose parent row (applicant, draw, tally) does not exist


def _group_name(key: tuple[Any, ...]) -> str:
    if any(part is None for part in key):
        return ORPHAN
    return "/".join(str(part) for part in key) or "all"


# -- listing ----------------------------------------------------------------------------------


def list_entries(ctx: Context) -> list[dict[str, Any]]:
    """Returns every audit entry, oldest first, as plain dicts: every key its hash covers
    (``qzzc.core.audit.BODY_KEYS``, the state's digest included) and ``prev_hash``, ``hash``, so
    that anyone can recompute the chain from the export."""
    with ctx.store.reading() as session:
        return _entries(session.connection())


def _entries(connection: Connection) -> list[dict[str, Any]]:
    """The audit entries as dicts, oldest first."""
    statement = select(*_entry_columns()).order_by(AuditEntry.seq)
    try:
        return [dict(row) for row in connection.execute(statement).mappings()]
    except ValueError:  # a JSON column that is no longer JSON
        raise GarbledLog from None


class GarbledLog(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "审计日志中有记录的内容已损坏（不是有效的 JSON），数据库可能在 qzzc 之外被改动。"
            "请保留现状，联系系统管理员并用最近的备份恢复。"
        )


def _entry_columns() -> list[Any]:
    return list(_t(AuditEntry).c)


# -- verifying --------------------------------------------------------------------------------


@dataclass
class Verification:
    """What ``verify`` found: ``problems`` are Chinese lines, empty when the store is sound."""

    entries: int = 0
    head: str | None = None
    last_at: str | None = None
    problems: list[str] = field(default_factory=list)
    chain: list[ChainProblem] = field(default_factory=list)
    state: list[StateChange] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems


class AuditFailed(QzzcError):
    """The chain or the protected records do not hold; the message lists what was found."""

    def __init__(self, result: Verification) -> None:
        self.result = result
        lines = [f"审计核验未通过，发现 {len(result.problems)} 处问题："]
        lines += [f"  {problem}" for problem in result.problems]
        lines.append("数据库可能在 qzzc 之外被改动。请保留现状，联系系统管理员并与最近的备份核对。")
        if result.state and len(result.state) == len(result.problems):
            lines.append('改动经核实无误的，由负责人运行 qzzc audit accept --reason "原因" 记入审计日志。')
        super().__init__("\n".join(lines))


def verify(ctx: Context, head: str | None = None) -> Verification:
    """Checks a SQLite file's integrity, recomputes the chain, the head marker and the protected
    records' digest against the last entry's.

    ``head`` is a hash noted down earlier, whole or its first 12 or more hex digits (as ``qzzc
    audit`` shows it). Returns the result when everything holds; raises ``AuditFailed`` naming each
    problem otherwise (and when ``head`` is not in the chain), ``UsageError`` for a ``head`` that
    is not such a hash.
    """
    wanted = _head_prefix(head) if head is not None else None
    # The chain, marker and records of one moment, as they are: an older store is not upgraded.
    with ctx.store.reading(consistent=True, upgrade=False) as session:
        connection = session.connection()
        if connection.dialect.name == "sqlite":
            integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check").all()]
            if integrity != ["ok"]:
                raise AuditFailed(
                    Verification(problems=[f"数据库文件未通过 SQLite 完整性检查：{'；'.join(integrity[:5])}"])
                )
        entries = _entries(connection)
        found = _findings(ctx, session, entries)
    result = Verification(entries=len(entries), state=found.changes, chain=found.chain)
    result.problems += found.problems
    if entries:
        result.head, result.last_at = entries[-1]["hash"], entries[-1]["at"]
    if wanted is not None and not any(entry["hash"].startswith(wanted) for entry in entries):
        result.problems.append(f"审计日志中没有哈希为 {wanted} 的记录：此前记下的记录已被删除或改动。")
    if result.problems:
        raise AuditFailed(result)
    return result


def _head_prefix(head: str) -> str:
    value = head.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{12,64}", value):
        raise UsageError("--head 应为此前记下的审计记录哈希：12 至 64 位十六进制数字（0–9、a–f）")
    return value


@dataclass
class Findings:
    """What differs between the store and its audit chain: ``problems`` are Chinese lines, in
    order: the chain's links, the head marker, objects qzzc does not create, the records.
    ``tail`` is True when entries themselves are gone, edited or out of order, ``objects`` when
    the database holds triggers, rules, policies or views qzzc does not create (neither can be
    mended by ``accept``)."""

    problems: list[str] = field(default_factory=list)
    changes: list[StateChange] = field(default_factory=list)
    chain: list[ChainProblem] = field(default_factory=list)
    tail: bool = False
    objects: bool = False
    digests: dict[str, dict[str, str]] | None = None  # every kind's group digests, as found


def _findings(ctx: Context, session: Any, entries: list[dict[str, Any]]) -> Findings:
    """Recomputes the chain of ``entries`` (every audit entry, oldest first), compares the head
    marker with the last entry and the protected records with the state it recorded, and looks
    for objects qzzc does not create, in ``session``'s transaction.

    The whole chain is hashed again each time (about 0.2 s for 5,000 entries of a small store,
    1.5–2 s for 5,000 entries of 300 groups each): a check of only the entries since a
    checkpoint would miss an entry edited before it."""
    connection = session.connection()
    found = Findings()
    last = entries[-1] if entries else None
    found.chain = verify_chain(entries)
    found.problems += [_describe_chain(problem) for problem in found.chain]
    version = ctx.store.schema_version(session) or 0
    # Entries written by a version that keeps the marker (their state knows a kind that came with
    # it) need it, whatever the version record says: lowering it must not excuse a deleted marker.
    state = last.get("state") if last else None
    newer_writer = isinstance(state, dict) and KIND_OF_VERSION_2 in (state.get("groups") or {})
    expected = version >= HEAD_MARKER_SINCE or newer_writer
    tail = _tail_problem(last, ctx.store.meta(session, HEAD_KEY), expected=expected)
    if tail:
        found.problems.append(tail)
    found.tail = bool(tail or found.chain)
    foreign = foreign_objects(connection)
    found.problems += foreign
    found.objects = bool(foreign)
    if last is None:
        recorded = empty_state([kind.name for kind in KINDS if kind.name not in KINDS_RECORDED_LATER])
    elif isinstance(last.get("state"), dict) and isinstance(last["state"].get("groups"), dict):
        recorded = last["state"]
    else:
        found.problems.append(f"最后一条审计记录（第 {last['seq']} 条）没有数据摘要，无法核对数据。")
        return found
    # Kinds added to qzzc after the entry was written are compared as having had no records then,
    # but for those every store has records of, which it leaves unchecked (KINDS_RECORDED_LATER).
    found.digests = group_digests(connection)
    known = set(recorded.get("groups", {}))
    current = state_record({kind: groups for kind, groups in found.digests.items() if kind in known})
    changes = compare_states(recorded, current)
    newer = {
        kind: groups
        for kind, groups in found.digests.items()
        if kind not in known and kind not in KINDS_RECORDED_LATER
    }
    if changes is not None:
        changes += [StateChange(kind, group, "added") for kind in sorted(newer) for group in newer[kind]]
    if changes is None:
        found.problems.append("受保护的数据与最后一条审计记录不符，但无法定位到具体评委会或会议。")
    elif changes:
        meetings = {
            row.id: (row.committee_seq, row.date)
            for row in connection.execute(select(Meeting.id, Meeting.committee_seq, Meeting.date))
        }
        found.changes = changes
        found.problems += [_describe_change(change, meetings, bool(last)) for change in changes]
    return found


def foreign_objects(connection: Connection) -> list[str]:
    """Names, as Chinese lines, every object in the store that qzzc does not create and that can
    change what qzzc writes or reads without showing in the records' digests, after which a
    command's entry would seal the change: on SQLite triggers and views; on PostgreSQL triggers,
    rules, row-level security (enabled, or a policy) on qzzc's tables, views that read one of
    them or bear one's name on the search path, and event triggers. qzzc creates none of these."""
    if connection.dialect.name != "postgresql":
        rows = connection.exec_driver_sql(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY type, name"
        )
        return [
            _TRIGGER.format(name=name, table=table) if kind == "trigger" else _VIEW.format(name=name, how="")
            for kind, name, table in rows
        ]
    names = sorted(SQLModel.metadata.tables)
    found: list[str] = []
    ours = "c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%(names)s)"
    sql = {
        "trigger": "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY 1, 2",
        "rule": f"SELECT r.rulename, c.relname FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
        f"WHERE r.rulename <> '_RETURN' AND {ours} ORDER BY 1, 2",
        "policy": f"SELECT p.polname, c.relname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
        f"WHERE {ours} ORDER BY 1, 2",
        "security": f"SELECT c.relname, c.relname FROM pg_class c "
        f"WHERE (c.relrowsecurity OR c.relforcerowsecurity) AND {ours} ORDER BY 1",
        # A view reads a table through its _RETURN rule, which depends on the table.
        "view": "SELECT DISTINCT n.nspname || '.' || v.relname, "
        "CASE WHEN t.oid IS NULL THEN '' ELSE t.relname END FROM pg_class v "
        "JOIN pg_namespace n ON n.oid = v.relnamespace "
        "LEFT JOIN pg_rewrite r ON r.ev_class = v.oid "
        "LEFT JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid "
        "AND d.refclassid = 'pg_class'::regclass "
        "LEFT JOIN pg_class t ON t.oid = d.refobjid AND t.oid <> v.oid "
        "AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%(names)s) "
        "WHERE v.relkind IN ('v', 'm', 'f') AND (t.oid IS NOT NULL OR "
        "(v.relname = ANY(%(names)s) AND n.nspname = ANY(current_schemas(true)))) ORDER BY 1, 2",
        "event": "SELECT evtname, '' FROM pg_event_trigger ORDER BY 1",
    }
    for kind, query in sql.items():
        rows = connection.exec_driver_sql(query, {"names": names} if "%(" in query else ()).all()
        if kind == "view":  # a row per table read, and one for a view bearing a table's name
            read: dict[str, list[str]] = {}
            for name, table in rows:
                read.setdefault(name, []).extend([table] if table else [])
            found += [_VIEW.format(name=name, how=_view_how(name, tables)) for name, tables in read.items()]
            continue
        found += [_FOREIGN[kind].format(name=name, table=table) for name, table in rows]
    return found


_TRIGGER = "数据库中有 qzzc 不会创建的触发器「{name}」（{table} 表）：它能在 qzzc 写入时暗中改动数据。"
_VIEW = "数据库中有 qzzc 不会创建的视图「{name}」{how}：它能冒充或改写 qzzc 的数据表。"
_FOREIGN = {
    "trigger": _TRIGGER,
    "rule": "数据库中有 qzzc 不会创建的规则「{name}」（{table} 表）：它能在 qzzc 写入时暗中改动数据。",
    "policy": "数据库中有 qzzc 不会创建的行级安全策略「{name}」（{table} 表）：它能让 qzzc 看不到或写不进部分数据。",
    "security": "{table} 表被启用了行级安全（row level security），qzzc 不会启用它：它能让 qzzc 看不到部分数据。",
    "event": "数据库中有 qzzc 不会创建的事件触发器「{name}」：它能在 qzzc 升级数据库结构时暗中改动数据。",
}


def _view_how(name: str, tables: list[str]) -> str:
    if tables:
        return f"（读取 {'、'.join(sorted(set(tables)))} 表）"
    return f"（与 qzzc 的 {name.rpartition('.')[2]} 表同名）"


def _tail_problem(last: dict[str, Any] | None, marker: str | None, *, expected: bool) -> str | None:
    """Checks the head marker (``"seq:hash"`` of the last entry written) against the last entry."""
    if marker is None:
        return "审计日志的末条标记缺失（记录或标记在 qzzc 之外被删除）。" if expected else None
    seq_text, _, marked_hash = marker.partition(":")
    if last is not None and (seq_text, marked_hash) == (str(last["seq"]), last["hash"]):
        return None
    last_seq = last["seq"] if last else 0
    if not seq_text.isdigit():
        return f"审计日志的末条标记被改动（内容「{marker[:20]}」不是有效的标记）。"
    if seq_text.isdigit() and int(seq_text) > last_seq:
        first, final = last_seq + 1, int(seq_text)
        which = f"第 {first} 条" if first == final else f"第 {first}–{final} 条"
        return f"审计日志末尾的记录（{which}）缺失（被删除）。"
    return f"审计日志的末条标记（第 {seq_text} 条）与最后一条记录（第 {last_seq} 条）不符（记录被删除后补写，或标记被改动）。"


_REMOVE_OBJECTS = (
    "请由系统管理员删除上述 qzzc 不会创建的对象，运行 qzzc audit verify 并与最近的备份核对数据后再操作。"
)


class Tampered(QzzcError):
    """A writing job found the store changed since the last audit entry, and wrote nothing."""

    def __init__(self, found: Findings) -> None:
        lines = ["数据库中的数据与审计日志不符，为免掩盖改动，本次操作未执行，未写入任何数据："]
        lines += [f"  {problem}" for problem in found.problems]
        if found.tail:
            lines.append("请用最近的备份（qzzc backup 生成的文件）恢复数据库，再重新操作。")
        elif found.objects:
            lines.append(_REMOVE_OBJECTS)
        else:
            lines.append(
                "请运行 qzzc audit verify 查看，并与最近的备份核对：改动不当的，用备份恢复；"
                '改动经核实无误的，由负责人运行 qzzc audit accept --reason "原因" 记入审计日志后再操作。'
            )
        super().__init__("\n".join(lines))
        self.found = found


def check_unchanged(ctx: Context, session: Any) -> dict[str, dict[str, str]] | None:
    """Raises ``Tampered`` unless the store is as its last audit entry left it; run by every
    writing job before it writes (``qzzc.services.base.job``). Returns the group digests found,
    for the job's entry to reuse those of the kinds it does not write (``state_after``)."""
    found = _findings(ctx, session, _entries(session.connection()))
    if found.problems:
        raise Tampered(found)
    return found.digests


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
    with job(ctx, "audit accept", {"reason": reason}, guarded=False) as current:
        entries = _entries(current.session.connection())
        found = _findings(ctx, current.session, entries)
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


_CHAIN_WORDS = {
    "missing": "审计记录第 {detail} 条缺失（被删除）",
    "edited": "审计记录第 {seq} 条的内容与其哈希不符（被改动）",
    "broken": "审计记录第 {seq} 条未接续上一条的哈希（记录被删除、插入或调换顺序）",
}

_HOW = {"changed": "被改动", "added": "在最后一条审计记录之后被加入", "removed": "被删除"}


def _describe_chain(problem: ChainProblem) -> str:
    return _CHAIN_WORDS[problem.what].format(seq=problem.seq, detail=problem.detail) + "。"


def _describe_change(change: StateChange, meetings: dict[int, tuple[int, Any]], logged: bool = True) -> str:
    kind = KIND_LABELS[change.kind]
    if change.group == ORPHAN:
        where = "不属于任何评委会或会议的"
    elif kind.group_label == "committee":
        year, _, seq = change.group.partition("/")
        where = f"{year} 年度第 {seq} 号评委会的"
    elif kind.group_label == "meeting":
        known = meetings.get(int(change.group)) if change.group.isdigit() else None
        detail = f"（第 {known[0]} 号评委会，{known[1]}）" if known else ""
        where = f"会议 {change.group}{detail}的"
    elif kind.group_label == "year":
        where = f"{change.group} 年度的"
    elif kind.group_label == "key":
        label = META_LABELS.get(change.group, f"「{change.group}」记录")
        if not logged:
            return f"数据库的{label}（{change.kind} 表）没有审计记录。"
        return f"数据库的{label}（{change.kind} 表）{_HOW[change.how]}，与审计记录不符。"
    else:
        where = ""
    if not logged:
        return f"{where}{kind.label}（{change.kind} 表）没有审计记录。"
    return f"{where}{kind.label}（{change.kind} 表）{_HOW[change.how]}，与审计记录不符。"


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
        with job(ctx, "backup", {"directory": str(directory)}) as current:
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


def count_entries(ctx: Context) -> int:
    """The number of audit entries (for tests and the fault harness)."""
    with ctx.store.reading() as session:
        return session.connection().execute(select(func.count()).select_from(_t(AuditEntry))).scalar_one()
