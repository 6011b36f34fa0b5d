"""The coaching plan of one agent: wins, 1–2 focus behaviours with clips, a SMART goal,
practice, a checkpoint and, optionally, the team objective it serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from coachloop.coaching.focus import FocusChoice
from coachloop.errors import CoachloopError
from coachloop.stats import Interval

__all__ = [
    "AGENDA_KINDS",
    "CHECKPOINT_DAYS",
    "Clip",
    "Focus",
    "Goal",
    "Plan",
    "Practice",
    "Win",
    "goal_for",
    "role_play",
    "why",
]

CHECKPOINT_DAYS = 14
"""A goal is checked two weeks after the plan (the bi-weekly review)."""
AGENDA_KINDS = ("micro", "review", "development")


@dataclass(frozen=True, slots=True)
class Clip:
    """One cited outcome and the moment that shows it: a stored utterance.

    (`interaction_id`, `rubric`, `behavior`) is what `jobs.review.dispute_outcome` takes."""

    interaction_id: str
    rubric: str
    behavior: str
    outcome: str
    utterance_index: int
    text: str
    speaker: str = "agent"
    start: float | None = None
    end: float | None = None
    window: tuple[int, int] | None = None
    """For a miss: the utterances in which the behaviour was expected."""
    confidence: float = 1.0
    contact_reason: str | None = None
    when: str | None = None
    """e.g. "Tuesday 22 Sep at 14:15" (call start plus the utterance's offset)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "interaction_id": self.interaction_id,
            "rubric": self.rubric,
            "behavior": self.behavior,
            "outcome": self.outcome,
            "utterance_index": self.utterance_index,
            "speaker": self.speaker,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "window": list(self.window) if self.window else None,
            "confidence": self.confidence,
            "contact_reason": self.contact_reason,
            "when": self.when,
        }


@dataclass(frozen=True, slots=True)
class Win:
    """Something to acknowledge, with the conversation and moment that show it."""

    kind: str
    """strength, improvement, difficult_call (a frustrated customer won back) or
    complex_call (every behaviour met on a complex contact reason)."""
    sentence: str
    clip: Clip | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "sentence": self.sentence,
            "clip": self.clip.as_dict() if self.clip else None,
        }


