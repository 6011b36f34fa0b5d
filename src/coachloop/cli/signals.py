"""`coachloop signals`: drift, friction, root causes and rubric validity, ranked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

import typer
from rich.table import Table

from coachloop.cli.common import DbOption, ReportFormat, app, open_db, out, print_json
from coachloop.errors import CoachloopError
from coachloop.model import SIGNAL_KINDS as KINDS


def _day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        raise CoachloopError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from None


@app.command("signals")
def signals_cmd(
    since: Annotated[
        str | None, typer.Option("--since", help="First day of the period (YYYY-MM-DD, UTC; inclusive).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Day after the period (YYYY-MM-DD, UTC; exclusive).")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help=f"Only these kinds (repeatable): {', '.join(KINDS)}."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="At most this many signals.")
    ] = None,
    rubric: Annotated[
        str | None, typer.Option("--rubric", "-r", help="Only this rubric's evaluations (default: all).")
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """What the evaluations say, strongest first: agents drifting (CUSUM on their own calls),
    friction in a queue, reason or language (week over week), segments with lower pass rates
    or outcomes, and behaviours that predict no outcome. Each with its sentence and evidence.

    JSON: a ranked list of {"kind", "subject", "behavior", "period": {"from", "to"},
    "strength", "sentence", "evidence"}.
    """
    from coachloop.jobs.signals import find_signals
    from coachloop.signals import signal_to_dict

    store = open_db(db)
    try:
        found = find_signals(
            store,
            kinds=kind,
            since=_day(since, "--since"),
            until=_day(until, "--until"),
            rubric=rubric,
            limit=limit,
        )
    finally:
        store.close()
    if fmt == ReportFormat.json:
        print_json([signal_to_dict(s) for s in found])
        return
    if not found:
        out.print("No signals: nothing in the evaluations of this period stands out.")
        return
    table = Table(show_lines=False)
    for name in ("strength", "kind", "subject", "behavior", "sentence"):
        table.add_column(name, overflow="fold")
    for s in found:
        subject = ", ".join(f"{k}={v}" for k, v in s.subject.items())
        table.add_row(f"{s.strength:.2f}", s.kind, subject, s.behavior or "", s.sentence)
    out.print(table)
