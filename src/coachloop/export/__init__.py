"""Exporters, registered by output format. Importing this package registers every format.

A new format is one module here that registers a function with `evaluation_exporters`
or `interaction_exporters` (see `base`); `coachloop.jobs.export` and the CLI find it
by name.
"""

from coachloop.export import jsonl, table  # noqa: F401  (registers)
from coachloop.export.base import (
    ExportedEvaluation,
    Exporter,
    Source,
    evaluation_exporters,
    evaluation_record,
    interaction_exporters,
)

__all__ = [
    "ExportedEvaluation",
    "Exporter",
    "Source",
    "evaluation_exporters",
    "evaluation_record",
    "interaction_exporters",
]
