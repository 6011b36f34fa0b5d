"""One default demo per test session: generating it takes about a second."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coachloop.demo import DemoConfig, DemoTruth, generate
from coachloop.model import Agent, Interaction


@dataclass
class Demo:
    config: DemoConfig
    agents: list[Agent]
    interactions: list[Interaction]
    truth: DemoTruth


@pytest.fixture(scope="session")
def demo() -> Demo:
    config = DemoConfig()
    agents, stream, truth = generate(config)
    return Demo(config, agents, list(stream), truth)
