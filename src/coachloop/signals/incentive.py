"""Incentive audit: metrics a pay plan rewards that, in the data, trade against outcomes.

A plan that pays for short handle time is fine until the agents who are fastest are also
the ones whose customers call back. For each plan (`coachloop inputs plan.yaml`) and each
KPI it rewards, the agents' figures on that KPI are compared with their figures on each
outcome: FCR, repeat-contact rate, CSAT, compliance pass rate (an outcome the plan itself
rewards is still checked against the others). Both are turned so that larger is better.

The question is whether the plan's trade runs through the body of agents, not whether a
few unusual agents exist: every center has a rushed agent who skips steps and a slow,
thorough one, and these two alone make "faster goes with worse" look significant across
forty agents. So the comparison is built to answer the plan's question:

* each KPI is read **in context** where the registry has a context form (handle time
  against the agent's own reason and channel mix, `CONTEXT`), so an agent who takes the
  hard calls is not counted slow;
* the raw per-agent figures are used, not the shrunk ones (shrinking pulls agents toward
  their team, which turns the comparison into one of teams);
* the association is a rank correlation **within teams** (ranks centred per team, pooled),
  tested against a permutation null that shuffles outcomes among agents of the same team
  (`PERMUTATIONS`): teams differ in outcomes for reasons of their own (supervision) and
  that is not what a pay plan does;
* agents whose rewarded figure lies beyond `OUTLIER_MADS` robust deviations (median
  absolute deviation) of the others are left out of the test and named in the evidence:
  they are individual cases for coaching, not the plan's effect.

A pair is raised when the correlation is negative and its Benjamini-Hochberg-adjusted
one-sided p-value over every pair tested is below `ALPHA`. Agents with fewer than
`MIN_CONTACTS` contacts are left out. Strength: |rho| times the KPI's share of the plan's
weight, times 4.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from coachloop.metrics import KPIS, MetricsQuery, compute_metrics
from coachloop.model import Period, Signal
from coachloop.store import Store
from coachloop.store.tables import incentive_weights

__all__ = [
    "ALPHA",
    "CONTEXT",
    "MIN_AGENTS",
    "MIN_CONTACTS",
    "OUTCOMES",
    "detectable_rho",
    "find_incentive_signals",
    "incentive_tests",
    "within_team_trade",
]

OUTCOMES = ("fcr_rate", "repeat_rate", "csat", "compliance_pass_rate")
ALPHA = 0.05
MIN_CONTACTS = 20
MIN_AGENTS = 8
CONTEXT = {"aht_seconds": "aht_context_ratio"}
"""A rewarded KPI -> the KPI that reads it against the agent's contact mix."""
OUTLIER_MADS = 3.5
"""Agents this many scaled MADs from the median of a rewarded KPI are set aside."""
PERMUTATIONS = 4000
POWER = 0.8
"""The power at which `detectable_rho` is quoted."""
DETECT_VARIANCE = 1.35
"""Variance factor of Fisher's z of the within-team rank correlation, against 1 for a
Pearson correlation of normal data: ranks (Spearman's 1.06 and its lower efficiency) and
centring within teams. Checked by simulation (tests/signals/test_incentive_test.py: the
quoted trade is found about 80 % of the time)."""

Floats = npt.NDArray[np.float64]


def _centred_ranks(values: Floats, groups: list[npt.NDArray[np.int64]]) -> Floats:
    from scipy.stats import rankdata

    out = np.empty(len(values))
    for g in groups:
        out[g] = (rankdata(values[g]) - (len(g) + 1) / 2) / len(g)
    return out


