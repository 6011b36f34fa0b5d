"""Friction: a queue, contact reason or language whose handle time, repeat contacts or
customer frustration rises week over week. A signal about the system, not a person.

Each (segment, week) is compared with the same segment over the `BASELINE_WEEKS` weeks
before it (at least two weeks of data): handle time (on a log scale relative to the
channel's norm, so a week with more chats or a few hour-long ones is not read as slower
work; reported as a multiple of that norm) and
frustration peaks per call by Welch's t-test on the weekly summaries, the repeat-contact rate by a two-proportion
z-test, all one-sided (a rise). Every test of the run goes into one Benjamini-Hochberg
correction; a rise is reported when its q-value is below `FDR` and it is large enough to
matter (`MIN_RISE`), so a big centre does not report a 2 % wobble because it can.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from coachloop.model import Period, Signal
from coachloop.signals.frame import CallFrame
from coachloop.signals.stat import bh, codes, day, strength_of, week_start

__all__ = ["DIMENSIONS", "FDR", "find_friction"]

DIMENSIONS = ("queue", "reason", "language")
SUBJECT_KEY = {"queue": "queue", "reason": "contact_reason", "language": "language"}
BASELINE_WEEKS = 4
MIN_CALLS = 20
FDR = 0.05
MIN_RISE = {"handle_seconds": 0.15, "repeat_rate": 0.05, "frustration_peaks": 0.2}
"""Smallest rise reported: handle time and frustration relative (+15 %, +20 %), repeat
contacts in points (+5)."""
LABEL = {
    "handle_seconds": "handle time",
    "repeat_rate": "repeat contacts",
    "frustration_peaks": "frustration peaks per call",
}

Floats = npt.NDArray[np.float64]


@dataclass(slots=True)
class _Test:
    dim: str
    value: str
    week: int
    metric: str
    now: float
    before: float
    n_now: int
    n_before: int
    p: float


def _cells(values: Floats, cell: npt.NDArray[np.int64], size: int) -> tuple[Floats, Floats, Floats]:
    """Count, mean and variance (ddof 1) of the known values per cell."""
    known = ~np.isnan(values)
    c, v = cell[known], values[known]
    n = np.bincount(c, minlength=size).astype(float)
    s = np.bincount(c, weights=v, minlength=size)
    ss = np.bincount(c, weights=v * v, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        var = (ss - n * mean * mean) / (n - 1)
    return n, mean, np.maximum(var, 0.0)


def _relative_log_handle(frame: CallFrame) -> Floats:
    """log(handle time) minus its channel's mean: a chat lasts longer than a call, so a week
    with more chats must not read as slower work."""
    logs = np.log(np.where(frame.handle > 0, frame.handle, np.nan))
    _, channel = codes(frame.channel)
    known = ~np.isnan(logs)
    sums = np.bincount(channel[known], weights=logs[known], minlength=channel.max(initial=0) + 1)
    counts = np.bincount(channel[known], minlength=channel.max(initial=0) + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    out: Floats = logs - means[channel]
    return out


def _tests(frame: CallFrame, dim: str) -> list[_Test]:
    names, code = codes(getattr(frame, dim))
    weeks_all = week_start(frame.started)
    weeks = np.unique(weeks_all)
    windex = np.searchsorted(weeks, weeks_all)
    nw = len(weeks)
    size = len(names) * nw
    cell = code * nw + windex
    out: list[_Test] = []
    for metric, values in (
        ("handle_seconds", _relative_log_handle(frame)),
        ("repeat_rate", frame.repeat),
        ("frustration_peaks", frame.frustration),
    ):
        n, mean, var = (a.reshape(len(names), nw) for a in _cells(values, cell, size))
        for s, value in enumerate(names):
            if not value:
                continue
            for w in range(2, nw):
                lo = max(0, w - BASELINE_WEEKS)
                nb = n[s, lo:w]
                if n[s, w] < MIN_CALLS or (nb > 0).sum() < 2 or nb.sum() < 2 * MIN_CALLS:
                    continue
                tot = nb.sum()
                m_b = float((nb * np.nan_to_num(mean[s, lo:w])).sum() / tot)
                # Pooled variance of the baseline weeks: within-week plus between-week spread.
                within = (np.nan_to_num(var[s, lo:w]) * np.maximum(nb - 1, 0)).sum()
                between = (nb * (np.nan_to_num(mean[s, lo:w]) - m_b) ** 2).sum()
                v_b = float((within + between) / max(tot - 1, 1))
                m_w, v_w, n_w = float(mean[s, w]), float(var[s, w]), float(n[s, w])
                if metric == "repeat_rate":
                    pooled = (m_w * n_w + m_b * tot) / (n_w + tot)
                    se = np.sqrt(pooled * (1 - pooled) * (1 / n_w + 1 / tot))
                    p = float(stats.norm.sf((m_w - m_b) / se)) if se > 0 else 1.0
                else:
                    res = stats.ttest_ind_from_stats(
                        m_w, np.sqrt(v_w), n_w, m_b, np.sqrt(v_b), tot, equal_var=False, alternative="greater"
                    )
                    p = float(res.pvalue) if np.isfinite(res.pvalue) else 1.0
                out.append(_Test(dim, value, int(weeks[w]), metric, m_w, m_b, int(n_w), int(tot), p))
    return out


def _big_enough(t: _Test) -> bool:
    if t.metric == "repeat_rate":
        return t.now - t.before >= MIN_RISE[t.metric]
    if t.metric == "handle_seconds":
        return float(np.exp(t.now - t.before)) - 1 >= MIN_RISE[t.metric]
    return t.before > 0 and t.now / t.before - 1 >= MIN_RISE[t.metric]


def find_friction(frame: CallFrame) -> list[Signal]:
    if len(frame) == 0:
        return []
    tests = [t for dim in DIMENSIONS for t in _tests(frame, dim)]
    if not tests:
        return []
    q = bh(np.array([t.p for t in tests]))
    found: dict[tuple[str, str, int], list[tuple[_Test, float]]] = defaultdict(list)
    for t, qv in zip(tests, q.tolist(), strict=True):
        if qv < FDR and _big_enough(t):
            found[(t.dim, t.value, t.week)].append((t, qv))
    week_of = week_start(frame.started)
    signals = []
    for (dim, value, week), rises in found.items():
        signals.append(_signal(frame, dim, value, week, rises, week_of))
    return signals


def _figure(t: _Test) -> str:
    if t.metric == "handle_seconds":
        now, before = np.exp(t.now), np.exp(t.before)
        return f"handle time {now:.2f}x its channel's norm vs {before:.2f}x (+{now / before - 1:.0%})"
    if t.metric == "repeat_rate":
        return f"repeat contacts {t.now:.0%} vs {t.before:.0%}"
    return f"frustration peaks {t.now:.2f} vs {t.before:.2f} per call"


def _signal(
    frame: CallFrame,
    dim: str,
    value: str,
    week: int,
    rises: list[tuple[_Test, float]],
    week_of: npt.NDArray[np.int64],
) -> Signal:
    rises.sort(key=lambda r: r[1])
    start = float(week) * 86400
    period = Period(frame.when(start), frame.when(start + 7 * 86400))
    in_cell = np.flatnonzero((getattr(frame, dim) == value) & (week_of == week))
    longest = in_cell[np.argsort(-np.nan_to_num(frame.handle[in_cell], nan=-1.0))][:10]
    what = {"queue": "Queue", "reason": "Contact reason", "language": "Language"}[dim]
    sentence = (
        f"{what} {value}, week of {day(start)}: "
        + "; ".join(_figure(t) for t, _ in rises)
        + f" (against the {BASELINE_WEEKS} weeks before). A change in the system, not in one agent: "
        f"{len(np.unique(frame.agent[in_cell]))} agents took these {len(in_cell)} calls."
    )
    evidence: list[dict[str, object]] = [
        {
            "metric": t.metric,
            "week": round(float(np.exp(t.now)) if t.metric == "handle_seconds" else t.now, 4),
            "baseline": round(float(np.exp(t.before)) if t.metric == "handle_seconds" else t.before, 4),
            "calls": t.n_now,
            "baseline_calls": t.n_before,
            "q_value": float(f"{qv:.3g}"),
        }
        for t, qv in rises
    ]
    evidence.append({"interaction_ids": [str(frame.ids[i]) for i in longest]})
    return Signal(
        kind="friction",
        subject={SUBJECT_KEY[dim]: value},
        sentence=sentence,
        strength=strength_of(rises[0][1]),
        behavior=None,
        period=period,
        evidence=evidence,
    )
