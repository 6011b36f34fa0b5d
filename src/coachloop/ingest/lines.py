"""Reading JSON Lines safely: one bad line never stops the file.

Lines are read in binary with a size cap, so a single 50 MB line costs bounded memory
and becomes one quarantined record; bytes that are not UTF-8 are reported with their
offset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from coachloop.errors import FieldError, IngestError, RecordError
from coachloop.model import Rejected

__all__ = [
    "MAX_RECORD_BYTES",
    "QUARANTINE_KEEP_BYTES",
    "iter_json_lines",
    "line_of",
    "located",
    "read_json_document",
]

MAX_RECORD_BYTES = 8 * 1024 * 1024
"""A conversation record larger than this is refused (the longest real call is far smaller)."""
QUARANTINE_KEEP_BYTES = 256 * 1024
"""How much of an oversized record is kept in quarantine to show what it was."""
_CHUNK = 1024 * 1024


def _read_line(f: Any) -> tuple[bytes, int] | None:
    """The next line (without its newline) capped at the limit, and its full length."""
    head = f.readline(MAX_RECORD_BYTES + 1)
    if not head:
        return None
    size = len(head)
    if len(head) <= MAX_RECORD_BYTES or head.endswith(b"\n"):
        return head.rstrip(b"\r\n"), size
    while True:  # skip the rest of an oversized line without holding it
        more = f.readline(_CHUNK)
        size += len(more)
        if not more or more.endswith(b"\n"):
            return head[:QUARANTINE_KEEP_BYTES], size


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any, str] | Rejected]:
    """(line number, parsed object, the line's text) for each non-blank line, or a
    `Rejected` for a bad one. The text is kept so a record refused later is quarantined
    exactly as it was written."""
    try:
        f = path.open("rb")
    except OSError as err:
        raise IngestError(f"{path}: cannot open ({err.strerror})") from None
    with f:
        number = 0
        while (read := _read_line(f)) is not None:
            raw, size = read
            number += 1
            if size > MAX_RECORD_BYTES:
                yield Rejected(
                    RecordError(
                        f"record is {size / 1e6:.1f} MB, over the {MAX_RECORD_BYTES // 2**20} MB "
                        f"limit (first {QUARANTINE_KEEP_BYTES // 1024} KB kept)",
                        file=str(path),
                        line=number,
                    ),
                    raw.decode("utf-8", errors="replace"),
                )
                continue
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield Rejected(
                    RecordError(
                        f"not UTF-8: byte 0x{raw[err.start]:02x} at offset {err.start}",
                        file=str(path),
                        line=number,
                    ),
                    raw.decode("utf-8", errors="replace"),
                )
                continue
            try:
                yield number, orjson.loads(text), text
            except orjson.JSONDecodeError as err:
                yield Rejected(
                    RecordError(
                        f"not valid JSON: {err.msg} at column {err.colno}", file=str(path), line=number
                    ),
                    text,
                )


def read_json_document(path: Path) -> tuple[bytes, Any]:
    """A whole-file JSON document (one call's Transcribe or Contact Lens output): its bytes,
    kept to quarantine the file whole, and what they parse to."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"{path}: cannot read: {err.strerror or err}") from err
    try:
        return data, orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise IngestError(f"{path}: not JSON: {err}") from err


_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_WS = b" \t\r\n"


def _skip_ws(data: bytes, i: int) -> int:
    while i < len(data) and data[i] in _WS:
        i += 1
    return i


def _skip_string(data: bytes, i: int) -> int:
    """Index after the string starting at `i` (its opening quote)."""
    i += 1
    while i < len(data):
        c = data[i]
        if c == 0x5C:  # backslash: skip the escaped byte
            i += 2
            continue
        if c == 0x22:
            return i + 1
        i += 1
    return i


def _skip_value(data: bytes, i: int) -> int:
    if i < len(data) and data[i] == 0x22:
        return _skip_string(data, i)
    depth = 0
    while i < len(data):
        c = data[i]
        if c == 0x22:
            i = _skip_string(data, i)
            continue
        if c in b"[{":
            depth += 1
        elif c in b"]}":
            if depth == 0:
                return i
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == 0x2C and depth == 0:
            return i
        i += 1
    return i


def _find(data: bytes, i: int, part: int | str) -> int | None:
    """Offset of member `part` of the array or object value starting at `i`."""
    i = _skip_ws(data, i)
    if isinstance(part, int):
        if i >= len(data) or data[i] != 0x5B:
            return None
        i = _skip_ws(data, i + 1)
        for _ in range(part):
            i = _skip_ws(data, _skip_value(data, i))
            if i >= len(data) or data[i] != 0x2C:
                return None
            i = _skip_ws(data, i + 1)
        return i
    if i >= len(data) or data[i] != 0x7B:
        return None
    i = _skip_ws(data, i + 1)
    while i < len(data) and data[i] == 0x22:
        end = _skip_string(data, i)
        try:
            key = orjson.loads(data[i:end])
        except orjson.JSONDecodeError:
            return None
        i = _skip_ws(data, end)
        if i >= len(data) or data[i] != 0x3A:
            return None
        i = _skip_ws(data, i + 1)
        if key == part:
            return i
        i = _skip_ws(data, _skip_value(data, i))
        if i < len(data) and data[i] == 0x2C:
            i = _skip_ws(data, i + 1)
    return None


def line_of(data: bytes, field: str | None) -> int | None:
    """The line on which `field` (e.g. `Transcript[3].Content`) sits in a JSON document,
    for error messages on pretty-printed files; None for a one-line document or a path
    that is not there (the record is then named by its field alone)."""
    if not field or b"\n" not in data.rstrip(b"\r\n"):
        return None
    i: int | None = 0
    for index, key in _PATH_PART.findall(field):
        part: int | str = int(index) if index else key
        assert i is not None
        i = _find(data, i, part)
        if i is None:
            return None
    assert i is not None
    return data.count(b"\n", 0, i) + 1


def located(rejected: Rejected, data: bytes) -> Rejected:
    """`rejected` with the line of its field in the document `data` filled in."""
    e = rejected.error
    line = line_of(data, e.field) if e.line is None else e.line
    if line is None:
        return rejected
    error = RecordError(e.reason, file=e.file, line=line, field=e.field, record_id=e.record_id)
    return Rejected(error, rejected.raw, rejected.format)


def aware_datetime(raw: object, field: str) -> datetime:
    """An ISO 8601 / RFC 3339 date-time with its time zone, as vendor exports write them;
    a `FieldError` naming `field` otherwise (naive and aware times cannot be ordered)."""
    if not isinstance(raw, str):
        raise FieldError(field, "is missing" if raw is None else f"{raw!r} is not a date-time")
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise FieldError(field, f"{raw!r} is not an ISO 8601 date-time") from None
    if at.tzinfo is None:
        raise FieldError(field, f"{raw!r} has no time zone")
    return at
