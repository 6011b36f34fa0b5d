"""Root cause: which segments have significantly lower behaviour pass rates or outcomes.

Segments are queue, contact reason, language, channel, hour of day, tenure band (from the
agent's hire date) and team. Each segment value is compared with the rest of the period's
calls: every behaviour's pass rate and the repeat-contact rate by a two-proportion z-test,
CSAT and the caller's own rating by Welch's t-test (from group summaries). All tests of a
run go into one Benjamini-Hochberg correction; a segment is reported where it is lower
with q below `FDR` and by at least `MIN_GAP`. Segments overlap (a weak team may also be
the one with the new hires); each signal names one and says how many calls it covers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from coachloop.model import Period, Signal
from coachloop.signals.frame import CallFrame
from coachloop.signals.stat import bh, codes, proportion_test, strength_of

__all__ = ["FDR", "find_root_causes", "segments"]

FDR = 0.05
MIN_CALLS = 30
MIN_GAP = {"pass_rate": 0.08, "repeat_rate": 0.05, "csat": 0.25, "rating": 0.05}
"""Smallest shortfall reported: 8 points of pass rate, 5 points more repeats, a quarter
CSAT point, 5 points of the caller's rating (0-1)."""
TENURE_BANDS = ((0, 90, "under 90 days"), (90, 365, "90 days-1 year"), (365, 1095, "1-3 years"))

Strs = npt.NDArray[np.object_]


def _tenure_band(days: npt.NDArray[np.float64]) -> Strs:
    out = np.full(len(days), "", dtype=object)
    for lo, hi, label in TENURE_BANDS:
        out[(days >= lo) & (days < hi)] = label
    out[days >= TENURE_BANDS[-1][1]] = "3 years or more"
    return out


def segments(frame: CallFrame) -> dict[str, Strs]:
    """Each segment dimension's value per call ("" where unknown)."""
    hours = np.floor(frame.started / 3600) % 24
    labels = np.array([f"{h:02d}:00" for h in range(24)] + [""], dtype=object)
    hour = labels[np.where(np.isfinite(hours), hours, 24).astype(np.int64)]
    return {
        "queue": frame.queue,
        "contact_reason": frame.reason,
        "language": frame.language,
        "channel": frame.channel,
        "hour": hour,
        "tenure_band": _tenure_band(frame.tenure_days),
        "team": frame.team,
    }


@dataclass(slots=True)
class _Gap:
    dim: str
    value: str
    measure: str
    """pass_rate, repeat_rate, csat or rating."""
    behavior: str | None
    inside: float
    outside: float
    n: int
    p: float


def _rate_gaps(
    dim: str,
    names: list[str],
    hits_in: Floats,
    n_in: Floats,
    hits_all: float,
    n_all: float,
    measure: str,
    behavior: str | None,
) -> list[_Gap]:
    hits_out, n_out = hits_all - hits_in, n_all - n_in
    z, p = proportion_test(hits_in, n_in, hits_out, n_out)
    out = []
    for i, name in enumerate(names):
        if not name or n_in[i] < MIN_CALLS or n_out[i] < MIN_CALLS or not np.isfinite(z[i]):
            continue
        out.append(
            _Gap(
                dim,
                name,
                measure,
                behavior,
                hits_in[i] / n_in[i],
                hits_out[i] / n_out[i],
                int(n_in[i]),
                float(p[i]),
            )
        )
    return out


Floats = npt.NDArray[np.float64]


def _mean_gaps(
    dim: str, names: list[str], code: npt.NDArray[np.int64], values: Floats, measure: str
) -> list[_Gap]:
    known = ~np.isnan(values)
    c, v = code[known], values[known]
    size = len(names)
    n = np.bincount(c, minlength=size).astype(float)
    s = np.bincount(c, weights=v, minlength=size)
    ss = np.bincount(c, weights=v * v, minlength=size)
    out = []
    for i, name in enumerate(names):
        n_out = n.sum() - n[i]
        if not name or n[i] < MIN_CALLS or n_out < MIN_CALLS:
            continue
        m_in, m_out = s[i] / n[i], (s.sum() - s[i]) / n_out
        v_in = max(0.0, (ss[i] - n[i] * m_in**2) / (n[i] - 1))
        v_out = max(0.0, (ss.sum() - ss[i] - n_out * m_out**2) / (n_out - 1))
        if v_in == 0 and v_out == 0:
            continue
        res = stats.ttest_ind_from_stats(
            m_in, np.sqrt(v_in), n[i], m_out, np.sqrt(v_out), n_out, equal_var=False
        )
        out.append(_Gap(dim, name, measure, None, float(m_in), float(m_out), int(n[i]), float(res.pvalue)))
    return out


