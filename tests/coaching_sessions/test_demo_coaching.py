"""The demo's coaching history: planted where the truth says, and found by the follow-up.

Seeds 21-23 are the development seeds (`benchmarks.eval_followup` reports on 301-305).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

import pytest

from coachloop import jobs
from coachloop.coaching.followup import Verdict
from coachloop.demo import DemoConfig, DemoTruth, generate
from coachloop.demo.coaching import demo_sessions
from coachloop.jobs.coach_sessions import agenda, coach_reports, followups
from coachloop.store import Store, open_store
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
    # Call for call the same world, except coached misses that coaching turned into performed.
    assert with_coaching.calls.keys() == without.calls.keys()
    flipped = 0
    for cid, call in with_coaching.calls.items():
        performed_before = without.calls[cid].performed
        for behavior, done in call.performed.items():
            c = coached.get((call.agent_id, behavior))
            if c is not None and c.effect > 0 and call.week > c.week and performed_before[behavior] is False:
                flipped += done is True
            else:
                assert done == performed_before[behavior], (cid, behavior)
    assert flipped > 0

def test_truth_round_trips_the_coaching_history() -> None:
    _, _, truth = generate(SMALL)
    assert DemoTruth.from_dict(truth.to_dict()).coaching == truth.coaching


@dataclass
class World:
    config: DemoConfig
    truth: DemoTruth
    store: Store
    end: datetime


@pytest.fixture(scope="module", params=[21, 22])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    config = replace(SMALL, seed=request.param)
    agents, calls, truth = generate(config)
    end = datetime.combine(config.start + timedelta(days=7 * config.weeks), time(), tzinfo=UTC)
    path = tmp_path_factory.mktemp(f"demo{request.param}") / "demo.db"
    with open_store(f"sqlite:///{path}") as store:
        store.upsert_agents(agents)
        store.write(list(calls), source_format="native")
        jobs.evaluate_store(store, [r for r in jobs.default_rubrics() if r.name == "general"])
        save_sessions(store, demo_sessions(truth))
        yield World(config, truth, store, end)


def test_followup_finds_the_planted_improvements_and_effectiveness_covers_the_planted_rise(
    world: World,
) -> None:
    found = followups(world.store, as_of=world.end)
    reports = coach_reports(world.store, as_of=world.end)
    planted = {(c.agent_id, c.behavior): c for c in world.truth.coaching if c.first}
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


def test_the_agenda_after_the_period_follows_up_and_brings_the_plan(world: World) -> None:
    coached = {c.agent_id: c for c in world.truth.coaching if c.first}
    supervisor = next(iter(coached.values())).supervisor
    entries = agenda(world.store, supervisor, world.end.date())
    team = {a for a, t in world.truth.agents.items() if world.truth.teams[t.team].supervisor == supervisor}
    assert {e.due.agent_id for e in entries} == team  # everyone has a session due
    for agent_id in team:
        items = [i for e in entries if e.due.agent_id == agent_id for i in e.items]
        # from build_plan(...).agenda(kind): a focus, or the plan saying it has none
        assert any(i.startswith(("Focus: ", "No focus behaviour")) for i in items), agent_id
        if agent_id in coached:
            behavior = coached[agent_id].behavior
            assert any(i.startswith("Measured since coaching started: " + behavior) for i in items)
