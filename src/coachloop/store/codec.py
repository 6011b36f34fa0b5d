"""Plain-dict forms of stored values, and the content hashes that say what changed.

`evaluation_to_dict` is the one shape of an evaluation outside Python: the store keeps
behaviour results in it and `coachloop export evaluations` writes it as JSONL, so the
two never drift apart. `evaluation_from_dict` inverts it exactly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

import orjson

from coachloop.errors import StoreError
from coachloop.model import (
    BehaviorResult,
    ContactReason,
    Evaluation,
    Evidence,
    ExpectedWindow,
    Insights,
    Interaction,
    Outcome,
    Speaker,
    Utterance,
)
from coachloop.rubric.schema import CONDITION_FIELDS

__all__ = [
    "behavior_from_dict",
    "behavior_to_dict",
    "content_hash",
    "content_hash_of",
    "dumps",
    "evaluation_from_dict",
    "evaluation_to_dict",
    "transcript_hash",
]


def dumps(value: Any) -> str:
    """JSON text for the database driver (orjson: fast, exact float round-trip)."""
    return orjson.dumps(value).decode()


def _digest(payload: object) -> str:
    return hashlib.blake2b(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


def transcript_hash(utterances: Iterable[Utterance]) -> str:
    """Hash of the turns as stored: order by index, keys sorted, so a reload hashes the same."""
    turns = list(utterances)
    if [u.index for u in turns] != sorted(u.index for u in turns):
        turns.sort(key=lambda u: u.index)
    # orjson writes enums by value and tuples as arrays: no per-turn conversion needed.
    return _digest([(u.index, u.speaker, u.text, u.start, u.end, u.alt_text, u.metadata) for u in turns])


def content_hash_of(transcript: str, conditions: Sequence[object]) -> str:
    """Combine a transcript hash with the values of the interaction's `CONDITION_FIELDS`.

    Kept separate from `content_hash` so the store can re-hash after a metadata update
    (say a corrected language) without reloading the utterances.
    """
    return _digest([transcript, *(str(v) if isinstance(v, Enum) else v for v in conditions)])


def content_hash(interaction: Interaction) -> str:
    """What `Evaluation.input_hash` should hold for an evaluation of `interaction`.

    Covers the utterances and the fields a rubric's `applies_to`/`applies_when` can
    condition on (`CONDITION_FIELDS`, derived from the rubric schema): the inputs that
    can change an evaluation or which rubric applies. Agent, times, survey and free
    metadata do not, so loading a survey does not make an interaction due for
    re-evaluation (a rubric conditioning on metadata is re-run with `evaluate --all`).
    """
    return content_hash_of(
        transcript_hash(interaction.utterances),
        [getattr(interaction, name) for name in CONDITION_FIELDS],
    )


def _evidence_to_dict(ev: Evidence) -> dict[str, Any]:
    return {
        "utterance_index": ev.utterance_index,
        "speaker": ev.speaker.value,
        "start": ev.start,
        "end": ev.end,
        "text": ev.text,
        "span": list(ev.span) if ev.span is not None else None,
        "matched": ev.matched,
    }


def _evidence_from_dict(d: Mapping[str, Any]) -> Evidence:
    span = d.get("span")
    return Evidence(
        utterance_index=d["utterance_index"],
        speaker=Speaker(d["speaker"]),
        text=d["text"],
        start=d.get("start"),
        end=d.get("end"),
        span=(span[0], span[1]) if span is not None else None,
        matched=d.get("matched"),
    )


def behavior_to_dict(r: BehaviorResult) -> dict[str, Any]:
    """One behaviour result; `expected_window` is present only when there is one."""
    d: dict[str, Any] = {
        "id": r.behavior_id,
        "section": r.section,
        "outcome": r.outcome.value,
        "confidence": r.confidence,
        "critical": r.critical,
        "weight": r.weight,
        "compliance": r.compliance,
        "note": r.note,
        "review_reason": r.review_reason,
        "evidence": [_evidence_to_dict(ev) for ev in r.evidence],
    }
    if r.expected_window is not None:
        d["expected_window"] = {
            "from_utterance": r.expected_window.from_utterance,
            "to_utterance": r.expected_window.to_utterance,
        }
    return d


def behavior_from_dict(d: Mapping[str, Any]) -> BehaviorResult:
    window = d.get("expected_window")
    return BehaviorResult(
        behavior_id=d["id"],
        outcome=Outcome(d["outcome"]),
        confidence=d["confidence"],
        critical=d.get("critical", False),
        section=d.get("section"),
        evidence=[_evidence_from_dict(ev) for ev in d.get("evidence", [])],
        expected_window=(
            ExpectedWindow(window["from_utterance"], window["to_utterance"]) if window is not None else None
        ),
        note=d.get("note"),
        review_reason=d.get("review_reason"),
        weight=d.get("weight", 1.0),
        compliance=d.get("compliance", False),
    )


def evaluation_head(ev: Evaluation) -> dict[str, Any]:
    """What identifies and sums up an evaluation, the same in the export record and the row."""
    return {
        "interaction_id": ev.interaction_id,
        "rubric": ev.rubric,
        "rubric_version": ev.rubric_version,
        "score": ev.score,
        "compliance_passed": ev.compliance_passed,
        "auto_failed": ev.auto_failed,
        "section_scores": dict(ev.section_scores),
    }


def evaluation_to_dict(ev: Evaluation) -> dict[str, Any]:
    """The export record of an evaluation (see DESIGN.md, `coachloop export evaluations`).

    Beyond the documented keys it carries `input_hash`, `rubric_fingerprint`, and `contact_reason.model` when a
    model is named, so that `evaluation_from_dict` restores the evaluation exactly.
    """
    reason: dict[str, Any] | None = None
    if ev.contact_reason is not None:
        reason = {"label": ev.contact_reason.label, "confidence": ev.contact_reason.confidence}
        if ev.contact_reason.model is not None:
            reason["model"] = ev.contact_reason.model
    return {
        **evaluation_head(ev),
        "contact_reason": reason,
        "input_hash": ev.input_hash,
        "behaviors": [behavior_to_dict(r) for r in ev.results],
        "insights": insights_to_dict(ev.insights) if ev.insights is not None else None,
        "rubric_fingerprint": ev.rubric_fingerprint,
    }


def insights_to_dict(insights: Insights) -> dict[str, Any]:
    return {
        "language": insights.language,
        "language_share": dict(insights.language_share),
        "code_mixed_turns": insights.code_mixed_turns,
        "sentiment": {
            "start": insights.sentiment_start,
            "lowest": insights.sentiment_lowest,
            "end": insights.sentiment_end,
            "recovered": insights.recovered,
            "frustration_peaks": list(insights.frustration_peaks),
        },
    }


def insights_from_dict(d: Mapping[str, Any]) -> Insights:
    sentiment = d.get("sentiment") or {}
    return Insights(
        language=d.get("language"),
        language_share=dict(d.get("language_share") or {}),
        code_mixed_turns=d.get("code_mixed_turns"),
        sentiment_start=sentiment.get("start"),
        sentiment_lowest=sentiment.get("lowest"),
        sentiment_end=sentiment.get("end"),
        recovered=sentiment.get("recovered"),
        frustration_peaks=list(sentiment.get("frustration_peaks") or []),
    )


def evaluation_from_dict(d: Mapping[str, Any]) -> Evaluation:
    """Inverse of `evaluation_to_dict`; raises StoreError naming the first bad key."""
    try:
        reason = d.get("contact_reason")
        return Evaluation(
            interaction_id=d["interaction_id"],
            rubric=d["rubric"],
            rubric_version=d["rubric_version"],
            score=d["score"],
            compliance_passed=d["compliance_passed"],
            auto_failed=d["auto_failed"],
            results=[behavior_from_dict(b) for b in d.get("behaviors", [])],
            section_scores=dict(d.get("section_scores") or {}),
            contact_reason=(
                ContactReason(reason["label"], reason["confidence"], reason.get("model"))
                if reason is not None
                else None
            ),
            input_hash=d.get("input_hash"),
            insights=insights_from_dict(d["insights"]) if d.get("insights") else None,
            rubric_fingerprint=d.get("rubric_fingerprint"),
        )
    except KeyError as err:
        raise StoreError(f"evaluation record {d.get('interaction_id')!r}: missing key {err}") from None
    except (TypeError, ValueError) as err:
        raise StoreError(f"evaluation record {d.get('interaction_id')!r}: {err}") from None
