"""What the workspace pages show, as service functions the pages (and the API) call.

Each function takes the caller's scope (anything with `allows_agent(agent_id)`, such as
`coachloop.jobs.access.Scope`) and returns plain values; an object outside the scope is
`NotVisible` (the pages answer 404, not revealing that it exists). The expensive tables
behind them (KPIs by agent and week, signals) are computed once per state of the store
and kept in a small cache (`cached`): the store's state is re-read at most once a second,
and writes made through this module (`dispute`, `override`, `calibrate`) drop the cache
at once.
"""

from __future__ import annotations

import itertools
import tempfile
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select

from coachloop.coaching.plan import Clip as PlanClip
from coachloop.coaching.plan import Plan
from coachloop.errors import CoachloopError
from coachloop.jobs import review as review_jobs
from coachloop.jobs.coaching import build_plan, cite_outcomes
from coachloop.jobs.metrics import coaching_texts, metric_rows, shipped_names
from coachloop.jobs.signals import find_signals
from coachloop.metrics import KPIS, MetricsQuery
from coachloop.model import Agent, Interaction, Outcome, Signal
from coachloop.store import Store
from coachloop.store.drilldown import EvaluationFilter, FoundEvaluation
from coachloop.store.reviews import QueueItem, Review, ReviewKind, effective_outcomes
from coachloop.store.tables import (
    coaching_sessions,
    engagement,
    evaluations,
    interactions,
    reviews,
)

__all__ = [
    "FOCUS_KPIS",
    "AgentHome",
    "Clip",
    "ConversationView",
    "FocusMetric",
    "NotVisible",
    "RubricCheck",
    "Visible",
    "agent_home",
    "behavior_analytics",
    "browse_evaluations",
    "cached",
    "calibrate",
    "calibration",
    "check_rubric_upload",
    "coaching_effectiveness",
    "conversation",
    "dispute",
    "leader_view",
    "override",
    "record_team_session",
    "review_items",
    "team_coaching",
    "team_view",
]

FOCUS_KPIS = ("qa_score", "compliance_pass_rate", "fcr_rate", "csat", "aht_seconds")
"""The few KPIs an agent sees (principle 5: few things at a time)."""
MIN_N = 5
"""A behaviour applicable fewer times than this is neither a focus nor a recognised strength."""
GOAL_STEP = 0.15
"""A focus behaviour the plan sets no goal on aims this much higher than its baseline."""
MAX_CLIPS = 5
"""Own clips on the agent home: the plan's, then the latest other misses."""
STATE_TTL = 1.0
"""Seconds a read of the store's state is trusted before it is read again."""


class Visible(Protocol):
    """The caller's scope: which agents' data they may see."""

    def allows_agent(self, agent_id: str | None) -> bool: ...


class NotVisible(CoachloopError):
    """The object does not exist or is outside the caller's scope (a page answers 404)."""


# -- a cache per store state ------------------------------------------------------------------

T = TypeVar("T")


@dataclass
class _Cache:
    state: tuple[Any, ...] | None = None
    read_at: float = 0.0
    values: dict[Any, Any] = field(default_factory=dict)


_caches: weakref.WeakKeyDictionary[Store, _Cache] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _state(store: Store) -> tuple[Any, ...]:
    with store.reading("cannot read the store's state") as conn:
        ev = conn.execute(select(func.count(), func.max(evaluations.c.evaluated_at))).one()
        rv = conn.execute(select(func.max(reviews.c.id))).scalar()
        n = conn.execute(select(func.count()).select_from(interactions)).scalar()
        en = conn.execute(select(func.count()).select_from(engagement)).scalar()
        cs = conn.execute(select(func.count(), func.max(coaching_sessions.c.updated_at))).one()
    return (ev[0], ev[1], rv, n, en, cs[0], cs[1])


def cached(store: Store, key: Any, compute: Callable[[], T]) -> T:
    """`compute()` once per state of `store` (evaluations, reviews, interactions)."""
    now = time.monotonic()
    with _lock:
        entry = _caches.setdefault(store, _Cache())
        fresh = now - entry.read_at < STATE_TTL
    if not fresh:
        state = _state(store)
        with _lock:
            if state != entry.state:
                entry.values.clear()
                entry.state = state
            entry.read_at = now
    with _lock:
        if key in entry.values:
            value: T = entry.values[key]
            return value
    value = compute()
    with _lock:
        entry.values[key] = value
    return value


def invalidate(store: Store) -> None:
    with _lock:
        _caches.pop(store, None)


