"""What every page view shares: rendering, the signed-in viewer, their scope, navigation."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute

from coachloop.jobs import audit, workspace
from coachloop.jobs.access import Scope
from coachloop.jobs.workspace import format_value
from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.web.auth import csrf_token, page_viewer, viewer
from coachloop.web.templating import templates
from coachloop.web.views import charts

__all__ = ["NAV", "PageRoute", "Viewer", "forbid", "render", "store_of", "templates"]


NAV: dict[str, list[tuple[str, str]]] = {
    "agent": [("/me", "My work"), ("/agent", "Live assist")],
    "supervisor": [("/team", "My team"), ("/board", "Live board")],
    "qa": [
        ("/qa", "Rubrics & analytics"),
        ("/qa/evaluations", "Evaluations"),
        ("/qa/reviews", "Review queue"),
        ("/qa/calibration", "Calibration"),
    ],
    "leader": [("/leader", "Overview"), ("/team", "Teams"), ("/board", "Live board")],
    "admin": [
        ("/leader", "Overview"),
        ("/team", "Teams"),
        ("/qa", "QA"),
        ("/qa/reviews", "Review queue"),
        ("/board", "Live board"),
    ],
}
HOME = {"agent": "/me", "supervisor": "/team", "qa": "/qa", "leader": "/leader", "admin": "/leader"}


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


Viewer = Annotated[UserRecord, Depends(page_viewer)]
"""A page's viewer: session cookie (or bearer token); not signed in -> the login page."""
Poster = Annotated[UserRecord, Depends(viewer)]
"""A form post's viewer: by session cookie only with the session's CSRF token (the
`csrf_token` field every form carries; else 403), or by bearer token (no ambient
credential, so no CSRF token needed)."""


def forbid(user: UserRecord, *roles: str) -> None:
    if user.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"the {user.role} role may not open this page")


def _pct(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%d %b %Y %H:%M")


def _ci(ci: Any, unit: str) -> str:
    """An interval as people read it, within the values the KPI can take."""
    if not ci:
        return ""
    floor, ceiling = charts.BOUNDS.get(unit, (None, None))
    lo, hi = ci[0], ci[1]
    if floor is not None:
        lo, hi = max(lo, floor), max(hi, floor)
    if ceiling is not None:
        lo, hi = min(lo, ceiling), min(hi, ceiling)
    return f"{format_value(lo, unit)}–{format_value(hi, unit)}"


def _delta(value: float, unit: str) -> str:
    """A change: shares in percentage points."""
    if unit in ("share", "0-1"):
        return f"{abs(value) * 100:.0f} pts"
    return format_value(abs(value), unit)


def _seconds(value: float | None) -> str:
    if value is None:
        return ""
    return f"{int(value // 60)}:{int(value % 60):02d}"


templates.env.filters["pct"] = _pct
templates.env.filters["when"] = _when
templates.env.filters["mmss"] = _seconds
templates.env.filters["kpi"] = format_value
templates.env.filters["ci"] = _ci
templates.env.filters["delta"] = _delta
templates.env.filters["figure"] = charts.as_json
templates.env.globals["trend"] = charts.trend_chart


def _csrf(request: Request) -> str:
    """The session's CSRF token for the forms; none for a bearer-token request (it has no
    session to protect and needs none, and making one would set a cookie on every answer)."""
    if "session" in request.scope and request.session:
        return csrf_token(request)
    return ""


def render(request: Request, user: UserRecord, name: str, **context: Any) -> HTMLResponse:
    nav = NAV.get(user.role, [])
    return templates.TemplateResponse(
        request,
        name,
        {"user": user, "nav": nav, "path": request.url.path, "csrf": _csrf(request), **context},
    )


FLASH = {
    "disputed": "Your dispute was sent to QA: the outcome is in their review queue.",
    "overridden": "Outcome set. It now counts everywhere in place of the machine's.",
    "calibrated": "Judgement recorded.",
    "session": "Session recorded: its commitments and checkpoint are on the agent's next agenda.",
}


def flash_of(request: Request) -> dict[str, str | None]:
    done = request.query_params.get("done")
    error = request.query_params.get("error")
    if error:
        return {"flash": error[:300], "flash_kind": "error"}
    return {"flash": FLASH.get(done or ""), "flash_kind": "ok"}


def safe_back(back: str | None, default: str) -> str:
    """Only a path inside this app (no open redirect)."""
    if back and back.startswith("/") and not back.startswith("//"):
        return back
    return default


def scope_of(request: Request, user: UserRecord) -> workspace.Visible:
    """The viewer's scope (`jobs.access.Scope`): an agent themself, a supervisor their team."""
    return Scope.of(store_of(request), user)


def audit_opened(request: Request, user: UserRecord, kind: str, object_id: str) -> None:
    """Who opened which object, in the audit log (`jobs.audit.record`)."""
    audit.record(store_of(request), user, "open", kind, object_id)


_TITLES = {403: "Not for your role", 404: "Not found"}


class PageRoute(APIRoute):
    """A page route: a 403 or 404 is a page in the app's look for a browser (which asks
    for HTML), the usual JSON error body for any other client."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as err:
                if err.status_code not in _TITLES or "text/html" not in request.headers.get("accept", ""):
                    raise
                return templates.TemplateResponse(
                    request,
                    "pages/error.html",
                    {"title": _TITLES[err.status_code], "message": str(err.detail)},
                    status_code=err.status_code,
                )

        return handle
