"""The coaching service: plans, training, workshops, recognition and the leaderboard.

Everything is read from the store in one pass for all agents (`load_coaching`): the
period's effective outcomes (`store.reviews.effective_outcomes`: a reviewer's override, an
agent's dispute upheld, changes the next plan), the call frame rubric validity reads, and
then only the evaluations and utterances that plans cite. The period is the
`PERIOD_DAYS` before `as_of` (default: the day after the latest stored call).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select, tuple_

from coachloop.coaching.focus import (
    Association,
    BehaviorInfo,
    FocusChoice,
    Standing,
    choose_focus,
    standings,
)
from coachloop.coaching.plan import (
    CHECKPOINT_DAYS,
    Clip,
    Focus,
    Plan,
    Practice,
    Win,
    goal_for,
    role_play,
    why,
)
from coachloop.coaching.recognition import (
    Board,
    Improvement,
    Recognition,
    improvements,
)
from coachloop.coaching.recognition import (
    leaderboard as rank_board,
)
from coachloop.coaching.training import Catalogue, Workshop, group_gaps, load_catalogue, suggest_workshops
from coachloop.errors import CoachloopError
from coachloop.jobs.rubrics import default_rubrics, resolve_rubric
from coachloop.model import Outcome
from coachloop.signals.frame import load_frame
from coachloop.signals.validity import behavior_associations
from coachloop.store import Store
from coachloop.store.reviews import effective_outcomes
from coachloop.store.tables import agents, evaluations, interactions, utterances

__all__ = [
    "OBJECTIVES",
    "PERIOD_DAYS",
    "Coaching",
    "build_plan",
    "build_plans",
    "leaderboard",
    "load_coaching",
    "recognition",
    "training_assignments",
    "workshops",
]

PERIOD_DAYS = 42
"""Six weeks of evidence: enough calls per behaviour for a fair estimate."""
OWN_CLIPS = 3
PEER_CLIPS = 2
SHORT_WINDOW = 6
MIN_REASON_CALLS = 20
MIN_COMPLEX_BEHAVIORS = 5
OBJECTIVES = {
    "repeat": "first-contact resolution (FCR)",
    "csat": "customer satisfaction (CSAT)",
    "rating": "the caller's rating of the call",
}


@dataclass(slots=True)
class _Row:
    interaction_id: str
    rubric: str
    behavior: str
    met: bool
    confidence: float
    agent: str
    started: datetime
    reason: str | None


@dataclass(slots=True)
class Coaching:
    """What every plan of a period is computed from (one read of the store)."""

    as_of: date
    since: date
    rows: list[_Row]
    info: dict[str, BehaviorInfo]
    associations: dict[str, Association]
    standings: dict[tuple[str, str], Standing]
    names: dict[str, tuple[str | None, str | None]]
    """agent -> (name, team)."""
    recovered: dict[str, list[tuple[str, datetime, int | None, str | None]]]
    """agent -> calls where a frustrated customer was won back: (id, start, peak utterance, reason)."""
    catalogue: Catalogue
    improvements: list[Improvement]
    complex_reasons: dict[str, float]
    """Contact reasons in the top third by mean handle time (seconds), with that mean."""

    def agents(self) -> list[str]:
        return sorted({a for a, _ in self.standings})


def _day(d: date) -> datetime:
    return datetime.combine(d, time(), tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _behavior_info(store: Store, rubric: str | None) -> dict[str, BehaviorInfo]:
    compiled = [resolve_rubric(store, rubric)] if rubric else default_rubrics(store)
    out: dict[str, BehaviorInfo] = {}
    for r in compiled:
        for section in r.spec.sections:
            for b in section.behaviors:
                if b.id not in out:
                    out[b.id] = BehaviorInfo(b.id, b.title, b.weight, b.critical, b.coaching)
    return out


def _association(found: list[Any]) -> Association | None:
    best: Association | None = None
    for t in found:
        if not t.better:
            continue
        if t.outcome == "repeat":
            effect = t.missed / t.met - 1 if t.met > 0 else 0.0
        else:
            effect = (t.met - t.missed) / abs(t.missed) if t.missed else 0.0
        a = Association(t.outcome, t.met, t.missed, t.p, effect)
        if best is None or a.effect > best.effect:
            best = a
    return best


def load_coaching(
    store: Store,
    *,
    as_of: date | None = None,
    rubric: str | None = None,
    catalogue: Path | Catalogue | None = None,
    period_days: int = PERIOD_DAYS,
) -> Coaching:
    """Read the period once for every agent and compute every agent's standings."""
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    info = _behavior_info(store, rubric)
    with store.reading("cannot read evaluations for coaching") as conn:
        if as_of is None:
            last = conn.execute(select(func.max(interactions.c.started_at))).scalar()
            if last is None:
                raise CoachloopError("nothing is stored yet: ingest and evaluate conversations first")
            as_of = _aware(last).date() + timedelta(days=1)
        since = as_of - timedelta(days=period_days)
        e = effective_outcomes(rubric).subquery("effective")
        query = (
            select(
                e.c.interaction_id,
                e.c.rubric,
                e.c.behavior_id,
                e.c.outcome,
                e.c.confidence,
                interactions.c.agent_id,
                interactions.c.started_at,
                func.coalesce(interactions.c.contact_reason, evaluations.c.reason_label),
            )
            .select_from(
                e.join(interactions, interactions.c.id == e.c.interaction_id).join(
                    evaluations,
                    and_(
                        evaluations.c.interaction_id == e.c.interaction_id, evaluations.c.rubric == e.c.rubric
                    ),
                )
            )
            .where(
                e.c.outcome != str(Outcome.NOT_APPLICABLE),
                interactions.c.agent_id.is_not(None),
                interactions.c.started_at >= _day(since),
                interactions.c.started_at < _day(as_of),
            )
            .order_by(interactions.c.started_at, e.c.interaction_id, e.c.rubric, e.c.behavior_id)
        )
        rows: list[_Row] = []
        seen: set[tuple[str, str]] = set()
        for r in conn.execute(query):
            key = (r[0], r[2])
            if key in seen:  # the same behaviour of one call under two rubrics counts once
                continue
            seen.add(key)
            rows.append(
                _Row(r[0], r[1], r[2], r[3] == str(Outcome.MET), float(r[4]), r[5], _aware(r[6]), r[7])
            )
        frame = load_frame(conn, rubric=rubric, since=_day(since), until=_day(as_of))
        names = {
            r.id: (r.name, r.team) for r in conn.execute(select(agents.c.id, agents.c.name, agents.c.team))
        }
        recovered = _recovered(conn, rubric, since, as_of)
    assoc = {
        b: x for b, tests in behavior_associations(frame).items() if (x := _association(tests)) is not None
    }
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        c = counts[(row.agent, row.behavior)]
        c[0] += row.met
        c[1] += 1
    found = standings({k: (v[0], v[1]) for k, v in counts.items()})
    for a in {r.agent for r in rows}:
        names.setdefault(a, (None, None))
    half = since + (as_of - since) // 2
    complex_reasons = _complex_reasons(frame.reason, frame.handle)
    return Coaching(
        as_of,
        since,
        rows,
        info,
        assoc,
        found,
        names,
        recovered,
        cat,
        improvements(_halves(rows, half), {b: i.title for b, i in info.items()}),
        complex_reasons,
    )


