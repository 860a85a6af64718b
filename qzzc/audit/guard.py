"""What differs between a store and its audit chain, and the guard every writing job runs first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from qzzc.audit import kinds as registry
from qzzc.audit.digests import ORPHAN, group_digests
from qzzc.audit.kinds import (
    HEAD_KEY,
    KIND_LABELS,
    KIND_OF_VERSION_2,
    KINDS_RECORDED_LATER,
    META_LABELS,
)
from qzzc.audit.log import HasStore, entries_of
from qzzc.core.audit import ChainProblem, StateChange, compare_states, empty_state, state_record, verify_chain
from qzzc.errors import QzzcError
from qzzc.store.models import HEAD_MARKER_SINCE, Meeting


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


def findings(ctx: HasStore, session: Any, entries: list[dict[str, Any]]) -> Findings:
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
        recorded = empty_state(
            [kind.name for kind in registry.KINDS if kind.name not in KINDS_RECORDED_LATER]
        )
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


def check_unchanged(ctx: HasStore, session: Any) -> dict[str, dict[str, str]] | None:
    """Raises ``Tampered`` unless the store is as its last audit entry left it; run by every
    writing job before it writes (``qzzc.services.base.job``). Returns the group digests found,
    for the job's entry to reuse those of the kinds it does not write (``state_after``)."""
    found = findings(ctx, session, entries_of(session.connection()))
    if found.problems:
        raise Tampered(found)
    return found.digests


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
