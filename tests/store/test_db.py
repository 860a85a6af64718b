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


def _stored_text(session, table, key_column, key):
    """Each column of one row as the database holds it, as text."""
    from sqlalchemy import Text, cast

    row = session.execute(
        select(*[cast(column, Text) for column in table.c if column.name != "id"]).where(key_column == key)
    ).one()
    return list(row)


def test_bulk_insert_stores_what_sqlalchemy_stores(initialised):
    """The driver's executemany path writes JSON and dates exactly as a Core insert would."""
    import datetime as dt

    from sqlalchemy import insert

    from qzzc.store.db import bulk_insert
    from qzzc.store.models import Applicant, Expert

    expert = {
        "id_number": "330802197001010011", "name": "专家甲", "unit": "衢州学院", "region": None,
        "specialties": ["建筑设计", "给排水"], "title": "高级工程师", "title_level": "高级", "phone": None,
        "status": "在库", "committees": [3, 4], "data_hash": "0" * 64, "imported_at": "2021-08-01T09:00:00",
    }  # fmt: skip
    applicant = {
        "year": 2021, "committee_seq": 3, "id_number": "330802199001011234", "name": "张三", "gender": "男",
        "birth_date": dt.date(1990, 1, 1), "unit": "衢州市建筑设计院", "specialty": "建筑设计",
        "title": "工程师", "application_type": "正常申报", "education": "本科", "years_of_work": 5,
        "current_title_date": None, "public_hours": 90.0, "professional_hours": 60.5,
        "publicity_start": dt.date(2021, 9, 28), "fraud": False, "data_hash": "1" * 64,
        "source_file": "a.xlsx", "source_row": 3, "imported_at": "2021-09-30T10:00:00",
    }  # fmt: skip
    tables = ((Expert.__table__, expert), (Applicant.__table__, applicant))
    with initialised.store.writing() as session:
        for table, record in tables:
            session.execute(insert(table), [record])
            bulk_insert(
                session.connection(), table, [{**record, "id_number": record["id_number"][:-1] + "X"}]
            )
    with initialised.store.reading() as session:
        for table, record in tables:
            core = _stored_text(session, table, table.c.id_number, record["id_number"])
            bulk = _stored_text(session, table, table.c.id_number, record["id_number"][:-1] + "X")
            number = [column.name for column in table.c if column.name != "id"].index("id_number")
            assert core[:number] + core[number + 1 :] == bulk[:number] + bulk[number + 1 :]


def test_bulk_insert_failure_is_a_store_error(tmp_path):
    """A database error in the bulk path (here a full disk) is reported, not an internal error."""
    from sqlalchemy import text

    from qzzc.errors import StoreError
    from qzzc.services.base import Context
    from qzzc.services.plan import init_store
    from qzzc.store.db import bulk_insert
    from qzzc.store.models import Expert

    ctx = Context(store=Store(f"sqlite:///{tmp_path / 'full.db'}"), operator="测试员")
    init_store(ctx)
    record = {
        "id_number": "", "name": "专家" * 500, "unit": "衢州学院", "specialties": [], "title": "高级工程师",
        "title_level": "高级", "committees": [3], "data_hash": "0" * 64, "imported_at": "x", "status": "在库",
    }  # fmt: skip
    with pytest.raises(StoreError, match=r"：磁盘空间不足$"), ctx.store.writing() as session:
        session.execute(text("PRAGMA max_page_count = 1"))
        bulk_insert(
            session.connection(),
            Expert.__table__,
            [{**record, "id_number": f"{index:018d}"} for index in range(2000)],
        )
    ctx.store.dispose()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("sqlite:////srv/qzzc/qzzc.db", "/srv/qzzc/qzzc.db"),
        ("sqlite:///C:/qzzc/qzzc.db?mode=ro", "C:/qzzc/qzzc.db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u:secret@h:5432/db", "postgresql+psycopg://u:***@h:5432/db"),
        ("postgresql+psycopg://u@h/db?password=secret", "postgresql+psycopg://u@h/db?password=***"),
        (
            "postgresql+psycopg://u:p@ss@h/db?sslmode=require&PASSWORD=x&sslpassword=y&options=-csearch_path%3Ds",
            "postgresql+psycopg://u:***@h/db?sslmode=require&PASSWORD=***&sslpassword=***&options=-csearch_path%3Ds",
        ),
        ("postgresql+psycopg://u:secret@h:notaport/db", "postgresql+psycopg://u:***@h:notaport/db"),
        ("postgresql://u:secret@", "postgresql://u:***@"),
        ("x://", "x://"),
    ],
)
def test_a_database_url_is_shown_without_its_password(url, shown):
    from qzzc.store.db import display_url

    assert display_url(url) == shown
    assert Store(url).where == shown


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite+pysqlite://", "sqlite:///file::memory:?cache=shared"]
)
def test_an_in_memory_database_is_refused(url):
    from qzzc.errors import StoreError

    with pytest.raises(StoreError) as refused:
        Store(url)
    assert refused.value.message == (
        f"{url} 是内存数据库，命令结束即消失，qzzc 的数据和审计日志须保存在文件或数据库服务器中。"
        "请用 --db 给出 SQLite 文件路径（如 --db qzzc.db）或 PostgreSQL 数据库 URL。"
    )
