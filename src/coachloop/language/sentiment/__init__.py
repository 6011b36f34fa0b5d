"""Per-utterance sentiment and frustration, and the customer's trajectory through a call.

Why a lexicon and rules rather than a trained model: scores must be computed offline on
every turn of every call (60 turns, thousands of calls per core per second), explainable
to a QA analyst (which words moved the score) and extendable to code-switched Hindi-
English by writing words down, without labelled data in that language.

The scorer follows VADER (Hutto & Gilbert, 2014; `vaderSentiment`, MIT licence), whose
lexicon and grammar lists it reads from the installed package (`sentiment.lexicon`).
It re-implements VADER's rules, because `vaderSentiment.polarity_scores` is several times
slower (28-57 µs per utterance against 4-5 µs here, `benchmarks/eval_sentiment.py`) and
knows neither Hindi nor contact-center speech. On English without those additions
(`load_lexicon(vader_only=True)`) the scores agree with VADER's to 0.002 on average over
the Harper Valley Bank transcripts. The rules:

* valences of words and multi-word entries summed, then squashed to [-1, 1] as VADER's
  compound score, `s / sqrt(s^2 + 15)`;
* intensifiers and dampeners within three words before ("very", "bahut", "kind of"),
  weaker with distance; negations within three words before ("not", "never"; "no"
  within two) multiply by -0.74; "least"; "never so ..."; a contrast ("but", "lekin")
  halves what comes before and weighs what follows x1.5;
* Hindi negation after the word it negates ("achha nahi hai", "theek nahi");
* exclamation and question-mark emphasis, emoticons and emoji where the raw text has them.

Not kept: VADER's ALL-CAPS emphasis (recognisers write lower case) and its quirk that
multiplies any word after "so" or "this" by 1.25.

Transcription marks ("[noise]", "<unk>") and fillers are dropped before scoring;
redaction tokens ("[CARD]") are ordinary neutral words. Frustration cues
(`frustration`: repeated contact, waiting, nothing resolved, asking for a manager,
exasperation) also pull the score down, as a negative item of -2.5 x the cue strength:
"this is the third time I'm calling" has no negative word but is not neutral.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from coachloop.language.sentiment.lexicon import (
    N_SCALAR,
    NOISE_WORDS,
    SentimentLexicon,
    fold_devanagari,
    load_lexicon,
    tokens,
)
from coachloop.model import Interaction, Speaker

__all__ = [
    "EDGE_TURNS",
    "NEGATIVE",
    "PEAK_THRESHOLD",
    "RECOVERY_MARGIN",
    "SMOOTHING_TURNS",
    "SentimentScorer",
    "SentimentTrajectory",
    "UtteranceSentiment",
    "assess_many",
    "default_scorer",
    "distress",
    "frustration",
    "frustration_peaks",
    "score",
    "score_many",
    "trajectory",
]

ALPHA = 15.0
"""VADER's normalisation constant: a valence sum of about 4 scores 0.7."""
FRUSTRATION_VALENCE = 2.5
"""Valence of a certain frustration cue, on VADER's -4..+4 scale (a bit less than "angry")."""
PEAK_THRESHOLD = 0.5
"""Distress (frustration, or minus the score) a customer turn must reach to be a peak:
"i'm so frustrated", "this is ridiculous", "third time I'm calling" reach it; "not
good" (-0.34) or "that's annoying" (-0.40) do not."""
NEGATIVE = -0.05
"""Below this a score is negative (VADER's own convention for its compound score)."""
EDGE_TURNS = 3
"""Customer turns averaged for the start and the end of a call."""
SMOOTHING_TURNS = 3
"""Customer turns in the moving average whose minimum is the lowest point."""
RECOVERY_MARGIN = 0.15
"""How far above the lowest point the end must be to count as a recovery."""

_DAMPING = (1.0, 0.95, 0.9)  # an intensifier's effect one, two and three words before
_SO_THIS = frozenset({"so", "this"})


class UtteranceSentiment(NamedTuple):
    score: float
    """Sentiment in [-1, 1], negative to positive; 0 for a turn with no sentiment."""
    frustration: float
    """Strength of frustration cues in [0, 1]; 0 when there is none."""
    substantive: bool
    """False for a turn of transcription marks and fillers only ("[noise]", "um")."""


_make = tuple.__new__


