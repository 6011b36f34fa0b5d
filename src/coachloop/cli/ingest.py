"""`coachloop ingest` and the quarantine of records that could not be read."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from coachloop import jobs
from coachloop.errors import CoachloopError
from coachloop.ingest.records import ReadOptions, readers
from coachloop.ingest.redact import RedactionConfig, Redactor
from coachloop.ingest.sources import load_sources

if TYPE_CHECKING:
    pass

from coachloop.cli.common import DbOption, app, err, open_db, out, print_rejections, progress_bar

quarantine_app = typer.Typer(
    help="Records that could not be read: list, show, replay, drop.", no_args_is_help=True
)


_FORMATS = ", ".join(["auto", *readers])


def _print_lines(kind: str, lines: list[str], limit: int = 20) -> None:
    for line in lines[:limit]:
        err.print(f"{kind} {escape(line)}", markup=True, highlight=False, soft_wrap=True)
    if len(lines) > limit:
        err.print(f"... and {len(lines) - limit} more", highlight=False)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files to read.", show_default=False)],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help=f"Input format: {_FORMATS}. `auto` tells each file's format by its shape and says "
            "which it chose.",
        ),
    ] = jobs.AUTO,
    agent_channel: Annotated[
        int | None,
        typer.Option(
            "--agent-channel",
            min=0,
            help="Transcribe with channel identification: the agent's channel (default 1, Amazon "
            "Connect's convention: customer on channel 0, agent on channel 1).",
        ),
    ] = None,
    agent_speaker: Annotated[
        str | None,
        typer.Option(
            "--agent-speaker",
            help="Transcribe with speaker labels: the agent's label, e.g. spk_1 (default: decided by "
            "what each voice says, reported per call with its confidence).",
        ),
    ] = None,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="YAML file of per-source settings: entries with `match` (a glob), `format`, "
            "`agent_channel`, `agent_speaker`; the first matching entry applies, flags given here win.",
        ),
    ] = None,
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

    Text is redacted before it is stored. Bad records, and files that cannot be read,
    are reported and kept in quarantine; the good ones around them are stored.
    Re-ingesting an id updates it. Exit status: 0 when everything was stored, 3 when
    some records were quarantined, 4 when nothing was stored, 1 on an error that
    stopped the command (a missing file, an unknown format).
    """
    redactor = Redactor(RedactionConfig.from_mapping(dict.fromkeys(keep or [], False)))
    options = ReadOptions(agent_channel=agent_channel, agent_speaker=agent_speaker)
    per_source = load_sources(sources) if sources is not None else None
    store = open_db(db)
    with progress_bar() as bar:
        task = bar.add_task("ingesting", total=None)
        report = jobs.ingest_paths(
            store,
            paths,
            format,
            redactor=redactor,
            options=options,
            sources=per_source,
            progress=lambda n: bar.advance(task, n),
        )
    if format == jobs.AUTO or per_source is not None:
        _print_lines("[cyan]format[/]", [f"{path}: {fmt}" for path, fmt in report.formats.items()])
    _print_lines("[cyan]agent[/]", report.roles)
    _print_lines("[yellow]warning[/]", report.warnings)
    print_rejections(report.errors)
    out.print(
        f"{report.interactions} interactions, {report.updates} metadata updates, {report.surveys} surveys, "
        f"{report.agents} agents stored from {report.files} file(s); {report.rejected} rejected"
        + (" (see `coachloop quarantine list`)" if report.rejected else ""),
        highlight=False,
    )
    if report.exit_status:
        raise typer.Exit(report.exit_status)


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
    qids: Annotated[list[int] | None, typer.Argument(metavar="[QID]...")] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=f"Read them as this format ({_FORMATS}) instead of the one they were quarantined in.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Read quarantined records again (all, or the ids given); those still bad stay in quarantine."""
    result, rows = jobs.replay_quarantine(open_db(db), qids or None, fmt=format)
    print_rejections(result.errors)
    out.print(
        f"{len(rows)} replayed: {result.interactions + result.updates + result.surveys + result.agents} "
        f"stored, {result.rejected} still rejected",
        highlight=False,
    )


@quarantine_app.command("drop")
def quarantine_drop(
    qids: Annotated[list[int] | None, typer.Argument(metavar="[QID]...")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Drop every quarantined record.")] = False,
    db: DbOption = None,
) -> None:
    """Delete quarantined records for good: the ids given, or all of them with --all."""
    if not qids and not all_:
        raise CoachloopError("name the records to drop (QID...), or pass --all")
    if qids and all_:
        raise CoachloopError("give either QIDs or --all, not both")
    n = open_db(db).clear_quarantine(None if all_ else qids)
    out.print(f"{n} record(s) dropped", highlight=False)
