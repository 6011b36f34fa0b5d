"""`coachloop export`: stored results for other tools."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from coachloop.jobs.rubrics import require_evaluated
from coachloop.store import evaluation_to_dict

if TYPE_CHECKING:
    pass

from coachloop.cli.common import DbOption, ExportFormat, err, open_db, output_to

export_app = typer.Typer(help="Write stored results for other tools.", no_args_is_help=True)


@export_app.command("evaluations")
def export_evaluations(
    rubric: Annotated[
        str | None, typer.Option("--rubric", "-r", help="Only this rubric's evaluations.")
    ] = None,
    format: Annotated[
        ExportFormat,
        typer.Option("--format", help="jsonl: one record per line; csv: one row, a column per behaviour."),
    ] = ExportFormat.jsonl,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write stored evaluations, one record per interaction (and rubric)."""
    store = open_db(db, create=False)
    if rubric is not None:
        require_evaluated(store, rubric)
    count = 0
    with output_to(output) as f:
        if format is ExportFormat.jsonl:
            for ev in store.iter_evaluations(rubric):
                f.write(orjson.dumps(evaluation_to_dict(ev)).decode())
                f.write("\n")
                count += 1
        else:
            behaviors: dict[str, None] = {}
            for ev in store.iter_evaluations(rubric):
                behaviors.update((r.behavior_id, None) for r in ev.results)
            writer = csv.writer(f)
            writer.writerow(
                [
                    "interaction_id",
                    "rubric",
                    "rubric_version",
                    "score",
                    "compliance_passed",
                    "auto_failed",
                    "contact_reason",
                    "contact_reason_confidence",
                    *behaviors,
                ]
            )
            for ev in store.iter_evaluations(rubric):
                outcomes = {r.behavior_id: r.outcome.value for r in ev.results}
                reason = ev.contact_reason
                writer.writerow(
                    [
                        ev.interaction_id,
                        ev.rubric,
                        ev.rubric_version,
                        "" if ev.score is None else ev.score,
                        ev.compliance_passed,
                        ev.auto_failed,
                        reason.label if reason else "",
                        reason.confidence if reason else "",
                        *(outcomes.get(b, "") for b in behaviors),
                    ]
                )
                count += 1
    if output is not None:
        err.print(f"{count} evaluations written to {output}", highlight=False)