class SentimentScorer:
    """Scores utterances with one set of tables; `default_scorer()` is the shipped one."""

    def __init__(self, lexicon: SentimentLexicon, frustration_valence: float = FRUSTRATION_VALENCE) -> None:
        self.lexicon = lexicon
        self.frustration_valence = frustration_valence
        self._anchors = frozenset(lexicon.cue_anchors)
        # Words that can start an item, and the fewer that must be there for any item:
        # a multi-word entry with a scored word ("the bomb", "bahut achha") needs that word.
        # Most utterances have none and are done at once.
        self._scored = frozenset(lexicon.valence) | frozenset(lexicon.phrases)
        self._triggers = frozenset(lexicon.valence) | frozenset(
            head
            for head, entries in lexicon.phrases.items()
            for rest, _ in entries
            if not any(w in lexicon.valence for w in (head, *rest))
        )
        # First two words of every multi-word entry: "the" starts two entries, and is
        # far more often followed by anything else.
        self._openings = frozenset((head, rest[0]) for head, e in lexicon.phrases.items() for rest, _ in e)
        self._post_negation = lexicon.negate_after
        self._contrast = lexicon.contrast
        emoji = "".join(re.escape(c) for c in lexicon.emoji)
        self._emoji = re.compile(f"[{emoji}]") if emoji else None

    def assess(self, text: str, normalized: str | None = None) -> UtteranceSentiment:
        """Score and frustration of one utterance.

        `normalized` is the text as `coachloop.detect.text.normalize` gives it, when the
        caller has it already (an evaluation does): it saves tokenising again.
        """
        if normalized is None:
            return self._assess(text, tokens(text))
        return self._assess(
            text, (normalized if normalized.isascii() else fold_devanagari(normalized)).split()
        )

    def assess_many(
        self, texts: Sequence[str], normalized: Sequence[str] | None = None
    ) -> list[UtteranceSentiment]:
        assess = self._assess
        if normalized is None:
            return [assess(t, tokens(t)) for t in texts]
        if len(normalized) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(normalized)} normalised texts")
        return [
            assess(t, (n if n.isascii() else fold_devanagari(n)).split())
            for t, n in zip(texts, normalized, strict=True)
        ]

    def _assess(self, text: str, toks: list[str]) -> UtteranceSentiment:
        if not NOISE_WORDS.isdisjoint(toks):
            toks = [t for t in toks if t not in NOISE_WORDS]
        # Each stage is skipped outright when none of its words is there, as in most turns.
        total = 0.0 if self._triggers.isdisjoint(toks) else self._valence(toks)
        frustrated = 0.0 if self._anchors.isdisjoint(toks) else self._frustration(toks)
        if frustrated:
            total -= self.frustration_valence * frustrated
        if (
            not text.isascii()
            or "!" in text
            or "?" in text
            or ":" in text
            or ";" in text
            or "=" in text
            or "<" in text
        ):
            total += self._raw_extras(text, total)
        # tuple.__new__ skips the NamedTuple's Python-level constructor: this runs per turn.
        if not total:
            return _make(UtteranceSentiment, (0.0, frustrated, bool(toks)))
        return _make(UtteranceSentiment, (total / math.sqrt(total * total + ALPHA), frustrated, bool(toks)))

    def _valence(self, toks: list[str]) -> float:
        """Sum of the (modified) valences of the words: VADER's rules, see the module doc."""
        scored = self._scored
        lex = self.lexicon
        valence = lex.valence
        heads = lex.phrases
        openings = self._openings
        negate_near = lex.negate_near
        items: list[float] = []
        where: list[int] = []
        n = len(toks)
        skip = 0
        for i in [i for i, w in enumerate(toks) if w in scored]:
            if i < skip:
                continue
            w = toks[i]
            v = valence.get(w)
            if i + 1 < n and (w, toks[i + 1]) in openings:
                for rest, phrase_valence in heads[w]:
                    end = i + 1 + len(rest)
                    if end <= n and tuple(toks[i + 1 : end]) == rest:
                        v, skip = phrase_valence, end
                        break
            if not v:
                continue
            if skip <= i and w in negate_near and i + 1 < n and toks[i + 1] in valence:
                continue  # "no" before a scored word negates it rather than scoring itself
            if w == "kind" and skip <= i and i + 1 < n and toks[i + 1] == "of":
                continue  # "kind of" is a dampener, not kindness
            if i:
                v = self._modified(toks, i, v)
            items.append(v)
            where.append(i)
        if not items:
            return 0.0
        if self._post_negation and not self._post_negation.isdisjoint(toks):
            self._negate_after(toks, items, where)
        if not self._contrast.isdisjoint(toks):
            cut = next(i for i, w in enumerate(toks) if w in self._contrast)
            return sum(v * (0.5 if p < cut else 1.5) for v, p in zip(items, where, strict=True))
        return sum(items)

    def _modified(self, toks: list[str], i: int, v: float) -> float:
        """The valence of word `i` after the intensifiers and negations before it."""
        lex = self.lexicon
        valence, boosters = lex.valence, lex.boosters
        for d in range(3):
            j = i - 1 - d
            if j < 0:
                break
            p = toks[j]
            if d < 2 and p in lex.negate_near:
                v *= N_SCALAR
                continue
            if p in valence:
                continue  # a word with its own valence modifies nothing (VADER)
            s = boosters.get(p)
            if s is not None:
                v += (s if v > 0 else -s) * _DAMPING[d]
            if p in lex.negate_before:
                if p == "never" and d and toks[j + 1] in _SO_THIS:
                    v *= 1.25  # "never so good" is praise
                elif not (p == "without" and "doubt" in toks[j + 1 : i]):
                    v *= N_SCALAR
        if i >= 2:
            s = lex.bigram_boosters.get((toks[i - 2], toks[i - 1]))
            if s is not None:
                v += s if v > 0 else -s
        if toks[i - 1] == "least" and (i < 2 or toks[i - 2] not in ("at", "very")):
            v *= N_SCALAR
        return v

    def _negate_after(self, toks: list[str], items: list[float], where: list[int]) -> None:
        """Hindi negation: the nearest scored word up to three words before "nahi" flips."""
        negators = self._post_negation
        for j, w in enumerate(toks):
            if w not in negators:
                continue
            for k in range(len(where) - 1, -1, -1):
                if where[k] < j:
                    if j - where[k] <= 3:
                        items[k] *= N_SCALAR
                    break

    def _frustration(self, toks: list[str]) -> float:
        found = self._anchors.intersection(toks)
        lex = self.lexicon
        padded = f" {' '.join(toks)} "
        keep = 1.0
        tried: set[int] = set()
        for anchor in found:
            for c in lex.cue_anchors[anchor]:
                if c not in tried:
                    tried.add(c)
                    cue = lex.cues[c]
                    if cue.pattern.search(padded):
                        keep *= 1.0 - cue.weight  # independent pieces of evidence
        return 1.0 - keep

    def _raw_extras(self, text: str, total: float) -> float:
        """Emoticons, emoji and !/? emphasis, which tokenising removes."""
        extra = 0.0
        lex = self.lexicon
        if (":" in text or ";" in text or "=" in text or "<" in text) and lex.emoticons:
            for t in text.split():
                extra += lex.emoticons.get(t.lower(), 0.0)
        if self._emoji is not None and not text.isascii():
            for ch in self._emoji.findall(text):
                extra += lex.emoji[ch]
        total += extra
        if total and ("!" in text or "?" in text):
            amplifier = min(text.count("!"), 4) * 0.292
            questions = text.count("?")
            if questions > 1:
                amplifier += questions * 0.18 if questions <= 3 else 0.96
            extra += amplifier if total > 0 else -amplifier
        return extra


