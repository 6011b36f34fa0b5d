"""Every error coachloop raises on purpose, each able to say where it happened."""

from __future__ import annotations

__all__ = [
    "CoachloopError",
    "ConfigError",
    "ExportError",
    "FieldError",
    "IngestError",
    "RecordError",
    "ReviewError",
    "RubricError",
    "StoreError",
]


class CoachloopError(Exception):
    """Base class: `str(err)` is one readable line."""


class ConfigError(CoachloopError):
    pass


class StoreError(CoachloopError):
    pass


class ReviewError(CoachloopError):
    """A review cannot be recorded: no such evaluation or behaviour, or a missing field."""


class ExportError(CoachloopError):
    """An export cannot be written (unknown format)."""


class IngestError(CoachloopError):
    """A whole input cannot be read (missing file, unknown format)."""


class FieldError(CoachloopError):
    """One field of a record is bad: what a reader raises inside a record and turns into a
    `RecordError` (with file and line) for that record, reading on."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class RecordError(CoachloopError):
    """One record of an input is bad; the others are still read."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        record_id: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.field = field
        self.record_id = record_id
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f" {self.field}"
        return f"{where}: {self.reason}"


class RubricError(CoachloopError):
    """A rubric file is invalid; the message points at file, line and path."""

    def __init__(
        self, reason: str, *, file: str | None = None, line: int | None = None, path: str | None = None
    ) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.path = path
        where = file or "<rubric>"
        if line is not None:
            where += f":{line}"
        if path:
            where += f" {path}"
        super().__init__(f"{where}: {reason}")
