"""Choosing an agent's focus behaviours: at most two, by expected impact, each explained.

Impact = how far the agent is below the centre on the behaviour, measured on the fair,
shrunk estimate (an agent with a handful of calls is pulled toward the team, so no focus
comes from noise; fewer than `MIN_CALLS` applicable calls gives none at all), times how
much the behaviour matters: its weight in the rubric relative to the others, tripled for
a critical (compliance) behaviour, and raised when missing it goes with a worse customer
outcome (rubric validity: `signals.validity.outcome_links`). A behaviour the agent
already does as well as the centre (gap under `MIN_GAP`) is never a focus, and a critical
one only when the agent's own 95 % interval lies below the centre: tripled, a gap from
noise would otherwise push a real weakness out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coachloop.signals.validity import OutcomeLink
from coachloop.stats import Interval

__all__ = ["CRITICAL_FACTOR", "MAX_FOCUS", "MIN_CALLS", "MIN_GAP", "FocusChoice", "OutcomeLink", "Standing", "choose_focus"]

MAX_FOCUS = 2
MIN_CALLS = 10
"""Applicable calls an agent needs on a behaviour before it can be their focus."""
MIN_GAP = 0.03
"""The shrunk rate must be at least this far below the centre's to count as a gap."""
CRITICAL_FACTOR = 3.0
"""A critical behaviour's gap counts three times: a missed mandatory step comes first."""


@dataclass(frozen=True, slots=True)
class Standing:
    """One agent on one behaviour, next to the centre."""

    behavior: str
    title: str
    n: int
    """Applicable calls of the agent."""
    rate: float | None
    """Share met, as measured."""
    shrunk: float | None
    """The fair estimate (shrunk toward the team)."""
    ci: Interval | None
    centre: float | None
    """The centre's share met over the same period."""
    weight: float = 1.0
    critical: bool = False
    link: OutcomeLink | None = None

    @property
    def gap(self) -> float:
        """How far the fair estimate is below the centre (negative: above it)."""
        if self.shrunk is None or self.centre is None:
            return 0.0
        return self.centre - self.shrunk


@dataclass(frozen=True, slots=True)
class FocusChoice:
    standing: Standing
    impact: float
    sentence: str

    @property
    def behavior(self) -> str:
        return self.standing.behavior


def _importance(s: Standing, mean_weight: float) -> float:
    base = CRITICAL_FACTOR if s.critical else (s.weight / mean_weight if mean_weight > 0 else 1.0)
    return base * (1.0 + (s.link.strength if s.link is not None else 0.0))


def _sentence(s: Standing) -> str:
    assert s.shrunk is not None and s.centre is not None
    ci = f" [{s.ci.low:.0%}-{s.ci.high:.0%}]" if s.ci is not None else ""
    measured = f"{s.rate:.0%}{ci} of {s.n} calls" if s.rate is not None else f"{s.n} calls"
    parts = [
        f"{s.title}: met on {measured} (fair estimate {s.shrunk:.0%}) against {s.centre:.0%} across the centre"
    ]
    if s.critical:
        parts.append("a critical behaviour: a miss fails the call")
    if s.link is not None:
        parts.append(s.link.sentence())
    return "; ".join(parts) + "."


def choose_focus(standings: Sequence[Standing], limit: int = MAX_FOCUS) -> list[FocusChoice]:
    """At most `limit` focus behaviours, highest expected impact first (see module doc)."""
    weights = [s.weight for s in standings if not s.critical]
    mean_weight = sum(weights) / len(weights) if weights else 1.0
    eligible = [
        s
        for s in standings
        if s.n >= MIN_CALLS
        and s.shrunk is not None
        and s.centre is not None
        and s.gap >= MIN_GAP
        and (not s.critical or (s.ci is not None and s.ci.high < s.centre))
    ]
    ranked = sorted(eligible, key=lambda s: (-s.gap * _importance(s, mean_weight), s.behavior))
    return [FocusChoice(s, s.gap * _importance(s, mean_weight), _sentence(s)) for s in ranked[:limit]]
