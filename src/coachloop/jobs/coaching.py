"""The coaching service: plans, training, workshops, recognition and the leaderboard, read
from the store in one pass for every agent (the CLI, the web pages and the API call these).

Outcomes are read through `store.reviews.effective_outcomes`: a reviewer's override (an
agent's dispute upheld, say) changes the next plan. The period is the last `PERIOD_DAYS`
before `as_of` (default: the day after the latest stored call), recognition compares the
two halves of the last `2 * PERIOD_DAYS`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from coachloop.coaching.focus import Standing, choose_focus
from coachloop.coaching.plan import CHECKPOINT_DAYS, Clip, Plan, Win, goal_for, role_play
from coachloop.coaching.recognition import Board, Counts, Improvement, Recognition, improvements, leaderboard
from coachloop.coaching.training import Catalogue, Workshop, load_catalogue, workshops
from coachloop.errors import CoachloopError
from coachloop.jobs.rubrics import resolve_rubric
from coachloop.metrics.compute import MetricsQuery
from coachloop.model import Agent, Outcome
from coachloop.signals.frame import load_frame
from coachloop.signals.validity import OutcomeLink, outcome_links
from coachloop.stats import Interval
from coachloop.store import Store
from coachloop.store.reviews import effective_outcomes
from coachloop.store.tables import evaluations, interactions

__all__ = [
    "PERIOD_DAYS",
    "Coaching",
    "build_plan",
    "build_plans",
    "gather",
    "recognise",
    "suggest_workshops",
    "write_plans",
]

PERIOD_DAYS = 28
"""The calls a plan is made from: the last four weeks."""
OWN_CLIPS = 2
PEER_CLIPS = 2
WINDOW_LINES = 4
"""At most this many utterances quoted per clip."""
HARD_SHARE = 1 / 3
"""The hardest third of contact reasons (by the centre's quality score) are "hard calls"."""


@dataclass(frozen=True, slots=True)
class _Row:
    interaction_id: str
    agent_id: str | None
    behavior: str
    outcome: str
    confidence: float
    started_at: datetime | None
    reason: str | None


@dataclass
class Coaching:
    """What one pass over the store gives: every agent's standing on every behaviour of
    `rubric` in the period, the outcome rows, and the rubric's texts."""

    store: Store
    rubric: str
    as_of: date
    period: tuple[date, date]
    agents: dict[str, Agent]
    standings: dict[str, list[Standing]]
    calls: dict[str, int]
    rows: list[_Row]
    texts: dict[str, tuple[str, str, float, bool]]
    """behaviour -> (title, coaching, weight, critical)."""
    catalogue: Catalogue
    _by_agent: dict[str, list[_Row]] = field(default_factory=dict)

    def rows_of(self, agent_id: str) -> list[_Row]:
        if not self._by_agent:
            grouped: dict[str, list[_Row]] = defaultdict(list)
            for r in self.rows:
                grouped[r.agent_id or ""].append(r)
            self._by_agent = dict(grouped)
        return self._by_agent.get(agent_id, [])


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(), tzinfo=UTC)


def _main_rubric(store: Store, rubric: str | None) -> str:
    if rubric is not None:
        return rubric
    with store.reading("cannot read evaluations") as conn:
        counts = conn.execute(
            select(evaluations.c.rubric, func.count()).group_by(evaluations.c.rubric)
        ).all()
    if not counts:
        raise CoachloopError("no evaluations stored: run `coachloop evaluate` first")
    return str(max(counts, key=lambda rc: (rc[1], rc[0]))[0])


def _latest_day(store: Store) -> date:
    with store.reading("cannot read interactions") as conn:
        latest = conn.execute(select(func.max(interactions.c.started_at))).scalar()
    if latest is None:
        raise CoachloopError("no interaction with a start time is stored: nothing to coach on")
    if isinstance(latest, str):  # SQLite's max() of the stored text
        latest = datetime.fromisoformat(latest)
    return (latest.date() if isinstance(latest, datetime) else latest) + timedelta(days=1)


def _texts(store: Store, rubric: str) -> dict[str, tuple[str, str, float, bool]]:
    try:
        compiled = resolve_rubric(store, rubric)
    except CoachloopError:
        return {}
    return {
        b.id: (b.title, b.coaching, b.weight, b.critical)
        for section in compiled.spec.sections
        for b in section.behaviors
    }


def _outcome_rows(conn: Connection, rubric: str, since: datetime, until: datetime) -> list[_Row]:
    eo = effective_outcomes(rubric).subquery()
    i = interactions
    query = (
        select(eo.c.interaction_id, i.c.agent_id, eo.c.behavior_id, eo.c.outcome, eo.c.confidence, i.c.started_at, i.c.contact_reason)
        .select_from(eo.join(i, i.c.id == eo.c.interaction_id))
        .where(i.c.started_at >= since, i.c.started_at < until, eo.c.outcome != Outcome.NOT_APPLICABLE.value)
    )
    return [_Row(*r) for r in conn.execute(query)]


def gather(
    store: Store,
    *,
    rubric: str | None = None,
    as_of: date | None = None,
    catalogue: Path | None = None,
) -> Coaching:
    """Read what coaching needs for every agent, once (see the module doc)."""
    from coachloop.jobs.metrics import metric_rows

    name = _main_rubric(store, rubric)
    end = as_of or _latest_day(store)
    start = end - timedelta(days=PERIOD_DAYS)
    since, until = _day_start(start), _day_start(end)
    texts = _texts(store, name)
    query = MetricsQuery(by=("agent",), kpis=("behavior_pass_rate",), since=since, until=until, rubric=name)
    centre_query = MetricsQuery(by=(), kpis=("behavior_pass_rate", "contacts"), since=since, until=until, rubric=name)
    centre_rows = metric_rows(store, centre_query)
    centre = {k: e.value for k, e in (centre_rows[0].kpis.items() if centre_rows else [])}
    with store.reading("cannot read evaluations for coaching") as conn:
        links: dict[str, OutcomeLink] = outcome_links(load_frame(conn, rubric=name, since=since, until=until))
        rows = _outcome_rows(conn, name, since, until)
    standings: dict[str, list[Standing]] = {}
    prefix = "behavior_pass_rate."
    for row in metric_rows(store, query):
        agent = row.keys.get("agent_id")
        if agent is None:
            continue
        mine = []
        for kpi, est in row.kpis.items():
            if not kpi.startswith(prefix) or est.value is None:
                continue
            b = kpi[len(prefix) :]
            title, _, weight, critical = texts.get(b, (b, "", 1.0, False))
            ci = Interval(*est.ci) if est.ci is not None else None
            mine.append(
                Standing(b, title, est.n, est.value, est.shrunk, ci, centre.get(kpi), weight, critical, links.get(b))
            )
        standings[agent] = sorted(mine, key=lambda s: s.behavior)
    calls: dict[str, int] = defaultdict(int)
    for _, agent in {(r.interaction_id, r.agent_id) for r in rows}:
        calls[agent or ""] += 1
    return Coaching(
        store=store,
        rubric=name,
        as_of=end,
        period=(start, end),
        agents={a.id: a for a in store.list_agents()},
        standings=standings,
        calls=dict(calls),
        rows=rows,
        texts=texts,
        catalogue=load_catalogue(catalogue),
    )


def _clip(c: Coaching, row: _Row) -> Clip | None:
    """The clip of `row`: the window where a missed behaviour was expected, or around the
    evidence where it was met, quoted from the stored (redacted) conversation."""
    interaction = c.store.get_interaction(row.interaction_id)
    evaluation = next((e for e in c.store.get_evaluations(row.interaction_id) if e.rubric == c.rubric), None)
    if interaction is None or evaluation is None or not interaction.utterances:
        return None
    result = next((r for r in evaluation.results if r.behavior_id == row.behavior), None)
    last = len(interaction.utterances) - 1
    if result is not None and result.evidence:
        first = min(e.utterance_index for e in result.evidence)
        lo, hi = max(0, first - 1), min(last, max(e.utterance_index for e in result.evidence))
    elif result is not None and result.expected_window is not None:
        lo, hi = result.expected_window.from_utterance, result.expected_window.to_utterance
    else:
        lo, hi = 0, last
    lo, hi = max(0, min(lo, last)), max(0, min(hi, last))
    hi = min(hi, lo + WINDOW_LINES - 1)
    lines = tuple((u.index, u.speaker.value, u.text) for u in interaction.utterances[lo : hi + 1])
    return Clip(
        interaction_id=row.interaction_id,
        rubric=c.rubric,
        behavior=row.behavior,
        outcome=row.outcome,
        agent_id=row.agent_id,
        started_at=row.started_at,
        contact_reason=row.reason,
        from_utterance=interaction.utterances[lo].index,
        to_utterance=interaction.utterances[hi].index,
        lines=lines,
        confidence=row.confidence,
        start_seconds=interaction.utterances[lo].start,
    )


