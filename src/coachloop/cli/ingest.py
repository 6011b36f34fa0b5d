"""`coachloop ingest` and the quarantine of records that could not be read."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coachloop import jobs
from coachloop.errors import CoachloopError
from coachloop.ingest.records import readers
from coachloop.ingest.redact import RedactionConfig, Redactor

if TYPE_CHECKING:
    pass

from coachloop.cli.common import DbOption, app, err, open_db, out, print_rejections, progress_bar

quarantine_app = typer.Typer(
    help="Records that could not be read: list, show, replay, drop.", no_args_is_help=True
)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files to read.", show_default=False)],
    format: Annotated[
        str, typer.Option("--format", "-f", help="Input format: " + ", ".join(readers))
    ] = "native",
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep",
            help="Keep this kind of sensitive data in clear (repeatable): cards, national_ids, emails, phones, "
            "spoken_digits. Default: everything is redacted.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Read conversations (or metadata, agents, surveys) into the store.

    Text is redacted before it is stored. Bad records are reported and kept in
    quarantine; the good ones around them are stored. Re-ingesting an id updates it.
    """
    redactor = Redactor(RedactionConfig.from_mapping(dict.fromkeys(keep or [], False)))
    store = open_db(db)
    with progress_bar() as bar:
        task = bar.add_task("ingesting", total=None)
        report = jobs.ingest_paths(
            store, paths, format, redactor=redactor, progress=lambda n: bar.advance(task, n)
        )
    print_rejections(report.errors)
    out.print(
        f"{report.interactions} interactions, {report.updates} metadata updates, {report.surveys} surveys, "
        f"{report.agents} agents stored from {report.files} file(s); {report.rejected} rejected"
        + (" (see `coachloop quarantine list`)" if report.rejected else ""),
        highlight=False,
    )


@quarantine_app.command("list")
def quarantine_list(db: DbOption = None) -> None:
    """Records that were rejected, with where and why."""
    rows = open_db(db, create=False).list_quarantine()
    for q in rows:
        where = f"{q.file or '?'}" + (f":{q.line}" if q.line else "") + (f" {q.field}" if q.field else "")
        out.print(f"{q.id:6} {q.format:12} {where}: {q.reason}", highlight=False, soft_wrap=True)
    err.print(f"{len(rows)} record(s) in quarantine", highlight=False)


@quarantine_app.command("show")
def quarantine_show(qid: Annotated[int, typer.Argument(metavar="QID")], db: DbOption = None) -> None:
    """Print a quarantined record as it was read (redacted), to fix it."""
    row = next((q for q in open_db(db, create=False).list_quarantine() if q.id == qid), None)
    if row is None:
        raise CoachloopError(f"no quarantined record {qid}")
    sys.stdout.write(row.raw + "\n")


@quarantine_app.command("replay")
def quarantine_replay(
    qids: Annotated[list[int] | None, typer.Argument(metavar="[QID]...")] = None, db: DbOption = None
) -> None:
    """Read quarantined records again (all, or the ids given); those still bad stay in quarantine."""
    result, rows = jobs.replay_quarantine(open_db(db), qids or None)
    print_rejections(result.errors)
    out.print(
        f"{len(rows)} replayed: {result.interactions + result.updates + result.surveys + result.agents} "
        f"stored, {result.rejected} still rejected",
        highlight=False,
    )


@quarantine_app.command("drop")
def quarantine_drop(
    qids: Annotated[list[int], typer.Argument(metavar="QID...")], db: DbOption = None
) -> None:
    """Delete quarantined records for good."""
    n = open_db(db).clear_quarantine(qids)
    out.print(f"{n} record(s) dropped", highlight=False)
