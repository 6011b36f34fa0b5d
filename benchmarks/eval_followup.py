"""Do the follow-up and the coach-the-coaches estimate find what the demo generator planted?

For each seed the default demo (40 agents in 4 teams, 8 weeks; in each team half the
steady agents are coached weekly from the middle of the period on one weak soft skill,
with a planted logit rise of 1.2-1.8 for half of them and none for the others) is
generated, ingested and evaluated in-process (rubrics only, no insights), its coaching
sessions are stored, and `jobs.coach_sessions` runs at the end of the period. Printed per
seed and in total:
- hit rate: coaching episodes with a planted effect whose follow-up says "improved";
- false alarms: episodes with no planted effect whose follow-up says "improved" or "worse";
- "not enough calls yet" on either kind;
- coverage: supervisors whose effectiveness interval contains the planted mean rise
  (the truth's `rise`, in rate points, averaged over the supervisor's coached agents).

Develop on seeds 21-23; report on 301-305 (not looked at while building).

    python -m benchmarks.eval_followup [--seeds 301 302 303 304 305] [--workers 1]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from coachloop import jobs
from coachloop.coaching.followup import Verdict
from coachloop.demo import DemoConfig, generate
from coachloop.demo.coaching import demo_sessions
from coachloop.jobs.coach_sessions import coach_reports, followups
from coachloop.store import open_store
from coachloop.store.coaching import save_sessions


def run(seed: int, config: DemoConfig | None = None) -> dict[str, Any]:
    config = replace(config or DemoConfig(), seed=seed)
    agents, calls, truth = generate(config)
    end = datetime.combine(config.start + timedelta(days=7 * config.weeks), time(), tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{Path(tmp) / 'c.db'}") as store:
        store.upsert_agents(agents)
        store.write(list(calls), source_format="native")
        jobs.evaluate_store(store, jobs.default_rubrics())
        save_sessions(store, demo_sessions(truth))
        found = followups(store, as_of=end)
        reports = coach_reports(store, as_of=end)
    planted = {(c.agent_id, c.behavior): c for c in truth.coaching if c.first}
    counts: dict[str, int] = defaultdict(int)
    for f in found:
        c = planted[(f.agent_id, f.behavior)]
        side = "effect" if c.effect else "none"
        counts[f"{side}_n"] += 1
        if f.change.verdict is Verdict.NOT_ENOUGH:
            counts[f"{side}_not_enough"] += 1
        elif f.change.verdict is Verdict.IMPROVED:
            counts[f"{side}_improved"] += 1
        elif f.change.verdict is Verdict.WORSE:
            counts[f"{side}_worse"] += 1
    rises: dict[str, list[float]] = defaultdict(list)
    for c in planted.values():
        rises[c.supervisor].append(c.rise)
    covered = supervisors = 0
    rows = []
    for r in reports:
        e = r.effectiveness
        target = sum(rises[r.supervisor]) / len(rises[r.supervisor]) if rises[r.supervisor] else 0.0
        if e.interval is None or e.estimate is None:
            continue
        supervisors += 1
        inside = e.interval.low <= target <= e.interval.high
        covered += inside
        rows.append(
            (r.supervisor, target, e.estimate, e.interval.low, e.interval.high, inside, r.cadence.share)
        )
    return {
        "seed": seed,
        "counts": dict(counts),
        "covered": covered,
        "supervisors": supervisors,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[301, 302, 303, 304, 305])
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(run, args.seeds))
    total: dict[str, int] = defaultdict(int)
    covered = supervisors = 0
    for res in results:
        c = res["counts"]
        for k, v in c.items():
            total[k] += v
        covered += res["covered"]
        supervisors += res["supervisors"]
        print(
            f"seed {res['seed']}: planted effect improved {c.get('effect_improved', 0)}/{c.get('effect_n', 0)} "
            f"(not enough calls {c.get('effect_not_enough', 0)}); no effect flagged "
            f"{c.get('none_improved', 0) + c.get('none_worse', 0)}/{c.get('none_n', 0)} "
            f"(not enough calls {c.get('none_not_enough', 0)}); effectiveness covers the planted rise "
            f"for {res['covered']}/{res['supervisors']} supervisors"
        )
        for sup, target, est, low, high, inside, cadence in res["rows"]:
            share = "-" if cadence is None else f"{cadence:.0%}"
            print(
                f"    {sup:<22} planted {target:+.3f}  estimate {est:+.3f} [{low:+.3f}, {high:+.3f}] "
                f"{'covered' if inside else 'MISSED'}  cadence kept {share}"
            )
    hit = total["effect_improved"] / total["effect_n"] if total["effect_n"] else float("nan")
    fa = (total["none_improved"] + total["none_worse"]) / total["none_n"] if total["none_n"] else float("nan")
    cov = covered / supervisors if supervisors else float("nan")
    print(
        f"total: hit rate {total['effect_improved']}/{total['effect_n']} = {hit:.2f}; false alarms "
        f"{total['none_improved'] + total['none_worse']}/{total['none_n']} = {fa:.2f}; coverage "
        f"{covered}/{supervisors} = {cov:.2f}"
    )


if __name__ == "__main__":
    main()
