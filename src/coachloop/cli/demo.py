"""`coachloop schema` and `coachloop demo`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

if TYPE_CHECKING:
    pass

from coachloop.cli.common import DbOption, app, out, progress_bar


@app.command()
def schema() -> None:
    """Print the JSON Schema of the native input format (one interaction per line)."""
    from coachloop.ingest.native import native_schema

    sys.stdout.write(orjson.dumps(native_schema(), option=orjson.OPT_INDENT_2).decode() + "\n")


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where to write the demo data and database.")
    ] = Path("demo"),
    seed: Annotated[int, typer.Option(help="Seed of the generated contact center.")] = 7,
    shared_data: Annotated[
        Path | None,
        typer.Option(
            "--shared-data",
            envvar="COACHLOOP_SHARED_DATA",
            help="Folder with hvb/dev.jsonl to add real calls (default: ../shared/data when present).",
        ),
    ] = None,
    no_serve: Annotated[
        bool,
        typer.Option(
            "--no-serve", help="Stop after building (also when stdin is not a terminal or CI is set)."
        ),
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Interface the dashboard listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port the dashboard listens on.")] = 8000,
    db: DbOption = None,
) -> None:
    """Generate a realistic contact center, ingest and evaluate it, make one sign-in per
    role (printed once, and in DIR/logins.txt), and serve the dashboard on localhost."""
    import os

    from coachloop.demo.run import run_demo

    url = run_demo(directory, seed=seed, shared_data=shared_data, db=db, console=out, progress=progress_bar)
    if no_serve or os.environ.get("CI") or not sys.stdin.isatty():
        out.print(f"  serve the dashboard: .venv/bin/coachloop serve --db {url}", highlight=False)
        return
    from coachloop.web import create_app
    from coachloop.web.server import serve

    out.print(f"\n[bold]Dashboard:[/] http://{host}:{port}/login  (Ctrl-C stops it)", highlight=False)
    serve(create_app(url), host, port, log_level="warning")
