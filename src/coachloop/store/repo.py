"""`Store`: the one object the CLI, the ingest pipeline and the evaluator talk to.

Each public method is one transaction. Reads that stream (`iter_*`) page by key in short
transactions and hold no connection while the caller works, so a caller may write
(e.g. save evaluations) between pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    RowMapping,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
)

from coachloop.model import Agent, Evaluation, Interaction, ReadItem, Utterance
from coachloop.store import rows
from coachloop.store.codec import behavior_to_dict, evaluation_from_dict, evaluation_head, insights_to_dict
from coachloop.store.drilldown import DrilldownMethods
from coachloop.store.engine import WRITE, db_errors
from coachloop.store.reviews import ReviewMethods, rescore
from coachloop.store.scorecards import Scorecard, query_scorecards
from coachloop.store.tables import (
    agents,
    behavior_results,
    evaluations,
    interactions,
    models,
    quarantine,
    rubrics,
    utterances,
)
from coachloop.store.writer import WriteStats, chunked, upsert_agent_rows, write_items

__all__ = ["QuarantineRow", "RegisteredRubric", "Store", "StoredModel"]


@dataclass(frozen=True, slots=True)
class RegisteredRubric:
    """A rubric a team registered (`coachloop rubric add`): its YAML text as given."""

    name: str
    version: str
    fingerprint: str
    source: str
    """Where the text came from (the file name given to `rubric add`)."""
    text: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class StoredModel:
    """A fitted model kept in the store: `payload` is whatever its kind's `save` wrote."""

    name: str
    kind: str
    version: int
    """1 for the first model saved under this name, then 2, 3, ... on each retrain."""
    info: dict[str, Any]
    payload: bytes
    created_at: datetime


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    """A rejected input record, kept verbatim (`raw`) so it can be fixed and replayed."""

    id: int
    file: str | None
    line: int | None
    field: str | None
    record_id: str | None
    reason: str
    raw: str
    format: str
    created_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _quarantine_row(r: RowMapping) -> QuarantineRow:
    return QuarantineRow(
        id=r["id"],
        file=r["source_file"],
        line=r["line"],
        field=r["field"],
        record_id=r["record_id"],
        reason=r["reason"],
        raw=r["raw"],
        format=r["format"],
        created_at=r["created_at"],
    )


def _evaluation_from_row(r: RowMapping) -> Evaluation:
    reason = None
    if r["reason_label"] is not None:
        reason = {
            "label": r["reason_label"],
            "confidence": r["reason_confidence"],
            "model": r["reason_model"],
        }
    return evaluation_from_dict(
        {
            "interaction_id": r["interaction_id"],
            "rubric": r["rubric"],
            "rubric_version": r["rubric_version"],
            "score": r["score"],
            "compliance_passed": r["compliance_passed"],
            "auto_failed": r["auto_failed"],
            "section_scores": r["section_scores"],
            "contact_reason": reason,
            "input_hash": r["input_hash"],
            "behaviors": r["results"],
            "insights": r["insights"],
            "rubric_fingerprint": r["rubric_fingerprint"],
        }
    )


