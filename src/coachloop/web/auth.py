"""Bearer-token authentication and role checks for every route.

A user (`coachloop users add NAME --role ROLE`) has one of the roles agent, supervisor,
qa, leader, admin. The token travels as `Authorization: Bearer TOKEN`, or as
`?token=TOKEN` where a header cannot be set (a browser WebSocket, a page link).
Routes declare the roles they admit with `require(...)`; a missing or unknown token is
401, a known user without the role is 403.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, WebSocket, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from coachloop.store import Store
from coachloop.store.live import ROLES, UserRecord, user_by_token

__all__ = ["ROLES", "UserRecord", "current_user", "require", "token_of", "websocket_user"]

bearer = HTTPBearer(auto_error=False, description="A token printed by `coachloop users add`.")


def token_of(header: str | None, query: str | None) -> str | None:
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return query or None


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    token: Annotated[str | None, Query(description="The bearer token, where no header can be sent.")] = None,
) -> UserRecord:
    given = credentials.credentials if credentials is not None else token
    user = user_by_token(_store(request), given) if given else None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"}
        )
    return user


def require(*roles: str) -> Callable[..., Coroutine[Any, Any, UserRecord]]:
    """A dependency admitting only users with one of `roles`."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    async def check(user: Annotated[UserRecord, Depends(current_user)]) -> UserRecord:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"the {user.role} role may not do this")
        return user

    return check


def websocket_user(ws: WebSocket) -> UserRecord | None:
    token = token_of(ws.headers.get("authorization"), ws.query_params.get("token"))
    store: Store = ws.app.state.store
    return user_by_token(store, token) if token else None
