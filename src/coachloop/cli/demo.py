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
    db: DbOption = None,
) -> None:
    """Generate a realistic contact center, ingest and evaluate it, and say where to look."""
    from coachloop.demo.run import run_demo

    run_demo(directory, seed=seed, shared_data=shared_data, db=db, console=out, progress=progress_bar)
