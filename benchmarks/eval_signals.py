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

from coachloop import jobs
from coachloop.demo import DemoConfig, control_config, generate
from coachloop.demo.kpi_inputs import write_kpi_inputs
from coachloop.jobs.metrics import load_kpi_inputs
from coachloop.jobs.signals import find_signals
from coachloop.store import open_store


def run(seed: int, control: bool) -> dict[str, int | bool]:
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
    flagged = {s.subject["agent_id"] for s in signals if s.kind == "drift"}
    drifting = set(truth.agents_with(trend="drifting"))
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


if __name__ == "__main__":
    main()
