"""A model or learned threshold made with MiniLM refuses all-mpnet-base-v2, and back.

The refusal goes by the encoder's name, so a folder called `all-mpnet-base-v2` holding
the shipped ONNX export stands in for the real model where it is not assembled; where it
is (`COACHLOOP_MPNET_FOLDER`, see `benchmarks/mpnet_folder.py`), the last test uses it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from coachloop.errors import ConfigError
from coachloop.evaluate.compile import compile_text
from coachloop.jobs.rubrics import check_encoder
from coachloop.language.embeddings import _model_files, encoder_named
from coachloop.language.reasons import ReasonClassifier

TEXTS = ["lost my card", "card stolen", "card missing", "check balance", "my balance", "how much money"]
LABELS = ["card", "card", "card", "balance", "balance", "balance"]


@pytest.fixture(scope="module")
def mpnet_named(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("models") / "all-mpnet-base-v2"
    folder.mkdir()
    model, tokenizer = _model_files("minilm-l6-int8")
    shutil.copy(model, folder / "model.onnx")
    shutil.copy(tokenizer, folder / "tokenizer.json")
    return str(folder)


def train(encoder_name: str) -> ReasonClassifier:
    return ReasonClassifier(encoder_named(encoder_name), embedding_weight=1.0, head="svm", cv_folds=2).fit(
        TEXTS, LABELS
    )


def test_a_minilm_reason_model_refuses_the_mpnet_folder_and_back(mpnet_named: str, tmp_path: Path) -> None:
    minilm = train("minilm-l6-int8").save(tmp_path / "minilm.npz")
    mpnet = train(mpnet_named).save(tmp_path / "mpnet.npz")

    with pytest.raises(ConfigError, match="trained with encoder 'minilm-l6-int8'"):
        ReasonClassifier.load(minilm, encoder=encoder_named(mpnet_named))
    with pytest.raises(ConfigError, match="all-mpnet-base-v2"):
        ReasonClassifier.load(mpnet, encoder=encoder_named("minilm-l6-int8"))
    loaded = ReasonClassifier.load(mpnet).encoder
    assert loaded is not None and loaded.name == mpnet_named


def test_thresholds_learned_with_minilm_refuse_the_mpnet_folder(mpnet_named: str) -> None:
    rubric = compile_text(
        """
name: learned
version: 1+learned
title: Learned
encoder: minilm-l6-int8
sections:
  - id: opening
    title: Opening
    behaviors:
      - id: greet
        title: Greets
        coaching: Say hello.
        detect: semantic
        examples: [hello and welcome]
        threshold: 0.6
""",
        "learned.yaml",
    )

    with pytest.raises(ConfigError, match=r"learned with encoder 'minilm-l6-int8'.*all-mpnet-base-v2"):
        check_encoder([rubric], active=mpnet_named)
    check_encoder([rubric], active="minilm-l6-int8")


@pytest.mark.skipif(
    not os.environ.get("COACHLOOP_MPNET_FOLDER"),
    reason="COACHLOOP_MPNET_FOLDER is not set (assemble it with benchmarks/mpnet_folder.py)",
)
def test_the_real_mpnet_folder_embeds_768_dimensions_and_is_refused_by_minilm(tmp_path: Path) -> None:
    folder = os.environ["COACHLOOP_MPNET_FOLDER"]
    encoder = encoder_named(folder)
    card, card_too, balance = encoder.encode(["i lost my card", "my card is lost", "what is my balance"])

    assert encoder.dim == 768 and float(card @ card_too) > float(card @ balance) + 0.2
    minilm = train("minilm-l6-int8").save(tmp_path / "minilm.npz")
    with pytest.raises(ConfigError, match="trained with encoder 'minilm-l6-int8'"):
        ReasonClassifier.load(minilm, encoder=encoder)
