"""Do the signals find what the demo generator planted, on seeds not looked at while building?

For each seed, the default demo (40 agents, 8 weeks, 3,840 calls; six agents drift, an app
update breaks tech_support in week 5, faster agents leave more loose ends under a plan that
pays for speed) and its control (`control_config` with `plant_kpi_effects` off: nobody
drifts, no incident, speed costs nothing) are generated, ingested with their KPI inputs
(schedules, states, engagement, the incentive plan) and evaluated in-process (rubric only,
no insights), then `coachloop.jobs.signals.find_signals` runs on each. Printed per seed
and in total:
- recall of the planted drifting agents (an agent is found when any drift signal names it);
- stable agents flagged for drift (planted run and control), target fewer than 1 in 10;
- the incident found: a friction signal on its queue whose week contains its start;
- friction signals on the control run (target: none);
- the planted incentive trade found (plan speed-bonus, aht_seconds against fcr_rate), and
  incentive signals on the control run (target: none).

    python -m benchmarks.eval_signals [--seeds 101 102 103 104 105] [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from coachloop import jobs
from coachloop.demo import DemoConfig, DemoTruth, control_config, generate
from coachloop.demo.kpi_inputs import write_kpi_inputs
from coachloop.jobs.metrics import load_kpi_inputs
from coachloop.jobs.signals import find_signals
from coachloop.metrics import MetricsQuery, compute_metrics
from coachloop.signals.frame import load_frame
from coachloop.signals.incentive import incentive_tests, within_team_trade
from coachloop.store import Store, open_store

EDGE_WEEKS = 2
"""Weeks at each end over which a drifter's measured and planted pass rates are compared."""


def _trade_figures(store: Store, truth: DemoTruth) -> dict[str, float | int | None]:
    """The audit's aht_seconds / fcr_rate test (raised or not) beside the same test with the
    agents' true speed (`truth`) in place of their handle time: how strong the planted trade
    is, and how much of it handle time, the KPI the plan pays for, carries."""
    tests = [t for t in incentive_tests(store) if t["kpi"] == "aht_seconds" and t["outcome"] == "fcr_rate"]
    if not tests:
        return {"rho": None, "q": None, "detectable_rho": None, "speed_rho": None, "speed_p": None}
    test = tests[0]
    with store.connect("eval") as conn:
        rows = compute_metrics(conn, MetricsQuery(by=("agent", "team"), kpis=("fcr_rate", "contacts")))
    rows = [
        r
        for r in rows
        if r.keys["agent_id"] in truth.agents
        and r.keys["agent_id"] not in test["set_aside"]
        and r.kpis["fcr_rate"].value is not None
        and r.kpis["contacts"].n >= 20
    ]
    speed = np.array([-truth.agents[r.keys["agent_id"]].speed for r in rows])
    fcr = np.array([r.kpis["fcr_rate"].value for r in rows], dtype=np.float64)
    team = np.unique([str(r.keys["team"]) for r in rows], return_inverse=True)[1]
    speed_rho, speed_p = within_team_trade(speed, fcr, team)
    return {
        "rho": test["rho"],
        "p": test["p"],
        "q": round(test["q"], 4),
        "detectable_rho": test["detectable_rho"],
        "speed_rho": round(speed_rho, 3),
        "speed_p": speed_p,
    }


