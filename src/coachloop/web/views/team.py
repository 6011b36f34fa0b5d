"""The supervisor's team page: fair estimates, team signals (and coaching, when merged)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from coachloop.coaching.cadence import SessionKind
from coachloop.errors import CoachloopError
from coachloop.jobs import workspace
from coachloop.metrics import KPIS
from coachloop.web.views.common import PageRoute, Poster, Viewer, flash_of, forbid, render, scope_of, store_of

router = APIRouter(tags=["pages"], route_class=PageRoute)


def kpi_columns() -> list[tuple[str, str, str]]:
    return [(k, KPIS[k].title, KPIS[k].unit) for k in workspace.FOCUS_KPIS]


@router.get("/team", response_class=HTMLResponse)
def team_page(request: Request, user: Viewer, team: str | None = None) -> HTMLResponse:
    """A supervisor's own team; leaders and admins choose any team."""
    forbid(user, "supervisor", "leader", "admin")
    store = store_of(request)
    scope = scope_of(request, user)
    teams = sorted({a.team for a in store.list_agents() if a.team and scope.allows_agent(a.id)})
    if user.role == "supervisor":
        if team is not None and team != user.team:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no team {team!r}")
        chosen = user.team
    else:
        chosen = team or (teams[0] if teams else None)
    if not chosen:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no team to show")
    try:
        view = workspace.team_view(store, scope, chosen)
    except workspace.NotVisible as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err)) from None
    coaching = workspace.team_coaching(store, scope, chosen, datetime.now(UTC).date())
    return render(
        request,
        user,
        "pages/team.html",
        view=view,
        teams=teams,
        kpis=kpi_columns(),
        coaching=coaching,
        members=[r.agent for r in view.rows],
        kinds=[k.value for k in SessionKind],
        can_record=user.role in SESSION_ROLES,
        charts=True,
        **flash_of(request),
    )


SESSION_ROLES = ("supervisor", "admin")


@router.post("/team/sessions")
def record_session(
    request: Request,
    user: Poster,
    agent_id: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "micro",
    notes: Annotated[str, Form()] = "",
    behavior_1: Annotated[str, Form()] = "",
    behavior_2: Annotated[str, Form()] = "",
    commitments: Annotated[str, Form()] = "",
    next_checkpoint: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Record a held coaching session (notes, focus behaviours, commitments one per line,
    next checkpoint) through `jobs.coach_sessions.record_session`."""
    forbid(user, *SESSION_ROLES)
    try:
        checkpoint = date.fromisoformat(next_checkpoint) if next_checkpoint else None
    except ValueError:
        message = f"next checkpoint: {next_checkpoint!r} is not a date"
        return RedirectResponse("/team?error=" + quote(message), status.HTTP_303_SEE_OTHER)
    try:
        workspace.record_team_session(
            store_of(request),
            scope_of(request, user),
            agent_id,
            kind=kind,
            notes=notes,
            behaviors=[b for b in (behavior_1, behavior_2) if b],
            commitments=commitments.splitlines(),
            next_checkpoint=checkpoint,
        )
    except workspace.NotVisible as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err)) from None
    except CoachloopError as err:
        return RedirectResponse("/team?error=" + quote(str(err)), status.HTTP_303_SEE_OTHER)
    return RedirectResponse("/team?done=session", status.HTTP_303_SEE_OTHER)
