"""Small generated contact centers, ingested and evaluated in-process, one per session:
a planted run (drifting agents, the tech_support incident) and its control (neither)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from coachloop import jobs
from coachloop.demo import DemoConfig, DemoTruth, control_config, generate
from coachloop.store import Store, open_store

SMALL = DemoConfig(seed=21, agents=20, teams=2, weeks=6, calls_per_agent_week=10)
"""1,200 calls: enough for six weeks of drift and one incident week, evaluated in a few seconds."""


@dataclass
class Center:
    store: Store
    truth: DemoTruth


def build_center(config: DemoConfig, folder: Path) -> Center:
    agents, calls, truth = generate(config)
    store = open_store(f"sqlite:///{folder / 'coachloop.db'}")
    store.upsert_agents(agents)
    store.write(list(calls), source_format="native")
    # No insights: they cost more than the rubric here; friction then reads handle time and
    # repeat contacts only.
    jobs.evaluate_store(store, jobs.default_rubrics())
    return Center(store, truth)


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Center]:
    center = build_center(SMALL, tmp_path_factory.mktemp("planted"))
    yield center
    center.store.close()


@pytest.fixture(scope="session")
def control(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Center]:
    center = build_center(control_config(SMALL), tmp_path_factory.mktemp("control"))
    yield center
    center.store.close()
