"""The ingest write path: a batch of reader items folded into one transaction.

Speed matters here (the target is 2,000 interactions of 60 turns a second into SQLite):
interactions are upserted with one executemany, old utterances go with one
`DELETE ... IN` per chunk of ids, and utterances are sent as plain tuples in one
driver-level executemany (COPY on PostgreSQL). Items are applied in order, on top of
what is already stored, following the merge rules in `rows.py`; the fold happens in
memory, so each id is written once per batch. Each transcript written is (re-)indexed
for full-text search in the same transaction (`search.index_transcripts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from coachloop.errors import StoreError
from coachloop.model import Agent, Interaction, InteractionUpdate, ReadItem, Rejected, SurveyUpdate, Utterance
from coachloop.store import rows
from coachloop.store.engine import IN_CHUNK
from coachloop.store.search import index_transcripts
from coachloop.store.tables import agents, interactions, quarantine, utterances

__all__ = ["WriteStats", "chunked", "upsert_agent_rows", "write_items"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WriteStats:
    """What one `Store.write` call did, for the ingest summary."""

    interactions: int = 0
    """Full interactions written (an id given twice counts twice)."""
    created: int = 0
    """Interaction rows that did not exist before (from any item kind)."""
    updates: int = 0
    surveys: int = 0
    agents: int = 0
    quarantined: int = 0
    utterances: int = 0
    """Utterance rows written."""


def chunked(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert(
    conn: Connection,
    table: Table,
    rows_: Sequence[dict[str, Any]],
    *,
    keep_when_null: bool,
    exclude: Iterable[str] = (),
) -> None:
    """INSERT ... ON CONFLICT (pk) DO UPDATE for SQLite and PostgreSQL, as one executemany."""
    if not rows_:
        return
    insert = sqlite.insert(table) if conn.dialect.name == "sqlite" else postgresql.insert(table)
    skip = {c.name for c in table.primary_key} | set(exclude)
    set_ = {
        c.name: func.coalesce(insert.excluded[c.name], c) if keep_when_null else insert.excluded[c.name]
        for c in table.columns
        if c.name not in skip
    }
    stmt = insert.on_conflict_do_update(index_elements=list(table.primary_key), set_=set_)
    conn.execute(stmt, list(rows_))


def upsert_agent_rows(conn: Connection, items: Iterable[Agent]) -> int:
    """Upsert agents; a None field keeps the stored value (same rule as interactions)."""
    merged: dict[str, dict[str, Any]] = {}
    count = 0
    for agent in items:
        count += 1
        row = {
            "id": agent.id,
            "name": agent.name,
            "team": agent.team,
            "supervisor": agent.supervisor,
            "hire_date": agent.hire_date,
        }
        old = merged.get(agent.id)
        if old is not None:
            row = {k: old[k] if v is None else v for k, v in row.items()}
        merged[agent.id] = row
    _upsert(conn, agents, list(merged.values()), keep_when_null=True)
    return count


_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _insert_utterances(conn: Connection, transcripts: dict[str, list[Utterance]]) -> int:
    """One driver-level executemany of plain tuples.

    This is the hottest statement of ingest (60 rows per interaction). Going through
    `insert()` made SQLAlchemy build and process a parameter dict per row, which
    measured at about as much time again as SQLite's own work; the values here are
    already what the driver takes (JSON pre-serialised), so nothing is lost.
    """
    params = [p for iid, utts in transcripts.items() for p in rows.utterance_params(iid, utts)]
    if not params:
        return 0
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(c) for c in rows.UTTERANCE_COLUMNS)
    table = quote(utterances.name)
    if conn.dialect.name == "postgresql":
        # COPY is PostgreSQL's bulk path, faster than executemany; its driver errors are
        # wrapped like SQLAlchemy's own so callers see one kind of error.
        sql = f"COPY {table} ({columns}) FROM STDIN"
        dbapi_error = conn.dialect.loaded_dbapi.Error
        try:
            driver: Any = conn.connection.driver_connection  # a psycopg.Connection
            with driver.cursor() as cursor, cursor.copy(sql) as copy:
                for p in params:
                    copy.write_row(p)
        except dbapi_error as err:
            raise DBAPIError.instance(sql, None, err, dbapi_error) from err
    else:
        marks = ", ".join(_PLACEHOLDER[conn.dialect.paramstyle] for _ in rows.UTTERANCE_COLUMNS)
        conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({marks})", params)
    return len(params)


def _load_rows(conn: Connection, ids: Sequence[str]) -> dict[str, rows.Row]:
    found: dict[str, rows.Row] = {}
    for chunk in chunked(ids):
        query = select(interactions).where(interactions.c.id.in_(chunk))
        if conn.dialect.name == "postgresql":
            # Lock what we are about to merge into; SQLite already holds the write lock.
            query = query.with_for_update()
        for row in conn.execute(query).mappings():
            found[row["id"]] = dict(row)
    return found


def _item_id(item: ReadItem) -> str | None:
    if isinstance(item, Interaction):
        return item.id
    if isinstance(item, InteractionUpdate | SurveyUpdate):
        return item.interaction_id
    return None


def _quarantine_row(item: Rejected, source_format: str, now: datetime) -> dict[str, Any]:
    err = item.error
    return {
        "source_file": err.file,
        "line": err.line,
        "field": err.field,
        "record_id": err.record_id,
        "reason": err.reason,
        "raw": item.raw,
        "format": item.format or source_format,
        "created_at": now,
    }


def write_items(conn: Connection, items: Sequence[ReadItem], source_format: str, now: datetime) -> WriteStats:
    """Apply `items` in order inside the caller's transaction."""
    ids = sorted({i for i in map(_item_id, items) if i is not None})
    existing = _load_rows(conn, ids)
    merged: dict[str, rows.Row] = {}
    transcripts: dict[str, list[Utterance]] = {}
    agent_items: list[Agent] = []
    rejected: list[dict[str, Any]] = []
    counts = {"interactions": 0, "updates": 0, "surveys": 0}

    def row_for(interaction_id: str) -> rows.Row:
        row = merged.get(interaction_id)
        if row is None:
            old = existing.get(interaction_id)
            row = dict(old) if old is not None else rows.new_row(interaction_id, source_format, now)
            merged[interaction_id] = row
        return row

    for item in items:
        if isinstance(item, Interaction):
            rows.merge_interaction(row_for(item.id), item, source_format)
            if item.utterances:
                transcripts[item.id] = item.utterances
            counts["interactions"] += 1
        elif isinstance(item, InteractionUpdate):
            rows.apply_update(row_for(item.interaction_id), item)
            counts["updates"] += 1
        elif isinstance(item, SurveyUpdate):
            rows.apply_survey(row_for(item.interaction_id), item.survey)
            counts["surveys"] += 1
        elif isinstance(item, Agent):
            agent_items.append(item)
        elif isinstance(item, Rejected):
            rejected.append(_quarantine_row(item, source_format, now))
        else:
            raise StoreError(f"cannot store a {type(item).__name__}")

    for row in merged.values():
        rows.finish_row(row, now)
    _upsert(conn, interactions, list(merged.values()), keep_when_null=False, exclude=("ingested_at",))

    stale = [i for i in transcripts if existing.get(i, {}).get("utterance_count", 0) > 0]
    for chunk in chunked(stale):
        conn.execute(delete(utterances).where(utterances.c.interaction_id.in_(chunk)))
    utterance_count = _insert_utterances(conn, transcripts)
    index_transcripts(conn, {iid: " ".join(u.text for u in utts) for iid, utts in transcripts.items()})

    agent_count = upsert_agent_rows(conn, agent_items)
    if rejected:
        conn.execute(quarantine.insert(), rejected)
    return WriteStats(
        created=sum(1 for i in merged if i not in existing),
        agents=agent_count,
        quarantined=len(rejected),
        utterances=utterance_count,
        **counts,
    )
