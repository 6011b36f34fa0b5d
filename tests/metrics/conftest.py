"""One hand-built contact center per backend, shared by the module's read-only KPI tests
(building a store costs more than the queries these tests make)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from coachloop.store import Store, open_store
from coachloop.store.engine import create_store_engine
from tests.conftest import PG_URL_ENV
from tests.metrics.fixtures import build_center


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def center(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    if request.param == "sqlite":
        with open_store(f"sqlite:///{tmp_path_factory.mktemp('center') / 'center.db'}") as store:
            build_center(store)
            yield store
        return
    base = os.environ.get(PG_URL_ENV)
    if not base:
        pytest.skip(f"PostgreSQL backend not tested: set {PG_URL_ENV}")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_store_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(admin.url.render_as_string(hide_password=False))
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        with open_store(url.render_as_string(hide_password=False)) as store:
            build_center(store)
            yield store
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