def _complex_reasons(reason: Any, handle: Any) -> dict[str, float]:
    """The top third of contact reasons (at least one) by mean handle time, among reasons
    with at least `MIN_REASON_CALLS` timed calls."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r, h in zip(reason.tolist(), handle.tolist(), strict=True):
        if r and h == h:
            sums[r][0] += h
            sums[r][1] += 1
    means = sorted(((v[0] / v[1], r) for r, v in sums.items() if v[1] >= MIN_REASON_CALLS), reverse=True)
    if len(means) < 3:
        return {}
    return {r: m for m, r in means[: max(1, len(means) // 3)]}


def _halves(rows: list[_Row], half: date) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """(agent, behaviour) -> (met before, n before, met after, n after)."""
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        c = out[(r.agent, r.behavior)]
        j = 2 if r.started.date() >= half else 0
        c[j] += r.met
        c[j + 1] += 1
    return {k: (v[0], v[1], v[2], v[3]) for k, v in out.items()}


def _recovered(
    conn: Any, rubric: str | None, since: date, as_of: date
) -> dict[str, list[tuple[str, datetime, int | None, str | None]]]:
    query = (
        select(
            interactions.c.id,
            interactions.c.agent_id,
            interactions.c.started_at,
            evaluations.c.insights,
            func.coalesce(interactions.c.contact_reason, evaluations.c.reason_label),
        )
        .select_from(interactions.join(evaluations, evaluations.c.interaction_id == interactions.c.id))
        .where(
            evaluations.c.insights.is_not(None),
            interactions.c.agent_id.is_not(None),
            interactions.c.started_at >= _day(since),
            interactions.c.started_at < _day(as_of),
        )
    )
    if rubric is not None:
        query = query.where(evaluations.c.rubric == rubric)
    out: dict[str, list[tuple[str, datetime, int | None, str | None]]] = defaultdict(list)
    seen: set[str] = set()
    for iid, agent, started, insights, reason in conn.execute(query):
        sentiment = (insights or {}).get("sentiment") or {}
        peaks = sentiment.get("frustration_peaks") or []
        if iid in seen or sentiment.get("recovered") is not True or not peaks:
            continue
        seen.add(iid)
        out[agent].append((iid, _aware(started), int(peaks[-1]) if peaks else None, reason))
    return dict(out)


# ---- clips -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Want:
    row: _Row
    index: int | None
    """Utterance wanted (from evidence), or None: take the window / first agent turn."""


def _when(started: datetime, offset: float | None) -> str:
    moment = started + timedelta(seconds=offset or 0.0)
    return f"{moment:%A %d %b at %H:%M}"


def _resolve_clips(store: Store, wanted: list[_Row]) -> dict[tuple[str, str, str], Clip]:
    """Read the cited evaluations' evidence and the utterances it points to (two queries)."""
    if not wanted:
        return {}
    keys = {(w.interaction_id, w.rubric) for w in wanted}
    ids = sorted({w.interaction_id for w in wanted})
    results: dict[tuple[str, str], dict[str, Any]] = {}
    texts: dict[tuple[str, int], tuple[str, str, float | None, float | None]] = {}
    with store.reading("cannot read the evidence of a coaching plan") as conn:
        for chunk in _chunks(sorted(keys), 400):
            q = select(evaluations.c.interaction_id, evaluations.c.rubric, evaluations.c.results).where(
                tuple_(evaluations.c.interaction_id, evaluations.c.rubric).in_(chunk)
            )
            for iid, rub, res in conn.execute(q):
                results[(iid, rub)] = {b["id"]: b for b in res}
        for chunk_ids in _chunks(ids, 400):
            q2 = select(
                utterances.c.interaction_id,
                utterances.c.idx,
                utterances.c.speaker,
                utterances.c.text,
                utterances.c.start,
                utterances.c.end,
            ).where(utterances.c.interaction_id.in_(chunk_ids))
            for iid, idx, speaker, text, start, end in conn.execute(q2):
                texts[(iid, idx)] = (speaker, text, start, end)
    out: dict[tuple[str, str, str], Clip] = {}
    for w in wanted:
        b = results.get((w.interaction_id, w.rubric), {}).get(w.behavior)
        if b is None:
            continue
        window: tuple[int, int] | None = None
        index: int | None = None
        if w.met and b.get("evidence"):
            index = int(b["evidence"][0]["utterance_index"])
        else:
            ew = b.get("expected_window")
            if ew is not None:
                window = (int(ew["from_utterance"]), int(ew["to_utterance"]))
                index = _agent_turn(texts, w.interaction_id, window)
            elif b.get("evidence"):
                index = int(b["evidence"][0]["utterance_index"])
            else:
                index = _agent_turn(texts, w.interaction_id, (0, 0))
        if index is None or (w.interaction_id, index) not in texts:
            continue  # every clip points to a stored utterance, or it is not cited
        speaker, text, start, end = texts[(w.interaction_id, index)]
        out[(w.interaction_id, w.rubric, w.behavior)] = Clip(
            w.interaction_id,
            w.rubric,
            w.behavior,
            "met" if w.met else "missed",
            index,
            text,
            speaker,
            start,
            end,
            window,
            w.confidence,
            w.reason,
            _when(w.started, start),
        )
    return out


