"""Coach the coaches: how well each supervisor keeps the cadence, follows up and moves behaviour.

Coaching effectiveness is a difference in differences per coached agent:

    (rate of the coached behaviour after the session - before it)
  - (rate of the same agent's uncoached behaviours after - before, pooled)

over the same windows, so whatever moved everything for that agent (a new product, a
quieter month, the team's drift) cancels out and what is left is the move of the coached
behaviour beyond it. A supervisor's estimate is the mean over their coached agents, with
an analytic 95 % interval: each agent's four rates are independent binomial estimates
(variance p(1-p)/n, with p taken as (met+1)/(n+2) so a rate of 0 or 1 still has some),
and the mean's variance is the sum of the agents' variances over k squared. Agents whose
coached behaviour applied in fewer than `followup.MIN_CALLS` calls on either side are left
out. Estimates are in rate points (0.10 = ten percentage points). Pure functions: no I/O.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

from coachloop.coaching.cadence import CadenceKept
from coachloop.coaching.followup import MIN_CALLS, Rate
from coachloop.stats import Interval

__all__ = [
    "FOLLOWUP_GRACE_DAYS",
    "CoachReport",
    "Effectiveness",
    "Episode",
    "did",
    "effectiveness",
    "followups_done",
]

FOLLOWUP_GRACE_DAYS = 7
"""A checkpoint is followed up when a session with the agent is held within this many days after it."""


@dataclass(frozen=True, slots=True)
class Episode:
    """One agent coached on one behaviour: its rates and the agent's other behaviours' rates,
    before the first session on it and since."""

    agent_id: str
    supervisor: str
    behavior: str
    session_id: str
    started: date
    coached_before: Rate
    coached_after: Rate
    uncoached_before: Rate
    uncoached_after: Rate


def _var(rate: Rate) -> float:
    p = (rate.met + 1) / (rate.n + 2)
    return p * (1 - p) / max(rate.n, 1)


def did(e: Episode) -> tuple[float, float] | None:
    """The episode's difference in differences and its variance; None when too few calls."""
    rates = (e.coached_before, e.coached_after, e.uncoached_before, e.uncoached_after)
    if e.coached_before.n < MIN_CALLS or e.coached_after.n < MIN_CALLS or not all(r.n for r in rates):
        return None
    values = [r.met / r.n for r in rates]
    estimate = (values[1] - values[0]) - (values[3] - values[2])
    return estimate, sum(_var(r) for r in rates)


@dataclass(frozen=True, slots=True)
class Effectiveness:
    """A supervisor's coaching effect in rate points, with its interval."""

    supervisor: str
    episodes: int
    """Coached agent-behaviours with enough calls (those the estimate is over)."""
    estimate: float | None
    interval: Interval | None


def effectiveness(episodes: Iterable[Episode], *, confidence: float = 0.95) -> dict[str, Effectiveness]:
    """Per supervisor: the mean difference in differences over their episodes, with interval."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    by_sup: dict[str, list[tuple[float, float]]] = defaultdict(list)
    names: set[str] = set()
    for e in episodes:
        names.add(e.supervisor)
        d = did(e)
        if d is not None:
            by_sup[e.supervisor].append(d)
    result: dict[str, Effectiveness] = {}
    for sup in sorted(names):
        ds = by_sup.get(sup, [])
        if not ds:
            result[sup] = Effectiveness(sup, 0, None, None)
            continue
        k = len(ds)
        mean = sum(d for d, _ in ds) / k
        half = z * math.sqrt(sum(v for _, v in ds)) / k
        result[sup] = Effectiveness(sup, k, mean, Interval(mean - half, mean + half))
    return result


def followups_done(checkpoints: Sequence[date], held: Sequence[date], *, as_of: date) -> tuple[int, int]:
    """(due, done): checkpoints on or before `as_of` - grace, and those with a session held
    from the day before the checkpoint up to `FOLLOWUP_GRACE_DAYS` after it."""
    grace = timedelta(days=FOLLOWUP_GRACE_DAYS)
    due = done = 0
    for checkpoint in checkpoints:
        if checkpoint + grace > as_of:
            continue
        due += 1
        if any(checkpoint - timedelta(days=1) <= h <= checkpoint + grace for h in held):
            done += 1
    return due, done


@dataclass(frozen=True, slots=True)
class CoachReport:
    """One row of the coach-the-coaches table."""

    supervisor: str
    sessions_held: int
    cadence: CadenceKept
    followups_due: int
    followups_done: int
    effectiveness: Effectiveness
