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

import orjson
from pydantic import TypeAdapter, ValidationError

from coachloop.errors import IngestError, RecordError
from coachloop.ingest.checks import interaction_problem
from coachloop.ingest.detect import format_of_record
from coachloop.ingest.lines import iter_json_lines, line_of
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
        reason = unknown[1]
        looks_like = format_of_record(obj)
        if looks_like not in (None, "native"):
            reason += f" (this looks like {looks_like} output: use --format {looks_like} or auto)"
        return Rejected(RecordError(reason, file=file, line=line, field=unknown[0], record_id=rid), raw)
    try:
        interaction = _adapter().validate_python(obj)
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
    problem = interaction_problem(interaction)
    if problem is not None:
        # Checked here, where the line is known, rather than after reading.
        return Rejected(RecordError(problem[1], file=file, line=line, field=problem[0], record_id=rid), raw)
    return interaction


def _is_document(path: Path) -> bool:
    """The file is one pretty-printed JSON document, not JSON Lines: its first line
    opens a value that does not close on that line."""
    try:
        with path.open("rb") as f:
            for line in f:
                if line.strip():
                    first = line.strip().lstrip(b"\xef\xbb\xbf")
                    break
            else:
                return False
    except OSError:
        return False
    if first[:1] not in (b"{", b"["):
        return False
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return True
    return False


def _read_document(path: Path) -> Iterator[ReadItem]:
    """A pretty-printed record, or a JSON array of records, read as records."""
    data = path.read_bytes()
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise IngestError(f"{path}: not JSON Lines and not one JSON document: {err}") from None
    records = doc if isinstance(doc, list) else [doc]
    for i, obj in enumerate(records):
        where = f"[{i}]" if isinstance(doc, list) else None
        line = (line_of(data, where) if where else 1) or 1
        raw = orjson.dumps(obj).decode()
        yield parse_native(obj, str(path), line, raw)


@readers.register("native")
def read_native(path: Path) -> Iterator[ReadItem]:
    """Read JSON Lines records; a file that is one pretty-printed record (or a JSON array
    of records) is read as such rather than line by line."""
    if _is_document(path):
        yield from _read_document(path)
        return
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
