"""`coachloop eval`: evaluations, reasons, discovery and language id measured against human labels."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coachloop.errors import CoachloopError
from coachloop.evaluate import load_rubric
from coachloop.model import Evaluation

if TYPE_CHECKING:
    from coachloop.agreement import Interval, Label, Prediction

from coachloop.agreement.split import SPLIT_SEED, Part, split_part
from coachloop.agreement.violations import violation_scores, violation_table, violations_to_dict
from coachloop.cli.common import DbOption, ReportFormat, open_db, out, print_json, progress_bar
from coachloop.jobs.labelled import labelled_calls
from coachloop.jobs.reasons import load_reason_model
from coachloop.jobs.texts import load_labelled

InputFormatOption = Annotated[
    str,
    typer.Option(
        "--input-format",
        help="How to read the labels' texts: auto (default), texts, or a reader (as `reasons train "
        "--format`). Everything is redacted as ingest does.",
    ),
]

eval_app = typer.Typer(help="Measure evaluations against human labels.", no_args_is_help=True)


@eval_app.command("behaviors")
def eval_behaviors(
    labels: Annotated[Path, typer.Argument(help="Label file (JSONL, see eval/labels/README.md).")],
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", help="Rubric the labels are for.")] = None,
    predictions: Annotated[
        Path | None,
        typer.Option("--predictions", help="Exported evaluations (JSONL) to score instead of the store's."),
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="table or json")] = ReportFormat.table,
    learn: Annotated[
        list[Path] | None,
        typer.Option(
            "--learn",
            help="Labelled call files: learn semantic examples by cross-validation (`rubric learn` on "
            "all folds but one) and score the held-out evaluations, instead of stored ones.",
        ),
    ] = None,
    reader: Annotated[
        list[str] | None,
        typer.Option(
            "--input-format",
            help="Reader (input format, as `ingest --format`) for --learn files; repeat for several "
            "transcripts of the same calls (hvb and hvb-asr): learned from all, scored on each. "
            "(`--format` is the report's, as in every eval command.)",
        ),
    ] = None,
    behaviors: Annotated[
        list[str] | None,
        typer.Option(
            "--behavior",
            help="With --learn: behaviour to learn (repeatable; default: every phrase behaviour labelled).",
        ),
    ] = None,
    folds: Annotated[int, typer.Option(help="With --learn: folds of the cross-validation.", min=2)] = 5,
    seed: Annotated[int, typer.Option(help="With --learn: seed of the folds.")] = 0,
    calls: Annotated[
        list[Path] | None,
        typer.Option(
            "--calls",
            help="Labelled call files: evaluate them in memory with the rubric (no store) and score "
            "each --input-format's transcript (e.g. --input-format hvb --input-format hvb-asr).",
        ),
    ] = None,
    part: Annotated[
        Part,
        typer.Option(
            "--part",
            help="Score only this part of the seeded split of the labelled calls: heldout (not looked "
            "at while tuning), tuning, or all.",
        ),
    ] = Part.all,
    split_seed: Annotated[
        int, typer.Option("--split-seed", help="Seed of the tuning/held-out split (see --part).")
    ] = SPLIT_SEED,
    db: DbOption = None,
) -> None:
    """Per behaviour precision, recall and F1 (with 95 % intervals) of stored or exported
    evaluations against labels, plus outcome accuracy, evidence agreement, and for each
    critical behaviour the recall of violations next to their precision; with --calls, of
    the rubric run on labelled call files; with --learn, of rubrics learned from the labels
    by cross-validation."""
    from coachloop.agreement import (
        compare_behaviors,
        comparison_to_dict,
        print_comparison,
        read_labels,
        read_predictions,
    )

    labelled = read_labels(labels)
    if part is not Part.all:
        labelled = split_part(labelled, [label.interaction_id for label in labelled], part, seed=split_seed)
    sources: list[tuple[str, Sequence[Evaluation | Prediction]]]
    if learn and calls:
        raise CoachloopError("give --learn or --calls, not both")
    if calls:
        sources = _rubric_evaluations(labels, labelled, rubric, calls, reader or ["native"], part, split_seed)
    elif learn:
        sources = _learned_evaluations(
            labels, labelled, rubric, learn, reader or ["native"], behaviors, folds, seed
        )
    else:
        stored = (
            read_predictions(predictions)
            if predictions is not None
            else list(open_db(db, create=False).iter_evaluations(rubric))
        )
        sources = [("", stored)]
    comparisons = []
    for title, source in sources:
        try:
            comparisons.append((title, compare_behaviors(source, labelled, rubric=rubric)))
        except ValueError as e:
            raise CoachloopError(str(e)) from None
    critical = _critical_behaviors(comparisons[0][1].rubric)
    if format is ReportFormat.json:
        dicts = [
            {
                **comparison_to_dict(c),
                "part": str(part),
                "violations": violations_to_dict(violation_scores(c, critical)),
            }
            for _, c in comparisons
        ]
        many = bool(learn or calls)
        print_json(
            dicts[0] if not many else {title: d for (title, _), d in zip(comparisons, dicts, strict=True)}
        )
    else:
        for title, comparison in comparisons:
            print_comparison(comparison, console=out, title=title or None)
            found = violation_scores(comparison, critical)
            if found:
                out.print(violation_table(found))


def _critical_behaviors(rubric: str) -> list[str]:
    """The rubric's critical behaviours when it can be loaded by name, else none."""
    try:
        compiled = load_rubric(rubric)
    except CoachloopError:
        return []
    return [b.id for b in compiled.scored if b.critical]


