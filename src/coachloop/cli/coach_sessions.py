"""`coachloop coach agenda | followup | sessions | coaches`: coaching sessions, their
follow-up and how well each supervisor coaches. A thin shell over `jobs.coach_sessions`.

Disputes: an agent disputes an outcome cited in a plan with `coachloop review dispute ID
BEHAVIOR --by AGENT --note ...` (it enters the review queue; the reviewer's decision then
wins everywhere outcomes are read, plans and follow-ups included). There is no second copy
of that command here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

import typer
from rich.table import Table

from coachloop.cli.common import DbOption, ReportFormat, open_db, out, print_json
from coachloop.coaching.cadence import SessionKind
from coachloop.errors import CoachloopError
from coachloop.jobs import coach_sessions as cs
from coachloop.stats import Interval
from coachloop.store.coaching import CoachingSession, list_sessions

__all__ = ["sessions_app"]

sessions_app = typer.Typer(
    no_args_is_help=True,
    help="Coaching: this week's agendas, follow-ups of what was agreed, sessions, and coaching the coaches.",
)
list_app = typer.Typer(no_args_is_help=True, help="Coaching sessions: list, schedule, record.")
sessions_app.add_typer(list_app, name="sessions")


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CoachloopError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from None


def _instant(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CoachloopError(f"{option} {value!r}: expected a date or date-time (ISO 8601)") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _end_of(day: date | None) -> datetime | None:
    """The instant after `day` (so the whole day counts)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def _ci(ci: Interval | None, pct: bool = True) -> str:
    if ci is None:
        return "-"
    return f"{ci.low:+.0%} to {ci.high:+.0%}" if pct else f"{ci.low:+.3f} to {ci.high:+.3f}"


def _session_json(s: CoachingSession) -> dict[str, Any]:
    return {
        "id": s.id,
        "agent_id": s.agent_id,
        "supervisor": s.supervisor,
        "kind": s.kind,
        "scheduled_at": s.scheduled_at.isoformat(),
        "held_at": s.held_at.isoformat() if s.held_at else None,
        "duration_minutes": s.duration_minutes,
        "agenda": s.agenda,
        "notes": s.notes,
        "behaviors": s.behaviors,
        "commitments": s.commitments,
        "improvement_plan": s.improvement_plan,
        "next_checkpoint": s.next_checkpoint.isoformat() if s.next_checkpoint else None,
    }