def cite_outcomes(store: Store, agent: str, found: Sequence[Mapping[str, Any]]) -> list[Clip]:
    """Clips for some of an agent's stored outcomes, in the order given, cited by the plan's
    rules (a miss at the agent's turn in its expected window, a meet at its evidence).

    Each row has `interaction_id`, `rubric`, `behavior_id`, `outcome`, `confidence` and
    `started_at`; a call with no start time is not cited."""
    rows = [
        _Row(
            r["interaction_id"],
            r["rubric"],
            r["behavior_id"],
            r["outcome"] == Outcome.MET.value,
            r["confidence"],
            agent,
            _aware(r["started_at"]),
            None,
        )
        for r in found
        if r["started_at"] is not None
    ]
    clips = _resolve_clips(store, rows)
    return [clips[k] for r in rows if (k := (r.interaction_id, r.rubric, r.behavior)) in clips]


def _agent_turn(
    texts: dict[tuple[str, int], tuple[str, str, float | None, float | None]],
    iid: str,
    window: tuple[int, int],
) -> int | None:
    """The moment of a miss: the agent's first turn in a short window (up to `SHORT_WINDOW`
    utterances), the last in a long one (a behaviour expected "by the end" of a stretch)."""
    inside = sorted(i for (c, i) in texts if c == iid and window[0] <= i <= window[1])
    agent = [i for i in inside if texts[(iid, i)][0] == "agent"]
    if not agent:
        return inside[0] if inside else None
    return agent[0] if window[1] - window[0] < SHORT_WINDOW else agent[-1]


