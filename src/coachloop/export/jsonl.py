"""`--format jsonl`: one JSON object per line.

Evaluations are written as their export record (`evaluation_to_dict`, documented in
DESIGN.md); interactions as native records (`to_native`), which `ingest --format
native` reads back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TextIO, TypeVar

import orjson

from coachloop.export.base import Source, evaluation_exporters, interaction_exporters
from coachloop.ingest.native import to_native
from coachloop.model import Evaluation, Interaction
from coachloop.store import evaluation_to_dict

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
def write_evaluations(source: Source[Evaluation], out: TextIO) -> int:
    return _write_lines(source(), evaluation_to_dict, out)


@interaction_exporters.register("jsonl")
def write_interactions(source: Source[Interaction], out: TextIO) -> int:
    return _write_lines(source(), to_native, out)
