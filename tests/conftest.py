"""Fixtures shared by the whole suite: a real store on every available backend.

`store_url` runs a test once on SQLite (a file in `tmp_path`) and once on PostgreSQL
when `COACHLOOP_TEST_PG_URL` names a database (e.g.
`postgresql+psycopg://postgres@localhost/coachloop_test`). Each PostgreSQL test gets a
schema of its own, dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from coachloop.store import Store, open_store
from coachloop.store.engine import create_store_engine

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
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_store_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(admin.url.render_as_string(hide_password=False))
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened
