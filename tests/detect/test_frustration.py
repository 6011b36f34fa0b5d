"""`detect: responds_to_frustration`: empathy after each peak of customer frustration."""

from __future__ import annotations

from pathlib import Path

import pytest

import coachloop.detect.frustration  # noqa: F401  (registers the detector until detect/__init__ imports it)
from coachloop.detect.frustration import CUSTOMER_KEY, conversation_trajectory, speaker_sentiment
from coachloop.errors import RubricError
from coachloop.evaluate import evaluate, load_rubric, prepare
from coachloop.evaluate.compile import CompiledRubric
from coachloop.model import BehaviorResult, Interaction, Outcome, Speaker, Utterance

A, C = Speaker.AGENT, Speaker.CUSTOMER

RUBRIC = """\
name: empathy_check
version: "1"
title: Empathy check
sections:
  - id: communication
    title: Communication
    behaviors:
      - id: empathy_after_frustration
        title: Answers frustration with empathy
        coaching: Acknowledge the customer's frustration before fixing it.
        detect: responds_to_frustration
        within_turns: {within}
        empathy:
          phrases: [i understand how, im sorry, i apologize, sorry to hear]
          variants:
            hi-en: [samajh sakta hoon, maafi chahta hoon]
            hi: [मैं समझ सकता हूँ]
          regex: ['i (?:really|completely) understand']
      - id: strong_frustration_only
        title: Answers strong frustration
        coaching: Acknowledge strong frustration.
        detect: responds_to_frustration
        threshold: 0.9
        empathy: {{phrases: [i understand how]}}
"""


def rubric(tmp_path: Path, within: int = 2) -> CompiledRubric:
    path = tmp_path / "empathy.yaml"
    path.write_text(RUBRIC.format(within=within), encoding="utf-8")
    return load_rubric(path)


def call(*turns: tuple[Speaker, str]) -> Interaction:
    return Interaction(
        "t-1", utterances=[Utterance(i, s, t, float(i), i + 0.9) for i, (s, t) in enumerate(turns)]
    )


def result(
    r: CompiledRubric, interaction: Interaction, behavior: str = "empathy_after_frustration"
) -> BehaviorResult:
    return next(b for b in evaluate(r, interaction).results if b.behavior_id == behavior)


CALM = call(
    (A, "thank you for calling how can i help"),
    (C, "i would like to check my balance"),
    (A, "sure it is two hundred dollars"),
    (C, "okay thank you"),
)


def frustrated(*agent_replies: str) -> Interaction:
    """A customer frustrated at utterance 2, then the agent's replies with customer turns between."""
    turns: list[tuple[Speaker, str]] = [
        (A, "thank you for calling how can i help"),  # 0
        (C, "hi"),  # 1
        (C, "this is the third time im calling about this fee and nobody has fixed it"),  # 2
    ]
    for reply in agent_replies:
        turns += [(A, reply), (C, "okay")]
    return call(*turns)


def test_not_applicable_when_the_customer_shows_no_frustration(tmp_path: Path) -> None:
    r = result(rubric(tmp_path), CALM)
    assert r.outcome is Outcome.NOT_APPLICABLE
    assert r.note is not None and "no frustration" in r.note


def test_met_when_empathy_follows_the_peak_within_the_window(tmp_path: Path) -> None:
    r = result(rubric(tmp_path), frustrated("let me check that", "i understand how annoying this is"))
    assert r.outcome is Outcome.MET
    peak, empathy = r.evidence
    assert (peak.utterance_index, peak.speaker) == (2, C)
    assert peak.matched is not None and peak.matched.startswith("frustration peak")
    assert (empathy.utterance_index, empathy.speaker, empathy.matched) == (5, A, "i understand how")
    assert empathy.span is not None and empathy.text[empathy.span[0] : empathy.span[1]] == "i understand how"