def _texts(store: Store) -> dict[str, tuple[str, str]]:
    def compute() -> dict[str, tuple[str, str]]:
        known = set(shipped_names())
        return coaching_texts([r for r in store.evaluated_rubrics() if r in known])

    return cached(store, "texts", compute)


def _title(store: Store, behavior: str) -> str:
    return _texts(store).get(behavior, (behavior.replace("_", " "), ""))[0]


def _agents(store: Store) -> dict[str, Agent]:
    return cached(store, "agents", lambda: {a.id: a for a in store.list_agents()})


def _rows(store: Store, by: tuple[str, ...], kpis: tuple[str, ...]) -> list[dict[str, Any]]:
    return cached(
        store,
        ("rows", by, kpis),
        lambda: [r.as_dict() for r in metric_rows(store, MetricsQuery(by=by, kpis=kpis))],
    )


def _signals(store: Store) -> list[Signal]:
    return cached(store, "signals", lambda: find_signals(store))


# -- focus metrics --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FocusMetric:
    kpi: str
    title: str
    unit: str
    better: str | None
    value: float | None
    shrunk: float | None
    ci: tuple[float, float] | None
    n: int
    uncertain: bool
    trend: float | None
    """Last week minus the week before (None with fewer than two weeks)."""
    weeks: list[dict[str, Any]]
    """`{"week", "value", "lo", "hi", "n"}` oldest first."""

    @property
    def improving(self) -> bool | None:
        if self.trend is None or self.better is None or abs(self.trend) < 1e-9:
            return None
        return (self.trend > 0) == (self.better == "higher")


def _focus_metrics(week_rows: list[dict[str, Any]], total: dict[str, Any] | None) -> list[FocusMetric]:
    out = []
    for kpi in FOCUS_KPIS:
        series = [
            {
                "week": r["week"],
                "value": r[kpi]["value"],
                "lo": (r[kpi]["ci"] or [None, None])[0],
                "hi": (r[kpi]["ci"] or [None, None])[1],
                "n": r[kpi]["n"],
            }
            for r in sorted(week_rows, key=lambda r: r["week"] or "")
            if r.get(kpi) and r[kpi]["value"] is not None
        ]
        est = (total or {}).get(kpi) or {}
        if est.get("value") is None:
            continue
        trend = series[-1]["value"] - series[-2]["value"] if len(series) >= 2 else None
        ci = est.get("ci")
        out.append(
            FocusMetric(
                kpi=kpi,
                title=KPIS[kpi].title,
                unit=KPIS[kpi].unit,
                better=KPIS[kpi].better,
                value=est["value"],
                shrunk=est.get("shrunk"),
                ci=(ci[0], ci[1]) if ci else None,
                n=est["n"],
                uncertain=bool(est.get("uncertain")),
                trend=trend,
                weeks=series,
            )
        )
    return out


# -- agent home -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clip:
    """A cited outcome of the agent's coaching plan, as the page shows it."""

    interaction_id: str
    rubric: str
    behavior: str
    title: str
    outcome: str
    utterance_index: int | None
    start: float | None
    text: str
    when: str | None = None
    """When it was said, e.g. "Tuesday 22 Sep at 14:15"."""
    own: bool = True
    """False: a peer's call, quoted without naming the peer or linking the call."""

    @classmethod
    def of(cls, clip: PlanClip, title: str, own: bool) -> Clip:
        return cls(
            clip.interaction_id,
            clip.rubric,
            clip.behavior,
            title,
            clip.outcome,
            clip.utterance_index,
            clip.start,
            clip.text,
            clip.when,
            own,
        )


@dataclass(frozen=True, slots=True)
class FocusBehavior:
    behavior: str
    title: str
    rate: float
    """Pass rate over the plan's period (the goal's baseline)."""
    ci: tuple[float, float] | None
    n: int
    recent: float | None
    """Pass rate over the last two weeks' calls."""
    recent_n: int
    target: float
    deadline: date | None
    """The coaching plan's checkpoint."""
    coaching: str


@dataclass(frozen=True, slots=True)
class AgentHome:
    agent: Agent
    metrics: list[FocusMetric]
    focus: list[FocusBehavior]
    misses: list[Clip]
    peer_clips: list[Clip]
    recognition: list[str]
    training: list[tuple[str, str]]
    """(behaviour title, practice text) for the focus behaviours."""
    disputes: list[Review]
    """The agent's own disputes, newest first."""


