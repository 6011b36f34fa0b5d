"""What every command group shares: the root app, consoles, options and output helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from coachloop.store import Store, default_url, open_store

if TYPE_CHECKING:
    pass

app = typer.Typer(
    help="Evaluate every contact-center conversation against a rubric, with evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

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


def open_db(db: str | None, *, create: bool = True) -> Store:
    """The store at `db` (or the default); commands that only read pass `create=False`, so a
    mistyped path is an error, not a new empty database."""
    return open_store(db or default_url(), create=create)


def progress_bar() -> Progress:
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
def output_to(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as f:
        yield f


def print_rejections(errors: list[str], limit: int = 20) -> None:
    for line in errors[:limit]:
        err.print(f"[yellow]rejected[/] {escape(line)}", markup=True, highlight=False, soft_wrap=True)
    if len(errors) > limit:
        err.print(f"... and {len(errors) - limit} more; see `coachloop quarantine list`", highlight=False)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


def print_json(data: object) -> None:
    sys.stdout.write(
        orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY).decode() + "\n"
    )