def _chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


# ---- plans -------------------------------------------------------------------------------


def _pick(data: Coaching, agent: str) -> tuple[list[FocusChoice], list[Standing]]:
    mine = [s for (a, _), s in data.standings.items() if a == agent]
    return choose_focus(mine, data.info, data.associations), [s for s in mine if s.clearly_above]


def build_plans(
    store: Store,
    agent_ids: Sequence[str] | None = None,
    *,
    as_of: date | None = None,
    rubric: str | None = None,
    catalogue: Path | Catalogue | None = None,
    data: Coaching | None = None,
) -> list[Plan]:
    """Plans for these agents (default: every agent with outcomes in the period), from one
    read of the store plus one read of the cited evidence."""
    data = data or load_coaching(store, as_of=as_of, rubric=rubric, catalogue=catalogue)
    wanted_agents = list(agent_ids) if agent_ids is not None else data.agents()
    by_agent: dict[str, list[_Row]] = defaultdict(list)
    by_behavior_met: dict[str, list[_Row]] = defaultdict(list)
    for r in data.rows:
        by_agent[r.agent].append(r)
        if r.met:
            by_behavior_met[r.behavior].append(r)
    picks = {a: _pick(data, a) for a in wanted_agents}
    improved: dict[str, list[Improvement]] = defaultdict(list)
    for imp in data.improvements:
        improved[imp.agent_id].append(imp)
    wanted: list[_Row] = []
    drafts: dict[
        str,
        tuple[
            list[tuple[FocusChoice, list[_Row], list[_Row]]],
            list[tuple[Standing, _Row]],
            list[tuple[str, str, list[_Row]]],
        ],
    ] = {}
    for agent in wanted_agents:
        focus, strong = picks[agent]
        mine = by_agent.get(agent, [])
        parts = []
        for f in focus:
            b = f.standing.behavior
            misses = [r for r in reversed(mine) if r.behavior == b and not r.met][: OWN_CLIPS * 2]
            reasons = {r.reason for r in misses}
            peers = [r for r in by_behavior_met.get(b, []) if r.agent != agent]
            peers.sort(key=lambda r: (r.reason not in reasons, -r.confidence, -r.started.timestamp()))
            parts.append((f, misses, peers[: PEER_CLIPS * 3]))
            wanted += misses + peers[: PEER_CLIPS * 3]
        wins = []
        for s in sorted(strong, key=lambda s: s.gap)[:2]:
            met = [r for r in reversed(mine) if r.behavior == s.behavior and r.met]
            met.sort(key=lambda r: -r.confidence)
            if met:
                wins.append((s, met[0]))
                wanted += met[:3]
        extra: list[tuple[str, str, list[_Row]]] = []
        for imp in improved.get(agent, [])[:1]:
            rows = [r for r in reversed(mine) if r.behavior == imp.behavior and r.met][:3]
            extra.append(("improvement", imp.sentence, rows))
            wanted += rows
        hard = _complex_call(mine, data)
        if hard is not None:
            extra.append(hard)
            wanted += hard[2]
        drafts[agent] = (parts, wins, extra)
        for iid, started, _peak, reason in data.recovered.get(agent, [])[-1:]:
            wanted.append(_Row(iid, "", "", True, 1.0, agent, started, reason))
    clips = _resolve_clips(store, [w for w in wanted if w.rubric])
    utter = _utterance_clips(store, [w for w in wanted if not w.rubric], data)
    plans = []
    for agent in wanted_agents:
        parts, strong_wins, extra = drafts[agent]
        plans.append(_plan(data, agent, parts, strong_wins, clips, utter, extra))
    return plans


