"""One way to persist a fitted model: named NumPy arrays and a JSON header in one `.npz`.

Every model coachloop fits and keeps (a contact-reason classifier, a trained language
identifier) is written by `dump` and read by `load`, to a file or as the bytes kept in
the store's `models` table. The archive is read with `allow_pickle=False`, so loading a
model never runs code from it. The header names the model's `kind` and `format_version`;
a file of another kind, or of a version this coachloop does not read, is refused with a
line saying so. (Learned semantic thresholds are rubric settings, not a model: they are
kept in the rubric file with the encoder that fitted them, see `evaluate.learn`.)
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coachloop.errors import ConfigError

__all__ = ["SUFFIX", "dump", "load", "read", "write"]

SUFFIX = ".npz"
_HEADER = "header"


def dump(kind: str, version: int, header: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> bytes:
    """The bytes of a model of `kind` at format `version`: `header` (JSON-able) and `arrays`."""
    if _HEADER in arrays:
        raise ValueError(f"an array may not be called {_HEADER!r}")
    for name, array in arrays.items():
        if array.dtype == object:
            raise ValueError(f"array {name!r} holds Python objects: it could not be loaded without pickle")
    meta = {"format": kind, "format_version": version, **header}
    buffer = io.BytesIO()
    payload: dict[str, Any] = {_HEADER: np.array(json.dumps(meta)), **arrays}
    np.savez_compressed(buffer, **payload)
    return buffer.getvalue()


def load(data: bytes, kind: str, version: int, *, source: str, what: str) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """(header, arrays) of a model written by `dump`. `source` names where the bytes came
    from and `what` the kind of model in error lines ("not a saved reason classifier")."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        raise ConfigError(f"{source}: not a saved {what} ({err})") from None
    try:
        header = json.loads(str(arrays.pop(_HEADER)))
    except (KeyError, json.JSONDecodeError):
        raise ConfigError(f"{source}: not a saved {what} (no header)") from None
    if not isinstance(header, dict) or header.get("format") != kind:
        found = header.get("format") if isinstance(header, dict) else None
        raise ConfigError(f"{source}: not a saved {what} (format {found!r})")
    if header.get("format_version") != version:
        raise ConfigError(
            f"{source}: saved in format version {header.get('format_version')}, this coachloop "
            f"reads version {version}: train it again"
        )
    return header, arrays


def write(path: str | Path, data: bytes) -> Path:
    """Write model bytes to `path` (`.npz` appended if missing); the path written."""
    target = Path(path)
    if target.suffix != SUFFIX:
        target = target.with_name(target.name + SUFFIX)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def read(path: str | Path, what: str) -> bytes:
    """The bytes of a model file, or one line saying why it cannot be read."""
    source = Path(path)
    try:
        return source.read_bytes()
    except OSError as err:
        raise ConfigError(f"{source}: cannot read the {what}: {err.strerror or err}") from None