def test_missed_with_the_expected_window_when_empathy_comes_too_late(tmp_path: Path) -> None:
    late = frustrated("let me check that", "the fee was applied on the fifth", "im sorry about that")
    r = result(rubric(tmp_path), late)
    assert r.outcome is Outcome.MISSED
    assert r.expected_window is not None
    assert (r.expected_window.from_utterance, r.expected_window.to_utterance) == (3, 5)
    assert [e.utterance_index for e in r.evidence] == [2]
    assert r.note is not None and "utterance 2" in r.note and "1 of 1" in r.note
    # A wider window reaches the apology.
    assert result(rubric(tmp_path, within=3), late).outcome is Outcome.MET


def test_missed_when_one_of_two_peaks_gets_no_empathy(tmp_path: Path) -> None:
    interaction = call(
        (A, "how can i help"),
        (C, "ive been waiting for forty minutes this is ridiculous"),  # 1
        (A, "im sorry for the wait"),  # 2
        (C, "fine"),
        (A, "the fee stays"),  # 4
        (C, "i want to speak to your manager"),  # 5
        (A, "the manager will say the same"),  # 6
        (A, "anything else"),  # 7
    )
    r = result(rubric(tmp_path), interaction)
    assert r.outcome is Outcome.MISSED
    assert r.expected_window is not None
    assert (r.expected_window.from_utterance, r.expected_window.to_utterance) == (6, 7)
    assert r.note is not None and "1 of 2" in r.note


def test_turns_of_transcription_marks_do_not_use_up_the_window(tmp_path: Path) -> None:
    r = result(rubric(tmp_path, within=1), frustrated("[noise]", "<unk> um", "im sorry about that"))
    assert r.outcome is Outcome.MET


def test_empathy_in_hinglish_devanagari_and_regex_counts(tmp_path: Path) -> None:
    for reply in ("main samajh sakta hoon sir", "मैं समझ सकता हूँ", "i really understand"):
        interaction = call((A, "namaste"), (C, "kitni baar call karna padega yeh bakwaas hai"), (A, reply))
        assert result(rubric(tmp_path), interaction).outcome is Outcome.MET, reply


def test_frustration_after_the_agents_last_turn_is_not_judged(tmp_path: Path) -> None:
    r = result(rubric(tmp_path), call((A, "goodbye"), (C, "this is ridiculous i am fed up")))
    assert r.outcome is Outcome.NOT_APPLICABLE


def test_threshold_decides_what_is_a_peak(tmp_path: Path) -> None:
    mild = frustrated("let me check that")
    assert result(rubric(tmp_path), mild).outcome is Outcome.MISSED
    assert result(rubric(tmp_path), mild, "strong_frustration_only").outcome is Outcome.NOT_APPLICABLE


def test_sentiment_is_scored_once_per_conversation_for_every_behaviour(tmp_path: Path) -> None:
    r = rubric(tmp_path)
    conv = prepare(r, frustrated("i understand how that feels"))
    first = speaker_sentiment(conv, C)
    assert conv.memo[CUSTOMER_KEY] is first and speaker_sentiment(conv, C) is first
    assert set(first) == {1, 2, 4}
    whole = conversation_trajectory(conv)
    assert whole is conversation_trajectory(conv) and whole.peaks == (2,)
    assert conv.memo[CUSTOMER_KEY] is first  # the trajectory reused the customer's scores


BAD_RUBRIC = """\
name: bad
version: "1"
title: Bad
sections:
  - id: communication
    title: Communication
    behaviors:
      - id: empathy_after_frustration
        title: Answers frustration with empathy
        coaching: Acknowledge it.
        detect: responds_to_frustration
{settings}
"""


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("        within_turns: 0\n        empathy: {phrases: [im sorry]}", "within_turns"),
        ("        threshold: 1.5\n        empathy: {phrases: [im sorry]}", "threshold"),
        ("        empathy: {phrases: []}", "empathy"),
        ("        within_turns: 2", "empathy"),
    ],
)
def test_bad_settings_are_rubric_errors(tmp_path: Path, settings: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_RUBRIC.format(settings=settings), encoding="utf-8")
    with pytest.raises(RubricError, match=message):
        load_rubric(path)
