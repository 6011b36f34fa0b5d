"""`coachloop evaluations`: find the calls behind a number, delete a rubric's results.
A thin shell over `coachloop.jobs.evaluations`."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from coachloop.cli.common import DbOption, err, open_db, out
from coachloop.jobs import evaluations as jobs
from coachloop.model import Outcome
from coachloop.store.drilldown import FoundEvaluation

evaluations_app = typer.Typer(help="Find stored evaluations, or delete a rubric's.", no_args_is_help=True)


class ListFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"


def _record(f: FoundEvaluation) -> dict[str, Any]:
    h = f.header
    record: dict[str, Any] = {
        "interaction_id": f.interaction_id,
        "rubric": f.rubric,
        "rubric_version": f.rubric_version,
        "agent_id": h.agent_id,
        "agent_name": h.agent_name,
        "team": h.team,
        "queue": h.queue,
        "channel": h.channel.value,
        "started_at": h.started_at.isoformat() if h.started_at else None,
        "score": f.score,
        "compliance_passed": f.compliance_passed,
        "auto_failed": f.auto_failed,
        "failed_critical": list(f.failed_critical),
    }
    if f.behavior_outcome is not None:
        record["behavior_outcome"] = f.behavior_outcome.value
    return record


@evaluations_app.command("list")
def list_cmd(
    agent: Annotated[str | None, typer.Option("--agent", help="Agent id.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Team (the call's, else its agent's).")] = None,
    auto_failed: Annotated[
        bool | None,
        typer.Option("--auto-failed/--not-auto-failed", help="Only auto-failed (or passed) ones."),
    ] = None,
    behavior: Annotated[str | None, typer.Option("--behavior", "-b", help="Behaviour id.")] = None,
    outcome: Annotated[
        Outcome | None,
        typer.Option("--outcome", help="The behaviour's outcome (any behaviour's without --behavior)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Started on or after (YYYY-MM-DD or ISO).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Started on or before this day (or before this time).")
    ] = None,
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", help="Rubric name.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many.")] = None,
    format: Annotated[
        ListFormat, typer.Option("--format", help="table, or jsonl: one record per line.")
    ] = ListFormat.table,
    db: DbOption = None,
) -> None:
    """The evaluations behind a number, newest call first; outcomes with reviewers' overrides applied."""
    store = open_db(db)
    found = jobs.find_evaluations(
        store,
        rubric=rubric,
        agent=agent,
        team=team,
        auto_failed=auto_failed,
        behavior=behavior,
        outcome=outcome,
        since=since,
        until=until,
        limit=limit,
    )
    if format is ListFormat.jsonl:
        for f in found:
            sys.stdout.write(orjson.dumps(_record(f)).decode() + "\n")
        return
    table = Table(title=f"{len(found)} evaluations", title_justify="left")
    columns = ["interaction", "rubric", "agent", "team", "queue", "channel", "started", "score", "auto-fail"]
    if behavior is not None:
        columns.append(behavior)
    for col in columns:
        table.add_column(col, justify="right" if col == "score" else "left")
    for f in found:
        h = f.header
        agent_cell = f"{h.agent_name} ({h.agent_id})" if h.agent_name else (h.agent_id or "")
        cells = [
            f.interaction_id,
            f.rubric,
            agent_cell,
            h.team or "",
            h.queue or "",
            h.channel.value,
            h.started_at.strftime("%Y-%m-%d %H:%M") if h.started_at else "",
            "-" if f.score is None else f"{f.score:.2f}",
            ", ".join(f.failed_critical) if f.auto_failed else "",
        ]
        if behavior is not None:
            cells.append(f.behavior_outcome.value if f.behavior_outcome else "")
        table.add_row(*cells)
    out.print(table)


@evaluations_app.command("delete")
def delete_cmd(
    rubric: Annotated[str, typer.Option("--rubric", "-r", help="Delete every evaluation under this rubric.")],
    db: DbOption = None,
) -> None:
    """Delete what a rubric produced: its evaluations and the reviews of them."""
    store = open_db(db)
    count = jobs.delete_rubric_evaluations(store, rubric)
    err.print(f"deleted {count} evaluations under rubric {rubric!r}", highlight=False)
