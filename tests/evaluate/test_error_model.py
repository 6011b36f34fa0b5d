"""The error model that chooses which outcomes a reviewer sees: features, fitting, the
queue rule (critical outcomes at a lower threshold), persistence and its use in `evaluate`."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from coachloop.errors import ConfigError
from coachloop.evaluate import evaluate, load_rubric
from coachloop.evaluate.confidence import (
    FEATURES,
    UNSURE_CONFIDENCE,
    ErrorModel,
    apply_error_model,
    default_error_model,
    outcome_features,
)
from coachloop.language import modelfile
from coachloop.model import BehaviorResult, Channel, Evidence, Interaction, Outcome, Speaker, Utterance
from coachloop.store.reviews import REVIEW_CONFIDENCE
from tests.evaluate.test_evaluate import GOOD_CALL

A, C = Speaker.AGENT, Speaker.CUSTOMER


def interaction(
    transcript: str = "human", channel: Channel = Channel.VOICE, language: str = "en"
) -> Interaction:
    turns = [Utterance(i, A if i % 2 == 0 else C, f"turn {i}") for i in range(9)]
    return Interaction("c-1", channel, turns, language=language, metadata={"transcript": transcript})


def confidence_only(
    intercept: float, slope: float, threshold: float, critical_threshold: float
) -> ErrorModel:
    """A model whose error probability depends on the detector's confidence alone."""
    n = len(FEATURES)
    coef = tuple(slope if f == "confidence" else 0.0 for f in FEATURES)
    return ErrorModel(FEATURES, (0.0,) * n, (1.0,) * n, coef, intercept, threshold, critical_threshold)


def test_features_follow_the_declared_order_and_read_the_transcript() -> None:
    result = BehaviorResult(
        "greet", Outcome.MISSED, 0.8, evidence=[Evidence(0, A, "hi", 0.0, 1.0)], review_reason="near"
    )
    asr_chat = outcome_features(result, "phrase", interaction("asr", Channel.CHAT, "hi-en"))
    named = dict(zip(FEATURES, asr_chat, strict=True))

    assert len(asr_chat) == len(FEATURES)
    assert named["confidence"] == 0.8 and named["missed"] == 1.0 and named["met"] == 0.0
    assert named["flagged"] == 1.0 and named["evidence"] == 1.0 and named["missed_phrase"] == 1.0
    assert named["missed_meaning"] == 0.0
    assert (named["recogniser"], named["chat"], named["not_english"]) == (1.0, 1.0, 1.0)
    human = dict(zip(FEATURES, outcome_features(result, "cue", interaction()), strict=True))
    assert (human["recogniser"], human["chat"], human["not_english"]) == (0.0, 0.0, 0.0)
    assert human["missed_meaning"] == 1.0 and human["missed_phrase"] == 0.0


def test_a_critical_outcome_is_queued_at_the_lower_threshold() -> None:
    # p = sigmoid(2 - 4 * confidence): 0.8 -> 0.23, 0.95 -> 0.14
    model = confidence_only(2.0, -4.0, threshold=0.2, critical_threshold=0.1)
    results = [
        BehaviorResult("greet", Outcome.MISSED, 0.8),
        BehaviorResult("close", Outcome.MET, 0.95),
        BehaviorResult("verify", Outcome.MET, 0.95, critical=True),
    ]

    queued = apply_error_model(model, results, {}, interaction())

    reasons = {r.behavior_id: r.review_reason for r in queued}
    assert reasons["greet"] is not None and reasons["greet"].startswith("23% chance")
    assert reasons["close"] is None
    assert reasons["verify"] is not None and reasons["verify"].startswith("14% chance")


def test_the_model_decides_over_the_detectors_flag_and_keeps_its_words() -> None:
    model = confidence_only(2.0, -4.0, threshold=0.3, critical_threshold=0.2)
    results = [
        BehaviorResult("greet", Outcome.MET, 0.95, review_reason="similarity near the threshold"),
        BehaviorResult("verify", Outcome.NOT_APPLICABLE, 0.5, critical=True, review_reason="action unclear"),
    ]

    greet, verify = apply_error_model(model, results, {}, interaction())

    assert greet.review_reason is None
    assert verify.review_reason is not None and verify.review_reason.endswith("; action unclear")
    assert verify.review_reason.startswith("a critical outcome that passes on doubtful evidence (50% chance")


