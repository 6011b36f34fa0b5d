"""Every error in a rubric file at once, for `coachloop rubric check`.

Loading a rubric stops at its first error (that is what `evaluate` needs); someone
writing a rubric wants the whole list. The rubric's own schema is validated whole
(pydantic reports every error), each behaviour's and event's detector settings are
validated on their own even when the rest of the file is invalid, ids used twice and
`requires` naming nothing are found on the raw document; when all that passes, compiling
finds what is left (order rules naming nothing, cycles).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import coachloop.detect  # noqa: F401  (registers the built-in detectors)
from coachloop.detect.base import detectors
from coachloop.detect.matcher import MatcherBuilder
from coachloop.errors import RubricError
from coachloop.evaluate.compile import CompiledRubric, compile_spec
from coachloop.rubric.load import all_errors, resolve_rubric_path
from coachloop.rubric.schema import BehaviorSpec, EventSpec, RubricSpec
from coachloop.rubric.yamlsource import LocatedDocument, PathKey, load_located, read_located

__all__ = ["rubric_problems"]

_BEHAVIOR_KEYS = frozenset(BehaviorSpec.model_fields)
_EVENT_KEYS = frozenset(EventSpec.model_fields)
"""Keys a behaviour or event declares itself; the others are its detector's settings."""


def _items(data: dict[str, Any]) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    events = data.get("events")
    if isinstance(events, list):
        for e, event in enumerate(events):
            if isinstance(event, dict):
                yield ("events", e), event
    sections = data.get("sections")
    if isinstance(sections, list):
        for s, section in enumerate(sections):
            behaviors = section.get("behaviors") if isinstance(section, dict) else None
            if isinstance(behaviors, list):
                for b, behavior in enumerate(behaviors):
                    if isinstance(behavior, dict):
                        yield ("sections", s, "behaviors", b), behavior


def _variables(data: dict[str, Any]) -> dict[str, list[str]]:
    found = data.get("vars")
    if not isinstance(found, dict):
        return {}
    return {k: [str(x) for x in v] for k, v in found.items() if isinstance(k, str) and isinstance(v, list)}


def _item_problems(doc: LocatedDocument, data: dict[str, Any]) -> list[RubricError]:
    problems: list[RubricError] = []
    seen: dict[str, PathKey] = {}
    items = list(_items(data))
    known_ids = {str(item.get("id")) for _, item in items}
    variables = _variables(data)
    for path, item in items:
        item_id = item.get("id")
        if isinstance(item_id, str):
            if item_id in seen:
                problems.append(doc.error((*path, "id"), f"id {item_id!r} is used twice in this rubric"))
            seen.setdefault(item_id, path)
        requires = item.get("requires")
        if isinstance(requires, list):
            for r, other in enumerate(requires):
                if isinstance(other, str) and other not in known_ids:
                    problems.append(
                        doc.error(
                            (*path, "requires", r),
                            f"refers to {other!r}, which is no behaviour or event of this rubric",
                        )
                    )
        kind = item.get("detect")
        if not isinstance(kind, str):
            continue  # the schema reports a missing or malformed `detect`
        if kind not in detectors:
            problems.append(
                doc.error((*path, "detect"), f"unknown detector {kind!r} (known: {', '.join(detectors)})")
            )
            continue
        cls = detectors.get(kind)
        own = _EVENT_KEYS if path[0] == "events" else _BEHAVIOR_KEYS
        settings = {k: v for k, v in item.items() if k not in own}
        try:
            validated = cls.Settings.model_validate(settings)
        except ValidationError as err:
            problems.extend(all_errors(err, doc, path))
            continue
        try:
            cls(validated, MatcherBuilder(), variables)
        except ValueError as err:  # e.g. a phrase naming an undefined {var}
            problems.append(doc.error(path, str(err)))
    return problems


def rubric_problems(
    name_or_file: str | Path, text: str | None = None
) -> tuple[list[RubricError], CompiledRubric | None]:
    """Every error found in a rubric (a file, a shipped name, or `text` read from
    `name_or_file`), in file order; and the compiled rubric when there are none."""
    try:
        if text is not None:
            doc = load_located(text, str(name_or_file))
        else:
            doc = read_located(resolve_rubric_path(str(name_or_file)))
    except RubricError as err:
        return [err], None  # not YAML at all: nothing further can be read
    if not isinstance(doc.data, dict):
        return [doc.error((), "a rubric file is a mapping (name:, version:, sections: ...)")], None
    problems: list[RubricError] = []
    spec: RubricSpec | None = None
    try:
        spec = RubricSpec.model_validate(doc.data)
    except ValidationError as err:
        problems.extend(all_errors(err, doc))
    problems.extend(_item_problems(doc, doc.data))
    compiled: CompiledRubric | None = None
    if spec is not None and not problems:
        try:
            compiled = compile_spec(spec, doc)
        except RubricError as err:
            problems.append(err)
    unique = list({str(p): p for p in problems}.values())
    unique.sort(key=lambda p: (p.line or 0, str(p)))
    return unique, compiled