def find_root_causes(frame: CallFrame) -> list[Signal]:
    if len(frame) == 0:
        return []
    behaviors, bcode = codes(frame.out_behavior)
    # Each behaviour's outcomes (their calls and met flags), once for every segment.
    order = np.argsort(bcode, kind="stable")
    cuts = np.searchsorted(bcode[order], np.arange(len(behaviors) + 1))
    per_behavior = [
        (frame.out_call[order[cuts[j] : cuts[j + 1]]], frame.out_met[order[cuts[j] : cuts[j + 1]]].astype(float))
        for j in range(len(behaviors))
    ]
    gaps: list[_Gap] = []
    for dim, values in segments(frame).items():
        names, code = codes(values)
        if len([n for n in names if n]) < 2:
            continue
        size = len(names)
        for behavior, (calls, met) in zip(behaviors, per_behavior, strict=True):
            oc = code[calls]
            hits = np.asarray(np.bincount(oc, weights=met, minlength=size), dtype=np.float64)
            n = np.bincount(oc, minlength=size).astype(float)
            gaps += _rate_gaps(dim, names, hits, n, float(met.sum()), float(len(met)), "pass_rate", behavior)
        known = ~np.isnan(frame.repeat)
        hits = np.asarray(
            np.bincount(code[known], weights=frame.repeat[known], minlength=size), dtype=np.float64
        )
        n = np.bincount(code[known], minlength=size).astype(float)
        gaps += _rate_gaps(dim, names, hits, n, float(hits.sum()), float(n.sum()), "repeat_rate", None)
        gaps += _mean_gaps(dim, names, code, frame.csat, "csat")
        gaps += _mean_gaps(dim, names, code, frame.rating, "rating")
    if not gaps:
        return []
    q = bh(np.array([g.p for g in gaps]))
    period = Period(
        frame.when(float(np.nanmin(frame.started))), frame.when(float(np.nanmax(frame.started)) + 1)
    )
    return [
        _signal(g, float(qv), period)
        for g, qv in zip(gaps, q.tolist(), strict=True)
        if qv < FDR and _worse(g)
    ]


def _worse(g: _Gap) -> bool:
    if g.measure == "repeat_rate":
        return g.inside - g.outside >= MIN_GAP[g.measure]
    return g.outside - g.inside >= MIN_GAP[g.measure]


def _signal(g: _Gap, q: float, period: Period) -> Signal:
    where = f"In {g.dim.replace('_', ' ')} {g.value}"
    if g.measure == "pass_rate":
        what = f"{g.behavior} is met on {g.inside:.0%} of calls, against {g.outside:.0%} elsewhere"
    elif g.measure == "repeat_rate":
        what = f"{g.inside:.0%} of calls bring the customer back within 7 days, against {g.outside:.0%} elsewhere"
    elif g.measure == "csat":
        what = f"CSAT averages {g.inside:.2f}, against {g.outside:.2f} elsewhere"
    else:
        what = f"callers rate their call {g.inside:.0%} of the scale, against {g.outside:.0%} elsewhere"
    sentence = f"{where}, {what} ({g.n} calls; q = {q:.2g} after checking every segment)."
    return Signal(
        kind="root_cause",
        subject={g.dim: g.value},
        sentence=sentence,
        strength=strength_of(q),
        behavior=g.behavior,
        period=period,
        evidence=[
            {
                "measure": g.measure,
                "segment": round(g.inside, 4),
                "elsewhere": round(g.outside, 4),
                "calls": g.n,
                "q_value": float(f"{q:.3g}"),
            }
        ],
    )
