"""The web layer: HTTP API, pages, live-session WebSocket, bearer-token auth and roles.

`create_app(store_url, ...)` builds the app; `coachloop serve` runs it with uvicorn.
"""

from coachloop.web.app import create_app

__all__ = ["create_app"]
