"""One error body for the API: `{"error": {"status", "code", "message", "detail"}}`.

Every 4xx/5xx answer under `/api/` has it, validation errors (422) included; pages keep
FastAPI's own answers (the page layer renders its own). A `CoachloopError` no route caught,
or a crash, on a page a browser asked for (HTML `Accept`, outside `/api/`) is the error
page in the app's look, with the same status; any other client gets the error body.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from coachloop.errors import CoachloopError
from coachloop.web.templating import render

__all__ = [
    "ErrorBody",
    "ErrorInfo",
    "error_page",
    "error_response",
    "install_error_handlers",
    "is_api",
    "wants_page",
]

log = logging.getLogger("coachloop.web")

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    500: "server_error",
}


class ErrorInfo(BaseModel):
    status: int
    code: str
    message: str
    detail: Any = None


class ErrorBody(BaseModel):
    error: ErrorInfo


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API, and HTML accepted)."""
    return not is_api(request) and "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(request, "pages/error.html", {"title": title, "message": message}, status_code=status)


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    detail: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(
        error=ErrorInfo(
            status=status,
            code=code or _CODES.get(status) or HTTPStatus(status).phrase.lower().replace(" ", "_"),
            message=message,
            detail=jsonable_encoder(detail),
        )
    )
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not is_api(request):
            return await http_exception_handler(request, exc)
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        detail = None if isinstance(exc.detail, str) else exc.detail
        return error_response(exc.status_code, message, detail=detail, headers=getattr(exc, "headers", None))

    async def on_invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not is_api(request):
            return await request_validation_exception_handler(request, exc)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return error_response(422, "the request is not valid", detail=errors)

    async def on_coachloop(request: Request, exc: Exception) -> Response:
        # An error raised on purpose below a route that did not catch it: the caller's input.
        if wants_page(request):
            return error_page(request, 400, "That did not work", str(exc))
        return error_response(400, str(exc), code=type(exc).__name__)

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        if wants_page(request):
            return error_page(request, 500, "Something went wrong", "The error is logged; try again later.")
        return error_response(500, "internal server error")

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(CoachloopError, on_coachloop)
    app.add_exception_handler(Exception, on_crash)
