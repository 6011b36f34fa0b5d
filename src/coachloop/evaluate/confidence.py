"""Which outcomes a person should check: a calibrated model of "the machine is wrong here".

A detector's own confidence says little about whether its outcome is right (a phrase not
found is 0.8 whether the agent said it in other words or never said it), and queueing
outcomes whose similarity came near a threshold sent reviewers mostly right outcomes
(10-17 % of them were wrong). The error model instead predicts, for every scored outcome,
the probability that a person would change it, from what the evaluation already knows:

* the outcome (met, missed, not applicable) and the detector's confidence;
* whether the detector flagged it (weak evidence, an applicability decision made on little);
* how much evidence it quotes, and which kind of detector made it (phrases, regexes,
  checks by meaning, an order rule, timing), crossed with the outcome;
* whether the behaviour is critical;
* the transcript: a speech recogniser's (`metadata.transcript == "asr"`), a chat, a
  language other than English, and its length in turns.

It is a logistic regression on standardised features, fitted by
`benchmarks.eval_review_queue --fit` on outcomes whose truth is known and that no figure
is reported on (see `docs/trust.md`), kept with `coachloop.language.modelfile` as
`evaluate/resources/error_model.npz`, and applied by pure Python arithmetic.

The queue rule (`ErrorModel.needs_review`): an outcome goes to the review queue when its
error probability reaches `threshold`; a **critical** outcome already at the lower
`critical_threshold`. And, whatever the model says, a critical outcome that would pass
(met or not applicable) on evidence its detector doubts (a `review_reason`, or confidence
under `UNSURE_CONFIDENCE`) is queued, as before the model: a silent pass of a violation
is the worst error, so violations caught by the machine or the queue can never be fewer
than with the detectors' flags alone.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import numpy as np

from coachloop.language import modelfile
from coachloop.model import BehaviorResult, Channel, Interaction, Outcome

__all__ = [
    "DETECTOR_KINDS",
    "ENV",
    "FEATURES",
    "KIND",
    "UNSURE_CONFIDENCE",
    "ErrorModel",
    "apply_error_model",
    "default_error_model",
    "detector_kind",
    "outcome_features",
    "silent_pass_doubted",
]

UNSURE_CONFIDENCE = 0.7
"""A critical outcome that passes with less confidence than this is always queued (the
detectors' own scale: a phrase missed is 0.8, a decision made on weak evidence under)."""

CLIP = 4.0
"""Standardised features are clipped to +-CLIP: a rare feature (a detector kind seen on a
few outcomes) or a call far outside the fitted range (three turns) cannot push the
probability to certainty on its own."""
ENV = "COACHLOOP_ERROR_MODEL"
"""`none`: no error model (the detectors' own flags make the queue); a path: that model
file instead of the shipped one."""

KIND = "coachloop-error-model"
FORMAT_VERSION = 1
RESOURCE = "error_model.npz"

DETECTOR_KINDS: Mapping[str, str] = {
    "phrase": "phrase",
    "regex": "regex",
    "cue": "meaning",
    "semantic": "meaning",
    "asked_answered": "meaning",
    "prohibited": "meaning",
    "action": "meaning",
    "responds_to_frustration": "meaning",
    "order": "order",
    "hold": "timing",
    "silence": "timing",
}
"""Registered detector -> the kind of evidence it reads (others are `other`)."""

_KINDS = ("phrase", "regex", "meaning", "order", "timing", "other")
_OUTCOMES = (Outcome.MET, Outcome.MISSED, Outcome.NOT_APPLICABLE)

FEATURES: tuple[str, ...] = (
    "confidence",
    "met",
    "missed",
    "not_applicable",
    "critical",
    "flagged",
    "evidence",
    *(f"{o.value}_{k}" for o in _OUTCOMES for k in _KINDS),
    "recogniser",
    "chat",
    "not_english",
    "log_turns",
)


def silent_pass_doubted(result: BehaviorResult) -> bool:
    """The outcome would pass (not missed) on evidence its detector doubts."""
    return result.outcome is not Outcome.MISSED and (
        result.review_reason is not None or result.confidence < UNSURE_CONFIDENCE
    )


def detector_kind(detector: str) -> str:
    return DETECTOR_KINDS.get(detector, "other")


def outcome_features(result: BehaviorResult, detector: str, interaction: Interaction) -> list[float]:
    """The features of one outcome, in `FEATURES` order; `result.review_reason` is the
    detector's own flag (before the error model)."""
    kind = detector_kind(detector)
    outcome = result.outcome
    language = interaction.language
    return [
        float(result.confidence),
        float(outcome is Outcome.MET),
        float(outcome is Outcome.MISSED),
        float(outcome is Outcome.NOT_APPLICABLE),
        float(result.critical),
        float(result.review_reason is not None),
        float(min(len(result.evidence), 3)),
        *(float(outcome is o and kind == k) for o in _OUTCOMES for k in _KINDS),
        float(interaction.metadata.get("transcript") == "asr"),
        float(interaction.channel is Channel.CHAT),
        float(language is not None and not language.startswith("en")),
        math.log1p(len(interaction.utterances)),
    ]


@dataclass(frozen=True, slots=True)
class ErrorModel:
    """A fitted logistic regression over `FEATURES` and its two queue thresholds."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    """Any outcome at or above this error probability is queued."""
    critical_threshold: float
    """A critical outcome at or above this one is queued (<= `threshold`)."""
    trained_on: str = ""
    """What it was fitted on, in words."""

    def probability(self, features: Sequence[float]) -> float:
        """The probability that the outcome with these features is wrong."""
        z = self.intercept
        for x, m, s, c in zip(features, self.mean, self.scale, self.coef, strict=True):
            z += c * min(max((x - m) / s, -CLIP), CLIP)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def needs_review(self, probability: float, result: BehaviorResult) -> bool:
        """Whether `result` (as its detector gave it) goes to the queue at `probability`."""
        if result.critical and silent_pass_doubted(result):
            return True
        return probability >= (self.critical_threshold if result.critical else self.threshold)

    def to_bytes(self) -> bytes:
        header = {
            "features": list(self.features),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "critical_threshold": self.critical_threshold,
            "trained_on": self.trained_on,
        }
        arrays = {
            "mean": np.array(self.mean, dtype=np.float64),
            "scale": np.array(self.scale, dtype=np.float64),
            "coef": np.array(self.coef, dtype=np.float64),
        }
        return modelfile.dump(KIND, FORMAT_VERSION, header, arrays)

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "error model") -> ErrorModel:
        header, arrays = modelfile.load(data, KIND, FORMAT_VERSION, source=source, what="error model")
        features = tuple(str(f) for f in header["features"])
        if features != FEATURES:
            from coachloop.errors import ConfigError

            raise ConfigError(f"{source}: fitted on other features than this coachloop computes")
        return cls(
            features=features,
            mean=tuple(float(v) for v in arrays["mean"]),
            scale=tuple(float(v) for v in arrays["scale"]),
            coef=tuple(float(v) for v in arrays["coef"]),
            intercept=float(header["intercept"]),
            threshold=float(header["threshold"]),
            critical_threshold=float(header["critical_threshold"]),
            trained_on=str(header.get("trained_on", "")),
        )

    @classmethod
    def fit(
        cls,
        rows: Sequence[Sequence[float]],
        wrong: Sequence[bool],
        *,
        threshold: float,
        critical_threshold: float,
        trained_on: str,
        c: float = 1.0,
        weights: Sequence[float] | None = None,
    ) -> ErrorModel:
        """A logistic regression (L2, `c`, optional sample `weights`) on standardised
        features; features that never vary get scale 1 and do not move the probability."""
        from sklearn.linear_model import LogisticRegression

        x = np.asarray(rows, dtype=np.float64)
        y = np.asarray(wrong, dtype=bool)
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        model = LogisticRegression(C=c, max_iter=2000).fit(
            np.clip((x - mean) / scale, -CLIP, CLIP),
            y,
            sample_weight=None if weights is None else np.asarray(weights),
        )
        return cls(
            features=FEATURES,
            mean=tuple(float(v) for v in mean),
            scale=tuple(float(v) for v in scale),
            coef=tuple(float(v) for v in model.coef_[0]),
            intercept=float(model.intercept_[0]),
            threshold=threshold,
            critical_threshold=critical_threshold,
            trained_on=trained_on,
        )

    def with_thresholds(self, threshold: float, critical_threshold: float) -> ErrorModel:
        return replace(self, threshold=threshold, critical_threshold=critical_threshold)


def default_error_model() -> ErrorModel | None:
    """The error model evaluation uses: `COACHLOOP_ERROR_MODEL` (`none`, or a model file),
    else the shipped one; None (the detectors' own flags make the queue) for `none` or
    where the package has none."""
    return _error_model(os.environ.get(ENV, "").strip())


@cache
def _error_model(choice: str) -> ErrorModel | None:
    if choice.lower() == "none":
        return None
    if choice:
        return ErrorModel.from_bytes(modelfile.read(choice, "error model"), source=choice)
    source = resources.files("coachloop.evaluate").joinpath("resources", RESOURCE)
    if not source.is_file():
        return None
    return ErrorModel.from_bytes(source.read_bytes(), source=str(source))


def apply_error_model(
    model: ErrorModel,
    results: Sequence[BehaviorResult],
    detectors: Mapping[str, str],
    interaction: Interaction,
) -> list[BehaviorResult]:
    """The results with `review_reason` set where the model queues the outcome (naming its
    error probability, and the detector's own doubt when it had one) and cleared elsewhere."""
    out: list[BehaviorResult] = []
    for result in results:
        p = model.probability(outcome_features(result, detectors.get(result.behavior_id, ""), interaction))
        reason: str | None = None
        if model.needs_review(p, result):
            if result.critical and silent_pass_doubted(result):
                reason = f"a critical outcome that passes on doubtful evidence ({p:.0%} chance it is wrong)"
            else:
                reason = f"{p:.0%} chance this outcome is wrong (error model)"
            if result.review_reason:
                reason += f"; {result.review_reason}"
        out.append(replace(result, review_reason=reason) if reason != result.review_reason else result)
    return out
