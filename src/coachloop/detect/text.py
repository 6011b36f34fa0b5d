"""Text normalisation shared by every lexical detector.

Phrases and utterances are compared after the same normalisation: lower case,
apostrophes dropped ("i'm" -> "im"), every other run of non-word characters one space,
and a space at both ends so that a phrase padded with spaces only matches whole words.
A conversation is normalised in one pass over its utterances joined by `SEP`, which
normalisation keeps, so the matcher runs once per conversation, not once per turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate
from typing import overload

from coachloop.textnorm import WORD_MARKS, drop_apostrophes

__all__ = ["SEP", "Segments", "locate", "normalize", "normalize_many", "normalize_segments"]

SEP = "\n"
_MARKS = WORD_MARKS
_PUNCT = rf"[^\w\n {_MARKS}]"
_APOSTROPHES = "'\u2019`"
_WORD_RUN = re.compile(rf"[\w{_MARKS}{_APOSTROPHES}]+")
_APOSTROPHE_IN = re.compile(f"[{_APOSTROPHES}]")
# Only punctuation runs are matched (a pattern starting with a character class scans
# fast); the double spaces they leave are collapsed with plain string replacement.
_PUNCT_RUN = re.compile(rf"{_PUNCT}+")


# ASCII punctuation is mapped by `str.translate`, which has a fast path for ASCII text;
# only text with other characters pays for the regex.
_ASCII_PUNCT = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c in "_\n ")})


def _clean(text: str) -> str:
    text = drop_apostrophes(text.lower()).translate(_ASCII_PUNCT)
    if not text.isascii():
        text = _PUNCT_RUN.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def normalize(text: str) -> str:
    """Normalised, space-padded form of one text (phrases and single utterances)."""
    body = _clean(text.replace(SEP, " ")).strip()
    return f" {body} " if body else " "


class Segments(Sequence[str]):
    """A conversation's normalised utterances as one string, `SEP` between them.

    `text` is what the matcher scans; `starts[i]` is where utterance i's space-padded
    segment begins. `segments[i]` slices it out only when a detector asks, so the common
    path builds no per-utterance strings.
    """

    __slots__ = ("starts", "text")

    def __init__(self, text: str, starts: list[int]) -> None:
        self.text = text
        self.starts = starts

    def __len__(self) -> int:
        return len(self.starts)

    def bounds(self, i: int) -> tuple[int, int]:
        """Start and end (exclusive) of utterance i's segment in `text`."""
        starts = self.starts
        return starts[i], (starts[i + 1] - 1 if i + 1 < len(starts) else len(self.text))

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self.starts)
        start, end = self.bounds(i)
        return self.text[start:end]


def normalize_segments(texts: Sequence[str]) -> Segments:
    """All `texts` normalised in one pass: segment i equals `normalize(texts[i])`."""
    if not texts:
        return Segments("", [])
    joined = SEP.join(texts)
    if joined.count(SEP) != len(texts) - 1:  # a text holds a newline of its own
        joined = SEP.join(t.replace(SEP, " ") for t in texts)
    text = _clean(" " + joined.replace(SEP, f" {SEP} ") + " ")
    # Segment i starts after the i-th separator: running sums of the part lengths, in C.
    starts = [0]
    starts.extend(accumulate(map((1).__add__, map(len, text.split(SEP)[:-1]))))
    return Segments(text, starts)


def normalize_many(texts: Sequence[str]) -> list[str]:
    """`[normalize(t) for t in texts]`, in one pass."""
    return list(normalize_segments(texts))


def locate(original: str, normalized: str, start: int, end: int) -> tuple[int, int]:
    """Map a span of `normalize(original)` back to character offsets in `original`.

    Detectors match on normalised text; evidence quotes the stored text, so the span
    must point into that. Most transcripts are already lower case without punctuation,
    where the offsets differ only by the leading pad.
    """
    if normalized[1:-1] == original:
        return max(start - 1, 0), min(end - 1, len(original))
    # positions[i] = index in `original` of normalised char i: each word (a run of word
    # characters, apostrophes dropped) contributes its space and then its characters.
    # Built word by word, and only as far as the span reaches.
    positions: list[int] = []
    needed = max(start, end - 1, 1)  # the highest index read below
    for m in _WORD_RUN.finditer(original.lower()):
        at, word = m.start(), m.group()
        if _APOSTROPHE_IN.search(word) is None:
            chars: Sequence[int] = range(at, at + len(word))
        else:
            chars = [at + k for k, ch in enumerate(word) if ch not in _APOSTROPHES]
            if not chars:
                continue
        positions.append(chars[0])
        positions.extend(chars)
        if len(positions) > needed:
            break
    if positions and positions[-1] >= len(original):  # lower() lengthened the text
        positions = [min(i, len(original) - 1) for i in positions]
    # positions[0] stands for the leading pad.
    if not positions:
        return 0, 0
    first = min(max(start, 1), len(positions) - 1)
    last = min(max(end - 1, first), len(positions) - 1)
    return positions[first], positions[last] + 1
