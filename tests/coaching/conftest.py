"""One small generated contact center, ingested and evaluated in-process, for the coaching
tests: eight weeks so a four-week plan period and the one before it both hold calls."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from coachloop import jobs
from coachloop.demo import DemoConfig, DemoTruth, generate
from coachloop.store import Store, open_store

SMALL = DemoConfig(seed=31, agents=20, teams=2, weeks=8, calls_per_agent_week=10)
"""1,600 calls: 40 per agent in the plan period."""


@dataclass
class Center:
    store: Store
    truth: DemoTruth
    url: str


@pytest.fixture(scope="session")
def center(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Center]:
    folder = tmp_path_factory.mktemp("coaching")
    url = f"sqlite:///{folder / 'coachloop.db'}"
    agents, calls, truth = generate(SMALL)
    store = open_store(url)
    store.upsert_agents(agents)
    store.write(list(calls), source_format="native")
    jobs.evaluate_store(store, jobs.default_rubrics(), insights=True)
    yield Center(store, truth, url)
    store.close()
