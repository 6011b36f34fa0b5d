"""Turning a rubric file into something that evaluates fast.

Compiling validates each behaviour's detector settings (errors point at the file line
and rubric path), builds one matcher for the whole rubric, orders behaviours so that
rules reading others come after them, and rejects cycles.
"""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from pydantic import ValidationError

import coachloop.detect  # noqa: F401  (registers the built-in detectors)
from coachloop.detect.base import Detector, detectors
from coachloop.detect.matcher import Matcher, MatcherBuilder
from coachloop.rubric.load import first_error, load_spec, resolve_rubric_path, spec_of
from coachloop.rubric.schema import BehaviorSpec, EventSpec, RubricSpec, rubric_fingerprint
from coachloop.rubric.yamlsource import LocatedDocument, PathKey, load_located

__all__ = ["CompiledItem", "CompiledRubric", "ScoredBehavior", "compile_spec", "compile_text", "load_rubric"]


@dataclass(frozen=True, slots=True)
class CompiledItem:
    spec: BehaviorSpec | EventSpec
    detector: Detector
    section: str | None
    """None for events, which are detected but not scored."""
    compliance: bool
    scope_key: tuple[object, ...]
    """Items with the same speaker and window share one computed scope per conversation."""


@dataclass(frozen=True, slots=True)
class ScoredBehavior:
    """What scoring needs of a behaviour, flattened once per rubric."""

    id: str
    section: str
    weight: float
    critical: bool
    compliance: bool


@dataclass(frozen=True, slots=True)
class CompiledRubric:
    spec: RubricSpec
    items: tuple[CompiledItem, ...]
    """In evaluation order: everything an item reads comes before it."""
    matcher: Matcher
    source: str
    fingerprint: str
    """`rubric_fingerprint(spec)`: what in the rubric can change an evaluation. Two files
    claiming the same name and version but evaluating differently are told apart."""
    scored: tuple[ScoredBehavior, ...]
    """The behaviours in file order, as scoring reads them."""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> str:
        return self.spec.version

    def behaviors(self) -> list[CompiledItem]:
        """Scored items in file order."""
        order = {b.id: i for i, b in enumerate(b for s in self.spec.sections for b in s.behaviors)}
        scored = [item for item in self.items if item.section is not None]
        return sorted(scored, key=lambda item: order[item.spec.id])


def _build_detector(
    item: BehaviorSpec | EventSpec,
    path: PathKey,
    doc: LocatedDocument,
    builder: MatcherBuilder,
    spec: RubricSpec,
) -> Detector:
    if item.detect not in detectors:
        raise doc.error(
            (*path, "detect"), f"unknown detector {item.detect!r} (known: {', '.join(detectors)})"
        )
    cls = detectors.get(item.detect)
    try:
        settings = cls.Settings.model_validate(item.settings())
    except ValidationError as err:
        raise first_error(err, doc, path) from None
    try:
        return cls(settings, builder, spec.vars)
    except ValueError as err:  # e.g. a phrase naming an undefined {var}
        raise doc.error(path, str(err)) from None


def compile_spec(spec: RubricSpec, doc: LocatedDocument) -> CompiledRubric:
    builder = MatcherBuilder()
    compiled: dict[str, CompiledItem] = {}
    paths: dict[str, PathKey] = {}

    def add(item: BehaviorSpec | EventSpec, path: PathKey, section: str | None, compliance: bool) -> None:
        if item.id in compiled:
            raise doc.error((*path, "id"), f"id {item.id!r} is used twice in this rubric")
        window = item.window.model_dump_json() if item.window is not None else None
        detector = _build_detector(item, path, doc, builder, spec)
        compiled[item.id] = CompiledItem(item, detector, section, compliance, ("scope", item.speaker, window))
        paths[item.id] = path

    for e, event in enumerate(spec.events):
        add(event, ("events", e), None, False)
    for s, section in enumerate(spec.sections):
        for b, behavior in enumerate(section.behaviors):
            add(behavior, ("sections", s, "behaviors", b), section.id, section.compliance)

    graph: dict[str, list[str]] = {}
    precedence: dict[str, set[str]] = {}
    rule_of: dict[tuple[str, str], str] = {}
    for item_id, item in compiled.items():
        needs = item.detector.requires()
        for key, others in (("detect", needs), ("requires", item.spec.requires)):
            for other in others:
                if other not in compiled:
                    raise doc.error(
                        (*paths[item_id], key),
                        f"refers to {other!r}, which is no behaviour or event of this rubric",
                    )
        if len(needs) == 2:  # an order rule: `then` must come after `first`
            precedence.setdefault(needs[1], set()).add(needs[0])
            rule_of[(needs[0], needs[1])] = item_id
        graph[item_id] = [*needs, *item.spec.requires]
    try:
        evaluation_order = list(TopologicalSorter(graph).static_order())
    except CycleError as err:
        cycle = list(err.args[1])
        raise doc.error(
            paths[cycle[0]], f"rules refer to each other in a cycle: {' -> '.join(cycle)}"
        ) from None
    try:
        TopologicalSorter(precedence).prepare()
    except CycleError as err:
        cycle = list(err.args[1])
        members = set(cycle)
        rule = next(r for (a, b), r in rule_of.items() if a in members and b in members)
        raise doc.error(
            paths[rule], f"order rules form a cycle: {' before '.join(reversed(cycle))}"
        ) from None
    scored = tuple(
        ScoredBehavior(b.id, s.id, b.weight, b.critical, s.compliance)
        for s in spec.sections
        for b in s.behaviors
    )
    return CompiledRubric(
        spec,
        tuple(compiled[i] for i in evaluation_order),
        builder.build(),
        doc.file,
        rubric_fingerprint(spec),
        scored,
    )


def load_rubric(name_or_file: str | Path) -> CompiledRubric:
    """Load, validate and compile a shipped rubric (by name) or a rubric file."""
    spec, doc = load_spec(resolve_rubric_path(str(name_or_file)))
    return compile_spec(spec, doc)


def compile_text(text: str, source: str) -> CompiledRubric:
    """Validate and compile a rubric held in memory; `source` names it in errors."""
    spec, doc = spec_of(load_located(text, source))
    return compile_spec(spec, doc)
