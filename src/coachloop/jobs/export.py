"""Writing stored results for other tools: the CLI and the web layer call these.

Formats are found by name in the registries of `coachloop.export`, so a new format is
one module there and needs nothing here.
"""

from __future__ import annotations

from typing import TextIO, TypeVar

from coachloop.errors import ExportError
from coachloop.export import ExportedEvaluation, Exporter, evaluation_exporters, interaction_exporters
from coachloop.jobs.evaluations import exported_evaluations
from coachloop.model import Interaction
from coachloop.registry import Registry
from coachloop.store import Store

__all__ = [
    "evaluation_exporter",
    "evaluation_formats",
    "export_evaluations",
    "export_interactions",
    "interaction_exporter",
    "interaction_formats",
]

T = TypeVar("T")


def _exporter(registry: Registry[Exporter[T]], fmt: str) -> Exporter[T]:
    try:
        return registry.get(fmt)
    except KeyError as err:
        raise ExportError(str(err.args[0])) from None


def evaluation_exporter(fmt: str) -> Exporter[ExportedEvaluation]:
    """The exporter of evaluations named `fmt`; ExportError lists the known ones."""
    return _exporter(evaluation_exporters, fmt)


def interaction_exporter(fmt: str) -> Exporter[Interaction]:
    """The exporter of interactions named `fmt`; ExportError lists the known ones."""
    return _exporter(interaction_exporters, fmt)


def evaluation_formats() -> list[str]:
    return evaluation_exporters.names()


def interaction_formats() -> list[str]:
    return interaction_exporters.names()


def export_evaluations(store: Store, out: TextIO, fmt: str = "jsonl", *, rubric: str | None = None) -> int:
    """Write the stored evaluations (of one rubric, or all) in `fmt`, each with its call's
    agent, team, queue, channel and start, its behaviours' titles and the reviewers'
    overrides in force; returns how many."""
    write = evaluation_exporter(fmt)
    return write(lambda: exported_evaluations(store, rubric), out)


def export_interactions(store: Store, out: TextIO, fmt: str = "jsonl") -> int:
    """Write the stored (redacted) conversations in `fmt`; returns how many."""
    write = interaction_exporter(fmt)
    return write(lambda: store.iter_interactions(), out)