@cache
def default_scorer() -> SentimentScorer:
    """The shipped scorer: VADER's English, contact-center corrections, Hindi, frustration cues."""
    return SentimentScorer(load_lexicon())


def score(text: str) -> float:
    """Sentiment of one utterance in [-1, 1]: negative below 0, positive above."""
    return default_scorer().assess(text).score


def score_many(texts: Sequence[str]) -> list[float]:
    scorer = default_scorer()
    return [scorer.assess(t).score for t in texts]


def frustration(text: str) -> float:
    """Strength in [0, 1] of frustration cues that need not be negative words: repeated
    contact ("third time I'm calling", "kitni baar"), waiting ("I've been waiting for"),
    nothing resolved ("still haven't"), asking for a manager, exasperation ("ridiculous",
    "fed up"). Several cues combine as independent evidence."""
    return default_scorer().assess(text).frustration


def assess_many(texts: Sequence[str], normalized: Sequence[str] | None = None) -> list[UtteranceSentiment]:
    """Score, frustration and substance of each utterance, with the shipped scorer."""
    return default_scorer().assess_many(texts, normalized)


@dataclass(frozen=True, slots=True)
class SentimentTrajectory:
    """How the customer felt through a call. Positions index `interaction.utterances`."""

    scores: tuple[float, ...]
    """Sentiment of every utterance, both speakers, in order."""
    frustration: tuple[float, ...]
    """Frustration cue strength of every utterance."""
    customer: tuple[int, ...]
    """Positions of the customer's substantive turns (not "[noise]" or "um")."""
    agent: tuple[int, ...]
    """Positions of the agent's substantive turns."""
    start: float | None
    """Mean score of the customer's first few turns; None when the customer said nothing."""
    lowest: float | None
    """Minimum of the moving average of the customer's scores over a few turns."""
    lowest_at: int | None
    """Position of the customer's most negative turn inside that lowest stretch."""
    end: float | None
    """Mean score of the customer's last few turns."""
    mean: float | None
    """Mean score over all the customer's turns."""
    peaks: tuple[int, ...]
    """Positions where the customer's distress peaked at or above `threshold`: the most
    distressed turn of each stretch of customer talk between two agent turns."""
    recovered: bool | None
    """None when the customer never got negative; True when the end is clearly above the
    lowest point and not negative; False otherwise."""
    threshold: float

    def distress(self, position: int) -> float:
        """How upset an utterance sounds in [0, 1]: its frustration cues or its negativity."""
        return max(self.frustration[position], -self.scores[position], 0.0)


