"""`coachloop evaluate` and `show`: evaluations and how people read them (`report` is in `metrics`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from coachloop import jobs
from coachloop.errors import CoachloopError
from coachloop.jobs.rubrics import require_evaluated, resolve_rubric
from coachloop.render import render_evaluation

if TYPE_CHECKING:
    pass

from coachloop.cli.common import DbOption, FastOption, app, err, open_db, out, progress_bar
from coachloop.jobs.evaluations import behavior_texts
from coachloop.jobs.reasons import latest_reason_model


@app.command("evaluate")
def evaluate_cmd(
    rubric: Annotated[
        list[str] | None,
        typer.Option(
            "--rubric",
            "-r",
            help="Rubric name (shipped or registered) or YAML file (repeatable). Default: for "
            "each interaction the most specific shipped or registered rubric that applies.",
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Evaluate everything, not only what is new or changed.")
    ] = False,
    reasons: Annotated[
        str | None,
        typer.Option(
            "--reasons",
            help="Contact-reason model (from `reasons train`) to predict each call's reason "
            "(default: the most recently trained one, if any); add --all to give existing "
            "evaluations one.",
        ),
    ] = None,
    no_reasons: Annotated[
        bool, typer.Option("--no-reasons", help="Do not predict contact reasons, even if a model is stored.")
    ] = False,
    insights: Annotated[
        bool,
        typer.Option(
            "--insights/--no-insights",
            help="Store each conversation's language mix and the customer's sentiment path "
            "with its evaluation (1-2 ms per call).",
        ),
    ] = True,
    fast_confidence: FastOption = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-j",
            min=1,
            help="Processes that read and evaluate batches while this one writes (default 1; "
            "use the number of cores for large runs).",
        ),
    ] = 1,
    db: DbOption = None,
) -> None:
    """Evaluate stored interactions and store the evaluations (default: only new or changed ones)."""
    if reasons is not None and no_reasons:
        raise CoachloopError("give --reasons or --no-reasons, not both")
    store = open_db(db, create=False)
    rubrics = [resolve_rubric(store, r) for r in rubric] if rubric else jobs.default_rubrics(store)
    if reasons is None and not no_reasons:
        reasons = latest_reason_model(store)
        if reasons is not None:
            err.print(
                f"predicting contact reasons with {reasons!r}, the most recently trained model "
                "(--no-reasons to skip)",
                highlight=False,
            )
    with progress_bar() as bar:
        task = bar.add_task("evaluating", total=None)
        report = jobs.evaluate_store(
            store,
            rubrics,
            everything=all_,
            explicit=bool(rubric),
            reasons=reasons,
            fast_confidence=fast_confidence,
            insights=insights,
            workers=workers,
            progress=lambda n: bar.advance(task, n),
            on_total=lambda n: bar.update(task, total=n),
        )
    per = ", ".join(f"{k}: {v}" for k, v in sorted(report.by_rubric.items())) or "nothing new"
    out.print(f"{report.evaluated} evaluations ({per}); {report.auto_failed} auto-failed", highlight=False)


@app.command()
def show(
    interaction_id: Annotated[str, typer.Argument(metavar="ID", help="Interaction id.")],
    rubric: Annotated[
        str | None, typer.Option("--rubric", "-r", help="Only this rubric's evaluation.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Show a conversation: its agent and date, each behaviour's title, outcome, evidence and
    any reviewer's override, the coaching text of each missed behaviour, and which critical
    behaviour caused an auto-fail."""
    store = open_db(db, create=False)
    if rubric is not None:
        require_evaluated(store, rubric)
    interaction = store.get_interaction(interaction_id)
    if interaction is None:
        raise CoachloopError(f"no interaction {interaction_id!r} in the store")
    evaluations = [e for e in store.get_evaluations(interaction_id) if rubric is None or e.rubric == rubric]
    header = store.evaluation_header(interaction_id)
    render_evaluation(
        out,
        interaction,
        evaluations,
        agent_name=header.agent_name if header else None,
        texts={e.rubric: behavior_texts(e.rubric) for e in evaluations},
        reviews=store.reviews_of(interaction_id),
    )
