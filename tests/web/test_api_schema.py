"""Schemathesis over the published OpenAPI document: requests generated from every `/api/`
operation's schema, sent with an admin token (and with none), find no server error; every
error answer has the API's one error body. Bounded: a few examples per operation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from tests.web.api_site import build_site

EXAMPLES = 12


def test_generated_requests_find_no_server_errors(tmp_path: Path) -> None:
    site_iter = build_site(f"sqlite:///{tmp_path / 'schema.db'}")
    site = next(site_iter)
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", site.app).include(path_regex="^/api/")
        admin = {"Authorization": f"Bearer {site.tokens['admin']}"}
        operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
        assert len(operations) >= 15
        failures: list[str] = []
        statuses: dict[int, int] = {}
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                response = case.call_and_validate(headers=admin, checks=[not_a_server_error])
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 400:
                    error = response.json()["error"]
                    assert error["status"] == response.status_code and error["code"] and error["message"]

            try:
                run()
            except Exception as exc:
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
        assert failures == []
        assert sum(statuses.values()) >= 3 * len(operations), statuses  # it did call them
        assert any(s < 300 for s in statuses) and any(400 <= s < 500 for s in statuses), statuses
    finally:
        site_iter.close()
