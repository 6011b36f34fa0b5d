"""`coachloop language`: word- and sentence-level language identification."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from coachloop.errors import CoachloopError

if TYPE_CHECKING:
    pass

from coachloop.cli.common import out, output_to

language_app = typer.Typer(
    help="Language identification, including Hindi-English code-switching.", no_args_is_help=True
)


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
    with output_to(output) as f:
        for record in tag_lines(source, identifier):
            f.write(orjson.dumps(record).decode())
            f.write("\n")


@language_app.command("train")
def language_train(
    data: Annotated[
        Path, typer.Option("--data", help="token<TAB>label lines, blank line between sentences.")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Model file to write (.npz is appended if missing).")],
) -> None:
    """Train a word-level language model on your own labelled sentences (kept locally, not shipped)."""
    from coachloop.language.langid import LanguageIdentifier, read_labelled

    with data.open(encoding="utf-8") as f:
        sentences = list(read_labelled(f))
    if not sentences:
        raise CoachloopError(f"{data}: no labelled sentences (expected token<TAB>label lines)")
    identifier = LanguageIdentifier()
    identifier.fit(sentences)
    written = identifier.save(output)
    out.print(f"trained on {len(sentences)} sentences; model written to {written}", highlight=False)
