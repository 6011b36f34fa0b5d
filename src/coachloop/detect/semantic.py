"""`detect: semantic` — met when the speaker says something close in meaning to an example.

Phrase lists miss paraphrases ("that must be so annoying" for "I understand how
frustrating this must be"); sentence embeddings catch them. A behaviour gives example
phrasings (`examples`, plus per-language `variants`) and optionally `negatives`: near
misses ("I understand, let me check") that share words but not the behaviour. An
utterance meets the behaviour when its best cosine similarity to the examples reaches
`threshold` *and* beats its best similarity to the negatives.

Why the encoder is loaded lazily: compiling a rubric (`coachloop rubric check`) must stay
fast and work without the model installed, so the encoder (~2 s to prepare) is loaded on
the first `detect` and the examples are embedded then, once per detector and encoder.

Why embeddings live in `conv.memo`: a rubric may hold several semantic behaviours over the
same agent turns, and embedding is by far the most expensive step (~370 texts/s), so each
utterance is embedded at most once per conversation and encoder, whatever the number of
behaviours reading it.

Why `lexical`: most agents say most behaviours in a handful of standard ways. Matching
those first costs microseconds and gives a sure, exact-span evidence; the encoder (the
slow part) then runs only for conversations where no standard phrasing was found, to
catch the paraphrases a phrase list misses.

Why `DEFAULT_THRESHOLD` is 0.5: with the int8 all-MiniLM-L6-v2 encoder, paraphrases of a
short contact-center sentence (empathy, hold requests, "anything else") scored 0.53-0.73
against two examples each, and the agent's unrelated business talk of the benchmark
workload 0.14-0.46, so 0.5 sits in the gap. It is a starting point: `calibrate_threshold` picks the threshold
that maximises F1 on utterances a QA team has labelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from coachloop.detect.base import (
    Conversation,
    Detector,
    DetectorSettings,
    Finding,
    Scope,
    detectors,
    expand_vars,
)
from coachloop.detect.lexicon import Lexicon, lexicon_hits, lexicon_slots
from coachloop.detect.matcher import MatcherBuilder
from coachloop.detect.phrase import said_in_window
from coachloop.model import Outcome

__all__ = [
    "DEFAULT_THRESHOLD",
    "EMBEDDINGS_KEY",
    "SemanticDetector",
    "SemanticSettings",
    "best_threshold",
    "calibrate_threshold",
    "embed_positions",
    "met_confidence",
    "missed_confidence",
]

if TYPE_CHECKING:
    # numpy and the encoder load only when a semantic behaviour evaluates a conversation,
    # not whenever coachloop starts (every detector module is imported at start-up).
    import numpy as np
    from numpy.typing import NDArray

    from coachloop.language.embeddings import Encoder

    Vector = NDArray[np.float32]

DEFAULT_THRESHOLD = 0.5
"""Similarity an utterance needs when the rubric gives no `threshold` (see the module docstring)."""
EMBEDDINGS_KEY = "embeddings"
"""`conv.memo[(EMBEDDINGS_KEY, encoder.name)]` maps utterance position -> its vector."""
SENTENCE_EMBEDDINGS_KEY = "sentence-embeddings"
"""`conv.memo[(SENTENCE_EMBEDDINGS_KEY, encoder.name)]` maps utterance position -> the
vectors of its sentences, one row each."""
MAX_EVIDENCE = 2
"""Utterances quoted for a met behaviour: the best-matching ones."""
SATURATION = 0.3
"""Similarity above the threshold at which a match is as sure as it gets (confidence 0.99)."""
MISS_MARGIN = 0.25
"""Distance below the threshold at which a miss is as sure as a semantic miss gets."""
MISSED_CEILING = 0.9
"""A semantic miss is never certain: the speaker may have used a phrasing no example is near."""


class EncoderUser:
    """Something that embeds text: its `encoder` is the process-wide cached default one,
    loaded on first use (not at rubric compile), unless one is set."""

    _encoder: Encoder | None = None

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            from coachloop.language.embeddings import default_cached_encoder

            self._encoder = default_cached_encoder()
        return self._encoder

    @encoder.setter
    def encoder(self, encoder: Encoder) -> None:
        self._encoder = encoder


class SemanticSettings(DetectorSettings):
    """Example phrasings of the behaviour, near misses that must not count, and the cut-off."""

    examples: Annotated[list[str], Field(min_length=1)]
    variants: dict[str, list[str]] = Field(default_factory=dict)
    """Other languages' phrasings (`{hi-en: [...]}`), compared like `examples`."""
    negatives: list[str] = Field(default_factory=list)
    threshold: Annotated[float, Field(gt=0, lt=1)] | None = None
    lexical: Lexicon | None = None
    """Phrases (and regexes) that settle it without the model: when one is said in the
    window the behaviour is met as by `detect: phrase` and nothing is embedded, so the
    encoder runs only on conversations the phrases miss."""

    def positives(self) -> list[str]:
        out = list(self.examples)
        for phrasings in self.variants.values():
            out.extend(phrasings)
        return out


