"""Contact-reason classification: why did the customer call?

Why this design: a contact center labels a few hundred conversations per reason at
best, and often ten. A linear SVM over three views of the text, each cheap to fit and
hard to overfit, does well at both ends:

* word uni- and bigrams (TF-IDF): the exact terms of each reason ("reset", "password");
* character 2-5-grams within words (TF-IDF): the same terms when a speech recogniser
  spells them wrongly ("pasword", "re set");
* the sentence embedding of a fixed encoder (`embeddings`): paraphrases that share no
  words ("my card never came" ~ "still waiting on the card").

How much the embedding weighs against the words, and which linear model weighs them, are
chosen at `fit` by stratified cross-validation on the training data (words matter more
with hundreds of examples per reason, meaning more with ten). The candidates are a
linear SVM and, for training sets of up to `LOGISTIC_MAX_TEXTS` texts, a multinomial
logistic regression: with ten examples per reason it does better (BANKING77, six draws
of 10 per intent scored on other training texts: 0.841 against 0.828), with thousands
the SVM does as well or better at a fifth of the fitting time. The same out-of-fold
scores fit one softmax temperature, so a confidence of 0.8 is right about 80 % of the
time (expected calibration error ≈0.02 on BANKING77); raw margins are not probabilities.

Each reason's name is one more training example ("card_not_working" -> "card not
working"): a taxonomy's names say what its reasons mean, which matters most when a
reason has few examples (BANKING77 10 per intent: +0.7 points by the same
cross-validation). Names that hold no letters are skipped; `name_examples=False` turns
this off for taxonomies of codes.

`fast_confidence` trades accuracy for speed: texts that a words-only model (fitted
alongside) is at least that sure of skip the encoder, the only slow step. The
benchmark `benchmarks/bench_reasons.py` prints what each setting costs.

A trained classifier is saved as one `.npz` (numpy arrays plus a JSON header with the
format version, encoder, labels and training time), loaded with `allow_pickle=False`:
loading a model file never runs code from it.

Training and prediction texts are read (and redacted, as ingest does) by
`coachloop.jobs.texts`; this module does no I/O except saving and loading a model.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from coachloop.errors import ConfigError
from coachloop.language import modelfile
from coachloop.language.embeddings import Encoder, default_encoder, encoder_named
from coachloop.model import Speaker, Utterance

__all__ = [
    "DEFAULT_EMBEDDING_WEIGHT",
    "EMBEDDING_WEIGHTS",
    "FORMAT",
    "FORMAT_VERSION",
    "HEADS",
    "LOGISTIC_MAX_TEXTS",
    "ReasonClassifier",
    "conversation_text",
    "name_example",
]

FORMAT = "coachloop-reasons"
FORMAT_VERSION = 1
WHAT = "reason classifier"
"""How error lines name a model file of this kind."""
EMBEDDING_WEIGHTS = (1.0, 2.0, 4.0)
"""Candidate weights of the embedding against the (unit-norm) word features."""
DEFAULT_EMBEDDING_WEIGHT = 2.0
"""The weight when there are too few examples to choose one by cross-validation."""
HEADS = ("svm", "logistic")
"""The linear models `fit` chooses between: LinearSVC, multinomial logistic regression."""
LOGISTIC_MAX_TEXTS = 3_000
"""Above this many training texts only the SVM is tried (the logistic fit is ~5x slower)."""
LOGISTIC_C = 10.0
"""Inverse regularisation of the logistic head (BANKING77 10 per intent: 3-100 within 0.001)."""
_MARKS = re.compile(r"<unk>|\[[a-z_ ]+\]")
"""Transcription marks ("[noise]", "<unk>"); upper-case redaction tokens ("[CARD]") stay."""
_WORD_PARAMS: dict[str, Any] = {
    "lowercase": True,
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "max_features": 50_000,
    "dtype": np.float32,
}
_CHAR_PARAMS: dict[str, Any] = {
    "lowercase": True,
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "sublinear_tf": True,
    "max_features": 50_000,
    "dtype": np.float32,
}
_CHAR_MIN_DF_FROM = 50
"""With at least this many training texts, character n-grams seen once are dropped."""


def conversation_text(utterances: Sequence[Utterance], use_customer_only: bool = True) -> str:
    """One text for the classifier from a conversation's turns, in order.

    The customer's words say why they called; the agent's greeting and verification
    are the same in every call and only dilute them. A transcript with no customer turn
    (one channel, unknown speakers) falls back to every turn. Transcription marks
    are dropped.
    """
    chosen = [u for u in utterances if u.speaker is Speaker.CUSTOMER] if use_customer_only else []
    if not any(u.text.strip() for u in chosen):
        chosen = list(utterances)
    parts = (_MARKS.sub(" ", u.text) for u in chosen)
    return " ".join(" ".join(p.split()) for p in parts if p.strip())


def name_example(label: str) -> str | None:
    """A reason's name as a training text ("card_not_working" -> "card not working").

    None for a name with no letters (a code such as "17" says nothing about the reason).
    """
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", label)
    text = " ".join(re.sub(r"[_\-./:]+", " ", text).split())
    return text if any(ch.isalpha() for ch in text) else None


# --- the classifier -------------------------------------------------------------------


def _fit_temperature(scores: NDArray[np.float64], y: NDArray[np.int64]) -> float:
    """The softmax temperature that minimises the cross-entropy to smoothed targets.

    The targets keep 1/(n+2) of their mass spread over all reasons (Laplace's rule of
    succession): when every held-out text of a small training set is right, the plain
    likelihood would drive the temperature to zero and call "banana" a reason with
    confidence 1.0. With thousands of texts the smoothing is negligible.
    """
    n, k = scores.shape
    smoothing = 1.0 / (n + 2)
    targets = np.full((n, k), smoothing / k)
    targets[np.arange(n), y] += 1.0 - smoothing

    def nll(log_t: float) -> float:
        return float(-(targets * log_softmax(scores / math.exp(log_t), axis=1)).sum(axis=1).mean())

    result = minimize_scalar(nll, bounds=(-6.0, 3.0), method="bounded")
    return float(math.exp(result.x))


def _as_scores(decision: NDArray[np.float64], n_classes: int) -> NDArray[np.float64]:
    """One score per class; a two-class SVM gives one margin, split around zero."""
    if n_classes == 2:
        d = decision.reshape(-1)
        return np.column_stack([-d / 2, d / 2])
    return decision


@dataclass(slots=True)
class _Linear:
    """A fitted linear model over the concatenated features, as plain arrays."""

    coef: NDArray[np.float32]  # (n_classes, n_features)
    intercept: NDArray[np.float32]  # (n_classes,)
    temperature: float

    @classmethod
    def from_estimator(cls, model: Any, n_classes: int, temperature: float) -> _Linear:
        coef = np.asarray(model.coef_, dtype=np.float32)
        intercept = np.asarray(model.intercept_, dtype=np.float32)
        if n_classes == 2:
            coef = np.vstack([-coef / 2, coef / 2])
            intercept = np.concatenate([-intercept / 2, intercept / 2])
        return cls(coef, intercept, temperature)

    def probabilities(
        self, words: sparse.csr_matrix, dense: NDArray[np.float32] | None
    ) -> NDArray[np.float64]:
        n_words = words.shape[1]
        scores = np.asarray(words @ self.coef[:, :n_words].T, dtype=np.float64)
        if dense is not None:
            scores += dense @ self.coef[:, n_words:].T
        scores += self.intercept
        return np.asarray(softmax(scores / self.temperature, axis=1), dtype=np.float64)


class ReasonClassifier:
    """Contact reason of a text (an utterance or `conversation_text` of a call).

    `encoder=None` uses `default_encoder()` when fitting; `use_embeddings=False` keeps
    to words alone (no model needed, ~20x faster, less accurate on paraphrases).
    `embedding_weight=None` chooses it by cross-validation among `EMBEDDING_WEIGHTS`,
    `head=None` the linear model among `HEADS` (see the module docstring);
    `name_examples` adds each reason's name as a training text.
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        *,
        use_embeddings: bool = True,
        embedding_weight: float | None = None,
        fast_confidence: float | None = None,
        head: str | None = None,
        name_examples: bool = True,
        c: float = 1.0,
        cv_folds: int = 3,
        random_state: int = 0,
    ) -> None:
        if embedding_weight is not None and embedding_weight <= 0:
            raise ValueError("embedding_weight must be positive")
        if head is not None and head not in HEADS:
            raise ValueError(f"head must be one of {', '.join(HEADS)}, not {head!r}")
        if fast_confidence is not None and not 0.0 < fast_confidence <= 1.0:
            raise ValueError("fast_confidence must be in (0, 1]")
        self.encoder = encoder
        self.use_embeddings = use_embeddings
        self.embedding_weight = embedding_weight
        self.fast_confidence = fast_confidence
        self.head = head
        self.name_examples = name_examples
        self.c = c
        self.cv_folds = cv_folds
        self.random_state = random_state
        self.labels: list[str] = []
        self.trained_at: datetime | None = None
        self.n_train = 0
        self.cv_accuracy: dict[tuple[str, float], float] = {}
        """Out-of-fold accuracy of each (head, embedding weight) tried at `fit`."""
        self.encoded_texts = 0
        """Texts predicted through the encoder so far (the rest took the words-only path)."""
        self._word: TfidfVectorizer | None = None
        self._char: TfidfVectorizer | None = None
        self._full: _Linear | None = None
        self._fast: _Linear | None = None

    # -- fitting ---------------------------------------------------------------------

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Self:
        texts, labels = list(texts), list(labels)
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise ValueError("need at least two different reasons to learn from")
        index = {label: i for i, label in enumerate(classes)}
        y = np.array([index[label] for label in labels], dtype=np.int64)
        folds = self._folds(y)  # over the labelled texts only: names are never held out
        names = [(text, i) for i, label in enumerate(classes) if (text := name_example(label))]
        if self.name_examples and names:
            texts = texts + [text for text, _ in names]
            y_all = np.concatenate([y, np.array([i for _, i in names], dtype=np.int64)])
        else:
            y_all = y
        char_params = dict(_CHAR_PARAMS, min_df=2 if len(texts) >= _CHAR_MIN_DF_FROM else 1)
        self._word = TfidfVectorizer(**_WORD_PARAMS).fit(texts)
        self._char = TfidfVectorizer(**char_params).fit(texts)
        words = self._words(texts)

        weight, head = 0.0, "svm"
        if self.use_embeddings:
            if self.encoder is None:
                self.encoder = default_encoder()
            dense = self.encoder.encode(texts)
            weights = [self.embedding_weight] if self.embedding_weight else list(EMBEDDING_WEIGHTS)
            heads = [self.head] if self.head else self._heads(len(y))
            if not folds:  # too few examples per reason to hold any out
                weights, heads = [self.embedding_weight or DEFAULT_EMBEDDING_WEIGHT], heads[:1]
            candidates = [(h, w) for h in heads for w in weights]
            self.cv_accuracy = {}
            best_scores: NDArray[np.float64] | None = None
            for h, w in candidates:
                features = sparse.hstack([words, sparse.csr_matrix(dense * w)]).tocsr()
                scores = self._out_of_fold(h, features, y_all, folds, len(classes))
                if scores is None:
                    head, weight = h, w
                    break
                self.cv_accuracy[(h, w)] = float((scores.argmax(axis=1) == y).mean())
                if best_scores is None or self.cv_accuracy[(h, w)] > self.cv_accuracy[(head, weight)]:
                    head, weight, best_scores = h, w, scores
            features = sparse.hstack([words, sparse.csr_matrix(dense * weight)]).tocsr()
            self._full = self._final(head, features, y_all, len(y), len(classes), best_scores)
        fast_scores = self._out_of_fold("svm", words, y_all, folds, len(classes))
        self._fast = self._final("svm", words, y_all, len(y), len(classes), fast_scores)
        self.embedding_weight = weight if self.use_embeddings else None
        self.head = head if self.use_embeddings else "svm"
        self.labels = classes
        self.n_train = len(y)
        self.trained_at = datetime.now(UTC).replace(microsecond=0)
        return self

    @staticmethod
    def _heads(n_texts: int) -> list[str]:
        return list(HEADS) if n_texts <= LOGISTIC_MAX_TEXTS else ["svm"]

    def _estimator(self, head: str) -> LinearSVC | LogisticRegression:
        if head == "logistic":
            return LogisticRegression(C=LOGISTIC_C, max_iter=1000)
        return LinearSVC(C=self.c, random_state=self.random_state)

    def _fitted(self, head: str, features: sparse.csr_matrix, y: NDArray[np.int64]) -> Any:
        with warnings.catch_warnings():
            # An iteration cap reached shows in the cross-validated accuracy, which is what
            # decides; the warning would only alarm whoever runs `reasons train`.
            warnings.simplefilter("ignore", ConvergenceWarning)
            return self._estimator(head).fit(features, y)

    def _folds(self, y: NDArray[np.int64]) -> list[tuple[NDArray[np.int64], NDArray[np.int64]]]:
        smallest = int(np.bincount(y).min())
        n_splits = min(self.cv_folds, smallest)
        if n_splits < 2:
            return []
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
        return list(splitter.split(np.zeros(len(y)), y))

    def _out_of_fold(
        self,
        head: str,
        features: sparse.csr_matrix,
        y_all: NDArray[np.int64],
        folds: list[Any],
        n_classes: int,
    ) -> NDArray[np.float64] | None:
        """Held-out scores of the labelled texts; rows past them (names) always train."""
        if not folds:
            return None
        n = len(folds[0][0]) + len(folds[0][1])
        always = np.arange(n, len(y_all))
        scores = np.zeros((n, n_classes), dtype=np.float64)
        for train, test in folds:
            rows = np.concatenate([train, always])
            model = self._fitted(head, features[rows], y_all[rows])
            fold_scores = _as_scores(model.decision_function(features[test]), len(model.classes_))
            scores[np.ix_(test, model.classes_)] = fold_scores
            missing = np.setdiff1d(np.arange(n_classes), model.classes_)
            if missing.size:
                scores[np.ix_(test, missing)] = fold_scores.min() - 1.0
        return scores

    def _final(
        self,
        head: str,
        features: sparse.csr_matrix,
        y_all: NDArray[np.int64],
        n_labelled: int,
        n_classes: int,
        held_out_scores: NDArray[np.float64] | None,
    ) -> _Linear:
        model = self._fitted(head, features, y_all)
        if held_out_scores is None:  # too few examples per reason to hold any out
            held_out_scores = _as_scores(model.decision_function(features[:n_labelled]), n_classes)
        return _Linear.from_estimator(model, n_classes, _fit_temperature(held_out_scores, y_all[:n_labelled]))

    # -- prediction ------------------------------------------------------------------

    def _words(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if self._word is None or self._char is None:
            raise ConfigError("the reason classifier is not trained: call fit() or load()")
        both = sparse.hstack([self._word.transform(texts), self._char.transform(texts)])
        return sparse.csr_matrix(both * (1.0 / math.sqrt(2.0)), dtype=np.float32)

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Calibrated probability of each reason (columns in `labels` order)."""
        texts = list(texts)
        words = self._words(texts)
        if self._fast is None:
            raise ConfigError("the reason classifier is not trained: call fit() or load()")
        if self._full is None:
            return self._fast.probabilities(words, None)
        if self.fast_confidence is None:
            return self._full.probabilities(words, self._embed(texts))
        probabilities = self._fast.probabilities(words, None)
        slow = np.flatnonzero(probabilities.max(axis=1) < self.fast_confidence)
        if slow.size:
            chosen = [texts[i] for i in slow]
            probabilities[slow] = self._full.probabilities(words[slow], self._embed(chosen))
        return probabilities

    def _embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if self.encoder is None or self.embedding_weight is None:
            raise ConfigError("the reason classifier has no encoder")
        self.encoded_texts += len(texts)
        return self.encoder.encode(texts) * np.float32(self.embedding_weight)

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(reason, confidence) for each text, confidence the calibrated probability."""
        if not texts:
            return []
        probabilities = self.predict_proba(texts)
        best = probabilities.argmax(axis=1)
        return [(self.labels[i], float(probabilities[row, i])) for row, i in enumerate(best)]

    # -- persistence -----------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The trained classifier as model bytes (`coachloop.language.modelfile`)."""
        if self._word is None or self._char is None or self._fast is None or self.trained_at is None:
            raise ConfigError("the reason classifier is not trained: nothing to save")
        header = {
            "encoder": self.encoder.name if self._full is not None and self.encoder is not None else None,
            "encoder_dim": self.encoder.dim if self._full is not None and self.encoder is not None else None,
            "labels": self.labels,
            "trained_at": self.trained_at.isoformat(),
            "n_train": self.n_train,
            "embedding_weight": self.embedding_weight,
            "fast_confidence": self.fast_confidence,
            "c": self.c,
            "head": self.head,
            "name_examples": self.name_examples,
            "cv_accuracy": {f"{h}:{w:g}": v for (h, w), v in self.cv_accuracy.items()},
            "temperature": self._full.temperature if self._full is not None else None,
            "fast_temperature": self._fast.temperature,
            "word": _vectorizer_header(self._word),
            "char": _vectorizer_header(self._char),
        }
        arrays: dict[str, Any] = {
            "word_idf": np.asarray(self._word.idf_, dtype=np.float64),
            "char_idf": np.asarray(self._char.idf_, dtype=np.float64),
            "fast_coef": self._fast.coef,
            "fast_intercept": self._fast.intercept,
        }
        if self._full is not None:
            arrays["coef"] = self._full.coef
            arrays["intercept"] = self._full.intercept
        return modelfile.dump(FORMAT, FORMAT_VERSION, header, arrays)

    def save(self, path: str | Path) -> Path:
        """Write the trained classifier to `path` (`.npz` is appended if missing)."""
        return modelfile.write(path, self.to_bytes())

    @classmethod
    def load(cls, path: str | Path, encoder: Encoder | None = None) -> ReasonClassifier:
        """A classifier saved by `save`; its encoder is loaded by the name it was trained with."""
        return cls.from_bytes(modelfile.read(path, WHAT), encoder, source=str(path))

    @classmethod
    def from_bytes(cls, data: bytes, encoder: Encoder | None = None, *, source: str = "model") -> ReasonClassifier:
        """A classifier from `to_bytes`; `source` names where the bytes came from in errors."""
        header, arrays = modelfile.load(data, FORMAT, FORMAT_VERSION, source=source, what=WHAT)
        model = cls(
            encoder,
            use_embeddings=header["encoder"] is not None,
            embedding_weight=header["embedding_weight"],
            fast_confidence=header["fast_confidence"],
            head=header.get("head", "svm"),  # files from before the logistic head: an SVM
            name_examples=header.get("name_examples", False),
            c=header["c"],
        )
        if header["encoder"] is not None:
            if encoder is None:
                model.encoder = encoder_named(header["encoder"])
            elif encoder.name != header["encoder"]:
                raise ConfigError(
                    f"{source}: trained with encoder {header['encoder']!r}, not {encoder.name!r}"
                )
            model._full = _Linear(arrays["coef"], arrays["intercept"], float(header["temperature"]))
        model._word = _vectorizer_from(header["word"], arrays["word_idf"])
        model._char = _vectorizer_from(header["char"], arrays["char_idf"])
        model._fast = _Linear(
            arrays["fast_coef"], arrays["fast_intercept"], float(header["fast_temperature"])
        )
        model.labels = list(header["labels"])
        model.trained_at = datetime.fromisoformat(header["trained_at"])
        model.n_train = int(header["n_train"])
        model.cv_accuracy = {_cv_key(k): float(v) for k, v in header["cv_accuracy"].items()}
        return model


def _cv_key(saved: str) -> tuple[str, float]:
    """("logistic", 2.0) from "logistic:2"; a bare weight is an SVM's (older files)."""
    head, _, weight = saved.rpartition(":")
    return head or "svm", float(weight)


def _vectorizer_header(vectorizer: TfidfVectorizer) -> dict[str, Any]:
    params = {
        name: value
        for name, value in vectorizer.get_params().items()
        if name in ("lowercase", "analyzer", "ngram_range", "sublinear_tf", "min_df", "max_features")
    }
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    return {"params": params, "vocabulary": vocabulary}


def _vectorizer_from(header: dict[str, Any], idf: NDArray[np.float64]) -> TfidfVectorizer:
    params = dict(header["params"])
    params["ngram_range"] = tuple(params["ngram_range"])
    vectorizer = TfidfVectorizer(**params, vocabulary=header["vocabulary"], dtype=np.float32)
    vectorizer.idf_ = idf
    return vectorizer
