"""The columnar snapshot: the per-contact fact columns of a store in a DuckDB file, kept
fresh by watermarks, so that KPIs and signals over millions of contacts scan columns
instead of rows.

Where it lives: beside a SQLite store (`coachloop.db` -> `coachloop.db.columnar.duckdb`);
for any other store (PostgreSQL) in the directory named by `COACHLOOP_SNAPSHOT_DIR`, one
file per database URL. Without either (an in-memory SQLite store, a PostgreSQL store with
no directory configured) there is no snapshot and every reader uses the SQL path.

What it holds: the tables `interactions`, `evaluations`, `behavior_results`, `reviews` and
`agents`, with the same names and the columns the KPIs and signals read (no transcripts,
no evidence), plus three per-call figures the signals need that the store keeps inside
JSON (`caller_rating`, `frustration_peaks`, `insight_language`). Because the tables keep
their names and columns, the KPI queries of `metrics.compute` and the override rule of
`store.reviews.effective_outcomes` run on it unchanged: they are compiled for DuckDB
(`DuckDialect`) instead of being written a second time. Schedules and agent states are
not per-contact facts: their KPIs stay on the store.

How it stays fresh (`refresh`): the snapshot records a watermark of the store,
- the latest `interactions.updated_at` (an ingest or re-ingest stamps it),
- the latest `evaluations.evaluated_at` (an evaluation or re-evaluation stamps it),
- the largest `reviews.id` (reviews are only ever added),
- the row counts of those three tables (a deletion lowers one),
- a digest of the agent roster.
A refresh copies the rows stamped at or after the watermark (less `LOOKBACK`, for a
writer whose transaction committed late), replacing their earlier copies; the
behaviour outcomes of every re-copied evaluation are replaced with it; a new review
re-copies the evaluation it is about (a reviewer's override rescored it in the store).
When the counts still differ afterwards, something was deleted: the snapshot is built
again from scratch; so it is when most of the store is new since the watermark. `is_fresh` compares watermarks only, a handful of indexed queries.

The jobs that write (ingest, evaluate, review) call `refresh_existing` after they commit,
so a snapshot that exists is kept warm; readers call `refresh` first anyway, so a store
written by other means (another process, an older coachloop) is never read stale.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ClauseElement,
    Connection,
    Float,
    Select,
    String,
    Table,
    cast,
    func,
    literal,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.dialects.postgresql.base import PGDialect, PGTypeCompiler
from sqlalchemy.engine import make_url

from coachloop.errors import CoachloopError
from coachloop.store import Store
from coachloop.store.tables import agents, behavior_results, evaluations, interactions, reviews
from coachloop.store.writer import chunked

__all__ = [
    "SNAPSHOT_DIR_ENV",
    "Columnar",
    "DuckDialect",
    "RefreshReport",
    "SnapshotError",
    "caller_rating",
    "frustration_peaks",
    "insight_language",
    "is_fresh",
    "open_columnar",
    "refresh",
    "refresh_existing",
    "snapshot_path",
]

SNAPSHOT_DIR_ENV = "COACHLOOP_SNAPSHOT_DIR"
"""Directory for the snapshots of stores that are not SQLite files (PostgreSQL)."""
SUFFIX = ".columnar.duckdb"
LOOKBACK = timedelta(minutes=5)
"""Rows stamped this long before the watermark are copied again (idempotently): a writer
stamps its rows before it commits, so a row may appear after a later-stamped one."""
FORMAT = 1
"""Bumped when the snapshot's tables change: a snapshot of another format is rebuilt."""
BATCH = 100_000
MEMORY_LIMIT = os.environ.get("COACHLOOP_SNAPSHOT_MEMORY", "3GB")


class SnapshotError(CoachloopError):
    """The snapshot cannot be used (locked by another process, unreadable): read the store."""


# -- DuckDB as a SQLAlchemy compile target -------------------------------------------------------


