"""The leader's overview: KPI trends in context, signals, engagement vs outcome."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from coachloop.jobs import workspace
from coachloop.web.views import charts
from coachloop.web.views.common import PageRoute, Viewer, forbid, render, store_of
from coachloop.web.views.team import kpi_columns

router = APIRouter(tags=["pages"], route_class=PageRoute)


@router.get("/leader", response_class=HTMLResponse)
def leader_page(request: Request, user: Viewer) -> HTMLResponse:
    forbid(user, "leader", "admin")
    view = workspace.leader_view(store_of(request))
    reasons = view.by_reason[:10]
    figure = charts.bar_chart(
        [r["reason"].replace("_", " ") for r in reasons], [r["contacts"] for r in reasons], "contacts", 190
    )
    return render(
        request,
        user,
        "pages/leader.html",
        view=view,
        kpis=kpi_columns(),
        reasons_figure=figure,
        coaches=workspace.coaching_effectiveness(store_of(request)),
        charts=True,
    )