def within_team_trade(
    paid: Floats,
    good: Floats,
    team: npt.NDArray[np.int64],
    *,
    seed: int = 0,
    permutations: int = PERMUTATIONS,
) -> tuple[float, float]:
    """(rho, p): the rank correlation of `paid` and `good` within teams (ranks centred per
    team, pooled) and its one-sided permutation p-value for a negative correlation, from
    shuffles of `good` among agents of the same team. A team of one agent adds nothing."""
    groups = [np.flatnonzero(team == t) for t in np.unique(team)]
    groups = [g for g in groups if len(g) > 1]
    if not groups:
        return 0.0, 1.0
    rows = np.concatenate(groups)
    x = _centred_ranks(paid, groups)[rows]
    y = _centred_ranks(good, groups)[rows]
    # Re-index the groups into the pooled rows.
    at = np.cumsum([0, *[len(g) for g in groups]])
    local = [np.arange(at[k], at[k + 1]) for k in range(len(groups))]
    sx, sy = np.sqrt((x * x).sum()), np.sqrt((y * y).sum())
    if sx == 0 or sy == 0:
        return 0.0, 1.0
    rho = float((x * y).sum() / (sx * sy))
    rng = np.random.default_rng(seed)
    shuffled = np.broadcast_to(y, (permutations, len(y))).copy()
    for g in local:
        shuffled[:, g] = rng.permuted(shuffled[:, g], axis=1)
    null = shuffled @ x / (sx * sy)
    p = (1 + int((null <= rho).sum())) / (1 + permutations)
    return rho, p


def _outliers(values: Floats) -> npt.NDArray[np.bool_]:
    if len(values) == 0:  # no agent with both KPIs in the period (a team page with no contacts)
        return np.zeros(0, dtype=bool)
    med = np.median(values)
    mad = 1.4826 * np.median(np.abs(values - med))
    if mad == 0:
        return np.zeros(len(values), dtype=bool)
    out: npt.NDArray[np.bool_] = np.abs(values - med) / mad > OUTLIER_MADS
    return out


def _plans(store: Store, plan: str | None) -> dict[str, list[tuple[str, float, str]]]:
    w = incentive_weights
    query = select(w.c.plan, w.c.kpi, w.c.weight, w.c.better).order_by(w.c.plan, w.c.kpi)
    if plan is not None:
        query = query.where(w.c.plan == plan)
    plans: dict[str, list[tuple[str, float, str]]] = {}
    with store.connect("cannot read incentive plans") as conn:
        for name, kpi, weight, better in conn.execute(query):
            plans.setdefault(name, []).append((kpi, float(weight), better))
    return plans


def _phrase(kpi: str, better: str) -> str:
    title = KPIS[kpi].title
    return f"{'lower' if better == 'lower' else 'higher'} {title.lower()}"


def detectable_rho(agents: int, teams: int, level: float, power: float = POWER) -> float:
    """The smallest trade (a correlation between the agents' paid figure and the outcome,
    within teams) that the test at one-sided `level` finds with probability `power` among
    `agents` agents in `teams` teams: Fisher's z with variance `DETECT_VARIANCE` / (n - 2 -
    teams). 1.0 when there are too few agents to say."""
    from scipy.stats import norm

    df = agents - 2 - max(1, teams)
    if df <= 0:
        return 1.0
    return float(np.tanh((norm.isf(level) + norm.isf(1 - power)) * np.sqrt(DETECT_VARIANCE / df)))


