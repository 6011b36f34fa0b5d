"""The shipped general rubric finds what the demo's agents truly did.

The demo generator records, for every call, which behaviours the agent performed and
which of those were phrased unusually (a lexical detector is expected to miss those).
The rubric's phrases were written against seed 7; this checks another seed.
"""

from __future__ import annotations

from collections import Counter

import pytest

from coachloop.demo import DemoConfig, generate
from coachloop.evaluate import evaluate, load_rubric
from coachloop.model import Outcome

SEED = 3


@pytest.fixture(scope="module")
def agreement() -> dict[str, Counter[str]]:
    rubric = load_rubric("general")
    _, calls, truth = generate(DemoConfig(seed=SEED, calls_per_agent_week=4))
    counts: dict[str, Counter[str]] = {}
    for call in calls:
        t = truth.calls[call.id]
        results = {r.behavior_id: r.outcome for r in evaluate(rubric, call).results}
        for behavior, performed in t.performed.items():
            outcome = results.get(behavior)  # the demo's truth uses the rubric's ids
            if outcome is None or outcome is Outcome.NOT_APPLICABLE or performed is None:
                continue
            c = counts.setdefault(behavior, Counter())
            if behavior in t.paraphrased:
                c["paraphrased"] += 1
            elif performed:
                c["tp" if outcome is Outcome.MET else "fn"] += 1
            else:
                c["fp" if outcome is Outcome.MET else "tn"] += 1
        order = results["verify_before_account_change"]
        if order is not Outcome.NOT_APPLICABLE and "verify_identity" not in t.paraphrased:
            c = counts.setdefault("verify_before_account_change", Counter())
            c[
                ("tn" if order is Outcome.MISSED else "fp")
                if t.order_violation
                else ("tp" if order is Outcome.MET else "fn")
            ] += 1
    return counts


@pytest.mark.parametrize(
    "behavior",
    [
        "recording_disclosure",
        "greet_with_brand",
        "use_customer_name",
        "verify_identity",
        "pain_mirror",
        "confirm_request",
        "hold_etiquette",
        "explain_next_steps",
        "offer_further_help",
        "polite_close",
        "no_prohibited_language",
        "verify_before_account_change",
    ],
)
def test_behaviour_said_in_standard_words_is_found(agreement: dict[str, Counter[str]], behavior: str) -> None:
    c = agreement[behavior]
    recall = c["tp"] / (c["tp"] + c["fn"])
    assert recall >= 0.9, (behavior, dict(c))


@pytest.mark.parametrize(
    "behavior",
    [
        "greet_with_brand",
        "pain_mirror",
        "confirm_request",
        "hold_etiquette",
        "offer_further_help",
        "polite_close",
        "explain_next_steps",
        "no_prohibited_language",
        "verify_before_account_change",
    ],
)
def test_behaviour_not_performed_is_rarely_credited(
    agreement: dict[str, Counter[str]], behavior: str
) -> None:
    c = agreement[behavior]
    negatives = c["fp"] + c["tn"]
    assert negatives > 0 and c["fp"] / negatives <= 0.1, (behavior, dict(c))
