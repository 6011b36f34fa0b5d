"""Small statistics the signals share: grouping, two-sample tests, FDR control, strength.

Tests come from SciPy (Welch's t, Benjamini-Hochberg); this module only shapes arrays
for them and turns p-values into one comparable strength.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from scipy import stats

__all__ = [
    "bh",
    "codes",
    "day",
    "mean_test",
    "proportion_test",
    "strength_of",
    "week_start",
]


def codes(values: npt.NDArray[np.object_]) -> tuple[list[str], npt.NDArray[np.int64]]:
    """Distinct values (sorted) and each row's index into them."""
    if len(values) == 0:
        return [], np.array([], dtype=np.int64)
    try:
        # Arrow's hash encoding, then only the distinct values are sorted: a million calls'
        # strings are not compared one by one as np.unique would.
        import pyarrow as pa

        encoded = pa.array(values, type=pa.string()).dictionary_encode()
    except (TypeError, ValueError, pa.ArrowException):
        uniq, inverse = np.unique(values.astype(str), return_inverse=True)
        return [str(u) for u in uniq], inverse.astype(np.int64)
    if encoded.null_count:
        uniq, inverse = np.unique(values.astype(str), return_inverse=True)
        return [str(u) for u in uniq], inverse.astype(np.int64)
    distinct: list[str] = encoded.dictionary.to_pylist()
    order = sorted(range(len(distinct)), key=distinct.__getitem__)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct))
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return [distinct[i] for i in order], rank[indices]


def bh(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Benjamini-Hochberg adjusted p-values (q-values), SciPy's."""
    if len(p) == 0:
        return np.array([], dtype=np.float64)
    return np.asarray(stats.false_discovery_control(np.clip(p, 0.0, 1.0), method="bh"), dtype=np.float64)


def proportion_test(
    hits_a: npt.ArrayLike, n_a: npt.ArrayLike, hits_b: npt.ArrayLike, n_b: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Two-proportion z-test (pooled), vectorised: z > 0 when a's rate is above b's, and
    the two-sided p-value. NaN where either side is empty or the pooled rate is 0 or 1."""
    ha, na, hb, nb = (np.asarray(v, dtype=np.float64) for v in (hits_a, n_a, hits_b, n_b))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (ha + hb) / (na + nb)
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        z = (ha / na - hb / nb) / se
    z = np.where(np.isfinite(z), z, np.nan)
    p = 2 * stats.norm.sf(np.abs(z))
    return z, p


def mean_test(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> tuple[float, float]:
    """Welch's t-test of mean(a) vs mean(b), NaNs dropped: (t, two-sided p); (nan, nan)
    with fewer than 3 values on a side or no variance."""
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) < 3 or len(b) < 3 or (np.ptp(a) == 0 and np.ptp(b) == 0):
        return math.nan, math.nan
    result = stats.ttest_ind(a, b, equal_var=False)
    return float(result.statistic), float(result.pvalue)


def strength_of(p: float) -> float:
    """A p-value (adjusted, where several were tested) as a z-like strength: 2 is about
    p = 0.05, 3 about p = 0.003; capped at 10 so one huge sample does not drown the rest."""
    if not math.isfinite(p):
        return 0.0
    return round(float(min(10.0, max(0.0, stats.norm.isf(max(p, 1e-300) / 2)))), 3)


def day(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).date().isoformat()


def week_start(seconds: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """The Monday (as days since the epoch) of each instant's ISO week, UTC."""
    days = np.floor(seconds / 86400).astype(np.int64)
    # 1970-01-01 was a Thursday: Monday-based weekday = (days + 3) % 7.
    return days - (days + 3) % 7
