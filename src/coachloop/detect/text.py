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

__all__ = ["SEP", "locate", "normalize", "normalize_many"]

SEP = "\n"
# Combining marks and Indic blocks count as word characters: Devanagari vowel signs
# and viramas are not `\w`, and splitting words at them would break matching.
# (The Devanagari danda and double danda are sentence punctuation, not letters.)
_MARKS = "\u0300-\u036f\u0900-\u0963\u0966-\u0dff"
_PUNCT = rf"[^\w\n {_MARKS}]"
_WORD_CHAR = re.compile(rf"[\w{_MARKS}]")
# Only punctuation runs are matched (a pattern starting with a character class scans
# fast); the double spaces they leave are collapsed with plain string replacement.
_PUNCT_RUN = re.compile(rf"{_PUNCT}+")


# ASCII punctuation is mapped by `str.translate`, which has a fast path for ASCII text;
# only text with other characters pays for the regex.
_ASCII_PUNCT = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c in "_\n ")})


def _clean(text: str) -> str:
    text = text.lower().replace("'", "").replace("\u2019", "").replace("`", "").translate(_ASCII_PUNCT)
    if not text.isascii():
        text = _PUNCT_RUN.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def normalize(text: str) -> str:
    """Normalised, space-padded form of one text (phrases and single utterances)."""
    return f" {_clean(text.replace(SEP, ' ')).strip()} "


def normalize_many(texts: Sequence[str]) -> list[str]:
    """`[normalize(t) for t in texts]`, in one regex pass."""
    if not texts:
        return []
    joined = SEP.join(texts)
    if joined.count(SEP) != len(texts) - 1:  # a text holds a newline of its own
        return [normalize(t) for t in texts]
    return [f" {part.strip(' ')} " for part in _clean(joined).split(SEP)]


def locate(original: str, normalized: str, start: int, end: int) -> tuple[int, int]:
    """Map a span of `normalize(original)` back to character offsets in `original`.

    Detectors match on normalised text; evidence quotes the stored text, so the span
    must point into that. Most transcripts are already lower case without punctuation,
    where the offsets differ only by the leading pad.
    """
    if normalized[1:-1] == original:
        return max(start - 1, 0), min(end - 1, len(original))
    positions: list[int] = []  # positions[i] = index in `original` of normalised char i
    pending_space = True
    lowered = original.lower()
    same_length = len(lowered) == len(original)
    for i, ch in enumerate(lowered):
        if ch in "'\u2019`":
            continue
        if _WORD_CHAR.match(ch):
            if pending_space:
                positions.append(i if same_length else min(i, len(original) - 1))
                pending_space = False
            positions.append(i if same_length else min(i, len(original) - 1))
        else:
            pending_space = True
    # positions[0] stands for the leading pad.
    if not positions:
        return 0, 0
    first = min(max(start, 1), len(positions) - 1)
    last = min(max(end - 1, first), len(positions) - 1)
    return positions[first], positions[last] + 1
