"""The `coachloop` command line: a thin shell over `coachloop.jobs` and the store.

Every command exits non-zero with one readable line on stderr when it cannot do its
job; set COACHLOOP_DEBUG=1 for the full traceback.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import orjson
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from coachloop import jobs
from coachloop.errors import CoachloopError
from coachloop.evaluate import load_rubric
from coachloop.ingest.records import Rejected, readers
from coachloop.ingest.redact import RedactionConfig, Redactor
from coachloop.model import Evaluation, Interaction
from coachloop.render import render_evaluation, render_scorecards
from coachloop.rubric.load import shipped_rubrics
from coachloop.store import Store, default_url, evaluation_to_dict, open_store

if TYPE_CHECKING:
    from coachloop.language.reasons import ReasonClassifier
    from coachloop.scoring import Label, Prediction

__all__ = ["app", "main"]

app = typer.Typer(
    help="Evaluate every contact-center conversation against a rubric, with evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Write stored results for other tools.", no_args_is_help=True)
rubric_app = typer.Typer(help="Check and list rubrics.", no_args_is_help=True)
quarantine_app = typer.Typer(
    help="Records that could not be read: list, show, replay, drop.", no_args_is_help=True
)
app.add_typer(export_app, name="export")
app.add_typer(rubric_app, name="rubric")
app.add_typer(quarantine_app, name="quarantine")
language_app = typer.Typer(
    help="Language identification, including Hindi-English code-switching.", no_args_is_help=True
)
app.add_typer(language_app, name="language")
reasons_app = typer.Typer(
    help="Contact reasons: train a classifier, predict, and discover reasons nobody named yet.",
    no_args_is_help=True,
)
app.add_typer(reasons_app, name="reasons")
eval_app = typer.Typer(help="Measure evaluations against human labels.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
REASON_MODEL_KIND = "reason-classifier"

err = Console(stderr=True, soft_wrap=True)
# Piped output (a file, CI logs) is not wrapped at 80 columns: tables get room to breathe.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="COACHLOOP_DB",
        show_envvar=True,
        help="SQLAlchemy URL of the store (default: sqlite:///coachloop.db in the working directory).",
    ),
]


FastOption = Annotated[
    float | None,
    typer.Option(
        "--fast-confidence",
        min=0.01,
        max=1.0,
        help="Texts the words-only model is at least this sure of skip the encoder: about 5x "
        "faster at 0.8, for some accuracy (BANKING77: 0.919 instead of 0.923).",
    ),
]


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def _store(db: str | None) -> Store:
    return open_store(db or default_url())


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as f:
        yield f


def _print_errors(errors: list[str], limit: int = 20) -> None:
    for line in errors[:limit]:
        err.print(f"[yellow]rejected[/] {line}", markup=True, highlight=False, soft_wrap=True)
    if len(errors) > limit:
        err.print(f"... and {len(errors) - limit} more; see `coachloop quarantine list`", highlight=False)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files to read.", show_default=False)],
    format: Annotated[
        str, typer.Option("--format", "-f", help="Input format: " + ", ".join(readers))
    ] = "native",
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep",
            help="Keep this kind of sensitive data in clear (repeatable): cards, national_ids, emails, phones, "
            "spoken_digits. Default: everything is redacted.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Read conversations (or metadata, agents, surveys) into the store.

    Text is redacted before it is stored. Bad records are reported and kept in
    quarantine; the good ones around them are stored. Re-ingesting an id updates it.
    """
    redactor = Redactor(RedactionConfig.from_mapping(dict.fromkeys(keep or [], False)))
    store = _store(db)
    with _progress() as bar:
        task = bar.add_task("ingesting", total=None)
        report = jobs.ingest_paths(
            store, paths, format, redactor=redactor, progress=lambda n: bar.advance(task, n)
        )
    _print_errors(report.errors)
    out.print(
        f"{report.interactions} interactions, {report.updates} metadata updates, {report.surveys} surveys, "
        f"{report.agents} agents stored from {report.files} file(s); {report.rejected} rejected"
        + (" (see `coachloop quarantine list`)" if report.rejected else ""),
        highlight=False,
    )