def _agent_outcomes(store: Store, agent_id: str) -> list[dict[str, Any]]:
    """The agent's behaviour outcomes (overrides applied), newest call first."""

    def compute() -> list[dict[str, Any]]:
        eo = effective_outcomes().subquery()
        q = (
            select(
                eo.c.interaction_id,
                eo.c.rubric,
                eo.c.behavior_id,
                eo.c.outcome,
                eo.c.confidence,
                interactions.c.started_at,
            )
            .join(interactions, interactions.c.id == eo.c.interaction_id)
            .where(interactions.c.agent_id == agent_id)
            .order_by(interactions.c.started_at.desc(), eo.c.interaction_id, eo.c.behavior_id)
        )
        with store.reading("cannot read the agent's outcomes") as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    return cached(store, ("outcomes", agent_id), compute)


def _rate(rows: Sequence[dict[str, Any]]) -> tuple[float | None, int]:
    judged = [r for r in rows if r["outcome"] != Outcome.NOT_APPLICABLE.value]
    if not judged:
        return None, 0
    return sum(r["outcome"] == Outcome.MET.value for r in judged) / len(judged), len(judged)


def agent_home(store: Store, scope: Visible, agent_id: str) -> AgentHome:
    """What an agent opens every day: focus metrics, 1-2 focus behaviours with a goal,
    their own misses and peers' good examples, recognition and practice."""
    if not scope.allows_agent(agent_id):
        raise NotVisible(f"no agent {agent_id!r}")
    agent = _agents(store).get(agent_id)
    if agent is None:
        if not _agent_outcomes(store, agent_id):
            raise NotVisible(f"no agent {agent_id!r}")
        agent = Agent(agent_id)  # calls arrived before the roster named them
    return cached(store, ("home", agent_id), lambda: _agent_home(store, agent))


def _plan(store: Store, agent_id: str) -> Plan | None:
    """The agent's coaching plan (`jobs.coaching.build_plan`: one notion of focus, clips,
    wins and practice for the CLI, the API and this page); None when the agent has no
    evaluated calls in the plan period."""
    try:
        return build_plan(store, agent_id)
    except CoachloopError:
        return None


def _agent_home(store: Store, agent: Agent) -> AgentHome:
    week_rows = [r for r in _rows(store, ("agent", "week"), FOCUS_KPIS) if r["agent_id"] == agent.id]
    totals = {r["agent_id"]: r for r in _rows(store, ("agent",), (*FOCUS_KPIS, "behavior_pass_rate"))}
    total = totals.get(agent.id)
    metrics = _focus_metrics(week_rows, total)
    outcomes = _agent_outcomes(store, agent.id)
    weeks = sorted({r["week"] for r in week_rows if r["week"]})
    recent_from = weeks[-2] if len(weeks) >= 2 else None
    texts = _texts(store)

    plan = _plan(store, agent.id)
    focus: list[FocusBehavior] = []
    misses: list[Clip] = []
    peer_clips: list[Clip] = []
    chosen_focus = plan.focus if plan is not None else []
    goal = plan.goal if plan is not None else None
    checkpoint = plan.checkpoint if plan is not None else None
    for chosen in chosen_focus:
        mine = [r for r in outcomes if r["behavior_id"] == chosen.behavior]
        recent_rows = [
            r
            for r in mine
            if recent_from is not None
            and r["started_at"] is not None
            and r["started_at"].date().isoformat() >= recent_from
        ]
        recent, recent_n = _rate(recent_rows)
        target = (
            goal.target
            if goal is not None and goal.behavior == chosen.behavior
            else min(1.0, round(chosen.baseline + GOAL_STEP, 2))
        )
        focus.append(
            FocusBehavior(
                chosen.behavior,
                chosen.title,
                chosen.baseline,
                (chosen.interval.low, chosen.interval.high),
                chosen.n,
                recent,
                recent_n,
                target,
                checkpoint,
                texts.get(chosen.behavior, (chosen.title, ""))[1],
            )
        )
        misses += [Clip.of(c, chosen.title, own=True) for c in chosen.clips]
        peer_clips += [Clip.of(c, chosen.title, own=False) for c in chosen.peer_clips]
    # Then the latest other misses, focus behaviours first (a plan cites none without
    # enough evidence to choose a focus; the agent still has calls to listen to).
    focus_ids = [f.behavior for f in focus]
    cited = {(c.interaction_id, c.behavior) for c in misses}
    latest: list[dict[str, Any]] = []
    for row in sorted(
        (r for r in outcomes if r["outcome"] == Outcome.MISSED.value),
        key=lambda r: r["behavior_id"] not in focus_ids,
    ):
        if len(misses) + len(latest) >= MAX_CLIPS:
            break
        if (row["interaction_id"], row["behavior_id"]) not in cited:
            cited.add((row["interaction_id"], row["behavior_id"]))
            latest.append(row)
    misses += [
        Clip.of(c, _title(store, c.behavior), own=True) for c in cite_outcomes(store, agent.id, latest)
    ]

    recognition = [
        f"{m.title} improved last week: {format_value(m.weeks[-2]['value'], m.unit)} "
        f"to {format_value(m.weeks[-1]['value'], m.unit)}."
        for m in metrics
        if m.improving and m.trend is not None and len(m.weeks) >= 2
    ]
    recognition += [w.sentence for w in plan.wins] if plan is not None else []

    training = [(f.title, f.coaching) for f in focus if f.coaching]
    if plan is not None and plan.practice is not None:
        training.append(("Role play", plan.practice.role_play))
        training += [(t["title"], f"{t['kind']}: {t.get('link') or t['id']}") for t in plan.practice.training]
    disputes = sorted(
        (r for r in store.latest_reviews(ReviewKind.DISPUTE) if r.reviewer == agent.id),
        key=lambda r: r.id,
        reverse=True,
    )
    return AgentHome(agent, metrics, focus, misses, peer_clips, recognition, training, disputes[:10])


