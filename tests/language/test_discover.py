"""Reason discovery finds and names groups it was not told about; the scoring helpers."""

from __future__ import annotations

import numpy as np
import pytest

from coachloop.agreement.classification import (
    adjusted_rand,
    confusion,
    expected_calibration_error,
    hungarian_accuracy,
    macro_f1,
    normalized_mutual_info,
)
from coachloop.jobs.texts import load_labelled
from coachloop.language.embeddings import Encoder, default_encoder
from coachloop.language.reasons.discover import Discovery, discover, name_clusters
from tests.shared_data import shared_file

GROUPS = {
    "password": [
        "i need to reset my password",
        "please reset my password",
        "can you reset my password",
        "password reset please",
        "help me reset my password",
        "i want to reset the password on my account",
        "i forgot my password, can you reset it",
        "reset my online banking password",
        "my password needs to be reset",
        "how do i reset my password",
    ],
    "hours": [
        "what are your opening hours",
        "what are the branch opening hours",
        "what hours is the branch open",
        "what are your hours on saturday",
        "what are the opening hours today",
        "tell me your branch hours",
        "opening hours of the downtown branch",
        "what are the branch hours this weekend",
        "when are you open, what are your hours",
        "i need the opening hours of the branch",
    ],
    "checks": [
        "i need to order new checks",
        "i want to order checks",
        "please order checks for my account",
        "can i order a new book of checks",
        "order more checks please",
        "how do i order checks",
        "i would like to order checks",
        "i ran out of checks and need to order more",
        "order personal checks for me",
        "i need to order a box of checks",
    ],
}
"""Three reasons far apart, each said ten ways whose mean distance is under the cut."""


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return default_encoder()


@pytest.fixture(scope="module")
def found(encoder: Encoder) -> tuple[list[str], list[str], Discovery]:
    texts = [t for items in GROUPS.values() for t in items]
    truth = [name for name, items in GROUPS.items() for _ in items]
    return texts, truth, discover(texts, encoder=encoder)


def test_finds_the_groups_without_being_told_how_many(found: tuple[list[str], list[str], Discovery]) -> None:
    texts, truth, result = found
    assert len(result.clusters) == 3
    assert len(result.labels) == len(texts)
    assert hungarian_accuracy(truth, result.labels) == 1.0


def test_names_clusters_by_their_distinctive_words(found: tuple[list[str], list[str], Discovery]) -> None:
    _, truth, result = found
    for cluster in result.clusters:
        group = next(truth[i] for i, label in enumerate(result.labels) if label == cluster.id)
        assert group in " ".join(cluster.keywords[:2]).split(), (group, cluster.name)
        assert cluster.name == " / ".join(cluster.keywords[:3])


def test_clusters_are_ordered_sized_and_represented_by_members(
    found: tuple[list[str], list[str], Discovery],
) -> None:
    texts, _, result = found
    assert [c.id for c in result.clusters] == list(range(len(result.clusters)))
    assert sum(c.size for c in result.clusters) == len(texts)
    assert [c.size for c in result.clusters] == sorted((c.size for c in result.clusters), reverse=True)
    for cluster in result.clusters:
        members = {texts[i] for i, label in enumerate(result.labels) if label == cluster.id}
        assert cluster.size == len(members)
        assert 1 <= len(cluster.representatives) <= 3
        assert set(cluster.representatives) <= members


def test_same_texts_give_the_same_discovery(
    encoder: Encoder, found: tuple[list[str], list[str], Discovery]
) -> None:
    texts, _, result = found
    assert discover(texts, encoder=encoder) == result


def test_nothing_to_discover() -> None:
    assert discover([]) == Discovery([], [])


def test_above_max_texts_a_sample_is_clustered_and_the_rest_joins_it() -> None:
    rng = np.random.default_rng(1)
    centres = np.eye(8, dtype=np.float32)[:3]
    vectors = np.repeat(centres, 40, axis=0) + rng.normal(0, 0.05, (120, 8)).astype(np.float32)
    texts = [f"{word} item {i}" for word in ("alpha", "bravo", "charlie") for i in range(40)]
    result = discover(texts, embeddings=vectors, max_texts=30, words_weight=0.0)
    truth = [t.split()[0] for t in texts]
    assert len(result.clusters) == 3
    assert hungarian_accuracy(truth, result.labels) == 1.0
    assert {c.keywords[0] for c in result.clusters} == {"alpha item", "bravo item", "charlie item"}


def test_embeddings_must_match_texts() -> None:
    with pytest.raises(ValueError, match="2 texts but 1 embeddings"):
        discover(["a", "b"], embeddings=np.zeros((1, 4), dtype=np.float32))


def test_name_clusters_prefers_distinctive_terms_and_skips_repeats() -> None:
    texts = [
        "my card arrival is late",
        "card arrival still pending",
        "where is my card arrival",
        "my transfer failed yesterday",
        "transfer failed again on my card",
    ]
    names = name_clusters(texts, [0, 0, 0, 1, 1])
    assert names[0][1][0] == "card arrival"
    assert names[1][1][0] == "transfer failed"
    for name, keywords in names.values():
        assert name == " / ".join(keywords[:3])
        words = [w for k in keywords for w in k.split()]
        assert len(words) == len(set(words))
    assert name_clusters(["the", "a"], [0, 1]) == {0: ("reason 0", []), 1: ("reason 1", [])}


def test_scoring_helpers() -> None:
    truth = ["a", "a", "b", "b", "c"]
    assert hungarian_accuracy(truth, [1, 1, 0, 0, 0]) == pytest.approx(0.8)
    assert hungarian_accuracy(truth, [0, 1, 2, 3, 4]) == pytest.approx(0.6)
    assert normalized_mutual_info(truth, [5, 5, 6, 6, 7]) == pytest.approx(1.0)
    assert adjusted_rand(truth, [5, 5, 6, 6, 7]) == pytest.approx(1.0)
    labels, matrix = confusion(["a", "b", "b"], ["a", "a", "b"])
    assert labels == ["a", "b"]
    assert matrix.tolist() == [[1, 0], [1, 1]]
    assert macro_f1(["a", "b"], ["a", "b"]) == 1.0
    assert expected_calibration_error([True, False], [1.0, 0.0]) == 0.0
    assert expected_calibration_error([True, True], [0.5, 0.5]) == pytest.approx(0.5)


@pytest.mark.shared_data
def test_dstc11_banking_turns_are_grouped_close_to_their_intents(encoder: Encoder) -> None:
    _, texts, intents = load_labelled(shared_file("dstc11/banking.jsonl"))
    result = discover(texts, encoder=encoder)
    assert len(texts) == 407
    assert 10 <= len(result.clusters) <= 30
    assert normalized_mutual_info(intents, result.labels) >= 0.7
