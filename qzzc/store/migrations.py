"""The schema's history: named, ordered steps that bring an older store to the current shape.

Each ``Migration`` raises the store's schema version by one (``meta.schema_version``). A store of
an older version is upgraded by an audited ``upgrade`` job (``qzzc.services.upgrade``) the first
time a command opens it: the job checks the store against its audit chain as every job does, runs
the pending steps in its one transaction, records their names in its entry and seals the new state.
Any error rolls the whole upgrade back.

A step that adds columns to an existing table names them in ``columns``: the audit digests each
protected kind over the columns of the store's schema version (``columns_at``), so a store
written before a column existed still verifies, and its first entry after the upgrade seals the
rows with the new column. Steps receive the connection and the tables' ``MetaData``, never the
models, so this module imports nothing of qzzc's (the models take ``SCHEMA_VERSION`` from here).

To change the schema: add the column or table to ``qzzc/store/models.py`` and a step at the end
of ``MIGRATIONS`` (``add_columns`` or ``create_tables``). Nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, MetaData, Table, inspect, select
from sqlalchemy.schema import CreateColumn

from qzzc.core.procedure import beijing_day


@dataclass(frozen=True)
class Migration:
    """One step: brings a store of ``version - 1`` to ``version``."""

    version: int
    name: str
    apply: Callable[[Connection, MetaData], None]
    columns: tuple[tuple[str, str], ...] = ()  # (table, column) this step adds to existing tables


def create_tables(*names: str) -> Callable[[Connection, MetaData], None]:
    """A step creating the tables ``names`` (with their indexes) where the store lacks them."""

    def apply(connection: Connection, metadata: MetaData) -> None:
        metadata.create_all(connection, tables=[metadata.tables[name] for name in names])

    return apply


def add_columns(*columns: tuple[str, str]) -> Callable[[Connection, MetaData], None]:
    """A step adding the ``(table, column)`` pairs as the models define them, where the table lacks
    them (a table created by an earlier step of the same upgrade has them already)."""

    def apply(connection: Connection, metadata: MetaData) -> None:
        inspector = inspect(connection)
        for table_name, column_name in columns:
            table = metadata.tables[table_name]
            if column_name in {column["name"] for column in inspector.get_columns(table_name)}:
                continue
            column = table.c[column_name]
            definition = CreateColumn(column).compile(dialect=connection.dialect)
            connection.exec_driver_sql(f'ALTER TABLE "{table_name}" ADD COLUMN {definition}')

    return apply


def drop_indexes(*names: str) -> Callable[[Connection, MetaData], None]:
    """A step dropping the indexes ``names`` where the store has them."""

    def apply(connection: Connection, _metadata: MetaData) -> None:
        for name in names:
            connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{name}"')

    return apply


def _procedure(connection: Connection, metadata: MetaData) -> None:
    """Step 4: the procedure's tables, the day of each draw and tally, and the meetings of an older
    store taken as filed and confirmed (补录, ``backfilled``) on the Beijing day of their first draw,
    with the active draw's applicants as the filed list (SPEC §11)."""
    create_tables("steps", "publicities", "publicity_applicants", "filed_applicants", "objections")(
        connection, metadata
    )
    add_columns(("draws", "taken_on"), ("tallies", "taken_on"))(connection, metadata)
    t = metadata.tables
    for name in ("draws", "tallies"):
        table = t[name]
        for row in connection.execute(
            select(table.c.id, table.c.created_at).where(table.c.taken_on.is_(None))
        ).all():
            connection.execute(
                table.update().where(table.c.id == row.id).values(taken_on=beijing_day(row.created_at))
            )
    draws, steps, filed = t["draws"], t["steps"], t["filed_applicants"]
    has_steps = {row[0] for row in connection.execute(select(steps.c.meeting_id)).all()}
    first: dict[int, tuple[int, str]] = {}
    active: dict[int, int] = {}
    for row in connection.execute(
        select(draws.c.id, draws.c.meeting_id, draws.c.number, draws.c.active, draws.c.created_at)
    ).all():
        if row.meeting_id not in first or row.number < first[row.meeting_id][0]:
            first[row.meeting_id] = (row.number, row.created_at)
        if row.active:
            active[row.meeting_id] = row.id
    applicants = t["draw_applicants"]
    for meeting_id, (_, created_at) in sorted(first.items()):
        day = beijing_day(created_at)
        if meeting_id in has_steps or day is None:
            continue
        for step in ("filing", "confirmation"):
            connection.execute(
                steps.insert().values(
                    meeting_id=meeting_id, step=step, on=day, by=None, detail={}, backfilled=True,
                    operator="upgrade", created_at=created_at,
                )
            )  # fmt: skip
        if meeting_id in active:
            ids = connection.execute(
                select(applicants.c.applicant_id).where(applicants.c.draw_id == active[meeting_id])
            ).scalars()
            for applicant_id in sorted(set(ids)):
                connection.execute(filed.insert().values(meeting_id=meeting_id, applicant_id=applicant_id))


def _nothing(_connection: Connection, _metadata: MetaData) -> None:
    """A step that changes no table: the version alone tells an older qzzc to keep off."""


MIGRATIONS: list[Migration] = [
    # 2: ``meta.audit_head`` names the last audit entry written, and the draw's list of the
    # applicants under review is kept. The marker comes with the upgrade's own entry.
    Migration(2, "draw_applicants", create_tables("draw_applicants")),
    # 3: the audit entries' state covers the ``meta`` records (year, schema version).
    Migration(3, "protected_meta", _nothing),
    # 4: the year's procedure (SPEC §11): its steps, publicities, filed applicants, objections.
    # Draws and tallies keep their day (``taken_on``); an older store's meetings are backfilled
    # as filed and confirmed on their first draw's day.
    Migration(4, "procedure", _procedure, columns=(("draws", "taken_on"), ("tallies", "taken_on"))),
    # 5: ``ix_applicants_year`` goes: the unique (year, committee_seq, id_number) index leads with the
    # year and serves its lookups; an import of 100,000 rows inserts 17% faster without it.
    Migration(5, "no_applicants_year_index", drop_indexes("ix_applicants_year")),
]


def latest() -> int:
    """The schema version this qzzc writes: that of the last step."""
    return MIGRATIONS[-1].version if MIGRATIONS else 1


SCHEMA_VERSION = latest()


def pending(version: int) -> list[Migration]:
    """The steps a store of ``version`` still needs, in order."""
    return [migration for migration in MIGRATIONS if migration.version > version]


def added_in() -> dict[tuple[str, str], int]:
    """For each column added to an existing table, the version that added it."""
    return {column: migration.version for migration in MIGRATIONS for column in migration.columns}


def columns_at(
    table: Table, version: int, added: dict[tuple[str, str], int] | None = None
) -> list[Column[Any]]:
    """The columns ``table`` had at schema ``version``: those of the models less the ones added
    by a later step. ``added`` is ``added_in()``, when the caller has it."""
    added = added_in() if added is None else added
    return [column for column in table.c if added.get((table.name, column.name), 0) <= version]


def check_order(migrations: Sequence[Migration]) -> None:
    """Raises ``AssertionError`` unless the steps' versions run 2, 3, … without a gap and their
    names are unique (a test runs it over ``MIGRATIONS``)."""
    versions = [migration.version for migration in migrations]
    assert versions == list(range(2, 2 + len(versions))), versions
    names = [migration.name for migration in migrations]
    assert len(set(names)) == len(names), names
