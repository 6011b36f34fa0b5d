"""What a reader yields: whole interactions, partial updates, agents, or rejected records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coachloop.errors import RecordError
from coachloop.model import Agent, Interaction, Survey
from coachloop.registry import Registry

__all__ = [
    "InteractionUpdate",
    "ReadItem",
    "Reader",
    "Rejected",
    "SurveyUpdate",
    "readers",
]


@dataclass(slots=True)
class InteractionUpdate:
    """Metadata for an interaction that may already be stored (e.g. a row of an ACD export).

    Only the fields named in `fields` are changed; the transcript is kept.
    """

    interaction_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SurveyUpdate:
    interaction_id: str
    survey: Survey


@dataclass(slots=True)
class Rejected:
    """A record that could not be read: the error says where and why; `raw` keeps it for replay."""

    error: RecordError
    raw: str
    format: str | None = None
    """The format `raw` is in, when it is not the format being read (e.g. `native`)."""


ReadItem = Interaction | InteractionUpdate | SurveyUpdate | Agent | Rejected
Reader = Callable[[Path], Iterator[ReadItem]]
"""A reader streams one file in constant memory and never raises for a bad record:
it yields `Rejected` and goes on. It raises `IngestError` only when the whole file
cannot be read."""

readers: Registry[Reader] = Registry("input format")
