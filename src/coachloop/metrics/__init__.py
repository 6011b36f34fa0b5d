"""KPIs with honest uncertainty, computed in the database: see `registry` for every definition.

>>> with store.connect("metrics") as conn:
...     rows = compute_metrics(conn, MetricsQuery(by=("agent", "week")))
"""

from __future__ import annotations

from coachloop.metrics.compute import GROUPINGS, MetricRow, MetricsQuery, compute_metrics, parse_groupings
from coachloop.metrics.estimates import Estimate
from coachloop.metrics.outcomes import behavior_outcomes
from coachloop.metrics.registry import KPIS, Kpi

__all__ = [
    "GROUPINGS",
    "KPIS",
    "Estimate",
    "Kpi",
    "MetricRow",
    "MetricsQuery",
    "behavior_outcomes",
    "compute_metrics",
    "parse_groupings",
]
