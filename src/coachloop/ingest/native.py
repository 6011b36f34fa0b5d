"""`--format native`: coachloop's own JSON Lines, one interaction per line.

The record mirrors `coachloop.model.Interaction` (see `schemas/interaction.schema.json`,
generated from the model by `native_schema()`); unknown keys are refused so a typo
does not silently drop a field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from coachloop.errors import RecordError
from coachloop.ingest.lines import iter_json_lines
from coachloop.ingest.records import readers
from coachloop.model import Interaction, ReadItem, Rejected, Survey, Utterance

__all__ = ["native_schema", "read_native", "to_native"]

_ALLOWED = {
    "interaction": {f.name for f in dataclasses.fields(Interaction)},
    "utterance": {f.name for f in dataclasses.fields(Utterance)},
    "survey": {f.name for f in dataclasses.fields(Survey)},
}


@cache
def _adapter() -> TypeAdapter[Interaction]:
    return TypeAdapter(Interaction)


def native_schema() -> dict[str, Any]:
    """JSON Schema of one native record, generated from the domain model."""
    schema = _adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "coachloop interaction (native JSON Lines record)"
    return schema


def _unknown_key(obj: Any) -> tuple[str, str] | None:
    if not isinstance(obj, dict):
        return None
    for key in obj:
        if key not in _ALLOWED["interaction"]:
            return key, "unknown key"
    utterances = obj.get("utterances")
    if isinstance(utterances, list):
        for i, u in enumerate(utterances):
            if isinstance(u, dict):
                for key in u:
                    if key not in _ALLOWED["utterance"]:
                        return f"utterances[{i}].{key}", "unknown key"
    survey = obj.get("survey")
    if isinstance(survey, dict):
        for key in survey:
            if key not in _ALLOWED["survey"]:
                return f"survey.{key}", "unknown key"
    return None


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_native(obj: Any, file: str, line: int, raw: str) -> Interaction | Rejected:
    rid = str(obj.get("id")) if isinstance(obj, dict) and obj.get("id") is not None else None
    if not isinstance(obj, dict):
        return Rejected(RecordError("a record must be a JSON object", file=file, line=line), raw)
    unknown = _unknown_key(obj)
    if unknown:
        return Rejected(RecordError(unknown[1], file=file, line=line, field=unknown[0], record_id=rid), raw)
    try:
        return _adapter().validate_python(obj)
    except ValidationError as err:
        e = err.errors(include_url=False)[0]
        loc = tuple(p for p in e["loc"] if isinstance(p, int | str))
        value = e.get("input")
        shown = (
            repr(value)
            if isinstance(value, str | int | float | bool) or value is None
            else type(value).__name__
        )
        return Rejected(
            RecordError(
                f"{e['msg'].lower()} (got {shown})",
                file=file,
                line=line,
                field=_field_path(loc),
                record_id=rid,
            ),
            raw,
        )


@readers.register("native")
def read_native(path: Path) -> Iterator[ReadItem]:
    for item in iter_json_lines(path):
        if isinstance(item, Rejected):
            yield item
            continue
        line, obj, raw = item
        yield parse_native(obj, str(path), line, raw)


def to_native(interaction: Interaction) -> dict[str, Any]:
    """The native record of an interaction (what `read_native` reads back)."""
    out: dict[str, Any] = _adapter().dump_python(interaction, mode="json", exclude_none=True)
    return out
