"""`--format jsonl`: one JSON object per line.

Evaluations are written as their export record (`evaluation_record`, documented in
README.md); interactions as native records (`to_native`), which `ingest --format
native` reads back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TextIO, TypeVar

import orjson

from coachloop.export.base import (
    ExportedEvaluation,
    Source,
    evaluation_exporters,
    evaluation_record,
    interaction_exporters,
)
from coachloop.ingest.native import to_native
from coachloop.model import Interaction

__all__ = ["write_evaluations", "write_interactions"]

T = TypeVar("T")


def _write_lines(records: Iterable[T], record: Callable[[T], dict[str, Any]], out: TextIO) -> int:
    count = 0
    for item in records:
        out.write(orjson.dumps(record(item)).decode())
        out.write("\n")
        count += 1
    return count


@evaluation_exporters.register("jsonl")
def write_evaluations(source: Source[ExportedEvaluation], out: TextIO) -> int:
    return _write_lines(source(), evaluation_record, out)


@interaction_exporters.register("jsonl")
def write_interactions(source: Source[Interaction], out: TextIO) -> int:
    return _write_lines(source(), to_native, out)
