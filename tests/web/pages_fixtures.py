"""A small demo contact center in a store, for the page tests, the browser tests, the
screenshots and the page benchmark: generated, ingested and evaluated like `coachloop demo`."""

from __future__ import annotations

from pathlib import Path

from coachloop import jobs
from coachloop.demo.config import DemoConfig
from coachloop.demo.generate import write_demo
from coachloop.jobs.metrics import load_kpi_inputs
from coachloop.store import open_store

__all__ = ["SMALL", "build_demo_store"]

SMALL = DemoConfig(agents=12, teams=2, weeks=4, calls_per_agent_week=4)
"""192 calls: enough for every page to have something to show, quick to evaluate."""


def build_demo_store(directory: Path, config: DemoConfig = SMALL, url: str | None = None) -> str:
    """Generate, ingest and evaluate the demo world into `url` (default a SQLite file in
    `directory`) and return the store URL."""
    directory.mkdir(parents=True, exist_ok=True)
    url = url or f"sqlite:///{(directory / 'coachloop.db').resolve()}"
    files = write_demo(config, directory)
    with open_store(url) as store:
        jobs.ingest_paths(store, [files.agents], "csv")
        jobs.ingest_paths(store, [files.interactions], "native")
        load_kpi_inputs(store, files.kpi_inputs)
        jobs.evaluate_store(store, jobs.default_rubrics(), insights=True)
    return url