def _rubric_evaluations(
    labels: Path,
    labelled: list[Label],
    rubric: str | None,
    calls: list[Path],
    readers_: list[str],
    part: Part,
    split_seed: int,
) -> list[tuple[str, Sequence[Evaluation | Prediction]]]:
    """(title, evaluations) per reader: the rubric run in memory on the labelled calls."""
    from coachloop.jobs.compliance import evaluate_labelled

    names = {label.rubric for label in labelled}
    name = rubric or (names.pop() if len(names) == 1 else None)
    if name is None:
        raise CoachloopError("the labels are for several rubrics: name one with --rubric")
    compiled = load_rubric(name)
    ids = {label.interaction_id for label in labelled if label.rubric == compiled.name}
    which = "" if part is Part.all else f", {part} part of the split (seed {split_seed})"
    return [
        (f"{compiled.name} v{compiled.version} on {fmt} transcripts ({len(found)} calls{which})", found)
        for fmt, found in evaluate_labelled(compiled, calls, readers_, ids, labels)
    ]


def _learned_evaluations(
    labels: Path,
    labelled: list[Label],
    rubric: str | None,
    calls: list[Path],
    readers_: list[str],
    behaviors: list[str] | None,
    folds: int,
    seed: int,
) -> list[tuple[str, Sequence[Evaluation | Prediction]]]:
    """(title, out-of-fold evaluations) per reader: learned on all readers' transcripts."""
    from coachloop.evaluate.learn import cross_validate_learned, learnable_behaviors
    from coachloop.language.embeddings import default_cached_encoder

    names = {label.rubric for label in labelled}
    name = rubric or (names.pop() if len(names) == 1 else None)
    if name is None:
        raise CoachloopError("the labels are for several rubrics: name one with --rubric")
    base = load_rubric(name)
    by_id = {label.interaction_id: label for label in labelled if label.rubric == base.name}
    renderings, _ = labelled_calls(calls, readers_, by_id.keys(), labels)
    chosen = behaviors or learnable_behaviors(base, by_id.values())
    with progress_bar() as bar:
        task = bar.add_task(f"{folds}-fold cross-validation, learning {len(chosen)} behaviours", total=folds)
        try:
            out = cross_validate_learned(
                name,
                renderings,
                by_id,
                chosen,
                default_cached_encoder(),
                folds=folds,
                seed=seed,
                on_fold=lambda _: bar.advance(task),
            )
        except ValueError as e:
            raise CoachloopError(str(e)) from None
    return [
        (
            f"{base.name}: learned by {folds}-fold cross-validation (seed {seed}) from "
            f"{' + '.join(readers_)}, scored on {fmt} ({', '.join(chosen)} learned; other behaviours as written)",
            evaluations,
        )
        for fmt, evaluations in zip(readers_, out, strict=True)
    ]


