"""A seeded demo contact center with known ground truth (see `generate`)."""

from __future__ import annotations

from coachloop.demo.config import DemoConfig, control_config
from coachloop.demo.generate import DemoFiles, generate, write_demo
from coachloop.demo.phrases import BEHAVIORS, NEXT_STEPS, PHRASES, REQUESTS, phrase_table_markdown
from coachloop.demo.truth import AgentTruth, CallTruth, DemoTruth, Incident

__all__ = [
    "BEHAVIORS",
    "NEXT_STEPS",
    "PHRASES",
    "REQUESTS",
    "AgentTruth",
    "CallTruth",
    "DemoConfig",
    "DemoFiles",
    "DemoTruth",
    "Incident",
    "control_config",
    "generate",
    "phrase_table_markdown",
    "write_demo",
]
