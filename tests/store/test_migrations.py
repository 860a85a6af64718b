"""Schema migrations: older stores upgrade in an audited job and keep verifying (issue 15).

``tests/fixtures/stores/v1.db``, ``v2.db`` and ``v3.db`` are the demo's stores as the qzzc of
schema versions 1 (commit e174f76), 2 (d4b4c75) and 3 (c8af9f4) wrote them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import IDS, form_row, write_csv
from sqlalchemy import Column, Text, inspect, text

from qzzc.services.applicants import import_applicants
from qzzc.services.audit import AuditFailed, list_entries, verify
from qzzc.services.base import Context
from qzzc.services.plan import init_store
from qzzc.store import migrations
from qzzc.store.db import Store
from qzzc.store.migrations import Migration, add_columns, check_order, columns_at
from qzzc.store.models import Applicant

FIXTURES = Path(__file__).parent.parent / "fixtures" / "stores"
ENTRIES = {1: 8, 2: 19, 3: 35}  # the demo's audit entries in each fixture


def test_the_steps_run_in_order_without_a_gap():
    check_order(migrations.MIGRATIONS)
    assert migrations.latest() == migrations.MIGRATIONS[-1].version


def open_fixture(tmp_path, version: int) -> Context:
    path = tmp_path / f"v{version}.db"
    shutil.copyfile(FIXTURES / f"v{version}.db", path)
    return Context(store=Store(f"sqlite:///{path}"), operator="测试员")


@pytest.mark.parametrize("version", [1, 2, 3])
def test_every_older_fixture_store_verifies_upgrades_and_verifies_again(tmp_path, version):
    ctx = open_fixture(tmp_path, version)
    assert verify(ctx).entries == ENTRIES[version]  # as it is: verify does not upgrade
    with ctx.store.reading() as session:  # any command: upgraded first
        assert ctx.store.schema_version(session) == migrations.latest()
        assert inspect(session.connection()).has_table("draw_applicants")
    entries = list_entries(ctx)
    steps = [step.name for step in migrations.MIGRATIONS if step.version > version]
    if steps:
        assert len(entries) == ENTRIES[version] + 1
        assert (entries[-1]["command"], entries[-1]["summary"]) == (
            "upgrade",
            {"from": version, "to": migrations.latest(), "steps": steps},
        )
    else:
        assert len(entries) == ENTRIES[version]
    assert verify(ctx).entries == len(entries)
    ctx.store.dispose()


def test_an_older_store_keeps_working_through_the_cli(tmp_path):
    from helpers import run_cli

    path = tmp_path / "v1.db"
    shutil.copyfile(FIXTURES / "v1.db", path)
    shown = run_cli("--db", str(path), "meeting", "show", "1")
    assert shown.exit_code == 0, shown.stderr
    assert "计票" in shown.stdout
    verified = run_cli("--db", str(path), "audit", "verify")
    assert verified.exit_code == 0, verified.stderr
    assert f"审计日志 {ENTRIES[1] + 1} 条记录完整" in verified.stdout


@pytest.fixture
def note_column(monkeypatch):
    """A test migration: version latest + 1 adds ``applicants.note`` (nullable text); the model's
    table gains the column for the test's length."""
    table = Applicant.__table__
    column = Column("note", Text, nullable=True)
    table.append_column(column)
    step = Migration(migrations.latest() + 1, "applicant_note", add_columns(("applicants", "note")),
                     columns=(("applicants", "note"),))  # fmt: skip
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, step])
    yield step
    if "note" in table.c:
        table._columns.remove(table.c.note)


def test_a_column_added_by_a_migration_is_no_tampering(tmp_path, note_column):
    """A store made by the current release gains a column: the upgrade runs as its own job, its
    entry seals the rows with the new column, and verify passes without ``audit accept``."""
    ctx = open_fixture(tmp_path, 3)
    assert [column.name for column in columns_at(Applicant.__table__, 3)][-1] != "note"
    assert verify(ctx).entries == ENTRIES[3]  # digested over version 3's columns
    with ctx.store.reading() as session:
        assert "note" in {
            column["name"] for column in inspect(session.connection()).get_columns("applicants")
        }
    entries = list_entries(ctx)
    assert [entry["command"] for entry in entries].count("audit accept") == 0
    steps = [step.name for step in migrations.MIGRATIONS if step.version > 3]
    assert steps[-1] == "applicant_note"
    assert entries[-1]["summary"] == {"from": 3, "to": note_column.version, "steps": steps}
    assert verify(ctx).entries == ENTRIES[3] + 1
    # The new column is protected like the others.
    with ctx.store.transaction() as session:  # behind qzzc's back
        session.execute(text("UPDATE applicants SET note = 'x' WHERE id = 1"))
    with pytest.raises(AuditFailed, match="申报人（applicants 表）被改动"):
        verify(ctx)
    ctx.store.dispose()


