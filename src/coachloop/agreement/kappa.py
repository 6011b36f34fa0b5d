"""Cohen's kappa between two raters of the same items, with a bootstrap interval.

The point estimate is scikit-learn's `cohen_kappa_score`. The interval is a seeded
percentile bootstrap over items (2,000 resamples): each resample's kappa is computed from
its confusion matrix in one vectorised numpy step (the same formula, kappa = (p_o - p_e) /
(1 - p_e)), because calling scikit-learn 2,000 times costs about two seconds per behaviour.
Resamples in which kappa is undefined (both raters used a single, identical category)
are left out; when the data itself has that property, or holds a single item, kappa is
None and only the raw agreement is reported.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["KAPPA_INTERVAL_METHOD", "KAPPA_RESAMPLES", "KAPPA_SEED", "KappaResult", "cohen_kappa"]

KAPPA_RESAMPLES = 2000
KAPPA_SEED = 20261204
KAPPA_INTERVAL_METHOD = "Cohen's kappa (scikit-learn); 95 % percentile bootstrap over items, 2,000 resamples"


@dataclass(frozen=True, slots=True)
class KappaResult:
    n: int
    """Items both raters judged."""
    agreement: float | None
    """Share of items on which they gave the same outcome (None without items)."""
    kappa: float | None
    """Cohen's kappa; None when undefined (fewer than two items, or one identical category
    throughout)."""
    ci: tuple[float, float] | None
    """95 % interval of kappa, or None when kappa is None."""


def _resampled_kappas(
    codes_a: np.ndarray, codes_b: np.ndarray, k: int, resamples: int, seed: int
) -> np.ndarray:
    n = len(codes_a)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, size=(resamples, n))
    cells = codes_a[picks] * k + codes_b[picks]  # (resamples, n) confusion-matrix cell of each item
    counts = np.zeros((resamples, k * k))
    np.add.at(counts, (np.arange(resamples)[:, None], cells), 1.0)
    matrix = counts.reshape(resamples, k, k) / n
    observed = np.trace(matrix, axis1=1, axis2=2)
    expected = np.einsum("ri,ri->r", matrix.sum(axis=2), matrix.sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        kappas = (observed - expected) / (1.0 - expected)
    kept: np.ndarray = kappas[np.isfinite(kappas) & (expected < 1.0)]
    return kept


def cohen_kappa(
    a: Sequence[str],
    b: Sequence[str],
    *,
    resamples: int = KAPPA_RESAMPLES,
    seed: int = KAPPA_SEED,
    confidence: float = 0.95,
) -> KappaResult:
    """Agreement of two raters over the same items, in the same order."""
    if len(a) != len(b):
        raise ValueError(f"the raters judged {len(a)} and {len(b)} items: give the same items to both")
    n = len(a)
    if n == 0:
        return KappaResult(0, None, None, None)
    agreement = sum(x == y for x, y in zip(a, b, strict=True)) / n
    labels = sorted(set(a) | set(b))
    if n < 2 or len(labels) < 2:
        return KappaResult(n, agreement, None, None)
    from sklearn.metrics import cohen_kappa_score  # scikit-learn costs a noticeable start-up

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kappa = float(cohen_kappa_score(list(a), list(b), labels=labels))
    if not np.isfinite(kappa):
        return KappaResult(n, agreement, None, None)
    index = {label: i for i, label in enumerate(labels)}
    codes_a = np.array([index[x] for x in a])
    codes_b = np.array([index[x] for x in b])
    kappas = _resampled_kappas(codes_a, codes_b, len(labels), resamples, seed)
    if len(kappas) == 0:
        return KappaResult(n, agreement, kappa, None)
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(kappas, [tail, 100 - tail])
    return KappaResult(n, agreement, kappa, (float(low), float(high)))
