"""Focus selection: at most two behaviours per agent, by expected impact.

Per behaviour, on the applicable outcomes of the period (effective outcomes: a reviewer's
override counts as decided):

* the agent's rate is the fair estimate of `metrics.estimates`: raw rate with its Wilson
  interval, shrunk toward the peers' rate by beta-binomial empirical Bayes
  (`shrink_rates`, pooled over every agent measured on the behaviour); an estimate that
  `is_uncertain` (fewer than 20 calls, interval wider than 25 points) is never a focus;
* gap = peers' pooled rate (the other agents) − the agent's shrunk rate; only a gap of at
  least `MIN_GAP` whose Wilson upper bound is also below the peers' rate ("clearly below")
  is a candidate;
* association = what rubric validity measures on the same call frame
  (`signals.validity.behavior_associations`): the relative effect of missing the behaviour
  on the outcomes where meeting it goes with the better one (repeat contacts: missed/met
  rate − 1; CSAT, caller rating: relative drop). Factor = 1 + the largest, capped at
  `MAX_ASSOCIATION`;
* impact = gap × association factor × rubric weight. A critical (compliance) behaviour
  that is a candidate comes before every non-critical one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coachloop.metrics.estimates import is_uncertain, shrink_rates, wilson_intervals
from coachloop.stats import Interval

__all__ = [
    "MAX_ASSOCIATION",
    "MAX_FOCUS",
    "MIN_GAP",
    "Association",
    "BehaviorInfo",
    "Standing",
    "choose_focus",
    "standings",
]

MAX_FOCUS = 2
MIN_GAP = 0.05
"""Points below the peers' rate (shrunk estimate) for a behaviour to be worth coaching."""
MAX_ASSOCIATION = 3.0


@dataclass(frozen=True, slots=True)
class BehaviorInfo:
    """What the rubric says about a behaviour."""

    id: str
    title: str
    weight: float = 1.0
    critical: bool = False
    coaching: str = ""


@dataclass(frozen=True, slots=True)
class Association:
    """How missing a behaviour goes with one outcome (from rubric validity)."""

    outcome: str
    """csat, rating or repeat."""
    met: float
    missed: float
    p: float
    effect: float
    """Relative harm of a miss: repeat missed/met − 1; csat/rating (met − missed)/missed."""


@dataclass(frozen=True, slots=True)
class Standing:
    """One agent on one behaviour: the fair estimate against peers."""

    agent_id: str
    behavior: str
    met: int
    n: int
    rate: float
    interval: Interval
    shrunk: float
    peers: float
    uncertain: bool

    @property
    def gap(self) -> float:
        return self.peers - self.shrunk

    @property
    def clearly_below(self) -> bool:
        return not self.uncertain and self.gap >= MIN_GAP and self.interval.high < self.peers

    @property
    def clearly_above(self) -> bool:
        return not self.uncertain and -self.gap >= MIN_GAP and self.interval.low > self.peers


def standings(counts: dict[tuple[str, str], tuple[int, int]]) -> dict[tuple[str, str], Standing]:
    """Fair estimates for every (agent, behaviour) from (met, applicable) counts."""
    by_behavior: dict[str, list[tuple[str, int, int]]] = {}
    for (agent, behavior), (met, n) in counts.items():
        by_behavior.setdefault(behavior, []).append((agent, met, n))
    out: dict[tuple[str, str], Standing] = {}
    for behavior, rows in by_behavior.items():
        x = np.array([r[1] for r in rows], dtype=np.float64)
        tr = np.array([r[2] for r in rows], dtype=np.float64)
        low, high = wilson_intervals(x, tr)
        shrunk = shrink_rates(x, tr)
        total_x, total_n = float(x.sum()), float(tr.sum())
        for i, (agent, met, trials) in enumerate(rows):
            if trials == 0:
                continue
            rate = met / trials
            others = total_n - trials
            peers = (total_x - met) / others if others > 0 else rate
            ci = Interval(float(low[i]), float(high[i]))
            value = float(shrunk[i]) if shrunk is not None else rate
            out[(agent, behavior)] = Standing(
                agent,
                behavior,
                met,
                trials,
                rate,
                ci,
                value,
                peers,
                is_uncertain("rate", rate, trials, (ci.low, ci.high)),
            )
    return out


@dataclass(frozen=True, slots=True)
class FocusChoice:
    standing: Standing
    info: BehaviorInfo
    association: Association | None
    impact: float

    @property
    def critical(self) -> bool:
        return self.info.critical


def association_factor(assoc: Association | None) -> float:
    if assoc is None:
        return 1.0
    return 1.0 + min(max(assoc.effect, 0.0), MAX_ASSOCIATION - 1.0)


def choose_focus(
    agent_standings: list[Standing],
    info: dict[str, BehaviorInfo],
    associations: dict[str, Association],
    limit: int = MAX_FOCUS,
) -> list[FocusChoice]:
    """At most `limit` behaviours, critical candidates first, then by impact."""
    choices = []
    for s in agent_standings:
        if not s.clearly_below:
            continue
        b = info.get(s.behavior, BehaviorInfo(s.behavior, s.behavior))
        assoc = associations.get(s.behavior)
        impact = s.gap * association_factor(assoc) * b.weight
        choices.append(FocusChoice(s, b, assoc, impact))
    choices.sort(key=lambda c: (not c.critical, -c.impact, c.standing.behavior))
    return choices[:limit]


__all__ += ["FocusChoice", "association_factor"]