class _DuckTypes(PGTypeCompiler):
    def visit_FLOAT(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"  # DuckDB's FLOAT is 4 bytes; the store's floats are doubles

    def visit_float(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"


class DuckDialect(PGDialect):
    """PostgreSQL's SQL, as DuckDB speaks it: `coachloop.metrics.sqltime` compiles its
    functions for the name `duckdb`; floats are doubles; parameters are `$1, $2, ...`."""

    name = "duckdb"
    type_compiler_cls = _DuckTypes
    supports_statement_cache = False


_DIALECT = DuckDialect(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]


def compile_duck(statement: ClauseElement) -> tuple[str, list[Any]]:
    """SQL text for DuckDB and its parameters, each through its type's bind processing
    (aware instants become naive UTC, as the store keeps them)."""
    compiled: Any = statement.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    procs = compiled._bind_processors
    names = compiled.positiontup or []
    values = [procs[n](params[n]) if n in procs else params[n] for n in names]
    return compiled.string, values


# -- the per-call figures the store keeps in JSON ------------------------------------------------


def frustration_peaks(dialect: str) -> Any:
    """How many frustration peaks the customer showed (from the evaluation's insights)."""
    if dialect == "postgresql":
        return func.jsonb_array_length(evaluations.c.insights["sentiment"]["frustration_peaks"])
    return func.json_array_length(evaluations.c.insights, "$.sentiment.frustration_peaks")


def insight_language() -> Any:
    """The conversation's language as the evaluation's insights name it."""
    return evaluations.c.insights["language"].as_string()


def caller_rating() -> Any:
    """The caller's own rating of the call (`survey.ratings.caller_rating`) over its scale."""
    return cast(interactions.c.survey_ratings["caller_rating"].as_float(), Float) / func.coalesce(
        interactions.c.survey_scale["caller_rating"].as_float(), literal(10.0)
    )


# -- where -----------------------------------------------------------------------------------------


def snapshot_path(store: Store) -> Path | None:
    """The snapshot file of `store`, or None where it has none (see the module doc)."""
    url = make_url(store.secret_url())
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        db = Path(url.database)
        return db.with_name(db.name + SUFFIX)
    folder = os.environ.get(SNAPSHOT_DIR_ENV)
    if not folder:
        return None
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:20]
    return Path(folder) / f"{url.get_backend_name()}-{digest}{SUFFIX}"


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path, threading.Lock())


# -- the tables --------------------------------------------------------------------------------------

