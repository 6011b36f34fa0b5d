"""Coaching sessions as services: schedule, record, what is due, agendas, follow-ups, and
the coach-the-coaches report. Front ends (`coachloop coach ...`) are thin shells over these.

Follow-up episodes: consecutive held sessions with an agent that agree on the same
behaviour are one coaching *episode* on it; its follow-up compares the behaviour over the
agent's conversations since the first of those sessions with the `BASELINE_DAYS` before
it (`coaching.followup`). The latest checkpoint of the episode is its checkpoint.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from coachloop.coaching.cadence import (
    DURATION_MINUTES,
    CadenceKept,
    SessionKind,
    cadence_kept,
    due_for,
    week_start,
)
from coachloop.coaching.effectiveness import (
    CoachReport,
    Effectiveness,
    Episode,
    effectiveness,
    followups_done,
)
from coachloop.coaching.followup import Change, Rate, compare_rates
from coachloop.errors import FieldError
from coachloop.jobs.rubrics import default_rubrics
from coachloop.model import Agent
from coachloop.store import Store
from coachloop.store.coaching import (
    CoachingSession,
    OutcomeRow,
    agent_outcomes,
    get_session,
    list_sessions,
    save_sessions,
)

__all__ = [
    "BASELINE_DAYS",
    "AgendaEntry",
    "DueSession",
    "Followup",
    "agenda",
    "coach_reports",
    "due_sessions",
    "followups",
    "record_session",
    "schedule",
]

BASELINE_DAYS = 28
"""The baseline of a follow-up: the agent's conversations in the four weeks before the session."""


def _known_behaviors() -> set[str]:
    return {b.id for r in default_rubrics() for s in r.spec.sections for b in s.behaviors}


def _agents(store: Store) -> dict[str, Agent]:
    return {a.id: a for a in store.list_agents()}


def _kind(value: str) -> SessionKind:
    try:
        return SessionKind(value)
    except ValueError:
        choices = ", ".join(k.value for k in SessionKind)
        raise FieldError("kind", f"kind: unknown session kind {value!r} (choose {choices})") from None


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def schedule(
    store: Store,
    agent_id: str,
    *,
    kind: str,
    at: datetime,
    supervisor: str | None = None,
    session_id: str | None = None,
) -> CoachingSession:
    """Schedule a session with `agent_id` (supervisor: the agent's, unless given)."""
    agent = _agents(store).get(agent_id)
    if agent is None:
        raise FieldError("agent", f"agent: no agent {agent_id!r} in the store")
    sup = supervisor or agent.supervisor
    if not sup:
        raise FieldError("supervisor", f"supervisor: agent {agent_id} has none on record; give one")
    k = _kind(kind)
    session = CoachingSession(
        id=session_id or f"cs-{uuid.uuid4().hex[:10]}",
        agent_id=agent_id,
        supervisor=sup,
        kind=k.value,
        scheduled_at=_aware(at),
        duration_minutes=DURATION_MINUTES[k],
    )
    save_sessions(store, [session])
    return session


def record_session(
    store: Store,
    session_id: str | None = None,
    *,
    agent_id: str | None = None,
    kind: str | None = None,
    held_at: datetime | None = None,
    supervisor: str | None = None,
    duration_minutes: int | None = None,
    notes: str | None = None,
    behaviors: Sequence[str] = (),
    commitments: Sequence[str] = (),
    improvement_plan: str | None = None,
    next_checkpoint: date | None = None,
    agenda_items: Sequence[str] = (),
) -> CoachingSession:
    """Record a held session: a scheduled one (`session_id`) or a new one (`agent_id`, `kind`).

    Validates every field and raises `FieldError` naming the field: a known agent, a
    session kind, 1-2 focus behaviours that the rubrics define, non-empty commitments, a
    positive duration, and a checkpoint after the session.
    """
    existing = get_session(store, session_id) if session_id else None
    if session_id and existing is None:
        raise FieldError("session", f"session: no session {session_id!r}")
    held = _aware(held_at or datetime.now(UTC))
    if existing is None:
        if not agent_id:
            raise FieldError("agent", "agent: give the agent (or the id of a scheduled session)")
        agent = _agents(store).get(agent_id)
        if agent is None:
            raise FieldError("agent", f"agent: no agent {agent_id!r} in the store")
        k = _kind(kind or SessionKind.MICRO.value)
        sup = supervisor or agent.supervisor
        if not sup:
            raise FieldError("supervisor", f"supervisor: agent {agent_id} has none on record; give one")
        existing = CoachingSession(
            id=session_id or f"cs-{uuid.uuid4().hex[:10]}",
            agent_id=agent_id,
            supervisor=sup,
            kind=k.value,
            scheduled_at=held,
            duration_minutes=DURATION_MINUTES[k],
        )
    elif kind is not None:
        existing.kind = _kind(kind).value
    known = _known_behaviors()
    unknown = [b for b in behaviors if b not in known]
    if unknown:
        raise FieldError("behaviors", f"behaviors: not a behaviour of any rubric: {', '.join(unknown)}")
    if len(set(behaviors)) > 2:
        raise FieldError("behaviors", "behaviors: agree on at most two focus behaviours")
    if any(not c.strip() for c in commitments):
        raise FieldError("commitments", "commitments: a commitment cannot be empty")
    if duration_minutes is not None and duration_minutes <= 0:
        raise FieldError("duration", f"duration: must be positive minutes, got {duration_minutes}")
    if next_checkpoint is not None and next_checkpoint <= held.date():
        raise FieldError(
            "next_checkpoint",
            f"next_checkpoint: {next_checkpoint.isoformat()} is not after the session ({held.date()})",
        )
    existing.held_at = held
    existing.duration_minutes = duration_minutes or existing.duration_minutes
    existing.notes = notes
    existing.behaviors = list(dict.fromkeys(behaviors))
    existing.commitments = [c.strip() for c in commitments]
    existing.improvement_plan = improvement_plan
    existing.next_checkpoint = next_checkpoint
    if agenda_items:
        existing.agenda = list(agenda_items)
    save_sessions(store, [existing])
    return existing


