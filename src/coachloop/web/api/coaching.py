"""`/api/coaching`: plans, sessions, follow-ups, training and recognition, within the
caller's scope (`jobs.coaching`, `jobs.coach_sessions`). Opening a plan is audited."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from coachloop.errors import CoachloopError
from coachloop.jobs import audit
from coachloop.jobs.access import Scope
from coachloop.jobs.coach_sessions import followups, record_session
from coachloop.jobs.coaching import build_plan, recognition, training_assignments
from coachloop.store import Store
from coachloop.store.coaching import list_sessions
from coachloop.store.live import UserRecord
from coachloop.web.api.common import ERRORS, get_scope, get_store, not_found
from coachloop.web.auth import require

router = APIRouter(prefix="/coaching", tags=["coaching"], responses=ERRORS)
SESSION_WRITERS = ("supervisor", "admin")
ScopeDep = Annotated[Scope, Depends(get_scope)]
StoreDep = Annotated[Store, Depends(get_store)]


class NewSession(BaseModel):
    agent_id: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=40, description="micro, review, ... (`coachloop coach` kinds).")
    held_at: datetime | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=600)
    notes: str | None = Field(default=None, max_length=10000)
    behaviors: list[str] = Field(default_factory=list, max_length=2)
    commitments: list[str] = Field(default_factory=list, max_length=20)
    next_checkpoint: date | None = None


def _agent_or_404(scope: Scope, agent_id: str) -> None:
    if not scope.allows_agent(agent_id):
        raise not_found(f"agent {agent_id!r}")


@router.get("/plans/{agent_id}", summary="An agent's coaching plan: focus, clips, goal, wins")
def get_plan(agent_id: str, user: Annotated[UserRecord, Depends(require("agent", "supervisor", "qa", "leader", "admin"))],
             scope: ScopeDep, store: StoreDep) -> dict[str, Any]:
    _agent_or_404(scope, agent_id)
    try:
        plan = build_plan(store, agent_id)
    except CoachloopError as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err)) from None
    audit.record(store, user, "open", "plan", agent_id)
    return dataclasses.asdict(plan)


@router.get("/sessions", summary="Coaching sessions (scheduled and held), oldest first")
def get_sessions(scope: ScopeDep, store: StoreDep, agent: str | None = None) -> dict[str, Any]:
    if agent is not None:
        _agent_or_404(scope, agent)
    found = list_sessions(store, agent_id=agent)
    return {"items": [dataclasses.asdict(s) for s in found if scope.allows_agent(s.agent_id)]}


@router.post("/sessions", status_code=201, summary="Record a held coaching session")
def post_session(
    body: NewSession,
    user: Annotated[UserRecord, Depends(require(*SESSION_WRITERS))],
    scope: ScopeDep,
    store: StoreDep,
) -> dict[str, Any]:
    _agent_or_404(scope, body.agent_id)
    session = record_session(
        store, agent_id=body.agent_id, kind=body.kind, held_at=body.held_at, supervisor=user.name,
        duration_minutes=body.duration_minutes, notes=body.notes, behaviors=body.behaviors,
        commitments=body.commitments, next_checkpoint=body.next_checkpoint,
    )
    audit.record(store, user, "record", "coaching_session", session.id, {"agent_id": body.agent_id})
    return dataclasses.asdict(session)


@router.get("/followups", summary="Did the agreed behaviour move since each coaching episode?")
def get_followups(scope: ScopeDep, store: StoreDep, agent: str | None = None) -> dict[str, Any]:
    if agent is not None:
        _agent_or_404(scope, agent)
    found = followups(store, agent_id=agent)
    return {"items": [dataclasses.asdict(f) for f in found if scope.allows_agent(f.agent_id)]}


@router.get("/training", summary="Training assigned for each agent's focus behaviours")
def get_training(scope: ScopeDep, store: StoreDep) -> dict[str, Any]:
    found = training_assignments(store)
    return {"agents": {a: items for a, items in found.items() if scope.allows_agent(a)}}


@router.get("/recognition", summary="Credible improvements and difficult work handled well")
def get_recognition(scope: ScopeDep, store: StoreDep) -> dict[str, Any]:
    return {"items": [r.as_dict() for r in recognition(store) if scope.allows_agent(r.agent_id)]}