def format_value(value: float | None, unit: str) -> str:
    """A KPI value as people read it: shares as percentages, seconds as m:ss."""
    if value is None:
        return "-"
    if unit in ("share", "0-1"):
        return f"{value:.0%}"
    if unit == "seconds":
        return f"{int(value // 60)}:{int(value % 60):02d}"
    if unit == "1-5":
        return f"{value:.2f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


# -- conversation view ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    behavior: str
    title: str
    outcome: str


@dataclass(frozen=True, slots=True)
class Line:
    index: int
    speaker: str
    start: float | None
    end: float | None
    pieces: list[tuple[str, list[Mark]]]
    """The text cut at evidence spans: (text, behaviours quoting exactly this piece)."""
    sentiment: float | None
    expected: list[Mark]
    """Missed behaviours whose expected window starts at this utterance."""


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    rubric: str
    behavior: str
    title: str
    section: str | None
    outcome: str
    machine_outcome: str
    confidence: float
    critical: bool
    evidence: list[int]
    """Utterance indexes quoted."""
    reviewed_by: str | None


@dataclass(frozen=True, slots=True)
class ConversationView:
    interaction: Interaction
    agent: Agent | None
    lines: list[Line]
    outcomes: list[OutcomeRow]
    scores: list[tuple[str, float | None, bool, bool]]
    """(rubric, score, compliance passed, auto-failed)."""
    contact_reason: str | None
    reason_confidence: float | None
    language: str | None
    sentiment: dict[str, Any]
    """Customer sentiment start / lowest / end, recovered, frustration peaks (utterance indexes)."""


def _cut(text: str, spans: list[tuple[int, int, Mark]]) -> list[tuple[str, list[Mark]]]:
    bounds = {0, len(text)}
    for a, b, _ in spans:
        bounds.update((max(0, min(a, len(text))), max(0, min(b, len(text)))))
    cuts = sorted(bounds)
    out: list[tuple[str, list[Mark]]] = []
    for a, b in itertools.pairwise(cuts):
        if a == b:
            continue
        marks = [m for s, e, m in spans if s <= a and b <= e]
        if out and out[-1][1] == marks:
            out[-1] = (out[-1][0] + text[a:b], marks)
        else:
            out.append((text[a:b], marks))
    return out or [(text, [])]


def conversation(store: Store, scope: Visible, interaction_id: str) -> ConversationView:
    """One conversation with every behaviour's outcome (overrides applied), its evidence
    cut into the transcript, and the customer's sentiment along it."""
    view = cached(store, ("conversation", interaction_id), lambda: _conversation(store, interaction_id))
    if view is None or not scope.allows_agent(view.interaction.agent_id):
        raise NotVisible(f"no conversation {interaction_id!r}")
    return view


