"""Recognition on improvement, not rank: a credible rise on a behaviour, and difficult work
handled well (frustrated customers won back, calls on the hardest contact reasons passed),
each with its evidence; a leaderboard of improvement against one's own baseline, in which
every agent has a category to win.

A rise is credible when the later period's share met is above the earlier one's by at
least `MIN_RISE` and a one-sided two-proportion z-test gives p < `ALPHA`, with at least
`MIN_CALLS` applicable calls in each period.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coachloop.signals.stat import proportion_test
from coachloop.stats import Interval, wilson_interval

__all__ = ["ALPHA", "MIN_CALLS", "MIN_RISE", "Board", "Counts", "Improvement", "Recognition", "improvements", "leaderboard"]

ALPHA = 0.05
MIN_RISE = 0.05
MIN_CALLS = 8


@dataclass(frozen=True, slots=True)
class Counts:
    """Applicable calls and calls met, of one agent on one behaviour in one period."""

    met: int
    n: int


@dataclass(frozen=True, slots=True)
class Improvement:
    agent_id: str
    behavior: str
    title: str
    before: float
    before_ci: Interval | None
    before_n: int
    after: float
    after_ci: Interval | None
    after_n: int
    z: float
    p: float

    def sentence(self) -> str:
        return (
            f"{self.title}: {self.before:.0%} of {self.before_n} calls -> {self.after:.0%} of {self.after_n} "
            f"(+{(self.after - self.before) * 100:.0f} points, p = {self.p:.3f})"
        )


@dataclass(frozen=True, slots=True)
class Recognition:
    """A credible achievement with its evidence (interaction ids)."""

    agent_id: str
    kind: str
    """"improvement", "recovery" or "hard_calls"."""
    sentence: str
    evidence: tuple[str, ...]


def improvements(
    before: Mapping[tuple[str, str], Counts],
    after: Mapping[tuple[str, str], Counts],
    titles: Mapping[str, str],
) -> list[Improvement]:
    """Credible rises per (agent, behaviour) between two periods (see module doc), largest z first."""
    found = []
    for key, b in before.items():
        a = after.get(key)
        if a is None or b.n < MIN_CALLS or a.n < MIN_CALLS:
            continue
        rise = a.met / a.n - b.met / b.n
        if rise < MIN_RISE:
            continue
        z_arr, p_arr = proportion_test(a.met, a.n, b.met, b.n)
        z, two_sided = float(z_arr), float(p_arr)
        if not math.isfinite(z) or z <= 0:
            continue
        p = two_sided / 2
        if p >= ALPHA:
            continue
        agent, behavior = key
        found.append(
            Improvement(
                agent, behavior, titles.get(behavior, behavior),
                b.met / b.n, wilson_interval(b.met, b.n), b.n,
                a.met / a.n, wilson_interval(a.met, a.n), a.n, z, p,
            )
        )
    return sorted(found, key=lambda i: (-i.z, i.agent_id, i.behavior))


@dataclass(frozen=True, slots=True)
class Board:
    """One row of the improvement leaderboard."""

    agent_id: str
    rank: int
    category: str
    """What this agent wins or is closest to winning."""
    sentence: str


def leaderboard(
    agents: Sequence[str],
    found: Sequence[Improvement],
    recoveries: Mapping[str, int],
    hard_calls: Mapping[str, int],
) -> list[Board]:
    """Every agent once: ranked by their best credible improvement (z), then by work handled
    well; each row names the category the agent leads or their own best."""
    best: dict[str, Improvement] = {}
    for imp in found:
        if imp.agent_id not in best or imp.z > best[imp.agent_id].z:
            best[imp.agent_id] = imp
    leaders: dict[str, str] = {}
    for imp in sorted(found, key=lambda i: -i.z):  # the top improver on each behaviour
        if imp.behavior not in leaders.values() and imp.agent_id not in leaders:
            leaders[imp.agent_id] = imp.behavior
    top_recovery = max(recoveries.items(), key=lambda kv: (kv[1], kv[0]), default=(None, 0))
    top_hard = max(hard_calls.items(), key=lambda kv: (kv[1], kv[0]), default=(None, 0))

    def order(agent: str) -> tuple[float, int, str]:
        imp = best.get(agent)
        return (-(imp.z if imp else 0.0), -(recoveries.get(agent, 0) + hard_calls.get(agent, 0)), agent)

    rows = []
    for rank, agent in enumerate(sorted(agents, key=order), start=1):
        mine = best.get(agent)
        if agent in leaders:
            category = f"most improved: {leaders[agent]}"
        elif top_recovery[0] == agent and top_recovery[1] > 0:
            category = "most frustrated customers won back"
        elif top_hard[0] == agent and top_hard[1] > 0:
            category = "most hard calls handled well"
        elif mine is not None:
            category = f"improving: {mine.behavior}"
        else:
            category = "next: a credible rise on your focus behaviour"
        parts = [mine.sentence()] if mine else []
        if recoveries.get(agent):
            parts.append(f"{recoveries[agent]} frustrated customer(s) won back")
        if hard_calls.get(agent):
            parts.append(f"{hard_calls[agent]} hard call(s) handled above the centre")
        rows.append(Board(agent, rank, category, "; ".join(parts) or "no credible change yet"))
    return rows
