"""CSV tables of agents, interaction metadata, surveys and utterances (`--format csv`).

One file holds one table; its header says which (column names are matched without
regard to case or surrounding spaces):

* agents: `agent_id` and `name`, no `interaction_id`. Columns: agent_id, name, team,
  supervisor, hire_date (ISO date). Each row is an `Agent`; other columns are ignored,
  since an agent has nowhere to keep them.
* utterances: `interaction_id`, `speaker` and `text` (optional `index`, `start`, `end`,
  in seconds). Rows are grouped by interaction_id into whole `Interaction`s. To stay
  streaming the rows of one interaction must be contiguous; a row of an interaction
  already finished is rejected. Turns are ordered by `index` when given, else by `start`
  when every row has one, else as written, and numbered 0..n-1. Interaction columns
  (below) may be repeated on every row and must agree; any other column is kept per
  utterance in `utterance.metadata`.
* interactions: `interaction_id` and anything else. Metadata columns give an
  `InteractionUpdate` whose `fields` hold only the columns present and non-empty,
  typed: agent_id, team, queue, customer_id, disposition, language, contact_reason
  (text); channel (voice, chat, email); started_at, ended_at (ISO 8601); talk_seconds,
  hold_seconds, acw_seconds (seconds, not negative); transferred, escalated
  (true/false/1/0/yes/no). Other non-empty columns go to `metadata` as text. Survey
  columns (csat 1-5, nps 0-10, ces 1-7, comment) give a `SurveyUpdate` for each row
  that answers at least one of them; a file of only survey columns is a survey table.

The file is read as bytes and decoded record by record, so a line that is not UTF-8 is
rejected alone. A bad row yields a `Rejected` whose error names the file, the line
(1-based, the header is line 1) and the column, e.g.
`calls.csv:17 talk_seconds: 'abc' is not a number`; reading goes on with the next row.
Lines end in LF or CRLF; a UTF-8 byte order mark is skipped; columns with an empty name
(a trailing comma) are ignored; a line over `MAX_LINE_BYTES` is rejected unread.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from coachloop.errors import FieldError, IngestError, RecordError
from coachloop.ingest.records import readers
from coachloop.model import (
    Agent,
    Channel,
    Interaction,
    InteractionUpdate,
    ReadItem,
    Rejected,
    Speaker,
    Survey,
    SurveyUpdate,
    Utterance,
)

__all__ = ["MAX_LINE_BYTES", "read_csv_tables"]

MAX_LINE_BYTES = 8 * 1024 * 1024
"""A line longer than this is rejected without being held in memory."""
_KEEP_RAW_BYTES = 256 * 1024
"""How much of an over-long line is kept as the rejected record's raw text."""
_CHUNK = 1024 * 1024

