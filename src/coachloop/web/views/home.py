"""The agent's home (`/me`), any visible agent's (`/agents/{id}`), the role home (`/`) and
the dispute action every cited outcome carries."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from coachloop.errors import CoachloopError
from coachloop.jobs import workspace
from coachloop.web.views.common import (
    HOME,
    PageRoute,
    Poster,
    Viewer,
    flash_of,
    forbid,
    render,
    safe_back,
    scope_of,
    store_of,
)

router = APIRouter(tags=["pages"], route_class=PageRoute)


@router.get("/", include_in_schema=False)
def role_home(user: Viewer) -> RedirectResponse:
    """Each role's own start page."""
    return RedirectResponse(HOME.get(user.role, "/me"), status.HTTP_303_SEE_OTHER)


@router.get("/me", response_class=HTMLResponse)
def my_home(request: Request, user: Viewer) -> HTMLResponse:
    """An agent's workspace: focus metrics, goal, clips, recognition, practice, disputes."""
    forbid(user, "agent")
    if not user.agent_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this user is not linked to an agent")
    home = workspace.agent_home(store_of(request), scope_of(request, user), user.agent_id)
    return render(request, user, "pages/home.html", home=home, own=True, charts=True, **flash_of(request))


@router.get("/agents/{agent_id}", response_class=HTMLResponse)
def agent_page(request: Request, user: Viewer, agent_id: str) -> HTMLResponse:
    """One agent's workspace as their supervisor (or QA, a leader) sees it."""
    forbid(user, "agent", "supervisor", "qa", "leader", "admin")
    try:
        home = workspace.agent_home(store_of(request), scope_of(request, user), agent_id)
    except workspace.NotVisible as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err)) from None
    own = user.agent_id == agent_id
    return render(request, user, "pages/home.html", home=home, own=own, charts=True, **flash_of(request))


@router.post("/disputes")
def dispute(
    request: Request,
    user: Poster,
    interaction_id: Annotated[str, Form()],
    behavior: Annotated[str, Form()],
    rubric: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/me",
) -> RedirectResponse:
    """An agent disputes an outcome of their own call (`jobs.review.dispute_outcome`)."""
    forbid(user, "agent")
    target = safe_back(back, "/me")
    sep = "&" if "?" in target else "?"
    try:
        workspace.dispute(
            store_of(request),
            scope_of(request, user),
            user.agent_id or "",
            interaction_id,
            behavior,
            rubric,
            note,
        )
    except workspace.NotVisible as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err)) from None
    except CoachloopError as err:
        return RedirectResponse(f"{target}{sep}error={quote(str(err))}", status.HTTP_303_SEE_OTHER)
    return RedirectResponse(f"{target}{sep}done=disputed", status.HTTP_303_SEE_OTHER)
