"""``qzzc audit verify``: the chain, the head marker and the protected records, checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qzzc.audit.guard import findings
from qzzc.audit.log import HasStore, entries_of
from qzzc.core.audit import ChainProblem, StateChange
from qzzc.errors import QzzcError, UsageError


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


def verify(ctx: HasStore, head: str | None = None) -> Verification:
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
        entries = entries_of(connection)
        found = findings(ctx, session, entries)
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
