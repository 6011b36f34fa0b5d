"""`coachloop coach`: coaching plans, training and workshops, recognition and the
improvement leaderboard (a thin shell over `coachloop.jobs.coaching`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markdown import Markdown
from rich.table import Table

from coachloop.cli.common import DbOption, ReportFormat, open_db, out, print_json
from coachloop.errors import CoachloopError

__all__ = ["coach_app"]

coach_app = typer.Typer(help="Coaching plans, training, recognition: what to do on Monday morning.", no_args_is_help=True)


class PlanFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"
    pdf = "pdf"


AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Plan as of this day (YYYY-MM-DD; default: the day after the latest call)."),
]
RubricOption = Annotated[
    str | None, typer.Option("--rubric", "-r", help="The rubric to coach on (default: the most evaluated one).")
]
CatalogueOption = Annotated[
    Path | None, typer.Option("--catalogue", help="A training catalogue YAML (default: the shipped one).")
]


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CoachloopError(f"--as-of {value!r}: expected a date as YYYY-MM-DD") from None


@coach_app.command("plan")
def plan_cmd(
    agent: Annotated[str, typer.Argument(help="The agent's id.")],
    fmt: Annotated[PlanFormat, typer.Option("--format", help="text, md, json or pdf (pdf needs -o).")] = PlanFormat.text,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
    as_of: AsOfOption = None,
    rubric: RubricOption = None,
    catalogue: CatalogueOption = None,
    db: DbOption = None,
) -> None:
    """One agent's coaching plan: wins with their moments, at most two focus behaviours
    chosen by expected impact with the agent's own missed clips and peers' clips, a SMART
    goal, practice, training and the next checkpoint."""
    from coachloop.coaching.render import plan_dict, plan_markdown, plan_pdf
    from coachloop.jobs.coaching import build_plan

    if fmt is PlanFormat.pdf and output is None:
        raise CoachloopError("--format pdf writes a file: give it with -o FILE")
    store = open_db(db, create=False)
    try:
        plan = build_plan(store, agent, as_of=_as_of(as_of), rubric=rubric, catalogue=catalogue)
    finally:
        store.close()
    if fmt is PlanFormat.pdf:
        assert output is not None
        output.write_bytes(plan_pdf(plan))
        out.print(f"plan of {agent} written to {output}", highlight=False)
    elif fmt is PlanFormat.json:
        if output is None:
            print_json(plan_dict(plan))
        else:
            import orjson

            output.write_bytes(orjson.dumps(plan_dict(plan), option=orjson.OPT_INDENT_2))
    elif output is not None:
        output.write_text(plan_markdown(plan), encoding="utf-8")
        out.print(f"plan of {agent} written to {output}", highlight=False)
    elif fmt is PlanFormat.md:
        out.print(plan_markdown(plan), markup=False, highlight=False)
    else:
        out.print(Markdown(plan_markdown(plan)))


@coach_app.command("plans")
def plans_cmd(
    folder: Annotated[Path, typer.Option("--dir", help="Folder to write one <agent>.md per agent into.")],
    pdf: Annotated[bool, typer.Option("--pdf", help="Write <agent>.pdf too.")] = False,
    as_of: AsOfOption = None,
    rubric: RubricOption = None,
    catalogue: CatalogueOption = None,
    db: DbOption = None,
) -> None:
    """Every agent's plan, as Markdown (and PDF) files a supervisor can hand over."""
    from coachloop.jobs.coaching import build_plans, write_plans

    store = open_db(db, create=False)
    try:
        plans = build_plans(store, as_of=_as_of(as_of), rubric=rubric, catalogue=catalogue)
    finally:
        store.close()
    write_plans(plans, folder, pdf=pdf)
    out.print(f"{len(plans)} plans written to {folder}/", highlight=False)


@coach_app.command("training")
def training_cmd(
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    as_of: AsOfOption = None,
    rubric: RubricOption = None,
    catalogue: CatalogueOption = None,
    db: DbOption = None,
) -> None:
    """Training assigned by each agent's focus, and per team the workshops worth running
    (agents sharing a gap)."""
    from coachloop.jobs.coaching import build_plans, gather, suggest_workshops

    store = open_db(db, create=False)
    try:
        c = gather(store, rubric=rubric, as_of=_as_of(as_of), catalogue=catalogue)
        plans = build_plans(store, coaching=c)
        found = suggest_workshops(c, plans)
    finally:
        store.close()
    names = {a: p.agent_name or a for p in plans for a in [p.agent_id]}
    if fmt is ReportFormat.json:
        print_json(
            {
                "assigned": {p.agent_id: [t.id for t in p.training] for p in plans},
                "workshops": {
                    team or "": [
                        {"item": w.item.id, "title": w.item.title, "behavior": w.behavior, "agents": list(w.agents), "sentence": w.sentence(names)}
                        for w in ws
                    ]
                    for team, ws in found.items()
                },
            }
        )
        return
    table = Table("agent", "focus", "assigned training", title="Training assigned by focus")
    for p in plans:
        table.add_row(f"{p.agent_id} {p.agent_name or ''}", ", ".join(f.behavior for f in p.focus) or "-", ", ".join(t.title for t in p.training) or "-")
    out.print(table)
    for team, ws in found.items():
        for w in ws:
            out.print(f"[bold]{team or '-'}[/]: {w.sentence(names)}", highlight=False)


@coach_app.command("recognition")
def recognition_cmd(
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    as_of: AsOfOption = None,
    rubric: RubricOption = None,
    db: DbOption = None,
) -> None:
    """Credible improvement (a significant rise between the last two four-week periods) and
    difficult work handled well, each with its evidence; then the improvement leaderboard,
    in which every agent has a category."""
    from coachloop.jobs.coaching import gather, recognise

    store = open_db(db, create=False)
    try:
        found, board = recognise(gather(store, rubric=rubric, as_of=_as_of(as_of)))
    finally:
        store.close()
    if fmt is ReportFormat.json:
        print_json({"recognition": found, "leaderboard": board})
        return
    table = Table("agent", "kind", "what", "evidence", title="Recognition")
    for r in found:
        table.add_row(r.agent_id, r.kind, r.sentence, ", ".join(r.evidence))
    out.print(table)
    lb = Table("#", "agent", "category", "how", title="Improvement leaderboard")
    for row in board:
        lb.add_row(str(row.rank), row.agent_id, row.category, row.sentence)
    out.print(lb)
