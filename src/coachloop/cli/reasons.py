"""`coachloop reasons`: train, predict and discover contact reasons."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coachloop.csvfile import csv_writer
from coachloop.errors import CoachloopError

if TYPE_CHECKING:
    pass

from coachloop.cli.common import (
    DbOption,
    FastOption,
    err,
    open_db,
    out,
    output_to,
    progress_bar,
)
from coachloop.jobs.reasons import load_reason_model, train_reasons
from coachloop.jobs.texts import load_labelled, load_unlabelled, text_formats

TEXT_FORMAT_HELP = (
    "auto (default): a CSV with a text column or JSON Lines of single texts, or JSON Lines "
    "conversations read as --format hvb; texts; or any reader: "
    + ", ".join(text_formats()[2:])
    + ". Everything is redacted as ingest does before it is used."
)
TextFormatOption = Annotated[str, typer.Option("--format", "-f", help=TEXT_FORMAT_HELP)]

reasons_app = typer.Typer(
    help="Contact reasons: train a classifier, predict, and discover reasons nobody named yet.",
    no_args_is_help=True,
)


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
    format: TextFormatOption = "auto",
    db: DbOption = None,
) -> None:
    """Train a contact-reason classifier and keep it in the store under NAME."""
    labelled = load_labelled(data, fmt=format)
    with progress_bar() as bar:
        bar.add_task(f"training on {len(labelled.texts)} texts", total=None)
        trained = train_reasons(
            open_db(db), name, labelled.texts, labelled.labels, source=str(data), name_examples=name_examples
        )
    model, version = trained.model, trained.version
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


@reasons_app.command("predict")
def reasons_predict(
    file: Annotated[Path, typer.Argument(help="CSV with a text column, or JSONL conversations.")],
    model: Annotated[str, typer.Option("--model", help="Name given to `reasons train`.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="CSV file (default: stdout).")] = None,
    fast_confidence: FastOption = None,
    format: TextFormatOption = "auto",
    db: DbOption = None,
) -> None:
    """Predict each input's contact reason: CSV id,label,confidence in input order
    (id = the row number for CSV, the conversation id for JSONL)."""
    classifier = load_reason_model(open_db(db, create=False), model, fast_confidence)
    inputs = load_unlabelled(file, fmt=format)
    predictions = classifier.predict(inputs.texts) if inputs.texts else []
    with output_to(output) as f:
        writer = csv_writer(f)
        writer.writerow(["id", "label", "confidence"])
        for rid, (label, confidence) in zip(inputs.ids, predictions, strict=True):
            writer.writerow([rid, label, f"{confidence:.4f}"])


@reasons_app.command("discover")
def reasons_discover(
    file: Annotated[
        Path, typer.Argument(help="CSV with a text column, or JSONL conversations (unlabelled).")
    ],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="CSV file (default: stdout).")] = None,
    format: TextFormatOption = "auto",
) -> None:
    """Group inputs into reasons without being told how many: CSV id,cluster,cluster_name
    in input order; a summary of each cluster with representative texts on stderr."""
    from coachloop.language.reasons.discover import discover

    inputs = load_unlabelled(file, fmt=format)
    if not inputs.texts:
        raise CoachloopError(f"{file}: no texts to group")
    with progress_bar() as bar:
        bar.add_task(f"grouping {len(inputs.texts)} texts", total=None)
        found = discover(inputs.texts)
    names = {c.id: c.name for c in found.clusters}
    with output_to(output) as f:
        writer = csv_writer(f)
        writer.writerow(["id", "cluster", "cluster_name"])
        for rid, cluster in zip(inputs.ids, found.labels, strict=True):
            writer.writerow([rid, cluster, names[cluster]])
    for c in found.clusters:
        err.print(f"cluster {c.id} ({c.size}): {c.name}", highlight=False)
        for text in c.representatives:
            err.print(f"    \u201c{text}\u201d", highlight=False)