@app.command("evaluate")
def evaluate_cmd(
    rubric: Annotated[
        list[str] | None,
        typer.Option(
            "--rubric",
            "-r",
            help="Rubric name or YAML file (repeatable). Default: for each interaction the most "
            "specific shipped rubric that applies.",
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
    db: DbOption = None,
) -> None:
    """Evaluate stored interactions and store the evaluations (default: only new or changed ones)."""
    if reasons is not None and no_reasons:
        raise CoachloopError("give --reasons or --no-reasons, not both")
    rubrics = [load_rubric(r) for r in rubric] if rubric else jobs.default_rubrics()
    store = _store(db)
    if reasons is None and not no_reasons:
        trained = [
            (created, name) for name, kind, _, created in store.list_models() if kind == REASON_MODEL_KIND
        ]
        if trained:
            reasons = max(trained)[1]
            err.print(
                f"predicting contact reasons with {reasons!r}, the most recently trained model "
                "(--no-reasons to skip)",
                highlight=False,
            )
    predictor = (
        jobs.reason_predictor(_reason_model(db, reasons, fast_confidence), reasons) if reasons else None
    )
    with _progress() as bar:
        task = bar.add_task("evaluating", total=None)
        report = jobs.evaluate_store(
            store,
            rubrics,
            everything=all_,
            explicit=bool(rubric),
            reasons=predictor,
            insights=insights,
            progress=lambda n: bar.advance(task, n),
            on_total=lambda n: bar.update(task, total=n),
        )
    per = ", ".join(f"{k}: {v}" for k, v in sorted(report.by_rubric.items())) or "nothing new"
    out.print(f"{report.evaluated} evaluations ({per}); {report.auto_failed} auto-failed", highlight=False)


@export_app.command("evaluations")
def export_evaluations(
    rubric: Annotated[
        str | None, typer.Option("--rubric", "-r", help="Only this rubric's evaluations.")
    ] = None,
    format: Annotated[
        ExportFormat,
        typer.Option("--format", help="jsonl: one record per line; csv: one row, a column per behaviour."),
    ] = ExportFormat.jsonl,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write stored evaluations, one record per interaction (and rubric)."""
    store = _store(db)
    count = 0
    with _output(output) as f:
        if format is ExportFormat.jsonl:
            for ev in store.iter_evaluations(rubric):
                f.write(orjson.dumps(evaluation_to_dict(ev)).decode())
                f.write("\n")
                count += 1
        else:
            behaviors: dict[str, None] = {}
            for ev in store.iter_evaluations(rubric):
                behaviors.update((r.behavior_id, None) for r in ev.results)
            writer = csv.writer(f)
            writer.writerow(
                [
                    "interaction_id",
                    "rubric",
                    "rubric_version",
                    "score",
                    "compliance_passed",
                    "auto_failed",
                    "contact_reason",
                    "contact_reason_confidence",
                    *behaviors,
                ]
            )
            for ev in store.iter_evaluations(rubric):
                outcomes = {r.behavior_id: r.outcome.value for r in ev.results}
                reason = ev.contact_reason
                writer.writerow(
                    [
                        ev.interaction_id,
                        ev.rubric,
                        ev.rubric_version,
                        "" if ev.score is None else ev.score,
                        ev.compliance_passed,
                        ev.auto_failed,
                        reason.label if reason else "",
                        reason.confidence if reason else "",
                        *(outcomes.get(b, "") for b in behaviors),
                    ]
                )
                count += 1
    if output is not None:
        err.print(f"{count} evaluations written to {output}", highlight=False)


@app.command()
def show(
    interaction_id: Annotated[str, typer.Argument(metavar="ID", help="Interaction id.")],
    rubric: Annotated[
        str | None, typer.Option("--rubric", "-r", help="Only this rubric's evaluation.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Show a conversation with each behaviour's outcome and its evidence."""
    store = _store(db)
    interaction = store.get_interaction(interaction_id)
    if interaction is None:
        raise CoachloopError(f"no interaction {interaction_id!r} in the store")
    evaluations = [e for e in store.get_evaluations(interaction_id) if rubric is None or e.rubric == rubric]
    render_evaluation(out, interaction, evaluations)


@app.command()
def report(
    rubric: Annotated[
        str | None, typer.Option("--rubric", "-r", help="Rubric to report on (default: each).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Agent scorecards: evaluations, mean score, compliance and behaviour rates with 95 % intervals."""
    store = _store(db)
    names = [rubric] if rubric else store.evaluated_rubrics()
    if not names:
        raise CoachloopError("no evaluations in the store yet: run `coachloop evaluate` first")
    for name in names:
        render_scorecards(out, name, store.agent_scorecards(name))


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


def _labelled_calls(
    calls: list[Path], formats: list[str], labelled: Iterable[str], labels: Path
) -> tuple[list[list[Interaction]], int]:
    """The labelled calls of `calls` read (checked, redacted) with each format, in id order;
    and how many records were rejected (each reported on stderr)."""
    wanted = set(labelled)
    renderings: list[list[Interaction]] = []
    rejected = 0
    for fmt in formats:
        found: dict[str, Interaction] = {}
        for item in jobs.read_paths(calls, fmt):
            if isinstance(item, Rejected):
                rejected += 1
                err.print(f"skipped: {item.error.message}", highlight=False)
            elif isinstance(item, Interaction) and item.id in wanted:
                found[item.id] = item
        renderings.append([found[i] for i in sorted(found)])
    if not renderings or not renderings[0]:
        raise CoachloopError(f"none of the calls in {', '.join(map(str, calls))} has a label in {labels}")
    if any([c.id for c in r] != [c.id for c in renderings[0]] for r in renderings):
        raise CoachloopError("the formats read different sets of labelled calls from the files")
    return renderings, rejected


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
    from coachloop.evaluate.learn import learn_behaviors, learnable_behaviors, learned_rubric_yaml
    from coachloop.language.embeddings import default_encoder
    from coachloop.scoring import read_labels

    base = load_rubric(rubric)
    by_id = {label.interaction_id: label for label in read_labels(labels) if label.rubric == base.name}
    if not by_id:
        raise CoachloopError(f"{labels}: no labels for rubric {base.name!r}")
    renderings, rejected = _labelled_calls(calls, formats or ["native"], by_id.keys(), labels)
    interactions = [c for rendering in renderings for c in rendering]
    chosen = behaviors or learnable_behaviors(base, by_id.values())
    with _progress() as bar:
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


@quarantine_app.command("list")
def quarantine_list(db: DbOption = None) -> None:
    """Records that were rejected, with where and why."""
    rows = _store(db).list_quarantine()
    for q in rows:
        where = f"{q.file or '?'}" + (f":{q.line}" if q.line else "") + (f" {q.field}" if q.field else "")
        out.print(f"{q.id:6} {q.format:12} {where}: {q.reason}", highlight=False, soft_wrap=True)
    err.print(f"{len(rows)} record(s) in quarantine", highlight=False)


@quarantine_app.command("show")
def quarantine_show(qid: Annotated[int, typer.Argument(metavar="QID")], db: DbOption = None) -> None:
    """Print a quarantined record as it was read (redacted), to fix it."""
    row = next((q for q in _store(db).list_quarantine() if q.id == qid), None)
    if row is None:
        raise CoachloopError(f"no quarantined record {qid}")
    sys.stdout.write(row.raw + "\n")


@quarantine_app.command("replay")
def quarantine_replay(
    qids: Annotated[list[int] | None, typer.Argument(metavar="[QID]...")] = None, db: DbOption = None
) -> None:
    """Read quarantined records again (all, or the ids given); those still bad stay in quarantine."""
    result, rows = jobs.replay_quarantine(_store(db), qids or None)
    _print_errors(result.errors)
    out.print(
        f"{len(rows)} replayed: {result.interactions + result.updates + result.surveys + result.agents} "
        f"stored, {result.rejected} still rejected",
        highlight=False,
    )


@quarantine_app.command("drop")
def quarantine_drop(
    qids: Annotated[list[int], typer.Argument(metavar="QID...")], db: DbOption = None
) -> None:
    """Delete quarantined records for good."""
    n = _store(db).clear_quarantine(qids)
    out.print(f"{n} record(s) dropped", highlight=False)


@language_app.command("tag")
def language_tag(
    file: Annotated[Path, typer.Argument(help="Text file, one sentence per line ('-' for stdin).")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="JSONL file (default: stdout).")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="A model from `language train` (default: the shipped one).")
    ] = None,
) -> None:
    """Tag each line's language and each word's: one JSON record per input line,
    {"text", "language", "code_mixed", "tokens": [{"token", "lang"}]} with ISO 639-1 codes."""
    from coachloop.language.langid import LanguageIdentifier, tag_lines

    identifier = LanguageIdentifier.load(model) if model is not None else None
    source = sys.stdin if str(file) == "-" else file.open(encoding="utf-8", errors="replace")
    with _output(output) as f:
        for record in tag_lines(source, identifier):
            f.write(orjson.dumps(record).decode())
            f.write("\n")


@language_app.command("train")
def language_train(
    data: Annotated[
        Path, typer.Option("--data", help="token<TAB>label lines, blank line between sentences.")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Model file to write (.json or .json.gz).")],
) -> None:
    """Train a word-level language model on your own labelled sentences (kept locally, not shipped)."""
    from coachloop.language.langid import LanguageIdentifier, read_labelled

    with data.open(encoding="utf-8") as f:
        sentences = list(read_labelled(f))
    if not sentences:
        raise CoachloopError(f"{data}: no labelled sentences (expected token<TAB>label lines)")
    identifier = LanguageIdentifier()
    identifier.fit(sentences)
    identifier.save(output)
    out.print(f"trained on {len(sentences)} sentences; model written to {output}", highlight=False)


@reasons_app.command("train")
def reasons_train(
    data: Annotated[
        Path, typer.Option("--data", help="CSV with text,label, or JSONL conversations with contact_reason.")
    ],
    name: Annotated[
        str, typer.Option("--name", help="Name to store the model under (retraining makes a new version).")
    ],
    name_examples: Annotated[
        bool,
        typer.Option(
            "--name-examples/--no-name-examples",
            help="Use each reason's name as one more training text (off for taxonomies of codes).",
        ),
    ] = True,
    db: DbOption = None,
) -> None:
    """Train a contact-reason classifier and keep it in the store under NAME."""
    import tempfile

    from coachloop.language.reasons import ReasonClassifier, load_labelled

    labelled = load_labelled(data)
    if len(set(labelled.labels)) < 2:
        raise CoachloopError(f"{data}: need at least two different labels to train on")
    with _progress() as bar:
        bar.add_task(f"training on {len(labelled.texts)} texts", total=None)
        model = ReasonClassifier(name_examples=name_examples).fit(labelled.texts, labelled.labels)
    with tempfile.TemporaryDirectory(prefix="coachloop-model-") as tmp:
        payload = model.save(Path(tmp) / "model.npz").read_bytes()
    info = {"labels": model.labels, "trained_on": str(data), "texts": len(labelled.texts)}
    version = _store(db).save_model(name, REASON_MODEL_KIND, payload, info)
    out.print(
        f"model {name!r} version {version}: {len(model.labels)} reasons from {len(labelled.texts)} texts",
        highlight=False,
    )
    if model.cv_accuracy:
        chosen = (model.head or "svm", model.embedding_weight or 0.0)
        out.print(
            f"chosen by cross-validation: {chosen[0]}, embedding weight {chosen[1]:g}"
            f" (held-out accuracy {model.cv_accuracy[chosen]:.3f})",
            highlight=False,
        )


def _reason_model(db: str | None, name: str, fast_confidence: float | None = None) -> ReasonClassifier:
    import tempfile

    from coachloop.language.reasons import ReasonClassifier

    stored = _store(db).load_model(name)
    if stored is None or stored.kind != REASON_MODEL_KIND:
        raise CoachloopError(
            f"no contact-reason model named {name!r}: train one with `coachloop reasons train`"
        )
    with tempfile.TemporaryDirectory(prefix="coachloop-model-") as tmp:
        path = Path(tmp) / "model.npz"
        path.write_bytes(stored.payload)
        model = ReasonClassifier.load(path)
    if fast_confidence is not None:
        model.fast_confidence = fast_confidence
    return model


@reasons_app.command("predict")
def reasons_predict(
    file: Annotated[Path, typer.Argument(help="CSV with a text column, or JSONL conversations.")],
    model: Annotated[str, typer.Option("--model", help="Name given to `reasons train`.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="CSV file (default: stdout).")] = None,
    fast_confidence: FastOption = None,
    db: DbOption = None,
) -> None:
    """Predict each input's contact reason: CSV id,label,confidence in input order
    (id = the row number for CSV, the conversation id for JSONL)."""
    from coachloop.language.reasons import load_unlabelled

    classifier = _reason_model(db, model, fast_confidence)
    inputs = load_unlabelled(file)
    predictions = classifier.predict(inputs.texts) if inputs.texts else []
    with _output(output) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "label", "confidence"])
        for rid, (label, confidence) in zip(inputs.ids, predictions, strict=True):
            writer.writerow([rid, label, f"{confidence:.4f}"])


@reasons_app.command("discover")
def reasons_discover(
    file: Annotated[
        Path, typer.Argument(help="CSV with a text column, or JSONL conversations (unlabelled).")
    ],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="CSV file (default: stdout).")] = None,
) -> None:
    """Group inputs into reasons without being told how many: CSV id,cluster,cluster_name
    in input order; a summary of each cluster with representative texts on stderr."""
    from coachloop.language.discover import discover
    from coachloop.language.reasons import load_unlabelled

    inputs = load_unlabelled(file)
    if not inputs.texts:
        raise CoachloopError(f"{file}: no texts to group")
    with _progress() as bar:
        bar.add_task(f"grouping {len(inputs.texts)} texts", total=None)
        found = discover(inputs.texts)
    names = {c.id: c.name for c in found.clusters}
    with _output(output) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "cluster", "cluster_name"])
        for rid, cluster in zip(inputs.ids, found.labels, strict=True):
            writer.writerow([rid, cluster, names[cluster]])
    for c in found.clusters:
        err.print(f"cluster {c.id} ({c.size}): {c.name}", highlight=False)
        for text in c.representatives:
            err.print(f"    \u201c{text}\u201d", highlight=False)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


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
            "--reader",
            help="Reader for --learn files; repeat for several transcripts of the same calls "
            "(hvb and hvb-asr): learned from all, scored on each.",
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
    db: DbOption = None,
) -> None:
    """Per behaviour precision, recall and F1 (with 95 % intervals) of stored or exported
    evaluations against labels, plus outcome accuracy and evidence agreement; with
    --learn, of rubrics learned from the labels by cross-validation."""
    from coachloop.scoring import (
        compare_behaviors,
        comparison_to_dict,
        print_comparison,
        read_labels,
        read_predictions,
    )

    labelled = read_labels(labels)
    sources: list[tuple[str, Sequence[Evaluation | Prediction]]]
    if learn:
        sources = _learned_evaluations(
            labels, labelled, rubric, learn, reader or ["native"], behaviors, folds, seed
        )
    else:
        stored = (
            read_predictions(predictions)
            if predictions is not None
            else list(_store(db).iter_evaluations(rubric))
        )
        sources = [("", stored)]
    comparisons = []
    for title, source in sources:
        try:
            comparisons.append((title, compare_behaviors(source, labelled, rubric=rubric)))
        except ValueError as e:
            raise CoachloopError(str(e)) from None
    if format is ReportFormat.json:
        data = (
            comparison_to_dict(comparisons[0][1])
            if not learn
            else {title: comparison_to_dict(c) for title, c in comparisons}
        )
        _print_json(data)
    else:
        for title, comparison in comparisons:
            print_comparison(comparison, console=out, title=title or None)


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
    renderings, _ = _labelled_calls(calls, readers_, by_id.keys(), labels)
    chosen = behaviors or learnable_behaviors(base, by_id.values())
    with _progress() as bar:
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