@eval_app.command("reasons")
def eval_reasons(
    labels: Annotated[
        Path,
        typer.Argument(
            help="CSV with text,label, or JSONL conversations with contact_reason (see eval/labels/README.md)."
        ),
    ],
    model: Annotated[
        str | None,
        typer.Option(
            "--model", help="Score this stored model (`reasons train`) instead of cross-validating."
        ),
    ] = None,
    folds: Annotated[int, typer.Option(help="Folds of the stratified cross-validation.", min=2)] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the folds.")] = 0,
    asr: Annotated[
        bool,
        typer.Option(
            "--asr", help="Conversations: read each turn's asr_text (the recogniser's) instead of text."
        ),
    ] = False,
    format: Annotated[ReportFormat, typer.Option("--format", help="table or json")] = ReportFormat.table,
    input_format: InputFormatOption = "auto",
    db: DbOption = None,
) -> None:
    """Contact-reason accuracy, macro-F1, per reason precision/recall/F1 and the confusion
    matrix: of a stored model, or of a new one by cross-validation on the labels."""
    from coachloop.agreement.reasons import cross_validate, reason_score_to_dict, reason_table, score_reasons
    from coachloop.language.reasons import ReasonClassifier

    labelled = load_labelled(labels, fmt=input_format, use_asr=asr)
    if model is not None:
        classifier = load_reason_model(open_db(db, create=False), model)
        predicted = classifier.predict(labelled.texts)
        method = f"stored model {model!r}"
    else:
        with progress_bar() as bar:
            task = bar.add_task(f"{folds}-fold cross-validation on {len(labelled.texts)} texts", total=folds)
            try:
                predicted = cross_validate(
                    labelled.texts,
                    labelled.labels,
                    ReasonClassifier,
                    folds=folds,
                    seed=seed,
                    on_fold=lambda _: bar.advance(task),
                )
            except ValueError as e:
                raise CoachloopError(f"{labels}: {e}") from None
        method = f"ReasonClassifier, stratified {folds}-fold cross-validation (seed {seed})"
    if asr:
        method += ", recogniser text (asr_text)"
    score = score_reasons(labelled.labels, predicted, method)
    if format is ReportFormat.json:
        print_json(reason_score_to_dict(score))
    else:
        for table in reason_table(score):
            out.print(table)


@eval_app.command("discover")
def eval_discover(
    labels: Annotated[
        Path, typer.Argument(help="CSV with text,label, or JSONL with text and intent/label (the truth).")
    ],
    predictions: Annotated[
        Path | None,
        typer.Option(
            "--predictions",
            help="Output of `reasons discover` (id,cluster CSV) to score instead of running it.",
        ),
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="table or json")] = ReportFormat.table,
    input_format: InputFormatOption = "auto",
) -> None:
    """Discovered reasons against known intents: accuracy after one-to-one (Hungarian)
    matching, NMI and ARI, and each cluster's purity. Discovery is not told how many
    intents there are."""
    from coachloop.agreement.discovery import discovery_score_to_dict, discovery_table, score_discovery
    from coachloop.language.reasons.discover import discover

    labelled = load_labelled(labels, fmt=input_format)
    if predictions is not None:
        clusters, names = _read_clusters(predictions, labelled.ids)
        method = f"clusters from {predictions.name}"
    else:
        with progress_bar() as bar:
            bar.add_task(f"grouping {len(labelled.texts)} texts", total=None)
            found = discover(labelled.texts)
        clusters = [str(c) for c in found.labels]
        names = {str(c.id): c.name for c in found.clusters}
        method = "coachloop discover"
    score = score_discovery(labelled.labels, clusters, method, names)
    if format is ReportFormat.json:
        print_json(discovery_score_to_dict(score))
    else:
        out.print(discovery_table(score))


def _read_clusters(path: Path, ids: list[str]) -> tuple[list[str], dict[str, str]]:
    """(cluster of each id in `ids` order, cluster -> name) from an id,cluster[,cluster_name] CSV."""
    found: dict[str, str] = {}
    names: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or not {"id", "cluster"} <= set(reader.fieldnames):
            raise CoachloopError(
                f"{path}: expected a CSV with id and cluster columns (from `reasons discover`)"
            )
        for line, row in enumerate(reader, start=2):
            if not row["id"] or row["cluster"] in (None, ""):
                raise CoachloopError(f"{path}:{line}: empty id or cluster")
            found[row["id"]] = row["cluster"]
            if row.get("cluster_name"):
                names[row["cluster"]] = row["cluster_name"]
    missing = [i for i in ids if i not in found]
    if missing:
        raise CoachloopError(
            f"{path}: no cluster for {len(missing)} labelled id(s), e.g. {', '.join(missing[:3])}"
        )
    return [found[i] for i in ids], names


