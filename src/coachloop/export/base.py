"""The registries of exporters: each output format is one module that registers here.

An exporter writes records to a text stream and returns how many it wrote. It gets a
`Source`, not a list, so that it streams in constant memory; a format that needs two
passes (CSV evaluations: the behaviour columns first) calls the source twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TextIO, TypeVar

from coachloop.model import Evaluation, Interaction
from coachloop.registry import Registry

__all__ = ["Exporter", "Source", "evaluation_exporters", "interaction_exporters"]

T = TypeVar("T")

Source = Callable[[], Iterator[T]]
"""Each call streams the records again, from the first."""

Exporter = Callable[[Source[T], TextIO], int]
"""Writes every record of the source to the stream; returns how many it wrote."""

evaluation_exporters: Registry[Exporter[Evaluation]] = Registry("evaluation export format")
"""`coachloop export evaluations --format NAME`: one record per evaluation."""

interaction_exporters: Registry[Exporter[Interaction]] = Registry("interaction export format")
"""`coachloop export interactions --format NAME`: the stored (redacted) conversations."""
