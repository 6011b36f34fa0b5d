"""Fixtures shared by the whole suite: a real store on every available backend.

`store_url` runs a test once on SQLite (a file in `tmp_path`) and once on PostgreSQL
when `COACHLOOP_TEST_PG_URL` names a database (e.g.
`postgresql+psycopg://postgres@localhost/coachloop_test`). Each PostgreSQL test gets a
schema of its own, dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from coachloop.store import Store, open_store
from coachloop.store.engine import scratch_schema

PG_URL_ENV = "COACHLOOP_TEST_PG_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'coachloop.db'}"
        return
    base = os.environ.get(PG_URL_ENV)
    if not base:
        pytest.skip(
            f"PostgreSQL backend not tested: set {PG_URL_ENV}, e.g. "
            "postgresql+psycopg://postgres@localhost/coachloop_test"
        )
    with scratch_schema(base, "test") as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened
