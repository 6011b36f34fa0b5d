"""`detect: semantic`: utterances close in meaning to example phrasings, with the real encoder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from typer.testing import CliRunner

import coachloop.detect.semantic  # noqa: F401  (registers the detector until detect/__init__ imports it)
from coachloop.cli import app
from coachloop.detect.base import Scope
from coachloop.detect.semantic import (
    DEFAULT_THRESHOLD,
    EMBEDDINGS_KEY,
    SemanticDetector,
    calibrate_threshold,
)
from coachloop.errors import RubricError
from coachloop.evaluate import evaluate, load_rubric, prepare
from coachloop.evaluate.compile import CompiledRubric
from coachloop.language.embeddings import CachedEncoder, Encoder, default_encoder, encoder_named
from coachloop.model import BehaviorResult, Interaction, Outcome, Speaker, Utterance

A, C = Speaker.AGENT, Speaker.CUSTOMER

RUBRIC = """\
name: semantic_check
version: "1"
title: Semantic check
sections:
  - id: communication
    title: Communication
    behaviors:
      - id: pain_mirror
        title: Mirrors the customer's pain
        coaching: Acknowledge how the customer feels.
        detect: semantic
        examples: ["I understand how frustrating this must be", "I'm sorry to hear that happened"]
        variants: {hi-en: ["main samajh sakta hoon ki yeh kitna frustrating hai"]}
        negatives: ["I understand, let me check"]
      - id: loose_mirror
        title: Loosely mirrors, near misses excluded
        coaching: Acknowledge how the customer feels.
        detect: semantic
        examples: ["I understand how frustrating this must be"]
        negatives: ["I understand, let me check"]
        threshold: 0.25
      - id: loose_mirror_no_negatives
        title: Loosely mirrors
        coaching: Acknowledge how the customer feels.
        detect: semantic
        examples: ["I understand how frustrating this must be"]
        threshold: 0.25
      - id: offers_more_help
        title: Offers more help
        coaching: Ask whether there is anything else.
        detect: semantic
        examples: ["Is there anything else I can help you with", "Can I help with anything else today"]
"""


class CountingEncoder:
    """Delegates to the real encoder and records every batch of texts it is asked for."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        self.calls.append(list(texts))
        return self.inner.encode(texts, batch_size)


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return default_encoder()


