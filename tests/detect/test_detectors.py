"""A small unit test for each registered detector that no other test reaches directly:
hold, silence, customer_name, asked_answered and prohibited, through a rubric of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachloop.detect import detectors
from coachloop.evaluate import evaluate, load_rubric
from coachloop.evaluate.compile import CompiledRubric
from coachloop.model import BehaviorResult, Interaction, Outcome, Speaker, Utterance

A, C = Speaker.AGENT, Speaker.CUSTOMER

RUBRIC = """\
name: detector_units
version: "1"
title: One behaviour per detector
sections:
  - id: s
    title: S
    behaviors:
      - id: hold
        title: Asks before a hold and thanks after
        coaching: c
        detect: hold
        min_gap_seconds: 15
        ask: {phrases: [put you on hold]}
        thank: {phrases: [thank you for holding]}
      - id: silence
        title: No long silence
        coaching: c
        detect: silence
        max_gap_seconds: 10
      - id: name
        title: Uses the customer's name
        coaching: c
        detect: customer_name
      - id: verify
        title: Verifies identity
        coaching: c
        detect: asked_answered
        ask: {phrases: [date of birth]}
        answer_within: 1
      - id: prohibited
        title: No prohibited language
        coaching: c
        detect: prohibited
        phrases: [calm down]
