"""Running a compiled rubric over one interaction -> an `Evaluation`.

One code path serves the batch job and live calls: `evaluate` is a pure function of
the interaction and the rubric, deterministic for the same input and rubric version.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Literal

from coachloop.detect.base import Conversation, Finding, Scope, noise_only
from coachloop.detect.text import normalize_segments
from coachloop.evaluate.compile import CompiledItem, CompiledRubric
from coachloop.evaluate.confidence import ErrorModel, apply_error_model, default_error_model
from coachloop.evaluate.score import score_results
from coachloop.model import BehaviorResult, Evaluation, Interaction, Outcome, Speaker
from coachloop.rubric.schema import Applicability, BehaviorSpec, Window

__all__ = ["ErrorModelChoice", "applies", "evaluate", "evaluate_prepared", "prepare", "scope_of"]


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


_TEXT = attrgetter("text")
_SPEAKER = attrgetter("speaker")


def prepare(rubric: CompiledRubric, interaction: Interaction) -> Conversation:
    """Normalise and match a conversation once; every detector reads the result."""
    utterances = interaction.utterances
    segments = normalize_segments(list(map(_TEXT, utterances)))
    turns: dict[Speaker, list[int]] = {s: [] for s in Speaker}
    silent = noise_only(segments)
    for i, speaker in enumerate(map(_SPEAKER, utterances)):
        if i not in silent:
            turns[speaker].append(i)
    return Conversation(interaction, segments, rubric.matcher.run(segments), turns)


def scope_of(conv: Conversation, speaker: Speaker, window: Window | None) -> Scope | None:
    """The speaker's utterances inside the window; None when the window needs times that are missing."""
    positions = conv.turns[speaker]
    if window is None:
        return Scope.of(positions)
    utts = conv.interaction.utterances
    if window.first_turns is not None:
        positions = positions[: window.first_turns]
    if window.last_turns is not None:
        positions = positions[-window.last_turns :]
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
    condition = spec.applies_when if isinstance(spec, BehaviorSpec) else None
    if condition is not None and not applies(condition, conv.interaction):
        return Finding(Outcome.NOT_APPLICABLE, 1.0, note="the behaviour does not apply to this interaction")
    for needed in spec.requires:
        found = prior[needed]
        if found.outcome is not Outcome.MET:
            if found.review_reason is not None:
                # Not applicable on weak evidence: say so, so the decision is checked.
                return Finding(
                    Outcome.NOT_APPLICABLE,
                    round(min(found.confidence, 0.5), 3),
                    note=f"no {needed} found in this interaction",
                    review_reason=f"not applicable only because {needed} was not found, and that "
                    f"is uncertain: {found.review_reason}",
                )
            return Finding(Outcome.NOT_APPLICABLE, 1.0, note=f"no {needed} in this interaction")
    key = item.scope_key
    scope = conv.memo.get(key, _UNSET)
    if scope is _UNSET:
        scope = conv.memo[key] = scope_of(conv, spec.speaker, spec.window)
    if scope is None:
        return Finding(
            Outcome.NOT_APPLICABLE, 1.0, note="the window is in seconds and the utterances have no times"
        )
    return item.detector.detect(conv, scope, prior)


_UNSET = object()


ErrorModelChoice = ErrorModel | None | Literal["default"]
"""`"default"`: the shipped error model (`evaluate.confidence`); None: the detectors' own
review flags, unchanged; or a given model."""


def evaluate(
    rubric: CompiledRubric,
    interaction: Interaction,
    input_hash: str | None = None,
    *,
    error_model: ErrorModelChoice = "default",
) -> Evaluation:
    return evaluate_prepared(rubric, prepare(rubric, interaction), input_hash, error_model=error_model)


def evaluate_prepared(
    rubric: CompiledRubric,
    conv: Conversation,
    input_hash: str | None = None,
    findings: dict[str, Finding] | None = None,
    *,
    error_model: ErrorModelChoice = "default",
) -> Evaluation:
    """`evaluate` on a conversation already prepared, which the live path reads again after;
    `findings`, when given, is filled with every item's finding (events too).

    Which outcomes carry a `review_reason` (and so enter the review queue) is decided by
    the error model (`coachloop.evaluate.confidence`) from the detectors' findings."""
    interaction = conv.interaction
    prior: dict[str, Finding] = {} if findings is None else findings
    if interaction.utterances:
        for item in rubric.items:
            prior[item.spec.id] = _find(item, conv, prior)
    else:
        empty = Finding(Outcome.NOT_APPLICABLE, 1.0, note="the interaction has no utterances")
        prior.update({item.spec.id: empty for item in rubric.items})

    results = [
        BehaviorResult(
            b.id,
            prior[b.id].outcome,
            prior[b.id].confidence,
            b.critical,
            b.section,
            prior[b.id].evidence,
            prior[b.id].expected_window if prior[b.id].outcome is Outcome.MISSED else None,
            prior[b.id].note,
            prior[b.id].review_reason,
            weight=b.weight,
            compliance=b.compliance,
        )
        for b in rubric.scored
    ]
    model = default_error_model() if isinstance(error_model, str) else error_model
    if model is not None and interaction.utterances:
        detectors = {item.spec.id: item.spec.detect for item in rubric.items}
        results = apply_error_model(model, results, detectors, interaction)
    scores = score_results(results)
    return Evaluation(
        interaction_id=interaction.id,
        rubric=rubric.name,
        rubric_version=rubric.version,
        score=scores.score,
        compliance_passed=scores.compliance_passed,
        auto_failed=scores.auto_failed,
        results=results,
        section_scores=scores.section_scores,
        input_hash=input_hash,
        rubric_fingerprint=rubric.fingerprint,
    )
