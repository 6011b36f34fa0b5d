"""Reading JSON Lines safely: one bad line never stops the file.

Lines are read in binary with a size cap, so a single 50 MB line costs bounded memory
and becomes one quarantined record; bytes that are not UTF-8 are reported with their
offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from coachloop.errors import IngestError, RecordError
from coachloop.model import Rejected

__all__ = ["MAX_RECORD_BYTES", "QUARANTINE_KEEP_BYTES", "iter_json_lines", "read_json_document"]

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