"""


@pytest.fixture(scope="module")
def rubric(tmp_path_factory: pytest.TempPathFactory) -> CompiledRubric:
    path: Path = tmp_path_factory.mktemp("rubric") / "units.yaml"
    path.write_text(RUBRIC, encoding="utf-8")
    return load_rubric(path)


def call(*turns: tuple[Speaker, str, float, float]) -> Interaction:
    return Interaction("u-1", utterances=[Utterance(i, s, t, a, b) for i, (s, t, a, b) in enumerate(turns)])


def untimed(*turns: tuple[Speaker, str]) -> Interaction:
    return Interaction("u-1", utterances=[Utterance(i, s, t) for i, (s, t) in enumerate(turns)])


def outcome(rubric: CompiledRubric, interaction: Interaction, behavior: str) -> BehaviorResult:
    return next(r for r in evaluate(rubric, interaction).results if r.behavior_id == behavior)


def test_every_detector_tested_here_is_registered() -> None:
    assert {"hold", "silence", "customer_name", "asked_answered", "prohibited"} <= set(detectors.names())




def test_hold_detector_outcomes(rubric: CompiledRubric) -> None:
    polite = call(
        (A, "may i put you on hold for a moment", 0.0, 2.0),
        (C, "sure", 2.5, 3.0),
        (A, "thank you for holding, i found it", 40.0, 42.0),
    )
    met = outcome(rubric, polite, "hold")
    assert met.outcome is Outcome.MET
    assert [e.utterance_index for e in met.evidence] == [0, 2]
    abrupt = call((A, "one second", 0.0, 1.0), (C, "ok", 1.5, 2.0), (A, "right, found it", 40.0, 41.0))
    missed = outcome(rubric, abrupt, "hold")
    assert missed.outcome is Outcome.MISSED and "without asking and thanking" in (missed.note or "")
    no_hold = call((A, "hello", 0.0, 1.0), (C, "hi", 1.5, 2.0))
    assert outcome(rubric, no_hold, "hold").outcome is Outcome.NOT_APPLICABLE
    assert outcome(rubric, untimed((A, "hello"), (C, "hi")), "hold").outcome is Outcome.NOT_APPLICABLE


def test_silence_detector_outcomes(rubric: CompiledRubric) -> None:
    brisk = call((A, "hello", 0.0, 1.0), (C, "hi", 2.0, 3.0), (A, "how can i help", 5.0, 6.0))
    assert outcome(rubric, brisk, "silence").outcome is Outcome.MET
    slow = call((A, "hello", 0.0, 1.0), (C, "hi", 2.0, 3.0), (A, "how can i help", 20.0, 21.0))
    missed = outcome(rubric, slow, "silence")
    assert missed.outcome is Outcome.MISSED
    assert [e.utterance_index for e in missed.evidence] == [1, 2]
    assert missed.expected_window is not None and missed.expected_window.from_utterance == 1
    assert outcome(rubric, untimed((A, "hello")), "silence").outcome is Outcome.NOT_APPLICABLE


def test_customer_name_detector_outcomes(rubric: CompiledRubric) -> None:
    used = untimed(
        (A, "thank you for calling, who am i speaking with"),
        (C, "my name is maria lopez"),
        (A, "thanks maria, how can i help"),
    )
    met = outcome(rubric, used, "name")
    assert met.outcome is Outcome.MET and met.evidence[0].utterance_index == 2
    assert "maria" in met.evidence[0].text[slice(*met.evidence[0].span or (0, 0))].lower()
    unused = untimed(
        (A, "thank you for calling, who am i speaking with"),
        (C, "my name is maria lopez"),
        (A, "thanks, how can i help"),
    )
    assert outcome(rubric, unused, "name").outcome is Outcome.MISSED
    nameless = untimed((A, "thank you for calling"), (C, "i lost my card"))
    assert outcome(rubric, nameless, "name").outcome is Outcome.NOT_APPLICABLE


def test_asked_answered_detector_outcomes(rubric: CompiledRubric) -> None:
    answered = untimed((A, "can you confirm your date of birth"), (C, "march third 1980"))
    met = outcome(rubric, answered, "verify")
    assert met.outcome is Outcome.MET and [e.utterance_index for e in met.evidence] == [0, 1]
    unanswered = untimed((A, "can you confirm your date of birth"), (A, "hello?"))
    assert outcome(rubric, unanswered, "verify").outcome is Outcome.MISSED
    never_asked = untimed((A, "how can i help"), (C, "my card"))
    missed = outcome(rubric, never_asked, "verify")
    assert missed.outcome is Outcome.MISSED and missed.evidence == []


def test_prohibited_detector_outcomes(rubric: CompiledRubric) -> None:
    rude = untimed((C, "this is ridiculous"), (A, "calm down, sir"))
    missed = outcome(rubric, rude, "prohibited")
    assert missed.outcome is Outcome.MISSED
    assert missed.evidence[0].utterance_index == 1 and missed.evidence[0].matched is not None
    polite = untimed((C, "this is ridiculous"), (A, "i understand, let me fix it"))
    assert outcome(rubric, polite, "prohibited").outcome is Outcome.MET
    customer_said_it = untimed((C, "calm down? i am calm"), (A, "of course"))
    assert outcome(rubric, customer_said_it, "prohibited").outcome is Outcome.MET


def test_prohibited_language_in_other_words_is_found_by_meaning_and_polite_talk_is_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "meaning.yaml"
    path.write_text("""\
name: meaning
version: 1
title: Meaning
sections:
  - id: conduct
    title: Conduct
    behaviors:
      - id: no_blame
        title: No blame
        coaching: never blame the caller
        detect: prohibited
        phrases: [not my problem]
        examples: [that is your fault not ours, stop yelling at me]
        negatives: [that mistake is ours not yours, take your time]
        threshold: 0.55
        review_margin: 0.0
        critical: true
""")
    rubric = load_rubric(path)
    blamed = untimed((C, "my card was charged twice"), (A, "this is entirely your own fault."))
    found = outcome(rubric, blamed, "no_blame")
    assert found.outcome is Outcome.MISSED
    assert found.evidence[0].utterance_index == 1 and "similar to" in (found.note or "")
    shouted = untimed((C, "this is useless"), (A, "Okay. Do not raise your voice at me."))
    assert outcome(rubric, shouted, "no_blame").outcome is Outcome.MISSED
    polite = untimed((C, "my card was charged twice"), (A, "i am sorry, that was our mistake, i have refunded it"))
    assert outcome(rubric, polite, "no_blame").outcome is Outcome.MET
