"""Drill-down: evaluations found by who, when and what, with the call's header beside them.

`find_evaluations` answers "which calls are behind this number" in one query (behaviour
outcomes are read with overrides applied, from `effective_outcomes`);
`iter_evaluations_with_headers` streams evaluations with their agent, team, queue,
channel and start time for export; `delete_evaluations` removes a rubric's results.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, and_, delete, exists, func, select

from coachloop.model import Channel, Evaluation, Outcome
from coachloop.store.rows import after_evaluation
from coachloop.store.search import transcript_filter
from coachloop.store.tables import agents, behavior_results, evaluations, interactions, reviews

__all__ = ["DrilldownMethods", "EvaluationFilter", "EvaluationHeader", "FoundEvaluation"]


@dataclass(frozen=True, slots=True)
class EvaluationFilter:
    """What `find_evaluations` keeps; every field given must hold."""

    rubric: str | None = None
    agent: str | None = None
    team: str | None = None
    """The interaction's team, or its agent's when the interaction names none."""
    auto_failed: bool | None = None
    behavior: str | None = None
    outcome: Outcome | None = None
    """With `behavior`, that behaviour's outcome; alone, any behaviour's (overrides applied)."""
    since: datetime | None = None
    """Started at or after."""
    until: datetime | None = None
    """Started before."""
    text: str | None = None
    """Words the transcript contains, all of them as whole words (`store.search`)."""
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class EvaluationHeader:
    """Who and what an evaluation is about: the interaction's header and its agent."""

    agent_id: str | None
    agent_name: str | None
    team: str | None
    queue: str | None
    channel: Channel
    started_at: datetime | None


@dataclass(frozen=True, slots=True)
class FoundEvaluation:
    interaction_id: str
    rubric: str
    rubric_version: str
    score: float | None
    compliance_passed: bool
    auto_failed: bool
    header: EvaluationHeader
    failed_critical: tuple[str, ...]
    """Critical behaviours missed (overrides applied): what caused an auto-fail."""
    behavior_outcome: Outcome | None = None
    """The filtered behaviour's outcome (overrides applied), when a behaviour was named."""


def _team() -> ColumnElement[Any]:
    return func.coalesce(interactions.c.team, agents.c.team)


def _header_columns() -> list[Any]:
    i, a = interactions, agents
    return [
        i.c.agent_id,
        a.c.name.label("agent_name"),
        _team().label("team"),
        i.c.queue,
        i.c.channel,
        i.c.started_at,
    ]


def _header(r: RowMapping) -> EvaluationHeader:
    return EvaluationHeader(
        agent_id=r["agent_id"],
        agent_name=r["agent_name"],
        team=r["team"],
        queue=r["queue"],
        channel=Channel(r["channel"]),
        started_at=r["started_at"],
    )


