"""Drift: an agent's pass rates sliding below their own earlier level.

**Whether** an agent drifts is a trend test over their calls in time order. For each
behaviour, among the calls where it applied, the correlation between the call's position
and met/missed gives a z (negative: sliding); the agent's slide statistic is the sum of
the squared negative z's over behaviours (a behaviour that rose counts nothing), so
several behaviours slipping together weigh most. One behaviour of one agent is a few
calls a week; a drifting agent usually lets several slip together, gradually, which a
trend test sees sooner than a test for one step.

The test is calibrated per agent by permutation: if the agent is stable, the order of
their calls is exchangeable, so the statistic of the real order is compared with its
value over up to `PERMUTATIONS` shuffles of their calls. An agent is flagged when that
p-value is at most `ALPHA`, so a stable agent is flagged with probability at most 5 %,
whatever their volume or pass rates.

**When** it started is dated with one Bernoulli CUSUM (Page's) over every behaviour at once,
on the same calls and shuffles: the agent's first `BASELINE_SHARE` of calls set their own
level p0 on each behaviour (shrunk toward the team's rate by `TEAM_WEIGHT` calls' worth,
so a few lucky calls do not set an impossible bar), and each later call adds, for every
behaviour that applied, the log-likelihood ratio of "the odds of meeting it fell
`SHIFT`-fold" against "still p0"; never below zero. The alarm is the first call at which
the CUSUM crossed its limit (the 1 - ALPHA quantile of its maximum over the shuffles, else
its peak); the slide is dated from the last call before it at which the sum was zero.
Each behaviour whose own rate fell after that date (one-sided p < `BEHAVIOR_P`, Bonferroni
over the agent's behaviours) gets a signal; failing any, the behaviour that added most to
the CUSUM at its peak; an agent flagged without one gets a single signal, no behaviour.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy import stats

from coachloop.model import Period, Signal
from coachloop.signals.frame import CallFrame
from coachloop.signals.stat import codes, day, proportion_test

__all__ = ["ALPHA", "find_drift"]

ALPHA = 0.05
"""Chance that a stable agent is flagged."""
MIN_CALLS = 30
BASELINE_SHARE = 0.3
SHIFT = 3.0
"""The fall the CUSUM is tuned to: odds of meeting a behaviour 3 times lower."""
TEAM_WEIGHT = 8.0
"""Prior calls' worth of the team's rate in an agent's baseline level."""
PERMUTATIONS = 400
BATCH = 50
EARLY_STOP = 10
BEHAVIOR_P = 0.05

Floats = npt.NDArray[np.float64]


def _paths(met: Floats, applies: Floats, base: int, prior: Floats) -> Floats:
    total: Floats = _each(met, applies, base, prior).sum(axis=2)
    return total


def _each(met: Floats, applies: Floats, base: int, prior: Floats) -> Floats:
    """Summed CUSUM paths over the calls after the baseline: met/applies are (B, calls,
    behaviours); each behaviour keeps its own CUSUM (floored at zero) and the paths add."""
    hits = met[:, :base].sum(axis=1)
    tries = applies[:, :base].sum(axis=1)
    up_met, up_miss = _steps(hits, tries, prior)
    later_met, later_applies = met[:, base:], applies[:, base:]
    steps = later_met * up_met[:, None, :] + (later_applies - later_met) * up_miss[:, None, :]
    return _cusum(steps)


def _steps(hits: Floats, tries: Floats, prior: Floats) -> tuple[Floats, Floats]:
    """Per (batch, behaviour): the CUSUM's step for a call that met it and for one that
    missed it, from the baseline's hits and tries (shrunk toward the team's rate)."""
    p0 = np.clip((hits + TEAM_WEIGHT * prior) / (tries + TEAM_WEIGHT), 0.03, 0.97)
    odds1 = p0 / (1 - p0) / SHIFT
    p1 = odds1 / (1 + odds1)
    return np.log(p1 / p0), np.log((1 - p1) / (1 - p0))


def _cusum(steps: Floats) -> Floats:
    c = np.cumsum(steps, axis=1)
    out: Floats = c - np.minimum(np.minimum.accumulate(c, axis=1), 0.0)
    return out


def _shuffled_statistics(
    perm: npt.NDArray[np.int64], met: Floats, applies: Floats, base: int, prior: Floats
) -> Floats:
    """(CUSUM maximum, slide statistic) of each shuffle of one agent's calls: the same
    figures as `_paths` and `_slide` of `met[perm]`, `applies[perm]`, computed without
    making every shuffled copy. Sums over positions are products with each call's position
    in the shuffle (BLAS); only the CUSUM, which is sequential, walks the shuffled calls."""
    k, n = perm.shape
    position = np.empty_like(perm)
    np.put_along_axis(position, perm, np.broadcast_to(np.arange(n), (k, n)), axis=1)
    t = position.astype(np.float64)
    # The slide: the trend z per behaviour from position sums (see `_trend`).
    count = applies.sum(axis=0)[None, :]
    sm = met.sum(axis=0)[None, :]
    st = t @ applies
    stt = (t * t) @ applies
    stm = t @ met
    with np.errstate(invalid="ignore", divide="ignore"):
        p = sm / count
        cov = stm / count - (st / count) * p
        var_t = stt / count - (st / count) ** 2
        z = cov / np.sqrt(var_t * p * (1 - p)) * np.sqrt(count)
    z = np.where((sm >= 3) & (count - sm >= 3) & np.isfinite(z), z, 0.0)
    slide = (np.minimum(z, 0.0) ** 2).sum(axis=1)
    # The CUSUM: the baseline's hits and tries from the calls shuffled into it.
    early = (position < base).astype(np.float64)
    up_met, up_miss = _steps(early @ met, early @ applies, prior[None, :])
    later = perm[:, base:]
    m, miss = met[later], (applies - met)[later]
    maxima = _cusum(m * up_met[:, None, :] + miss * up_miss[:, None, :]).sum(axis=2).max(axis=1)
    return np.stack([maxima, slide], axis=1)