def incentive_tests(
    store: Store,
    *,
    plan: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    rubric: str | None = None,
    compliance_behaviors: frozenset[tuple[str, str]] = frozenset(),
) -> list[dict[str, Any]]:
    """Every (plan, rewarded KPI, outcome) pair the audit tests, raised or not, with its
    figures: rho, the one-sided permutation p, the BH-adjusted q over every pair, the
    agents tested and set aside, and `detectable_rho` (the smallest |rho| the test finds
    80 % of the time when this pair is the only trade, at level ALPHA / pairs): a pair not
    raised whose true trade is weaker than that was not detectable in this data, which
    is different from "there is no trade"."""
    from scipy.stats import false_discovery_control

    plans = _plans(store, plan)
    if not plans:
        return []
    rewarded = {kpi for weights in plans.values() for kpi, _, _ in weights}
    read = {CONTEXT.get(k, k) for k in rewarded}
    kpis = tuple(sorted(read | set(OUTCOMES) | {"contacts"}))
    with store.connect("cannot compute agent KPIs") as conn:
        rows = compute_metrics(
            conn,
            MetricsQuery(
                by=("agent", "team"),
                kpis=kpis,
                since=since,
                until=until,
                rubric=rubric,
                compliance_behaviors=compliance_behaviors,
            ),
        )
    rows = [r for r in rows if r.keys["agent_id"] is not None and r.kpis["contacts"].n >= MIN_CONTACTS]
    # An agent who moved team in the period counts in the team of most of their contacts.
    main: dict[str, Any] = {}
    for r in sorted(rows, key=lambda r: r.kpis["contacts"].n):
        main[r.keys["agent_id"]] = r
    rows = sorted(main.values(), key=lambda r: str(r.keys["agent_id"]))
    team = np.unique(np.array([str(r.keys["team"]) for r in rows], dtype=object), return_inverse=True)[1]

    def series(kpi: str, better: str) -> Floats:
        sign = -1.0 if better == "lower" else 1.0
        values = [r.kpis[kpi].value for r in rows]
        return np.array([np.nan if v is None else sign * v for v in values], dtype=np.float64)

    tests: list[dict[str, Any]] = []
    for name, weights in plans.items():
        total = sum(w for _, w, _ in weights)
        for kpi, weight, better in weights:
            measured = CONTEXT.get(kpi, kpi)
            paid = series(measured, better)
            known = ~np.isnan(paid)
            outlying = np.zeros(len(rows), dtype=bool)
            outlying[known] = _outliers(paid[known])
            for outcome in OUTCOMES:
                if outcome == kpi:
                    continue
                good = series(outcome, KPIS[outcome].better or "higher")
                keep = known & ~np.isnan(good) & ~outlying
                if keep.sum() < MIN_AGENTS or np.ptp(paid[keep]) == 0 or np.ptp(good[keep]) == 0:
                    continue
                rho, p = within_team_trade(paid[keep], good[keep], team[keep])
                tests.append(
                    {
                        "plan": name,
                        "kpi": kpi,
                        "measured_as": measured,
                        "better": better,
                        "share": weight / total,
                        "outcome": outcome,
                        "rho": round(rho, 4),
                        "p": p,
                        "agents": int(keep.sum()),
                        "teams": len(np.unique(team[keep])),
                        "set_aside": sorted(
                            str(r.keys["agent_id"]) for r, o in zip(rows, outlying, strict=True) if o
                        ),
                    }
                )
    adjusted = false_discovery_control([t["p"] for t in tests]) if tests else []
    for test, q in zip(tests, adjusted, strict=True):
        test["q"] = float(q)
        test["detectable_rho"] = round(
            detectable_rho(test["agents"], test.pop("teams"), ALPHA / len(tests)), 3
        )
    return tests


def find_incentive_signals(
    store: Store,
    *,
    plan: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    rubric: str | None = None,
    compliance_behaviors: frozenset[tuple[str, str]] = frozenset(),
) -> list[Signal]:
    """Every (rewarded KPI, outcome) pair that trades against each other, strongest first."""
    tests = incentive_tests(
        store, plan=plan, since=since, until=until, rubric=rubric, compliance_behaviors=compliance_behaviors
    )
    period = Period(since, until) if since is not None and until is not None else None
    signals = []
    for t in tests:
        if t["rho"] >= 0 or t["q"] >= ALPHA:
            continue
        outcome_better = KPIS[t["outcome"]].better or "higher"
        sentence = (
            f"Plan {t['plan']} rewards {_phrase(t['kpi'], t['better'])} ({t['share']:.0%} of its weight), "
            f"but within teams, across {t['agents']} agents, those who deliver it have {_phrase(t['outcome'], 'lower' if outcome_better == 'higher' else 'higher')} "
            f"(within-team rank correlation {t['rho']:.2f}, BH-adjusted permutation p = {t['q']:.3g}): the plan pays for a trade against customers."
        )
        signals.append(
            Signal(
                kind="incentive",
                subject={"plan": t["plan"], "kpi": t["kpi"]},
                sentence=sentence,
                strength=abs(t["rho"]) * t["share"] * 4,
                period=period,
                evidence=[t],
            )
        )
    return sorted(signals, key=lambda s: -s.strength)
