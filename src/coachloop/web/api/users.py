"""`/api/users` and `/api/audit`: people and roles, and who opened what (admins only)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from coachloop.jobs import audit
from coachloop.jobs.live import create_user
from coachloop.jobs.users import MIN_PASSWORD, list_users, set_password
from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.web.api.common import ERRORS, get_store
from coachloop.web.auth import require

router = APIRouter(tags=["users"], responses=ERRORS)
Admin = Annotated[UserRecord, Depends(require("admin"))]


class NewUser(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: Literal["agent", "supervisor", "qa", "leader", "admin"]
    agent_id: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, min_length=MIN_PASSWORD, max_length=1000)


class UserOut(BaseModel):
    id: int
    name: str
    role: str
    agent_id: str | None
    team: str | None
    has_password: bool


class CreatedUser(UserOut):
    token: str
    """The bearer token: shown once, only its hash is kept."""


@router.get("/users", response_model=list[UserOut], summary="Users and their roles")
def get_users(_: Admin, store: Annotated[Store, Depends(get_store)]) -> list[UserOut]:
    return [
        UserOut(id=u.id, name=u.name, role=u.role, agent_id=u.agent_id, team=u.team, has_password=has)
        for u, has in list_users(store)
    ]


@router.post("/users", status_code=201, response_model=CreatedUser, summary="Add a user")
def post_user(body: NewUser, admin: Admin, store: Annotated[Store, Depends(get_store)]) -> CreatedUser:
    token = create_user(store, body.name, body.role, team=body.team, agent_id=body.agent_id)
    if body.password is not None:
        set_password(store, body.name, body.password)
    audit.record(store, admin, "create", "user", body.name, {"role": body.role})
    made = next(u for u, _ in list_users(store) if u.name == body.name)
    return CreatedUser(
        id=made.id,
        name=made.name,
        role=made.role,
        agent_id=made.agent_id,
        team=made.team,
        has_password=body.password is not None,
        token=token,
    )


@router.get("/audit", summary="Who opened or changed what, newest first")
def get_audit(
    _: Admin,
    store: Annotated[Store, Depends(get_store)],
    user: str | None = None,
    kind: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    before_id: Annotated[int | None, Query(ge=1, le=2**62, description="Continue after this id.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    rows = audit.entries(
        store, user_name=user, kind=kind, object_id=object_id, action=action, before_id=before_id, limit=limit
    )
    items = [dataclasses.asdict(r) | {"at": r.at.isoformat()} for r in rows]
    return {"items": items, "next_before_id": rows[-1].id if len(rows) == limit else None}