@dataclass(frozen=True, slots=True)
class Goal:
    """SMART: specific metric, measurable baseline with interval, target, deadline, method."""

    metric: str
    behavior: str
    baseline: float
    baseline_interval: Interval
    baseline_n: int
    target: float
    deadline: date
    measured: str
    objective: str | None = None
    """The team or business objective the goal serves (e.g. first-contact resolution)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "behavior": self.behavior,
            "baseline": {"value": self.baseline, "ci": list(self.baseline_interval), "n": self.baseline_n},
            "target": self.target,
            "deadline": self.deadline.isoformat(),
            "measured": self.measured,
            "objective": self.objective,
        }


@dataclass(frozen=True, slots=True)
class Practice:
    role_play: str
    training: list[dict[str, str]] = field(default_factory=list)
    """Catalogue items: id, title, kind, link."""

    def as_dict(self) -> dict[str, Any]:
        return {"role_play": self.role_play, "training": list(self.training)}


@dataclass(frozen=True, slots=True)
class Focus:
    behavior: str
    title: str
    critical: bool
    why: str
    baseline: float
    interval: Interval
    n: int
    peers: float
    impact: float
    clips: list[Clip]
    peer_clips: list[Clip]

    def as_dict(self) -> dict[str, Any]:
        return {
            "behavior": self.behavior,
            "title": self.title,
            "critical": self.critical,
            "why": self.why,
            "baseline": {"value": self.baseline, "ci": list(self.interval), "n": self.n},
            "peers": self.peers,
            "impact": self.impact,
            "clips": [c.as_dict() for c in self.clips],
            "peer_clips": [c.as_dict() for c in self.peer_clips],
        }


@dataclass(frozen=True, slots=True)
class Plan:
    agent_id: str
    agent_name: str | None
    team: str | None
    period: tuple[date, date]
    """First day and the day after the last day of the evidence."""
    as_of: date
    wins: list[Win]
    focus: list[Focus]
    goal: Goal | None
    practice: Practice | None
    checkpoint: date
    objective: str | None = None

    def cited(self) -> list[Clip]:
        """Every outcome the plan cites (own misses, peers' and own meets)."""
        out = [c for f in self.focus for c in (*f.clips, *f.peer_clips)]
        out += [w.clip for w in self.wins if w.clip is not None]
        return out

    def agenda(self, kind: str) -> list[str]:
        """Agenda items for a session built from this plan.

        micro (weekly, 15–20 min): one win, the first focus with one clip, practice,
        commitment. review (bi-weekly): wins, each focus against its goal, next checkpoint.
        development (quarterly): strengths, every focus, training, objective.
        """
        if kind not in AGENDA_KINDS:
            raise CoachloopError(f"agenda kind {kind!r}: expected one of {', '.join(AGENDA_KINDS)}")
        items: list[str] = []
        wins = self.wins[:1] if kind == "micro" else self.wins
        items += [f"Acknowledge: {w.sentence}" for w in wins]
        focus = self.focus[:1] if kind == "micro" else self.focus
        if not focus:
            items.append("No focus behaviour this period: keep the strengths, agree what to try next.")
        for f in focus:
            items.append(f"Focus: {f.title} — {f.why}")
            for clip in f.clips[:1] if kind == "micro" else f.clips:
                items.append(
                    f"Listen together: {clip.interaction_id} utterance {clip.utterance_index}: “{clip.text}”"
                )
            if f.peer_clips:
                c = f.peer_clips[0]
                items.append(f"Model clip: {c.interaction_id} utterance {c.utterance_index}: “{c.text}”")
        if self.goal is not None and kind != "micro":
            g = self.goal
            items.append(
                f"Goal: {g.metric} from {g.baseline:.0%} [{g.baseline_interval.low:.0%}–"
                f"{g.baseline_interval.high:.0%}] to {g.target:.0%} by {g.deadline.isoformat()}"
            )
        if self.practice is not None:
            items.append(f"Practice: {self.practice.role_play}")
            if kind == "development":
                items += [f"Training: {t['title']} ({t['kind']})" for t in self.practice.training]
        if kind == "development" and self.objective:
            items.append(f"Objective: {self.objective}")
        items.append(f"Agree the commitment; next checkpoint {self.checkpoint.isoformat()}")
        return items

    def as_dict(self) -> dict[str, Any]:
        return {
            "agent_id": self.agent_id,
            "agent_name": self.agent_name,
            "team": self.team,
            "period": {"from": self.period[0].isoformat(), "to": self.period[1].isoformat()},
            "as_of": self.as_of.isoformat(),
            "wins": [w.as_dict() for w in self.wins],
            "focus": [f.as_dict() for f in self.focus],
            "goal": self.goal.as_dict() if self.goal else None,
            "practice": self.practice.as_dict() if self.practice else None,
            "checkpoint": self.checkpoint.isoformat(),
            "objective": self.objective,
        }


OUTCOME_WORDS = {"repeat": "the repeat-contact rate", "csat": "CSAT", "rating": "the caller's rating"}


def why(choice: FocusChoice) -> str:
    """One sentence with the numbers behind a focus choice."""
    s = choice.standing
    text = (
        f"{choice.info.title} on {s.rate:.0%} [{s.interval.low:.0%}–{s.interval.high:.0%}] of {s.n} calls "
        f"(fair estimate {s.shrunk:.0%}) vs peers {s.peers:.0%}"
    )
    if choice.critical:
        text += "; critical"
    a = choice.association
    if a is not None and a.effect > 0:
        if a.outcome == "repeat":
            text += (
                f"; calls where it is missed have {a.missed / a.met:.1f}× the repeat rate"
                if a.met > 0
                else ""
            )
        else:
            text += f"; {OUTCOME_WORDS[a.outcome]} {a.missed:.2f} when missed vs {a.met:.2f} when met"
    return text + "."


def goal_for(choice: FocusChoice, as_of: date, objective: str | None = None) -> Goal:
    """Close half the gap to peers (at least 5 points, at most the peers' rate) in two weeks."""
    s = choice.standing
    target = min(max(s.rate + (s.peers - s.rate) / 2, s.rate + 0.05), max(s.peers, s.rate), 1.0)
    return Goal(
        metric=f"{choice.info.title} (share of applicable calls met)",
        behavior=s.behavior,
        baseline=s.rate,
        baseline_interval=s.interval,
        baseline_n=s.n,
        target=round(target, 2),
        deadline=as_of + timedelta(days=CHECKPOINT_DAYS),
        measured=(
            f"every evaluated call from {as_of.isoformat()} to the deadline, effective outcomes "
            "(reviewed overrides count), rate with its 95 % Wilson interval against the baseline"
        ),
        objective=objective,
    )


def role_play(choice: FocusChoice, clip: Clip | None) -> str:
    """A role-play scenario rebuilt from the agent's own missed clip."""
    title = choice.info.title
    if clip is None:
        return f"Role-play a typical call and practise: {title}."
    reason = f" about {clip.contact_reason}" if clip.contact_reason else ""
    hint = f" Coaching note: {choice.info.coaching.strip()}" if choice.info.coaching.strip() else ""
    return (
        f"Replay call {clip.interaction_id}{reason}: the supervisor plays the customer from utterance "
        f"{clip.window[0] if clip.window else clip.utterance_index}, the agent practises “{title}” "
        f"where it was missed (“{clip.text}”).{hint}"
    )
