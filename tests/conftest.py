"""Fixtures shared by every test: stores on SQLite and PostgreSQL, and the CLI runner."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Every job run by a test has its statements read: a write to a table its ``writes`` does not
# declare fails the job (``qzzc.services.base.UndeclaredWrite``).
import qzzc.services.base  # noqa: E402

qzzc.services.base.CHECK_WRITES = True

PG_URL = os.environ.get("QZZC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_reason() -> str | None:
    """None when the PostgreSQL server answers, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg 未安装（pip install '.[test]'）"
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        with psycopg.connect(
            host=url.host, port=url.port or 5432, user=url.username, dbname=url.database, connect_timeout=3
        ):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL {url.host}:{url.port} 不可用：{str(error).strip().splitlines()[0]}"


_PG_UNAVAILABLE: list[str | None] = []


def pg_unavailable() -> str | None:
    if not _PG_UNAVAILABLE:
        _PG_UNAVAILABLE.append(_pg_reason())
    return _PG_UNAVAILABLE[0]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL of a fresh, empty schema on the test PostgreSQL server, dropped afterwards.

    Skips with the reason when no server answers, except under QZZC_REQUIRE_PG=1 (CI), where it fails.
    """
    reason = pg_unavailable()
    if reason:
        if os.environ.get("QZZC_REQUIRE_PG") == "1":
            pytest.fail(f"QZZC_REQUIRE_PG=1 but {reason}")
        pytest.skip(reason)
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    schema = f"qzzc_test_{uuid.uuid4().hex[:12]}"
    conninfo = {"host": url.host, "port": url.port or 5432, "user": url.username, "dbname": url.database}
    with psycopg.connect(**conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(**conninfo, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A store URL on each backend: a new SQLite file, then a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'qzzc.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db_path(tmp_path):
    """The path of a SQLite store in tmp_path (not created)."""
    return tmp_path / "qzzc.db"


@pytest.fixture
def ctx(store_url):
    """A service context on an empty store of each backend."""
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    context = Context(store=Store(store_url), operator="测试员")
    yield context
    context.store.dispose()


@pytest.fixture
def initialised(ctx):
    """A service context on a store initialised with the bundled 2021 plan and rules."""
    from qzzc.services.plan import init_store

    init_store(ctx)
    return ctx


@pytest.fixture
def cli(db_path, monkeypatch):
    """Runs ``qzzc --db <tmp store> ARGS`` in-process; returns the result (exit_code, stdout, stderr)."""
    from helpers import run_cli

    monkeypatch.delenv("QZZC_DB", raising=False)

    def run(*args: str, db: str | None = None, **kwargs):
        return run_cli("--db", str(db or db_path), *args, **kwargs)

    return run


@pytest.fixture
def cli_initialised(cli):
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    return cli
