"""Rubric validity: does meeting each behaviour go with better outcomes, and do QA scores
follow what customers say?

For every behaviour, calls where it was met are compared with calls where it was missed
on each outcome the data has: CSAT (Welch's t), the caller's own rating (`survey.ratings`,
e.g. HVB's caller rating; Welch's t) and repeat contact (two-proportion z). All of a run's
tests share one Benjamini-Hochberg correction. A behaviour is flagged when it was tested
with enough calls on both sides (`MIN_CALLS`) and predicts no outcome (no q below `FDR`),
or when meeting it goes with a significantly *worse* outcome. QA scores are checked
against each outcome with Spearman's rank correlation: a score that does not rise with
CSAT or the caller's rating (or fall with repeats) is an outcome diverging from QA.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from coachloop.model import Period, Signal
from coachloop.signals.frame import CallFrame
from coachloop.signals.stat import bh, codes, mean_test, proportion_test, strength_of

__all__ = ["FDR", "behavior_associations", "find_validity"]

FDR = 0.05
MIN_CALLS = 30
MIN_RHO = 0.05
"""A QA score whose correlation with an outcome is below this (or not significant) diverges."""
OUTCOMES = {"csat": "CSAT", "rating": "the caller's rating", "repeat": "repeat contact"}

Floats = npt.NDArray[np.float64]


@dataclass(slots=True)
class _Assoc:
    behavior: str
    outcome: str
    met: float
    missed: float
    n_met: int
    n_missed: int
    better: bool
    """Meeting the behaviour goes with the better outcome (higher CSAT/rating, fewer repeats)."""
    p: float


def _associations(frame: CallFrame, behavior: str, mask: npt.NDArray[np.bool_]) -> list[_Assoc]:
    calls = frame.out_call[mask]
    met = frame.out_met[mask]
    out = []
    for outcome in OUTCOMES:
        values: Floats = getattr(frame, outcome)[calls]
        known = ~np.isnan(values)
        a, b = values[known & met], values[known & ~met]
        if len(a) < MIN_CALLS or len(b) < MIN_CALLS:
            continue
        if outcome == "repeat":
            z, p = proportion_test(a.sum(), len(a), b.sum(), len(b))
            stat, pv = float(z[()]), float(p[()])
            better = stat < 0
        else:
            stat, pv = mean_test(a, b)
            better = stat > 0
        if not np.isfinite(pv):
            continue
        out.append(_Assoc(behavior, outcome, float(a.mean()), float(b.mean()), len(a), len(b), better, pv))
    return out


def behavior_associations(frame: CallFrame) -> dict[str, list[_Assoc]]:
    """Each behaviour's met-vs-missed comparison on every outcome with enough calls (raw
    p-values, no correction): what coaching weighs focus behaviours by."""
    behaviors, bcode = codes(frame.out_behavior)
    return {b: _associations(frame, b, bcode == j) for j, b in enumerate(behaviors)}


def find_validity(frame: CallFrame) -> list[Signal]:
    if len(frame) == 0:
        return []
    behaviors, bcode = codes(frame.out_behavior)
    tests = [a for j, b in enumerate(behaviors) for a in _associations(frame, b, bcode == j)]
    period = Period(
        frame.when(float(np.nanmin(frame.started))), frame.when(float(np.nanmax(frame.started)) + 1)
    )
    signals: list[Signal] = []
    if tests:
        q = bh(np.array([t.p for t in tests]))
        for behavior in behaviors:
            mine = [(t, float(qv)) for t, qv in zip(tests, q.tolist(), strict=True) if t.behavior == behavior]
            if not mine:
                continue
            wrong = [(t, qv) for t, qv in mine if qv < FDR and not t.better]
            right = [(t, qv) for t, qv in mine if qv < FDR and t.better]
            if wrong:
                signals.append(_wrong_way(frame, behavior, wrong, period))
            elif not right:
                signals.append(_no_outcome(frame, behavior, mine, period))
    signals += _score_divergence(frame, period)
    return signals


def _describe(t: _Assoc) -> str:
    if t.outcome == "repeat":
        return f"repeat contacts {t.met:.0%} when met vs {t.missed:.0%} when missed"
    if t.outcome == "rating":
        return f"caller rating {t.met:.0%} vs {t.missed:.0%} of the scale"
    return f"CSAT {t.met:.2f} vs {t.missed:.2f}"


def _figures(t: _Assoc, q: float) -> dict[str, object]:
    return {
        "outcome": t.outcome,
        "met": round(t.met, 4),
        "missed": round(t.missed, 4),
        "calls_met": t.n_met,
        "calls_missed": t.n_missed,
        "q_value": float(f"{q:.3g}"),
    }


def _no_outcome(frame: CallFrame, behavior: str, mine: list[tuple[_Assoc, float]], period: Period) -> Signal:
    compliance = (
        " It is a critical behaviour: keep it for compliance, not for outcomes."
        if behavior in frame.critical
        else ""
    )
    sentence = (
        f"{behavior} predicts none of the outcomes measured: "
        + "; ".join(_describe(t) for t, _ in mine)
        + f" (none significant after checking every behaviour).{compliance}"
    )
    n = min(min(t.n_met, t.n_missed) for t, _ in mine)
    return Signal(
        kind="rubric_validity",
        subject={"behavior": behavior},
        sentence=sentence,
        # A missing association is weaker news than a found one; more calls make it firmer.
        strength=round(min(2.0, float(np.log10(max(n, 1))) / 2), 3),
        behavior=behavior,
        period=period,
        evidence=[_figures(t, qv) for t, qv in mine],
    )


def _wrong_way(frame: CallFrame, behavior: str, wrong: list[tuple[_Assoc, float]], period: Period) -> Signal:
    sentence = (
        f"The rubric rewards {behavior}, but calls that meet it do worse: "
        + "; ".join(_describe(t) for t, _ in wrong)
        + "."
    )
    return Signal(
        kind="rubric_validity",
        subject={"behavior": behavior},
        sentence=sentence,
        strength=strength_of(min(qv for _, qv in wrong)),
        behavior=behavior,
        period=period,
        evidence=[_figures(t, qv) for t, qv in wrong],
    )


def _score_divergence(frame: CallFrame, period: Period) -> list[Signal]:
    out = []
    for outcome, label in OUTCOMES.items():
        values: Floats = getattr(frame, outcome)
        known = ~np.isnan(values) & ~np.isnan(frame.score)
        if known.sum() < MIN_CALLS or np.ptp(values[known]) == 0 or np.ptp(frame.score[known]) == 0:
            continue
        sign = -1.0 if outcome == "repeat" else 1.0
        rho, p = stats.spearmanr(frame.score[known], sign * values[known])
        rho, p = float(rho), float(p)
        if rho >= MIN_RHO and p < FDR:
            continue
        sentence = (
            f"QA scores do not follow {label}: Spearman's rank correlation between a call's QA score and "
            f"{'fewer repeat contacts' if outcome == 'repeat' else label} is {rho:.2f} over {int(known.sum())} "
            "calls. The rubric may be rewarding the wrong things."
        )
        out.append(
            Signal(
                kind="rubric_validity",
                subject={"outcome": outcome},
                sentence=sentence,
                strength=round(1.0 + min(2.0, float(np.log10(known.sum())) / 2), 3),
                behavior=None,
                period=period,
                evidence=[
                    {
                        "outcome": outcome,
                        "spearman_rho": round(rho, 4),
                        "p_value": float(f"{p:.3g}"),
                        "calls": int(known.sum()),
                    }
                ],
            )
        )
    return out
