"""`coachloop review`: the queue of outcomes a person should check, overrides, disputes,
calibration and agreement. A thin shell over `coachloop.jobs.review`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from coachloop.cli.common import DbOption, ReportFormat, err, open_db, out, print_json
from coachloop.jobs import review as jobs
from coachloop.jobs.evaluations import behavior_texts
from coachloop.render import MARK
from coachloop.store.reviews import REVIEW_CONFIDENCE, QueueItem, QueueReason, Review, ReviewKind

review_app = typer.Typer(
    help="The review queue, human overrides, agents' disputes, calibration and agreement.",
    no_args_is_help=True,
)

RubricOption = Annotated[
    str | None,
    typer.Option("--rubric", "-r", help="The evaluation's rubric (needed when the call has several)."),
]


def _why(item: QueueItem, threshold: float) -> str:
    parts: list[str] = []
    if QueueReason.FLAGGED in item.reasons:
        parts.append(f"flagged: {item.review_reason}")
    if QueueReason.LOW_CONFIDENCE in item.reasons:
        parts.append(f"confidence {item.confidence:.2f} < {threshold:.2f}")
    parts.extend(f"disputed by {d.reviewer}: {d.note}" for d in item.disputes)
    return "; ".join(parts)


def _queue_json(item: QueueItem, threshold: float) -> dict[str, Any]:
    return {
        "interaction_id": item.interaction_id,
        "rubric": item.rubric,
        "behavior": item.behavior_id,
        "outcome": item.outcome.value,
        "confidence": item.confidence,
        "critical": item.critical,
        "reasons": [r.value for r in item.reasons],
        "review_reason": item.review_reason,
        "disputes": [
            {"by": d.reviewer, "at": d.created_at.isoformat(), "note": d.note} for d in item.disputes
        ],
        "agent_id": item.agent_id,
        "started_at": item.started_at.isoformat() if item.started_at else None,
        "why": _why(item, threshold),
    }


@review_app.command("list")
def list_cmd(
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", help="Only this rubric.")] = None,
    behavior: Annotated[str | None, typer.Option("--behavior", "-b", help="Only this behaviour.")] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="Only this agent's calls.")] = None,
    reason: Annotated[
        QueueReason | None,
        typer.Option("--reason", help="Only outcomes in the queue for this reason."),
    ] = None,
    below: Annotated[
        float,
        typer.Option(
            "--below",
            min=0.01,
            max=1.0,
            help="Critical outcomes that pass (met or not applicable) less sure than this are in the queue.",
        ),
    ] = REVIEW_CONFIDENCE,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many.")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """The queue: outcomes flagged for review (the error model's choice: those likely to be
    wrong, and critical passes on doubtful evidence), critical passes less sure than --below
    (0.7), with no override in force, and every outcome an agent disputed that no one has
    set since."""
    store = open_db(db)
    items = jobs.review_queue(
        store, threshold=below, rubric=rubric, behavior=behavior, agent=agent, reason=reason, limit=limit
    )
    if format is ReportFormat.json:
        print_json([_queue_json(i, below) for i in items])
        return
    if not items:
        out.print("the review queue is empty", highlight=False)
        return
    table = Table(title=f"Review queue · {len(items)} outcomes", title_justify="left")
    for col in ("interaction", "rubric", "behaviour", "outcome", "conf", "agent", "started", "why"):
        table.add_column(col, justify="right" if col == "conf" else "left")
    for i in items:
        mark, style = MARK[i.outcome]
        table.add_row(
            i.interaction_id,
            i.rubric,
            i.behavior_id + (" (critical)" if i.critical else ""),
            Text(f"{mark} {i.outcome.value}", style=style),
            f"{i.confidence:.2f}",
            i.agent_id or "",
            i.started_at.strftime("%Y-%m-%d %H:%M") if i.started_at else "",
            _why(i, below),
        )
    out.print(table)


def _history_line(r: Review) -> str:
    when = r.created_at.strftime("%Y-%m-%d %H:%M")
    if r.kind is ReviewKind.DISPUTE:
        what = f"disputed by {r.reviewer} (machine: {r.machine_outcome.value})"
    else:
        kind = f"calibration {r.session}" if r.kind is ReviewKind.CALIBRATION else "override"
        what = f"{kind} by {r.reviewer}: {r.machine_outcome.value} -> {r.outcome}"
    line = f"#{r.id} {when} {r.rubric}/{r.behavior_id} {what}"
    if r.note:
        line += f" · {r.note}"
    if r.stale:
        line += f" · STALE (made on rubric v{r.rubric_version} and another input; not applied)"
    return line


@review_app.command("show")
def show_cmd(
    interaction_id: Annotated[str, typer.Argument(metavar="ID", help="Interaction id.")],
    rubric: RubricOption = None,
    db: DbOption = None,
) -> None:
    """Each behaviour's machine outcome beside the override in force, then every review,
    dispute and calibration judgement of the call (stale ones marked)."""
    store = open_db(db)
    detail = jobs.review_detail(store, interaction_id, rubric)
    for ev in detail.evaluations:
        texts = behavior_texts(ev.rubric)
        table = Table(title=f"{interaction_id} · {ev.rubric} v{ev.rubric_version}", title_justify="left")
        for col in ("behaviour", "machine", "conf", "review", "by", "note"):
            table.add_column(col, justify="right" if col == "conf" else "left")
        for r in ev.results:
            mark, style = MARK[r.outcome]
            text = texts.get(r.behavior_id)
            name = (
                r.behavior_id + (f" · {text.title}" if text else "") + (" (critical)" if r.critical else "")
            )
            override = detail.in_force(ev.rubric, r.behavior_id)
            review_cell = Text("")
            if override is not None and override.outcome is not None:
                o_mark, o_style = MARK[override.outcome]
                review_cell = Text(f"{o_mark} {override.outcome.value}", style=o_style)
            flag = f" ⚑ {r.review_reason}" if r.review_reason else ""
            table.add_row(
                name,
                Text(f"{mark} {r.outcome.value}{flag}", style=style),
                f"{r.confidence:.2f}",
                review_cell,
                override.reviewer if override else "",
                (override.note or "") if override else "",
            )
        out.print(table)
    if detail.reviews:
        out.print(Text("reviews", style="bold underline"))
        for review in detail.reviews:
            out.print(_history_line(review), highlight=False)
    else:
        out.print("no reviews yet", highlight=False)


@review_app.command("set")
def set_cmd(
    interaction_id: Annotated[str, typer.Argument(metavar="ID", help="Interaction id.")],
    behavior: Annotated[str, typer.Argument(metavar="BEHAVIOR", help="Behaviour id.")],
    outcome: Annotated[str, typer.Argument(metavar="OUTCOME", help="met, missed or not_applicable.")],
    by: Annotated[str, typer.Option("--by", help="Who reviews.")],
    note: Annotated[str | None, typer.Option("--note", help="Why.")] = None,
    session: Annotated[
        str | None,
        typer.Option(
            "--session",
            help="Record a calibration judgement in this session instead of an override: it "
            "counts for reviewer agreement and changes no outcome.",
        ),
    ] = None,
    rubric: RubricOption = None,
    db: DbOption = None,
) -> None:
    """Override a behaviour's outcome (kept across re-evaluation of the same input and rubric
    version; stale, and no longer applied, once either changes)."""
    store = open_db(db)
    r = jobs.set_review(
        store, interaction_id, behavior, outcome, by=by, note=note, rubric=rubric, session=session
    )
    what = f"calibration judgement in session {session!r}" if session else "override"
    out.print(
        f"{what} #{r.id}: {r.interaction_id} {r.rubric}/{r.behavior_id} "
        f"{r.machine_outcome.value} -> {r.outcome} by {r.reviewer}",
        highlight=False,
    )


@review_app.command("dispute")
def dispute_cmd(
    interaction_id: Annotated[str, typer.Argument(metavar="ID", help="Interaction id.")],
    behavior: Annotated[str, typer.Argument(metavar="BEHAVIOR", help="Behaviour id.")],
    by: Annotated[str, typer.Option("--by", help="The agent who disputes.")],
    note: Annotated[str, typer.Option("--note", help="Why the outcome is wrong.")],
    rubric: RubricOption = None,
    db: DbOption = None,
) -> None:
    """Dispute an outcome (as the agent): it enters the review queue until a reviewer sets it."""
    store = open_db(db)
    r = jobs.dispute_outcome(store, interaction_id, behavior, by=by, note=note, rubric=rubric)
    out.print(
        f"dispute #{r.id}: {r.interaction_id} {r.rubric}/{r.behavior_id} ({r.machine_outcome.value}) "
        "is in the review queue",
        highlight=False,
    )


def _kappa(row: jobs.AgreementRow) -> str:
    if row.kappa is None:
        return "-"
    if row.ci is None:
        return f"{row.kappa:.2f}"
    return f"{row.kappa:.2f} ({row.ci[0]:.2f} to {row.ci[1]:.2f})"


def _row_json(row: jobs.AgreementRow) -> dict[str, Any]:
    return {
        "rubric": row.rubric,
        "behavior": row.behavior,
        "session": row.session,
        "raters": list(row.raters),
        "n": row.n,
        "agreement": row.agreement,
        "kappa": row.kappa,
        "ci": list(row.ci) if row.ci else None,
        "changed": row.changed,
    }


def _agreement_table(title: str, rows: list[jobs.AgreementRow], pairs: bool) -> Table:
    table = Table(title=title, title_justify="left")
    columns = ["session", "raters"] if pairs else []
    for col in (*columns, "rubric", "behaviour", "n", "agree", "kappa (95% CI)", "changed"):
        table.add_column(col, justify="right" if col in ("n", "agree", "changed") else "left")
    for row in rows:
        cells = [row.session or "", " vs ".join(row.raters)] if pairs else []
        table.add_row(
            *cells,
            row.rubric,
            row.behavior or "(all)",
            str(row.n),
            "-" if row.agreement is None else f"{100 * row.agreement:.0f}%",
            _kappa(row),
            str(row.changed),
            style="bold" if row.behavior is None else None,
        )
    return table


@review_app.command("agreement")
def agreement_cmd(
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", help="Only this rubric.")] = None,
    session: Annotated[
        str | None, typer.Option("--session", help="Only this calibration session's reviewer pairs.")
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """Cohen's kappa with a 95 % interval: machine vs reviewers per behaviour (latest override
    of each reviewed outcome), and reviewer vs reviewer per calibration session."""
    store = open_db(db)
    report = jobs.agreement(store, rubric=rubric, session=session)
    if format is ReportFormat.json:
        print_json(
            {
                "machine": [_row_json(r) for r in report.machine],
                "reviewers": [_row_json(r) for r in report.reviewers],
                "method": report.method,
            }
        )
        return
    if not report.machine and not report.reviewers:
        out.print("no reviews yet: `coachloop review set` records one", highlight=False)
        return
    if report.machine:
        out.print(_agreement_table("Machine vs reviewers", report.machine, pairs=False))
    if report.reviewers:
        out.print(_agreement_table("Reviewer vs reviewer (calibration)", report.reviewers, pairs=True))
    err.print(report.method, highlight=False)
