"""Do coaching plans focus on the weaknesses the demo generator planted, on seeds not looked
at while building?

For each seed the default demo (40 agents in 4 teams, 8 weeks, 3,840 calls) is generated,
ingested and evaluated in-process (rubric only, no insights), and `jobs.coaching.
build_plans` chooses each agent's focus from the last `PERIOD_DAYS` (six weeks). The
generator knows each agent's latent per-week skill (`demo.truth.AgentTruth.skill`); an
agent's *planted weaknesses* are defined once, in `planted_weaknesses`. An agent counts as
matched when one of its focus behaviours is a planted weakness, or when it has neither a
focus nor a planted weakness. Printed per seed: agents, matched, the rate, agents with a
focus, agents with a planted weakness; and the rate over all seeds (target >= 0.80).

Seeds 11-13 were used while building; the report's figure is on seeds 201-205:

    python -m benchmarks.eval_coaching --seeds 201 202 203 204 205
"""

from __future__ import annotations

import argparse
import math
import tempfile
from datetime import timedelta
from pathlib import Path

from coachloop import jobs
from coachloop.coaching.plan import Plan
from coachloop.demo import DemoConfig, DemoTruth, generate
from coachloop.jobs.coaching import build_plans
from coachloop.store import open_store

__all__ = ["PLANTED_LOGITS", "match_rate", "planted_weaknesses", "run"]

PLANTED_LOGITS = 0.5
"""How far below the peers a true skill must be to count as planted: half a logit, about
12 points around a 50 % rate and 5 points around 90 % (the agents' own spread in the
generator is 0.35 logits)."""


def _logit(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def planted_weaknesses(truth: DemoTruth, agent_id: str, weeks: range) -> set[str]:
    """Behaviours whose true skill, averaged over `weeks` (0-based indices into the weekly
    series), is at least `PLANTED_LOGITS` below the mean of the other agents' on the logit
    scale. Behaviours without a latent series (e.g. order rules) are never planted."""
    me = truth.agents[agent_id]
    out = set()
    for behavior, series in me.skill.items():
        mine = [series[w] for w in weeks if w < len(series)]
        if not mine:
            continue
        peers = [
            _logit(sum(o.skill[behavior][w] for w in weeks) / len(weeks))
            for o in truth.agents.values()
            if o.agent_id != agent_id and behavior in o.skill
        ]
        if peers and _logit(sum(mine) / len(mine)) <= sum(peers) / len(peers) - PLANTED_LOGITS:
            out.add(behavior)
    return out


def match_rate(plans: list[Plan], truth: DemoTruth) -> tuple[int, int, int, int]:
    """(agents, matched, with a focus, with a planted weakness) over the plans' period."""
    matched = focused = planted = 0
    for p in plans:
        first = (p.period[0] - truth.start).days // 7
        last = (p.period[1] - timedelta(days=1) - truth.start).days // 7
        weak = planted_weaknesses(truth, p.agent_id, range(max(first, 0), min(last, truth.weeks - 1) + 1))
        focus = {f.behavior for f in p.focus}
        matched += bool(focus & weak) or (not focus and not weak)
        focused += bool(focus)
        planted += bool(weak)
    return len(plans), matched, focused, planted


def run(seed: int, config: DemoConfig | None = None) -> tuple[int, int, int, int]:
    agents, calls, truth = generate(config or DemoConfig(seed=seed))
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{Path(tmp) / 'c.db'}") as store:
        store.upsert_agents(agents)
        store.write(list(calls), source_format="native")
        jobs.evaluate_store(store, jobs.default_rubrics())
        plans = build_plans(store)
    return match_rate(plans, truth)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[201, 202, 203, 204, 205])
    args = parser.parse_args()
    total = hits = 0
    print("seed  agents  matched  rate   with_focus  with_planted")
    for seed in args.seeds:
        n, m, f, w = run(seed)
        total, hits = total + n, hits + m
        print(f"{seed:<5} {n:>6}  {m:>7}  {m / n:.3f}  {f:>10}  {w:>12}", flush=True)
    print(f"all   {total:>6}  {hits:>7}  {hits / total:.3f}   (target >= 0.80)")


if __name__ == "__main__":
    main()