def _conversation(store: Store, interaction_id: str) -> ConversationView | None:
    interaction = store.get_interaction(interaction_id)
    if interaction is None:
        return None
    from coachloop.language.sentiment import score_many

    evals = store.get_evaluations(interaction_id)
    reviews_of = store.reviews_of(interaction_id)
    overrides: dict[tuple[str, str], Review] = {}
    for r in reviews_of:
        if r.kind is ReviewKind.OVERRIDE and not r.stale:
            overrides[(r.rubric, r.behavior_id)] = r
    spans: dict[int, list[tuple[int, int, Mark]]] = defaultdict(list)
    expected: dict[int, list[Mark]] = defaultdict(list)
    outcomes: list[OutcomeRow] = []
    for ev in evals:
        for res in ev.results:
            review = overrides.get((ev.rubric, res.behavior_id))
            outcome = (
                review.outcome.value
                if review is not None and review.outcome is not None
                else res.outcome.value
            )
            mark = Mark(res.behavior_id, _title(store, res.behavior_id), outcome)
            for e in res.evidence:
                a, b = e.span if e.span is not None else (0, len(e.text))
                spans[e.utterance_index].append((a, b, mark))
            if outcome == Outcome.MISSED.value and res.expected_window is not None and not res.evidence:
                expected[res.expected_window.from_utterance].append(mark)
            outcomes.append(
                OutcomeRow(
                    ev.rubric,
                    res.behavior_id,
                    mark.title,
                    res.section,
                    outcome,
                    res.outcome.value,
                    res.confidence,
                    res.critical,
                    [e.utterance_index for e in res.evidence],
                    review.reviewer if review is not None else None,
                )
            )
    customer = [u for u in interaction.utterances if u.speaker.value == "customer"]
    scores = dict(zip((u.index for u in customer), score_many([u.text for u in customer]), strict=True))
    lines = [
        Line(
            u.index,
            u.speaker.value,
            u.start,
            u.end,
            _cut(u.text, spans.get(u.index, [])),
            scores.get(u.index),
            expected.get(u.index, []),
        )
        for u in interaction.utterances
    ]
    first = evals[0] if evals else None
    insights = first.insights if first is not None else None
    reason = first.contact_reason if first is not None else None
    return ConversationView(
        interaction=interaction,
        agent=_agents(store).get(interaction.agent_id or ""),
        lines=lines,
        outcomes=outcomes,
        scores=[(e.rubric, e.score, e.compliance_passed, e.auto_failed) for e in evals],
        contact_reason=reason.label if reason is not None else interaction.contact_reason,
        reason_confidence=reason.confidence if reason is not None else None,
        language=(insights.language if insights is not None else None) or interaction.language,
        sentiment={
            "start": insights.sentiment_start if insights else None,
            "lowest": insights.sentiment_lowest if insights else None,
            "end": insights.sentiment_end if insights else None,
            "recovered": insights.recovered if insights else None,
            "peaks": list(insights.frustration_peaks) if insights else [],
        },
    )


def dispute(
    store: Store, scope: Visible, agent_id: str, interaction_id: str, behavior: str, rubric: str, note: str
) -> Review:
    """An agent disputes an outcome of one of their own calls (`jobs.review.dispute_outcome`)."""
    interaction = store.get_interaction(interaction_id)
    if (
        interaction is None
        or not scope.allows_agent(interaction.agent_id)
        or interaction.agent_id != agent_id
    ):
        raise NotVisible(f"no conversation {interaction_id!r}")
    if not note.strip():
        raise CoachloopError("say why the outcome is wrong: a dispute needs a note")
    found = review_jobs.dispute_outcome(
        store, interaction_id, behavior, by=agent_id, note=note.strip(), rubric=rubric
    )
    invalidate(store)
    return found


# -- supervisor ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamRow:
    agent: Agent
    contacts: int
    estimates: dict[str, dict[str, Any]]
    """KPI -> {value, shrunk, ci, n, uncertain}."""
    weakest: str | None


@dataclass(frozen=True, slots=True)
class TeamView:
    team: str
    rows: list[TeamRow]
    signals: list[Signal]
    weeks: list[dict[str, Any]]
    """The team's weekly QA score {week, value, lo, hi}."""


def team_view(store: Store, scope: Visible, team: str) -> TeamView:
    """A team's agents with fair estimates (shrunk toward the centre, with intervals and an
    uncertain flag) and the signals about the team or its agents."""
    members = [a for a in _agents(store).values() if a.team == team and scope.allows_agent(a.id)]
    if not members:
        raise NotVisible(f"no team {team!r}")
    return cached(
        store, ("team", team, tuple(a.id for a in members)), lambda: _team_view(store, team, members)
    )


