"""Small statistics shared by the store's scorecards and the accuracy reports."""

from __future__ import annotations

import random

__all__ = ["seeded_folds", "wilson_interval"]


def seeded_folds(n: int, folds: int, seed: int) -> list[list[int]]:
    """`folds` disjoint sets of the indexes 0..n-1 (each sorted), from a seeded shuffle."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[f::folds]) for f in range(folds)]


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float] | None:
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
    return max(0.0, float(ci.low)), min(1.0, float(ci.high))