class DrilldownMethods(ABC):
    """The store's drill-down methods (mixed into `Store`); each is one transaction."""

    @abstractmethod
    def _read(self, action: str) -> AbstractContextManager[Connection]: ...

    @abstractmethod
    def _write(self, action: str) -> AbstractContextManager[Connection]: ...

    def find_evaluations(self, f: EvaluationFilter) -> list[FoundEvaluation]:
        """Evaluations matching `f`, newest call first (then by id and rubric)."""
        from coachloop.store.reviews import effective_outcomes

        e, i, a = evaluations, interactions, agents
        eff = effective_outcomes().subquery("eff")
        same_evaluation = and_(eff.c.interaction_id == e.c.interaction_id, eff.c.rubric == e.c.rubric)
        columns: list[Any] = [
            e.c.interaction_id,
            e.c.rubric,
            e.c.rubric_version,
            e.c.score,
            e.c.compliance_passed,
            e.c.auto_failed,
            *_header_columns(),
        ]
        source: Any = e.join(i, i.c.id == e.c.interaction_id).outerjoin(a, a.c.id == i.c.agent_id)
        if f.behavior is not None:
            source = source.join(eff, and_(same_evaluation, eff.c.behavior_id == f.behavior))
            columns.append(eff.c.outcome.label("behavior_outcome"))
        query = select(*columns).select_from(source)
        conditions: list[ColumnElement[bool]] = []
        if f.rubric is not None:
            conditions.append(e.c.rubric == f.rubric)
        if f.agent is not None:
            conditions.append(i.c.agent_id == f.agent)
        if f.team is not None:
            conditions.append(_team() == f.team)
        if f.auto_failed is not None:
            conditions.append(e.c.auto_failed.is_(f.auto_failed))
        if f.since is not None:
            conditions.append(i.c.started_at >= f.since)
        if f.until is not None:
            conditions.append(i.c.started_at < f.until)
        if f.outcome is not None:
            if f.behavior is not None:
                conditions.append(eff.c.outcome == f.outcome.value)
            else:
                any_eff = effective_outcomes().subquery("any_eff")
                conditions.append(
                    exists().where(
                        any_eff.c.interaction_id == e.c.interaction_id,
                        any_eff.c.rubric == e.c.rubric,
                        any_eff.c.outcome == f.outcome.value,
                    )
                )
        with self._read("cannot find evaluations") as conn:
            matching = transcript_filter(conn, f.text, page=f.limit)
            if matching is not None:
                conditions.append(matching)
            query = query.where(*conditions).order_by(
                i.c.started_at.desc().nulls_last(), e.c.interaction_id, e.c.rubric
            )
            if f.limit is not None:
                query = query.limit(f.limit)
            found = list(conn.execute(query).mappings())
            failed = _failed_critical(conn, [(r["interaction_id"], r["rubric"]) for r in found])
        return [
            FoundEvaluation(
                interaction_id=r["interaction_id"],
                rubric=r["rubric"],
                rubric_version=r["rubric_version"],
                score=r["score"],
                compliance_passed=r["compliance_passed"],
                auto_failed=r["auto_failed"],
                header=_header(r),
                failed_critical=tuple(failed.get((r["interaction_id"], r["rubric"]), ())),
                behavior_outcome=(
                    Outcome(r["behavior_outcome"]) if r.get("behavior_outcome") is not None else None
                ),
            )
            for r in found
        ]

    def evaluation_header(self, interaction_id: str) -> EvaluationHeader | None:
        """The interaction's agent (with name), team, queue, channel and start."""
        i, a = interactions, agents
        query = (
            select(*_header_columns())
            .select_from(i.outerjoin(a, a.c.id == i.c.agent_id))
            .where(i.c.id == interaction_id)
        )
        with self._read("cannot read the interaction") as conn:
            row = conn.execute(query).mappings().first()
        return _header(row) if row is not None else None

    def iter_evaluations_with_headers(
        self, rubric: str | None = None, batch: int = 500
    ) -> Iterator[tuple[Evaluation, EvaluationHeader]]:
        """Evaluations (as `iter_evaluations`) each with its interaction's header, `batch` at a time."""
        from coachloop.store.repo import _evaluation_from_row

        e, i, a = evaluations, interactions, agents
        last: tuple[str, str] | None = None
        while True:
            query = (
                select(e, *_header_columns())
                .select_from(e.join(i, i.c.id == e.c.interaction_id).outerjoin(a, a.c.id == i.c.agent_id))
                .order_by(e.c.interaction_id, e.c.rubric)
                .limit(batch)
            )
            if rubric is not None:
                query = query.where(e.c.rubric == rubric)
            if last is not None:
                query = query.where(after_evaluation(last))
            with self._read("cannot read evaluations") as conn:
                page = [(_evaluation_from_row(r), _header(r)) for r in conn.execute(query).mappings()]
            if not page:
                return
            yield from page
            last = (page[-1][0].interaction_id, page[-1][0].rubric)

    def delete_evaluations(self, rubric: str) -> int:
        """Delete every evaluation under `rubric`, its behaviour rows and the reviews of them;
        returns how many evaluations were deleted."""
        with self._write("cannot delete evaluations") as conn:
            conn.execute(delete(reviews).where(reviews.c.rubric == rubric))
            conn.execute(delete(behavior_results).where(behavior_results.c.rubric == rubric))
            return int(conn.execute(delete(evaluations).where(evaluations.c.rubric == rubric)).rowcount)


def _failed_critical(conn: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    from coachloop.store.reviews import effective_outcomes
    from coachloop.store.writer import chunked

    eff = effective_outcomes().subquery("eff")
    found: dict[tuple[str, str], list[str]] = {}
    wanted = set(keys)
    for chunk in chunked(sorted({k[0] for k in keys})):
        query = (
            select(eff.c.interaction_id, eff.c.rubric, eff.c.behavior_id)
            .where(
                eff.c.interaction_id.in_(chunk),
                eff.c.critical.is_(True),
                eff.c.outcome == Outcome.MISSED.value,
            )
            .order_by(eff.c.interaction_id, eff.c.rubric, eff.c.behavior_id)
        )
        for r in conn.execute(query):
            if (r.interaction_id, r.rubric) in wanted:
                found.setdefault((r.interaction_id, r.rubric), []).append(r.behavior_id)
    return found
