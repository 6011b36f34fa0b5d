"""Numbers as callers give them: written, spoken as digit words ("double five", "oh"), and mixed."""

from __future__ import annotations

import re

from coachloop.ingest.redact.common import _BOUNDARY, _END, _trie

# --- Numbers as callers give them --------------------------------------------------------
#
# Every pattern of the exact pass runs on " " + the text with ASCII letters lowered, so
# it can be case-sensitive and open with a consumed boundary character: the regex engine
# then skips over letters and digits instead of trying a match at every position.

_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_TEENS = {
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
_TENS = {
    "twenty": "2",
    "thirty": "3",
    "forty": "4",
    "fifty": "5",
    "sixty": "6",
    "seventy": "7",
    "eighty": "8",
    "ninety": "9",
}
_REPEATS = {"double": 2, "triple": 3}
# "Hundred" is in numbers callers read out ("one eight hundred ...") and its two zeros
# count; "thousand" practically never is, and counting it would only merge amounts.
_HUNDRED = "hundred"


_DIGIT_WORD = _trie(dict.fromkeys(_DIGIT_WORDS, ""))
_UNIT_WORD = _trie({w: "" for w, d in _DIGIT_WORDS.items() if d != "0"})

# Separators digits come with: spaces, commas, hyphens, dots, brackets, and the
# non-breaking and thin spaces and dashes copy-paste brings. Not ":" or "/", which make
# times and dates, and not NUL, which joins the texts in `redact_many`.
_SEP = r"[ \t\r\n,.()\-\u00a0\u2009\u202f\u2013\u2014]+"
# Digits touching ":" are a time ("3:30"), never part of a card or a phone number. The
# first digit comes before the look-behind so that other text fails on it at once.
_WRITTEN = r"[0-9](?<![0-9]:[0-9])[0-9]*(?![a-z0-9_]|:[0-9])"
_LONG_WRITTEN = r"[0-9](?<![0-9]:[0-9])[0-9]{6,}(?![a-z0-9_]|:[0-9])"
_SPOKEN = (
    _trie(
        {
            **dict.fromkeys(_DIGIT_WORDS, ""),
            **dict.fromkeys(_TEENS, ""),
            _HUNDRED: "",
            **dict.fromkeys(_TENS, rf"(?:[ \t\-]+{_UNIT_WORD}{_END})?"),
            **dict.fromkeys(_REPEATS, rf"[ \t\-]+(?:{_DIGIT_WORD}|[0-9](?![0-9]))"),
        }
    )
    + _END
)


def _run_regex(token: str) -> re.Pattern[str]:
    """A run of two tokens or more, or one long written number: shorter is never redacted."""
    return re.compile(
        rf"{_BOUNDARY}(?P<run>(?:\([ \t]*)?(?P<plus>\+[ \t]*)?(?:\([ \t]*)?"
        rf"(?P<body>(?:{token})(?:{_SEP}(?:{token}))+|{_LONG_WRITTEN}))",
        re.ASCII,
    )


_WRITTEN_RUN_RX = _run_regex(_WRITTEN)
# Tokens inside a run: each follows a separator, consumed as the boundary.
_WRITTEN_TOKEN_RX = re.compile(f"{_BOUNDARY}(?P<tok>{_WRITTEN})", re.ASCII)
_ANY_RUN_RX = _run_regex(f"{_WRITTEN}|{_SPOKEN}")
_ANY_TOKEN_RX = re.compile(f"{_BOUNDARY}(?P<tok>{_WRITTEN}|{_SPOKEN})", re.ASCII)

_SSN_SHAPE = re.compile(r"[0-9]{3}[ \-][0-9]{2}[ \-][0-9]{4}")
_LOCAL_PHONE_SHAPE = re.compile(r"[0-9]{3}[\-.][0-9]{4}")
_THOUSANDS_SHAPE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_IP_SHAPE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_YEARS_SHAPE = re.compile(r"(?:19|20)[0-9]{2}(?:[ \t,.\-]+(?:19|20)[0-9]{2})+")
_CURRENCY = frozenset("$£€¥₹")
# Words that introduce a number (here, and "email" for a spoken address below) are looked
# for anywhere before it in the same text, not within some distance: redacting shortens
# the text, so a distance would make redacting the result again change it.
_SSN_CONTEXT = re.compile(rf"(?<![a-z0-9_])(?:social(?:[ \-]security)?|ssn|s\.? ?s\.? ?n){_END}", re.ASCII)


_ONE_WORD_DIGITS = {**_DIGIT_WORDS, **_TEENS, **{w: d + "0" for w, d in _TENS.items()}, _HUNDRED: "00"}


def _token_digits(token: str) -> str:
    digits = _ONE_WORD_DIGITS.get(token)
    if digits is not None:
        return digits
    if token[0] <= "9":
        return token
    # "double five", "forty-five"
    first, second = token.replace("-", " ").split()
    if first in _REPEATS:
        return _DIGIT_WORDS.get(second, second) * _REPEATS[first]
    return _TENS[first] + _DIGIT_WORDS[second]
