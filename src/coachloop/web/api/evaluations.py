"""`/api/evaluations`: evaluations by behaviour outcome, rubric and the conversation filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from coachloop.jobs.access import Scope
from coachloop.jobs.browse import EvaluationQuery, evaluation_page
from coachloop.model import Outcome
from coachloop.store import Store
from coachloop.web.api.common import ERRORS, Cursor, Limit, PageOut, get_scope, get_store
from coachloop.web.api.interactions import Filters

router = APIRouter(prefix="/evaluations", tags=["evaluations"], responses=ERRORS)


@router.get("", response_model=PageOut, summary="Evaluations, newest conversation first")
def list_evaluations(
    scope: Annotated[Scope, Depends(get_scope)],
    store: Annotated[Store, Depends(get_store)],
    filters: Filters,
    rubric: str | None = None,
    behavior: Annotated[
        str | None, Query(description="Behaviour id: its outcome in force is on each row.")
    ] = None,
    outcome: Annotated[
        Outcome | None, Query(description="With behavior: that outcome; alone: any behaviour's.")
    ] = None,
    auto_failed: bool | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PageOut:
    query = EvaluationQuery(rubric, behavior, outcome.value if outcome else None, auto_failed, filters)
    page = evaluation_page(store, scope, query, limit=limit, cursor=cursor)
    return PageOut(items=page.items, next_cursor=page.next_cursor)
