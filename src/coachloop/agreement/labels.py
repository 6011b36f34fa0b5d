"""Human labels of rubric behaviours: reading and validating the label JSON Lines file.

A label file says, per interaction and rubric, what a human annotator decided for each
behaviour (met / missed / not applicable) and which utterances show it. The format is
described in `eval/labels/README.md`. Labels are ground truth for measuring detectors,
so a malformed line is an error, never skipped: a silently dropped label would change
every figure computed from the file. All problems are collected before raising, so an
annotator fixes a file in one pass; each names file, line and field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coachloop.errors import CoachloopError, RecordError
from coachloop.model import Outcome

__all__ = [
    "BehaviorLabel",
    "Label",
    "LabelError",
    "LabelFileError",
    "index_labels",
    "parse_label",
    "read_labels",
]

_TOP_KEYS = frozenset({"interaction_id", "rubric", "annotator", "behaviors", "contact_reason", "notes"})
_BEHAVIOR_KEYS = frozenset({"outcome", "utterances"})
_OUTCOMES = ", ".join(o.value for o in Outcome)
_OUTCOME_VALUES = frozenset(o.value for o in Outcome)


class LabelError(RecordError):
    """One problem in a label file: `str(err)` is `file:line field: reason`."""


class LabelFileError(CoachloopError):
    """A label file has one or more bad lines; `problems` lists every one, in file order."""

    def __init__(self, problems: list[LabelError]) -> None:
        if not problems:
            raise ValueError("LabelFileError needs at least one problem")
        self.problems = problems
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(f"{problems[0].message}{suffix}")


@dataclass(frozen=True, slots=True)
class BehaviorLabel:
    """The annotator's decision for one behaviour of one interaction."""

    outcome: Outcome
    utterances: tuple[int, ...] = ()
    """Utterance indexes that show the behaviour (for `met`; for a missed behaviour shown
    by a violation, such as prohibited language, the offending utterances)."""


@dataclass(frozen=True, slots=True)
class Label:
    """All behaviour decisions for one interaction under one rubric."""

    interaction_id: str
    rubric: str
    annotator: str
    behaviors: Mapping[str, BehaviorLabel]
    contact_reason: str | None = None
    notes: str | None = None
    source: str | None = field(default=None, compare=False)
    """`file:line` the label was read from, for messages; not part of its value."""


def _fail(reason: str, file: str, line: int, fld: str | None, record_id: str | None) -> LabelError:
    return LabelError(reason, file=file, line=line, field=fld, record_id=record_id)


def _text(obj: Mapping[str, Any], key: str, required: bool) -> str | None:
    """A non-empty string under `key`; raises ValueError saying what is wrong."""
    if key not in obj or obj[key] is None:
        if required:
            raise ValueError("is required")
        return None
    value = obj[key]
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    if required and not value.strip():
        raise ValueError("must not be empty")
    return value


def _utterances(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list of utterance indexes, got {type(value).__name__}")
    seen: set[int] = set()
    for i, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, int):
            raise ValueError(f"item {i}: {item!r} is not an integer utterance index")
        if item < 0:
            raise ValueError(f"item {i}: {item} is negative")
        if item in seen:
            raise ValueError(f"item {i}: {item} is listed twice")
        seen.add(item)
    return tuple(value)


def _behavior(value: Any) -> tuple[BehaviorLabel | None, list[tuple[str, str]]]:
    """Parse one behaviour object; problems come back as (sub-field, reason) pairs."""
    if not isinstance(value, dict):
        return None, [("", f"expected an object, got {type(value).__name__}")]
    problems = [
        (f".{k}", "unknown field (expected outcome, utterances)") for k in value if k not in _BEHAVIOR_KEYS
    ]
    raw_outcome = value.get("outcome")
    outcome: Outcome | None = None
    if raw_outcome is None:
        problems.append((".outcome", f"is required (one of {_OUTCOMES})"))
    elif not isinstance(raw_outcome, str) or raw_outcome not in _OUTCOME_VALUES:
        problems.append((".outcome", f"{raw_outcome!r} is not one of {_OUTCOMES}"))
    else:
        outcome = Outcome(raw_outcome)
    utterances: tuple[int, ...] = ()
    try:
        utterances = _utterances(value.get("utterances", []))
    except ValueError as err:
        problems.append((".utterances", str(err)))
    if outcome is Outcome.NOT_APPLICABLE and utterances:
        problems.append((".utterances", "must be empty when the outcome is not_applicable"))
    if problems or outcome is None:
        return None, problems
    return BehaviorLabel(outcome, utterances), []