_TEXT_FIELDS = ("agent_id", "team", "queue", "customer_id", "disposition", "language", "contact_reason")
_TIME_FIELDS = ("started_at", "ended_at")
_DURATION_FIELDS = ("talk_seconds", "hold_seconds", "acw_seconds")
_FLAG_FIELDS = ("transferred", "escalated")
_INTERACTION_FIELDS = frozenset((*_TEXT_FIELDS, *_TIME_FIELDS, *_DURATION_FIELDS, *_FLAG_FIELDS, "channel"))
_SURVEY_RANGES: dict[str, tuple[float, float]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
_SURVEY_FIELDS = frozenset((*_SURVEY_RANGES, "comment"))
_UTTERANCE_FIELDS = frozenset(("speaker", "text", "index", "start", "end"))
_AGENT_FIELDS = ("agent_id", "name", "team", "supervisor", "hire_date")
_TRUE = frozenset(("true", "1", "yes"))
_FALSE = frozenset(("false", "0", "no"))
_CHANNELS = {c.value: c for c in Channel}
_SPEAKERS = {s.value: s for s in Speaker}


_BadField = FieldError  # one error class for a bad field, shared by every reader


@dataclass(slots=True)
class _Record:
    line: int
    """Line on which the record starts (a quoted field may span lines)."""
    raw: str
    values: dict[str, str]
    problem: _BadField | None = None
    """Why the record could not even be split into columns (width, encoding, quoting)."""


@readers.register("csv")
def read_csv_tables(path: Path) -> Iterator[ReadItem]:
    """Stream one CSV table; which table it is is decided from its header.

    Raises `IngestError` (when iterated) if the file cannot be read, is empty, or its
    header fits none of the tables.
    """
    try:
        handle = path.open("rb")
    except OSError as err:
        raise IngestError(f"{path}: cannot read: {err.strerror or err}") from err
    with handle:
        records = _records(handle, path)
        header = next(records, None)
        if header is None:
            raise IngestError(f"{path}: empty file, no header")
        columns = list(header.values)
        if "interaction_id" in columns:
            if "speaker" in columns and "text" in columns:
                yield from _utterance_table(records, path.name)
            elif "speaker" in columns or "text" in columns:
                missing = "text" if "speaker" in columns else "speaker"
                raise IngestError(
                    f"{path}: an utterance table needs both speaker and text columns; {missing!r} is missing"
                )
            else:
                yield from _interaction_table(records, path.name, columns)
        elif "agent_id" in columns and "name" in columns:
            yield from _agent_table(records, path.name)
        else:
            raise IngestError(
                f"{path}: cannot tell which table this is from its header ({', '.join(columns)}): "
                "expected interaction_id, or agent_id and name"
            )


class _Lines:
    """Feeds decoded lines to `csv.reader` and keeps the bytes of the record being read.

    Bytes that are not UTF-8 are decoded as lone surrogates ("surrogateescape") so the
    row is still split into columns and the bad column can be named.
    """

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._raw = bytearray()
        self._first = True
        self.too_long = False
        """Set when a line of the current record was over the limit and skipped."""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            raise StopIteration
        if self._first:
            self._first = False
            line = line.removeprefix(b"\xef\xbb\xbf")
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (more := self._handle.readline(_CHUNK)) and not more.endswith(b"\n"):
                pass
            self.too_long = True
            self._raw += line[:_KEEP_RAW_BYTES]
            # The csv reader sees an empty line: the record ends (or, inside quotes, goes
            # on) and is then rejected as a whole.
            return "\n"
        self._raw += line
        return line.decode("utf-8", "surrogateescape")

    def take_raw(self) -> str:
        raw = bytes(self._raw).decode("utf-8", "backslashreplace").rstrip("\r\n")
        self._raw.clear()
        self.too_long = False
        return raw


def _records(handle: BinaryIO, path: Path) -> Iterator[_Record]:
    """The header first (values = column names), then each non-blank row keyed by column.

    Rows of the wrong width, with undecodable bytes or broken quoting come out with a
    `problem`, so the table readers reject them with their line number and raw text.
    """
    lines = _Lines(handle)
    reader = csv.reader(lines, strict=True)
    names: list[str] | None = None
    line_done = 0
    while True:
        start = line_done + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            line_done = reader.line_num
            if names is None:
                raise IngestError(f"{path}:{start}: header is not valid CSV: {err}") from None
            yield _Record(start, lines.take_raw(), {}, _BadField(None, f"not valid CSV: {err}"))
            continue
        line_done = reader.line_num
        too_long = lines.too_long
        raw = lines.take_raw()
        if too_long:
            if names is None:
                raise IngestError(f"{path}:{start}: header line is longer than {MAX_LINE_BYTES} bytes")
            yield _Record(start, raw, {}, _BadField(None, f"a line is longer than {MAX_LINE_BYTES} bytes"))
            continue
        if not row or all(not v.strip() for v in row):
            continue
        if names is None:
            names = _header(row, path)
            yield _Record(start, raw, {n: n for n in names if n})
            continue
        if len(row) != len(names):
            width = f"has {len(row)} fields, the header has {len(names)}"
            yield _Record(start, raw, {}, _BadField(None, width))
            continue
        values: dict[str, str] = {}
        for name, value in zip(names, row, strict=True):
            if not name:
                continue
            if _has_undecodable(value):
                shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                yield _Record(start, raw, {}, _BadField(name, f"'{shown}' is not valid UTF-8"))
                break
            values[name] = value.strip()
        else:
            yield _Record(start, raw, values)


def _header(row: list[str], path: Path) -> list[str]:
    names = [v.strip().lower() for v in row]
    if any(_has_undecodable(n) for n in names):
        raise IngestError(f"{path}:1: header is not valid UTF-8")
    seen: set[str] = set()
    for n in names:
        if n and n in seen:
            raise IngestError(f"{path}:1: column {n!r} appears twice in the header")
        seen.add(n)
    return names


def _has_undecodable(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _rejected(record: _Record, err: _BadField, file: str, record_id: str | None = None) -> Rejected:
    return Rejected(
        RecordError(err.reason, file=file, line=record.line, field=err.field, record_id=record_id),
        raw=record.raw,
    )


# -- value parsers: each takes the stripped, non-empty text of one column -----------------


def _number(column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _BadField(column, f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise _BadField(column, f"{text!r} is not a number")
    return value


def _seconds(column: str, text: str) -> float:
    value = _number(column, text)
    if value < 0:
        raise _BadField(column, f"{text!r} is negative")
    return value


def _flag(column: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _BadField(column, f"{text!r} is not true/false/1/0/yes/no")


def _datetime(column: str, text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _BadField(column, f"{text!r} is not an ISO 8601 date-time") from None


def _date(column: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _BadField(column, f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def _interaction_id(record: _Record) -> str:
    value = record.values.get("interaction_id", "")
    if not value:
        raise _BadField("interaction_id", "is empty")
    return value


def _interaction_fields(values: dict[str, str]) -> dict[str, Any]:
    """The typed interaction columns of a row that are present and non-empty."""
    fields: dict[str, Any] = {}
    for column, text in values.items():
        if not text or column not in _INTERACTION_FIELDS:
            continue
        if column in _DURATION_FIELDS:
            fields[column] = _seconds(column, text)
        elif column in _TIME_FIELDS:
            fields[column] = _datetime(column, text)
        elif column in _FLAG_FIELDS:
            fields[column] = _flag(column, text)
        elif column == "channel":
            channel = _CHANNELS.get(text.lower())
            if channel is None:
                raise _BadField(column, f"unknown channel {text!r} (expected {', '.join(_CHANNELS)})")
            fields[column] = channel
        else:
            fields[column] = text
    started, ended = fields.get("started_at"), fields.get("ended_at")
    if started is not None and ended is not None:
        try:
            inverted = ended < started
        except TypeError:
            raise _BadField(
                "ended_at", "one of started_at and ended_at has a time zone and the other has not"
            ) from None
        if inverted:
            raise _BadField(
                "ended_at", f"{values['ended_at']!r} is before started_at {values['started_at']!r}"
            )
    return fields


def _survey_fields(values: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for column, (low, high) in _SURVEY_RANGES.items():
        text = values.get(column, "")
        if text:
            score = _number(column, text)
            if not low <= score <= high:
                raise _BadField(column, f"{text!r} is outside {low:g}-{high:g}")
            fields[column] = score
    if values.get("comment"):
        fields["comment"] = values["comment"]
    return fields


# -- the tables ------------------------------------------------------------------------------


def _agent_table(records: Iterable[_Record], file: str) -> Iterator[ReadItem]:
    for record in records:
        try:
            if record.problem is not None:
                raise record.problem
            values = record.values
            if not values.get("agent_id"):
                raise _BadField("agent_id", "is empty")
            hire = values.get("hire_date", "")
            yield Agent(
                id=values["agent_id"],
                name=values.get("name") or None,
                team=values.get("team") or None,
                supervisor=values.get("supervisor") or None,
                hire_date=_date("hire_date", hire) if hire else None,
            )
        except _BadField as err:
            yield _rejected(record, err, file, record.values.get("agent_id") or None)


def _interaction_table(records: Iterable[_Record], file: str, columns: list[str]) -> Iterator[ReadItem]:
    has_survey = any(c in _SURVEY_FIELDS for c in columns)
    # A file of only interaction_id and survey columns is a survey table: no metadata
    # updates. Any other column makes each row an interaction update as well.
    has_metadata = any(c not in _SURVEY_FIELDS and c != "interaction_id" for c in columns) or not has_survey
    for record in records:
        try:
            if record.problem is not None:
                raise record.problem
            interaction_id = _interaction_id(record)
            fields = _interaction_fields(record.values)
            survey = _survey_fields(record.values) if has_survey else {}
        except _BadField as err:
            yield _rejected(record, err, file, record.values.get("interaction_id") or None)
            continue
        if has_metadata:
            extra = {
                c: v
                for c, v in record.values.items()
                if v and c != "interaction_id" and c not in _INTERACTION_FIELDS and c not in _SURVEY_FIELDS
            }
            yield InteractionUpdate(interaction_id, fields=fields, metadata=extra)
        if survey:
            yield SurveyUpdate(interaction_id, Survey(**survey))


@dataclass(slots=True)
class _Turn:
    order: int | None
    """The row's `index`, when the table has that column."""
    utterance: Utterance


@dataclass(slots=True)
class _Group:
    interaction_id: str
    turns: list[_Turn] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    survey: dict[str, Any] = field(default_factory=dict)
    rejected: int = 0


def _utterance_table(records: Iterable[_Record], file: str) -> Iterator[ReadItem]:
    group: _Group | None = None
    # Ids already yielded, to catch a later row of one of them. Only ids are kept, never
    # rows: memory grows with the number of interactions, not with the file.
    finished: set[str] = set()
    for record in records:
        try:
            if record.problem is not None:
                raise record.problem
            interaction_id = _interaction_id(record)
            # Checked before the current interaction is closed: a stray row must not cut
            # the interaction it interrupts in two.
            if interaction_id in finished:
                raise _BadField(
                    "interaction_id",
                    f"rows of interaction {interaction_id!r} must be contiguous: it was "
                    "already read and yielded above (sort the file by interaction_id)",
                )
            if group is not None and interaction_id != group.interaction_id:
                yield from _build(group)
                finished.add(group.interaction_id)
                group = None
            if group is None:
                group = _Group(interaction_id)
            _add_turn(group, record)
        except _BadField as err:
            record_id = record.values.get("interaction_id") or None
            if group is not None and record_id == group.interaction_id:
                group.rejected += 1
            yield _rejected(record, err, file, record_id)
    if group is not None:
        yield from _build(group)


def _add_turn(group: _Group, record: _Record) -> None:
    values = record.values
    speaker_text = values.get("speaker", "").lower()
    speaker = _SPEAKERS.get(speaker_text)
    if speaker is None:
        raise _BadField(
            "speaker", f"unknown speaker {values.get('speaker', '')!r} (expected {', '.join(_SPEAKERS)})"
        )
    text = values.get("text", "")
    if not text:
        raise _BadField("text", "is empty")
    order: int | None = None
    if "index" in values:
        raw_index = values["index"]
        if not raw_index:
            raise _BadField("index", "is empty")
        try:
            order = int(raw_index)
        except ValueError:
            raise _BadField("index", f"{raw_index!r} is not a whole number") from None
        if order < 0:
            raise _BadField("index", f"{raw_index!r} is negative")
        if any(t.order == order for t in group.turns):
            raise _BadField("index", f"index {order} appears twice in interaction {group.interaction_id!r}")
    start = _seconds("start", values["start"]) if values.get("start") else None
    end = _seconds("end", values["end"]) if values.get("end") else None
    if start is not None and end is not None and end < start:
        raise _BadField("end", f"{values['end']!r} is before start {values['start']!r}")
    fields = _interaction_fields(values)
    survey = _survey_fields(values)
    # Interaction columns repeat on every row: check them all before taking any, so a
    # rejected row changes nothing.
    for target, new in ((group.fields, fields), (group.survey, survey)):
        for column, value in new.items():
            if column in target and target[column] != value:
                raise _BadField(
                    column,
                    f"{values[column]!r} differs from {target[column]!s} given "
                    f"on an earlier row of interaction {group.interaction_id!r}",
                )
    group.fields.update(fields)
    group.survey.update(survey)
    extra = {
        c: v
        for c, v in values.items()
        if v
        and c != "interaction_id"
        and c not in _UTTERANCE_FIELDS
        and c not in _INTERACTION_FIELDS
        and c not in _SURVEY_FIELDS
    }
    group.turns.append(
        _Turn(order, Utterance(index=0, speaker=speaker, text=text, start=start, end=end, metadata=extra))
    )


def _build(group: _Group) -> Iterator[Interaction]:
    """The interaction, unless every one of its rows was rejected."""
    turns = group.turns
    if not turns:
        return
    if all(t.order is not None for t in turns):
        turns = sorted(turns, key=lambda t: t.order or 0)
    elif all(t.utterance.start is not None for t in turns):
        turns = sorted(turns, key=lambda t: t.utterance.start or 0.0)
    utterances = []
    for index, turn in enumerate(turns):
        turn.utterance.index = index
        utterances.append(turn.utterance)
    metadata: dict[str, Any] = {"source_format": "csv"}
    if group.rejected:
        metadata["rejected_records"] = group.rejected
    yield Interaction(
        id=group.interaction_id,
        utterances=utterances,
        survey=Survey(**group.survey) if group.survey else None,
        metadata=metadata,
        **group.fields,
    )


def table_columns() -> dict[str, list[str]]:
    """The columns each table accepts (the README lists them from here)."""
    interaction = sorted(_INTERACTION_FIELDS)
    survey = ["csat", "nps", "ces", "comment"]
    return {
        "agents": list(_AGENT_FIELDS),
        "interactions": ["interaction_id", *interaction, *survey],
        "surveys": ["interaction_id", *survey],
        "utterances": ["interaction_id", "speaker", "text", "index", "start", "end", *interaction, *survey],
    }


def column_notice(path: Path) -> str | None:
    """One line naming the columns of `path` that are no field of its table, or None.

    Agents have nowhere to keep another column, so it is ignored; interaction and
    utterance tables keep it as metadata text. Either way the user hears of it, as a
    misspelt column (`talk_secs`) would otherwise pass silently.
    """
    try:
        with path.open("rb") as handle:
            header = next(_records(handle, path), None)
    except (OSError, IngestError):
        return None
    if header is None:
        return None
    columns = list(header.values)
    tables = table_columns()
    if "interaction_id" in columns:
        table = "utterances" if "speaker" in columns and "text" in columns else "interactions"
        fate = "kept as metadata" if table == "interactions" else "kept as utterance metadata"
    elif "agent_id" in columns and "name" in columns:
        table, fate = "agents", "ignored"
    else:
        return None
    unknown = [c for c in columns if c not in tables[table]]
    if not unknown:
        return None
    return (
        f"{path}: column(s) {', '.join(unknown)} are not {table} fields ({fate}); "
        f"known: {', '.join(tables[table])}"
    )
