"""`coachloop rubric`: check, learn and list rubrics."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coachloop.errors import CoachloopError
from coachloop.evaluate import CompiledRubric, load_rubric
from coachloop.rubric.load import shipped_rubrics
from coachloop.store import default_url, missing_sqlite_file

if TYPE_CHECKING:
    pass

from coachloop.cli.common import DbOption, err, open_db, out, progress_bar
from coachloop.jobs.labelled import labelled_calls

rubric_app = typer.Typer(help="Check, register and list rubrics.", no_args_is_help=True)


@rubric_app.command("check")
def rubric_check(
    file: Annotated[str, typer.Argument(help="Rubric YAML file or shipped rubric name.")],
) -> None:
    """Validate a rubric file and report every error in it, each naming the file, line and
    path inside the rubric; exits 1 when there is any."""
    from coachloop.evaluate.check import rubric_problems

    problems, r = rubric_problems(file)
    if len(problems) == 1:
        raise problems[0]  # one mistake, one line
    if problems or r is None:
        for problem in problems:
            err.print(str(problem), highlight=False, markup=False, soft_wrap=True)
        raise CoachloopError(f"{file}: {len(problems)} error(s) in this rubric")
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
            encoder = default_encoder()
            learned = learn_behaviors(base, interactions, by_id, chosen, encoder)
        except ValueError as e:
            raise CoachloopError(str(e)) from None
    note = f"(Semantic examples learned from {len(interactions)} labelled transcripts in {labels.name}.)"
    output.write_text(learned_rubric_yaml(rubric, learned, note, encoder.name), encoding="utf-8")
    load_rubric(output)  # what was written must load
    for b in learned:
        out.print(
            f"{b.behavior_id}: {len(b.examples)} examples, {len(b.negatives)} near misses, threshold "
            f"{b.threshold:.2f} (training F1 {b.training_f1:.2f} on {b.calls} transcripts)",
            highlight=False,
        )
    out.print(f"wrote {output}" + (f"; {rejected} record(s) skipped" if rejected else ""), highlight=False)


@rubric_app.command("list")
def rubric_list(db: DbOption = None) -> None:
    """The rubrics shipped with coachloop and those registered in the store, with when a
    plain `evaluate` chooses each (the most specific `applies_to` that holds wins)."""
    from coachloop.jobs.rubrics import available_rubrics

    # Listing works without a store: then only the shipped rubrics exist.
    store = None if missing_sqlite_file(db or default_url()) else open_db(db, create=False)
    for name, found in available_rubrics(store).items():
        r = found.rubric
        applies_to = r.spec.applies_to
        kind = (
            "audit (only by name)"
            if r.spec.audit
            else ("fallback" if applies_to is None else f"when {_conditions(r)}")
        )
        out.print(f"{name:20} v{r.version:4} {found.origin:29} {kind:32} {r.spec.title}", highlight=False)


def _conditions(r: CompiledRubric) -> str:
    applies_to = r.spec.applies_to
    if applies_to is None:
        return "always"
    given = applies_to.model_dump(exclude_none=True, mode="json")
    return "; ".join(f"{key}={','.join(v) if isinstance(v, list) else v}" for key, v in given.items())


@rubric_app.command("add")
def rubric_add(
    file: Annotated[Path, typer.Argument(help="Rubric YAML file to register.")],
    db: DbOption = None,
) -> None:
    """Register a rubric in the store: a plain `evaluate` then chooses it by its
    `applies_to` among the shipped and registered rubrics. Adding a rubric under a name
    already registered replaces it; under a shipped rubric's name, it is used instead of
    the shipped one. Evaluations made by other content of the rubric are redone by the
    next `evaluate`, even when the version did not change."""
    from coachloop.jobs.rubrics import register_rubric

    row, replaced = register_rubric(open_db(db), file)
    what = f"registered rubric {row.name!r} version {row.version} from {file}"
    if replaced is not None and replaced.fingerprint == row.fingerprint:
        what += " (same evaluation content as before: nothing to re-evaluate)"
    elif replaced is not None:
        what += (
            f" (replaces version {replaced.version} from {replaced.source}; "
            "`coachloop evaluate` re-evaluates what it produced)"
        )
    elif row.name in shipped_rubrics():
        what += " (used instead of the shipped rubric of that name)"
    out.print(what, highlight=False)


@rubric_app.command("remove")
def rubric_remove(
    name: Annotated[str, typer.Argument(help="Name of a registered rubric.")],
    db: DbOption = None,
) -> None:
    """Unregister a rubric (its evaluations stay until re-evaluated or exported)."""
    store = open_db(db, create=False)
    if not store.remove_rubric(name):
        known = ", ".join(r.name for r in store.list_rubrics()) or "none"
        raise CoachloopError(f"no registered rubric named {name!r} (registered: {known})")
    out.print(f"removed rubric {name!r}", highlight=False)


@rubric_app.command("detectors")
def rubric_detectors(
    name: Annotated[str | None, typer.Argument(help="One detector (default: all).")] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print docs/detectors.md: every detector as Markdown.")
    ] = False,
) -> None:
    """Each detector's settings (type, default, meaning) and an example behaviour, generated
    from the settings model that rubric files are checked against."""
    import yaml

    from coachloop.detect.base import detectors
    from coachloop.detect.docs import detector_example, detector_settings, detectors_markdown

    if markdown:
        sys.stdout.write(detectors_markdown())
        return
    if name is not None and name not in detectors:
        raise CoachloopError(f"unknown detector {name!r} (known: {', '.join(detectors)})")
    for detector in [name] if name else list(detectors):
        out.print(f"detect: {detector}", style="bold", highlight=False)
        for field, kind, default, text in detector_settings(detector):
            out.print(f"  {field:18} {kind:28} {default[:40]:40} {text}", highlight=False, markup=False)
        example = yaml.safe_dump([detector_example(detector)], sort_keys=False, allow_unicode=True)
        out.print("  example:\n" + "\n".join("    " + line for line in example.splitlines()), markup=False)
