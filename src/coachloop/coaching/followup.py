"""Follow-up: did the behaviour agreed in a coaching session move?

At a checkpoint, the agent's rate of the agreed behaviour over the conversations since the
session is compared with the baseline rate over the conversations before it. The verdict
is honest about uncertainty:

* **not enough calls yet** when either side has fewer than `MIN_CALLS` conversations in
  which the behaviour applied (met or missed): below that a rate cannot move credibly;
* **improved** / **worse** when the 95 % Newcombe interval (method 10, the hybrid score
  interval built from the two Wilson intervals) for the difference after - before lies
  entirely above / below zero;
* **no change** otherwise (the interval contains zero: any change is within the noise).

Newcombe rather than the Wald interval because the rates are near 0 or 1 and the counts
small, where the Wald interval is too narrow. Pure functions: no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from coachloop.stats import Interval, wilson_interval

__all__ = ["MIN_CALLS", "Change", "Rate", "Verdict", "compare_rates", "newcombe_interval"]

MIN_CALLS = 10
"""Conversations in which the behaviour applied needed on each side before judging.

With 10 the Wilson interval of a rate is at most about +-0.28 wide, so only a large move
can show; the verdict says "not enough calls yet" below it rather than guess."""


class Verdict(StrEnum):
    IMPROVED = "improved"
    NO_CHANGE = "no change"
    WORSE = "worse"
    NOT_ENOUGH = "not enough calls yet"


@dataclass(frozen=True, slots=True)
class Rate:
    """How often a behaviour was met among the conversations where it applied."""

    met: int
    n: int

    @property
    def value(self) -> float | None:
        return self.met / self.n if self.n else None

    @property
    def interval(self) -> Interval | None:
        return wilson_interval(self.met, self.n)


@dataclass(frozen=True, slots=True)
class Change:
    """A rate before and after, the difference with its interval, and the verdict."""

    before: Rate
    after: Rate
    difference: float | None
    interval: Interval | None
    verdict: Verdict

    def sentence(self, behavior: str) -> str:
        b, a = self.before, self.after
        if self.verdict is Verdict.NOT_ENOUGH:
            return (
                f"{behavior}: not enough calls yet ({b.n} before, {a.n} since; "
                f"{MIN_CALLS} needed on each side)"
            )
        assert self.difference is not None and self.interval is not None
        assert b.value is not None and a.value is not None
        return (
            f"{behavior}: {self.verdict} - {a.value:.0%} of {a.n} calls since vs {b.value:.0%} of "
            f"{b.n} before ({self.difference:+.0%}, 95% interval {self.interval.low:+.0%} to "
            f"{self.interval.high:+.0%})"
        )


def newcombe_interval(before: Rate, after: Rate, confidence: float = 0.95) -> Interval | None:
    """Newcombe's hybrid score interval for after - before; None when a side has no calls."""
    if before.n == 0 or after.n == 0:
        return None
    lb = wilson_interval(before.met, before.n, confidence)
    la = wilson_interval(after.met, after.n, confidence)
    assert lb is not None and la is not None
    pb, pa = before.met / before.n, after.met / after.n
    d = pa - pb
    low = d - math.sqrt((pa - la.low) ** 2 + (lb.high - pb) ** 2)
    high = d + math.sqrt((la.high - pa) ** 2 + (pb - lb.low) ** 2)
    return Interval(max(-1.0, low), min(1.0, high))


def compare_rates(before: Rate, after: Rate, *, min_calls: int = MIN_CALLS) -> Change:
    """The verdict on a behaviour's rate after coaching against its baseline (see the module)."""
    if before.n < min_calls or after.n < min_calls:
        diff = after.met / after.n - before.met / before.n if before.n and after.n else None
        return Change(before, after, diff, newcombe_interval(before, after), Verdict.NOT_ENOUGH)
    ci = newcombe_interval(before, after)
    assert ci is not None
    diff = after.met / after.n - before.met / before.n
    if ci.low > 0:
        verdict = Verdict.IMPROVED
    elif ci.high < 0:
        verdict = Verdict.WORSE
    else:
        verdict = Verdict.NO_CHANGE
    return Change(before, after, diff, ci, verdict)
