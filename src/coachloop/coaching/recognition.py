"""Recognition of improvement and difficult work, and an improvement leaderboard.

A *credible improvement* on a behaviour is a rise from the first half of the period to
the second half that a one-sided two-proportion z-test (pooled; `signals.stat.
proportion_test`) finds at p < `ALPHA`, on at least `MIN_CALLS` applicable calls in each
half. Its sentence shows both rates with their 95 % Wilson intervals.

The leaderboard ranks every agent against their *own* baseline in several categories, so
an agent who is far from the top on absolute quality can still lead one: overall rise
(pooled met rate, second half minus first), best single-behaviour rise, number of
credible improvements, and frustrated customers won back. Each agent's personal best is
the category where they rank highest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coachloop.stats import Interval, wilson_interval

if TYPE_CHECKING:
    from coachloop.coaching.plan import Clip

__all__ = [
    "ALPHA",
    "CATEGORIES",
    "MIN_CALLS",
    "Board",
    "Improvement",
    "Recognition",
    "improvements",
    "leaderboard",
]

ALPHA = 0.05
MIN_CALLS = 10
CATEGORIES = {
    "overall_rise": "Biggest rise on all behaviours",
    "best_behavior_rise": "Biggest rise on one behaviour",
    "credible_improvements": "Most credible improvements",
    "recovered_customers": "Frustrated customers won back",
}


@dataclass(frozen=True, slots=True)
class Improvement:
    agent_id: str
    behavior: str
    before: float
    before_ci: Interval
    n_before: int
    after: float
    after_ci: Interval
    n_after: int
    p: float
    sentence: str


def improvements(
    halves: dict[tuple[str, str], tuple[int, int, int, int]], titles: dict[str, str]
) -> list[Improvement]:
    """Credible rises, largest first, from (agent, behaviour) -> (met, n) per half."""
    from coachloop.signals.stat import proportion_test

    keys = [k for k, v in halves.items() if v[1] >= MIN_CALLS and v[3] >= MIN_CALLS]
    if not keys:
        return []
    z, p = proportion_test(
        [halves[k][2] for k in keys],
        [halves[k][3] for k in keys],
        [halves[k][0] for k in keys],
        [halves[k][1] for k in keys],
    )
    out = []
    for k, zi, pi in zip(keys, z.tolist(), p.tolist(), strict=True):
        if not math.isfinite(zi) or zi <= 0 or pi / 2 >= ALPHA:
            continue
        mb, nb, ma, na = halves[k]
        bci, aci = wilson_interval(mb, nb), wilson_interval(ma, na)
        assert bci is not None and aci is not None
        title = titles.get(k[1], k[1])
        sentence = (
            f"{title} rose from {mb / nb:.0%} [{bci.low:.0%}–{bci.high:.0%}] of {nb} calls to "
            f"{ma / na:.0%} [{aci.low:.0%}–{aci.high:.0%}] of {na} (one-sided p = {pi / 2:.3f})"
        )
        out.append(Improvement(k[0], k[1], mb / nb, bci, nb, ma / na, aci, na, pi / 2, sentence))
    out.sort(key=lambda i: (i.before - i.after, i.agent_id))
    return out


@dataclass(frozen=True, slots=True)
class Recognition:
    agent_id: str
    kind: str
    """improvement, difficult_call or complex_call (see `coaching.plan.Win`)."""
    sentence: str
    clip: Clip | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "agent_id": self.agent_id,
            "kind": self.kind,
            "sentence": self.sentence,
            "clip": self.clip.as_dict() if self.clip else None,
        }


@dataclass(frozen=True, slots=True)
class Board:
    categories: dict[str, list[tuple[str, float]]]
    """category -> (agent, value) best first."""
    best: dict[str, tuple[str, int]] = field(default_factory=dict)
    """agent -> (category, rank 1-based): where the agent ranks highest, among the categories
    where they rose at all (an agent with no rise anywhere has no personal best yet)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "categories": {
                c: [{"rank": i + 1, "agent_id": a, "value": v} for i, (a, v) in enumerate(rows)]
                for c, rows in self.categories.items()
            },
            "personal_best": {a: {"category": c, "rank": r} for a, (c, r) in sorted(self.best.items())},
        }


def leaderboard(
    halves: dict[tuple[str, str], tuple[int, int, int, int]],
    credible: list[Improvement],
    recovered: dict[str, int],
    agents: list[str],
) -> Board:
    pooled: dict[str, list[int]] = {a: [0, 0, 0, 0] for a in agents}
    best_rise: dict[str, float] = dict.fromkeys(agents, 0.0)
    for (agent, _), (mb, nb, ma, na) in halves.items():
        if agent not in pooled:
            continue
        for j, v in enumerate((mb, nb, ma, na)):
            pooled[agent][j] += v
        if nb >= MIN_CALLS and na >= MIN_CALLS:
            best_rise[agent] = max(best_rise[agent], ma / na - mb / nb)
    overall = {a: (v[2] / v[3] - v[0] / v[1]) if v[1] and v[3] else 0.0 for a, v in pooled.items()}
    count = dict.fromkeys(agents, 0.0)
    for imp in credible:
        if imp.agent_id in count:
            count[imp.agent_id] += 1
    values = {
        "overall_rise": overall,
        "best_behavior_rise": best_rise,
        "credible_improvements": count,
        "recovered_customers": {a: float(recovered.get(a, 0)) for a in agents},
    }
    categories = {c: sorted(v.items(), key=lambda kv: (-kv[1], kv[0])) for c, v in values.items()}
    best: dict[str, tuple[str, int]] = {}
    for c, rows in categories.items():
        rank: int = 0
        last: float | None = None
        for i, (a, value) in enumerate(rows):
            if value != last:
                rank, last = i + 1, value
            if value > 0 and (a not in best or rank < best[a][1]):
                best[a] = (c, rank)
    return Board(categories, best)
