"""Contact-reason models kept in the store: train, save, find and load them by name.

The CLI, the web API and the live server all go through these, so a model is chosen,
serialised and loaded one way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coachloop.errors import CoachloopError
from coachloop.store import Store, StoredModel

if TYPE_CHECKING:
    from coachloop.language.reasons import ReasonClassifier

__all__ = [
    "REASON_MODEL_KIND",
    "TrainedReasons",
    "latest_reason_model",
    "load_reason_model",
    "require_reason_model",
    "train_reasons",
]

REASON_MODEL_KIND = "reason-classifier"


@dataclass(frozen=True)
class TrainedReasons:
    name: str
    version: int
    model: ReasonClassifier
    texts: int


def train_reasons(
    store: Store,
    name: str,
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    source: str,
    name_examples: bool = True,
) -> TrainedReasons:
    """Fit a classifier on (already redacted) texts and keep it in the store under `name`."""
    from coachloop.language.reasons import ReasonClassifier

    if len(set(labels)) < 2:
        raise CoachloopError(f"{source}: need at least two different labels to train on")
    model = ReasonClassifier(name_examples=name_examples).fit(list(texts), list(labels))
    payload = model.to_bytes()
    info = {"labels": model.labels, "trained_on": source, "texts": len(texts)}
    version = store.save_model(name, REASON_MODEL_KIND, payload, info)
    return TrainedReasons(name, version, model, len(texts))


def latest_reason_model(store: Store) -> str | None:
    """The name of the most recently trained contact-reason model, if any."""
    trained = [(created, name) for name, kind, _, created in store.list_models() if kind == REASON_MODEL_KIND]
    return max(trained)[1] if trained else None


def require_reason_model(store: Store, name: str) -> StoredModel:
    """The stored contact-reason model `name` as stored, or a clear error."""
    stored = store.load_model(name)
    if stored is None or stored.kind != REASON_MODEL_KIND:
        raise CoachloopError(
            f"no contact-reason model named {name!r}: train one with `coachloop reasons train`"
        )
    return stored


def load_reason_model(store: Store, name: str, fast_confidence: float | None = None) -> ReasonClassifier:
    """The stored contact-reason model `name` (its latest version)."""
    from coachloop.language.reasons import ReasonClassifier

    stored = require_reason_model(store, name)
    model = ReasonClassifier.from_bytes(stored.payload, source=f"stored model {name!r}")
    if fast_confidence is not None:
        model.fast_confidence = fast_confidence
    return model
