"""What every API router shares: the store, the caller's scope, page shapes, 404s."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, status
from pydantic import BaseModel

from coachloop.jobs.access import Scope
from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.web.api.errors import ErrorBody
from coachloop.web.auth import viewer

__all__ = [
    "ERRORS",
    "Cursor",
    "Limit",
    "PageOut",
    "Viewer",
    "get_scope",
    "get_store",
    "not_found",
]


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


Viewer = Annotated[UserRecord, Depends(viewer)]
StoreDep = Annotated[Store, Depends(get_store)]


def get_scope(user: Viewer, store: StoreDep) -> Scope:
    return Scope.of(store, user)


Limit = Annotated[int, Query(ge=1, le=500, description="Rows per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]


class PageOut(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None
    """Pass as `cursor` for the next page; null on the last page."""


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Bad input"),
        (401, "Not signed in"),
        (403, "Role not allowed"),
        (404, "Not found or not visible to the caller"),
        (422, "Invalid request"),
    )
}


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no {what}")