def test_a_column_migration_on_each_backend(ctx, tmp_path, note_column, monkeypatch):
    """The same on SQLite and PostgreSQL: a store of the version before the column, then a job."""
    step = note_column
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:-1])
    Applicant.__table__._columns.remove(Applicant.__table__.c.note)
    init_store(ctx)
    import_applicants(ctx, write_csv(tmp_path / "a.csv", [form_row()]), 3)
    before = len(list_entries(ctx))
    Applicant.__table__.append_column(Column("note", Text, nullable=True))
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, step])
    fresh = Context(store=Store(ctx.store.url), operator="测试员")
    import_applicants(fresh, write_csv(tmp_path / "b.csv", [form_row(姓名="王五", 身份证号=IDS[1])]), 3)
    commands = [entry["command"] for entry in list_entries(fresh)]
    assert commands[before:] == ["upgrade", "import"]
    assert verify(fresh).entries == before + 2
    fresh.store.dispose()


def test_the_redundant_year_index_is_dropped_from_an_older_store(tmp_path):
    ctx = open_fixture(tmp_path, 3)
    with ctx.store.reading() as session:  # upgraded
        indexes = {index["name"] for index in inspect(session.connection()).get_indexes("applicants")}
    assert "ix_applicants_year" not in indexes
    assert "ix_applicants_id_number" in indexes
    assert verify(ctx).entries == ENTRIES[3] + 1
    ctx.store.dispose()


@pytest.mark.parametrize("version", [1, 2, 3])
def test_older_meetings_are_backfilled_as_filed_and_confirmed_on_their_draws_day(tmp_path, version):
    """SPEC §11: a store written before the procedure keeps its meetings, each filed and confirmed
    on the Beijing day of its first draw, marked 补录; its audit verifies after the upgrade."""
    import datetime as dt

    from sqlmodel import select

    from qzzc.services.procedure import status
    from qzzc.store.models import Draw, DrawApplicant, FiledApplicant, Meeting, Step

    ctx = open_fixture(tmp_path, version)
    report = {item["committee"]: item for item in status(ctx)}
    with ctx.store.reading() as session:
        meeting = session.exec(select(Meeting)).one()
        draw = session.exec(select(Draw).where(Draw.meeting_id == meeting.id, Draw.number == 1)).one()
        day = dt.datetime.fromisoformat(draw.created_at).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
        steps = session.exec(select(Step).where(Step.meeting_id == meeting.id).order_by(Step.id)).all()
        filed = sorted(session.exec(select(FiledApplicant.applicant_id)))
        drawn = sorted(session.exec(select(DrawApplicant.applicant_id)))
        assert draw.taken_on == day
    assert [(s.step, s.on, s.backfilled) for s in steps] == [
        ("filing", day, True),
        ("confirmation", day, True),
    ]
    assert filed == drawn  # none in a version-1 store, which kept no list
    assert (version == 1) == (filed == [])
    shown = report[meeting.committee_seq]["steps"]
    assert [s["step"] for s in shown][:3] == ["filing", "confirmation", "draw"]
    assert shown[0]["backfilled"] is True
    assert verify(ctx).sound
    ctx.store.dispose()


def test_a_backfilled_meeting_of_a_version_1_store_reviews_the_eligible_applicants(tmp_path):
    """A version-1 store kept no list of the applicants under review: its backfilled meeting
    reviews the committee's eligible applicants, as it did."""
    from sqlmodel import select

    from qzzc.store.models import Meeting
    from qzzc.store.queries import eligible_applicants, filed_list

    ctx = open_fixture(tmp_path, 1)
    with ctx.store.reading() as session:
        meeting = session.exec(select(Meeting)).one()
        eligible = eligible_applicants(session, meeting.year, meeting.committee_seq)
        assert eligible
        assert [a.id for a in filed_list(session, meeting)] == [a.id for a in eligible]
    ctx.store.dispose()
