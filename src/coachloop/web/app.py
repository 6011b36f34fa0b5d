"""The web application factory: `create_app(store_url, ...)` -> a FastAPI app.

Routers are added here; later web features (the full workspace) add theirs to the app
this returns. The live-session WebSocket is described in `/openapi.json` as the path
`/ws/live` (an HTTP GET upgraded to a WebSocket), with its message schemas.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from coachloop.jobs.live import LiveRubrics
from coachloop.language.sentiment import assess_many
from coachloop.realtime import protocol
from coachloop.realtime.knowledge import load_catalogue
from coachloop.store import open_store
from coachloop.web import auth, live, pages, views
from coachloop.web.api import api_router
from coachloop.web.api.errors import install_error_handlers

__all__ = ["create_app"]


def create_app(
    store_url: str,
    *,
    rubrics: Sequence[str | Path] = (),
    knowledge: Path | None = None,
    no_knowledge: bool = False,
    sentiment: bool = True,
) -> FastAPI:
    """The app over the store at `store_url` (migrated on open). `rubrics` are extra rubric
    files live sessions may name or be given; `knowledge` a catalogue file (the shipped
    example by default, none with `no_knowledge`); `sentiment` turns frustration prompts on."""
    store = open_store(store_url)
    catalogue = None if no_knowledge else load_catalogue(knowledge)
    service = live.LiveService(store, LiveRubrics(rubrics), catalogue, sentiment=sentiment)
    if sentiment:
        assess_many(["warm up the sentiment tables"])  # loaded once here, not on a caller's first turn

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            service.close()
            store.close()

    app = FastAPI(
        title="coachloop",
        version="0.1.0",
        description="Contact-center evaluation, coaching and live assist.",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.live = service
    auth.install_sessions(app, store)
    install_error_handlers(app)
    app.include_router(auth.router)
    app.include_router(api_router)
    app.include_router(live.router)
    app.include_router(pages.router)
    app.include_router(views.router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            _document_websocket(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _document_websocket(schema: dict[str, Any]) -> None:
    """FastAPI leaves WebSockets out of OpenAPI; describe `/ws/live` and its messages."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    names = []
    for model in (protocol.Start, protocol.UtteranceIn, protocol.Feedback, protocol.End):
        adapter: TypeAdapter[Any] = TypeAdapter(model)
        found = adapter.json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in found.pop("$defs", {}).items():
            components.setdefault(name, sub)
        components[f"Live{model.__name__}"] = found
        names.append(f"Live{model.__name__}")
    schema.setdefault("paths", {})["/ws/live"] = {
        "get": {
            "tags": ["live"],
            "summary": "Live session (WebSocket)",
            "description": (protocol.__doc__ or "").strip(),
            "operationId": "live_session_websocket",
            "parameters": [
                {
                    "name": "token",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "Bearer token (or an Authorization header).",
                }
            ],
            "requestBody": {
                "description": "Client messages, one JSON object per text frame.",
                "content": {
                    "application/json": {
                        "schema": {"oneOf": [{"$ref": f"#/components/schemas/{n}"} for n in names]}
                    }
                },
            },
            "responses": {"101": {"description": "Switching to the WebSocket protocol."}},
            "x-websocket": True,
        }
    }
