"""`GET /api/me`: who the caller is, and what they may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from coachloop.store.live import UserRecord
from coachloop.web.auth import csrf_token, viewer

router = APIRouter(tags=["users"])


class Me(BaseModel):
    id: int
    name: str
    role: str
    agent_id: str | None
    team: str | None
    csrf_token: str | None
    """For JavaScript on the pages: send it as `X-CSRF-Token` on writes (cookie sessions)."""


@router.get("/me", response_model=Me, summary="The signed-in user")
def get_me(request: Request, user: Annotated[UserRecord, Depends(viewer)]) -> Me:
    by_cookie = "authorization" not in request.headers and "token" not in request.query_params
    return Me(
        id=user.id,
        name=user.name,
        role=user.role,
        agent_id=user.agent_id,
        team=user.team,
        csrf_token=csrf_token(request) if by_cookie else None,
    )
