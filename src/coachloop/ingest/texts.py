"""Text tables: one text per record, for contact-reason training, prediction and discovery.

A CSV with a `text` column (and a `label`, `category`, `intent` or `contact_reason`
column), or JSON Lines of single texts (`text` or `utterance`, an optional `id`,
`interaction_id` or `utterance_id`, and a label). Conversations are not read here: they
go through the registered readers (`coachloop.ingest.records.readers`) like ingest.

The texts come back as read; `coachloop.jobs.texts` redacts them before anything else
sees them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coachloop.errors import IngestError, RecordError
from coachloop.ingest.lines import iter_json_lines
from coachloop.model import Rejected

__all__ = ["LABEL_FIELDS", "TextRecord", "first_json_object", "read_text_table", "sniff"]

LABEL_FIELDS = ("label", "contact_reason", "intent", "category")
"""Where a record's reason is read from, first present wins."""
_TEXT_FIELDS = ("text", "utterance")
_ID_FIELDS = ("id", "interaction_id", "utterance_id")


@dataclass(slots=True)
class TextRecord:
    id: str
    text: str
    label: str | None
    line: int


def sniff(path: Path) -> str:
    """ "csv" or "jsonl", from the name or the first line that is not blank."""
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith(b"{"):
                return "jsonl"
            if b"text" in line.lower().split(b",")[0] or b",text" in line.lower():
                return "csv"
            raise IngestError(
                f"{path}:{number}: unknown format: expected a CSV with a 'text' column or JSON Lines "
                "(one object per line)"
            )
    raise IngestError(f"{path}: the file is empty")


def first_json_object(path: Path) -> dict[str, Any] | None:
    """The first record of a JSON Lines file when it is an object (to tell conversations from texts)."""
    for item in iter_json_lines(path):
        if isinstance(item, Rejected):
            return None
        obj = item[1]
        return obj if isinstance(obj, dict) else None
    return None


def read_text_table(path: Path, *, need_label: bool) -> Iterator[TextRecord]:
    """The records of a CSV or JSON Lines text table; a CSV row's id is its 1-based row number.

    Raises `IngestError` for a file that cannot be read and `RecordError` (file, line,
    field) for a bad record.
    """
    if sniff(path) == "csv":
        yield from _csv_records(path, need_label)
    else:
        yield from _jsonl_records(path)


def _csv_records(path: Path, need_label: bool) -> Iterator[TextRecord]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            columns = [c.strip() for c in reader.fieldnames or []]
            reader.fieldnames = columns
            if "text" not in columns:
                raise IngestError(f"{path}:1: no 'text' column (columns: {', '.join(columns) or 'none'})")
            label_column = next((c for c in LABEL_FIELDS if c in columns), None)
            if need_label and label_column is None:
                raise IngestError(
                    f"{path}:1: no label column: expected one of {', '.join(LABEL_FIELDS)} "
                    f"(columns: {', '.join(columns)})"
                )
            for row_number, row in enumerate(reader, start=1):
                line = reader.line_num
                if None in row:
                    raise RecordError(
                        f"{len(columns) + len(row[None])} fields, the header has {len(columns)}",
                        file=str(path),
                        line=line,
                    )
                text = (row.get("text") or "").strip()
                if not text:
                    raise RecordError("empty text", file=str(path), line=line, field="text")
                label = (row.get(label_column) or "").strip() if label_column else ""
                yield TextRecord(str(row_number), text, label or None, line)
    except UnicodeDecodeError as err:
        raise IngestError(f"{path}: not UTF-8 text (byte 0x{err.object[err.start]:02x})") from None
    except csv.Error as err:
        raise IngestError(f"{path}: not a readable CSV ({err})") from None


def _jsonl_records(path: Path) -> Iterator[TextRecord]:
    seen: dict[str, int] = {}
    for item in iter_json_lines(path):
        if isinstance(item, Rejected):
            raise item.error
        line, obj, _ = item
        record = _json_record(obj, path, line)
        if record.id in seen:
            raise RecordError(
                f"id {record.id!r} is already used on line {seen[record.id]}",
                file=str(path),
                line=line,
                field="id",
            )
        seen[record.id] = line
        yield record


def _json_record(obj: Any, path: Path, line: int) -> TextRecord:
    def bad(reason: str, field: str | None = None) -> RecordError:
        return RecordError(reason, file=str(path), line=line, field=field)

    if not isinstance(obj, dict):
        raise bad(f"expected an object, got {type(obj).__name__}")
    label_field = next((f for f in LABEL_FIELDS if f in obj), None)
    label = obj.get(label_field) if label_field else None
    if label is not None and not isinstance(label, str):
        raise bad(f"expected text or null, got {type(label).__name__}", label_field)
    label = (label.strip() or None) if isinstance(label, str) else None
    id_field = next((f for f in _ID_FIELDS if obj.get(f) is not None), None)
    raw_id = obj.get(id_field) if id_field else None
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int)):
        raise bad(f"expected text or a number, got {type(raw_id).__name__}", id_field)
    if "utterances" in obj:
        raise bad("a conversation in a file of single texts (give each its own file)", "utterances")
    text_field = next((f for f in _TEXT_FIELDS if f in obj), None)
    if text_field is None:
        raise bad("unknown record: expected 'utterances' (a conversation) or 'text' (one text)")
    value = obj[text_field]
    if not isinstance(value, str):
        raise bad(f"expected text, got {type(value).__name__}", text_field)
    if not value.strip():
        raise bad("empty text", text_field)
    return TextRecord(str(raw_id) if raw_id is not None else str(line), value.strip(), label, line)
