"""Coaching sessions in the store, and the behaviour outcomes their follow-up reads.

Functions over a `Store` (one transaction each) rather than `Store` methods, so the
coaching tables stay beside the code that owns them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import RowMapping, select

from coachloop.model import Outcome
from coachloop.store.repo import Store
from coachloop.store.reviews import effective_outcomes
from coachloop.store.tables import coaching_sessions, interactions
from coachloop.store.writer import chunked

__all__ = [
    "CoachingSession",
    "OutcomeRow",
    "agent_outcomes",
    "get_session",
    "list_sessions",
    "save_sessions",
]


@dataclass(slots=True)
class CoachingSession:
    """One coaching session, scheduled (held_at None) or held."""

    id: str
    agent_id: str
    supervisor: str
    kind: str
    scheduled_at: datetime
    held_at: datetime | None = None
    duration_minutes: int | None = None
    agenda: list[str] = field(default_factory=list)
    notes: str | None = None
    behaviors: list[str] = field(default_factory=list)
    """The focus behaviour ids agreed with the agent."""
    commitments: list[str] = field(default_factory=list)
    improvement_plan: str | None = None
    """The improvement plan written with the agent, in their words."""
    next_checkpoint: date | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def held_on(self) -> date | None:
        return self.held_at.date() if self.held_at is not None else None


def _session(r: RowMapping) -> CoachingSession:
    return CoachingSession(
        id=r["id"],
        agent_id=r["agent_id"],
        supervisor=r["supervisor"],
        kind=r["kind"],
        scheduled_at=r["scheduled_at"],
        held_at=r["held_at"],
        duration_minutes=r["duration_minutes"],
        agenda=list(r["agenda"] or []),
        notes=r["notes"],
        behaviors=list(r["behaviors"] or []),
        commitments=list(r["commitments"] or []),
        improvement_plan=r["improvement_plan"],
        next_checkpoint=r["next_checkpoint"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
    )


def _row(s: CoachingSession, now: datetime) -> dict[str, Any]:
    return {
        "id": s.id,
        "agent_id": s.agent_id,
        "supervisor": s.supervisor,
        "kind": s.kind,
        "scheduled_at": s.scheduled_at,
        "held_at": s.held_at,
        "duration_minutes": s.duration_minutes,
        "agenda": s.agenda or None,
        "notes": s.notes,
        "behaviors": s.behaviors or None,
        "commitments": s.commitments or None,
        "improvement_plan": s.improvement_plan,
        "next_checkpoint": s.next_checkpoint,
        "created_at": s.created_at or now,
        "updated_at": now,
    }


def save_sessions(store: Store, sessions: Sequence[CoachingSession]) -> None:
    """Insert the sessions, or replace those whose id is already stored (keeping `created_at`)."""
    now = datetime.now(UTC)
    t = coaching_sessions
    with store.begin("cannot save coaching sessions") as conn:
        for batch in chunked(sessions, 500):
            ids = [s.id for s in batch]
            created = dict(conn.execute(select(t.c.id, t.c.created_at).where(t.c.id.in_(ids))).tuples().all())
            if created:
                conn.execute(t.delete().where(t.c.id.in_(list(created))))
            rows = []
            for s in batch:
                if s.id in created and s.created_at is None:
                    s.created_at = created[s.id]
                rows.append(_row(s, now))
            conn.execute(t.insert(), rows)


def get_session(store: Store, session_id: str) -> CoachingSession | None:
    t = coaching_sessions
    with store.reading("cannot read coaching sessions") as conn:
        row = conn.execute(select(t).where(t.c.id == session_id)).mappings().first()
    return _session(row) if row is not None else None


def list_sessions(
    store: Store,
    *,
    agent_id: str | None = None,
    supervisor: str | None = None,
    held: bool | None = None,
) -> list[CoachingSession]:
    """Sessions, oldest first (held date, else scheduled date), optionally filtered."""
    t = coaching_sessions
    query = select(t)
    if agent_id is not None:
        query = query.where(t.c.agent_id == agent_id)
    if supervisor is not None:
        query = query.where(t.c.supervisor == supervisor)
    if held is True:
        query = query.where(t.c.held_at.is_not(None))
    elif held is False:
        query = query.where(t.c.held_at.is_(None))
    with store.reading("cannot read coaching sessions") as conn:
        rows = conn.execute(query.order_by(t.c.scheduled_at, t.c.id)).mappings().all()
    sessions = [_session(r) for r in rows]
    return sorted(sessions, key=lambda s: (s.held_at or s.scheduled_at, s.id))


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    """One behaviour outcome (overrides applied) of one of an agent's conversations."""

    agent_id: str
    interaction_id: str
    started_at: datetime
    behavior: str
    met: bool


def agent_outcomes(
    store: Store,
    agent_ids: Iterable[str],
    *,
    rubric: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[OutcomeRow]:
    """The met/missed outcomes (not-applicable left out) of the agents' conversations, read
    through `effective_outcomes` so reviewers' overrides win; ordered by time.

    A conversation evaluated by several rubrics that share a behaviour counts once for it
    (the alphabetically first rubric's outcome), so a call is never counted twice.
    """
    eo = effective_outcomes(rubric).subquery()
    i = interactions
    ids = sorted(set(agent_ids))
    result: dict[tuple[str, str], OutcomeRow] = {}
    with store.reading("cannot read behaviour outcomes") as conn:
        for batch in chunked(ids, 500):
            query = (
                select(i.c.agent_id, i.c.started_at, eo.c.interaction_id, eo.c.behavior_id, eo.c.outcome)
                .select_from(eo.join(i, i.c.id == eo.c.interaction_id))
                .where(
                    i.c.agent_id.in_(batch),
                    i.c.started_at.is_not(None),
                    eo.c.outcome != Outcome.NOT_APPLICABLE.value,
                )
                .order_by(i.c.started_at, eo.c.interaction_id, eo.c.behavior_id, eo.c.rubric)
            )
            if since is not None:
                query = query.where(i.c.started_at >= since)
            if until is not None:
                query = query.where(i.c.started_at < until)
            for r in conn.execute(query).tuples():
                key = (r[2], r[3])
                if key not in result:
                    started = r[1] if r[1].tzinfo is not None else r[1].replace(tzinfo=UTC)
                    result[key] = OutcomeRow(r[0], r[2], started, r[3], r[4] == Outcome.MET.value)
    return sorted(result.values(), key=lambda o: (o.started_at, o.interaction_id, o.behavior))