def _parse(obj: Any, file: str, line: int) -> Label | list[LabelError]:
    """A label, or every problem found in the object (never a partial label)."""
    if not isinstance(obj, dict):
        return [_fail(f"expected a JSON object, got {type(obj).__name__}", file, line, None, None)]
    rid = obj.get("interaction_id") if isinstance(obj.get("interaction_id"), str) else None
    errors = [_fail("unknown field", file, line, key, rid) for key in obj if key not in _TOP_KEYS]
    texts: dict[str, str | None] = {}
    for key, required in (
        ("interaction_id", True),
        ("rubric", True),
        ("annotator", True),
        ("contact_reason", False),
        ("notes", False),
    ):
        try:
            texts[key] = _text(obj, key, required)
        except ValueError as err:
            errors.append(_fail(str(err), file, line, key, rid))
    behaviors: dict[str, BehaviorLabel] = {}
    raw = obj.get("behaviors")
    if not isinstance(raw, dict):
        reason = "is required" if raw is None else f"expected an object, got {type(raw).__name__}"
        errors.append(_fail(reason, file, line, "behaviors", rid))
    elif not raw:
        errors.append(_fail("must label at least one behaviour", file, line, "behaviors", rid))
    else:
        for bid, value in raw.items():
            if not bid.strip():
                errors.append(_fail("behaviour id must not be empty", file, line, "behaviors", rid))
                continue
            parsed, problems = _behavior(value)
            errors.extend(_fail(reason, file, line, f"behaviors.{bid}{sub}", rid) for sub, reason in problems)
            if parsed is not None:
                behaviors[bid] = parsed
    if errors:
        return errors
    # Required texts were checked above: no error means each is a non-empty string.
    return Label(
        interaction_id=texts["interaction_id"] or "",
        rubric=texts["rubric"] or "",
        annotator=texts["annotator"] or "",
        behaviors=behaviors,
        contact_reason=texts["contact_reason"],
        notes=texts["notes"],
        source=f"{file}:{line}",
    )


def parse_label(obj: Any, file: str = "<labels>", line: int = 1) -> Label:
    """One decoded label object as a `Label`; raises `LabelFileError` listing its problems."""
    parsed = _parse(obj, file, line)
    if isinstance(parsed, list):
        raise LabelFileError(parsed)
    return parsed


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                yield number, text


def read_labels(path: str | Path) -> list[Label]:
    """Every label in a JSON Lines file, in file order.

    Blank lines are allowed. Raises `LabelFileError` (all problems, each with file, line
    and field) for invalid JSON, bad fields, or the same interaction labelled twice for
    one rubric; `OSError` if the file cannot be read.
    """
    p = Path(path)
    file = str(p)
    labels: list[Label] = []
    errors: list[LabelError] = []
    first_line: dict[tuple[str, str], int] = {}
    for number, text in _lines(p):
        try:
            obj = json.loads(text.rstrip())
        except json.JSONDecodeError as err:
            errors.append(_fail(f"not valid JSON: {err.msg} at column {err.colno}", file, number, None, None))
            continue
        label = _parse(obj, file, number)
        if isinstance(label, list):
            errors.extend(label)
            continue
        key = (label.interaction_id, label.rubric)
        if key in first_line:
            errors.append(
                _fail(
                    f"{label.interaction_id!r} is already labelled for rubric {label.rubric!r} "
                    f"at line {first_line[key]}",
                    file,
                    number,
                    "interaction_id",
                    label.interaction_id,
                )
            )
            continue
        first_line[key] = number
        labels.append(label)
    if errors:
        raise LabelFileError(errors)
    return labels


def index_labels(labels: Iterable[Label]) -> dict[tuple[str, str], Label]:
    """Labels by (interaction_id, rubric); raises ValueError on a duplicate key."""
    out: dict[tuple[str, str], Label] = {}
    for label in labels:
        key = (label.interaction_id, label.rubric)
        if key in out:
            raise ValueError(f"{label.interaction_id!r} is labelled twice for rubric {label.rubric!r}")
        out[key] = label
    return out
