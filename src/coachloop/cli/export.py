"""`coachloop export`: stored results for other tools (formats: `coachloop.export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

export_app = typer.Typer(help="Write stored results for other tools.", no_args_is_help=True)

OutputOption = Annotated[
    Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
]


@export_app.command("evaluations")
def export_evaluations_command(
    rubric: Annotated[
        str | None, typer.Option("--rubric", "-r", help="Only this rubric's evaluations.")
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help=f"One of: {', '.join(evaluation_formats())}. jsonl: one record per line; "
            "csv: one row, a column per behaviour.",
        ),
    ] = "jsonl",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Write stored evaluations, one record per interaction (and rubric)."""
    evaluation_exporter(format)  # an unknown format fails before the output file is made
    store = open_db(db)
    with output_to(output) as f:
        count = export_evaluations(store, f, format, rubric=rubric)
    if output is not None:
        err.print(f"{count} evaluations written to {output}", highlight=False)


@export_app.command("interactions")
def export_interactions_command(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help=f"One of: {', '.join(interaction_formats())}. jsonl: native records, "
            "one per line, as `coachloop ingest --format native` reads them.",
        ),
    ] = "jsonl",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Write the stored conversations (redacted, as stored) as native records."""
    interaction_exporter(format)  # an unknown format fails before the output file is made
    store = open_db(db)
    with output_to(output) as f:
        count = export_interactions(store, f, format)
    if output is not None:
        err.print(f"{count} interactions written to {output}", highlight=False)
