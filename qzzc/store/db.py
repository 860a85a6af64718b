"""Opening a store: a SQLite file by default, a server database for a SQLAlchemy URL.

Where the store is (SPEC §2): ``--db`` before the command, else ``QZZC_DB``, else ``./qzzc.db``.
A value with ``://`` in it is a SQLAlchemy URL (``postgresql+psycopg://…``); anything else is a
path to a SQLite file.

Every writing command runs in one ``Store.transaction()``. On SQLite it starts with
``BEGIN IMMEDIATE`` so two processes writing at once queue instead of failing half-way; on
PostgreSQL the services take the row or table locks they need.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, Date, Engine, Table, create_engine, event, inspect
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlmodel import Session, SQLModel, select

from qzzc.errors import NotInitialised, StoreError, StoreTooNew
from qzzc.files import os_reason
from qzzc.store import migrations
from qzzc.store.models import AuditEntry, Meta

DEFAULT_PATH = "qzzc.db"
CACHE_KIB = 64 * 1024
BUSY_TIMEOUT_MS = 30_000


def resolve_url(value: str | None = None) -> str:
    """Returns the SQLAlchemy URL for ``value`` (a path or a URL), else ``QZZC_DB``, else ./qzzc.db."""
    value = value or os.environ.get("QZZC_DB") or DEFAULT_PATH
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


_SECRET_KEYS = ("password", "passwd", "pwd", "secret", "token")


def display_url(url: str) -> str:
    """The store's URL as messages, audit entries and status lines show it: a SQLite file's
    path, or a server URL with the password of ``user:password@`` and of a query parameter
    (``?password=…``, ``sslpassword=…``) as ``***``. Never raises, however malformed the URL."""
    scheme, _, rest = url.partition("://")
    if scheme.split("+")[0].lower() == "sqlite":
        database = rest.split("?", 1)[0]
        return database[1:] if database.startswith("/") and len(database) > 1 else ":memory:"
    location, query_mark, query = rest.partition("?")
    host_end = location.find("/")
    netloc, path = (location, "") if host_end < 0 else (location[:host_end], location[host_end:])
    user, at, host = netloc.rpartition("@")
    if at and ":" in user:
        user = user.split(":", 1)[0] + ":***"
    parameters = []
    for parameter in query.split("&") if query else []:
        key, equals, _value = parameter.partition("=")
        secret = equals and any(word in key.lower() for word in _SECRET_KEYS)
        parameters.append(f"{key}=***" if secret else parameter)
    return f"{scheme}://{user}{at}{host}{path}{query_mark}{'&'.join(parameters)}"


def _in_memory(url: str) -> bool:
    """Whether ``url`` is an in-memory SQLite database (``sqlite://``, ``sqlite:///:memory:``)."""
    scheme, _, rest = url.partition("://")
    if scheme.split("+")[0].lower() != "sqlite":
        return False
    database, _, query = rest.partition("?")
    return database in ("", "/", "/:memory:") or ":memory:" in database or "mode=memory" in query


class Store:
    """One store. Cheap to create; connects on first use."""

    def __init__(self, url: str) -> None:
        """Raises ``StoreError`` for an in-memory SQLite database, which would vanish with the
        command (and its audit trail with it)."""
        if _in_memory(url):
            raise StoreError(
                f"{url} 是内存数据库，命令结束即消失，qzzc 的数据和审计日志须保存在文件或数据库服务器中。"
                "请用 --db 给出 SQLite 文件路径（如 --db qzzc.db）或 PostgreSQL 数据库 URL。"
            )
        self.url = url
        self._engine: Engine | None = None
        # Brings a store of an older schema version up to date, as an audited job; set by the
        # services' ``Context`` (``qzzc.services.base.upgrade``), which the store cannot import.
        self.upgrader: Callable[[], None] | None = None
        self._current = False  # the schema is known to be up to date

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        if not self.is_sqlite:
            return None
        database = self.url.split(":///", 1)[1]
        return Path(database) if database and database != ":memory:" else None

    @property
    def where(self) -> str:
        return display_url(self.url)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._create_engine()
        return self._engine

    def _create_engine(self) -> Engine:
        if not self.is_sqlite:
            try:
                return create_engine(self.url, pool_pre_ping=True)
            except ValueError:  # a port that is not a number, say
                raise StoreError(
                    f"数据库 URL {self.where} 的格式有误，请核对"
                    "（形如 postgresql+psycopg://用户名@主机:端口/数据库名，端口为数字）。"
                ) from None
            except (SQLAlchemyError, ImportError) as error:
                raise StoreError(f"无法打开数据库 {self.where}：{error}") from None
        engine = create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
            # Let SQLAlchemy, not pysqlite, decide when a transaction starts.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # A 64 MiB page cache (the default is 2 MiB): a 100,000-applicant import then keeps
            # its index pages in memory instead of spilling them mid-transaction.
            cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):
            write = connection.get_execution_options().get("qzzc_write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- sessions ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A writing session: all of it is committed at the end, or none of it on any error."""
        self._create_file()
        bind = self.engine.execution_options(qzzc_write=True)
        with self._errors(), Session(bind) as session, session.begin():
            yield session

    @contextmanager
    def reading(self, consistent: bool = False, *, upgrade: bool = True) -> Iterator[Session]:
        """A session for reading an initialised store. ``consistent``: every read sees the store
        as of one moment, however many statements (PostgreSQL's REPEATABLE READ; a SQLite read
        transaction does so anyway). A store of an older schema version is upgraded first
        (``ensure_current``), unless ``upgrade`` is False (``audit verify`` reads it as it is)."""
        if upgrade:
            self.ensure_current()
        bind = self.engine
        if consistent and not self.is_sqlite:
            bind = bind.execution_options(isolation_level="REPEATABLE READ")
        with self._errors(), Session(bind) as session:
            self._check_version(session)
            yield session

    @contextmanager
    def writing(self, *, upgrade: bool = True) -> Iterator[Session]:
        """A writing transaction on an initialised store, upgraded first if its schema is older
        (``ensure_current``; the upgrade job itself passes ``upgrade=False``)."""
        if upgrade:
            self.ensure_current()
        with self.transaction() as session:
            self._check_version(session)
            yield session

    def ensure_current(self) -> None:
        """Upgrades a store of an older schema version with ``upgrader`` (an audited job of its
        own, before the command's). Raises ``NotInitialised``, ``StoreTooNew`` as reading would,
        and ``StoreError`` when an older store cannot be upgraded here."""
        if self._current:
            return
        with self._errors(), Session(self.engine) as session:
            version = self._check_version(session)
        if version < migrations.latest():
            if self.upgrader is None:
                raise StoreError(
                    f"数据库 {self.where} 的结构版本为 {version}，需先升级到 {migrations.latest()}。"
                    "请用 qzzc 命令打开它，qzzc 会自动升级并记入审计日志。"
                )
            self.upgrader()
        self._current = True

    def peek_version(self) -> int | None:
        """The schema version, or None for a store not initialised yet; creates no file."""
        if self.path is not None and not self.path.exists():
            return None
        with self._errors(), Session(self.engine) as session:
            return self.schema_version(session)

    def upgrade_schema(self, session: Session, version: int) -> list[str]:
        """Runs the steps a store of ``version`` still needs in ``session``'s transaction and
        records the new version; returns the steps' names. For the upgrade job only."""
        steps = migrations.pending(version)
        connection = session.connection()
        try:
            for step in steps:
                step.apply(connection, SQLModel.metadata)
        except (IntegrityError, ProgrammingError):  # another command upgrading at once
            raise StoreError("另一处正在同时升级数据库结构。请稍后重新运行本命令。") from None
        self.set_meta(session, "schema_version", str(migrations.latest()))
        session.flush()
        return [step.name for step in steps]

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as error:
            raise StoreError(f"无法使用数据库 {self.where}：{_first_line(error)}") from None
        except ProgrammingError as error:
            if error.statement is not None:  # a statement's error is the program's
                raise
            # Refused while connecting: an option of the URL the server does not know.
            raise StoreError(f"无法使用数据库 {self.where}：{_first_line(error)}") from None
        except DatabaseError as error:
            if type(error) is not DatabaseError:  # integrity and programming errors are not the file's
                raise
            # SQLite's own DatabaseError: a damaged file, or not a database at all.
            raise StoreError(
                f"数据库 {self.where} 已损坏或不是 qzzc 数据库（{_first_line(error)}）。"
                "请勿继续写入，用最近的备份（qzzc backup 生成的文件）恢复。"
            ) from None

    # -- schema -----------------------------------------------------------------------------

    def _create_file(self) -> None:
        """Creates a new SQLite file readable by its owner only (0600) before SQLite opens it."""
        path = self.path
        if path is None or path.exists():
            return
        if not path.parent.is_dir():
            raise StoreError(f"数据库所在目录不存在：{path.parent}")
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as error:  # a read-only folder or disk, a full disk
            raise StoreError(
                f"无法在 {path.parent} 中创建数据库文件 {path.name}：{os_reason(error)}"
            ) from None

    def is_initialised(self, session: Session) -> bool:
        return inspect(session.connection()).has_table(Meta.__tablename__)

    def schema_version(self, session: Session) -> int | None:
        """The store's schema version, or None for a store never initialised. Raises
        ``StoreError`` for a store whose version record (or whole ``meta`` table) is gone or
        garbled while it holds audit entries: that was done outside qzzc, and ``init`` must not
        start it afresh."""
        if self.is_initialised(session):
            row = session.get(Meta, "schema_version")
            if row is not None and row.value.isdigit():
                return int(row.value)

        if inspect(session.connection()).has_table(AuditEntry.__tablename__) and session.scalar(
            select(AuditEntry.seq).limit(1)
        ):
            raise StoreError(
                f"数据库 {self.where} 的结构版本记录缺失或被改动，数据库可能在 qzzc 之外被改动。"
                "请勿继续写入，用最近的备份（qzzc backup 生成的文件）恢复。"
            )
        return None

    def _check_version(self, session: Session) -> int:
        """Returns the store's schema version; raises unless it is initialised and not newer."""
        if self.path is not None and not self.path.exists():
            raise NotInitialised(self.where)
        version = self.schema_version(session)
        if version is None:
            raise NotInitialised(self.where)
        if version > migrations.latest():
            raise StoreTooNew(version, migrations.latest())
        return version

    def create_schema(self, session: Session) -> bool:
        """Creates the tables in ``session``'s transaction. Returns True if the store was new.

        Raises ``StoreTooNew`` for a store written by a newer qzzc.
        """
        version = self.schema_version(session)
        if version is not None and version > migrations.latest():
            raise StoreTooNew(version, migrations.latest())
        _create_tables(session)
        if version is None:
            session.add(Meta(key="schema_version", value=str(migrations.latest())))
            session.flush()
            return True
        return False

    def meta(self, session: Session, key: str) -> str | None:
        row = session.get(Meta, key)
        return row.value if row else None

    def set_meta(self, session: Session, key: str, value: str) -> None:
        row = session.get(Meta, key)
        if row is None:
            session.add(Meta(key=key, value=value))
        else:
            row.value = value

    def current_year(self, session: Session) -> int:
        """The year the store works on: the year of the rules loaded last by ``qzzc init``."""
        value = self.meta(session, "year")
        if value is None:
            raise NotInitialised(self.where)
        if not value.isdigit():
            raise StoreError(
                f"数据库 {self.where} 的年度记录被改动（「{value[:20]}」），数据库可能在 qzzc 之外被改动。"
                "请用最近的备份恢复，或重新运行 qzzc init。"
            )
        return int(value)


def _create_tables(session: Session) -> None:
    """Creates every table the store lacks, in ``session``'s transaction."""
    import qzzc.store.models  # noqa: F401  (registers every table)

    SQLModel.metadata.create_all(session.connection())


# SQLite's primary result codes (the low byte of its extended codes) that the clerk can act on.
_SQLITE_REASONS = {
    8: "数据库文件或其所在文件夹只读，无法写入",  # SQLITE_READONLY
    10: "读写出错（磁盘或网络故障）",  # SQLITE_IOERR
    13: "磁盘空间不足",  # SQLITE_FULL
    14: "无法打开数据库文件（文件夹不存在、只读或没有权限）",  # SQLITE_CANTOPEN
    23: "没有权限",  # SQLITE_AUTH
}


def _first_line(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _SQLITE_REASONS:
        return _SQLITE_REASONS[code & 0xFF]
    text = str(original)
    return text.splitlines()[0] if text else type(error).__name__


def bulk_insert(connection: Connection, table: Table, records: list[dict[str, Any]]) -> None:
    """Inserts ``records`` (dicts with the same keys, in the same order) with the driver's own
    ``executemany``: SQLAlchemy's per-row processing costs more than the database for 100,000
    rows. Values are converted as SQLAlchemy itself would store them: JSON columns as
    ``json.dumps`` text, and on SQLite dates as ISO text."""
    if not records:
        return
    names = list(records[0])
    sqlite = connection.dialect.name == "sqlite"
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for index, name in enumerate(names):
        kind = table.c[name].type
        if isinstance(kind, JSON):
            converters.append((index, json.dumps))  # None too: SQLAlchemy stores JSON null
        elif sqlite and isinstance(kind, Date):
            converters.append((index, _iso))
    rows: list[Any] = (
        list(map(itemgetter(*names), records)) if len(names) > 1 else [(r[names[0]],) for r in records]
    )
    if converters:
        rows = [_converted(row, converters) for row in rows]
    marker = "?" if sqlite else "%s"
    columns = ", ".join(f'"{name}"' for name in names)
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join([marker] * len(names))})'
    # exec_driver_sql hands the rows to the cursor's executemany untouched, and turns a database
    # error (a full disk, a lost server) into SQLAlchemy's, which the store reports in Chinese.
    connection.exec_driver_sql(sql, rows)


