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
_DROP = str.maketrans({"'": None, "\u2019": None, "`": None})
# Combining marks and Indic blocks count as word characters: Devanagari vowel signs
# and viramas are not `\w`, and splitting words at them would break matching.
_NON_WORD = re.compile(r"[^\w\n\u0300-\u036f\u0900-\u0dff]+")


def normalize(text: str) -> str:
    """Normalised, space-padded form of one text (phrases and single utterances)."""
    body = _NON_WORD.sub(" ", text.replace(SEP, " ").lower().translate(_DROP)).strip()
    return f" {body} "


def normalize_many(texts: Sequence[str]) -> list[str]:
    """`[normalize(t) for t in texts]`, in one regex pass."""
    joined = SEP.join(texts)
    if joined.count(SEP) != len(texts) - 1:  # a text holds a newline of its own
        return [normalize(t) for t in texts]
    body = _NON_WORD.sub(" ", joined.lower().translate(_DROP))
    return [f" {part.strip()} " for part in body.split(SEP)] if texts else []


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
        if ch.isalnum() or ch == "_" or "\u0300" <= ch <= "\u036f" or "\u0900" <= ch <= "\u0dff":
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
