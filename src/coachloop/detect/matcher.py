"""One compiled matcher per rubric: every phrase in one Aho-Corasick automaton, every
regex compiled once, all run over the whole normalised conversation in a single pass.

Detectors ask for *slots* (a set of phrases or patterns they care about) while the
rubric is compiled; at evaluation time they read the hits of their slots.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick

from coachloop.detect.text import SEP, Segments, normalize

__all__ = ["Hit", "Matcher", "MatcherBuilder"]


class Hit(NamedTuple):
    """A match inside one utterance's normalised text (offsets exclude the padding spaces)."""

    utterance: int
    start: int
    end: int
    pattern: str


class Matcher:
    def __init__(
        self, automaton: ahocorasick.Automaton | None, regexes: list[tuple[int, re.Pattern[str]]], slots: int
    ) -> None:
        self._automaton = automaton
        self._regexes = regexes
        self.slots = slots

    def run(self, segments: Segments) -> list[list[Hit]]:
        """Hits per slot, in utterance order, over a conversation's normalised segments."""
        hits: list[list[Hit]] = [[] for _ in range(self.slots)]
        starts = segments.starts
        if not starts:
            return hits
        text = segments.text
        make = tuple.__new__
        if self._automaton is not None:
            # The automaton reports matches in order of their end, so one forward walk
            # maps each to its utterance (no search per hit).
            last = len(starts) - 1
            utt, base = 0, 0
            limit = starts[1] if last else len(text) + 1
            for end, found in self._automaton.iter(text):
                while end >= limit:
                    utt += 1
                    base = limit
                    limit = starts[utt + 1] if utt < last else len(text) + 1
                for slot, key, size in found:
                    hits[slot].append(make(Hit, (utt, end - size - base + 2, end - base, key)))
        for slot, pattern in self._regexes:
            for m in pattern.finditer(text):
                start, end = m.span()
                if start == end or SEP in m.group():
                    continue
                utt = bisect_right(starts, start) - 1
                base = starts[utt]
                hits[slot].append(make(Hit, (utt, start - base, end - base, pattern.pattern)))
        return hits


class MatcherBuilder:
    """Collects the phrases and patterns of every detector of a rubric."""

    def __init__(self) -> None:
        self._phrases: dict[str, list[tuple[int, str]]] = {}
        self._regexes: list[tuple[int, re.Pattern[str]]] = []
        self._slots = 0

    def phrases(self, phrases: Iterable[str]) -> int:
        """A slot that is hit wherever one of `phrases` occurs as whole words."""
        slot = self._new_slot()
        for phrase in phrases:
            key = normalize(phrase)
            if key.strip():
                self._phrases.setdefault(key, []).append((slot, key))
        return slot

    def regex(self, patterns: Iterable[re.Pattern[str]]) -> int:
        """A slot that is hit wherever one of the (already compiled) patterns matches."""
        slot = self._new_slot()
        self._regexes.extend((slot, p) for p in patterns)
        return slot

    def build(self) -> Matcher:
        automaton: ahocorasick.Automaton | None = None
        if self._phrases:
            automaton = ahocorasick.Automaton()
            for key, values in self._phrases.items():
                automaton.add_word(key, tuple((slot, phrase[1:-1], len(phrase)) for slot, phrase in values))
            automaton.make_automaton()
        return Matcher(automaton, list(self._regexes), self._slots)

    def _new_slot(self) -> int:
        self._slots += 1
        return self._slots - 1
