"""The columnar path must give the SQL path's KPI table: the same rows, keys, counts and
flags, and the same figures up to the last bits a different summation order moves."""

from __future__ import annotations

import math
from typing import Any

from coachloop.metrics import MetricRow, MetricsQuery, compute_metrics, snapshot
from coachloop.store import Store

REL = 1e-9


def _same(x: Any, y: Any, path: str) -> None:
    if isinstance(x, dict):
        assert isinstance(y, dict) and list(x) == list(y), f"{path}: keys {list(x)} != {y!r}"
        for k in x:
            _same(x[k], y[k], f"{path}.{k}")
    elif isinstance(x, (list, tuple)):
        assert isinstance(y, (list, tuple)) and len(x) == len(y), f"{path}: {x!r} != {y!r}"
        for n, (a, b) in enumerate(zip(x, y, strict=True)):
            _same(a, b, f"{path}[{n}]")
    elif isinstance(x, float) and not isinstance(x, bool):
        assert isinstance(y, (float, int)) and math.isclose(x, y, rel_tol=REL, abs_tol=1e-12), f"{path}: {x} != {y}"
    else:
        assert x == y and type(x) is type(y), f"{path}: {x!r} != {y!r}"


def assert_same_table(reference: list[dict[str, Any]], columnar: list[dict[str, Any]]) -> None:
    assert len(reference) == len(columnar), f"{len(reference)} rows != {len(columnar)} rows"
    for n, (a, b) in enumerate(zip(reference, columnar, strict=True)):
        _same(a, b, f"row {n}")


def both_paths(store: Store, query: MetricsQuery) -> list[MetricRow]:
    """The SQL path's table, after checking that the columnar path gives the same."""
    with store.connect("test") as conn:
        reference = compute_metrics(conn, query)
    with store.connect("test") as conn, snapshot.open_columnar(store) as facts:
        columnar = compute_metrics(conn, query, columnar=facts)
    assert_same_table([r.as_dict() for r in reference], [r.as_dict() for r in columnar])
    return reference