def _drops(store: Store, truth: DemoTruth, drifting: set[str]) -> dict[str, tuple[float, float]]:
    """Per drifting agent: (planted, measured) fall in pass rate over their trending
    behaviours, first `EDGE_WEEKS` weeks against the last ones; planted from the truth's
    skill, measured from the stored (machine) outcomes."""
    with store.connect("eval") as conn:
        frame = load_frame(conn)
    week = ((frame.started - frame.started.min()) // (7 * 86400)).astype(int)
    last = int(week.max())
    out: dict[str, tuple[float, float]] = {}
    for agent in sorted(drifting):
        a = truth.agents[agent]
        planted = float(
            np.mean(
                [np.mean(a.skill[b][:EDGE_WEEKS]) - np.mean(a.skill[b][-EDGE_WEEKS:]) for b in a.trending_behaviors]
            )
        )
        rows = (frame.agent[frame.out_call] == agent) & np.isin(frame.out_behavior, list(a.trending_behaviors))
        met, wk = frame.out_met[rows], week[frame.out_call[rows]]
        early, late = met[wk < EDGE_WEEKS], met[wk > last - EDGE_WEEKS]
        measured = float(early.mean() - late.mean()) if len(early) and len(late) else float("nan")
        out[agent] = (round(planted, 3), round(measured, 3))
    return out


def run(seed: int, control: bool) -> dict[str, Any]:
    base = DemoConfig(seed=seed)
    config = replace(control_config(base), plant_kpi_effects=False) if control else base
    agents, generated, truth = generate(config)
    calls = list(generated)
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{Path(tmp) / 'c.db'}") as store:
        store.upsert_agents(agents)
        store.write(calls, source_format="native")
        jobs.evaluate_store(store, jobs.default_rubrics())
        starts = [(c.agent_id, c.started_at) for c in calls]
        paths, _ = write_kpi_inputs(truth, starts, Path(tmp), seed, config.plant_kpi_effects)
        load_kpi_inputs(store, paths)
        signals = find_signals(store, kinds=["drift", "friction", "incentive"])
        drifting = set(truth.agents_with(trend="drifting"))
        trade = _trade_figures(store, truth)
        drops = _drops(store, truth, drifting)
    flagged = {s.subject["agent_id"] for s in signals if s.kind == "drift"}
    stable = set(truth.agents_with(trend="stable"))
    friction = [s for s in signals if s.kind == "friction"]
    incident_found = any(
        s.subject == {"queue": inc.queue}
        and s.period is not None
        and s.period.start.date() <= inc.start < s.period.end.date()
        for inc in truth.incidents
        for s in friction
    )
    incentive = [s for s in signals if s.kind == "incentive"]
    trade_found = any(
        s.subject == {"plan": "speed-bonus", "kpi": "aht_seconds"} and s.evidence[0]["outcome"] == "fcr_rate"
        for s in incentive
    )
    return {
        "seed": seed,
        "control": control,
        "drifting": len(drifting),
        "drifting_found": len(flagged & drifting),
        "stable": len(stable),
        "stable_flagged": len(flagged & stable),
        "incidents": len(truth.incidents),
        "incident_found": incident_found,
        "friction_signals": len(friction),
        "trade_found": trade_found,
        "incentive_signals": len(incentive),
        "trade": trade,
        "drops_found": [d for a, d in drops.items() if a in flagged],
        "drops_missed": [d for a, d in drops.items() if a not in flagged],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102, 103, 104, 105])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs_ = [(seed, control) for seed in args.seeds for control in (False, True)]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(run, *zip(*jobs_, strict=True)))
    print(
        f"{'seed':>5} {'run':8} {'drift found':>12} {'stable flagged':>15} {'incident':>9} {'friction':>9} "
        f"{'trade':>6} {'incentive':>9}"
    )
    for r in results:
        print(
            f"{r['seed']:>5} {'control' if r['control'] else 'planted':8} "
            f"{r['drifting_found']:>5}/{r['drifting']:<6} {r['stable_flagged']:>7}/{r['stable']:<7} "
            f"{('yes' if r['incident_found'] else 'no') if r['incidents'] else '-':>9} {r['friction_signals']:>9} "
            f"{('yes' if r['trade_found'] else 'no') if not r['control'] else '-':>6} {r['incentive_signals']:>9}"
        )
    planted = [r for r in results if not r["control"]]
    controls = [r for r in results if r["control"]]
    recall = sum(int(r["drifting_found"]) for r in planted) / sum(int(r["drifting"]) for r in planted)
    stable_rate = sum(int(r["stable_flagged"]) for r in results) / sum(int(r["stable"]) for r in results)
    incident_recall = sum(bool(r["incident_found"]) for r in planted) / len(planted)
    quiet = sum(int(r["friction_signals"]) for r in controls)
    trades = sum(bool(r["trade_found"]) for r in planted) / len(planted)
    incentive_quiet = sum(int(r["incentive_signals"]) for r in controls)
    print(f"drifting agents found: {recall:.2f} (target >= 0.80)")
    print(f"incident (queue and week) found: {incident_recall:.2f} (target >= 0.80)")
    print(f"stable agents flagged for drift, planted and control runs: {stable_rate:.3f} (target < 0.10)")
    print(f"friction signals on the control runs: {quiet} (target 0)")
    print(f"planted incentive trade (aht_seconds against fcr_rate) found: {trades:.2f}")
    print(f"incentive signals on the control runs: {incentive_quiet} (target 0)")
    print("\nincentive audit, aht_seconds against fcr_rate (raised or not), beside the same test on true speed:")
    print(f"{'seed':>5} {'run':8} {'rho':>7} {'p':>8} {'q':>8} {'detectable':>10} {'speed rho':>9} {'speed p':>8}")
    for r in results:
        t = r["trade"]
        if t["rho"] is None:
            continue
        print(
            f"{r['seed']:>5} {'control' if r['control'] else 'planted':8} {t['rho']:>7.3f} {t['p']:>8.4f} "
            f"{t['q']:>8.4f} {t['detectable_rho']:>10.3f} {t['speed_rho']:>9.3f} {t['speed_p']:>8.4f}"
        )
    found = [d for r in planted for d in r["drops_found"]]
    missed = [d for r in planted for d in r["drops_missed"]]

    def mean(values: list[float]) -> str:
        values = [v for v in values if v == v]
        return f"{sum(values) / len(values):.3f}" if values else "-"

    print(
        f"\ndrifters' fall in pass rate on their trending behaviours, first {EDGE_WEEKS} weeks vs last {EDGE_WEEKS} "
        f"(planted / measured by the evaluator): found {mean([d[0] for d in found])} / {mean([d[1] for d in found])} "
        f"({len(found)} agents), missed {mean([d[0] for d in missed])} / {mean([d[1] for d in missed])} ({len(missed)} agents)"
    )
    print("missed drifters (planted, measured):", ", ".join(f"{p:.2f}/{m:.2f}" for p, m in missed))


if __name__ == "__main__":
    main()
