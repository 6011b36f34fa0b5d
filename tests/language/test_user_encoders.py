"""Encoders a user chooses by name: an OpenAI-compatible server on loopback, refusing to mix."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from coachloop.errors import ConfigError
from coachloop.language.embeddings import encoder_named
from coachloop.language.reasons import ReasonClassifier

DIM = 32


def bag_of_words(text: str) -> list[float]:
    """A tiny deterministic embedding: hashed word counts (texts sharing words are close)."""
    vector = [0.0] * DIM
    for word in text.lower().split():
        vector[hashlib.blake2b(word.encode(), digest_size=2).digest()[0] % DIM] += 1.0
    return vector


class Embeddings(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        Embeddings.requests.append(body)
        if self.path != "/v1/embeddings":
            self.send_response(404)
            self.end_headers()
            return
        data = [{"index": i, "embedding": bag_of_words(t)} for i, t in enumerate(body["input"])]
        payload = json.dumps(
            {"object": "list", "data": list(reversed(data)), "model": body["model"]}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Embeddings)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_openai_compatible_server_embeds_in_input_order_normalised(server: str) -> None:
    encoder = encoder_named(f"{server}/v1/embeddings#tiny-model")
    texts = [f"my card {i} was lost" for i in range(5)] + ["what is my balance"]

    vectors = encoder.encode(texts, batch_size=2)

    assert vectors.shape == (6, DIM) and encoder.dim == DIM
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    expected = np.array(bag_of_words(texts[5]), dtype=np.float32)
    assert np.allclose(vectors[5], expected / np.linalg.norm(expected))
    assert Embeddings.requests[-1]["model"] == "tiny-model"
    assert max(len(r["input"]) for r in Embeddings.requests) <= 2  # type: ignore[arg-type]


def test_a_server_error_is_one_line_naming_the_url(server: str) -> None:
    with pytest.raises(ConfigError, match=r"encoder http://127\.0\.0\.1:\d+/wrong: HTTP 404"):
        encoder_named(f"{server}/wrong")


def test_unknown_encoder_name_lists_what_can_be_given() -> None:
    with pytest.raises(ConfigError, match=r"unknown encoder 'nonsense'.*URL.*model folder"):
        encoder_named("nonsense")


def test_a_folder_that_is_no_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a model folder"):
        encoder_named(str(tmp_path))


def test_reason_model_records_its_encoder_and_refuses_another(server: str, tmp_path: Path) -> None:
    url = f"{server}/v1/embeddings"
    texts = ["lost my card", "card stolen", "card missing", "check balance", "my balance", "how much money"]
    labels = ["card", "card", "card", "balance", "balance", "balance"]
    model = ReasonClassifier(encoder_named(url), embedding_weight=1.0, head="svm", cv_folds=2).fit(
        texts, labels
    )
    path = model.save(tmp_path / "reasons.npz")

    assert ReasonClassifier.load(path).encoder is encoder_named(url)
    with pytest.raises(ConfigError, match=f"trained with encoder '{url}'"):
        ReasonClassifier.load(path, encoder=encoder_named(f"{url}#another-model"))


def test_an_onnx_model_folder_is_an_encoder(tmp_path: Path) -> None:
    import shutil

    from coachloop.language.embeddings import _model_files

    model, tokenizer = _model_files("minilm-l6-int8")  # the shipped export, as a user's folder
    shutil.copy(model, tmp_path / "model.onnx")
    shutil.copy(tokenizer, tmp_path / "tokenizer.json")

    encoder = encoder_named(str(tmp_path))
    card, card_too, balance = encoder.encode(["i lost my card", "my card is lost", "what is my balance"])

    assert encoder.name == str(tmp_path) and encoder.dim == 384
    assert float(card @ card_too) > float(card @ balance) + 0.2
