"""The pre-filter: one scan over the joined texts flags the few the exact pass must read."""

from __future__ import annotations

import re

from coachloop.ingest.redact.common import _trie
from coachloop.ingest.redact.emails import _TLD
from coachloop.ingest.redact.numbers import _DIGIT_WORDS, _HUNDRED, _TEENS, _TENS

# --- The pre-filter ----------------------------------------------------------------------
#
# It reads a "shape" of the joined texts: ASCII letters lowered, every digit a "0", the
# separators of `_SEP` (and, as they may be one, all bytes of non-ASCII characters) a
# space, any other byte ("/", ":", "+", the NUL between texts ...) a "#". A token then
# follows a space or a "#" and runs continue over spaces only, so two literals anchor
# the search, and any run the exact pass could redact lies inside a run the pre-filter
# sees, with at least as many digits.

_SHAPE_TABLE = bytes(
    c + 32
    if 65 <= c <= 90
    else c
    if 97 <= c <= 122 or c == 95
    else 48
    if 48 <= c <= 57
    else 32
    if c >= 128 or chr(c) in " \t\r\n,.()-"
    else 35
    for c in range(256)
)
_MIN_DIGITS = 7
"""Nothing shorter is redacted: the shortest is a written local phone number, 555-0123."""
# An upper bound of the digits each shape token stands for: "triple five" is two tokens
# and three digits, "twenty five" two tokens and two digits.
_SHAPE_WEIGHTS = {
    **{w.encode(): 1 for w in _DIGIT_WORDS},
    b"double": 1,
    b"triple": 2,
    **{w.encode(): 2 for w in (*_TEENS, *_TENS, _HUNDRED)},
}
_SHAPE_END = "(?![a-z0_])"


def _shape_run_regexes(words: str | None) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Runs that may hold seven digits, after a space and after a "#".

    Three tokens or more, or two of which one is written with enough digits: two spoken
    tokens are at most four digits. The runs are weighed afterwards. Each alternative
    opens differently (a digit-word letter, "0", "dot"), so a failing attempt is decided
    on its first letters. After a space, also a spoken domain (" dot com").
    """
    e = _SHAPE_END
    tok = f"(?:{words}|0+){e}" if words else f"0+{e}"
    written_first = rf"0(?:0*{e} +{tok}(?: +{tok})+|0{{4,}}{e} +{tok}|0*{e} +0{{5,}}{e}|000{e} +000{{1,2}}{e}|00{e} +0000{e})"
    word_first = rf"|{words}{e} +(?:{tok}(?: +{tok})+|0{{5,}}{e})" if words else ""
    return (
        re.compile(rf" (?:dot +{_TLD}{e}|{written_first}{word_first})".encode()),
        re.compile(rf"#(?:{written_first}{word_first})".encode()),
    )


_SHAPE_ANY_RUN_RXS = _shape_run_regexes(_trie({w.decode(): "" for w in _SHAPE_WEIGHTS}))
_SHAPE_WRITTEN_RUN_RXS = _shape_run_regexes(None)
# Seven digits in a row, four and a letter (a PAN), six and a letter A-D (a UK NI number,
# if two letters come before: checked afterwards).
_SHAPE_DIGITS_RX = re.compile(
    rf"00(?:00000|00[a-z]{_SHAPE_END}|(?P<ni> ?00 ?00 ?[a-d]){_SHAPE_END})".encode()
)
_SHAPE_NI_LETTERS = re.compile(b"[a-z]{2} ?")
_AT_RX = re.compile(b"@")
# Case-insensitive on bytes is ASCII-only, as the exact pass is.
_DOMAIN_RX = re.compile(rf"\.{_TLD}(?![a-z0-9_])".encode(), re.IGNORECASE)

_NUMBERS, _LETTER_IDS, _EMAILS = 1, 2, 4
_EVERYTHING = _NUMBERS | _LETTER_IDS | _EMAILS