def insert_columns(connection: Connection, table: Table, columns: dict[str, Iterable[Any]]) -> None:
    """Inserts rows given as columns (name → values in row order; a column that is not a sequence,
    such as ``itertools.repeat(year)``, is as long as the others) with one driver ``executemany``,
    the values converted as ``bulk_insert`` converts them; a date column through its distinct
    values once. The columns are zipped straight into the driver's tuples: no dict per row."""
    sqlite = connection.dialect.name == "sqlite"
    converted: list[Iterable[Any]] = []
    for name, values in columns.items():
        kind = table.c[name].type
        if isinstance(kind, JSON):
            values = map(json.dumps, values)
        elif sqlite and isinstance(kind, Date):
            if isinstance(values, Sequence):
                texts = {value: _iso(value) for value in set(values)}
                values = map(texts.__getitem__, values)
            else:
                values = map(_iso, values)
        converted.append(values)
    marker = "?" if sqlite else "%s"
    names = ", ".join(f'"{name}"' for name in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join([marker] * len(columns))})'
    rows = zip(*converted, strict=False)  # repeat() columns are endless
    # The driver's tuples a block at a time, so that 500,000 of them are never held at once.
    while block := list(islice(rows, INSERT_BLOCK)):
        connection.exec_driver_sql(sql, block)


INSERT_BLOCK = 50_000  # rows per executemany of insert_columns


def _converted(row: tuple[Any, ...], converters: list[tuple[int, Callable[[Any], Any]]]) -> tuple[Any, ...]:
    cells = list(row)
    for index, convert in converters:
        cells[index] = convert(cells[index])
    return tuple(cells)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()