@eval_app.command("language")
def eval_language(
    labels: Annotated[Path, typer.Argument(help="token<TAB>label lines, a blank line between sentences.")],
    model: Annotated[
        Path | None, typer.Option("--model", help="A model from `language train` (default: the shipped one).")
    ] = None,
    cv: Annotated[
        bool, typer.Option("--cv", help="Train the sequence model by cross-validation on the labels instead.")
    ] = False,
    folds: Annotated[int, typer.Option(help="Folds for --cv (split by sentence).", min=2)] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the folds for --cv.")] = 7,
    format: Annotated[ReportFormat, typer.Option("--format", help="table or json")] = ReportFormat.table,
) -> None:
    """Word-level language id against labels: token accuracy with its interval, per
    language precision/recall/F1, code-mixed sentence accuracy, commonest errors."""
    from coachloop.agreement.language import (
        LanguageScore,
        cross_validate_language,
        language_score_to_dict,
        language_table,
        score_identifier,
    )
    from coachloop.language.langid import LanguageIdentifier, default_identifier, read_labelled

    if cv and model is not None:
        raise CoachloopError("give --model or --cv, not both")
    try:
        with labels.open(encoding="utf-8") as f:
            sentences = list(read_labelled(f))
    except ValueError as e:
        raise CoachloopError(f"{labels}: {e}") from None
    if not sentences:
        raise CoachloopError(f"{labels}: no labelled sentences (expected token<TAB>label lines)")
    if cv:
        with progress_bar() as bar:
            task = bar.add_task(f"{folds}-fold cross-validation on {len(sentences)} sentences", total=folds)
            score = cross_validate_language(
                sentences, folds=folds, seed=seed, on_fold=lambda _: bar.advance(task)
            )
    else:
        identifier = LanguageIdentifier.load(model) if model is not None else default_identifier()
        score = LanguageScore(f"model {model.name}" if model is not None else "shipped identifier")
        score_identifier(identifier, sentences, score)
    if format is ReportFormat.json:
        print_json(language_score_to_dict(score))
    else:
        out.print(language_table(score))


@eval_app.command("demo")
def eval_demo(
    seed: Annotated[int, typer.Option(help="Seed of the generated demo (`coachloop demo --seed`).")] = 7,
    format: Annotated[ReportFormat, typer.Option("--format", help="table or json")] = ReportFormat.table,
) -> None:
    """Compliance on a generated demo against its truth: calls auto-failed for a critical
    behaviour the truth says was done, violations caught per critical behaviour, and chats
    scored on hold etiquette, with 95 % Wilson intervals. Runs in memory (no store)."""
    from rich.table import Table

    from coachloop.agreement.demo import demo_score_to_dict
    from coachloop.jobs.compliance import demo_compliance

    with progress_bar() as bar:
        bar.add_task(f"generating and evaluating the demo of seed {seed}", total=None)
        score = demo_compliance(seed)
    if format is ReportFormat.json:
        print_json(demo_score_to_dict(score))
        return

    def fig(value: float | None, ci: Interval | None) -> str:
        if value is None:
            return "-"
        return f"{value:.3f}" + (f" [{ci.low:.3f}-{ci.high:.3f}]" if ci is not None else "")

    out.print(
        f"demo seed {seed}: {score.calls} calls, {score.auto_failed} auto-failed; "
        f"false auto-fails (a critical behaviour the truth says was done) {score.false_auto_failed}: "
        f"{fig(score.false_auto_fail_rate, score.false_auto_fail_ci)} of calls",
        highlight=False,
    )
    out.print(
        f"violations caught: {score.caught} of {score.violations}: {fig(score.recall, score.recall_ci)}; "
        f"evaluations with a critical outcome flagged for review: {score.flagged_for_review}, "
        f"of which truly wrong {score.flagged_wrong} (queue precision "
        f"{fig(score.queue_precision, score.queue_precision_ci)}); "
        f"chats scored on hold etiquette: {score.chats_with_hold_scored} of {score.chats}",
        highlight=False,
    )
    out.print(
        f"review queue, every outcome with a known truth ({score.judged_outcomes}, "
        f"{score.wrong_outcomes} wrong): {score.queued_outcomes} queued, precision "
        f"{fig(score.outcome_queue_precision, score.outcome_queue_precision_ci)}, errors caught "
        f"{fig(score.errors_caught, score.errors_caught_ci)}; violations caught by the machine or "
        f"the queue {score.violations_caught_or_queued} of {score.violations}",
        highlight=False,
    )
    table = Table(caption="[95% Wilson interval]; false flags: missed where the truth says it was done")
    for name in (
        "critical behaviour",
        "violations",
        "caught",
        "recall",
        "flagged",
        "false flags",
        "precision",
    ):
        table.add_column(name, justify="left" if name == "critical behaviour" else "right")
    for b in score.behaviors:
        table.add_row(
            b.behavior_id,
            str(b.violations),
            str(b.caught),
            fig(b.recall, b.recall_ci),
            str(b.flagged),
            str(b.false_flags),
            fig(b.precision, b.precision_ci),
        )
    out.print(table)