@pytest.fixture(scope="module")
def rubric(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> CompiledRubric:
    path = tmp_path_factory.mktemp("semantic") / "semantic.yaml"
    path.write_text(RUBRIC, encoding="utf-8")
    return load_rubric(path)


def call(*turns: tuple[Speaker, str]) -> Interaction:
    return Interaction(
        "s-1", utterances=[Utterance(i, s, t, float(i), i + 0.9) for i, (s, t) in enumerate(turns)]
    )


def result(r: CompiledRubric, interaction: Interaction, behavior: str = "pain_mirror") -> BehaviorResult:
    return next(b for b in evaluate(r, interaction).results if b.behavior_id == behavior)


def test_a_paraphrase_of_an_example_is_met_with_evidence(rubric: CompiledRubric) -> None:
    interaction = call(
        (A, "Thank you for calling, how can I help?"),
        (C, "I was charged twice for the same order."),
        (A, "Oh no, I'm so sorry to hear about that."),
        (A, "Let me pull up your account."),
    )
    r = result(rubric, interaction)
    assert r.outcome is Outcome.MET
    assert [e.utterance_index for e in r.evidence] == [2]
    matched = r.evidence[0].matched
    assert matched is not None and matched.startswith("similar to 'I'm sorry to hear that happened' (")
    assert r.evidence[0].span is None and r.evidence[0].speaker is A
    assert 0.5 <= r.confidence <= 0.99


def test_recogniser_text_without_case_or_punctuation_is_met(rubric: CompiledRubric) -> None:
    interaction = call(
        (A, "thank you for calling how can i help"),
        (C, "ive been charged twice and nobody called me back"),
        (A, "i understand how frustrating that must be for you"),
    )
    r = result(rubric, interaction)
    assert r.outcome is Outcome.MET
    assert r.evidence[0].utterance_index == 2


def test_unrelated_talk_is_missed_with_the_window_and_best_score(rubric: CompiledRubric) -> None:
    interaction = call(
        (A, "thank you for calling how can i help"),
        (C, "i want to check my balance"),
        (A, "your current balance shows two hundred and forty dollars"),
        (C, "okay"),
        (A, "the statement closes on the twentieth of each month"),
    )
    r = result(rubric, interaction)
    assert r.outcome is Outcome.MISSED
    assert r.expected_window is not None
    assert (r.expected_window.from_utterance, r.expected_window.to_utterance) == (0, 4)
    assert (
        r.note is not None
        and "best similarity 0." in r.note
        and f"threshold {DEFAULT_THRESHOLD:.2f}" in r.note
    )
    assert not r.evidence
    # Far below the threshold: a surer miss than one that nearly qualified.
    assert r.confidence > 0.7


def test_a_near_miss_closer_to_a_negative_does_not_count(rubric: CompiledRubric) -> None:
    interaction = call((C, "my card was declined"), (A, "i understand let me check that for you"))
    # The same low threshold meets it when no negative is given; the negative excludes it.
    assert result(rubric, interaction, "loose_mirror_no_negatives").outcome is Outcome.MET
    r = result(rubric, interaction, "loose_mirror")
    assert r.outcome is Outcome.MISSED
    assert r.note is not None and "near miss" in r.note


def test_customer_utterances_are_ignored_for_an_agent_behaviour(rubric: CompiledRubric) -> None:
    interaction = call(
        (A, "how can i help"),
        (C, "i understand how frustrating this must be for you to hear"),
        (C, "im sorry to hear that happened"),
        (A, "okay one moment"),
    )
    r = result(rubric, interaction)
    assert r.outcome is Outcome.MISSED
    assert r.expected_window is not None
    assert (r.expected_window.from_utterance, r.expected_window.to_utterance) == (0, 3)


def test_utterances_are_embedded_once_per_conversation_across_behaviours(
    rubric: CompiledRubric, encoder: Encoder
) -> None:
    counting = CountingEncoder(encoder)
    detectors = [i.detector for i in rubric.items if i.spec.id in ("pain_mirror", "offers_more_help")]
    assert all(isinstance(d, SemanticDetector) for d in detectors)
    interaction = call(
        (A, "thank you for calling"),
        (C, "my card was declined twice"),
        (A, "im so sorry to hear that"),
        (C, "thanks"),
        (A, "is there anything more i can do for you today"),
    )
    conv = prepare(rubric, interaction)
    agent = Scope.of(conv.turns[A])
    findings = []
    for d in detectors:
        assert isinstance(d, SemanticDetector)
        d.encoder = counting
        d.example_vectors(counting)  # examples are embedded once per detector, not per call
    counting.calls.clear()
    for d in detectors:
        assert isinstance(d, SemanticDetector)
        findings.append(d.detect(conv, agent, {}))
        findings.append(d.detect(conv, agent, {}))
    assert [f.outcome for f in findings] == [Outcome.MET] * 4
    assert counting.calls == [[u.text for u in interaction.utterances if u.speaker is A]]
    assert sorted(conv.memo[(EMBEDDINGS_KEY, encoder.name)]) == [0, 2, 4]
    # A wider scope embeds only the positions not cached yet.
    detectors[0].detect(conv, Scope.of(range(5)), {})
    assert counting.calls[1:] == [["my card was declined twice", "thanks"]]
    for d in detectors:
        assert isinstance(d, SemanticDetector)
        d.encoder = encoder


POSITIVES = [
    "i can imagine how annoying that is",
    "that sounds really frustrating im so sorry",
    "im really sorry that happened to you",
    "i understand how upsetting this must be",
]
NEGATIVES = [
    "your balance is two hundred dollars",
    "the statement closes on the twentieth",
    "let me pull up your account details",
    "can you confirm your date of birth",
]


@pytest.mark.parametrize("examples", [None, ["I understand how frustrating this must be"]])
def test_calibrate_threshold_separates_a_labelled_set(encoder: Encoder, examples: list[str] | None) -> None:
    t = calibrate_threshold(POSITIVES, NEGATIVES, encoder, examples=examples)
    assert 0 < t < 1
    vectors = encoder.encode(POSITIVES + NEGATIVES)
    if examples is None:
        sims = vectors @ vectors[: len(POSITIVES)].T
        np.fill_diagonal(sims[: len(POSITIVES)], -np.inf)
    else:
        sims = vectors @ encoder.encode(examples).T
    scores = sims.max(axis=1)
    assert (scores[: len(POSITIVES)] >= t).all()
    assert (scores[len(POSITIVES) :] < t).all()


def test_calibrate_threshold_needs_positives(encoder: Encoder) -> None:
    with pytest.raises(ValueError, match="positive"):
        calibrate_threshold([], NEGATIVES, encoder)


BAD = """\
name: bad
version: "1"
title: Bad
sections:
  - id: communication
    title: Communication
    behaviors:
      - id: pain_mirror
        title: Mirrors pain
        coaching: Acknowledge it.
        detect: semantic
{settings}
"""


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ('        examples: ["im sorry"]\n        threshold: 1.5', r"bad\.yaml:13 .*threshold"),
        ('        examples: ["im sorry"]\n        threshold: 0', r"bad\.yaml:13 .*threshold"),
        ("        examples: []", r"bad\.yaml:\d+ .*examples"),
        ('        examples: ["im sorry"]\n        phrases: [sorry]', r"bad\.yaml:\d+ .*phrases"),
        ('        examples: ["thanks for calling {brand}"]', r"bad\.yaml:\d+ .*brand"),
    ],
)
def test_bad_settings_are_rubric_errors_with_a_line(tmp_path: Path, settings: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD.format(settings=settings), encoding="utf-8")
    with pytest.raises(RubricError, match=message):
        load_rubric(path)