def _trend(met: Floats, applies: Floats) -> Floats:
    """Per (batch, behaviour): the z of the correlation between call position and met among
    the calls where the behaviour applied (negative: sliding). met/applies are (B, calls,
    behaviours); a behaviour met fewer than 3 times or missed fewer than 3 times gives 0:
    a single late miss of an always-met behaviour is no trend, and its z (heavy-tailed
    with so few events) would only add noise to the sum."""
    t = np.arange(met.shape[1], dtype=np.float64)[None, :, None]
    n = applies.sum(axis=1)
    st = (applies * t).sum(axis=1)
    stt = (applies * t * t).sum(axis=1)
    sm = met.sum(axis=1)
    stm = (met * t).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = sm / n
        cov = stm / n - (st / n) * p
        var_t = stt / n - (st / n) ** 2
        r = cov / np.sqrt(var_t * p * (1 - p))
        z = r * np.sqrt(n)
    out: Floats = np.where((sm >= 3) & (n - sm >= 3) & np.isfinite(z), z, 0.0)
    return out


def _slide(met: Floats, applies: Floats) -> Floats:
    """The trend statistic per batch: the squared slides summed over behaviours (behaviours
    that rose count nothing), so several behaviours slipping together weigh most."""
    z = _trend(met, applies)
    out: Floats = (np.minimum(z, 0.0) ** 2).sum(axis=1)
    return out


def _p_value(observed: Floats, shuffled: Callable[[int], Floats]) -> tuple[float, Floats]:
    """Permutation p-value of the slide statistic (column 1 of `observed` and of the
    shuffles; column 0 is the CUSUM maximum, kept for dating), stopping early once it is
    clearly above `ALPHA` (Besag and Clifford's sequential test: after `EARLY_STOP`
    exceedances the answer cannot change)."""
    nulls: list[Floats] = []
    above = 0
    done = 0
    while done < PERMUTATIONS:
        batch = shuffled(min(BATCH, PERMUTATIONS - done))
        nulls.append(batch)
        above += int((batch[:, 1] >= observed[1]).sum())
        done += len(batch)
        if above >= EARLY_STOP:
            break
    null = np.concatenate(nulls)
    return (1 + above) / (1 + done), null


def find_drift(frame: CallFrame, *, seed: int = 0, alpha: float = ALPHA) -> list[Signal]:
    if len(frame.out_call) == 0:
        return []
    rng = np.random.default_rng(seed)
    behaviors, bcode = codes(frame.out_behavior)
    teams, tcode = codes(frame.team)
    nb = len(behaviors)
    # Team rate per behaviour: the prior each agent's baseline is shrunk toward.
    cell = tcode[frame.out_call] * nb + bcode
    size = len(teams) * nb
    t_met = np.bincount(cell, weights=frame.out_met.astype(float), minlength=size)
    t_all = np.bincount(cell, minlength=size).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        team_rate = np.where(t_all > 0, t_met / t_all, 0.5).reshape(len(teams), nb)
    agents, acode = codes(frame.agent)
    call_order = np.lexsort((frame.started, acode))
    bounds = np.flatnonzero(np.diff(acode[call_order])) + 1
    starts = np.concatenate(([0], bounds))
    # Each call's position among its agent's calls, and the outcomes grouped by agent.
    position = np.empty(len(frame), dtype=np.int64)
    position[call_order] = np.arange(len(frame)) - np.repeat(starts, np.diff(np.append(starts, len(frame))))
    out_agent = acode[frame.out_call]
    out_order = np.argsort(out_agent, kind="stable")
    out_bounds = np.searchsorted(out_agent[out_order], np.arange(len(agents) + 1))
    signals: list[Signal] = []
    for calls in np.split(call_order, bounds):
        code = int(acode[calls[0]])
        agent = agents[code]
        n = len(calls)
        if not agent or n < MIN_CALLS:
            continue
        idx = out_order[out_bounds[code] : out_bounds[code + 1]]
        if len(idx) == 0:
            continue
        met = np.zeros((n, nb))
        applies = np.zeros((n, nb))
        pos = position[frame.out_call[idx]]
        applies[pos, bcode[idx]] = 1.0
        met[pos, bcode[idx]] = frame.out_met[idx]
        base = int(BASELINE_SHARE * n)
        prior = team_rate[int(np.bincount(tcode[calls]).argmax())]
        observed = _paths(met[None], applies[None], base, prior[None])[0]
        observed_slide = float(_slide(met[None], applies[None])[0])
        if observed_slide <= 0.0:
            continue  # no behaviour slid at all

        def shuffled(
            k: int,
            n: int = n,
            met: Floats = met,
            applies: Floats = applies,
            prior: Floats = prior,
            base: int = base,
        ) -> Floats:
            perm = rng.permuted(np.broadcast_to(np.arange(n), (k, n)), axis=1)
            return _shuffled_statistics(perm, met, applies, base, prior)

        p, null = _p_value(np.array([observed.max(), observed_slide]), shuffled)
        if p > alpha:
            continue
        limit = float(np.quantile(null[:, 0], 1 - alpha))
        signals.extend(
            _signals(frame, agent, calls, met, applies, behaviors, base, prior, observed, limit, p)
        )
    return signals