def _content_hashes(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    query = select(interactions.c.id, interactions.c.content_hash)
    found: dict[str, str] = {}
    for chunk in chunked(ids):
        found.update((r.id, r.content_hash) for r in conn.execute(query.where(interactions.c.id.in_(chunk))))
    return found


def _delete_evaluations(conn: Connection, keys: Iterable[tuple[str, str]]) -> None:
    """Delete the evaluations (and behaviour rows) of `keys`: one statement per table, run
    with every key at once (executemany, a primary-key lookup each), rather than an IN list
    per rubric and chunk that SQLAlchemy compiles afresh each time."""
    params = [{"key_interaction": i, "key_rubric": r} for i, r in dict.fromkeys(keys)]
    if not params:
        return
    for table in (behavior_results, evaluations):
        conn.execute(
            delete(table).where(
                table.c.interaction_id == bindparam("key_interaction"),
                table.c.rubric == bindparam("key_rubric"),
            ),
            params,
        )


def _evaluation_row(ev: Evaluation, content_hashes: dict[str, str], now: datetime) -> dict[str, Any]:
    reason = ev.contact_reason
    input_hash = content_hashes.get(ev.interaction_id) if ev.input_hash is None else ev.input_hash
    return {
        **evaluation_head(ev),
        "reason_label": reason.label if reason else None,
        "reason_confidence": reason.confidence if reason else None,
        "reason_model": reason.model if reason else None,
        "input_hash": input_hash,
        "insights": insights_to_dict(ev.insights) if ev.insights is not None else None,
        "evaluated_at": now,
        "results": [behavior_to_dict(r) for r in ev.results],
        "rubric_fingerprint": ev.rubric_fingerprint,
    }


def _behavior_rows(ev: Evaluation) -> list[dict[str, Any]]:
    """The flat copy of each result that SQL metrics group by (evidence stays in `results`)."""
    return [
        {
            "interaction_id": ev.interaction_id,
            "rubric": ev.rubric,
            "behavior_id": r.behavior_id,
            "section": r.section,
            "outcome": str(r.outcome),
            "confidence": r.confidence,
            "critical": r.critical,
            "review_reason": r.review_reason,
        }
        for r in ev.results
    ]


class Store(ReviewMethods, DrilldownMethods):
    """Interactions, evaluations, agents and quarantine in one SQL database.

    Build it with `open_store(url)`, which migrates the schema first.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE: True})
        self.url = engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def secret_url(self) -> str:
        """The URL with its password, to open the same store in a worker process (never log it)."""
        return self._engine.url.render_as_string(hide_password=False)

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        with db_errors(f"{action} ({self.url})"), self._engine.connect() as conn:
            yield conn

    @contextmanager
    def reading(self, action: str) -> Iterator[Connection]:
        """A read-only connection for analytics that query the tables directly (signals);
        a database error becomes a StoreError naming `action`."""
        with self._read(action) as conn:
            yield conn

    @contextmanager
    def _write(self, action: str) -> Iterator[Connection]:
        with db_errors(f"{action} ({self.url})"), self._writer.begin() as conn:
            yield conn

    @contextmanager
    def connect(self, action: str) -> Iterator[Connection]:
        """A read connection for the queries that live beside the store (metrics, signals);
        a database error becomes a StoreError naming `action`."""
        with self._read(action) as conn:
            yield conn

    @contextmanager
    def begin(self, action: str) -> Iterator[Connection]:
        """A write transaction, committed when the block ends without an error."""
        with self._write(action) as conn:
            yield conn

    # -- ingest -------------------------------------------------------------------------

    def write(self, items: Sequence[ReadItem], *, source_format: str) -> WriteStats:
        """Store a batch of reader items in one transaction, in order.

        Full interactions are upserted with their utterances replaced; updates and surveys
        change only what they carry (creating a bare interaction for an unknown id); agents
        are upserted; rejected records go to quarantine. What "None keeps the stored value"
        means for each field is in `coachloop.store.rows`.
        """
        if not items:
            return WriteStats()  # no write lock for nothing
        with self._write("cannot write ingested records") as conn:
            return write_items(conn, items, source_format, _now())

    def upsert_agents(self, items: Iterable[Agent]) -> int:
        """Insert or update agents (a None field keeps the stored one); returns how many."""
        with self._write("cannot write agents") as conn:
            return upsert_agent_rows(conn, items)

    def list_agents(self) -> list[Agent]:
        with self._read("cannot read agents") as conn:
            return [
                Agent(id=r.id, name=r.name, team=r.team, supervisor=r.supervisor, hire_date=r.hire_date)
                for r in conn.execute(select(agents).order_by(agents.c.id))
            ]

    # -- interactions -------------------------------------------------------------------

    def interaction_ids(self) -> list[str]:
        """Every stored interaction's id, sorted."""
        with self._read("cannot list interactions") as conn:
            return list(conn.execute(select(interactions.c.id).order_by(interactions.c.id)).scalars())

    def count_interactions(self) -> int:
        with self._read("cannot count interactions") as conn:
            return int(conn.execute(select(func.count()).select_from(interactions)).scalar_one())

    def get_interaction(self, interaction_id: str) -> Interaction | None:
        found = self._load_interactions(
            "cannot read interaction",
            interactions.c.id == interaction_id,
            limit=None,
        )
        return found[0] if found else None

    def iter_interactions(self, ids: Iterable[str] | None = None, batch: int = 500) -> Iterator[Interaction]:
        """Interactions (with utterances and survey) ordered by id, `batch` at a time.

        With `ids`, only those (unknown ids are skipped); the ids themselves are held in
        memory, the interactions never more than one batch.
        """
        if batch < 1:
            raise ValueError("batch must be at least 1")
        if ids is not None:
            wanted = sorted(set(ids))
            for chunk in chunked(wanted, batch):
                yield from self._load_interactions(
                    "cannot read interactions",
                    interactions.c.id.in_(chunk),
                    limit=None,
                )
            return
        last: str | None = None
        while True:
            where = interactions.c.id > last if last is not None else None
            page = self._load_interactions("cannot read interactions", where, limit=batch)
            if not page:
                return
            yield from page
            last = page[-1].id

    def iter_headers(self, ids: Iterable[str], batch: int = 2000) -> Iterator[Interaction]:
        """The interactions `ids` without their utterances (channel, queue, reason, language,
        metadata: what decides which rubric applies), ordered by id; unknown ids skipped."""
        for chunk in chunked(sorted(set(ids)), batch):
            yield from self._load_interactions(
                "cannot read interactions", interactions.c.id.in_(chunk), limit=None, whole=False
            )

    def _load_interactions(
        self, action: str, where: ColumnElement[bool] | None, limit: int | None, whole: bool = True
    ) -> list[Interaction]:
        query = select(interactions).order_by(interactions.c.id)
        if where is not None:
            query = query.where(where)
        if limit is not None:
            query = query.limit(limit)
        with self._read(action) as conn:
            found = conn.execute(query).mappings().all()
            if not whole:
                return [rows.interaction_from_row(r, []) for r in found]
            turns: dict[str, list[Utterance]] = defaultdict(list)
            with_turns = [r["id"] for r in found if r["utterance_count"]]
            for chunk in chunked(with_turns):
                turn_query = (
                    select(utterances)
                    .where(utterances.c.interaction_id.in_(chunk))
                    .order_by(utterances.c.interaction_id, utterances.c.idx)
                )
                for u in conn.execute(turn_query).mappings():
                    turns[u["interaction_id"]].append(rows.utterance_from_row(u))
        return [rows.interaction_from_row(r, turns.get(r["id"], [])) for r in found]

    # -- evaluations --------------------------------------------------------------------

    def pending_evaluation(
        self, rubric: str, rubric_version: str, rubric_fingerprint: str | None = None
    ) -> list[str]:
        """Ids (sorted) of interactions with a transcript whose evaluation under `rubric` is
        missing, from another rubric version, of content that has changed since, or (given
        `rubric_fingerprint`) made by other rubric content under the same version."""
        i, e = interactions, evaluations
        stale = [
            e.c.interaction_id.is_(None),
            e.c.rubric_version != rubric_version,
            e.c.input_hash.is_distinct_from(i.c.content_hash),
        ]
        if rubric_fingerprint is not None:
            stale.append(e.c.rubric_fingerprint.is_distinct_from(rubric_fingerprint))
        query = (
            select(i.c.id)
            .select_from(i.outerjoin(e, and_(e.c.interaction_id == i.c.id, e.c.rubric == rubric)))
            .where(
                i.c.utterance_count > 0,
                or_(*stale),
            )
            .order_by(i.c.id)
        )
        with self._read("cannot find pending evaluations") as conn:
            return list(conn.execute(query).scalars())

    def save_evaluations(
        self, evals: Sequence[Evaluation], superseded: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Insert or replace evaluations by (interaction_id, rubric), with their behaviour rows.

        An evaluation without `input_hash` is stamped with the interaction's current content
        hash (it is taken to be of what is stored now). Callers that read the interaction
        earlier should set `input_hash = content_hash(interaction)` themselves, so a
        transcript changed in between is still found by `pending_evaluation`.
        `superseded` (interaction_id, rubric) evaluations are deleted in the same
        transaction: an interaction whose queue now picks another rubric keeps one.
        """
        latest = {(ev.interaction_id, ev.rubric): ev for ev in evals}
        stale = [key for key in superseded if key not in latest]
        if not latest and not stale:
            return
        now = _now()
        with self._write("cannot save evaluations") as conn:
            unhashed = sorted({ev.interaction_id for ev in latest.values() if ev.input_hash is None})
            hashes = _content_hashes(conn, unhashed)
            _delete_evaluations(conn, [*latest, *stale])
            if not latest:
                return
            conn.execute(evaluations.insert(), [_evaluation_row(ev, hashes, now) for ev in latest.values()])
            result_rows = [row for ev in latest.values() for row in _behavior_rows(ev)]
            if result_rows:
                conn.execute(behavior_results.insert(), result_rows)
            # Overrides of the same input and rubric version stay in force: score with them.
            rescore(conn, latest, only_overridden=True)

    def get_evaluations(self, interaction_id: str) -> list[Evaluation]:
        """Every rubric's evaluation of one interaction, ordered by rubric."""
        query = (
            select(evaluations)
            .where(evaluations.c.interaction_id == interaction_id)
            .order_by(evaluations.c.rubric)
        )
        with self._read("cannot read evaluations") as conn:
            return [_evaluation_from_row(r) for r in conn.execute(query).mappings()]

    def iter_evaluations(self, rubric: str | None = None, batch: int = 500) -> Iterator[Evaluation]:
        """Evaluations ordered by (interaction_id, rubric), streamed `batch` at a time."""
        e = evaluations
        last: tuple[str, str] | None = None
        while True:
            query = select(e).order_by(e.c.interaction_id, e.c.rubric).limit(batch)
            if rubric is not None:
                query = query.where(e.c.rubric == rubric)
            if last is not None:
                query = query.where(rows.after_evaluation(last))
            with self._read("cannot read evaluations") as conn:
                page = [_evaluation_from_row(r) for r in conn.execute(query).mappings()]
            if not page:
                return
            yield from page
            last = (page[-1].interaction_id, page[-1].rubric)

    def save_model(self, name: str, kind: str, payload: bytes, info: dict[str, Any] | None = None) -> int:
        """Store a fitted model under `name` (replacing an older one); returns its new version."""
        with self._write("cannot save the model") as conn:
            previous = conn.execute(select(models.c.version).where(models.c.name == name)).scalar()
            version = (previous or 0) + 1
            conn.execute(delete(models).where(models.c.name == name))
            conn.execute(
                models.insert().values(
                    name=name, kind=kind, version=version, info=info or {}, payload=payload, created_at=_now()
                )
            )
        return version

    def load_model(self, name: str) -> StoredModel | None:
        with self._read("cannot read the model") as conn:
            r = conn.execute(select(models).where(models.c.name == name)).mappings().first()
        if r is None:
            return None
        return StoredModel(
            r["name"], r["kind"], r["version"], dict(r["info"] or {}), bytes(r["payload"]), r["created_at"]
        )

    def list_models(self) -> list[tuple[str, str, int, datetime]]:
        """(name, kind, version, created_at) of every stored model, by name."""
        query = select(models.c.name, models.c.kind, models.c.version, models.c.created_at).order_by(
            models.c.name
        )
        with self._read("cannot read models") as conn:
            return [(r.name, r.kind, r.version, r.created_at) for r in conn.execute(query)]

    def evaluated_rubrics(self) -> list[str]:
        """Names of the rubrics with at least one stored evaluation, sorted."""
        query = select(evaluations.c.rubric).distinct().order_by(evaluations.c.rubric)
        with self._read("cannot read evaluations") as conn:
            return list(conn.execute(query).scalars())

    # -- registered rubrics -------------------------------------------------------------

    def save_rubric(self, rubric: RegisteredRubric) -> RegisteredRubric | None:
        """Register `rubric` under its name, replacing (and returning) one registered before."""
        with self._write("cannot save the rubric") as conn:
            before = self._select_rubrics(conn, rubric.name)
            conn.execute(delete(rubrics).where(rubrics.c.name == rubric.name))
            conn.execute(
                rubrics.insert().values(
                    name=rubric.name,
                    version=rubric.version,
                    fingerprint=rubric.fingerprint,
                    source=rubric.source,
                    text=rubric.text,
                    added_at=rubric.added_at,
                )
            )
        return before[0] if before else None

    def list_rubrics(self) -> list[RegisteredRubric]:
        """The registered rubrics, by name."""
        with self._read("cannot read rubrics") as conn:
            return self._select_rubrics(conn, None)

    def remove_rubric(self, name: str) -> bool:
        """Unregister `name` (its evaluations stay); False when it was not registered."""
        with self._write("cannot remove the rubric") as conn:
            return bool(conn.execute(delete(rubrics).where(rubrics.c.name == name)).rowcount)

    @staticmethod
    def _select_rubrics(conn: Connection, name: str | None) -> list[RegisteredRubric]:
        query = select(rubrics).order_by(rubrics.c.name)
        if name is not None:
            query = query.where(rubrics.c.name == name)
        return [
            RegisteredRubric(r["name"], r["version"], r["fingerprint"], r["source"], r["text"], r["added_at"])
            for r in conn.execute(query).mappings()
        ]

    def agent_scorecards(self, rubric: str) -> list[Scorecard]:
        """Per-agent aggregates of the evaluations under `rubric` (see `scorecards.py`)."""
        with self._read("cannot compute scorecards") as conn:
            return query_scorecards(conn, rubric)

    # -- quarantine ---------------------------------------------------------------------

    def list_quarantine(self) -> list[QuarantineRow]:
        with self._read("cannot read quarantine") as conn:
            return self._select_quarantine(conn, None)

    def pop_quarantine(self, ids: Iterable[int] | None = None) -> list[QuarantineRow]:
        """Remove and return quarantined records (all when `ids` is None), for replay.

        Replay by writing the re-read items with `write`; a record that fails again is
        quarantined again under a new id.
        """
        with self._write("cannot pop quarantine") as conn:
            popped = self._select_quarantine(conn, ids)
            self._delete_quarantine(conn, [q.id for q in popped])
            return popped

    def clear_quarantine(self, ids: Iterable[int] | None = None) -> int:
        """Delete quarantined records (all when `ids` is None); returns how many."""
        with self._write("cannot clear quarantine") as conn:
            if ids is None:
                return int(conn.execute(delete(quarantine)).rowcount)
            return self._delete_quarantine(conn, sorted(set(ids)))

    @staticmethod
    def _select_quarantine(conn: Connection, ids: Iterable[int] | None) -> list[QuarantineRow]:
        query = select(quarantine).order_by(quarantine.c.id)
        if ids is None:
            return [_quarantine_row(r) for r in conn.execute(query).mappings()]
        found: list[QuarantineRow] = []
        for chunk in chunked(sorted(set(ids))):
            chunk_rows = conn.execute(query.where(quarantine.c.id.in_(chunk))).mappings()
            found.extend(_quarantine_row(r) for r in chunk_rows)
        return found

    @staticmethod
    def _delete_quarantine(conn: Connection, ids: Sequence[int]) -> int:
        return sum(
            int(conn.execute(delete(quarantine).where(quarantine.c.id.in_(chunk))).rowcount)
            for chunk in chunked(ids)
        )