def test_rubric_check_does_not_load_the_encoder(tmp_path: Path) -> None:
    path = tmp_path / "semantic.yaml"
    path.write_text(RUBRIC, encoding="utf-8")
    before = encoder_named.cache_info()
    compiled = load_rubric(path)
    outcome = CliRunner().invoke(app, ["rubric", "check", str(path)])
    assert outcome.exit_code == 0, outcome.output
    assert "ok" in outcome.output
    after = encoder_named.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)  # default_encoder never asked
    for item in compiled.items:
        assert isinstance(item.detector, SemanticDetector)
        assert item.detector._encoder is None and not item.detector._examples


LEXICAL_FIRST = """\
name: lexical_first
version: "1"
title: Lexical first
sections:
  - id: close
    title: Close
    behaviors:
      - id: further_help
        title: Offers further help
        coaching: Ask whether there is anything else.
        detect: semantic
        examples: ["Is there anything else I can help you with"]
        lexical: {phrases: [anything else], variants: {hi-en: [aur kuch]}}
"""


def test_a_lexical_phrase_settles_the_behaviour_without_the_encoder(tmp_path: Path, encoder: Encoder) -> None:
    path = tmp_path / "lexical.yaml"
    path.write_text(LEXICAL_FIRST, encoding="utf-8")
    r = load_rubric(path)
    counting = CountingEncoder(encoder)
    (detector,) = [i.detector for i in r.items]
    assert isinstance(detector, SemanticDetector)
    detector.encoder = counting
    said = call((A, "hello"), (C, "hi"), (A, "is there anything else today"))
    met = result(r, said, "further_help")
    assert met.outcome is Outcome.MET and met.confidence == 0.95
    assert met.evidence[0].utterance_index == 2 and met.evidence[0].matched == "anything else"
    hinglish = result(
        r,
        call(
            (A, "aur kuch madad chahiye?"),
        ),
        "further_help",
    )
    assert hinglish.outcome is Outcome.MET and counting.calls == []
    paraphrase = result(
        r, call((A, "hello"), (C, "hi"), (A, "can i help with something more")), "further_help"
    )
    assert paraphrase.outcome is Outcome.MET and paraphrase.evidence[0].matched is not None
    assert paraphrase.evidence[0].matched.startswith("similar to ")
    assert counting.calls and counting.calls[-1] == ["hello", "can i help with something more"]


def test_cached_encoder_returns_the_encoders_vectors_and_forgets_the_oldest(encoder: Encoder) -> None:
    counting = CountingEncoder(encoder)
    cached = CachedEncoder(counting, max_texts=2)
    first = cached.encode(["okay one moment", "let me check", "okay one moment"])
    assert counting.calls == [["okay one moment", "let me check"]]
    assert np.array_equal(first[0], first[2])
    assert np.allclose(first, encoder.encode(["okay one moment", "let me check", "okay one moment"]))
    cached.encode(["let me check"])
    assert len(counting.calls) == 1 and cached.hits == 2 and cached.misses == 2
    cached.encode(["thank you"])  # evicts "okay one moment", the least recently used
    cached.encode(["let me check", "okay one moment"])
    assert counting.calls[-1] == ["okay one moment"]
