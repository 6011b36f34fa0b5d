"""The one Jinja2 environment of the web pages: `templates` and `render`.

Templates live in `web/templates/` and extend `base.html`. Every template can call
`csrf_token(request)` (put it in each form as the hidden field `csrf_token`) and sees
`viewer` when the route passes one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from coachloop.web.auth import CSRF_FIELD, csrf_token

__all__ = ["TEMPLATES_DIR", "render", "templates"]

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["csrf_field"] = CSRF_FIELD


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """`name` rendered with `context` (and `request`), as an HTML response."""
    return templates.TemplateResponse(request, name, dict(context or {}), status_code=status_code)
