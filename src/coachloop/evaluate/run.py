"""Running a compiled rubric over one interaction -> an `Evaluation`.

One code path serves the batch job and live calls: `evaluate` is a pure function of
the interaction and the rubric, deterministic for the same input and rubric version.
"""

from __future__ import annotations

from collections.abc import Sequence

from coachloop.detect.base import Conversation, Finding, Scope
from coachloop.detect.text import normalize_many
from coachloop.evaluate.compile import CompiledItem, CompiledRubric
from coachloop.model import BehaviorResult, Evaluation, Interaction, Outcome, Speaker
from coachloop.rubric.schema import Applicability, BehaviorSpec, Window

__all__ = ["applies", "evaluate", "prepare"]


def applies(condition: Applicability | None, interaction: Interaction) -> bool:
    """Whether every condition given holds for the interaction."""
    if condition is None:
        return True
    if condition.channel is not None and interaction.channel not in condition.channel:
        return False
    checks: list[tuple[list[str] | None, str | None]] = [
        (condition.queue, interaction.queue),
        (condition.contact_reason, interaction.contact_reason),
        (condition.language, interaction.language),
    ]
    for allowed, value in checks:
        if allowed is not None and value not in allowed:
            return False
    if condition.metadata:
        for key, allowed in condition.metadata.items():
            if str(interaction.metadata.get(key)) not in allowed:
                return False
    return True


def prepare(rubric: CompiledRubric, interaction: Interaction) -> Conversation:
    """Normalise and match a conversation once; every detector reads the result."""
    normalized = normalize_many([u.text for u in interaction.utterances])
    turns: dict[Speaker, list[int]] = {s: [] for s in Speaker}
    for pos, u in enumerate(interaction.utterances):
        turns[u.speaker].append(pos)
    return Conversation(interaction, normalized, rubric.matcher.run(normalized), turns)


def _scope(conv: Conversation, speaker: Speaker, window: Window | None) -> Scope | None:
    """The speaker's utterances inside the window; None when the window needs times that are missing."""
    positions = conv.turns[speaker]
    if window is None:
        return Scope.of(positions)
    utts = conv.interaction.utterances
    if window.first_turns is not None:
        positions = positions[: window.first_turns]
    if window.last_turns is not None:
        positions = positions[-window.last_turns:]
    if window.first_seconds is not None or window.last_seconds is not None:
        if any(utts[p].start is None for p in positions):
            return None
        if window.first_seconds is not None:
            positions = [p for p in positions if (utts[p].start or 0.0) < window.first_seconds]
        if window.last_seconds is not None:
            end = max((u.end or u.start or 0.0) for u in utts)
            positions = [p for p in positions if (utts[p].end or 0.0) > end - window.last_seconds]
    return Scope.of(positions)


def _find(item: CompiledItem, conv: Conversation, prior: dict[str, Finding]) -> Finding:
    spec = item.spec
    if isinstance(spec, BehaviorSpec) and not applies(spec.applies_when, conv.interaction):
        return Finding(Outcome.NOT_APPLICABLE, 1.0, note="the behaviour does not apply to this interaction")
    scope = _scope(conv, spec.speaker, spec.window)
    if scope is None:
        return Finding(Outcome.NOT_APPLICABLE, 1.0, note="the window is in seconds and the utterances have no times")
    if not conv.interaction.utterances:
        return Finding(Outcome.NOT_APPLICABLE, 1.0, note="the interaction has no utterances")
    return item.detector.detect(conv, scope, prior)


def _weighted(results: Sequence[tuple[BehaviorResult, float]]) -> float | None:
    applicable = [(r, w) for r, w in results if r.outcome is not Outcome.NOT_APPLICABLE]
    total = sum(w for _, w in applicable)
    if not applicable or total == 0:
        return None
    return round(sum(w for r, w in applicable if r.outcome is Outcome.MET) / total, 4)


def evaluate(rubric: CompiledRubric, interaction: Interaction, input_hash: str | None = None) -> Evaluation:
    conv = prepare(rubric, interaction)
    prior: dict[str, Finding] = {}
    for item in rubric.items:
        prior[item.spec.id] = _find(item, conv, prior)

    results: list[BehaviorResult] = []
    by_section: dict[str, list[tuple[BehaviorResult, float]]] = {}
    quality: list[tuple[BehaviorResult, float]] = []
    compliance_passed = True
    auto_failed = False
    for item in rubric.behaviors():
        spec = item.spec
        assert isinstance(spec, BehaviorSpec) and item.section is not None
        f = prior[spec.id]
        result = BehaviorResult(spec.id, f.outcome, f.confidence, spec.critical, item.section, f.evidence,
                                f.expected_window if f.outcome is Outcome.MISSED else None, f.note)
        results.append(result)
        by_section.setdefault(item.section, []).append((result, spec.weight))
        missed = f.outcome is Outcome.MISSED
        if item.compliance:
            compliance_passed &= not missed
        else:
            quality.append((result, spec.weight))
        if spec.critical and missed:
            auto_failed = True
            compliance_passed = False

    score = _weighted(quality)
    return Evaluation(
        interaction_id=interaction.id,
        rubric=rubric.name,
        rubric_version=rubric.version,
        # An auto-failed evaluation scores zero, as QA teams expect; the section scores
        # keep what was met so coaching can still use them.
        score=0.0 if auto_failed and score is not None else score,
        compliance_passed=compliance_passed,
        auto_failed=auto_failed,
        results=results,
        section_scores={s: _weighted(rs) for s, rs in by_section.items()},
        input_hash=input_hash,
    )
