"""A small demo contact center in a store, for the page tests, the browser tests, the
screenshots and the page benchmark: generated, ingested and evaluated like `coachloop demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    return None


def headless_chromium(width: int = 1440, height: int = 1000) -> Any:
    """A headless Debian Chromium driven by Selenium through the system chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--hide-scrollbars",
        "--lang=en-GB",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