def _recent(rows: list[_Row]) -> list[_Row]:
    return sorted(rows, key=lambda r: (r.started_at or datetime.min.replace(tzinfo=UTC), r.interaction_id), reverse=True)


def _own_misses(c: Coaching, agent: str, behavior: str) -> list[Clip]:
    missed = [r for r in c.rows_of(agent) if r.behavior == behavior and r.outcome == Outcome.MISSED.value]
    clips = (_clip(c, r) for r in _recent(missed))
    return [clip for clip in clips if clip is not None][:OWN_CLIPS]


def _peer_models(c: Coaching, agent: str, behavior: str, reasons: set[str | None]) -> list[Clip]:
    """Peers' clips where the behaviour was clearly met: the same contact reason as the
    agent's misses first, then the machine's confidence, then the most recent."""
    met = [r for r in c.rows if r.behavior == behavior and r.outcome == Outcome.MET.value and r.agent_id not in (agent, None)]
    ranked = sorted(
        _recent(met),
        key=lambda r: (r.reason not in reasons, -r.confidence),
    )
    out: list[Clip] = []
    seen_agents: set[str | None] = set()
    for r in ranked:
        if r.agent_id in seen_agents:
            continue  # two different peers, not one peer twice
        clip = _clip(c, r)
        if clip is not None:
            out.append(clip)
            seen_agents.add(r.agent_id)
        if len(out) >= PEER_CLIPS:
            break
    return out


def _wins(c: Coaching, agent: str, standings: list[Standing]) -> list[Win]:
    wins: list[Win] = []
    strong = [s for s in standings if s.n >= 10 and s.shrunk is not None and s.centre is not None and s.gap < -0.03]
    if strong:
        best = min(strong, key=lambda s: (s.gap, s.behavior))
        met = [r for r in c.rows_of(agent) if r.behavior == best.behavior and r.outcome == Outcome.MET.value]
        chosen = max(_recent(met)[:10], key=lambda r: r.confidence, default=None)
        clip = _clip(c, chosen) if chosen is not None else None
        if clip is not None:
            when = clip.when()
            wins.append(
                Win(
                    "strength",
                    f"{best.title}: {best.rate:.0%} of {best.n} calls against {best.centre:.0%} across the centre; "
                    f"listen to {clip.interaction_id}{' on ' + when if when else ''}.",
                    clip,
                )
            )
    recovered = _recoveries(c, agent)
    if recovered:
        iid, started, peak = recovered[0]
        interaction = c.store.get_interaction(iid)
        if interaction is not None and interaction.utterances:
            at = min(max(peak, 0), len(interaction.utterances) - 1)
            lo, hi = at, min(len(interaction.utterances) - 1, at + 2)
            clip = Clip(
                iid, c.rubric, "recovered_frustration", "met", agent, started, interaction.contact_reason,
                interaction.utterances[lo].index, interaction.utterances[hi].index,
                tuple((u.index, u.speaker.value, u.text) for u in interaction.utterances[lo : hi + 1]),
                1.0, interaction.utterances[lo].start,
            )
            when = clip.when()
            wins.append(
                Win(
                    "recovery",
                    f"Your handling of a frustrated customer{' on ' + when if when else ''} ({iid}): they ended the call satisfied.",
                    clip,
                )
            )
    return wins