def _team_view(store: Store, team: str, members: list[Agent]) -> TeamView:
    ids = {a.id for a in members}
    totals = {
        r["agent_id"]: r for r in _rows(store, ("agent",), (*FOCUS_KPIS, "contacts", "behavior_pass_rate"))
    }
    texts = _texts(store)
    rows = []
    for a in sorted(members, key=lambda a: a.id):
        row = totals.get(a.id) or {}
        rates = row.get("behavior_pass_rate") or {}
        weak = sorted(
            (est["shrunk"] if est.get("shrunk") is not None else est["value"], b)
            for b, est in rates.items()
            if est.get("value") is not None and est["n"] >= MIN_N
        )
        rows.append(
            TeamRow(
                a,
                int((row.get("contacts") or {}).get("value") or 0),
                {k: row[k] for k in FOCUS_KPIS if row.get(k)},
                texts.get(weak[0][1], (weak[0][1], ""))[0] if weak else None,
            )
        )
    signals = [
        s for s in _signals(store) if s.subject.get("team") == team or s.subject.get("agent_id") in ids
    ]
    weeks = [
        {
            "week": r["week"],
            "value": r["qa_score"]["value"],
            "lo": (r["qa_score"]["ci"] or [None, None])[0],
            "hi": (r["qa_score"]["ci"] or [None, None])[1],
        }
        for r in sorted(_rows(store, ("team", "week"), ("qa_score",)), key=lambda r: r["week"] or "")
        if r["team"] == team and r.get("qa_score") and r["qa_score"]["value"] is not None
    ]
    return TeamView(team, rows, signals[:10], weeks)


# -- QA ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RubricCheck:
    ok: bool
    errors: list[str]
    """Each error exactly as `coachloop rubric check` prints it."""
    summary: str | None
    registered: bool = False


def check_rubric_upload(
    store: Store | None, filename: str, text: str, *, register: bool = False
) -> RubricCheck:
    """Validate an uploaded rubric as `coachloop rubric check` does (same messages); with
    `register` and no error, add it to the store as `coachloop rubric add` does."""
    from coachloop.evaluate.check import rubric_problems
    from coachloop.jobs.rubrics import register_rubric

    name = Path(filename or "uploaded.yaml").name
    problems, compiled = rubric_problems(name, text)
    if problems or compiled is None:
        return RubricCheck(False, [str(p) for p in problems], None)
    spec = compiled.spec
    behaviours = sum(len(s.behaviors) for s in spec.sections)
    critical = sum(b.critical for s in spec.sections for b in s.behaviors)
    summary = (
        f"{name}: ok - rubric {compiled.name!r} version {compiled.version}, {len(spec.sections)} sections, "
        f"{behaviours} behaviours ({critical} critical), {len(spec.events)} events"
    )
    if not register or store is None:
        return RubricCheck(True, [], summary)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        register_rubric(store, path)
    invalidate(store)
    return RubricCheck(True, [], summary, registered=True)


@dataclass(frozen=True, slots=True)
class BehaviorStat:
    behavior: str
    title: str
    value: float | None
    ci: tuple[float, float] | None
    n: int


def behavior_analytics(store: Store) -> tuple[list[BehaviorStat], list[Signal]]:
    """Each behaviour's pass rate over the centre (weakest first), and the rubric-validity
    signals (behaviours that do not move the outcomes they are meant to)."""

    def compute() -> tuple[list[BehaviorStat], list[Signal]]:
        rows = _rows(store, (), ("behavior_pass_rate",))
        rates = (rows[0].get("behavior_pass_rate") or {}) if rows else {}
        stats = [
            BehaviorStat(
                b, _title(store, b), est["value"], tuple(est["ci"]) if est.get("ci") else None, est["n"]
            )
            for b, est in rates.items()
        ]
        stats.sort(key=lambda s: (s.value is None, s.value or 0.0, s.behavior))
        validity = [s for s in _signals(store) if s.kind == "rubric_validity"]
        return stats, validity

    return cached(store, "analytics", compute)


def browse_evaluations(
    store: Store,
    scope: Visible,
    *,
    behavior: str | None = None,
    outcome: str | None = None,
    reason: str | None = None,
    agent: str | None = None,
    text: str | None = None,
    limit: int = 50,
) -> list[FoundEvaluation]:
    """Evaluations by behaviour outcome, contact reason, agent and words said, newest first."""
    chosen = review_jobs.parse_outcome(outcome) if outcome else None
    if agent and not scope.allows_agent(agent):
        return []
    # Without a reason to match, the store stops at `limit` (the scope may drop some of
    # those rows: then a scoped caller sees fewer than `limit`). Words are searched in
    # the store's full-text index.
    found = store.find_evaluations(
        EvaluationFilter(
            agent=agent or None,
            behavior=behavior or None,
            outcome=chosen,
            text=text or None,
            limit=None if reason else limit,
        )
    )
    found = [f for f in found if scope.allows_agent(f.header.agent_id)]
    if reason:
        ids = {f.interaction_id for f in found}
        with store.reading("cannot search conversations") as conn:
            q = select(interactions.c.id).where(
                func.lower(func.coalesce(interactions.c.contact_reason, "")).contains(reason.lower())
            )
            by_reason = set(conn.execute(q).scalars())
            q2 = select(evaluations.c.interaction_id).where(
                func.lower(func.coalesce(evaluations.c.reason_label, "")).contains(reason.lower())
            )
            ids &= by_reason | set(conn.execute(q2).scalars())
        found = [f for f in found if f.interaction_id in ids]
    return found[:limit]