def embed_positions(conv: Conversation, positions: Sequence[int], encoder: Encoder) -> dict[int, Vector]:
    """The conversation's cache of utterance vectors, filled in for `positions`.

    Only positions not cached yet are embedded, in one `encode` call, so every semantic
    behaviour of a rubric shares the work.
    """
    key = (EMBEDDINGS_KEY, encoder.name)
    cache: dict[int, Vector] | None = conv.memo.get(key)
    if cache is None:
        cache = conv.memo[key] = {}
    todo = [p for p in positions if p not in cache]
    if todo:
        utterances = conv.interaction.utterances
        vectors = encoder.encode([utterances[p].text for p in todo])
        for p, v in zip(todo, vectors, strict=True):
            cache[p] = v
    return cache


def embed_sentences(
    conv: Conversation, positions: Sequence[int], encoder: Encoder, split: Callable[[str], list[str]]
) -> dict[int, NDArray[np.float32]]:
    """The conversation's cache of per-sentence vectors (`split` gives the sentences),
    filled in for `positions`: cues that read the same turns sentence by sentence (the
    ask of a verification, prohibited language) split and embed each turn once."""
    key = (SENTENCE_EMBEDDINGS_KEY, encoder.name)
    cache: dict[int, NDArray[np.float32]] | None = conv.memo.get(key)
    if cache is None:
        cache = conv.memo[key] = {}
    todo = [p for p in positions if p not in cache]
    if todo:
        utterances = conv.interaction.utterances
        parts = [split(utterances[p].text) for p in todo]
        vectors = encoder.encode([sentence for sentences in parts for sentence in sentences])
        row = 0
        for p, sentences in zip(todo, parts, strict=True):
            cache[p] = vectors[row : row + len(sentences)]
            row += len(sentences)
    return cache


def met_confidence(score: float, threshold: float) -> float:
    """0.5 right at the threshold (a coin flip), rising to 0.99 `SATURATION` above it."""
    span = min(1.0 - threshold, SATURATION)
    return round(0.5 + 0.49 * min(1.0, max(0.0, (score - threshold) / span)), 4)


def missed_confidence(best: float, threshold: float, negative: float) -> float:
    """How sure a miss is: about 0.5 when the best utterance nearly qualified.

    `best` is the best positive similarity seen; if it reached the threshold the miss
    came from a closer negative, and the margin to that negative decides instead.
    """
    margin = threshold - best if best < threshold else negative - best
    return round(0.5 + (MISSED_CEILING - 0.5) * min(1.0, max(0.0, margin) / MISS_MARGIN), 4)


def _max_similarity(vectors: Vector, against: Vector) -> tuple[NDArray[np.float32], NDArray[np.intp]]:
    """Per row of `vectors`, the best cosine similarity to `against` and which row gave it."""
    sims = vectors @ against.T  # both L2-normalised
    return sims.max(axis=1), sims.argmax(axis=1)


def embedded_examples(
    cache: dict[str, tuple[Vector, Vector | None]],
    encoder: Encoder,
    examples: Sequence[str],
    negatives: Sequence[str],
) -> tuple[Vector, Vector | None]:
    """The examples' and near misses' vectors under `encoder` (None without near misses),
    embedded on first use and kept in `cache` by encoder name."""
    found = cache.get(encoder.name)
    if found is None:
        vectors = encoder.encode([*examples, *negatives])
        n = len(examples)
        found = cache[encoder.name] = (vectors[:n], vectors[n:] if negatives else None)
    return found


