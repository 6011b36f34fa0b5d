"""The demo's coaching history: planted where the truth says, and found by the follow-up.

Seeds 21-23 are the development seeds (`benchmarks.eval_followup` reports on 301-305).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from coachloop import jobs
from coachloop.coaching.followup import Verdict
from coachloop.demo import DemoConfig, DemoTruth, generate
from coachloop.demo.coaching import demo_sessions
from coachloop.jobs.coach_sessions import coach_reports, followups
from coachloop.store import open_store
from coachloop.store.coaching import save_sessions

SMALL = DemoConfig(seed=21, agents=20, teams=2, weeks=8, calls_per_agent_week=12, hinglish_share=0.0)


def test_coaching_is_planted_only_on_the_coached_behaviour_from_the_week_after_the_first_session() -> None:
    _, _, with_coaching = generate(SMALL)
    _, _, without = generate(replace(SMALL, coaching=False))
    assert without.coaching == []
    firsts = [c for c in with_coaching.coaching if c.first]
    assert {c.effect > 0 for c in firsts} == {True, False}  # some work, some do not
    coached = {(c.agent_id, c.behavior): c for c in firsts}
    for agent_id, agent in with_coaching.agents.items():
        for behavior, series in agent.skill.items():
            base = without.agents[agent_id].skill[behavior]
            c = coached.get((agent_id, behavior))
            if c is None or c.effect == 0:
                assert series == base
                continue
            assert series[: c.week] == base[: c.week]
            assert all(s > b for s, b in zip(series[c.week :], base[c.week :], strict=True))
            assert c.rise > 0
    # The rest of the world's latent truth is the same; calls are drawn again (the same
    # agents, slots and weeks), so their outcomes are another sample of the same skills.
    assert with_coaching.teams == without.teams and with_coaching.incidents == without.incidents
    assert {k: (c.agent_id, c.week) for k, c in with_coaching.calls.items()} == {
        k: (c.agent_id, c.week) for k, c in without.calls.items()
    }

def test_truth_round_trips_the_coaching_history() -> None:
    _, _, truth = generate(SMALL)
    assert DemoTruth.from_dict(truth.to_dict()).coaching == truth.coaching


@pytest.mark.parametrize("seed", [21, 22])
def test_followup_finds_the_planted_improvements_and_effectiveness_covers_the_planted_rise(
    seed: int, tmp_path: Path
) -> None:
    config = replace(SMALL, seed=seed)
    agents, calls, truth = generate(config)
    end = datetime.combine(config.start + timedelta(days=7 * config.weeks), time(), tzinfo=UTC)
    with open_store(f"sqlite:///{tmp_path / 'demo.db'}") as store:
        store.upsert_agents(agents)
        store.write(list(calls), source_format="native")
        jobs.evaluate_store(store, [r for r in jobs.default_rubrics() if r.name == "general"])
        save_sessions(store, demo_sessions(truth))
        found = followups(store, as_of=end)
        reports = coach_reports(store, as_of=end)
    planted = {(c.agent_id, c.behavior): c for c in truth.coaching if c.first}
    assert {(f.agent_id, f.behavior) for f in found} == set(planted)
    with_effect = [f for f in found if planted[(f.agent_id, f.behavior)].effect > 0]
    without = [f for f in found if planted[(f.agent_id, f.behavior)].effect == 0]
    hits = sum(f.change.verdict is Verdict.IMPROVED for f in with_effect)
    assert hits >= len(with_effect) / 2
    assert all(f.change.verdict is not Verdict.NOT_ENOUGH for f in found)
    assert sum(f.change.verdict in (Verdict.IMPROVED, Verdict.WORSE) for f in without) <= 1
    for r in reports:
        rises = [c.rise for c in planted.values() if c.supervisor == r.supervisor]
        target = sum(rises) / len(rises)
        assert r.effectiveness.interval is not None
        assert r.effectiveness.interval.low <= target <= r.effectiveness.interval.high