def review_items(store: Store, limit: int = 50) -> list[QueueItem]:
    """The review queue: unsure and flagged outcomes, and agents' disputes first."""
    items = review_jobs.review_queue(store, limit=None)
    items.sort(key=lambda i: (not i.disputes, i.confidence))
    return items[:limit]


def override(
    store: Store,
    reviewer: str,
    interaction_id: str,
    behavior: str,
    outcome: str,
    rubric: str,
    note: str | None,
) -> Review:
    found = review_jobs.set_review(
        store, interaction_id, behavior, outcome, by=reviewer, note=note or None, rubric=rubric
    )
    invalidate(store)
    return found


@dataclass(frozen=True, slots=True)
class CalibrationItem:
    interaction_id: str
    rubric: str
    behavior: str
    title: str
    machine: str | None
    judgements: dict[str, str]
    """Reviewer -> outcome."""


@dataclass(frozen=True, slots=True)
class Calibration:
    sessions: list[str]
    session: str | None
    items: list[CalibrationItem]
    reviewers: list[str]
    agreement: list[review_jobs.AgreementRow]


def calibration(store: Store, session: str | None) -> Calibration:
    """Calibration sessions: what each reviewer judged in `session` side by side, and their
    pairwise agreement (Cohen's kappa with its interval, `jobs.review.agreement`)."""
    every = store.latest_reviews(ReviewKind.CALIBRATION)
    sessions = sorted({r.session for r in every if r.session})
    if session is None:
        return Calibration(sessions, None, [], [], [])
    mine = [r for r in every if r.session == session]
    items: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    machine: dict[tuple[str, str, str], str] = {}
    for r in mine:
        key = (r.interaction_id, r.rubric, r.behavior_id)
        if r.outcome is not None:
            items[key][r.reviewer] = r.outcome.value
        machine[key] = r.machine_outcome.value
    rows = (
        [row for row in review_jobs.agreement(store, session=session).reviewers if row.session == session]
        if mine
        else []
    )
    return Calibration(
        sessions,
        session,
        [
            CalibrationItem(k[0], k[1], k[2], _title(store, k[2]), machine.get(k), v)
            for k, v in sorted(items.items())
        ],
        sorted({r.reviewer for r in mine}),
        rows,
    )


def calibrate(
    store: Store,
    reviewer: str,
    session: str,
    interaction_id: str,
    behavior: str,
    outcome: str,
    rubric: str | None = None,
) -> Review:
    """Record one reviewer's judgement of an outcome in a calibration session."""
    if not session.strip():
        raise CoachloopError("name the calibration session")
    found = review_jobs.set_review(
        store, interaction_id, behavior, outcome, by=reviewer, rubric=rubric, session=session.strip()
    )
    invalidate(store)
    return found


# -- leader -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LeaderView:
    weeks: dict[str, list[dict[str, Any]]]
    """KPI -> the centre's weekly {week, value, lo, hi}."""
    by_reason: list[dict[str, Any]]
    """Handle time and FCR per contact reason: the context KPIs are read in."""
    signals: list[Signal]
    engagement: list[dict[str, Any]]
    """Per team: mean engagement score beside its QA score and CSAT."""