@detectors.register("semantic")
class SemanticDetector(EncoderUser, Detector):
    """Scores the scope's utterances against the examples by embedding similarity."""

    Settings = SemanticSettings

    def __init__(
        self, settings: SemanticSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        # Checked at compile time, so an undefined {var} is a rubric error with a line.
        self.positives = expand_vars(settings.positives(), variables)
        self.negatives = expand_vars(settings.negatives, variables)
        self.threshold = settings.threshold if settings.threshold is not None else DEFAULT_THRESHOLD
        lexical = settings.lexical
        self.slots = (
            lexicon_slots(lexical, builder, variables)
            if lexical is not None and not lexical.is_empty()
            else None
        )
        self._examples: dict[str, tuple[Vector, Vector | None]] = {}
        """Encoder name -> (positive vectors, negative vectors or None), filled on first use."""

    def example_vectors(self, encoder: Encoder) -> tuple[Vector, Vector | None]:
        """The examples' and negatives' vectors under `encoder`, embedded once per detector."""
        return embedded_examples(self._examples, encoder, self.positives, self.negatives)

    def calibrate(
        self, positives: Sequence[str], negatives: Sequence[str], encoder: Encoder | None = None
    ) -> float:
        """`calibrate_threshold` against this behaviour's examples."""
        return calibrate_threshold(positives, negatives, encoder or self.encoder, examples=self.positives)

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        import numpy as np

        positions = scope.positions
        if not positions:
            return Finding(
                Outcome.MISSED,
                MISSED_CEILING,
                expected_window=scope.window,
                note="the speaker said nothing in the window",
            )
        if self.slots is not None:
            said = said_in_window(conv, scope, lexicon_hits(conv.hits, self.slots), "")
            if said.outcome is Outcome.MET:
                return said
        encoder = self.encoder
        pos_vectors, neg_vectors = self.example_vectors(encoder)
        cache = embed_positions(conv, positions, encoder)
        vectors = np.stack([cache[p] for p in positions])
        scores, best_example = _max_similarity(vectors, pos_vectors)
        if neg_vectors is not None:
            near_miss = _max_similarity(vectors, neg_vectors)[0]
        else:
            near_miss = np.full(len(positions), -1.0, dtype=np.float32)
        threshold = self.threshold
        matched = (scores >= threshold) & (scores > near_miss)
        if matched.any():
            ranked = sorted(np.flatnonzero(matched), key=lambda i: -float(scores[i]))[:MAX_EVIDENCE]
            evidence = [
                conv.whole(
                    positions[i],
                    matched=f"similar to '{self.positives[int(best_example[i])]}' ({float(scores[i]):.2f})",
                )
                for i in ranked
            ]
            return Finding(Outcome.MET, met_confidence(float(scores[ranked[0]]), threshold), evidence)
        top = int(scores.argmax())
        best = float(scores[top])
        example = self.positives[int(best_example[top])]
        note = (
            f"no utterance was close enough in meaning to the examples: best similarity {best:.2f} "
            f"(utterance {conv.interaction.utterances[positions[top]].index}, to '{example}'), "
            f"threshold {threshold:.2f}"
        )
        if best >= threshold:
            note += f", but it was closer to a near miss ({float(near_miss[top]):.2f})"
        return Finding(
            Outcome.MISSED,
            missed_confidence(best, threshold, float(near_miss[top])),
            expected_window=scope.window,
            note=note,
        )


def calibrate_threshold(
    positives: Sequence[str],
    negatives: Sequence[str],
    encoder: Encoder,
    *,
    examples: Sequence[str] | None = None,
) -> float:
    """The threshold that maximises F1 on labelled utterances, so a QA team need not guess.

    `positives` are utterances that show the behaviour, `negatives` ones that do not. Each
    is scored by its best similarity to `examples` (what `detect` does); without
    `examples`, a positive is scored against the *other* positives (leave-one-out) and a
    negative against all of them, so labels alone calibrate. Among thresholds with the best
    F1, the one in the middle of the widest gap between scores wins: it is the least
    sensitive to a new utterance scoring slightly differently.
    """
    import numpy as np

    if not positives:
        raise ValueError("calibration needs at least one positive utterance")
    if examples is None and len(positives) < 2:
        raise ValueError("calibration without examples needs at least two positive utterances")
    texts = list(positives) + list(negatives)
    vectors = encoder.encode(texts + list(examples or []))
    labelled = vectors[: len(texts)]
    n_pos = len(positives)
    if examples is not None:
        if not examples:
            raise ValueError("`examples` must not be empty")
        scores = (labelled @ vectors[len(texts) :].T).max(axis=1)
    else:
        sims = labelled @ labelled[:n_pos].T
        sims[np.arange(n_pos), np.arange(n_pos)] = -np.inf  # leave each positive out of its own score
        scores = sims.max(axis=1)
    labels = np.arange(len(texts)) < n_pos
    return best_threshold(scores.astype(np.float64).tolist(), labels.tolist())[0]


def best_threshold(scores: Sequence[float], truth: Sequence[bool]) -> tuple[float, float]:
    """(threshold, F1) that best separates `scores` labelled `truth` (True = positive).

    Candidate cut-offs lie midway between neighbouring scores and just outside both ends;
    among those with the best F1, the one in the middle of the widest gap wins, being the
    least sensitive to a new item scoring slightly differently. A score of -1 means
    "nothing to compare" and is never a cut-off. The threshold is kept within 0.01-0.99.
    """
    import numpy as np

    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(truth, dtype=bool)
    distinct = np.unique(s[s > -1.0])
    if distinct.size == 0:
        return 0.99, 0.0
    bounds = np.concatenate(([distinct[0] - 0.05], distinct, [distinct[-1] + 0.05]))
    best: tuple[float, float, float] | None = None  # (f1, gap, threshold)
    for low, high in pairwise(bounds):
        t = float((low + high) / 2)
        predicted = s >= t
        tp = int((predicted & y).sum())
        fp = int((predicted & ~y).sum())
        fn = int((~predicted & y).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        candidate = (f1, float(high - low), t)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    assert best is not None  # bounds always has at least two entries
    return float(min(0.99, max(0.01, best[2]))), best[0]
