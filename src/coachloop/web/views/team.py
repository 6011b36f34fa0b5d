"""The supervisor's team page: fair estimates, team signals (and coaching, when merged)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse

from coachloop.jobs import workspace
from coachloop.metrics import KPIS
from coachloop.web.views.common import PageRoute, Viewer, flash_of, forbid, render, scope_of, store_of

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
    return render(
        request,
        user,
        "pages/team.html",
        view=view,
        teams=teams,
        kpis=kpi_columns(),
        charts=True,
        **flash_of(request),
    )
