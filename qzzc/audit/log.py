"""Reading the audit entries."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Connection, func, select

from qzzc.audit.kinds import _t
from qzzc.errors import StoreError
from qzzc.store.db import Store
from qzzc.store.models import AuditEntry


class HasStore(Protocol):
    """What the audit reads a store through: the services' ``Context``, or anything with a ``store``."""

    store: Store


def list_entries(ctx: HasStore) -> list[dict[str, Any]]:
    """Returns every audit entry, oldest first, as plain dicts: every key its hash covers
    (``qzzc.core.audit.BODY_KEYS``, the state's digest included) and ``prev_hash``, ``hash``, so
    that anyone can recompute the chain from the export."""
    with ctx.store.reading() as session:
        return entries_of(session.connection())


def entries_of(connection: Connection) -> list[dict[str, Any]]:
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


def count_entries(ctx: HasStore) -> int:
    """The number of audit entries (for tests and the fault harness)."""
    with ctx.store.reading() as session:
        return session.connection().execute(select(func.count()).select_from(_t(AuditEntry))).scalar_one()