def test_fitting_finds_the_outcomes_that_go_wrong() -> None:
    rng = random.Random(3)
    rows, wrong = [], []
    for i in range(600):
        kind = ["phrase", "cue", "regex"][i % 3]
        outcome = Outcome.MISSED if i % 2 else Outcome.MET
        result = BehaviorResult("b", outcome, 0.8 if outcome is Outcome.MISSED else 0.95)
        rows.append(outcome_features(result, kind, interaction()))
        # Paraphrases: a phrase list misses behaviours that were done.
        wrong.append(rng.random() < (0.5 if (kind, outcome) == ("phrase", Outcome.MISSED) else 0.03))

    model = ErrorModel.fit(rows, wrong, threshold=0.3, critical_threshold=0.1, trained_on="test")
    missed_phrase = model.probability(
        outcome_features(BehaviorResult("b", Outcome.MISSED, 0.8), "phrase", interaction())
    )
    met_cue = model.probability(
        outcome_features(BehaviorResult("b", Outcome.MET, 0.95), "cue", interaction())
    )

    assert 0.35 < missed_phrase < 0.65 and met_cue < 0.08


def test_the_model_round_trips_through_the_model_file_and_refuses_others(tmp_path: Path) -> None:
    model = confidence_only(0.5, -1.0, 0.4, 0.2)
    path = modelfile.write(tmp_path / "error.npz", model.to_bytes())

    assert ErrorModel.from_bytes(modelfile.read(path, "error model")) == model
    other = modelfile.dump("coachloop-reason-classifier", 1, {}, {})
    with pytest.raises(ConfigError, match="not a saved error model"):
        ErrorModel.from_bytes(other)
    fewer = modelfile.dump(
        "coachloop-error-model",
        1,
        {"features": ["confidence"], "intercept": 0.0, "threshold": 0.5, "critical_threshold": 0.1},
        {},
    )
    with pytest.raises(ConfigError, match="other features"):
        ErrorModel.from_bytes(fewer)


def test_a_critical_pass_its_detector_doubts_is_queued_whatever_the_model_says() -> None:
    never = confidence_only(-20.0, 0.0, threshold=0.5, critical_threshold=0.5)
    results = [
        BehaviorResult("verify", Outcome.NOT_APPLICABLE, 0.5, critical=True, review_reason="action unclear"),
        BehaviorResult("disclose", Outcome.MET, 0.6, critical=True),
        BehaviorResult("order", Outcome.MISSED, 0.5, critical=True, review_reason="order unclear"),
        BehaviorResult("greet", Outcome.MET, 0.5, review_reason="near the threshold"),
    ]

    verify, disclose, order, greet = apply_error_model(never, results, {}, interaction())

    assert verify.review_reason is not None and verify.review_reason.startswith(
        "a critical outcome that passes"
    )
    assert disclose.review_reason is not None
    assert order.review_reason is None and greet.review_reason is None  # a miss fails loudly
    assert REVIEW_CONFIDENCE == UNSURE_CONFIDENCE


def test_the_shipped_model_loads_with_a_lower_bar_for_critical_outcomes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COACHLOOP_ERROR_MODEL", raising=False)
    model = default_error_model()

    assert model is not None and model.features == FEATURES
    assert 0.0 <= model.critical_threshold <= model.threshold < 1.0
    assert "tuning" in model.trained_on


def test_evaluate_puts_the_models_choice_in_review_reason() -> None:
    rubric = load_rubric("general")
    everything = confidence_only(20.0, 0.0, threshold=0.5, critical_threshold=0.5)

    flagged = evaluate(rubric, GOOD_CALL, error_model=everything)
    quiet = evaluate(rubric, GOOD_CALL, error_model=replace(everything, intercept=-20.0))
    detectors_only = evaluate(rubric, GOOD_CALL, error_model=None)

    assert all(r.review_reason and "chance this outcome is wrong" in r.review_reason for r in flagged.results)
    assert all(r.review_reason is None for r in quiet.results)
    assert [r.outcome for r in flagged.results] == [r.outcome for r in detectors_only.results]
    assert flagged.score == detectors_only.score


def test_the_environment_chooses_another_model_file_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = confidence_only(0.5, -1.0, 0.4, 0.2)
    path = modelfile.write(tmp_path / "mine.npz", mine.to_bytes())

    monkeypatch.setenv("COACHLOOP_ERROR_MODEL", str(path))
    assert default_error_model() == mine
    monkeypatch.setenv("COACHLOOP_ERROR_MODEL", "none")
    assert default_error_model() is None
