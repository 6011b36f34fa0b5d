"""A trainable sequence tagger: averaged structured perceptron over word features.

The shipped identifier knows no labelled data, so a team with its own labelled
transcripts (their agents' spellings, their product names, their labelling conventions)
can do better by training. This is a CRF-like linear model: each word's score for a
label sums weights of its features (the word, its repeat-collapsed form, prefixes,
suffixes and character n-grams, its neighbours, and the shipped lexicon evidence, so
training starts from what the lexicons know), a label-to-label transition weight
scores switching, and Viterbi finds the best sequence. Weights are learned with the
averaged perceptron, which needs no numerical library and trains in seconds on a
hundred thousand words.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np

from coachloop.errors import ConfigError
from coachloop.language import modelfile
from coachloop.language.langid.decode import viterbi
from coachloop.language.langid.romanize import skeleton
from coachloop.language.langid.text import Script, analyze

__all__ = ["FORMAT", "FORMAT_VERSION", "PerceptronTagger"]

FORMAT = "coachloop-langid-perceptron"
FORMAT_VERSION = 2
"""Version 1 was a JSON file; models are now kept as every coachloop model is (`modelfile`)."""
WHAT = "language model"

Evidence = Callable[[str], float]
"""Lexicon evidence of a Latin lookup form: log P(form | en) - log P(form | hi)."""


def _bin(value: float) -> str:
    return str(max(-12, min(12, round(value))))


def _word_features(token: str, evidence: Evidence | None) -> list[str]:
    """Features of a token on its own (cached per token by the caller)."""
    info = analyze(token)
    feats = ["b", f"sc={info.script}"]
    if info.script is Script.LATIN:
        form = info.form
        feats.append(f"w={form}")
        sk = skeleton(form)
        feats.append(f"sk={sk}")
        feats.append(f"len={min(len(form), 8)}")
        if token[:1].isupper():
            feats.append("cap" if not token.isupper() or len(token) == 1 else "caps")
        padded = f"^{form}$"
        for n in (2, 3, 4):
            feats.extend(f"g{n}={padded[i : i + n]}" for i in range(len(padded) - n + 1))
        if evidence is not None:
            feats.append(f"lex={_bin(evidence(form))}")
    elif info.script is Script.DIGITS:
        feats.append(f"num={min(len(token), 4)}")
    elif info.script is Script.NONE:
        feats.append(f"p={token[:3]}")
    else:
        feats.append(f"w={token.lower()}")
    return feats


def _context_key(token: str) -> str:
    info = analyze(token)
    return info.form if info.script is Script.LATIN else f"<{info.script}>"


class PerceptronTagger:
    """Labels every token of a sentence with one of the labels it was trained on."""

    def __init__(
        self,
        labels: Sequence[str],
        weights: dict[str, list[float]],
        transitions: list[list[float]],
        start: list[float],
        evidence: Evidence | None = None,
    ) -> None:
        self.labels = list(labels)
        self.weights = weights
        self.transitions = transitions
        self.start = start
        self.evidence = evidence
        self._feature_cache: dict[str, list[str]] = {}

    # -- features ---------------------------------------------------------------------

    def _token_features(self, token: str) -> list[str]:
        feats = self._feature_cache.get(token)
        if feats is None:
            if len(self._feature_cache) > 200_000:
                self._feature_cache.clear()
            feats = _word_features(token, self.evidence)
            self._feature_cache[token] = feats
        return feats

    def features(self, tokens: Sequence[str]) -> list[list[str]]:
        """Every token's own features plus its neighbours' words and lexicon evidence."""
        keys = [_context_key(t) for t in tokens]
        lex = [
            _bin(self.evidence(k)) if self.evidence is not None and analyze(t).script is Script.LATIN else "x"
            for t, k in zip(tokens, keys, strict=True)
        ]
        result = []
        n = len(tokens)
        for i, token in enumerate(tokens):
            feats = list(self._token_features(token))
            prev_key = keys[i - 1] if i > 0 else "<s>"
            next_key = keys[i + 1] if i + 1 < n else "</s>"
            feats.append(f"w-1={prev_key}")
            feats.append(f"w+1={next_key}")
            feats.append(f"w-1w={prev_key}|{keys[i]}")
            feats.append(f"ww+1={keys[i]}|{next_key}")
            feats.append(f"lex-1={lex[i - 1] if i > 0 else '<s>'}")
            feats.append(f"lex+1={lex[i + 1] if i + 1 < n else '</s>'}")
            result.append(feats)
        return result

    # -- decoding ---------------------------------------------------------------------

    def _emissions(
        self, feats: list[list[str]], allowed: Sequence[Sequence[bool]] | None
    ) -> list[list[float]]:
        k_labels = len(self.labels)
        weights = self.weights
        rows = []
        for i, token_feats in enumerate(feats):
            row = [0.0] * k_labels
            for f in token_feats:
                w = weights.get(f)
                if w is not None:
                    for k in range(k_labels):
                        row[k] += w[k]
            if allowed is not None:
                row = [v if allowed[i][k] else float("-inf") for k, v in enumerate(row)]
            rows.append(row)
        return rows

    def predict(self, tokens: Sequence[str], allowed: Sequence[Sequence[bool]] | None = None) -> list[str]:
        """The best label sequence; `allowed[i][k]` False forbids label k at token i."""
        if not tokens:
            return []
        path = viterbi(self._emissions(self.features(tokens), allowed), self.transitions, self.start)
        return [self.labels[k] for k in path]

    # -- training ---------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        sentences: Sequence[Sequence[tuple[str, str]]],
        evidence: Evidence | None = None,
        epochs: int = 6,
        seed: int = 13,
    ) -> PerceptronTagger:
        """Averaged structured perceptron over (token, label) sentences.

        Each epoch visits the sentences in a seeded random order and, where the decoded
        sequence differs from the gold one, moves weight towards the gold labels' features
        and transitions; the returned weights are averaged over every step, which is what
        keeps a perceptron from overfitting its last few updates.
        """
        labels = sorted({label for sentence in sentences for _, label in sentence})
        if not labels:
            raise ValueError("no labelled tokens to train on")
        index = {label: k for k, label in enumerate(labels)}
        k_labels = len(labels)
        model = cls(labels, {}, [[0.0] * k_labels for _ in labels], [0.0] * k_labels, evidence)

        # Feature ids per token, computed once.
        ids: dict[str, int] = {}
        data: list[tuple[list[list[int]], list[int]]] = []
        for sentence in sentences:
            if not sentence:
                continue
            tokens = [t for t, _ in sentence]
            gold = [index[label] for _, label in sentence]
            feats = [
                [ids.setdefault(f, len(ids)) for f in token_feats] for token_feats in model.features(tokens)
            ]
            data.append((feats, gold))

        n_params = len(ids) * k_labels
        w = [0.0] * n_params
        u = [0.0] * n_params  # step-weighted sums of updates, for averaging
        t_w = [[0.0] * k_labels for _ in labels]
        t_u = [[0.0] * k_labels for _ in labels]
        s_w = [0.0] * k_labels
        s_u = [0.0] * k_labels
        step = 1
        rng = random.Random(seed)
        order = list(range(len(data)))
        for _ in range(epochs):
            rng.shuffle(order)
            for j in order:
                feats, gold = data[j]
                emissions = []
                for token_ids in feats:
                    row = [0.0] * k_labels
                    for fid in token_ids:
                        base = fid * k_labels
                        for k in range(k_labels):
                            row[k] += w[base + k]
                    emissions.append(row)
                pred = viterbi(emissions, t_w, s_w)
                if pred != gold:
                    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
                        if g != p:
                            for fid in feats[i]:
                                base = fid * k_labels
                                w[base + g] += 1.0
                                u[base + g] += step
                                w[base + p] -= 1.0
                                u[base + p] -= step
                        if i == 0:
                            if g != p:
                                s_w[g] += 1.0
                                s_u[g] += step
                                s_w[p] -= 1.0
                                s_u[p] -= step
                        elif (gold[i - 1], g) != (pred[i - 1], p):
                            t_w[gold[i - 1]][g] += 1.0
                            t_u[gold[i - 1]][g] += step
                            t_w[pred[i - 1]][p] -= 1.0
                            t_u[pred[i - 1]][p] -= step
                step += 1

        def average(value: float, summed: float) -> float:
            return value - summed / step

        weights: dict[str, list[float]] = {}
        for name, fid in ids.items():
            base = fid * k_labels
            vec = [average(w[base + k], u[base + k]) for k in range(k_labels)]
            if any(abs(v) > 1e-9 for v in vec):
                weights[name] = vec
        model.weights = weights
        model.transitions = [
            [average(t_w[a][b], t_u[a][b]) for b in range(k_labels)] for a in range(k_labels)
        ]
        model.start = [average(s_w[k], s_u[k]) for k in range(k_labels)]
        model._feature_cache.clear()
        return model

    # -- persistence ------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The model as model bytes (`coachloop.language.modelfile`): features, their
        weights per label, transitions and start scores as arrays."""
        features = sorted(self.weights)
        k = len(self.labels)
        weights = np.array([self.weights[f] for f in features], dtype=np.float64).reshape(len(features), k)
        return modelfile.dump(
            FORMAT,
            FORMAT_VERSION,
            {"labels": self.labels, "uses_lexicon_evidence": self.evidence is not None},
            {
                "features": np.array(features, dtype=np.str_),
                "weights": weights,
                "transitions": np.array(self.transitions, dtype=np.float64).reshape(k, k),
                "start": np.array(self.start, dtype=np.float64),
            },
        )

    @classmethod
    def from_bytes(cls, data: bytes, evidence: Evidence | None = None, *, source: str = "model") -> PerceptronTagger:
        """A model from `to_bytes`; `evidence` must be given if it was trained with it."""
        header, arrays = modelfile.load(data, FORMAT, FORMAT_VERSION, source=source, what=WHAT)
        if header.get("uses_lexicon_evidence") and evidence is None:
            raise ConfigError(f"{source}: the model uses lexicon evidence; pass the lexicons' evidence function")
        labels = [str(label) for label in header["labels"]]
        features = [str(f) for f in arrays["features"]]
        weights = {f: [float(v) for v in row] for f, row in zip(features, arrays["weights"], strict=True)}
        return cls(
            labels,
            weights,
            [[float(v) for v in row] for row in arrays["transitions"]],
            [float(v) for v in arrays["start"]],
            evidence if header.get("uses_lexicon_evidence") else None,
        )