def _complex_call(mine: list[_Row], data: Coaching) -> tuple[str, str, list[_Row]] | None:
    """The agent's most recent call on a complex contact reason with every applicable
    behaviour met (at least `MIN_COMPLEX_BEHAVIORS`), cited at its weightiest behaviour."""
    calls: dict[str, list[_Row]] = defaultdict(list)
    for r in mine:
        if r.reason in data.complex_reasons:
            calls[r.interaction_id].append(r)
    done = [
        rows for rows in calls.values() if len(rows) >= MIN_COMPLEX_BEHAVIORS and all(r.met for r in rows)
    ]
    if not done:
        return None
    rows = max(done, key=lambda rows: (rows[0].started, rows[0].interaction_id))
    first = rows[0]
    rows = sorted(
        rows, key=lambda r: (-data.info.get(r.behavior, BehaviorInfo(r.behavior, "")).weight, -r.confidence)
    )
    minutes = data.complex_reasons[first.reason or ""] / 60
    sentence = (
        f"Your handling of the {first.reason} call {first.interaction_id} on {{when}}: all {len(rows)} "
        f"behaviours met on one of the most complex contact reasons (about {minutes:.0f} minutes on average)."
    )
    return ("complex_call", sentence, rows)


def _utterance_clips(store: Store, wanted: list[_Row], data: Coaching) -> dict[str, Clip]:
    """Clips of recovered-frustration calls: the customer's last frustration peak."""
    if not wanted:
        return {}
    peaks = {
        iid: (peak, reason, started)
        for rows in data.recovered.values()
        for iid, started, peak, reason in rows
    }
    out: dict[str, Clip] = {}
    with store.reading("cannot read the evidence of a coaching plan") as conn:
        ids = [w.interaction_id for w in wanted]
        for chunk in _chunks(ids, 400):
            q = select(
                utterances.c.interaction_id,
                utterances.c.idx,
                utterances.c.speaker,
                utterances.c.text,
                utterances.c.start,
                utterances.c.end,
            ).where(utterances.c.interaction_id.in_(chunk))
            found: dict[str, dict[int, Any]] = defaultdict(dict)
            for r in conn.execute(q):
                found[r[0]][r[1]] = r
            for iid, turns in found.items():
                peak, reason, started = peaks[iid]
                after = sorted(i for i, t in turns.items() if t[2] == "agent" and (peak is None or i > peak))
                idx = after[0] if after else min(turns)
                t = turns[idx]
                out[iid] = Clip(
                    iid,
                    "",
                    "",
                    "recovered",
                    idx,
                    t[3],
                    t[2],
                    t[4],
                    t[5],
                    None,
                    1.0,
                    reason,
                    _when(started, t[4]),
                )
    return out


def _plan(
    data: Coaching,
    agent: str,
    parts: list[tuple[FocusChoice, list[_Row], list[_Row]]],
    strong: list[tuple[Standing, _Row]],
    clips: dict[tuple[str, str, str], Clip],
    utter: dict[str, Clip],
    extra: list[tuple[str, str, list[_Row]]],
) -> Plan:
    def clip_of(r: _Row) -> Clip | None:
        return clips.get((r.interaction_id, r.rubric, r.behavior))

    focus: list[Focus] = []
    for choice, misses, peers in parts:
        own = [c for r in misses if (c := clip_of(r)) is not None][:OWN_CLIPS]
        best = [c for r in peers if (c := clip_of(r)) is not None][:PEER_CLIPS]
        s = choice.standing
        focus.append(
            Focus(
                s.behavior,
                choice.info.title,
                choice.critical,
                why(choice),
                s.rate,
                s.interval,
                s.n,
                s.peers,
                choice.impact,
                own,
                best,
            )
        )
    wins: list[Win] = []
    for kind, sentence, rows in extra:
        c = next((x for r in rows if (x := clip_of(r)) is not None), None)
        if kind == "complex_call" and c is not None:
            sentence = sentence.format(when=c.when)
        wins.append(Win(kind, sentence, c))
    for s, row in strong:
        c = clip_of(row)
        title = data.info.get(s.behavior, BehaviorInfo(s.behavior, s.behavior)).title
        moment = f": for example your call {row.interaction_id} on {c.when}" if c and c.when else ""
        wins.append(
            Win("strength", f"{title} on {s.rate:.0%} of {s.n} calls vs peers {s.peers:.0%}{moment}.", c)
        )
    for iid, _started, _peak, reason in data.recovered.get(agent, [])[-1:]:
        c = utter.get(iid)
        if c is not None:
            about = f" about {reason}" if reason else ""
            wins.append(
                Win(
                    "difficult_call",
                    f"Your handling of the frustrated customer{about} on {c.when} "
                    f"(call {iid}): the customer ended the call in a better mood.",
                    c,
                )
            )
    name, team = data.names.get(agent, (None, None))
    first = parts[0][0] if parts else None
    objective = None
    if first is not None and first.association is not None and first.association.effect > 0:
        objective = f"Team objective: {OBJECTIVES[first.association.outcome]}"
    goal = goal_for(first, data.as_of, objective) if first is not None else None
    practice = None
    if first is not None:
        items = [i.as_dict() for i in data.catalogue.for_behavior(first.standing.behavior)]
        practice = Practice(role_play(first, focus[0].clips[0] if focus[0].clips else None), items)
    return Plan(
        agent,
        name,
        team,
        (data.since, data.as_of),
        data.as_of,
        wins,
        focus,
        goal,
        practice,
        data.as_of + timedelta(days=CHECKPOINT_DAYS),
        objective,
    )


