"""One hand-built contact center per backend, shared by the module's read-only KPI tests
(building a store costs more than the queries these tests make)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from coachloop.metrics.snapshot import SNAPSHOT_DIR_ENV
from coachloop.store import Store, open_store
from coachloop.store.engine import scratch_schema
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
    # A PostgreSQL store's columnar snapshot lives in a configured directory.
    with (
        pytest.MonkeyPatch.context() as env,
        scratch_schema(base, "test") as url,
        open_store(url) as store,
    ):
        env.setenv(SNAPSHOT_DIR_ENV, str(tmp_path_factory.mktemp("snapshots")))
        build_center(store)
        yield store