_DDL = {
    "interactions": (
        ("id", "VARCHAR"),
        ("channel", "VARCHAR"),
        ("agent_id", "VARCHAR"),
        ("team", "VARCHAR"),
        ("queue", "VARCHAR"),
        ("customer_id", "VARCHAR"),
        ("started_at", "TIMESTAMP"),
        ("talk_seconds", "DOUBLE"),
        ("hold_seconds", "DOUBLE"),
        ("acw_seconds", "DOUBLE"),
        ("disposition", "VARCHAR"),
        ("transferred", "BOOLEAN"),
        ("escalated", "BOOLEAN"),
        ("language", "VARCHAR"),
        ("contact_reason", "VARCHAR"),
        ("csat", "DOUBLE"),
        ("nps", "DOUBLE"),
        ("ces", "DOUBLE"),
        ("utterance_count", "INTEGER"),
        ("updated_at", "TIMESTAMP"),
        ("caller_rating", "DOUBLE"),
    ),
    "evaluations": (
        ("interaction_id", "VARCHAR"),
        ("rubric", "VARCHAR"),
        ("rubric_version", "VARCHAR"),
        ("score", "DOUBLE"),
        ("reason_label", "VARCHAR"),
        ("input_hash", "VARCHAR"),
        ("evaluated_at", "TIMESTAMP"),
        ("frustration_peaks", "INTEGER"),
        ("insight_language", "VARCHAR"),
    ),
    "behavior_results": (
        ("interaction_id", "VARCHAR"),
        ("rubric", "VARCHAR"),
        ("behavior_id", "VARCHAR"),
        ("section", "VARCHAR"),
        ("outcome", "VARCHAR"),
        ("confidence", "DOUBLE"),
        ("critical", "BOOLEAN"),
    ),
    "reviews": (
        ("id", "BIGINT"),
        ("kind", "VARCHAR"),
        ("interaction_id", "VARCHAR"),
        ("rubric", "VARCHAR"),
        ("behavior_id", "VARCHAR"),
        ("outcome", "VARCHAR"),
        ("machine_outcome", "VARCHAR"),
        ("machine_confidence", "DOUBLE"),
        ("reviewer", "VARCHAR"),
        ("input_hash", "VARCHAR"),
        ("rubric_version", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
    ),
    "agents": (
        ("id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("team", "VARCHAR"),
        ("supervisor", "VARCHAR"),
        ("hire_date", "DATE"),
    ),
}


def _text(column: Any, dialect: str) -> Any:
    """An instant or a date as the store's text (`YYYY-MM-DD HH:MM:SS[.ffffff]`): DuckDB
    parses it, which is many times faster than making a Python datetime of each value."""
    if dialect == "sqlite":
        return type_coerce(column, String)  # SQLite keeps them as that text already
    return cast(column, String)


def _source_query(table: str, dialect: str) -> Select[Any]:
    """The store's rows of one snapshot table, in `_DDL` order."""
    if table == "interactions":
        source: Table = interactions
        extra = [caller_rating().label("caller_rating")]
    elif table == "evaluations":
        source = evaluations
        extra = [
            frustration_peaks(dialect).label("frustration_peaks"),
            insight_language().label("insight_language"),
        ]
    else:
        source = {"behavior_results": behavior_results, "reviews": reviews, "agents": agents}[table]
        extra = []
    plain = [
        _text(source.c[name], dialect).label(name) if kind in ("TIMESTAMP", "DATE") else source.c[name]
        for name, kind in _DDL[table][: len(_DDL[table]) - len(extra)]
    ]
    return select(*plain, *extra)


@dataclass(frozen=True, slots=True)
class Watermark:
    interactions_at: str | None
    interactions: int
    evaluations_at: str | None
    evaluations: int
    review_id: int
    reviews: int
    agents: str

    def as_json(self) -> str:
        return json.dumps([FORMAT, *(getattr(self, k) for k in self.__dataclass_fields__)])

    @classmethod
    def from_json(cls, text: str) -> Watermark | None:
        values = json.loads(text)
        if values[0] != FORMAT:
            return None
        return cls(*values[1:])


def _stamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ")


def _unstamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def _agents_digest(conn: Connection) -> str:
    digest = hashlib.sha256()
    for row in conn.execute(_source_query("agents", conn.dialect.name).order_by(agents.c.id)):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def source_watermark(conn: Connection) -> Watermark:
    """The store's watermark now (indexed maxima and counts)."""
    i, e, r = interactions, evaluations, reviews

    def one(query: Select[Any]) -> Any:
        # One aggregate a query: SQLite answers a lone max() from the index.
        return conn.execute(query).scalar()

    return Watermark(
        _stamp(one(select(func.max(i.c.updated_at)))),
        int(one(select(func.count()).select_from(i))),
        _stamp(one(select(func.max(e.c.evaluated_at)))),
        int(one(select(func.count()).select_from(e))),
        int(one(select(func.max(r.c.id))) or 0),
        int(one(select(func.count()).select_from(r))),
        _agents_digest(conn),
    )


# -- the DuckDB side -----------------------------------------------------------------------------------


def _duck_connect(path: Path, *, read_only: bool = False) -> Any:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as err:  # another process holds it, or it is not a DuckDB file
        raise SnapshotError(f"cannot open the columnar snapshot {path}: {err}") from None
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def _create(con: Any) -> None:
    for table, columns in _DDL.items():
        cols = ", ".join(f'"{name}" {kind}' for name, kind in columns)
        con.execute(f'CREATE OR REPLACE TABLE "{table}" ({cols})')
    con.execute("CREATE OR REPLACE TABLE snapshot_meta (watermark VARCHAR)")


def _stored_watermark(con: Any) -> Watermark | None:
    try:
        rows = con.execute("SELECT watermark FROM snapshot_meta").fetchall()
    except Exception:  # no such table: a new file
        return None
    return Watermark.from_json(rows[0][0]) if rows else None


def _arrow(table: str, rows: Sequence[Sequence[Any]]) -> Any:
    import pyarrow as pa

    columns = list(zip(*rows, strict=True)) if rows else [() for _ in _DDL[table]]
    arrays = {}
    for (name, kind), values in zip(_DDL[table], columns, strict=True):
        if kind == "DOUBLE":
            arrays[name] = pa.array(values, type=pa.float64())
        elif kind in ("INTEGER", "BIGINT"):
            arrays[name] = pa.array(values, type=pa.int64())
        elif kind == "BOOLEAN":
            arrays[name] = pa.array([None if v is None else bool(v) for v in values], type=pa.bool_())
        else:
            arrays[name] = pa.array(values, type=pa.string())
    return pa.table(arrays)


def _copy(con: Any, conn: Connection, table: str, query: Select[Any]) -> int:
    """Append the store's rows of `query` (a `_source_query`) to the snapshot's `table`."""
    copied = 0
    result = conn.execution_options(yield_per=BATCH).execute(query)
    columns = ", ".join(
        f'CAST("{name}" AS {kind})' if kind in ("TIMESTAMP", "DATE") else f'"{name}"' for name, kind in _DDL[table]
    )
    for part in result.partitions():
        batch = _arrow(table, part)
        con.register("incoming", batch)
        con.execute(f'INSERT INTO "{table}" SELECT {columns} FROM incoming')
        con.unregister("incoming")
        copied += len(part)
    return copied


@dataclass(frozen=True, slots=True)
class RefreshReport:
    path: Path
    rebuilt: bool
    interactions: int = 0
    evaluations: int = 0
    reviews: int = 0
    """Rows copied (a rebuild copies every row)."""


def _rebuild(con: Any, conn: Connection) -> None:
    _create(con)
    dialect = conn.dialect.name
    for table in _DDL:
        _copy(con, conn, table, _source_query(table, dialect))


def _keys_table(con: Any, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    import pyarrow as pa

    data = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    con.register(name, pa.table({c: pa.array(v, type=pa.string()) for c, v in zip(columns, data, strict=True)}))


def _incremental(con: Any, conn: Connection, old: Watermark) -> tuple[int, int, int]:
    dialect = conn.dialect.name
    i, e, r = interactions, evaluations, reviews
    n_i = n_e = n_r = 0
    # Interactions stamped since the watermark: replace their copies.
    since_i = _unstamp(old.interactions_at)
    if since_i is not None:
        since_i -= LOOKBACK
    changed = select(i.c.id) if since_i is None else select(i.c.id).where(i.c.updated_at >= since_i)
    ids = [row[0] for row in conn.execute(changed)]
    if ids:
        _keys_table(con, "changed_ids", ("id",), [(x,) for x in ids])
        con.execute('DELETE FROM "interactions" WHERE id IN (SELECT id FROM changed_ids)')
        con.unregister("changed_ids")
        for chunk in chunked(ids):
            n_i += _copy(con, conn, "interactions", _source_query("interactions", dialect).where(i.c.id.in_(chunk)))
    # Evaluations stamped since the watermark, and those a new review is about (an
    # override rescored them in place): replace them and their behaviour outcomes.
    since_e = _unstamp(old.evaluations_at)
    if since_e is not None:
        since_e -= LOOKBACK
    stamped = (
        select(e.c.interaction_id, e.c.rubric)
        if since_e is None
        else select(e.c.interaction_id, e.c.rubric).where(e.c.evaluated_at >= since_e)
    )
    keys = {(row[0], row[1]) for row in conn.execute(stamped)}
    new_reviews = select(r.c.interaction_id, r.c.rubric).where(r.c.id > old.review_id).distinct()
    keys |= {(row[0], row[1]) for row in conn.execute(new_reviews)}
    if keys:
        ordered = sorted(keys)
        _keys_table(con, "changed_keys", ("interaction_id", "rubric"), ordered)
        for table in ("evaluations", "behavior_results"):
            con.execute(
                f'DELETE FROM "{table}" WHERE (interaction_id, rubric) IN '
                "(SELECT (interaction_id, rubric) FROM changed_keys)"
            )
        con.unregister("changed_keys")
        for chunk in chunked(ordered, 400):
            wanted = tuple_(e.c.interaction_id, e.c.rubric).in_(chunk)
            n_e += _copy(con, conn, "evaluations", _source_query("evaluations", dialect).where(wanted))
            b = behavior_results
            _copy(
                con,
                conn,
                "behavior_results",
                _source_query("behavior_results", dialect).where(tuple_(b.c.interaction_id, b.c.rubric).in_(chunk)),
            )
    n_r = _copy(con, conn, "reviews", _source_query("reviews", dialect).where(r.c.id > old.review_id))
    con.execute('DELETE FROM "agents"')
    _copy(con, conn, "agents", _source_query("agents", dialect))
    return n_i, n_e, n_r


def _counts(con: Any) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        int(con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0])
        for t in ("interactions", "evaluations", "reviews")
    )


def _refresh(con: Any, conn: Connection, path: Path) -> RefreshReport:
    now = source_watermark(conn)
    old = _stored_watermark(con)
    if old == now:
        return RefreshReport(path, False)
    con.execute("BEGIN TRANSACTION")
    try:
        # Most of the store is new (a first big ingest): copying it whole is faster.
        rebuilt = old is None or now.interactions + now.evaluations > 2 * (old.interactions + old.evaluations) + BATCH
        counts = (0, 0, 0)
        if not rebuilt and old is not None:
            counts = _incremental(con, conn, old)
            if _counts(con) != (now.interactions, now.evaluations, now.reviews):
                rebuilt = True  # rows were deleted from the store: start again
        if rebuilt:
            _rebuild(con, conn)
            counts = (now.interactions, now.evaluations, now.reviews)
        con.execute("DELETE FROM snapshot_meta")
        con.execute("INSERT INTO snapshot_meta VALUES ($1)", [now.as_json()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return RefreshReport(path, rebuilt, *counts)


def _location(store: Store) -> Path:
    path = snapshot_path(store)
    if path is None:
        raise SnapshotError(f"{store.url} has no columnar snapshot location (set {SNAPSHOT_DIR_ENV})")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def refresh(store: Store) -> RefreshReport:
    """Bring the snapshot of `store` up to date (creating it if need be). Raises
    SnapshotError where the store has no snapshot location or the file cannot be opened."""
    path = _location(store)
    with _lock(path):
        con = _duck_connect(path)
        try:
            with store.reading("cannot refresh the columnar snapshot") as conn:
                return _refresh(con, conn, path)
        finally:
            con.close()


def refresh_existing(store: Store) -> RefreshReport | None:
    """After a write: refresh the snapshot if the store has one; never fails the write
    (a snapshot that cannot be refreshed now is refreshed by its next reader)."""
    path = snapshot_path(store)
    if path is None or not path.exists():
        return None
    try:
        return refresh(store)
    except (SnapshotError, ImportError):
        return None


def is_fresh(store: Store) -> bool:
    """Whether the snapshot exists and its watermark is the store's."""
    path = snapshot_path(store)
    if path is None or not path.exists():
        return False
    with _lock(path):
        con = _duck_connect(path, read_only=True)
        try:
            with store.reading("cannot read the store's watermark") as conn:
                return _stored_watermark(con) == source_watermark(conn)
        finally:
            con.close()


class Columnar:
    """A read connection to a fresh snapshot: `rows(statement)` runs a SQLAlchemy Core
    statement written against the store's tables on the snapshot's copies of them."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def rows(self, statement: ClauseElement) -> list[tuple[Any, ...]]:
        sql, params = compile_duck(statement)
        result: list[tuple[Any, ...]] = self.con.execute(sql, params).fetchall()
        return result

    def columns(self, statement: ClauseElement) -> dict[str, Any]:
        """The result as numpy columns by name (no Python row objects)."""
        sql, params = compile_duck(statement)
        result: dict[str, Any] = self.con.execute(sql, params).fetchnumpy()
        return result


@contextmanager
def open_columnar(store: Store) -> Iterator[Columnar]:
    """The store's snapshot, refreshed first, for reading. Raises SnapshotError where
    there is none to be had (see `refresh`); callers then read the store instead.

    A fresh snapshot is opened read-only, so several processes (the server, a command)
    can read it at once; only a stale one is opened for writing, to be refreshed."""
    path = _location(store)
    with _lock(path):
        con = None
        if path.exists():
            with suppress(SnapshotError):
                con = _duck_connect(path, read_only=True)
            if con is not None:
                with store.reading("cannot read the store's watermark") as conn:
                    fresh = _stored_watermark(con) == source_watermark(conn)
                if not fresh:
                    con.close()
                    con = None
        if con is None:
            con = _duck_connect(path)
            try:
                with store.reading("cannot refresh the columnar snapshot") as conn:
                    _refresh(con, conn, path)
            except BaseException:
                con.close()
                raise
        try:
            yield Columnar(con)
        finally:
            with suppress(Exception):
                con.close()


def available(store: Store) -> bool:
    """Whether the columnar path can be tried for `store` (DuckDB installed, a location)."""
    try:
        import duckdb  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return snapshot_path(store) is not None