def _recoveries(c: Coaching, agent: str | None = None) -> list[tuple[str, datetime | None, int]]:
    """(interaction id, start, first frustration peak) of calls whose frustrated customer
    was won back, most recent first."""
    e, i = evaluations, interactions
    since, until = _day_start(c.period[0]), _day_start(c.period[1])
    query = (
        select(i.c.id, i.c.agent_id, i.c.started_at, e.c.insights)
        .select_from(e.join(i, i.c.id == e.c.interaction_id))
        .where(e.c.rubric == c.rubric, i.c.started_at >= since, i.c.started_at < until, e.c.insights.is_not(None))
    )
    if agent is not None:
        query = query.where(i.c.agent_id == agent)
    out = []
    with c.store.reading("cannot read insights") as conn:
        for iid, _, started, insights in conn.execute(query):
            if isinstance(insights, dict) and insights.get("recovered") is True:
                peaks = insights.get("frustration_peaks") or [0]
                out.append((iid, started, int(peaks[0])))
    return sorted(out, key=lambda t: (t[1] or datetime.min.replace(tzinfo=UTC), t[0]), reverse=True)


def _plan(c: Coaching, agent_id: str) -> Plan:
    person = c.agents.get(agent_id)
    standings = c.standings.get(agent_id, [])
    focus = choose_focus(standings)
    plan = Plan(
        agent_id=agent_id,
        agent_name=person.name if person else None,
        team=person.team if person else None,
        supervisor=person.supervisor if person else None,
        rubric=c.rubric,
        as_of=c.as_of,
        period=c.period,
        calls=c.calls.get(agent_id, 0),
        focus=focus,
        checkpoint=c.as_of + timedelta(days=CHECKPOINT_DAYS),
        coaching_texts={b: t[1] for b, t in c.texts.items()},
    )
    for choice in focus:
        b = choice.behavior
        misses = _own_misses(c, agent_id, b)
        plan.misses[b] = misses
        plan.models[b] = _peer_models(c, agent_id, b, {m.contact_reason for m in misses})
        goal = goal_for(choice, c.as_of)
        if goal is not None:
            plan.goals.append(goal)
        coaching = c.texts.get(b, (b, "", 1.0, False))[1] or None
        plan.practice.append(role_play(choice, misses[0] if misses else None, coaching))
        for item in c.catalogue.for_behavior(b):
            if item.kind != "workshop" and item not in plan.training:
                plan.training.append(item)
    plan.wins = _wins(c, agent_id, standings)
    return plan


def _require_agent(c: Coaching, agent_id: str) -> None:
    if agent_id not in c.agents and agent_id not in c.standings:
        raise CoachloopError(f"no agent {agent_id!r} in the store (see `coachloop report`)")


def build_plan(
    store: Store,
    agent_id: str,
    *,
    as_of: date | None = None,
    rubric: str | None = None,
    catalogue: Path | None = None,
) -> Plan:
    """The coaching plan of one agent."""
    c = gather(store, rubric=rubric, as_of=as_of, catalogue=catalogue)
    _require_agent(c, agent_id)
    return _plan(c, agent_id)


def build_plans(store: Store, *, coaching: Coaching | None = None, **kw: Any) -> list[Plan]:
    """Every agent's plan (agents with calls in the period), from one pass over the store."""
    c = coaching or gather(store, **kw)
    return [_plan(c, agent) for agent in sorted(c.standings)]


def write_plans(plans: Sequence[Plan], folder: Path, *, pdf: bool = False, first_pdf: bool = False) -> list[Path]:
    """`plans` as `<agent>.md` in `folder`, with `<agent>.pdf` beside each (`pdf`) or beside
    the first only (`first_pdf`); the files written."""
    from coachloop.coaching.render import plan_markdown, plan_pdf

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n, plan in enumerate(plans):
        path = folder / f"{plan.agent_id}.md"
        path.write_text(plan_markdown(plan), encoding="utf-8")
        written.append(path)
        if pdf or (first_pdf and n == 0):
            target = folder / f"{plan.agent_id}.pdf"
            target.write_bytes(plan_pdf(plan))
            written.append(target)
    return written


