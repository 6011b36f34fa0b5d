"""Learning semantic examples and thresholds from labelled calls, with the real encoder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coachloop.agreement.labels import BehaviorLabel, Label
from coachloop.evaluate import evaluate, load_rubric
from coachloop.evaluate.learn import learn_behaviors, learned_rubric
from coachloop.language.embeddings import default_encoder
from coachloop.model import Interaction, Outcome, Speaker, Utterance
from tests.shared_data import shared_file

RUBRIC = """\
name: tiny
version: "1"
title: Tiny
sections:
  - id: close
    title: Close
    behaviors:
      - id: offer_more
        title: Offers further help
        coaching: Ask whether there is anything else.
        detect: phrase
        phrases: [anything else]
        window: {last_turns: 2}
"""

OFFERS = [
    "is there anything more i can do for you",
    "can i help with something else today",
    "what else can i do for you",
    "do you need help with anything further",
    "is there another thing i can assist with",
    "may i help you with any other matter",
]
OTHER = [
    "your card will arrive in five days",
    "the transfer went through this morning",
    "your balance is two hundred dollars",
    "i have reset your password",
    "the branch opens at nine",
    "your appointment is on monday",
]


def call(i: int, offer: str | None) -> Interaction:
    """A short call; the agent offers further help (utterance 3) when `offer` is given."""
    a, c = Speaker.AGENT, Speaker.CUSTOMER
    turns = [(a, f"hello this is the bank, call {i}"), (c, "i need help"), (a, OTHER[i % len(OTHER)])]
    if offer is not None:
        turns.append((a, offer))
    turns.append((a, "goodbye"))
    return Interaction(
        id=f"c{i}", utterances=[Utterance(index=k, speaker=s, text=t) for k, (s, t) in enumerate(turns)]
    )


def label(interaction: Interaction, met: bool) -> Label:
    cited = (3,) if met else ()
    return Label(
        interaction_id=interaction.id,
        rubric="tiny",
        annotator="test",
        behaviors={"offer_more": BehaviorLabel(Outcome.MET if met else Outcome.MISSED, cited)},
    )


def test_learned_examples_catch_paraphrases_the_phrase_list_misses(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(RUBRIC)
    rubric = load_rubric(tmp_path / "tiny.yaml")
    train = [call(i, OFFERS[i]) for i in range(5)] + [call(10 + i, None) for i in range(5)]
    labels = {c.id: label(c, met=i < 5) for i, c in enumerate(train)}
    (learned,) = learn_behaviors(rubric, train, labels, ["offer_more"], default_encoder())
    assert set(learned.examples) == set(OFFERS[:5])
    assert "goodbye" in learned.negatives and not set(OFFERS) & set(learned.negatives)
    assert 0.0 < learned.threshold < 1.0 and learned.training_f1 == 1.0 and learned.calls == 10

    document = learned_rubric(yaml.safe_load(RUBRIC), [learned], "(test)")
    behavior = document["sections"][0]["behaviors"][0]
    assert behavior["detect"] == "semantic" and "phrases" not in behavior
    assert behavior["window"] == {"last_turns": 2} and document["version"] == "1+learned"
    (tmp_path / "learned.yaml").write_text(yaml.safe_dump(document))
    smart = load_rubric(tmp_path / "learned.yaml")
    unseen = call(99, OFFERS[5])  # "may i help you with any other matter": no phrase matches
    assert evaluate(rubric, unseen).results[0].outcome is Outcome.MISSED
    result = evaluate(smart, unseen).results[0]
    assert result.outcome is Outcome.MET and result.evidence[0].utterance_index == 3
    assert evaluate(smart, call(98, None)).results[0].outcome is Outcome.MISSED


def test_learning_needs_calls_labelled_met(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(RUBRIC)
    rubric = load_rubric(tmp_path / "tiny.yaml")
    calls = [call(0, OFFERS[0]), call(1, None)]
    labels = {calls[0].id: label(calls[0], True), calls[1].id: label(calls[1], False)}
    with pytest.raises(ValueError, match="1 call\\(s\\) labelled met"):
        learn_behaviors(rubric, calls, labels, ["offer_more"], default_encoder())
    with pytest.raises(ValueError, match="not a behaviour"):
        learn_behaviors(rubric, calls, labels, ["nope"], default_encoder())


def test_rubric_learn_writes_a_loadable_rubric_from_labelled_hvb_calls(tmp_path: Path) -> None:
    data = shared_file("hvb/dev.jsonl")
    labels = Path(__file__).resolve().parents[2] / "eval" / "labels" / "hvb_dev_retail_bank.jsonl"
    proc = subprocess.run(
        [
            sys.executable, "-m", "coachloop", "rubric", "learn", "retail_bank", str(labels), str(data),
            "--format", "hvb", "--behavior", "offer_further_help", "--behavior", "polite_close",
            "-o", str(tmp_path / "learned.yaml"),
        ],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "offer_further_help:" in proc.stdout and "polite_close:" in proc.stdout
    learned = load_rubric(tmp_path / "learned.yaml")
    kinds = {item.spec.id: item.spec.detect for item in learned.behaviors()}
    assert kinds["offer_further_help"] == kinds["polite_close"] == "semantic"
    assert kinds["confirm_request"] == "phrase"  # not asked for: unchanged
    assert learned.version == "4+learned"
