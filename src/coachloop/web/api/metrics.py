"""`/api/metrics`: any KPI, any grouping and period (`jobs.metrics.metric_rows`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from coachloop.jobs.access import Scope
from coachloop.jobs.browse import visible_metric_rows
from coachloop.jobs.evaluations import parse_when
from coachloop.metrics import MetricsQuery
from coachloop.metrics.compute import parse_groupings
from coachloop.store import Store
from coachloop.web.api.common import ERRORS, get_scope, get_store

router = APIRouter(prefix="/metrics", tags=["metrics"], responses=ERRORS)


@router.get("", summary="KPIs with intervals, grouped (agents and supervisors: per agent, their own)")
def get_metrics(
    scope: Annotated[Scope, Depends(get_scope)],
    store: Annotated[Store, Depends(get_store)],
    by: Annotated[
        str | None,
        Query(
            description="Groupings, comma-separated: agent, team, queue, contact_reason, channel, language, "
            "day, week, month, hour."
        ),
    ] = None,
    kpi: Annotated[list[str] | None, Query(description="KPI ids (repeatable; default all).")] = None,
    since: Annotated[str | None, Query(description="YYYY-MM-DD or ISO date-time.")] = None,
    until: Annotated[str | None, Query(description="Exclusive; a plain date includes that day.")] = None,
    rubric: str | None = None,
) -> dict[str, Any]:
    query = MetricsQuery(
        by=parse_groupings(by),
        kpis=tuple(kpi) if kpi else None,
        since=parse_when(since) if since else None,
        until=parse_when(until, end=True) if until else None,
        rubric=rubric,
    )
    return {"rows": visible_metric_rows(store, scope, query)}
