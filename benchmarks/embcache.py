"""Embeddings kept on disk between benchmark runs, so a rerun with a big encoder is cheap.

`DiskCachedEncoder(inner, folder)` answers texts it has seen from `folder/<encoder>/`
(one `.npz` per batch of new texts, appended as they are encoded, so an interrupted run
keeps what it did) and sends only new texts to `inner`, shortest first (less padding).
A vector does not depend on the texts it is encoded with, so a stored vector is the one
the encoder would return. The default folder is under /tmp (`COACHLOOP_EMBEDDING_CACHE`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from coachloop.language.embeddings import Encoder

DEFAULT_FOLDER = Path(
    os.environ.get("COACHLOOP_EMBEDDING_CACHE", Path(tempfile.gettempdir()) / "coachloop-embeddings")
)
CHUNK = 512


class DiskCachedEncoder:
    """`inner` behind an on-disk memo of text -> vector; same `name` and `dim` as `inner`."""

    def __init__(self, inner: Encoder, folder: Path = DEFAULT_FOLDER) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.encoded = 0
        self._folder = folder / hashlib.sha256(inner.name.encode()).hexdigest()[:16]
        self._folder.mkdir(parents=True, exist_ok=True)
        (self._folder / "encoder.txt").write_text(inner.name + "\n")
        self._vectors: dict[str, NDArray[np.float32]] = {}
        for part in sorted(self._folder.glob("part-*.npz")):
            with np.load(part, allow_pickle=False) as stored:
                for text, vector in zip(stored["texts"].tolist(), stored["vectors"], strict=True):
                    self._vectors[str(text)] = vector

    def _store(self, texts: list[str], vectors: NDArray[np.float32]) -> None:
        number = len(list(self._folder.glob("part-*.npz")))
        path = self._folder / f"part-{number:06d}.npz"
        with open(path.with_suffix(".tmp"), "wb") as out:
            np.savez(out, texts=np.array(texts, dtype=str), vectors=vectors)
        path.with_suffix(".tmp").rename(path)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        missing = sorted((t for t in dict.fromkeys(texts) if t not in self._vectors), key=len)
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            vectors = self.inner.encode(chunk, batch_size)
            self._store(chunk, vectors)
            self._vectors.update(zip(chunk, vectors, strict=True))
            self.encoded += len(chunk)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._vectors[text]
        return out
