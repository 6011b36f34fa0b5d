"""`coachloop coach`: coaching plans, training, workshops, recognition and the leaderboard."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from coachloop.cli.common import DbOption, ReportFormat, open_db, out, output_to, print_json
from coachloop.errors import CoachloopError

__all__ = ["coach_app"]

coach_app = typer.Typer(
    help="Coaching: plans with evidence, training, workshops, recognition.", no_args_is_help=True
)


class PlanFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"
    pdf = "pdf"


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Plan date (YYYY-MM-DD); default the day after the latest stored call."),
]
Rubric = Annotated[str | None, typer.Option("--rubric", help="Only this rubric's outcomes (default: all).")]
CatalogueOpt = Annotated[
    Path | None,
    typer.Option(
        "--catalogue", help="Training catalogue YAML replacing the shipped one (see docs/coaching.md)."
    ),
]
Fmt = Annotated[ReportFormat, typer.Option("--format", "-f", help="table or json.")]


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CoachloopError(f"--as-of {value!r}: expected a date as YYYY-MM-DD") from None


@coach_app.command("plan")
def plan_cmd(
    agent: Annotated[str, typer.Argument(help="Agent id.")],
    fmt: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="text, md, json or pdf.")
    ] = PlanFormat.text,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here (required for pdf).")
    ] = None,
    as_of: AsOf = None,
    rubric: Rubric = None,
    catalogue: CatalogueOpt = None,
    db: DbOption = None,
) -> None:
    """One agent's coaching plan: wins, 1-2 focus behaviours with clips, SMART goal, practice."""
    from coachloop.coaching.render import plan_markdown, plan_pdf, plan_text
    from coachloop.jobs.coaching import build_plan

    if fmt is PlanFormat.pdf and output is None:
        raise CoachloopError("--format pdf needs -o FILE")
    with open_db(db, create=False) as store:
        plan = build_plan(store, agent, as_of=_date(as_of), rubric=rubric, catalogue=catalogue)
    if fmt is PlanFormat.pdf:
        assert output is not None
        plan_pdf(plan, output)
        out.print(f"wrote {output}", highlight=False)
        return
    if fmt is PlanFormat.json and output is None:
        print_json(plan.as_dict())
        return
    if fmt is PlanFormat.json:
        import orjson

        text = orjson.dumps(plan.as_dict(), option=orjson.OPT_INDENT_2).decode() + "\n"
    else:
        text = plan_markdown(plan) if fmt is PlanFormat.md else plan_text(plan)
    with output_to(output) as f:
        f.write(text)


@coach_app.command("training")
def training_cmd(
    as_of: AsOf = None,
    rubric: Rubric = None,
    catalogue: CatalogueOpt = None,
    fmt: Fmt = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """Training items assigned automatically to each agent's focus behaviours."""
    from coachloop.jobs.coaching import training_assignments

    with open_db(db, create=False) as store:
        found = training_assignments(store, as_of=_date(as_of), rubric=rubric, catalogue=catalogue)
    if fmt is ReportFormat.json:
        print_json(found)
        return
    for agent, items in sorted(found.items()):
        out.print(f"[bold]{agent}[/]")
        for i in items:
            out.print(f"  {i['behavior']}: {i['title']} ({i['kind']}) {i['link']}", highlight=False)


@coach_app.command("workshops")
def workshops_cmd(
    as_of: AsOf = None,
    rubric: Rubric = None,
    catalogue: CatalogueOpt = None,
    minimum: Annotated[int, typer.Option("--min", min=2, help="Agents sharing a gap for a workshop.")] = 3,
    fmt: Fmt = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """Agents with the same gap grouped into suggested workshops."""
    from coachloop.jobs.coaching import workshops

    with open_db(db, create=False) as store:
        found = workshops(store, as_of=_date(as_of), rubric=rubric, catalogue=catalogue, minimum=minimum)
    if fmt is ReportFormat.json:
        print_json(
            [
                {
                    "behavior": w.behavior,
                    "title": w.title,
                    "item": w.item.as_dict() if w.item else None,
                    "agents": w.agents,
                    "others": w.others,
                    "sentence": w.sentence,
                }
                for w in found
            ]
        )
        return
    if not found:
        out.print("No gap is shared by enough agents for a workshop.")
    for w in found:
        out.print(f"{w.sentence}\n  {', '.join(w.agents)}", highlight=False)


@coach_app.command("recognition")
def recognition_cmd(
    as_of: AsOf = None, rubric: Rubric = None, fmt: Fmt = ReportFormat.table, db: DbOption = None
) -> None:
    """Credible improvements and difficult calls handled well, with their evidence."""
    from coachloop.jobs.coaching import recognition

    with open_db(db, create=False) as store:
        found = recognition(store, as_of=_date(as_of), rubric=rubric)
    if fmt is ReportFormat.json:
        print_json([r.as_dict() for r in found])
        return
    if not found:
        out.print("Nothing credible to recognise in this period yet.")
    for r in found:
        where = f" [{r.clip.interaction_id} utterance {r.clip.utterance_index}]" if r.clip else ""
        out.print(f"{r.agent_id} ({r.kind}): {r.sentence}{where}", highlight=False)


@coach_app.command("leaderboard")
def leaderboard_cmd(
    as_of: AsOf = None,
    rubric: Rubric = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows shown per category.")] = 5,
    fmt: Fmt = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """Improvement against each agent's own baseline, in several categories: every agent's best."""
    from coachloop.coaching.recognition import CATEGORIES
    from coachloop.jobs.coaching import leaderboard

    with open_db(db, create=False) as store:
        board = leaderboard(store, as_of=_date(as_of), rubric=rubric)
    if fmt is ReportFormat.json:
        print_json(board.as_dict())
        return
    for c, rows in board.categories.items():
        out.print(f"[bold]{CATEGORIES[c]}[/]")
        for i, (a, v) in enumerate(rows[:top], 1):
            out.print(f"  {i}. {a}  {v:+.2f}" if "rise" in c else f"  {i}. {a}  {v:.0f}", highlight=False)
    out.print("[bold]Every agent's personal best[/]")
    for a, (c, r) in sorted(board.best.items()):
        out.print(f"  {a}: #{r} in {CATEGORIES[c]}", highlight=False)
