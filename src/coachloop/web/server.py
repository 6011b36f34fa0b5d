"""Running the app with uvicorn: in the foreground (`coachloop serve`) or on an
ephemeral loopback port in a background thread (tests, `coachloop replay` without
`--url`, benchmarks)."""

from __future__ import annotations

import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from coachloop.errors import CoachloopError

__all__ = ["BackgroundServer", "serve"]


def serve(app: FastAPI, host: str, port: int, *, log_level: str = "info") -> None:
    uvicorn.run(app, host=host, port=port, log_level=log_level, ws="websockets-sansio")


class BackgroundServer:
    """`with BackgroundServer(app) as base_url:` serves `app` on 127.0.0.1 at a free port."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        config = uvicorn.Config(
            app, host=host, port=port, log_level="warning", ws="websockets-sansio", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="coachloop-serve", daemon=True)
        self.host = host

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise CoachloopError("the web server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://{self.host}:{port}"

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
