"""The store on SQLite and PostgreSQL: schema, version, transactions, where it is."""

import os
import stat

import pytest
from sqlmodel import select

from qzzc.errors import NotInitialised, StoreTooNew
from qzzc.store.db import Store, resolve_url
from qzzc.store.models import SCHEMA_VERSION, CommitteeRecord, Meta


def test_create_schema_records_the_version(ctx):
    with ctx.store.transaction() as session:
        assert ctx.store.create_schema(session) is True
    with ctx.store.reading() as session:
        assert ctx.store.schema_version(session) == SCHEMA_VERSION
    with ctx.store.transaction() as session:
        assert ctx.store.create_schema(session) is False


def test_reading_an_empty_store_is_refused(ctx):
    with pytest.raises(NotInitialised), ctx.store.reading():
        pass


def test_a_store_of_a_newer_qzzc_is_refused(initialised):
    with initialised.store.transaction() as session:
        session.get(Meta, "schema_version").value = str(SCHEMA_VERSION + 1)
    with pytest.raises(StoreTooNew) as caught, initialised.store.reading():
        pass
    assert caught.value.message == (
        f"数据库由更新版本的 qzzc 写入（结构版本 {SCHEMA_VERSION + 1}，本程序支持到 {SCHEMA_VERSION}），"
        "为免损坏数据拒绝打开。请升级 qzzc 后再操作。"
    )
    with pytest.raises(StoreTooNew), initialised.store.transaction() as session:
        initialised.store.create_schema(session)


def test_a_failed_transaction_writes_nothing(initialised):
    with pytest.raises(RuntimeError), initialised.store.writing() as session:
        session.add(CommitteeRecord(year=2031, seq=1, name="x", data={}, raw={}))
        session.flush()
        raise RuntimeError("boom")
    with initialised.store.reading() as session:
        assert session.exec(select(CommitteeRecord).where(CommitteeRecord.year == 2031)).all() == []


def test_applicants_are_unique_by_year_committee_and_id(initialised):
    from sqlalchemy import inspect

    with initialised.store.reading() as session:
        uniques = inspect(session.connection()).get_unique_constraints("applicants")
    assert [sorted(unique["column_names"]) for unique in uniques] == [["committee_seq", "id_number", "year"]]


def test_sqlite_file_is_owner_only(tmp_path):
    store = Store(resolve_url(str(tmp_path / "new.db")))
    with store.transaction() as session:
        store.create_schema(session)
    assert stat.S_IMODE(os.stat(tmp_path / "new.db").st_mode) == 0o600


def test_resolve_url_prefers_argument_then_environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QZZC_DB", raising=False)
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'qzzc.db'}"
    monkeypatch.setenv("QZZC_DB", "env.db")
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_url("arg.db") == f"sqlite:///{tmp_path / 'arg.db'}"
    assert resolve_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