# -- what is due ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueSession:
    """A session due (or overdue) in the week asked about."""

    agent_id: str
    agent_name: str | None
    supervisor: str
    kind: SessionKind
    due_on: date
    overdue: bool
    last_held: date | None
    scheduled_id: str | None


def due_sessions(
    store: Store, supervisor: str, week_of: date, *, kinds: Sequence[SessionKind] = tuple(SessionKind)
) -> list[DueSession]:
    """Every session of `supervisor`'s agents due in the week of `week_of`, overdue ones included,
    by agent and kind (`coaching.cadence.due_for`)."""
    team = [a for a in store.list_agents() if a.supervisor == supervisor]
    sessions = list_sessions(store, supervisor=supervisor)
    held: dict[tuple[str, str], date] = {}
    pending: dict[tuple[str, str], list[tuple[str, date]]] = defaultdict(list)
    sunday = week_start(week_of) + timedelta(days=6)
    for s in sessions:
        key = (s.agent_id, s.kind)
        if s.held_on is not None and s.held_on <= sunday:
            held[key] = max(held.get(key, s.held_on), s.held_on)
        elif s.held_on is None:
            pending[key].append((s.id, s.scheduled_at.date()))
    result = []
    for agent in team:
        for kind in kinds:
            key = (agent.id, kind.value)
            due = due_for(agent.id, kind, last_held=held.get(key), week_of=week_of, scheduled=pending[key])
            if due is not None:
                result.append(
                    DueSession(
                        agent.id,
                        agent.name,
                        supervisor,
                        kind,
                        due.due_on,
                        due.overdue,
                        due.last_held,
                        due.scheduled_id,
                    )
                )
    return sorted(result, key=lambda d: (not d.overdue, d.due_on, d.agent_id, d.kind.value))


# -- follow-up --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Followup:
    """The follow-up of one coaching episode: an agent coached on one behaviour."""

    agent_id: str
    supervisor: str
    behavior: str
    session_id: str
    """The first session of the episode."""
    started: datetime
    checkpoint: date | None
    commitments: list[str]
    change: Change
    uncoached_before: Rate
    uncoached_after: Rate

    @property
    def due(self) -> bool:
        return self.checkpoint is None or self.checkpoint <= date.today()

    def episode(self) -> Episode:
        return Episode(
            self.agent_id,
            self.supervisor,
            self.behavior,
            self.session_id,
            self.started.date(),
            self.change.before,
            self.change.after,
            self.uncoached_before,
            self.uncoached_after,
        )


@dataclass(slots=True)
class _Run:
    behavior: str
    first: CoachingSession
    last: CoachingSession


def _episodes(held: Sequence[CoachingSession]) -> list[_Run]:
    """Consecutive held sessions agreeing on the same behaviour, per behaviour (held in time order)."""
    runs: list[_Run] = []
    open_runs: dict[str, _Run] = {}
    for s in held:
        agreed = set(s.behaviors)
        for b in list(open_runs):
            if b not in agreed:
                del open_runs[b]
        for b in s.behaviors:
            if b in open_runs:
                open_runs[b].last = s
            else:
                open_runs[b] = _Run(b, s, s)
                runs.append(open_runs[b])
    return runs


def _rate(
    rows: Sequence[OutcomeRow], start: datetime, end: datetime, behaviors: set[str], *, inside: bool
) -> Rate:
    met = n = 0
    for r in rows:
        if start <= r.started_at < end and ((r.behavior in behaviors) == inside):
            n += 1
            met += r.met
    return Rate(met, n)


