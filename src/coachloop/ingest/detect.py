"""`--format auto`: tell a file's format by its shape.

One look at the start of the file (its first JSON record, or the whole document when
the file is one pretty-printed document, or a CSV header) decides:

| format | recognised by |
|---|---|
| `native` | JSON records with `id` and `utterances` (JSON Lines, or one pretty-printed record) |
| `hvb` | JSON Lines with Harper Valley Bank keys (`agent_logged_reasons`, `session`, `asr_text`) |
| `transcribe` | a document with a `results` object (`items`, `transcripts`, `audio_segments`) |
| `transcribe-call-analytics` | a `Transcript` list with `JobName` / `JobStatus` |
| `contact-lens` | a `Transcript` list with `CustomerMetadata` (or neither job key) |
| `genesys` | a `transcripts` list whose entries have `phrases` |
| `ccai-insights` | `transcript.transcriptSegments`, or `entries` with `role` and `text` |
| `csv` | a header naming `interaction_id`, or `agent_id` and `name` |

A file that fits none is refused in one line naming the closest format and what it
lacks, so the user can pass `--format` knowingly.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from coachloop.errors import IngestError

__all__ = ["Detected", "detect_format", "format_of_record"]

_HEAD_BYTES = 64 * 1024
_DOCUMENT_LIMIT = 256 * 1024 * 1024
"""A whole document larger than this is not parsed just to detect its format."""
_HVB_KEYS = frozenset({"agent_logged_reasons", "session", "agent_name"})


@dataclass(frozen=True, slots=True)
class Detected:
    format: str
    why: str


def _first_line(head: bytes) -> bytes:
    for line in head.splitlines():
        if line.strip():
            return line.strip()
    return b""


def _shape(obj: Any) -> tuple[str | None, str, str]:
    """(format or None, why, the closest format with what it lacks) of one JSON value."""
    if isinstance(obj, list):
        first = next((x for x in obj if isinstance(x, dict)), None)
        if first is None:
            return None, "", "native (a list, but of no JSON objects)"
        fmt, why, closest = _shape(first)
        return fmt, f"a list of records, the first with {why}" if fmt else why, closest
    if not isinstance(obj, dict):
        return None, "", "native (a JSON value that is not an object)"
    keys = set(obj)
    results = obj.get("results")
    if isinstance(results, dict):
        found = [k for k in ("items", "transcripts", "audio_segments") if k in results]
        if found:
            return "transcribe", f"a results object with {', '.join(found)}", ""
        return None, "", "transcribe (it has 'results' but no items, transcripts or audio_segments)"
    if isinstance(obj.get("Transcript"), list):
        if "CustomerMetadata" in keys:
            return "contact-lens", "a Transcript list and CustomerMetadata", ""
        if keys & {"JobName", "JobStatus"}:
            return "transcribe-call-analytics", "a Transcript list and JobName", ""
        return "contact-lens", "a Transcript list", ""
    transcripts = obj.get("transcripts")
    if isinstance(transcripts, list) and any(isinstance(t, dict) and "phrases" in t for t in transcripts):
        return "genesys", "transcripts with phrases", ""
    transcript = obj.get("transcript")
    if isinstance(transcript, dict) and "transcriptSegments" in transcript:
        return "ccai-insights", "transcript.transcriptSegments", ""
    entries = obj.get("entries")
    if isinstance(entries, list) and any(
        isinstance(e, dict) and "text" in e and "role" in e for e in entries
    ):
        return "ccai-insights", "entries with role and text", ""
    utterances = obj.get("utterances")
    if "id" in keys and isinstance(utterances, list):
        hvb = bool(keys & _HVB_KEYS) or any(isinstance(u, dict) and "asr_text" in u for u in utterances[:3])
        if hvb:
            return (
                "hvb",
                "Harper Valley Bank keys (human transcript; --format hvb-asr for the recogniser's)",
                "",
            )
        return "native", "id and utterances", ""
    if "jobName" in keys:
        return None, "", "transcribe (it has 'jobName' but no 'results' object)"
    if "Transcript" in keys or "Participants" in keys:
        return None, "", "contact-lens (it has no 'Transcript' list)"
    if "id" in keys or "utterances" in keys:
        missing = "utterances" if "id" in keys else "id"
        return None, "", f"native (no {missing!r})"
    if "transcripts" in keys or "conversationId" in keys:
        return None, "", "genesys (no transcripts with phrases)"
    shown = ", ".join(sorted(keys)[:6])
    return None, "", f"native (a record needs id and utterances; this one has {shown or 'no keys'})"


def format_of_record(obj: Any) -> str | None:
    """The format one parsed JSON record or document looks like, or None."""
    return _shape(obj)[0]


def _csv_shape(head: bytes) -> tuple[str | None, str, str]:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error:
        header = []
    columns = {c.strip().lower() for c in header}
    if "interaction_id" in columns:
        table = "utterances" if {"speaker", "text"} <= columns else "interactions"
        return "csv", f"a CSV header with interaction_id ({table} table)", ""
    if {"agent_id", "name"} <= columns:
        return "csv", "a CSV header with agent_id and name (agents table)", ""
    if len(header) > 1:
        return None, "", "csv (its header needs interaction_id, or agent_id and name)"
    return None, "", "native (not JSON: it does not start with { or [)"


def detect_format(path: Path) -> Detected:
    """The format `path` is in. Raises `IngestError` (one line) when it fits none."""
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
        size = path.stat().st_size
    except OSError as err:
        raise IngestError(f"{path}: cannot read: {err.strerror or err}") from None
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise IngestError(f"{path}: empty file, nothing to read")
    if stripped[:1] in (b"{", b"["):
        first = _first_line(stripped)
        try:
            obj: Any = orjson.loads(first)
            one_line = True
        except orjson.JSONDecodeError:
            one_line = False
        if not one_line:
            if size > _DOCUMENT_LIMIT:
                raise IngestError(f"{path}: cannot tell the format: the first line is not JSON on its own")
            try:
                obj = orjson.loads(path.read_bytes())
            except orjson.JSONDecodeError as err:
                raise IngestError(
                    f"{path}: cannot tell the format: not JSON Lines and not one JSON document ({err})"
                ) from None
        fmt, why, closest = _shape(obj)
    else:
        fmt, why, closest = _csv_shape(stripped)
    if fmt is None:
        raise IngestError(f"{path}: cannot tell the format; closest is {closest}: pass --format to choose")
    return Detected(fmt, why)
