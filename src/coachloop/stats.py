"""Small statistics shared by the store's scorecards, the accuracy reports and benchmarks.

Every interval coachloop reports is an `Interval`, made by one of two helpers:
`wilson_interval` for a proportion, `percentile_interval` for bootstrap samples.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["Interval", "percentile", "percentile_interval", "seeded_folds", "wilson_interval"]


class Interval(NamedTuple):
    """A confidence interval; unpacks as `(low, high)`."""

    low: float
    high: float

    @staticmethod
    def as_list(ci: Interval | None) -> list[float] | None:
        """`[low, high]` for JSON, or None when there is no interval."""
        return [ci.low, ci.high] if ci is not None else None


def seeded_folds(n: int, folds: int, seed: int) -> list[list[int]]:
    """`folds` disjoint sets of the indexes 0..n-1 (each sorted), from a seeded shuffle."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[f::folds]) for f in range(folds)]


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> Interval | None:
    """Wilson score interval of a proportion (SciPy's); None when there are no trials.

    Wilson rather than the normal approximation: it stays inside [0, 1] and is honest for
    the small counts an agent with a few calls has.
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"successes {successes} outside 0..{trials}")
    from scipy.stats import binomtest  # imported here: scipy costs a noticeable start-up

    ci = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="wilson")
    return Interval(max(0.0, float(ci.low)), min(1.0, float(ci.high)))


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default), q in [0, 1]."""
    if not sorted_values:
        raise ValueError("no values")
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def percentile_interval(samples: Sequence[float], confidence: float = 0.95) -> Interval | None:
    """Percentile interval of bootstrap samples (the central `confidence` share); None when empty."""
    if not samples:
        return None
    ordered = sorted(samples)
    tail = (1 - confidence) / 2
    return Interval(percentile(ordered, tail), percentile(ordered, 1 - tail))
