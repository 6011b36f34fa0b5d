"""Incentive audit: metrics a pay plan rewards that, in the data, trade against outcomes.

A plan that pays for short handle time is fine until the agents who are fastest are also
the ones whose customers call back. For each plan (`coachloop inputs plan.yaml`) and each
KPI it rewards, the agents' shrunk estimates of that KPI are correlated (Spearman) with
their shrunk estimates of each outcome: FCR, repeat-contact rate, CSAT, compliance pass
rate (an outcome the plan itself rewards is still checked against the others). Both are
turned so that larger is better; a significantly negative correlation (Holm-corrected
p < `ALPHA` after Benjamini-Hochberg control over every pair tested) means doing better on what is paid goes with doing
worse for the customer. Agents with fewer than `MIN_CONTACTS` contacts are left out.
Strength: |rho| times the KPI's share of the plan's weight, times 4.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select

from coachloop.metrics import KPIS, MetricsQuery, compute_metrics
from coachloop.model import Period, Signal
from coachloop.store import Store
from coachloop.store.tables import incentive_weights

__all__ = ["ALPHA", "MIN_AGENTS", "MIN_CONTACTS", "OUTCOMES", "find_incentive_signals"]

OUTCOMES = ("fcr_rate", "repeat_rate", "csat", "compliance_pass_rate")
ALPHA = 0.05
MIN_CONTACTS = 20
MIN_AGENTS = 8


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


def find_incentive_signals(
    store: Store,
    *,
    plan: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    rubric: str | None = None,
) -> list[Signal]:
    """Every (rewarded KPI, outcome) pair that trades against each other, strongest first."""
    from scipy.stats import false_discovery_control, spearmanr

    plans = _plans(store, plan)
    if not plans:
        return []
    rewarded = {kpi for weights in plans.values() for kpi, _, _ in weights}
    kpis = tuple(sorted(rewarded | set(OUTCOMES) | {"contacts"}))
    with store.connect("cannot compute agent KPIs") as conn:
        rows = compute_metrics(
            conn, MetricsQuery(by=("agent",), kpis=kpis, since=since, until=until, rubric=rubric)
        )
    rows = [r for r in rows if r.keys["agent_id"] is not None and r.kpis["contacts"].n >= MIN_CONTACTS]
    period = Period(since, until) if since is not None and until is not None else None

    def series(kpi: str, better: str) -> np.ndarray[Any, np.dtype[np.float64]]:
        sign = -1.0 if better == "lower" else 1.0
        values = []
        for r in rows:
            est = r.kpis[kpi]
            v = est.shrunk if est.shrunk is not None else est.value
            values.append(np.nan if v is None else sign * v)
        return np.array(values, dtype=np.float64)

    tests: list[dict[str, Any]] = []
    for name, weights in plans.items():
        total = sum(w for _, w, _ in weights)
        for kpi, weight, better in weights:
            paid = series(kpi, better)
            for outcome in OUTCOMES:
                if outcome == kpi:
                    continue
                good = series(outcome, KPIS[outcome].better or "higher")
                keep = ~np.isnan(paid) & ~np.isnan(good)
                if keep.sum() < MIN_AGENTS or np.ptp(paid[keep]) == 0 or np.ptp(good[keep]) == 0:
                    continue
                rho, p = spearmanr(paid[keep], good[keep])
                tests.append(
                    {
                        "plan": name,
                        "kpi": kpi,
                        "better": better,
                        "share": weight / total,
                        "outcome": outcome,
                        "rho": float(rho),
                        "p": float(p),
                        "agents": int(keep.sum()),
                    }
                )
    adjusted = false_discovery_control([t["p"] for t in tests]) if tests else []
    for test, q in zip(tests, adjusted, strict=True):
        test["q"] = float(q)
    signals = []
    for t in tests:
        if t["rho"] >= 0 or t["q"] >= ALPHA:
            continue
        outcome_better = KPIS[t["outcome"]].better or "higher"
        sentence = (
            f"Plan {t['plan']} rewards {_phrase(t['kpi'], t['better'])} ({t['share']:.0%} of its weight), "
            f"but across {t['agents']} agents those who deliver it have {_phrase(t['outcome'], 'lower' if outcome_better == 'higher' else 'higher')} "
            f"(Spearman rho = {t['rho']:.2f}, BH-adjusted p = {t['q']:.3g}): the plan pays for a trade against customers."
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
