"""The protected records' digests: each kind's rows, as the database's own JSON, hashed per group."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    LargeBinary,
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

from qzzc.audit import kinds as registry
from qzzc.core.audit import group_digest, state_record
from qzzc.errors import StoreError
from qzzc.store.migrations import added_in, columns_at
from qzzc.store.migrations import latest as latest_version
from qzzc.store.models import Meta


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
    wanted = set(kinds) if kinds is not None else {kind.name for kind in registry.KINDS}
    tables = set(inspect(connection).get_table_names())
    version = _schema_version(connection)
    added = added_in()
    digests: dict[str, dict[str, str]] = {}
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.cursor()
    try:
        if connection.dialect.name == "postgresql":  # floats written exactly, whatever the session says
            cursor.execute("SET LOCAL extra_float_digits = 1")
        for kind in registry.KINDS:
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
    stale = [kind.name for kind in registry.KINDS if kind.tables & written]
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
