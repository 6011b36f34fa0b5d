"""Labelled calls read for learning and measuring: the same readers, checks and redaction as ingest."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from coachloop.errors import CoachloopError
from coachloop.jobs import read_paths
from coachloop.model import Interaction, Rejected

__all__ = ["labelled_calls"]


def labelled_calls(
    calls: Sequence[Path],
    formats: Sequence[str],
    labelled: Iterable[str],
    labels: Path,
    *,
    on_rejected: Callable[[str], None] | None = None,
) -> tuple[list[list[Interaction]], int]:
    """The labelled calls of `calls` read with each format (one rendering per format, the
    same calls in id order in each), and how many records were rejected.

    `on_rejected` is told each rejected record's message. Formats that read different
    sets of labelled calls are an error: the renderings are meant to be aligned.
    """
    wanted = set(labelled)
    renderings: list[list[Interaction]] = []
    rejected = 0
    for fmt in formats:
        found: dict[str, Interaction] = {}
        for item in read_paths(calls, fmt):
            if isinstance(item, Rejected):
                rejected += 1
                if on_rejected is not None:
                    on_rejected(item.error.message)
            elif isinstance(item, Interaction) and item.id in wanted:
                found[item.id] = item
        renderings.append([found[i] for i in sorted(found)])
    if not renderings or not renderings[0]:
        raise CoachloopError(f"none of the calls in {', '.join(map(str, calls))} has a label in {labels}")
    if any([c.id for c in r] != [c.id for c in renderings[0]] for r in renderings):
        raise CoachloopError("the formats read different sets of labelled calls from the files")
    return renderings, rejected
