"""`coachloop export`: stored results for other tools (formats: `coachloop.export`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from coachloop.cli.common import DbOption, err, open_db, output_to
from coachloop.jobs.export import (
    evaluation_exporter,
    evaluation_formats,
    export_evaluations,
    export_interactions,
    interaction_exporter,
    interaction_formats,
)
from coachloop.jobs.rubrics import require_evaluated

export_app = typer.Typer(help="Write stored results for other tools.", no_args_is_help=True)

OutputOption = Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")]


def _format_option(names: list[str], about: str) -> Any:
    return typer.Option("--format", help=f"One of: {', '.join(names)}. {about}")


@export_app.command("evaluations")
def export_evaluations_command(
    rubric: Annotated[
        str | None, typer.Option("--rubric", "-r", help="Only this rubric's evaluations.")
    ] = None,
    format: Annotated[
        str,
        _format_option(
            evaluation_formats(), "jsonl: one record per line; csv: one row, a column per behaviour."
        ),
    ] = "jsonl",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Write stored evaluations, one record per interaction (and rubric)."""
    evaluation_exporter(format)  # an unknown format fails before the output file is made
    store = open_db(db, create=False)
    if rubric is not None:
        require_evaluated(store, rubric)
    _write(output, "evaluations", lambda f: export_evaluations(store, f, format, rubric=rubric))


@export_app.command("interactions")
def export_interactions_command(
    format: Annotated[
        str,
        _format_option(
            interaction_formats(), "jsonl: native records, as `coachloop ingest --format native` reads them."
        ),
    ] = "jsonl",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Write the stored conversations (redacted, as stored) as native records."""
    interaction_exporter(format)  # an unknown format fails before the output file is made
    store = open_db(db, create=False)
    _write(output, "interactions", lambda f: export_interactions(store, f, format))


def _write(output: Path | None, what: str, write: Callable[[TextIO], int]) -> None:
    with output_to(output) as f:
        count = write(f)
    if output is not None:
        err.print(f"{count} {what} written to {output}", highlight=False)
