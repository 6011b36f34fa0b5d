"""QA: rubric upload and validity, behaviour analytics, the evaluation browser, the review
queue (overrides with a note, agents' disputes) and calibration sessions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse

from coachloop.errors import CoachloopError
from coachloop.jobs import workspace
from coachloop.web.views.common import (
    PageRoute,
    Poster,
    Viewer,
    flash_of,
    forbid,
    render,
    scope_of,
    store_of,
)

router = APIRouter(tags=["pages"], route_class=PageRoute)

QA_ROLES = ("qa", "admin")
MAX_RUBRIC_BYTES = 1_000_000


def _overview(request: Request, user: Viewer, check: workspace.RubricCheck | None) -> HTMLResponse:
    store = store_of(request)
    stats, validity = workspace.behavior_analytics(store)
    return render(
        request,
        user,
        "pages/qa.html",
        stats=stats,
        validity=validity,
        check=check,
        rubrics=store.list_rubrics(),
        **flash_of(request),
    )


@router.get("/qa", response_class=HTMLResponse)
def qa_page(request: Request, user: Viewer) -> HTMLResponse:
    forbid(user, *QA_ROLES)
    return _overview(request, user, None)


@router.post("/qa/rubrics", response_class=HTMLResponse)
async def upload_rubric(
    request: Request, user: Poster, file: UploadFile, add: Annotated[str | None, Form()] = None
) -> HTMLResponse:
    """Check an uploaded rubric (errors exactly as `coachloop rubric check`); register it when asked and valid."""
    forbid(user, *QA_ROLES)
    raw = await file.read(MAX_RUBRIC_BYTES + 1)
    if len(raw) > MAX_RUBRIC_BYTES:
        check = workspace.RubricCheck(False, [f"{file.filename}: larger than {MAX_RUBRIC_BYTES} bytes"], None)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            check = workspace.RubricCheck(False, [f"{file.filename}: not UTF-8 text"], None)
        else:
            try:
                check = workspace.check_rubric_upload(
                    store_of(request), file.filename or "uploaded.yaml", text, register=bool(add)
                )
            except CoachloopError as err:
                check = workspace.RubricCheck(False, [str(err)], None)
    response = _overview(request, user, check)
    if not check.ok:
        response.status_code = status.HTTP_422_UNPROCESSABLE_CONTENT
    return response


@router.get("/qa/evaluations", response_class=HTMLResponse)
def evaluations_page(
    request: Request,
    user: Viewer,
    behavior: str | None = None,
    outcome: str | None = None,
    reason: str | None = None,
    agent: str | None = None,
    text: str | None = None,
) -> HTMLResponse:
    forbid(user, *QA_ROLES)
    store = store_of(request)
    limit = 50
    error = None
    try:
        found = workspace.browse_evaluations(
            store,
            scope_of(request, user),
            behavior=behavior or None,
            outcome=outcome or None,
            reason=reason or None,
            agent=agent or None,
            text=text or None,
            limit=limit,
        )
    except CoachloopError as err:
        found, error = [], str(err)
    query = {"behavior": behavior, "outcome": outcome, "reason": reason, "agent": agent, "text": text}
    return render(
        request,
        user,
        "pages/evaluations.html",
        found=found,
        q=query,
        behaviors=workspace.behavior_analytics(store)[0],
        limit=limit,
        error=error,
    )


@router.get("/qa/reviews", response_class=HTMLResponse)
def reviews_page(request: Request, user: Viewer) -> HTMLResponse:
    forbid(user, *QA_ROLES)
    store = store_of(request)
    titles = {b.behavior: b.title for b in workspace.behavior_analytics(store)[0]}
    return render(
        request,
        user,
        "pages/reviews.html",
        items=workspace.review_items(store),
        titles=titles,
        **flash_of(request),
    )


@router.post("/qa/reviews")
def set_outcome(
    request: Request,
    user: Poster,
    interaction_id: Annotated[str, Form()],
    behavior: Annotated[str, Form()],
    rubric: Annotated[str, Form()],
    outcome: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Override a machine outcome with a note (`jobs.review.set_review`)."""
    forbid(user, *QA_ROLES)
    try:
        workspace.override(store_of(request), user.name, interaction_id, behavior, outcome, rubric, note)
    except CoachloopError as err:
        return RedirectResponse(f"/qa/reviews?error={quote(str(err))}", status.HTTP_303_SEE_OTHER)
    return RedirectResponse("/qa/reviews?done=overridden", status.HTTP_303_SEE_OTHER)


@router.get("/qa/calibration", response_class=HTMLResponse)
def calibration_page(request: Request, user: Viewer, session: str | None = None) -> HTMLResponse:
    forbid(user, *QA_ROLES)
    store = store_of(request)
    return render(
        request,
        user,
        "pages/calibration.html",
        cal=workspace.calibration(store, session or None),
        behaviors=workspace.behavior_analytics(store)[0],
        **flash_of(request),
    )


@router.post("/qa/calibration")
def calibrate(
    request: Request,
    user: Poster,
    session: Annotated[str, Form()],
    interaction_id: Annotated[str, Form()],
    behavior: Annotated[str, Form()],
    outcome: Annotated[str, Form()],
) -> RedirectResponse:
    """Record the viewer's judgement of an outcome in a calibration session."""
    forbid(user, *QA_ROLES)
    back = f"/qa/calibration?session={quote(session.strip())}"
    try:
        workspace.calibrate(store_of(request), user.name, session, interaction_id.strip(), behavior, outcome)
    except CoachloopError as err:
        return RedirectResponse(f"{back}&error={quote(str(err))}", status.HTTP_303_SEE_OTHER)
    return RedirectResponse(f"{back}&done=calibrated", status.HTTP_303_SEE_OTHER)
