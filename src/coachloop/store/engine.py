"""Engines for the two supported backends, and schema migration to head.

SQLite (the default) is tuned for one writer and many readers: WAL, foreign keys on,
`synchronous=NORMAL` (a crash can lose the last commits, never corrupt), and SQLAlchemy
rather than the sqlite3 module decides when a transaction begins, so writes take the
write lock up front (`BEGIN IMMEDIATE`) instead of failing half-way on a busy database.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

from coachloop.errors import StoreError
from coachloop.store.codec import dumps

__all__ = [
    "IN_CHUNK",
    "MIGRATIONS_DIR",
    "WRITE",
    "alembic_config",
    "create_store_engine",
    "db_errors",
    "default_url",
    "migrate",
    "scratch_schema",
]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
WRITE = "coachloop_write"
"""Execution option marking a connection that will write (SQLite: BEGIN IMMEDIATE)."""

_PG_MIGRATION_LOCK = 0x636F6163686C6F6F  # "coachloo": serialises concurrent migrators
IN_CHUNK = 30_000 if sqlite3.sqlite_version_info >= (3, 32) else 900
"""Ids per `IN (...)` list: below SQLite's bound-parameter limit (32766 since 3.32, 999
before) and PostgreSQL's (65535)."""


def default_url() -> str:
    """`COACHLOOP_DB` if set, else a SQLite file `coachloop.db` in the working directory.

    The path is made absolute so messages say which file, and a later `chdir` does not
    move the database.
    """
    return os.environ.get("COACHLOOP_DB") or f"sqlite:///{Path.cwd() / 'coachloop.db'}"


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _one_line(err: BaseException) -> str:
    orig = err.orig if isinstance(err, DBAPIError) else err
    return "; ".join(line.strip() for line in str(orig).splitlines() if line.strip())


@contextmanager
def db_errors(action: str) -> Iterator[None]:
    """Turn driver errors into a StoreError with one readable line."""
    try:
        yield
    except SQLAlchemyError as err:
        raise StoreError(f"{action}: {_one_line(err)}") from err


def _sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Take BEGIN away from the sqlite3 module; the "begin" event below emits it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a `sqlite:///PATH` URL when it does not exist (None for anything else)."""
    try:
        sa_url = make_url(url)
    except ArgumentError:
        return None  # create_store_engine says what is wrong with it
    if sa_url.get_backend_name() != "sqlite" or sa_url.database in (None, "", ":memory:"):
        return None
    path = Path(sa_url.database)
    return None if path.exists() else path


def create_store_engine(url: str) -> Engine:
    """An engine for `sqlite:///PATH` or `postgresql[+psycopg]://...`, errors as StoreError."""
    try:
        sa_url = make_url(url)
    except ArgumentError as err:
        raise StoreError(f"invalid database URL {url!r}: {err}") from None
    backend = sa_url.get_backend_name()
    if backend == "postgresql" and sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {_safe(sa_url)}: use sqlite:///PATH or postgresql+psycopg://..."
        )
    if backend == "sqlite" and sa_url.database not in (None, "", ":memory:"):
        parent = Path(sa_url.database).parent
        if not parent.is_dir():
            raise StoreError(f"cannot open database {_safe(sa_url)}: directory {parent} does not exist")
    try:
        if backend == "sqlite":
            engine = create_engine(
                sa_url,
                json_serializer=dumps,
                json_deserializer=orjson.loads,
                connect_args={"timeout": 60},
            )
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = create_engine(
                sa_url,
                json_serializer=dumps,
                json_deserializer=orjson.loads,
                pool_pre_ping=True,
            )
    except ImportError as err:
        if backend == "postgresql" and "psycopg" in str(err):
            raise StoreError(
                f"cannot use database {_safe(sa_url)}: the PostgreSQL driver is not installed; "
                "install coachloop with the postgres extra: pip install 'coachloop[postgres]'"
            ) from None
        raise StoreError(f"cannot use database {_safe(sa_url)}: {err}") from None
    except (ArgumentError, NoSuchModuleError) as err:
        raise StoreError(f"cannot use database {_safe(sa_url)}: {err}") from None
    return engine


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config built in code: the migrations ship inside the package, no ini file.

    For development, e.g. a new revision:
    `alembic.command.revision(alembic_config(url=...), "message", autogenerate=True)`.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to head in one transaction; refuse a database newer than the code.

    The version check and the upgrade run under one lock (SQLite's write lock, a
    PostgreSQL advisory lock), so two processes opening a new database do not both
    create it.
    """
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    known = {rev.revision for rev in script.walk_revisions()}
    where = _safe(engine.url)
    locked = engine.execution_options(**{WRITE: True})
    with db_errors(f"cannot migrate database {where}"), locked.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        if current is not None and current not in known:
            raise StoreError(
                f"database {where} is at schema revision {current!r}, newer than this coachloop "
                f"(head {head!r}): upgrade coachloop"
            )
        command.upgrade(alembic_config(conn), "head")


@contextmanager
def scratch_schema(base_url: str, prefix: str = "scratch") -> Iterator[str]:
    """A URL to a new, empty PostgreSQL schema of `base_url`'s database, dropped on exit:
    for tests and benchmarks that must not see each other's rows."""
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = create_store_engine(base_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(admin.url.render_as_string(hide_password=False))
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
