"""Contact-reason classifier and its inputs, on small hand-written fixtures."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from coachloop.agreement.classification import accuracy
from coachloop.errors import ConfigError
from coachloop.jobs.texts import load_labelled
from coachloop.language.embeddings import Encoder, default_encoder
from coachloop.language.reasons import (
    FORMAT_VERSION,
    LOGISTIC_MAX_TEXTS,
    ReasonClassifier,
    conversation_text,
    name_example,
)
from coachloop.model import Speaker, Utterance
from tests.shared_data import shared_file

TRAIN = {
    "reset password": [
        "i forgot my password and can't log in",
        "how do i reset my online banking password",
        "my password stopped working",
        "locked out of the app after too many password attempts",
        "need a new password for internet banking",
        "can you help me change my login password",
        "the website says my password is wrong",
        "i want to reset the password on my account",
        "password reset link never arrived",
        "cannot sign in, password not accepted",
    ],
    "lost card": [
        "i lost my debit card",
        "my card was stolen yesterday",
        "i can't find my credit card anywhere",
        "please block my card, it's missing",
        "someone took my wallet with my card in it",
        "i need a replacement for my lost card",
        "my card fell out of my pocket",
        "cancel my stolen card please",
        "i think i left my card at the restaurant and it's gone",
        "report a lost bank card",
    ],
    "branch hours": [
        "what time does the branch open",
        "are you open on saturday",
        "when does the downtown branch close today",
        "what are your opening hours",
        "is the branch open on public holidays",
        "how late are you open on fridays",
        "what time do you close this evening",
        "opening times for the main street office",
        "are branches open on sunday morning",
        "until what hour is the branch open",
    ],
    "transfer money": [
        "i want to send money to my sister",
        "how do i transfer funds to another account",
        "move 500 dollars from savings to checking",
        "make a transfer to my landlord",
        "wire money abroad",
        "send a payment to a friend's account",
        "transfer money between my accounts",
        "i need to move funds to my other bank",
        "can i send cash to my son's account",
        "set up a bank transfer",
    ],
}
HELD_OUT = [
    ("my login keeps failing, i think i need a new password", "reset password"),
    ("my purse was stolen with my card", "lost card"),
    ("do you open early on monday", "branch hours"),
    ("i'd like to send 200 dollars to my brother's account", "transfer money"),
]


def training_data() -> tuple[list[str], list[str]]:
    texts = [t for items in TRAIN.values() for t in items]
    labels = [label for label, items in TRAIN.items() for _ in items]
    return texts, labels


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return default_encoder()


@pytest.fixture(scope="module")
def trained(encoder: Encoder) -> ReasonClassifier:
    texts, labels = training_data()
    return ReasonClassifier(encoder).fit(texts, labels)


def test_predicts_reasons_of_unseen_paraphrases(trained: ReasonClassifier) -> None:
    predicted = trained.predict([t for t, _ in HELD_OUT])
    assert [p[0] for p in predicted] == [label for _, label in HELD_OUT]
    assert trained.labels == sorted(TRAIN)
    assert (trained.head, trained.embedding_weight) in trained.cv_accuracy


def test_small_training_sets_choose_between_svm_and_logistic_by_cross_validation(
    trained: ReasonClassifier, encoder: Encoder
) -> None:
    assert {head for head, _ in trained.cv_accuracy} == {"svm", "logistic"}
    assert trained.head is not None and trained.embedding_weight is not None
    assert trained.cv_accuracy[(trained.head, trained.embedding_weight)] == max(trained.cv_accuracy.values())
    texts, labels = training_data()
    forced = ReasonClassifier(encoder, head="svm").fit(texts, labels)
    assert {head for head, _ in forced.cv_accuracy} == {"svm"} and forced.head == "svm"
    assert ReasonClassifier._heads(LOGISTIC_MAX_TEXTS + 1) == ["svm"]
    with pytest.raises(ValueError, match="head must be one of svm, logistic"):
        ReasonClassifier(head="forest")


def test_reason_names_become_training_texts() -> None:
    assert name_example("card_not_working") == "card not working"
    assert name_example("BillingQuestion") == "Billing Question"
    assert name_example("lost-card/abroad") == "lost card abroad"
    assert name_example("17") is None and name_example("__") is None
    texts = ["it has gone, i cannot find it anywhere", "when can i come in to see you"]
    labels = ["lost_card", "opening_hours"]
    with_names = ReasonClassifier(use_embeddings=False).fit(texts, labels)
    without = ReasonClassifier(use_embeddings=False, name_examples=False).fit(texts, labels)
    assert with_names.n_train == without.n_train == 2
    probe = ["my card is lost", "what are your hours"]
    assert [label for label, _ in with_names.predict(probe)] == labels
    right = np.arange(len(probe))  # labels are sorted, so probe i belongs to column i
    gain = with_names.predict_proba(probe)[right, right] - without.predict_proba(probe)[right, right]
    assert (gain > 0.05).all()


def test_confidences_are_probabilities(trained: ReasonClassifier) -> None:
    texts = [t for t, _ in HELD_OUT] + ["", "banana", "what is the weather like"]
    probabilities = trained.predict_proba(texts)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    for label, confidence in trained.predict(texts):
        assert label in TRAIN
        assert 0.0 <= confidence <= 1.0
    assert trained.predict([]) == []


def test_save_load_round_trip_predicts_the_same(trained: ReasonClassifier, tmp_path: Path) -> None:
    texts = [t for t, _ in HELD_OUT] + training_data()[0][:5]
    path = trained.save(tmp_path / "reasons")
    assert path.name == "reasons.npz"
    loaded = ReasonClassifier.load(path)
    assert loaded.labels == trained.labels
    assert loaded.trained_at == trained.trained_at
    assert loaded.embedding_weight == trained.embedding_weight
    assert loaded.head == trained.head and loaded.cv_accuracy == trained.cv_accuracy
    assert loaded.encoder is not None and loaded.encoder.name == "minilm-l6-int8"
    before, after = trained.predict(texts), loaded.predict(texts)
    assert [p[0] for p in after] == [p[0] for p in before]
    np.testing.assert_allclose([p[1] for p in after], [p[1] for p in before], rtol=1e-5)


def test_saved_file_holds_no_pickled_objects(trained: ReasonClassifier, tmp_path: Path) -> None:
    path = trained.save(tmp_path / "reasons.npz")
    with np.load(path, allow_pickle=False) as data:
        header = json.loads(str(data["header"]))
        assert all(data[name].dtype != object for name in data.files)
    assert header["format_version"] == FORMAT_VERSION
    assert header["encoder"] == "minilm-l6-int8"
    assert header["labels"] == sorted(TRAIN)
    assert header["trained_at"]


def test_loading_another_format_version_is_refused(trained: ReasonClassifier, tmp_path: Path) -> None:
    path = trained.save(tmp_path / "reasons.npz")
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    header = json.loads(str(arrays["header"]))
    header["format_version"] = FORMAT_VERSION + 1
    arrays["header"] = np.array(json.dumps(header))
    np.savez(tmp_path / "future.npz", **arrays)
    with pytest.raises(ConfigError, match="format version 2"):
        ReasonClassifier.load(tmp_path / "future.npz")
    np.savez(tmp_path / "other.npz", weights=np.zeros(3))
    with pytest.raises(ConfigError, match="not a saved reason classifier"):
        ReasonClassifier.load(tmp_path / "other.npz")


def test_models_saved_before_the_head_choice_load_as_svms(trained: ReasonClassifier, tmp_path: Path) -> None:
    path = trained.save(tmp_path / "reasons.npz")
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    header = json.loads(str(arrays["header"]))
    del header["head"], header["name_examples"]
    header["cv_accuracy"] = {"1": 0.9, "2": 0.95}
    arrays["header"] = np.array(json.dumps(header))
    np.savez(tmp_path / "older.npz", **arrays)
    older = ReasonClassifier.load(tmp_path / "older.npz")
    assert older.head == "svm" and not older.name_examples
    assert older.cv_accuracy == {("svm", 1.0): 0.9, ("svm", 2.0): 0.95}
    texts = [t for t, _ in HELD_OUT]
    assert [p[0] for p in older.predict(texts)] == [p[0] for p in trained.predict(texts)]


class OtherEncoder:
    name = "other"
    dim = 384

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        return np.full((len(texts), self.dim), 1 / np.sqrt(self.dim), dtype=np.float32)


def test_loading_with_a_different_encoder_is_refused(trained: ReasonClassifier, tmp_path: Path) -> None:
    path = trained.save(tmp_path / "reasons.npz")
    with pytest.raises(ConfigError, match="trained with encoder 'minilm-l6-int8', not 'other'"):
        ReasonClassifier.load(path, encoder=OtherEncoder())


def test_words_only_classifier_needs_no_encoder(tmp_path: Path) -> None:
    texts, labels = training_data()
    model = ReasonClassifier(use_embeddings=False).fit(texts, labels)
    assert model.encoder is None
    loaded = ReasonClassifier.load(model.save(tmp_path / "words.npz"))
    assert loaded.encoder is None
    queries = ["reset my password", "what time do you open"]
    assert [p[0] for p in loaded.predict(queries)] == ["reset password", "branch hours"]
    assert loaded.predict(queries) == model.predict(queries)


def test_fast_confidence_sends_only_unsure_texts_to_the_encoder(trained: ReasonClassifier) -> None:
    texts = [t for t, _ in HELD_OUT] + training_data()[0] + ["banana", "hello there", "the weather"]
    trained.encoded_texts = 0
    trained.fast_confidence = 0.9
    try:
        fast = trained.predict(texts)
    finally:
        trained.fast_confidence = None
    assert 0 < trained.encoded_texts < len(texts)
    assert accuracy([label for _, label in HELD_OUT], [p[0] for p in fast[: len(HELD_OUT)]]) >= 0.75


def test_fit_needs_two_reasons_and_matching_lengths(encoder: Encoder) -> None:
    with pytest.raises(ValueError, match="at least two"):
        ReasonClassifier(encoder).fit(["a", "b"], ["x", "x"])
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        ReasonClassifier(encoder).fit(["a", "b"], ["x"])
    with pytest.raises(ConfigError, match="not trained"):
        ReasonClassifier(encoder).predict(["hello"])


def test_one_example_per_reason_still_trains(encoder: Encoder) -> None:
    model = ReasonClassifier(encoder).fit(["reset my password", "what time do you open"], ["pw", "hours"])
    assert model.cv_accuracy == {}
    label, confidence = model.predict(["i forgot my password"])[0]
    assert label == "pw"
    assert 0.5 < confidence <= 1.0


# --- conversation text -----------------------------------------------------------------


def turns(*pairs: tuple[Speaker, str]) -> list[Utterance]:
    return [Utterance(index=i, speaker=s, text=t) for i, (s, t) in enumerate(pairs)]


def test_conversation_text_keeps_the_customer_and_drops_marks() -> None:
    call = turns(
        (Speaker.AGENT, "thank you for calling how can i help"),
        (Speaker.CUSTOMER, "hi [noise] i lost my <unk> card"),
        (Speaker.AGENT, "sorry to hear that"),
        (Speaker.CUSTOMER, "it was my [CARD] debit card"),
    )
    assert conversation_text(call) == "hi i lost my card it was my [CARD] debit card"
    assert conversation_text(call, use_customer_only=False).startswith("thank you for calling")


def test_conversation_text_without_customer_turns_uses_every_turn() -> None:
    call = turns((Speaker.AGENT, "i see you want a new card"), (Speaker.SYSTEM, "[noise]"))
    assert conversation_text(call) == "i see you want a new card"


# --- shared data ---------------------------------------------------------------------


@pytest.mark.shared_data
def test_hvb_reasons_are_learned_from_recogniser_transcripts(encoder: Encoder) -> None:
    ids, texts, labels = load_labelled(shared_file("hvb/dev.jsonl"), use_asr=True)
    train = [i for i in range(len(ids)) if i % 3 != 0]
    test = [i for i in range(len(ids)) if i % 3 == 0]
    model = ReasonClassifier(encoder).fit([texts[i] for i in train], [labels[i] for i in train])
    predicted = [p[0] for p in model.predict([texts[i] for i in test])]
    assert accuracy([labels[i] for i in test], predicted) >= 0.9