def leader_view(store: Store) -> LeaderView:
    def compute() -> LeaderView:
        centre = sorted(_rows(store, ("week",), FOCUS_KPIS), key=lambda r: r["week"] or "")
        weeks = {
            kpi: [
                {
                    "week": r["week"],
                    "value": r[kpi]["value"],
                    "lo": (r[kpi]["ci"] or [None, None])[0],
                    "hi": (r[kpi]["ci"] or [None, None])[1],
                }
                for r in centre
                if r.get(kpi) and r[kpi]["value"] is not None
            ]
            for kpi in FOCUS_KPIS
        }
        reasons = [
            {
                "reason": r["contact_reason"],
                "contacts": (r.get("contacts") or {}).get("value"),
                "aht": (r.get("aht_seconds") or {}).get("value"),
                "fcr": (r.get("fcr_rate") or {}).get("value"),
                "csat": (r.get("csat") or {}).get("value"),
            }
            for r in _rows(store, ("contact_reason",), ("contacts", "aht_seconds", "fcr_rate", "csat"))
            if r["contact_reason"]
        ]
        reasons.sort(key=lambda r: -(r["contacts"] or 0))
        teams = {r["team"]: r for r in _rows(store, ("team",), ("qa_score", "csat")) if r["team"]}
        with store.reading("cannot read engagement") as conn:
            q = (
                select(engagement.c.subject, func.avg(engagement.c.score), func.count())
                .where(engagement.c.subject_kind == "team")
                .group_by(engagement.c.subject)
                .order_by(engagement.c.subject)
            )
            surveys = list(conn.execute(q))
        eng = [
            {
                "team": team,
                "engagement": score,
                "periods": n,
                "qa": ((teams.get(team) or {}).get("qa_score") or {}).get("value"),
                "csat": ((teams.get(team) or {}).get("csat") or {}).get("value"),
            }
            for team, score, n in surveys
        ]
        return LeaderView(weeks, reasons, _signals(store)[:15], eng)

    return cached(store, "leader", compute)


# -- coaching on the team page (jobs.coach_sessions) ------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamCoaching:
    supervisors: list[str]
    """The supervisors of the team's agents (as the roster names them)."""
    agenda: list[Any]
    """`coach_sessions.AgendaEntry` for this week, overdue first."""
    recent: list[Any]
    """The team's latest held `CoachingSession`s, newest first."""
    behaviors: list[tuple[str, str]]
    """(behaviour id, title) the session form offers."""


def team_coaching(store: Store, scope: Visible, team: str, week_of: date) -> TeamCoaching:
    """This week's coaching agenda of the team's supervisors (overdue sessions first, each
    with its follow-up items) and the latest sessions held."""
    from coachloop.jobs import coach_sessions
    from coachloop.store.coaching import list_sessions

    members = {a.id: a for a in _agents(store).values() if a.team == team and scope.allows_agent(a.id)}
    if not members:
        raise NotVisible(f"no team {team!r}")
    supervisors = sorted({a.supervisor for a in members.values() if a.supervisor})

    def compute() -> tuple[list[Any], list[Any]]:
        entries = [
            e
            for sup in supervisors
            for e in coach_sessions.agenda(store, sup, week_of)
            if e.due.agent_id in members
        ]
        entries.sort(key=lambda e: (not e.due.overdue, e.due.due_on, e.due.agent_id))
        held = [s for sup in supervisors for s in list_sessions(store, supervisor=sup, held=True)]
        held = [s for s in held if s.agent_id in members]
        held.sort(key=lambda s: s.held_at or s.scheduled_at, reverse=True)
        return entries, held[:8]

    agenda, recent = cached(store, ("coaching", team, week_of, tuple(sorted(members))), compute)
    titles = {b: t for b, (t, _) in _texts(store).items()}
    return TeamCoaching(supervisors, agenda, recent, sorted(titles.items(), key=lambda kv: kv[1]))


def record_team_session(
    store: Store,
    scope: Visible,
    agent_id: str,
    *,
    kind: str,
    notes: str,
    behaviors: Sequence[str],
    commitments: Sequence[str],
    next_checkpoint: date | None,
) -> Any:
    """Record a held coaching session with an agent of the viewer's scope
    (`coach_sessions.record_session`: it validates every field)."""
    from coachloop.jobs import coach_sessions

    if not scope.allows_agent(agent_id) or agent_id not in _agents(store):
        raise NotVisible(f"no agent {agent_id!r}")
    found = coach_sessions.record_session(
        store,
        agent_id=agent_id,
        kind=kind,
        notes=notes.strip() or None,
        behaviors=[b for b in behaviors if b],
        commitments=[c.strip() for c in commitments if c.strip()],
        next_checkpoint=next_checkpoint,
    )
    invalidate(store)
    return found


def coaching_effectiveness(store: Store) -> list[Any]:
    """Per supervisor: sessions held, cadence kept, follow-ups done and the coaching effect
    with its interval (`coach_sessions.coach_reports`)."""
    from coachloop.jobs import coach_sessions

    return cached(store, "coach_reports", lambda: coach_sessions.coach_reports(store))
