"""What counts as a word and what says nothing: defined once for `detect` and `language`.

Both the detectors' normalisation (`coachloop.detect.text`) and the sentiment tokens
(`coachloop.language.sentiment.lexicon`) build on these; neither imports the other.
"""

from __future__ import annotations

__all__ = ["APOSTROPHES", "NOISE_WORDS", "WORD_MARKS", "drop_apostrophes"]

WORD_MARKS = "\u0300-\u036f\u0900-\u0963\u0966-\u0dff"
"""Added to `\\w` in a character class: combining marks and Indic blocks count as word
characters (Devanagari vowel signs and viramas are not `\\w`, and splitting words at them
would break matching); the Devanagari danda and double danda are punctuation."""

APOSTROPHES = ("'", "\u2019", "`")
"""Dropped inside words ("i'm" -> "im"), not turned into a space."""

NOISE_WORDS = frozenset(
    {
        "noise",
        "unk",
        "um",
        "uh",
        "umm",
        "uhm",
        "hmm",
        "mm",
        "mhm",
        "laughter",
        "silence",
        "inaudible",
        "crosstalk",
    }
)
"""Transcription marks ("[noise]", "<unk>") and fillers: words that say nothing. An
utterance of only these is empty to the detectors, and between a negation and its word
they must not push the word out of reach of the sentiment rules."""


def drop_apostrophes(text: str) -> str:
    for mark in APOSTROPHES:
        text = text.replace(mark, "")
    return text
