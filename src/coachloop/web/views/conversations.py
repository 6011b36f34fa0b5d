"""The conversation view: transcript, outcomes with evidence in place, sentiment, reason."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse

from coachloop.jobs import workspace
from coachloop.web.views import charts
from coachloop.web.views.common import PageRoute, Viewer, audit_opened, flash_of, render, scope_of, store_of

router = APIRouter(tags=["pages"], route_class=PageRoute)


@router.get("/conversations/{interaction_id}", response_class=HTMLResponse)
def conversation_page(
    request: Request, user: Viewer, interaction_id: str, behavior: str | None = None
) -> HTMLResponse:
    """One conversation (404 outside the viewer's scope); opening it is audit-logged."""
    try:
        view = workspace.conversation(store_of(request), scope_of(request, user), interaction_id)
    except workspace.NotVisible as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err)) from None
    audit_opened(request, user, "interaction", interaction_id)
    points = [(line.index, line.sentiment) for line in view.lines if line.sentiment is not None]
    figure = charts.sentiment_chart([(i, s) for i, s in points if s is not None], view.sentiment["peaks"])
    return render(
        request,
        user,
        "pages/conversation.html",
        view=view,
        focus=behavior,
        sentiment_figure=figure,
        can_dispute=user.role == "agent" and user.agent_id == view.interaction.agent_id,
        charts=True,
        **flash_of(request),
    )
