"""The one way to write: ``job``'s declared tables (issue 15)."""

from __future__ import annotations

import pytest
from helpers import count_rows
from sqlalchemy import text

from qzzc.services.audit import list_entries, verify
from qzzc.services.base import UndeclaredWrite, job
from qzzc.store.models import Expert


def add_expert(session) -> None:
    session.execute(
        text(
            "INSERT INTO experts (id_number, name, unit, specialties, title, title_level, status, committees,"
            " data_hash, imported_at) VALUES ('330802196001010018', '张三', '衢州学院', '[]', '教授', '正高',"
            " '在库', '[]', '', '')"
        )
    )


def test_a_write_to_an_undeclared_table_fails_the_job_and_writes_nothing(initialised):
    entries = len(list_entries(initialised))
    undeclared = r"job 'test' wrote undeclared tables: \['experts'\]"
    with pytest.raises(UndeclaredWrite, match=undeclared), job(initialised, "test", writes=["verdicts"]) as current:
        add_expert(current.session)
    assert count_rows(initialised, Expert) == 0
    assert len(list_entries(initialised)) == entries


def test_a_declared_write_is_sealed_by_the_entry(initialised):
    with job(initialised, "test", writes=["experts"]) as current:
        add_expert(current.session)
    assert count_rows(initialised, Expert) == 1
    assert verify(initialised).entries == 2


def test_a_job_declaring_nothing_may_only_move_the_marker(initialised):
    with job(initialised, "test", writes=[]):
        pass
    assert [entry["command"] for entry in list_entries(initialised)] == ["init", "test"]
    assert verify(initialised).entries == 2
