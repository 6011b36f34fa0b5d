"""What a token is, before any model looks at it: its script and its lookup form.

Language identification works on whitespace tokens (`text.split()`, an interface other
tools rely on), so punctuation stays attached ("hai?", "(card)", "don't"). Here a token
is reduced to the form the lexicons are keyed by, and its script decides what can tag
it at all: Devanagari is Hindi, other non-Latin scripts name their own language, and
only Latin-script words need the Hindi/English model.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

__all__ = ["Script", "TokenInfo", "analyze", "lookup_form", "script_language"]


class Script(StrEnum):
    LATIN = "latin"
    DEVANAGARI = "devanagari"
    OTHER = "other"  # a letter script with its own language: see `script_language`
    DIGITS = "digits"  # numerals, no letters
    NONE = "none"  # punctuation, symbols, emoji: carries no language


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token's script, its lookup form (Latin only) and, for other scripts, their language."""

    script: Script
    form: str = ""
    language: str = ""


# Unicode blocks of letter scripts -> the language they most likely write in a contact
# center. Scripts shared by several languages name the most common one; the few letters
# that tell them apart are checked in `_refine`.
_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "el"),
    (0x0400, 0x04FF, "ru"),
    (0x0530, 0x058F, "hy"),
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0750, 0x077F, "ar"),
    (0x0980, 0x09FF, "bn"),
    (0x0A00, 0x0A7F, "pa"),
    (0x0A80, 0x0AFF, "gu"),
    (0x0B00, 0x0B7F, "or"),
    (0x0B80, 0x0BFF, "ta"),
    (0x0C00, 0x0C7F, "te"),
    (0x0C80, 0x0CFF, "kn"),
    (0x0D00, 0x0D7F, "ml"),
    (0x0D80, 0x0DFF, "si"),
    (0x0E00, 0x0E7F, "th"),
    (0x0E80, 0x0EFF, "lo"),
    (0x1000, 0x109F, "my"),
    (0x10A0, 0x10FF, "ka"),
    (0x1100, 0x11FF, "ko"),
    (0x1200, 0x137F, "am"),
    (0x1780, 0x17FF, "km"),
    (0x3040, 0x30FF, "ja"),
    (0x3130, 0x318F, "ko"),
    (0x3400, 0x4DBF, "zh"),
    (0x4E00, 0x9FFF, "zh"),
    (0xAC00, 0xD7AF, "ko"),
    (0xFB50, 0xFDFF, "ar"),
    (0xFE70, 0xFEFF, "ar"),
)
_URDU_LETTERS = frozenset("ٹڈڑںےھۓ")
_PERSIAN_LETTERS = frozenset("پچژگ")
_UKRAINIAN_LETTERS = frozenset("єіїґЄІЇҐ")
_ASSAMESE_LETTERS = frozenset("ৰৱ")
_KANA = (0x3040, 0x30FF)
_DEVANAGARI = (0x0900, 0x097F)
_DEVANAGARI_DIGITS = (0x0966, 0x096F)


def _block_language(ch: str) -> str:
    code = ord(ch)
    for low, high, language in _BLOCKS:
        if low <= code <= high:
            return language
    return ""


def _refine(language: str, letters: str) -> str:
    """Tell apart languages that share a script, by letters only one of them uses."""
    chars = set(letters)
    if language == "ar":
        if chars & _URDU_LETTERS:
            return "ur"
        if chars & _PERSIAN_LETTERS:
            return "fa"
    elif language == "ru" and chars & _UKRAINIAN_LETTERS:
        return "uk"
    elif language == "bn" and chars & _ASSAMESE_LETTERS:
        return "as"
    elif language == "zh" and any(_KANA[0] <= ord(c) <= _KANA[1] for c in letters):
        return "ja"
    return language


def script_language(word: str) -> str:
    """The language a non-Latin, non-Devanagari word's script writes ("" when none)."""
    counts: dict[str, int] = {}
    for ch in word:
        language = _block_language(ch)
        if language:
            counts[language] = counts.get(language, 0) + 1
    if not counts:
        return ""
    # Japanese mixes kana with Han characters; any kana makes it Japanese.
    best = max(counts, key=lambda k: (counts[k], k))
    if "ja" in counts:
        best = "ja"
    return _refine(best, word)


_STRIP = "".join(
    chr(c)
    for c in range(0x2000, 0x2070)
    if unicodedata.category(chr(c)).startswith("P") or chr(c) in "\u200b\u200c\u200d"
)
_EDGE_PUNCT = "\"'`.,;:!?()[]{}<>«»|/\\*_~^#@&%+=$€£₹-–—…“”‘’" + _STRIP


def lookup_form(token: str) -> str:
    """The lexicon key of a Latin token: lower case, edge punctuation and digits removed.

    Inner apostrophes stay ("don't"); curly ones become straight. Digits inside a word
    are chat shorthand ("rok2" = "rok rok", "gr8"), so they are dropped when letters remain.
    """
    form = token.lower().replace("\u2019", "'").replace("\u2018", "'").strip(_EDGE_PUNCT)
    if any(ch.isdigit() for ch in form):
        letters = "".join(ch for ch in form if not ch.isdigit())
        if sum(ch.isalpha() for ch in letters) >= 2:
            form = letters.strip(_EDGE_PUNCT)
    return form


@lru_cache(maxsize=65536)
def analyze(token: str) -> TokenInfo:
    """Classify a token by the script of its letters (the majority when scripts mix)."""
    latin = devanagari = other = digits = deva_digits = 0
    others: list[str] = []
    for ch in token:
        code = ord(ch)
        if ch.isdigit():
            if _DEVANAGARI_DIGITS[0] <= code <= _DEVANAGARI_DIGITS[1]:
                deva_digits += 1
            else:
                digits += 1
        elif _DEVANAGARI[0] <= code <= _DEVANAGARI[1]:
            if code not in (0x0964, 0x0965, 0x0970):  # dandas and abbreviation sign
                devanagari += 1
        elif ch.isalpha() or unicodedata.category(ch).startswith("M"):
            if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
                latin += 1
            else:
                other += 1
                others.append(ch)
    if latin == devanagari == other == 0:
        if deva_digits > digits:
            return TokenInfo(Script.DIGITS, language="hi")
        if digits:
            return TokenInfo(Script.DIGITS, language="en")
        return TokenInfo(Script.NONE)
    if devanagari >= latin and devanagari >= other:
        return TokenInfo(Script.DEVANAGARI, language="hi")
    if other > latin:
        return TokenInfo(Script.OTHER, language=script_language("".join(others)) or "und")
    return TokenInfo(Script.LATIN, form=lookup_form(token))
