"""Small hand-made evaluations and labels, so each test states its expected figures exactly."""

from __future__ import annotations

from coachloop.agreement import BehaviorLabel, Label
from coachloop.model import BehaviorResult, Evaluation, Evidence, Outcome, Speaker

MET, MISSED, NA = Outcome.MET, Outcome.MISSED, Outcome.NOT_APPLICABLE
RUBRIC = "toy"


def evaluation(iid: str, outcomes: dict[str, tuple[Outcome, list[int]]], rubric: str = RUBRIC) -> Evaluation:
    """An evaluation whose behaviours have the given outcomes and evidence utterances."""
    return Evaluation(
        interaction_id=iid,
        rubric=rubric,
        rubric_version="1",
        score=None,
        compliance_passed=True,
        auto_failed=False,
        results=[
            BehaviorResult(bid, outcome, 0.9, evidence=[Evidence(i, Speaker.AGENT, "text") for i in evidence])
            for bid, (outcome, evidence) in outcomes.items()
        ],
    )


def label(iid: str, outcomes: dict[str, tuple[Outcome, list[int]]], rubric: str = RUBRIC) -> Label:
    return Label(
        interaction_id=iid,
        rubric=rubric,
        annotator="test",
        behaviors={bid: BehaviorLabel(outcome, tuple(utts)) for bid, (outcome, utts) in outcomes.items()},
    )


def pairs(
    behavior: str, truths: list[Outcome], guesses: list[Outcome]
) -> tuple[list[Evaluation], list[Label]]:
    """One interaction per (truth, guess) pair; met labels and predictions cite utterance 0."""
    evals, labels = [], []
    for n, (t, g) in enumerate(zip(truths, guesses, strict=True)):
        iid = f"c{n:03d}"
        labels.append(label(iid, {behavior: (t, [0] if t is MET else [])}))
        evals.append(evaluation(iid, {behavior: (g, [0] if g is MET else [])}))
    return evals, labels