def _signals(
    frame: CallFrame,
    agent: str,
    calls: npt.NDArray[np.int64],
    met: Floats,
    applies: Floats,
    behaviors: list[str],
    base: int,
    prior: Floats,
    path: Floats,
    limit: float,
    p: float,
) -> list[Signal]:
    crossed = np.flatnonzero(path >= limit)
    alarm = int(crossed[0]) if len(crossed) else int(np.argmax(path))
    zeros = np.flatnonzero(path[: alarm + 1] <= 0.0)
    change = base + (int(zeros[-1]) + 1 if len(zeros) else 0)
    t_change = float(frame.started[calls[change]])
    t_alarm = float(frame.started[calls[base + alarm]])
    t_end = float(frame.started[calls[-1]])
    hits_b, n_b = met[:change].sum(axis=0), applies[:change].sum(axis=0)
    hits_a, n_a = met[change:].sum(axis=0), applies[change:].sum(axis=0)
    z, _ = proportion_test(hits_b, n_b, hits_a, n_a)
    one_sided = stats.norm.sf(np.nan_to_num(z, nan=0.0))
    csat = frame.csat[calls]
    csat_before, csat_after = _mean(csat[:change]), _mean(csat[change:])
    # Behaviours named: those whose own fall is clear even after looking at all of them
    # (Bonferroni); else the one that added most to the CUSUM at its peak.
    sliding = [
        int(j)
        for j in np.argsort(-np.nan_to_num(z, nan=-np.inf))
        if one_sided[j] < BEHAVIOR_P / len(behaviors)
    ]
    if not sliding:
        contribution = _each(met[None], applies[None], base, prior[None])[0, int(np.argmax(path))]
        top = int(np.argmax(contribution))
        sliding = [top] if contribution[top] > 0 and one_sided[top] < 0.5 else []
    period = Period(frame.when(t_change), frame.when(t_end))
    common = {
        "change_at": day(t_change),
        "alarm_at": day(t_alarm),
        "cusum_max": round(float(path.max()), 3),
        "cusum_limit": round(limit, 3),
        "p_value": round(p, 4),
        "calls_before": change,
        "calls_after": len(calls) - change,
        "csat_before": csat_before,
        "csat_after": csat_after,
    }
    strength = _strength(p)
    if not sliding:
        sentence = (
            f"{agent}'s pass rates slid after {day(t_change)} (CUSUM alarm on {day(t_alarm)}, trend permutation "
            f"p = {p:.3f}), spread over several behaviours with no one of them clearly lower."
        )
        return [Signal("drift", {"agent_id": agent}, sentence, strength, None, period, [common])]
    out: list[Signal] = []
    for j in sliding:
        b = behaviors[j]
        before, after = hits_b[j] / n_b[j], hits_a[j] / n_a[j]
        missed = [
            str(frame.ids[c])
            for c, m, a in zip(calls[change:], met[change:, j], applies[change:, j], strict=True)
            if a and not m
        ]
        sentence = (
            f"{agent}'s {b} pass rate slid from {before:.0%} ({int(n_b[j])} calls to {day(t_change)}) to "
            f"{after:.0%} ({int(n_a[j])} calls since); the CUSUM alarm went off on {day(t_alarm)} "
            f"(permutation p = {p:.3f})."
        )
        figures = {
            **common,
            "rate_before": round(float(before), 4),
            "applicable_before": int(n_b[j]),
            "rate_after": round(float(after), 4),
            "applicable_after": int(n_a[j]),
            "z": round(float(z[j]), 3),
        }
        out.append(
            Signal(
                "drift",
                {"agent_id": agent},
                sentence,
                round(strength + min(2.0, float(z[j])) / 10, 3),
                b,
                period,
                [figures, {"missed_interaction_ids": missed[-10:]}],
            )
        )
    return out


def _strength(p: float) -> float:
    return round(float(min(10.0, stats.norm.isf(p / 2))), 3)


def _mean(values: Floats) -> float | None:
    values = values[~np.isnan(values)]
    return round(float(values.mean()), 3) if len(values) else None