def suggest_workshops(c: Coaching, plans: Sequence[Plan]) -> dict[str | None, list[Workshop]]:
    """Per team: agents sharing a focus behaviour grouped into a suggested workshop."""
    by_team: dict[str | None, dict[str, list[str]]] = defaultdict(dict)
    for p in plans:
        by_team[p.team][p.agent_id] = [f.behavior for f in p.focus]
    return {
        team: found
        for team, gaps in sorted(by_team.items(), key=lambda kv: kv[0] or "")
        if (found := workshops(gaps, c.catalogue, len(gaps)))
    }


def _half_counts(c: Coaching) -> tuple[dict[tuple[str, str], Counts], dict[tuple[str, str], Counts]]:
    """(before, after): per (agent, behaviour) counts in the two halves of the last
    `2 * PERIOD_DAYS` days before `as_of`."""
    end = c.as_of
    mid = end - timedelta(days=PERIOD_DAYS)
    start = mid - timedelta(days=PERIOD_DAYS)
    with c.store.reading("cannot read outcomes") as conn:
        earlier = _outcome_rows(conn, c.rubric, _day_start(start), _day_start(mid))
    halves = []
    for rows in (earlier, c.rows):
        tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for r in rows:
            if r.agent_id is None:
                continue
            t = tally[(r.agent_id, r.behavior)]
            t[1] += 1
            t[0] += r.outcome == Outcome.MET.value
        halves.append({k: Counts(m, n) for k, (m, n) in tally.items()})
    return halves[0], halves[1]


def _hard_calls(c: Coaching) -> dict[str, list[str]]:
    """Agent -> their calls on the hardest contact reasons scored above the centre's mean
    for that reason."""
    e, i = evaluations, interactions
    since, until = _day_start(c.period[0]), _day_start(c.period[1])
    query = (
        select(i.c.id, i.c.agent_id, i.c.contact_reason, e.c.score)
        .select_from(e.join(i, i.c.id == e.c.interaction_id))
        .where(e.c.rubric == c.rubric, i.c.started_at >= since, i.c.started_at < until, e.c.score.is_not(None))
    )
    with c.store.reading("cannot read scores") as conn:
        found = conn.execute(query).all()
    by_reason: dict[str, list[float]] = defaultdict(list)
    for _, _, reason, score in found:
        if reason is not None:
            by_reason[reason].append(float(score))
    means = {r: sum(v) / len(v) for r, v in by_reason.items() if len(v) >= 10}
    hardest = sorted(means, key=lambda r: (means[r], r))[: max(1, round(len(means) * HARD_SHARE))] if means else []
    out: dict[str, list[str]] = defaultdict(list)
    for iid, agent, reason, score in found:
        if agent is not None and reason in hardest and float(score) > means[reason]:
            out[agent].append(iid)
    return dict(out)


def recognise(c: Coaching) -> tuple[list[Recognition], list[Board]]:
    """Credible improvements and difficult work handled well, with their evidence, and the
    improvement leaderboard of every agent with calls in the period."""
    before, after = _half_counts(c)
    titles = {b: t[0] for b, t in c.texts.items()}
    found: list[Improvement] = improvements(before, after, titles)
    recoveries: dict[str, list[str]] = defaultdict(list)
    agent_of = {iid: agent for iid, agent in {(r.interaction_id, r.agent_id) for r in c.rows}}
    for iid, _, _ in _recoveries(c):
        agent = agent_of.get(iid)
        if agent is not None:
            recoveries[agent].append(iid)
    hard = _hard_calls(c)
    out: list[Recognition] = []
    for imp in found:
        evidence = tuple(
            r.interaction_id
            for r in _recent([r for r in c.rows_of(imp.agent_id) if r.behavior == imp.behavior and r.outcome == Outcome.MET.value])[:3]
        )
        out.append(Recognition(imp.agent_id, "improvement", imp.sentence(), evidence))
    for agent, ids in sorted(recoveries.items()):
        out.append(Recognition(agent, "recovery", f"{len(ids)} frustrated customer(s) won back", tuple(ids[:3])))
    for agent, ids in sorted(hard.items()):
        out.append(Recognition(agent, "hard_calls", f"{len(ids)} call(s) on the hardest contact reasons handled above the centre", tuple(ids[:3])))
    board = leaderboard(sorted(c.standings), found, {a: len(v) for a, v in recoveries.items()}, {a: len(v) for a, v in hard.items()})
    return out, board
