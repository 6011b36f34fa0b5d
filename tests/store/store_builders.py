"""Small hand-made interactions and evaluations for the store tests."""

from __future__ import annotations

from typing import Any

from coachloop.model import (
    BehaviorResult,
    Evaluation,
    Evidence,
    Interaction,
    Outcome,
    Speaker,
    Utterance,
)


def turns(count: int, prefix: str = "turn") -> list[Utterance]:
    return [
        Utterance(
            index=i,
            speaker=Speaker.AGENT if i % 2 == 0 else Speaker.CUSTOMER,
            text=f"{prefix} {i}",
            start=i * 2.0,
            end=i * 2.0 + 1.5,
        )
        for i in range(count)
    ]


def interaction(interaction_id: str, count: int = 3, **fields: Any) -> Interaction:
    return Interaction(id=interaction_id, utterances=turns(count), **fields)


def result(
    behavior_id: str, outcome: Outcome, *, critical: bool = False, section: str | None = "quality"
) -> BehaviorResult:
    evidence = []
    if outcome is Outcome.MET:
        evidence = [
            Evidence(
                utterance_index=0,
                speaker=Speaker.AGENT,
                text="turn 0",
                start=0.0,
                end=1.5,
                span=(0, 4),
                matched="turn",
            )
        ]
    return BehaviorResult(
        behavior_id=behavior_id,
        outcome=outcome,
        confidence=0.9,
        critical=critical,
        section=section,
        evidence=evidence,
    )


def evaluation(
    interaction_id: str,
    *,
    rubric: str = "general",
    version: str = "1",
    score: float | None = 1.0,
    passed: bool = True,
    auto_failed: bool = False,
    results: list[BehaviorResult] | None = None,
    input_hash: str | None = None,
) -> Evaluation:
    return Evaluation(
        interaction_id=interaction_id,
        rubric=rubric,
        rubric_version=version,
        score=score,
        compliance_passed=passed,
        auto_failed=auto_failed,
        results=results or [],
        input_hash=input_hash,
    )
