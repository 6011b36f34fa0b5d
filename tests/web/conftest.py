"""Fixtures of the web tests: `api`, the small two-team site of `tests/web/api_site.py`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.api_site import ApiSite, build_site


@pytest.fixture
def api(store_url: str) -> Iterator[ApiSite]:
    yield from build_site(store_url)