def followups(
    store: Store,
    *,
    agent_id: str | None = None,
    supervisor: str | None = None,
    as_of: datetime | None = None,
    baseline_days: int = BASELINE_DAYS,
) -> list[Followup]:
    """Every coaching episode's follow-up: the behaviour since its first session against the
    `baseline_days` before it, with the verdict (`coaching.followup.compare_rates`); the
    agent's other behaviours over the same windows ride along for `coach_reports`."""
    end = _aware(as_of) if as_of is not None else datetime.now(UTC)
    held = [
        s
        for s in list_sessions(store, agent_id=agent_id, supervisor=supervisor, held=True)
        if s.held_at is not None and s.held_at <= end
    ]
    by_agent: dict[str, list[CoachingSession]] = defaultdict(list)
    for s in held:
        by_agent[s.agent_id].append(s)
    if not by_agent:
        return []
    outcomes: dict[str, list[OutcomeRow]] = defaultdict(list)
    earliest = min(s.held_at for s in held if s.held_at is not None) - timedelta(days=baseline_days)
    for row in agent_outcomes(store, by_agent, since=earliest, until=end):
        outcomes[row.agent_id].append(row)
    result = []
    for aid, sessions in sorted(by_agent.items()):
        runs = _episodes(sessions)
        coached = {r.behavior for r in runs}
        rows = outcomes[aid]
        for run in runs:
            start = run.first.held_at
            assert start is not None
            base_from = start - timedelta(days=baseline_days)
            before = _rate(rows, base_from, start, {run.behavior}, inside=True)
            after = _rate(rows, start, end, {run.behavior}, inside=True)
            result.append(
                Followup(
                    agent_id=aid,
                    supervisor=run.first.supervisor,
                    behavior=run.behavior,
                    session_id=run.first.id,
                    started=start,
                    checkpoint=run.last.next_checkpoint,
                    commitments=list(run.last.commitments),
                    change=compare_rates(before, after),
                    uncoached_before=_rate(rows, base_from, start, coached, inside=False),
                    uncoached_after=_rate(rows, start, end, coached, inside=False),
                )
            )
    return result


# -- agendas ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    """A due session with its agenda items, in the order to go through them."""

    due: DueSession
    items: list[str]


def agenda(store: Store, supervisor: str, week_of: date) -> list[AgendaEntry]:
    """This week's sessions for `supervisor` (overdue first), each with its agenda: first the
    follow-up of the commitments of the agent's last session with the behaviour measured
    since, then what the session kind is for."""
    dues = due_sessions(store, supervisor, week_of)
    as_of = datetime.combine(week_start(week_of), time(0), tzinfo=UTC)
    by_agent: dict[str, list[Followup]] = defaultdict(list)
    for f in followups(store, supervisor=supervisor, as_of=as_of):
        by_agent[f.agent_id].append(f)
    last_session: dict[str, CoachingSession] = {}
    for s in list_sessions(store, supervisor=supervisor, held=True):
        if s.held_at is not None and s.held_at < as_of:
            last_session[s.agent_id] = s
    entries = []
    for d in dues:
        items: list[str] = []
        last = last_session.get(d.agent_id)
        if last is not None:
            items.extend(f"Follow up the commitment: {c}" for c in last.commitments)
            current = {f.behavior: f for f in by_agent[d.agent_id] if f.behavior in last.behaviors}
            for b in last.behaviors:
                measured = current.get(b)
                if measured is not None:
                    items.append("Measured since coaching started: " + measured.change.sentence(b))
        if d.kind is SessionKind.MICRO:
            items.append("One behaviour, one clip, one commitment; set the next checkpoint (15-20 min)")
        elif d.kind is SessionKind.REVIEW:
            items.append("Review the agent's focus metrics and the goals' progress")
        else:
            items.append("Development conversation: strengths, ambitions, the next quarter's growth goal")
        entries.append(AgendaEntry(d, items))
    return entries


# -- coach the coaches ------------------------------------------------------------------


def coach_reports(store: Store, *, as_of: datetime | None = None) -> list[CoachReport]:
    """Per supervisor: sessions held, cadence kept (micro and review sessions held on time),
    checkpoints followed up, and coaching effectiveness (`coaching.effectiveness`)."""
    end = _aware(as_of) if as_of is not None else datetime.now(UTC)
    sessions = [s for s in list_sessions(store, held=True) if s.held_at is not None and s.held_at <= end]
    by_sup_agent: dict[str, dict[str, list[CoachingSession]]] = defaultdict(lambda: defaultdict(list))
    for s in sessions:
        by_sup_agent[s.supervisor][s.agent_id].append(s)
    eff = effectiveness(f.episode() for f in followups(store, as_of=end))
    reports = []
    for sup, agents in sorted(by_sup_agent.items()):
        cadence = CadenceKept(0, 0)
        due = done = 0
        for agent_sessions in agents.values():
            for kind in (SessionKind.MICRO, SessionKind.REVIEW):
                days = [s.held_on for s in agent_sessions if s.kind == kind.value and s.held_on]
                cadence = cadence + cadence_kept(days, kind, until=end.date())
            d, k = followups_done(
                [s.next_checkpoint for s in agent_sessions if s.next_checkpoint],
                [s.held_on for s in agent_sessions if s.held_on],
                as_of=end.date(),
            )
            due, done = due + d, done + k
        reports.append(
            CoachReport(
                supervisor=sup,
                sessions_held=sum(len(v) for v in agents.values()),
                cadence=cadence,
                followups_due=due,
                followups_done=done,
                effectiveness=eff.get(sup) or Effectiveness(sup, 0, None, None),
            )
        )
    return reports
