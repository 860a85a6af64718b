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

from sqlalchemy import Column, Connection, MetaData, Table, inspect
from sqlalchemy.schema import CreateColumn


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


def _nothing(_connection: Connection, _metadata: MetaData) -> None:
    """A step that changes no table: the version alone tells an older qzzc to keep off."""


MIGRATIONS: list[Migration] = [
    # 2: ``meta.audit_head`` names the last audit entry written, and the draw's list of the
    # applicants under review is kept. The marker comes with the upgrade's own entry.
    Migration(2, "draw_applicants", create_tables("draw_applicants")),
    # 3: the audit entries' state covers the ``meta`` records (year, schema version).
    Migration(3, "protected_meta", _nothing),
    # 4: the year's procedure (SPEC §11): its steps, publicities, filed applicants, objections.
    Migration(
        4,
        "procedure",
        create_tables("steps", "publicities", "publicity_applicants", "filed_applicants", "objections"),
    ),
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
