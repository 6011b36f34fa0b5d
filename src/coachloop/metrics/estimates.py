"""Every figure with its sample size and 95 % interval, and fair agent estimates.

* Rates (a count of successes out of n trials): Wilson score interval, which stays inside
  [0, 1] and is honest at the small n of an agent's week.
* Means: Student-t interval, mean ± t(0.975, n-1) · s / sqrt(n); none for n < 2.
* Ratios of sums (handle time in context, adherence, occupancy): no interval, because
  the seconds of one agent's day are not independent draws (n counts contacts or
  intervals).

`shrink_rates` and `shrink_means` pull each agent's figure toward its pool (the agents of
the same team in the same other groups) by empirical Bayes, method of moments:

* rates, beta-binomial: the pool's rate p = Σx/Σn, the spread of the agents' true rates
  τ² = var(x_i/n_i) − p(1−p)·mean(1/n_i); the prior Beta(pM, (1−p)M) has M = p(1−p)/τ² − 1
  and the agent's shrunk rate is (x_i + pM)/(n_i + M). With τ² ≤ 0 (agents differ no more
  than chance), every agent gets p.
* means, normal-normal: the pool mean μ (weighted by n), each agent's sampling variance
  v_i = s_i²/n_i, the true spread τ² = var(mean_i) − mean(v_i); shrunk = μ + τ²/(τ²+v_i)·(mean_i − μ).

A pool needs at least `MIN_POOL` agents; with fewer, the agents are pooled with every agent
in the same other groups (the centre), and with fewer still the raw figure is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MIN_POOL",
    "UNCERTAIN_MEAN_WIDTH",
    "UNCERTAIN_MIN_N",
    "UNCERTAIN_RATE_WIDTH",
    "Estimate",
    "is_uncertain",
    "shrink_grouped",
    "shrink_means",
    "shrink_rates",
    "t_intervals",
    "uncertain_flags",
    "wilson_intervals",
]

Z95 = 1.959963984540054
MIN_POOL = 3
UNCERTAIN_MIN_N = 20
"""An estimate on fewer contacts (evaluations, responses) than this is not acted on."""
UNCERTAIN_RATE_WIDTH = 0.25
"""A rate whose 95 % interval is wider than this (25 points) is not acted on."""
UNCERTAIN_MEAN_WIDTH = 0.25
"""A mean whose 95 % interval is wider than this share of its value is not acted on."""

Floats = NDArray[np.float64]


@dataclass(slots=True)
class Estimate:
    """One KPI for one group: `value` is None when nothing was there to measure (n = 0)."""

    value: float | None
    n: int
    ci: tuple[float, float] | None = None
    shrunk: float | None = None
    uncertain: bool | None = None
    """Agent rows only: too uncertain to act on (see `is_uncertain`)."""

    def as_dict(self, agent_row: bool) -> dict[str, object]:
        out: dict[str, object] = {
            "value": self.value,
            "n": self.n,
            "ci": list(self.ci) if self.ci is not None else None,
        }
        if agent_row:
            out["shrunk"] = self.shrunk
            out["uncertain"] = self.uncertain
        return out


def wilson_intervals(successes: Floats, trials: Floats) -> tuple[Floats, Floats]:
    """Vectorised Wilson score bounds (NaN where there are no trials); the same figures as
    `coachloop.stats.wilson_interval` (SciPy's), a test checks it."""
    n = np.asarray(trials, dtype=np.float64)
    x = np.asarray(successes, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        z2 = Z95 * Z95
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def t_intervals(n: Floats, total: Floats, squares: Floats) -> tuple[Floats, Floats, Floats]:
    """Means and Student-t 95 % bounds from count, sum and sum of squares (NaN bounds for n < 2)."""
    # scipy.special's t quantile: scipy.stats would cost seconds of start-up per command.
    from scipy.special import stdtrit

    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        variance = np.maximum((squares - n * mean * mean) / (n - 1), 0.0)
        half = stdtrit(np.maximum(n - 1, 1), 0.975) * np.sqrt(variance / n)
    ok = n >= 2
    return mean, np.where(ok, mean - half, np.nan), np.where(ok, mean + half, np.nan)


def shrink_rates(successes: Floats, trials: Floats) -> Floats | None:
    """Beta-binomial shrinkage of a pool of agents' rates; None if the pool is too small."""
    keep = trials > 0
    if keep.sum() < MIN_POOL:
        return None
    x, n = successes[keep], trials[keep]
    p = x.sum() / n.sum()
    spread = float(np.var(x / n, ddof=1)) - p * (1 - p) * float(np.mean(1 / n))
    with np.errstate(divide="ignore", invalid="ignore"):
        if spread <= 0 or p in (0.0, 1.0):
            return np.where(trials > 0, p, np.nan)
        m = max(p * (1 - p) / spread - 1, 0.0)
        return np.where(trials > 0, (successes + p * m) / (trials + m), np.nan)


def shrink_means(n: Floats, total: Floats, squares: Floats) -> Floats | None:
    """Normal-normal shrinkage of a pool of agents' means; None if the pool is too small."""
    keep = n >= 2
    if keep.sum() < MIN_POOL:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        means = total / n
        variance = np.maximum((squares - n * means * means) / (n - 1), 0.0)
        sampling = variance / n
    mu = float(total[keep].sum() / n[keep].sum())
    spread = float(np.var(means[keep], ddof=1)) - float(np.mean(sampling[keep]))
    if spread <= 0:
        return np.where(n > 0, mu, np.nan)
    weight = np.where(keep, spread / (spread + sampling), 0.0)
    return np.where(n > 0, mu + weight * (means - mu), np.nan)


def is_uncertain(kind: str, value: float | None, n: int, ci: tuple[float, float] | None) -> bool:
    """Too uncertain to act on: fewer than `UNCERTAIN_MIN_N` observations, or a 95 %
    interval wider than `UNCERTAIN_RATE_WIDTH` (rates) or than `UNCERTAIN_MEAN_WIDTH` of the
    value (means). Ratios without an interval are judged on n alone."""
    if value is None or n < UNCERTAIN_MIN_N:
        return True
    if ci is None:
        return kind in ("rate", "mean")
    width = ci[1] - ci[0]
    if kind == "rate":
        return width > UNCERTAIN_RATE_WIDTH
    return width > UNCERTAIN_MEAN_WIDTH * abs(value) if value else width > 0


def _group_sum(groups: NDArray[np.intp], values: Floats, size: int) -> Floats:
    summed: Floats = np.bincount(groups, weights=values, minlength=size).astype(np.float64)
    return summed


def _group_var(groups: NDArray[np.intp], values: Floats, keep: NDArray[np.bool_], size: int) -> Floats:
    """Per group, the sample variance (ddof 1) of `values` where `keep`; two-pass, as np.var."""
    k = np.bincount(groups, weights=keep.astype(np.float64), minlength=size)
    v = np.where(keep, values, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = _group_sum(groups, v, size) / k
        dev = np.where(keep, values - mean[groups], 0.0)
        result: Floats = _group_sum(groups, dev * dev, size) / (k - 1)
    return result


def shrink_grouped(
    kind: str, a: Floats, b: Floats, c: Floats, groups: NDArray[np.intp], size: int
) -> tuple[Floats, NDArray[np.bool_]]:
    """`shrink_rates` (kind "rate": a successes, b trials) or `shrink_means` ("mean": a n,
    b sum, c sum of squares) within every pool at once: `groups` numbers each row's pool
    (0..size-1). Returns the shrunk figure of every row and, per pool, whether it was big
    enough (a row of a pool too small gets NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "rate":
            keep = b > 0
            count = np.bincount(groups, weights=keep.astype(np.float64), minlength=size)
            p = _group_sum(groups, np.where(keep, a, 0.0), size) / _group_sum(groups, np.where(keep, b, 0.0), size)
            inverse = _group_sum(groups, np.where(keep, 1.0 / b, 0.0), size) / count
            spread = _group_var(groups, a / b, keep, size) - p * (1 - p) * inverse
            flat = (spread <= 0) | (p == 0.0) | (p == 1.0)
            m = np.maximum(p * (1 - p) / spread - 1, 0.0)
            pr, mr = p[groups], m[groups]
            shrunk = np.where(flat[groups], pr, (a + pr * mr) / (b + mr))
            shrunk = np.where(keep, shrunk, np.nan)
        else:
            keep = a >= 2
            count = np.bincount(groups, weights=keep.astype(np.float64), minlength=size)
            means = b / a
            variance = np.maximum((c - a * means * means) / (a - 1), 0.0)
            sampling = variance / a
            mu = _group_sum(groups, np.where(keep, b, 0.0), size) / _group_sum(groups, np.where(keep, a, 0.0), size)
            spread = _group_var(groups, means, keep, size) - _group_sum(
                groups, np.where(keep, sampling, 0.0), size
            ) / count
            mr, sr = mu[groups], spread[groups]
            weight = np.where(keep, sr / (sr + sampling), 0.0)
            shrunk = np.where(sr <= 0, mr, mr + weight * (means - mr))
            shrunk = np.where(a > 0, shrunk, np.nan)
    ok = count >= MIN_POOL
    return np.where(ok[groups], shrunk, np.nan), ok


def uncertain_flags(kind: str, value: Floats, n: Floats, low: Floats, high: Floats) -> NDArray[np.bool_]:
    """`is_uncertain` of every row at once (NaN value: none; NaN bounds: no interval)."""
    width = high - low
    no_ci = np.isnan(width)
    with np.errstate(invalid="ignore"):
        if kind == "rate":
            wide = width > UNCERTAIN_RATE_WIDTH
        else:
            wide = np.where(value != 0, width > UNCERTAIN_MEAN_WIDTH * np.abs(value), width > 0)
    flags: NDArray[np.bool_] = np.isnan(value) | (n < UNCERTAIN_MIN_N) | np.where(
        no_ci, kind in ("rate", "mean"), wide
    )
    return flags
