"""The registry of readers: each input format is one module that registers its reader here.

What a reader yields (`Interaction`, `InteractionUpdate`, `SurveyUpdate`, `Agent`,
`Rejected`) are domain types in `coachloop.model`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from coachloop.model import ReadItem
from coachloop.registry import Registry

__all__ = ["Reader", "readers"]

Reader = Callable[[Path], Iterator[ReadItem]]
"""A reader streams one file in constant memory and never raises for a bad record:
it yields `Rejected` and goes on. It raises `IngestError` only when the whole file
cannot be read."""

readers: Registry[Reader] = Registry("input format")
