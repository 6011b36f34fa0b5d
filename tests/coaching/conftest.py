"""A small generated contact center, ingested and evaluated with insights, one per session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from coachloop import jobs
from coachloop.demo import DemoConfig, DemoTruth, generate
from coachloop.store import Store, open_store

CENTER = DemoConfig(seed=12, agents=12, teams=2, weeks=6, calls_per_agent_week=14)
"""1,008 calls: 84 per agent, enough for fair estimates on most behaviours."""


@dataclass
class Center:
    store: Store
    truth: DemoTruth


@pytest.fixture(scope="session")
def center(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Center]:
    agents, calls, truth = generate(CENTER)
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('coaching') / 'coachloop.db'}")
    store.upsert_agents(agents)
    store.write(list(calls), source_format="native")
    jobs.evaluate_store(store, jobs.default_rubrics(), insights=True)
    yield Center(store, truth)
    store.close()


def small_center(store: Store, seed: int = 12) -> DemoTruth:
    """Six agents over four weeks (288 calls, no insights) written into `store`."""
    agents, calls, truth = generate(
        DemoConfig(seed=seed, agents=6, teams=1, weeks=4, calls_per_agent_week=14)
    )
    store.upsert_agents(agents)
    store.write(list(calls), source_format="native")
    jobs.evaluate_store(store, jobs.default_rubrics())
    return truth