def build_plan(
    store: Store,
    agent_id: str,
    *,
    as_of: date | None = None,
    rubric: str | None = None,
    catalogue: Path | Catalogue | None = None,
) -> Plan:
    """The coaching plan of one agent (see `build_plans`)."""
    data = load_coaching(store, as_of=as_of, rubric=rubric, catalogue=catalogue)
    if agent_id not in data.agents():
        raise CoachloopError(
            f"agent {agent_id!r}: no evaluated calls between {data.since.isoformat()} and {data.as_of.isoformat()}"
        )
    return build_plans(store, [agent_id], data=data)[0]


# ---- training, workshops, recognition ----------------------------------------------------


def training_assignments(
    store: Store,
    *,
    as_of: date | None = None,
    rubric: str | None = None,
    catalogue: Path | Catalogue | None = None,
    data: Coaching | None = None,
) -> dict[str, list[dict[str, str]]]:
    """agent -> training items assigned automatically for each focus behaviour's gap."""
    data = data or load_coaching(store, as_of=as_of, rubric=rubric, catalogue=catalogue)
    out: dict[str, list[dict[str, str]]] = {}
    for agent in data.agents():
        focus, _ = _pick(data, agent)
        items = [
            {**i.as_dict(), "behavior": f.standing.behavior}
            for f in focus
            for i in data.catalogue.for_behavior(f.standing.behavior)
        ]
        if items:
            out[agent] = items
    return out


def workshops(
    store: Store,
    *,
    as_of: date | None = None,
    rubric: str | None = None,
    catalogue: Path | Catalogue | None = None,
    data: Coaching | None = None,
    minimum: int = 3,
) -> list[Workshop]:
    """Agents clearly below their peers on the same behaviour, grouped."""
    data = data or load_coaching(store, as_of=as_of, rubric=rubric, catalogue=catalogue)
    gaps = group_gaps([(a, b) for (a, b), s in data.standings.items() if s.clearly_below])
    measured: dict[str, int] = defaultdict(int)
    for (_, b), s in data.standings.items():
        if not s.uncertain:
            measured[b] += 1
    titles = {b: i.title for b, i in data.info.items()}
    return suggest_workshops(gaps, measured, titles, data.catalogue, minimum)


def recognition(
    store: Store,
    *,
    as_of: date | None = None,
    rubric: str | None = None,
    data: Coaching | None = None,
) -> list[Recognition]:
    """Credible improvements and difficult work handled well, each with its evidence."""
    data = data or load_coaching(store, as_of=as_of, rubric=rubric)
    plans = build_plans(store, data=data)
    out = []
    for p in plans:
        for w in p.wins:
            if w.kind in ("improvement", "difficult_call", "complex_call"):
                out.append(Recognition(p.agent_id, w.kind, w.sentence, w.clip))
    return out


def leaderboard(
    store: Store,
    *,
    as_of: date | None = None,
    rubric: str | None = None,
    data: Coaching | None = None,
) -> Board:
    """Improvement against each agent's own baseline, in several categories."""
    data = data or load_coaching(store, as_of=as_of, rubric=rubric)
    half = data.since + (data.as_of - data.since) // 2
    recovered = {a: len(v) for a, v in data.recovered.items()}
    return rank_board(_halves(data.rows, half), data.improvements, recovered, data.agents())