def _print_json(data: object) -> None:
    sys.stdout.write(
        orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY).decode() + "\n"
    )


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
    db: DbOption = None,
) -> None:
    """Contact-reason accuracy, macro-F1, per reason precision/recall/F1 and the confusion
    matrix: of a stored model, or of a new one by cross-validation on the labels."""
    from coachloop.language.reasons import ReasonClassifier, load_labelled
    from coachloop.scoring.reasons import cross_validate, reason_score_to_dict, reason_table, score_reasons

    labelled = load_labelled(labels, use_asr=asr)
    if model is not None:
        classifier = _reason_model(db, model)
        predicted = classifier.predict(labelled.texts)
        method = f"stored model {model!r}"
    else:
        with _progress() as bar:
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
        _print_json(reason_score_to_dict(score))
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
) -> None:
    """Discovered reasons against known intents: accuracy after one-to-one (Hungarian)
    matching, NMI and ARI, and each cluster's purity. Discovery is not told how many
    intents there are."""
    from coachloop.language.discover import discover
    from coachloop.language.reasons import load_labelled
    from coachloop.scoring.discovery import discovery_score_to_dict, discovery_table, score_discovery

    labelled = load_labelled(labels)
    if predictions is not None:
        clusters, names = _read_clusters(predictions, labelled.ids)
        method = f"clusters from {predictions.name}"
    else:
        with _progress() as bar:
            bar.add_task(f"grouping {len(labelled.texts)} texts", total=None)
            found = discover(labelled.texts)
        clusters = [str(c) for c in found.labels]
        names = {str(c.id): c.name for c in found.clusters}
        method = "coachloop discover"
    score = score_discovery(labelled.labels, clusters, method, names)
    if format is ReportFormat.json:
        _print_json(discovery_score_to_dict(score))
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
    from coachloop.language.langid import LanguageIdentifier, default_identifier, read_labelled
    from coachloop.scoring.language import (
        LanguageScore,
        cross_validate_language,
        language_score_to_dict,
        language_table,
        score_identifier,
    )

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
        with _progress() as bar:
            task = bar.add_task(f"{folds}-fold cross-validation on {len(sentences)} sentences", total=folds)
            score = cross_validate_language(
                sentences, folds=folds, seed=seed, on_fold=lambda _: bar.advance(task)
            )
    else:
        identifier = LanguageIdentifier.load(model) if model is not None else default_identifier()
        score = LanguageScore(f"model {model.name}" if model is not None else "shipped identifier")
        score_identifier(identifier, sentences, score)
    if format is ReportFormat.json:
        _print_json(language_score_to_dict(score))
    else:
        out.print(language_table(score))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the native input format (one interaction per line)."""
    from coachloop.ingest.native import native_schema

    sys.stdout.write(orjson.dumps(native_schema(), option=orjson.OPT_INDENT_2).decode() + "\n")


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where to write the demo data and database.")
    ] = Path("demo"),
    seed: Annotated[int, typer.Option(help="Seed of the generated contact center.")] = 7,
    shared_data: Annotated[
        Path | None,
        typer.Option(
            "--shared-data",
            envvar="COACHLOOP_SHARED_DATA",
            help="Folder with hvb/dev.jsonl to add real calls (default: ../shared/data when present).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Generate a realistic contact center, ingest and evaluate it, and say where to look."""
    from coachloop.demo.run import run_demo

    run_demo(directory, seed=seed, shared_data=shared_data, db=db, console=out, progress=_progress)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one readable line on stderr and a non-zero exit for any failure.

    Usage errors exit 2, coachloop's own errors and OS errors exit 1; set
    COACHLOOP_DEBUG=1 for the traceback.
    """
    debug = os.environ.get("COACHLOOP_DEBUG") == "1"
    try:
        app(args=argv, standalone_mode=False)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        _fail("aborted", 130)
    except KeyboardInterrupt:
        _fail("interrupted; finished batches are stored - run the command again to resume", 130)
    except CoachloopError as e:
        if debug:
            raise
        _fail(str(e), 1)
    except OSError as e:
        if debug:
            raise
        where = f"{e.filename}: " if e.filename else ""
        _fail(f"{where}{e.strerror or e}", 1)
    except typer.TyperException as e:  # usage errors: unknown command, bad option value
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        code = getattr(e, "exit_code", 2)
        if not message:  # no arguments at all: the help was shown
            sys.exit(code)
        _fail(f"{message} (see `coachloop --help`)", code)


def _fail(message: str, code: int) -> None:
    err.print(f"coachloop: error: {message}", highlight=False, markup=False, soft_wrap=True)
    sys.exit(code)
