"""A coaching plan: wins to acknowledge, the focus behaviours with evidence, a SMART goal,
practice, training and a checkpoint. Built from what `jobs.coaching` read; no I/O here.

Every outcome a plan cites (a clip) names its interaction, rubric and behaviour, so an
agent can dispute it (`coachloop review dispute`); the plan is computed from outcomes as
reviewers left them, so a reviewer's decision changes the next plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from coachloop.coaching.focus import FocusChoice
from coachloop.coaching.training import TrainingItem
from coachloop.stats import Interval

__all__ = ["CHECKPOINT_DAYS", "GOAL_DAYS", "Clip", "Goal", "Plan", "Win", "goal_for", "objective_for", "role_play"]

GOAL_DAYS = 28
"""A goal's deadline: four weeks of micro-coaching."""
CHECKPOINT_DAYS = 14
"""The follow-up: the next bi-weekly review."""
MAX_STEP = 0.20
"""A goal asks for at most this rise in four weeks, however far the agent is behind."""


@dataclass(frozen=True, slots=True)
class Clip:
    """A moment of a stored conversation: where a behaviour was missed, or met well."""

    interaction_id: str
    rubric: str
    behavior: str
    outcome: str
    agent_id: str | None
    started_at: datetime | None
    contact_reason: str | None
    from_utterance: int
    to_utterance: int
    lines: tuple[tuple[int, str, str], ...]
    """(utterance index, speaker, text) of the window, as stored (redacted)."""
    confidence: float
    start_seconds: float | None = None

    def when(self) -> str:
        """"Tuesday 8 Sep at 14:15" (the call's start), or "" when unknown."""
        if self.started_at is None:
            return ""
        return f"{self.started_at:%A} {self.started_at.day} {self.started_at:%b} at {self.started_at:%H:%M}"


@dataclass(frozen=True, slots=True)
class Win:
    """Something the agent did well, with the conversation and the moment."""

    kind: str
    """"strength" (a behaviour the agent does better than the centre) or "recovery" (a
    frustrated customer won back)."""
    sentence: str
    clip: Clip


@dataclass(frozen=True, slots=True)
class Goal:
    """A SMART goal on one behaviour."""

    behavior: str
    title: str
    metric: str
    baseline: float
    baseline_ci: Interval | None
    baseline_n: int
    target: float
    start: date
    deadline: date
    measured: str
    objective: str | None = None

    def sentence(self) -> str:
        ci = f" [{self.baseline_ci.low:.0%}-{self.baseline_ci.high:.0%}]" if self.baseline_ci else ""
        return (
            f"Raise {self.metric} from {self.baseline:.0%}{ci} (on {self.baseline_n} calls) to "
            f"{self.target:.0%} by {self.deadline:%d %b %Y}."
        )


@dataclass(slots=True)
class Plan:
    agent_id: str
    agent_name: str | None
    team: str | None
    supervisor: str | None
    rubric: str
    as_of: date
    period: tuple[date, date]
    """The calls the plan was made from: [first day, day after the last]."""
    calls: int
    focus: list[FocusChoice] = field(default_factory=list)
    misses: dict[str, list[Clip]] = field(default_factory=dict)
    """Focus behaviour -> the agent's own recent misses."""
    models: dict[str, list[Clip]] = field(default_factory=dict)
    """Focus behaviour -> peers' clips where it was clearly met."""
    goals: list[Goal] = field(default_factory=list)
    practice: list[str] = field(default_factory=list)
    training: list[TrainingItem] = field(default_factory=list)
    wins: list[Win] = field(default_factory=list)
    checkpoint: date | None = None
    coaching_texts: dict[str, str] = field(default_factory=dict)

    def cited(self) -> list[Clip]:
        """Every clip the plan cites: what an agent may dispute."""
        return [
            *[c for clips in self.misses.values() for c in clips],
            *[c for clips in self.models.values() for c in clips],
            *[w.clip for w in self.wins],
        ]

    def agenda(self, kind: str = "micro") -> list[str]:
        """Agenda items for a session generated from the plan: `micro` (weekly, 15-20 min),
        `review` (bi-weekly performance review) or `development` (quarterly)."""
        if kind not in ("micro", "review", "development"):
            raise ValueError(f"unknown session kind {kind!r}: micro, review or development")
        items: list[str] = []
        if self.wins:
            items.append(f"Start with a win: {self.wins[0].sentence}")
        for choice in self.focus[: 1 if kind == "micro" else 2]:
            b = choice.behavior
            clip = next(iter(self.misses.get(b, [])), None)
            if clip is not None:
                items.append(f"Listen together to {clip.interaction_id} ({clip.when() or 'recent call'}): {choice.standing.title} missed")
            model = next(iter(self.models.get(b, [])), None)
            if model is not None:
                items.append(f"Hear how a peer does it: {model.interaction_id}")
            items.append(f"Agree one commitment on {choice.standing.title.lower()}")
        if kind in ("review", "development"):
            items += [f"Goal progress: {g.sentence()}" for g in self.goals]
        if kind == "development":
            items.append("Strengths to build on and the next skill to grow this quarter")
            items += [f"Training: {t.title}" for t in self.training]
        items.append(f"Set the next checkpoint ({self.checkpoint:%d %b})" if self.checkpoint else "Set the next checkpoint")
        return items


def objective_for(choice: FocusChoice) -> str | None:
    """The team or business objective a focus serves, from the outcome missing it hurts."""
    link = choice.standing.link
    if link is None:
        return "compliance: no auto-failed calls" if choice.standing.critical else None
    return {
        "repeat contact": "first-contact resolution (FCR)",
        "CSAT": "customer satisfaction (CSAT)",
        "the caller's rating": "customer satisfaction (caller rating)",
    }.get(link.outcome)


def goal_for(choice: FocusChoice, as_of: date) -> Goal | None:
    """A SMART goal on the focus behaviour: baseline with its interval, a target toward the
    centre (at most `MAX_STEP` higher, rounded up to 5 points), a four-week deadline."""
    s = choice.standing
    if s.rate is None or s.centre is None:
        return None
    target = min(max(s.centre, s.rate + 0.05), s.rate + MAX_STEP, 0.99)
    target = min(0.99, math.ceil(target * 20 - 1e-9) / 20)
    deadline = as_of + timedelta(days=GOAL_DAYS)
    return Goal(
        behavior=s.behavior,
        title=s.title,
        metric=f"the share of calls meeting '{s.title}'",
        baseline=s.rate,
        baseline_ci=s.ci,
        baseline_n=s.n,
        target=target,
        start=as_of,
        deadline=deadline,
        measured=(
            f"evaluations of the agent's calls from {as_of:%d %b} to {deadline:%d %b} where the "
            "behaviour applies, reviewers' overrides included, with a 95 % interval"
        ),
        objective=objective_for(choice),
    )


def role_play(choice: FocusChoice, clip: Clip | None, coaching: str | None) -> str:
    """A role-play scenario built from the missed clip."""
    title = choice.standing.title
    if clip is None:
        return f"Role-play a typical call and practise: {coaching or title}."
    said = next((text for _, speaker, text in clip.lines if speaker == "customer"), None)
    setting = f"a {clip.contact_reason.replace('_', ' ')} call" if clip.contact_reason else "this call"
    opening = f' The customer opens with: "{said}"' if said else ""
    return (
        f"Replay {setting} ({clip.interaction_id}) with the supervisor as the customer.{opening} "
        f"Practise: {coaching or title}"
    )