def distress(assessed: UtteranceSentiment) -> float:
    """How upset an utterance sounds in [0, 1]: its frustration cues or its negativity.

    Frustration cues count on their own because "this is the third time I'm calling"
    may score only mildly negative, and plain negativity because "I'm so angry" needs
    no cue."""
    return max(assessed.frustration, -assessed.score, 0.0)


def frustration_peaks(
    positions: Sequence[int], distresses: Sequence[float], breaks: Sequence[int], threshold: float
) -> tuple[int, ...]:
    """The most distressed of each stretch of `positions` (the customer's turns) that no
    position of `breaks` (the agent's substantive turns) interrupts, where it reaches
    `threshold`. All three are in conversation order.

    One peak per stretch: a customer venting over three turns before the agent speaks
    is one moment to answer, not three."""
    peaks: list[int] = []
    best, best_distress, stretch = -1, -1.0, -1
    for p, d in zip(positions, distresses, strict=True):
        at = bisect_right(breaks, p)  # turns of one stretch have as many agent turns before them
        if at != stretch:
            if best_distress >= threshold:
                peaks.append(best)
            best, best_distress, stretch = -1, -1.0, at
        if d > best_distress:
            best, best_distress = p, d
    if best_distress >= threshold:
        peaks.append(best)
    return tuple(peaks)


def trajectory(
    interaction: Interaction,
    *,
    threshold: float = PEAK_THRESHOLD,
    assessed: Sequence[UtteranceSentiment] | None = None,
) -> SentimentTrajectory:
    """The customer's sentiment trajectory through `interaction`.

    `assessed` (one entry per utterance, from `assess_many`) lets callers that already
    scored the conversation, such as detectors sharing `Conversation.memo`, skip scoring.
    """
    utts = interaction.utterances
    if assessed is None:
        assessed = assess_many([u.text for u in utts])
    elif len(assessed) != len(utts):
        raise ValueError(f"{len(utts)} utterances but {len(assessed)} assessments")
    scores = tuple(a.score for a in assessed)
    frustrated = tuple(a.frustration for a in assessed)
    customer = tuple(
        i for i, u in enumerate(utts) if u.speaker is Speaker.CUSTOMER and assessed[i].substantive
    )
    agent = tuple(i for i, u in enumerate(utts) if u.speaker is Speaker.AGENT and assessed[i].substantive)

    peaks = frustration_peaks(
        customer, [distress(a) for a in (assessed[p] for p in customer)], agent, threshold
    )

    if not customer:
        return SentimentTrajectory(
            scores, frustrated, customer, agent, None, None, None, None, None, peaks, None, threshold
        )
    cs = [scores[p] for p in customer]
    width = min(SMOOTHING_TURNS, len(cs))
    window_sum = sum(cs[:width])
    lowest_sum, lowest_k = window_sum, 0
    for k in range(1, len(cs) - width + 1):
        window_sum += cs[k + width - 1] - cs[k - 1]
        if window_sum < lowest_sum - 1e-12:
            lowest_sum, lowest_k = window_sum, k
    lowest = lowest_sum / width
    lowest_at = min(customer[lowest_k : lowest_k + width], key=lambda p: scores[p])
    start = sum(cs[:EDGE_TURNS]) / len(cs[:EDGE_TURNS])
    end = sum(cs[-EDGE_TURNS:]) / len(cs[-EDGE_TURNS:])
    mean = sum(cs) / len(cs)
    recovered: bool | None = None
    if lowest <= NEGATIVE or peaks:
        recovered = end >= lowest + RECOVERY_MARGIN and end > NEGATIVE
    return SentimentTrajectory(
        scores,
        frustrated,
        customer,
        agent,
        start,
        lowest,
        lowest_at,
        end,
        mean,
        peaks,
        recovered,
        threshold,
    )
