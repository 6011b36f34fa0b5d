"""Encoders a user brings: an OpenAI-compatible embeddings server, or a local model folder.

`COACHLOOP_ENCODER` (or `encoder_named`) takes, besides the shipped names:

* `http://HOST:PORT/v1/embeddings` (or https), optionally `#MODEL` for the request's
  `model` field: any OpenAI-compatible `/v1/embeddings` server (vLLM, llama.cpp,
  text-embeddings-inference, a hosted API; `COACHLOOP_ENCODER_API_KEY` is sent as a
  bearer token when set);
* a folder holding `model.onnx` (or `onnx/model.onnx`) and `tokenizer.json`: a
  sentence-transformers model exported to ONNX, run on onnxruntime with mean pooling;
* a sentence-transformers folder without ONNX: run with the `sentence-transformers`
  package (and torch), which coachloop does not install: `pip install
  sentence-transformers torch`.

Every encoder's `name` is what was given, so a model or threshold fitted with one records
it and refuses to be used with another (see `ReasonClassifier.load`).
"""

from __future__ import annotations

import importlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray

from coachloop.errors import ConfigError
from coachloop.language.embeddings import Encoder, encoder_named

__all__ = ["API_KEY_ENV", "HttpEncoder", "OnnxFolderEncoder", "folder_encoder", "is_url"]

API_KEY_ENV = "COACHLOOP_ENCODER_API_KEY"


def is_url(name: str) -> bool:
    return name.startswith(("http://", "https://"))


def _normalised(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out: NDArray[np.float32] = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


class HttpEncoder:
    """Texts embedded by an OpenAI-compatible `/v1/embeddings` server, L2-normalised here."""

    def __init__(self, spec: str, timeout: float = 60.0) -> None:
        url, _, model = spec.partition("#")
        self.name = spec
        self._url = url
        self._model = model or "default"
        self._timeout = timeout
        self._headers = {"content-type": "application/json"}
        key = os.environ.get(API_KEY_ENV)
        if key:
            self._headers["authorization"] = f"Bearer {key}"
        self.dim = int(self._post(["dimension probe"]).shape[1])

    def _post(self, texts: Sequence[str]) -> NDArray[np.float32]:
        body = orjson.dumps({"model": self._model, "input": list(texts)})
        request = urllib.request.Request(self._url, data=body, headers=self._headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                content = response.read()
        except urllib.error.HTTPError as err:
            raise ConfigError(f"encoder {self._url}: HTTP {err.code}: {err.read()[:200]!r}") from None
        except (urllib.error.URLError, OSError) as err:
            raise ConfigError(f"encoder {self._url}: {getattr(err, 'reason', err)}") from None
        try:
            data = sorted(orjson.loads(content)["data"], key=lambda d: d["index"])
            vectors = np.array([d["embedding"] for d in data], dtype=np.float32)
        except (KeyError, TypeError, ValueError, orjson.JSONDecodeError):
            raise ConfigError(
                f"encoder {self._url}: not an OpenAI-style embeddings response "
                '({"data": [{"index", "embedding"}]})'
            ) from None
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise ConfigError(f"encoder {self._url}: {len(vectors)} vectors for {len(texts)} texts")
        return vectors

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        if batch_size < 1:
            raise ValueError("batch_size must be 1 or more")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._post(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
        return _normalised(np.concatenate(parts))


class OnnxFolderEncoder:
    """A sentence-transformers model exported to ONNX: tokenizer.json, mean pooling, L2."""

    def __init__(self, folder: Path, model: Path, max_tokens: int = 384) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = str(folder)
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=max_tokens)
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("COACHLOOP_ENCODER_THREADS", "1") or 1)
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = tokenizer
        self.dim = int(self.encode(["dimension probe"]).shape[1])

    def __reduce__(self) -> tuple[Callable[[str], Encoder], tuple[str]]:
        # A loaded model cannot be pickled: a worker process loads the folder by name.
        return encoder_named, (self.name,)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        if batch_size < 1:
            raise ValueError("batch_size must be 1 or more")
        rows: list[NDArray[np.float32]] = []
        for start in range(0, len(texts), batch_size):
            encodings = self._tokenizer.encode_batch(list(texts[start : start + batch_size]))
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(encodings), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for i, e in enumerate(encodings):
                ids[i, : len(e.ids)] = e.ids
                mask[i, : len(e.ids)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
            weights = mask[..., None].astype(np.float32)
            rows.append((hidden * weights).sum(axis=1) / weights.sum(axis=1))
        if not rows:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        return _normalised(np.concatenate(rows))


class SentenceTransformersEncoder:
    """A sentence-transformers folder run by that package (torch); optional, not installed."""

    def __init__(self, folder: Path) -> None:
        try:
            # Imported by name: an optional package, typed or not wherever it is installed.
            sentence_transformers: Any = importlib.import_module("sentence_transformers")
        except ImportError:
            raise ConfigError(
                f"encoder {folder}: a sentence-transformers folder without model.onnx needs "
                "`pip install sentence-transformers torch` (or export it to ONNX)"
            ) from None
        self.name = str(folder)
        self._model: Any = sentence_transformers.SentenceTransformer(str(folder), device="cpu")
        dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension())

    def __reduce__(self) -> tuple[Callable[[str], Encoder], tuple[str]]:
        # A loaded model cannot be pickled: a worker process loads the folder by name.
        return encoder_named, (self.name,)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        vectors = self._model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True)
        return _normalised(np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim))


def folder_encoder(folder: Path) -> OnnxFolderEncoder | SentenceTransformersEncoder:
    """The encoder for a local model folder: its ONNX export if it has one."""
    if not (folder / "tokenizer.json").is_file() and not (folder / "modules.json").is_file():
        raise ConfigError(f"encoder {folder}: no tokenizer.json or modules.json: not a model folder")
    for candidate in (folder / "model.onnx", folder / "onnx" / "model.onnx"):
        if candidate.is_file() and (folder / "tokenizer.json").is_file():
            return OnnxFolderEncoder(folder, candidate)
    return SentenceTransformersEncoder(folder)
