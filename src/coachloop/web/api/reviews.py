"""`/api/reviews`: the review queue, overrides with a note, and agents' disputes (`jobs.review`)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from coachloop.jobs import audit
from coachloop.jobs.access import Scope
from coachloop.jobs.review import dispute_outcome, review_queue, set_review
from coachloop.model import Outcome
from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.store.reviews import QueueReason, Review
from coachloop.web.api.common import ERRORS, get_scope, get_store, not_found
from coachloop.web.auth import require

router = APIRouter(prefix="/reviews", tags=["reviews"], responses=ERRORS)
QUEUE_ROLES = ("supervisor", "qa", "admin")
OVERRIDE_ROLES = ("qa", "admin")
DISPUTE_ROLES = ("agent", "supervisor", "admin")


class Override(BaseModel):
    interaction_id: str = Field(min_length=1, max_length=200)
    behavior_id: str = Field(min_length=1, max_length=200)
    outcome: Outcome
    note: str | None = Field(default=None, max_length=4000)
    rubric: str | None = Field(default=None, max_length=200)


class Dispute(BaseModel):
    interaction_id: str = Field(min_length=1, max_length=200)
    behavior_id: str = Field(min_length=1, max_length=200)
    note: str = Field(min_length=1, max_length=4000)
    rubric: str | None = Field(default=None, max_length=200)


def _review(r: Review) -> dict[str, Any]:
    out = dataclasses.asdict(r)
    out["kind"] = r.kind.value
    out["outcome"] = r.outcome.value if r.outcome else None
    out["machine_outcome"] = r.machine_outcome.value
    out["created_at"] = r.created_at.isoformat()
    return out


@router.get("/queue", summary="Outcomes a person should look at (unsure, flagged, disputed)")
def get_queue(
    _: Annotated[UserRecord, Depends(require(*QUEUE_ROLES))],
    scope: Annotated[Scope, Depends(get_scope)],
    store: Annotated[Store, Depends(get_store)],
    rubric: str | None = None,
    behavior: str | None = None,
    agent: str | None = None,
    reason: QueueReason | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    items = review_queue(
        store,
        rubric=rubric,
        behavior=behavior,
        agent=agent,
        reason=reason,
        limit=None if not scope.everything else limit,
    )
    visible = [i for i in items if scope.everything or i.agent_id in (scope.agent_ids or ())][:limit]
    return {
        "items": [
            {
                "interaction_id": i.interaction_id,
                "rubric": i.rubric,
                "behavior_id": i.behavior_id,
                "outcome": i.outcome.value,
                "confidence": i.confidence,
                "critical": i.critical,
                "reasons": [r.value for r in i.reasons],
                "review_reason": i.review_reason,
                "disputes": [_review(d) for d in i.disputes],
                "agent_id": i.agent_id,
                "started_at": i.started_at.isoformat() if i.started_at else None,
            }
            for i in visible
        ]
    }


@router.post("/override", status_code=201, summary="Override an outcome, with a note")
def post_override(
    body: Override,
    user: Annotated[UserRecord, Depends(require(*OVERRIDE_ROLES))],
    scope: Annotated[Scope, Depends(get_scope)],
    store: Annotated[Store, Depends(get_store)],
) -> dict[str, Any]:
    if not scope.allows_interaction(store, body.interaction_id):
        raise not_found(f"conversation {body.interaction_id!r}")
    review = set_review(
        store,
        body.interaction_id,
        body.behavior_id,
        body.outcome,
        by=user.name,
        note=body.note,
        rubric=body.rubric,
    )
    audit.record(
        store,
        user,
        "override",
        "interaction",
        body.interaction_id,
        {"behavior_id": body.behavior_id, "outcome": body.outcome.value},
    )
    return _review(review)


@router.post("/dispute", status_code=201, summary="Dispute an outcome (it enters the review queue)")
def post_dispute(
    body: Dispute,
    user: Annotated[UserRecord, Depends(require(*DISPUTE_ROLES))],
    scope: Annotated[Scope, Depends(get_scope)],
    store: Annotated[Store, Depends(get_store)],
) -> dict[str, Any]:
    if not scope.allows_interaction(store, body.interaction_id):
        raise not_found(f"conversation {body.interaction_id!r}")
    review = dispute_outcome(
        store, body.interaction_id, body.behavior_id, by=user.name, note=body.note, rubric=body.rubric
    )
    audit.record(
        store, user, "dispute", "interaction", body.interaction_id, {"behavior_id": body.behavior_id}
    )
    return _review(review)
