"""`coachloop rubric`: check, learn and list rubrics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coachloop.errors import CoachloopError
from coachloop.evaluate import load_rubric
from coachloop.rubric.load import shipped_rubrics

if TYPE_CHECKING:
    pass

from coachloop.cli.common import err, out, progress_bar
from coachloop.jobs.labelled import labelled_calls

rubric_app = typer.Typer(help="Check and list rubrics.", no_args_is_help=True)


@rubric_app.command("check")
def rubric_check(
    file: Annotated[str, typer.Argument(help="Rubric YAML file or shipped rubric name.")],
) -> None:
    """Validate a rubric file; errors name the file, line and path inside the rubric."""
    r = load_rubric(file)
    behaviours = sum(len(s.behaviors) for s in r.spec.sections)
    critical = sum(b.critical for s in r.spec.sections for b in s.behaviors)
    out.print(
        f"{r.source}: ok - rubric {r.name!r} version {r.version}, {len(r.spec.sections)} sections, "
        f"{behaviours} behaviours ({critical} critical), {len(r.spec.events)} events",
        highlight=False,
    )


def _skipped(message: str) -> None:
    err.print(f"skipped: {message}", highlight=False)


@rubric_app.command("learn")
def rubric_learn(
    rubric: Annotated[str, typer.Argument(help="Rubric YAML file or shipped rubric name to start from.")],
    labels: Annotated[Path, typer.Argument(help="Behaviour labels (JSONL, see eval/labels/README.md).")],
    calls: Annotated[list[Path], typer.Argument(help="The labelled calls (files in --format).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Rubric YAML file to write.")],
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            help="Reader for the call files; repeat to learn from several transcripts of the same calls (hvb and hvb-asr).",
        ),
    ] = None,
    behaviors: Annotated[
        list[str] | None,
        typer.Option(
            "--behavior",
            help="Behaviour to learn (repeatable; default: every phrase or regex behaviour the labels cover).",
        ),
    ] = None,
) -> None:
    """Learn semantic examples, near misses and thresholds for behaviours from labelled
    calls, and write the rubric with those behaviours made `detect: semantic`. Calls are
    read, checked and redacted as ingest does; learned examples are the labelled
    utterances, so review the file before sharing it."""
    from coachloop.agreement import read_labels
    from coachloop.evaluate.learn import learn_behaviors, learnable_behaviors, learned_rubric_yaml
    from coachloop.language.embeddings import default_encoder

    base = load_rubric(rubric)
    by_id = {label.interaction_id: label for label in read_labels(labels) if label.rubric == base.name}
    if not by_id:
        raise CoachloopError(f"{labels}: no labels for rubric {base.name!r}")
    renderings, rejected = labelled_calls(
        calls, formats or ["native"], by_id.keys(), labels, on_rejected=_skipped
    )
    interactions = [c for rendering in renderings for c in rendering]
    chosen = behaviors or learnable_behaviors(base, by_id.values())
    with progress_bar() as bar:
        bar.add_task(f"learning {len(chosen)} behaviours from {len(interactions)} transcripts", total=None)
        try:
            learned = learn_behaviors(base, interactions, by_id, chosen, default_encoder())
        except ValueError as e:
            raise CoachloopError(str(e)) from None
    note = f"(Semantic examples learned from {len(interactions)} labelled transcripts in {labels.name}.)"
    output.write_text(learned_rubric_yaml(rubric, learned, note), encoding="utf-8")
    load_rubric(output)  # what was written must load
    for b in learned:
        out.print(
            f"{b.behavior_id}: {len(b.examples)} examples, {len(b.negatives)} near misses, threshold "
            f"{b.threshold:.2f} (training F1 {b.training_f1:.2f} on {b.calls} transcripts)",
            highlight=False,
        )
    out.print(f"wrote {output}" + (f"; {rejected} record(s) skipped" if rejected else ""), highlight=False)


@rubric_app.command("list")
def rubric_list() -> None:
    """The rubrics shipped with coachloop."""
    for name, path in sorted(shipped_rubrics().items()):
        r = load_rubric(path)
        kind = (
            "audit"
            if r.spec.audit
            else ("fallback" if r.spec.applies_to is None else "chosen when it applies")
        )
        out.print(f"{name:20} v{r.version:4} {kind:24} {r.spec.title}", highlight=False)