@sessions_app.command("agenda")
def agenda_cmd(
    supervisor: Annotated[
        str, typer.Argument(metavar="SUPERVISOR", help="The supervisor's name as on record.")
    ],
    week: Annotated[
        str | None, typer.Option("--week", help="Any day of the week (YYYY-MM-DD; default: this week).")
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """The week's sessions due for SUPERVISOR's agents, overdue ones first, each with its agenda:
    the follow-up of the last commitments with the behaviour as measured since, then the session's purpose.

    JSON: a list of {"agent_id", "agent_name", "kind", "due_on", "overdue", "last_held", "items"}.
    """
    week_of = _date(week, "--week") or date.today()
    store = open_db(db, create=False)
    with store:
        entries = cs.agenda(store, supervisor, week_of)
    if fmt is ReportFormat.json:
        print_json(
            [
                {
                    "agent_id": e.due.agent_id,
                    "agent_name": e.due.agent_name,
                    "kind": e.due.kind.value,
                    "due_on": e.due.due_on.isoformat(),
                    "overdue": e.due.overdue,
                    "last_held": e.due.last_held.isoformat() if e.due.last_held else None,
                    "scheduled_id": e.due.scheduled_id,
                    "items": e.items,
                }
                for e in entries
            ]
        )
        return
    if not entries:
        out.print(f"nothing due for {supervisor} in the week of {week_of.isoformat()} (is the name right?)")
        return
    for e in entries:
        d = e.due
        late = " [bold red]OVERDUE[/]" if d.overdue else ""
        out.print(
            f"[bold]{d.agent_id}[/] {d.agent_name or ''} - {d.kind.value} due {d.due_on.isoformat()}{late}"
        )
        for item in e.items:
            out.print(f"    - {item}", highlight=False, markup=False)


@sessions_app.command("followup")
def followup_cmd(
    agent: Annotated[str | None, typer.Option("--agent", help="Only this agent.")] = None,
    supervisor: Annotated[
        str | None, typer.Option("--supervisor", help="Only this supervisor's agents.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Measure up to the end of this day (YYYY-MM-DD; default: now)."),
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """Did the agreed behaviours move? For each agent coached on a behaviour: its rate over the
    calls since the first session on it against the four weeks before, with the 95 % interval
    of the difference, and the verdict: improved, no change, worse or not enough calls yet.
    """
    store = open_db(db, create=False)
    with store:
        found = cs.followups(
            store, agent_id=agent, supervisor=supervisor, as_of=_end_of(_date(as_of, "--as-of"))
        )
    if fmt is ReportFormat.json:
        print_json(
            [
                {
                    "agent_id": f.agent_id,
                    "supervisor": f.supervisor,
                    "behavior": f.behavior,
                    "session_id": f.session_id,
                    "started": f.started.isoformat(),
                    "checkpoint": f.checkpoint.isoformat() if f.checkpoint else None,
                    "before": {"met": f.change.before.met, "n": f.change.before.n},
                    "after": {"met": f.change.after.met, "n": f.change.after.n},
                    "difference": f.change.difference,
                    "ci": Interval.as_list(f.change.interval),
                    "verdict": f.change.verdict.value,
                    "sentence": f.change.sentence(f.behavior),
                }
                for f in found
            ]
        )
        return
    if not found:
        out.print("no coaching sessions with agreed behaviours yet")
        return
    table = Table(
        "agent", "supervisor", "behaviour", "since", "before", "after", "change (95% CI)", "verdict"
    )
    for f in found:
        b, a = f.change.before, f.change.after
        table.add_row(
            f.agent_id,
            f.supervisor,
            f.behavior,
            f.started.date().isoformat(),
            f"{b.met}/{b.n}",
            f"{a.met}/{a.n}",
            "-" if f.change.difference is None else f"{f.change.difference:+.0%} ({_ci(f.change.interval)})",
            f.change.verdict.value,
        )
    out.print(table)


@sessions_app.command("coaches")
def coaches_cmd(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Up to the end of this day (YYYY-MM-DD; default: now).")
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """Coach the coaches: per supervisor, sessions held, cadence kept (micro and review sessions
    held on time), checkpoints followed up, and coaching effectiveness: the change in coached
    behaviours minus the same agents' uncoached behaviours (difference in differences, in rate
    points, with its 95 % interval)."""
    store = open_db(db, create=False)
    with store:
        reports = cs.coach_reports(store, as_of=_end_of(_date(as_of, "--as-of")))
    if fmt is ReportFormat.json:
        print_json(
            [
                {
                    "supervisor": r.supervisor,
                    "sessions_held": r.sessions_held,
                    "cadence": {"due": r.cadence.due, "on_time": r.cadence.on_time, "share": r.cadence.share},
                    "followups": {"due": r.followups_due, "done": r.followups_done},
                    "effectiveness": {
                        "episodes": r.effectiveness.episodes,
                        "estimate": r.effectiveness.estimate,
                        "ci": Interval.as_list(r.effectiveness.interval),
                    },
                }
                for r in reports
            ]
        )
        return
    if not reports:
        out.print("no coaching sessions held yet")
        return
    table = Table("supervisor", "held", "cadence kept", "follow-ups done", "effectiveness (95% CI)", "agents")
    for r in reports:
        e = r.effectiveness
        share = r.cadence.share
        table.add_row(
            r.supervisor,
            str(r.sessions_held),
            "-" if share is None else f"{share:.0%} ({r.cadence.on_time}/{r.cadence.due})",
            f"{r.followups_done}/{r.followups_due}",
            "-" if e.estimate is None else f"{e.estimate:+.0%} ({_ci(e.interval)})",
            str(e.episodes),
        )
    out.print(table)


@list_app.command("list")
def list_cmd(
    agent: Annotated[str | None, typer.Option("--agent", help="Only this agent.")] = None,
    supervisor: Annotated[str | None, typer.Option("--supervisor", help="Only this supervisor.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """Sessions, oldest first: scheduled ones (not held yet) and held ones."""
    store = open_db(db, create=False)
    with store:
        sessions = list_sessions(store, agent_id=agent, supervisor=supervisor)
    if fmt is ReportFormat.json:
        print_json([_session_json(s) for s in sessions])
        return
    table = Table("id", "agent", "supervisor", "kind", "when", "held", "behaviours", "checkpoint")
    for s in sessions:
        table.add_row(
            s.id,
            s.agent_id,
            s.supervisor,
            s.kind,
            (s.held_at or s.scheduled_at).strftime("%Y-%m-%d %H:%M"),
            "yes" if s.held_at else "scheduled",
            ", ".join(s.behaviors) or "-",
            s.next_checkpoint.isoformat() if s.next_checkpoint else "-",
        )
    out.print(table)


KINDS = ", ".join(k.value for k in SessionKind)


@list_app.command("schedule")
def schedule_cmd(
    agent: Annotated[str, typer.Argument(metavar="AGENT", help="Agent id.")],
    at: Annotated[str, typer.Option("--at", help="When (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC unless given).")],
    kind: Annotated[str, typer.Option("--kind", help=f"One of {KINDS}.")] = SessionKind.MICRO.value,
    supervisor: Annotated[str | None, typer.Option("--supervisor", help="Default: the agent's.")] = None,
    db: DbOption = None,
) -> None:
    """Schedule a session with AGENT."""
    when = _instant(at, "--at")
    assert when is not None
    store = open_db(db)
    with store:
        s = cs.schedule(store, agent, kind=kind, at=when, supervisor=supervisor)
    out.print(
        f"scheduled {s.id}: {s.kind} with {s.agent_id} ({s.supervisor}) at {s.scheduled_at:%Y-%m-%d %H:%M}"
    )


@list_app.command("record")
def record_cmd(
    session: Annotated[
        str | None, typer.Argument(metavar="[SESSION]", help="A scheduled session's id (else give --agent).")
    ] = None,
    agent: Annotated[
        str | None, typer.Option("--agent", help="Agent id, for a session not scheduled.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=f"One of {KINDS} (default micro).")] = None,
    held_at: Annotated[str | None, typer.Option("--held-at", help="When it was held (default: now).")] = None,
    supervisor: Annotated[str | None, typer.Option("--supervisor", help="Default: the agent's.")] = None,
    duration: Annotated[int | None, typer.Option("--duration", help="Minutes.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="What was discussed.")] = None,
    behavior: Annotated[
        list[str] | None,
        typer.Option("--behavior", "-b", help="Agreed focus behaviour id (repeatable, at most 2)."),
    ] = None,
    commitment: Annotated[
        list[str] | None, typer.Option("--commitment", "-c", help="A commitment the agent made (repeatable).")
    ] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help="The improvement plan written with the agent.")
    ] = None,
    checkpoint: Annotated[
        str | None,
        typer.Option("--checkpoint", help="Next checkpoint (YYYY-MM-DD), when the follow-up measures."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Record a held session: notes, agreed behaviours, commitments, improvement plan and checkpoint."""
    store = open_db(db)
    with store:
        s = cs.record_session(
            store,
            session,
            agent_id=agent,
            kind=kind,
            held_at=_instant(held_at, "--held-at"),
            supervisor=supervisor,
            duration_minutes=duration,
            notes=notes,
            behaviors=behavior or [],
            commitments=commitment or [],
            improvement_plan=plan,
            next_checkpoint=_date(checkpoint, "--checkpoint"),
        )
    focus = ", ".join(s.behaviors) or "no behaviour agreed"
    check = s.next_checkpoint.isoformat() if s.next_checkpoint else "none"
    out.print(
        f"recorded {s.id}: {s.kind} with {s.agent_id} ({focus}); next checkpoint {check}", highlight=False
    )
