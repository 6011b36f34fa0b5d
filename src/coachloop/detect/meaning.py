"""Cues: one thing said in words a phrase list knows, or in other words with the same meaning.

A `Cue` is a lexicon (phrases, per-language variants, regexes: sure, exact, cheap) plus
optional example sentences matched by sentence-embedding similarity (the encoder and the
per-conversation vector cache of `detect: semantic`). Detectors that decide something
from several cues (`detect: action`, the meaning-based ask of `detect: asked_answered`)
use it so every cue is found "by meaning, not only a phrase list", and so that a best
match just under the threshold is reported as *near*: the decision that rests on it is
then flagged for review instead of passing silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, model_validator

from coachloop.detect.base import Conversation, Detector, Finding, Scope, detectors, expand_vars
from coachloop.detect.lexicon import Lexicon, lexicon_hits, lexicon_slots
from coachloop.detect.matcher import Hit, MatcherBuilder
from coachloop.detect.phrase import MET_CONFIDENCE
from coachloop.detect.semantic import (
    DEFAULT_THRESHOLD,
    EncoderUser,
    embed_positions,
    embed_sentences,
    embedded_examples,
    met_confidence,
)
from coachloop.model import Evidence, Outcome

MISSED_CONFIDENCE = 0.85
"""Neither a phrase nor a sentence near in meaning: a miss, though a new paraphrase is possible."""

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["DEFAULT_REVIEW_MARGIN", "Cue", "CueDetector", "CueMatch", "CueMatcher", "sentences"]

DEFAULT_REVIEW_MARGIN = 0.1
"""How far below its threshold a best similarity still counts as *near* (weak evidence)."""
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|[.!?]+$|\s*[|\u0964]\s*")


_ENDS = frozenset(".!?:;|\u0964")
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum accepts, found in C


def sentences(text: str) -> list[str]:
    """The sentences of an utterance (split after . ! ? : ; and the danda), never none."""
    # Most recogniser turns are one sentence: no split needed.
    parts = [text.strip()] if _ENDS.isdisjoint(text) else [p.strip() for p in _SENTENCE_END.split(text)]
    found = [p for p in parts if _ALNUM.search(p)]
    return found or [text]


class Cue(Lexicon):
    """Phrases (and regexes) that settle the cue, and example sentences matched by meaning."""

    examples: list[str] = Field(default_factory=list)
    """Sentences with the cue's meaning, in any language the encoder reads; an utterance
    whose similarity to one reaches `threshold`, and beats every negative, shows the cue."""
    negatives: list[str] = Field(default_factory=list)
    """Near misses: sentences sharing words but not the meaning."""
    threshold: Annotated[float, Field(gt=0, lt=1)] = DEFAULT_THRESHOLD
    review_margin: Annotated[float, Field(ge=0, lt=1)] = DEFAULT_REVIEW_MARGIN
    """A best similarity within this distance below `threshold` is weak evidence: not
    enough to count, too close to be ignored."""
    sentences: bool = True
    """Compare each sentence of an utterance on its own (its best sentence counts), so a
    disclosure sharing a turn with the greeting is not diluted by it."""


@dataclass(frozen=True, slots=True)
class CueMatch:
    position: int
    """Index into `interaction.utterances`."""
    score: float
    """Similarity to the closest example (1.0 for a phrase or regex hit)."""
    matched: str
    """The phrase, or `similar to '<example>' (0.62)`."""
    hit: Hit | None = None
    """The lexical hit, for an exact-span quote; None for a match by meaning."""


class CueMatcher(EncoderUser):
    """A compiled cue: `find` gives the matches in some utterances, `near` the weak ones."""

    def __init__(self, cue: Cue, builder: MatcherBuilder, variables: Mapping[str, list[str]]) -> None:
        self.cue = cue
        self.slots = lexicon_slots(cue, builder, variables) if not Lexicon.is_empty(cue) else None
        self.examples = expand_vars(cue.examples, variables)
        self.negatives = expand_vars(cue.negatives, variables)
        self._vectors: dict[str, tuple[NDArray[np.float32], NDArray[np.float32] | None]] = {}

    def lexical(self, conv: Conversation, positions: Sequence[int]) -> list[CueMatch]:
        """Phrase and regex hits in `positions`, first per utterance, in order."""
        if self.slots is None:
            return []
        members = set(positions)
        out: list[CueMatch] = []
        seen: set[int] = set()
        for h in lexicon_hits(conv.hits, self.slots):
            if h.utterance in members and h.utterance not in seen:
                seen.add(h.utterance)
                out.append(CueMatch(h.utterance, 1.0, h.pattern, h))
        return out

    def scores(self, conv: Conversation, positions: Sequence[int]) -> list[tuple[int, float, str, bool]]:
        """(position, best similarity, closest example, beaten by a negative) per utterance."""
        if not self.examples or not positions:
            return []
        import numpy as np

        encoder = self.encoder
        if self.cue.sentences:
            by_position = embed_sentences(conv, positions, encoder, sentences)
            blocks = [by_position[p] for p in positions]
            owner = [i for i, block in enumerate(blocks) for _ in range(len(block))]
            stacked = np.concatenate(blocks)
        else:
            owner = list(range(len(positions)))
            cache = embed_positions(conv, positions, encoder)
            stacked = np.stack([cache[p] for p in positions])
        best, which, near_miss = self.similarities(stacked)
        # Per utterance, its best sentence.
        out: dict[int, tuple[int, float, str, bool]] = {}
        for row, i in enumerate(owner):
            score = float(best[row])
            if i not in out or score > out[i][1]:
                out[i] = (positions[i], score, self.examples[int(which[row])], bool(near_miss[row] >= score))
        return [out[i] for i in sorted(out)]

    def quote(self, conv: Conversation, found: Sequence[CueMatch]) -> list[Evidence]:
        """Evidence for matches: the exact span of a phrase, the whole sentence's utterance
        for a match by meaning."""
        return [
            conv.evidence(m.hit) if m.hit is not None else conv.whole(m.position, m.matched) for m in found
        ]

    def confidence(self, found: Sequence[CueMatch]) -> float:
        """How sure the matches are: a phrase settles it; by meaning, as far above the threshold."""
        if any(m.hit is not None for m in found):
            return MET_CONFIDENCE
        return met_confidence(found[0].score, self.cue.threshold)

    def similarities(
        self, vectors: NDArray[np.float32]
    ) -> tuple[NDArray[np.float32], NDArray[np.intp], NDArray[np.float32]]:
        """Per row of `vectors` (sentences embedded by `self.encoder`): the best similarity
        to the examples, which example gave it, and the best similarity to the negatives
        (-1 without negatives). The cue needs `examples`."""
        import numpy as np

        positive, negative = embedded_examples(self._vectors, self.encoder, self.examples, self.negatives)
        sims = vectors @ positive.T
        if negative is not None:
            near_miss = (vectors @ negative.T).max(axis=1)
        else:
            near_miss = np.full(len(vectors), -1.0, dtype=np.float32)
        return sims.max(axis=1), sims.argmax(axis=1), near_miss

    def find(self, conv: Conversation, positions: Sequence[int]) -> tuple[list[CueMatch], CueMatch | None]:
        """(matches in utterance order, the best weak match when nothing matched).

        Phrases settle it without the encoder; otherwise utterances reaching the threshold
        (and closer to an example than to any negative) match, and the best one within
        `review_margin` below it is returned as weak evidence.
        """
        said = self.lexical(conv, positions)
        if said:
            return said, None
        threshold = self.cue.threshold
        matches: list[CueMatch] = []
        weak: CueMatch | None = None
        for p, score, example, beaten in self.scores(conv, positions):
            described = f"similar to '{example}' ({score:.2f})"
            if score >= threshold and not beaten:
                matches.append(CueMatch(p, score, described))
            elif score >= threshold - self.cue.review_margin and (weak is None or score > weak.score):
                weak = CueMatch(p, score, described)
        return matches, (None if matches else weak)


class CueSettings(Cue):
    @model_validator(mode="after")
    def _says_something(self) -> CueSettings:
        if self.is_empty() and not self.examples:
            raise ValueError("give at least one of `phrases`, `variants`, `regex` or `examples`")
        return self


@detectors.register("cue")
class CueDetector(Detector):
    """`detect: cue` — met when the speaker says it in the window, in a listed phrase or in
    other words close in meaning to an example (sentence by sentence). A miss whose best
    sentence came within `review_margin` of the threshold carries a `review_reason`."""

    Settings = CueSettings

    def __init__(
        self, settings: CueSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.cue = CueMatcher(settings, builder, variables)

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        found, weak = self.cue.find(conv, scope.positions)
        if found:
            return Finding(Outcome.MET, self.cue.confidence(found[:1]), self.cue.quote(conv, found[:2]))
        if weak is not None:
            at = conv.interaction.utterances[weak.position].index
            return Finding(
                Outcome.MISSED,
                0.5,
                [conv.whole(weak.position, weak.matched)],
                note="not said in the window in words close enough to the examples",
                expected_window=scope.window,
                review_reason=f"utterance {at} may say it in other words ({weak.matched}, threshold "
                f"{self.cue.cue.threshold:.2f})",
            )
        return Finding(
            Outcome.MISSED,
            MISSED_CONFIDENCE,
            expected_window=scope.window,
            note="not said in the window, in the listed phrases or in words close to the examples",
        )
