"""Redact payment cards, national ids, emails and phone numbers before anything is stored.

Transcripts carry what callers read out: card numbers, social security numbers, phone
numbers, email addresses. None of it may reach the database, a log line or an export, so
ingest redacts every text first. A secret is replaced by a typed token (`[CARD]`,
`[NATIONAL_ID]`, `[EMAIL]`, `[PHONE]`) rather than deleted: evaluation still has to see
that the customer gave a card number ("my card number is [CARD]"), just not which one.

Callers speak numbers, so digits are found written ("4532 0151 1283 0366"), spoken
("four five three two ...", "double five", "oh" for zero) and mixed. A run of digits is
classified by its length and check digits (Luhn for cards, Verhoeff for Aadhaar), not by
the words around it, except a bare nine-digit number, which is a social security number
only when the same text, or in a conversation one of the two turns before it, introduces
it as one (`redact_turns`).

Ingest redacts 2,000 conversations of 60 utterances a second, so almost all of the work
is a pre-filter: `redact_many` joins the texts and scans them together with regular
expressions that start with a literal, which the regex engine skips to quickly. Only the
texts it flags get the exact (slower) pass, and only the parts of it that can apply.
The pre-filter flags a superset of the texts the exact pass changes; the tests check it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields

from coachloop.errors import ConfigError

__all__ = ["RedactionConfig", "Redactor"]

SSN_CONTEXT_TURNS = 2
"""How many turns back a request for a social security number still explains a bare
nine-digit number (the agent asks, the customer may say "sure" first)."""
CARD = "[CARD]"
NATIONAL_ID = "[NATIONAL_ID]"
EMAIL = "[EMAIL]"
PHONE = "[PHONE]"


@dataclass(frozen=True, slots=True)
class RedactionConfig:
    """What to redact. Everything is on by default; turning a kind off keeps it in clear."""

    cards: bool = True
    """Payment card numbers: 13-19 digits passing the Luhn check."""
    national_ids: bool = True
    """US SSN, Indian Aadhaar and PAN, UK National Insurance number."""
    emails: bool = True
    """Written (jane@example.com) and spoken (jane dot doe at example dot com)."""
    phones: bool = True
    spoken_digits: bool = True
    """Also find the numbers above when they are spoken as digit words."""

    @classmethod
    def from_mapping(cls, m: Mapping[str, bool]) -> RedactionConfig:
        """Read a config section; a misspelt key would silently keep a default, so it is an error."""
        known = [f.name for f in fields(cls)]
        for key, value in m.items():
            if key not in known:
                raise ConfigError(f"redaction: unknown option {key!r} (known: {', '.join(known)})")
            # The string "false" is truthy: accept nothing but a real boolean.
            if not isinstance(value, bool):
                raise ConfigError(f"redaction: option {key!r} must be true or false, not {value!r}")
        return cls(**m)


_DEFAULT_CONFIG = RedactionConfig()

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

_Trie = dict[str, "_Trie"]


def _trie(words: Mapping[str, str]) -> str:
    """The words as a prefix tree, each followed by its pattern in `words`.

    A failing attempt then costs one test per first letter, where a flat alternation
    tries every word. Both passes try this after every space of the texts they scan, so
    how fast it fails is most of the cost of redacting clean text.
    """
    root: _Trie = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie, path: str) -> str:
        branches = [re.escape(ch) + emit(child, path + ch) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            # Longer words first; the word ending here is the last resort.
            branches.append(words[path])
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root, "")


_BOUNDARY = "[^a-z0-9_]"
_END = "(?![a-z0-9_])"
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

# --- Ids and emails with letters in them -------------------------------------------------

# PAN: five letters, four digits, a letter; the fourth letter is the holder type. UK NI
# number: two letters (never the prefixes HMRC does not issue), six digits, A-D.
_LETTER_ID_RX = re.compile(
    rf"{_BOUNDARY}(?P<id>[a-z]{{3}}[abcefghjlpt][a-z][0-9]{{4}}[a-z]"
    rf"|(?!bg|gb|kn|nk|nt|tn|zz)[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z] ?[0-9]{{2}} ?[0-9]{{2}} ?[0-9]{{2}} ?[a-d]){_END}",
    re.ASCII,
)
_NOT_IN_ADDRESS = r"\s@<>()\[\]{},;:\"'`?!"
_EMAIL_RX = re.compile(
    rf"[{_NOT_IN_ADDRESS}](?P<id>[^{_NOT_IN_ADDRESS}]+@(?:[^{_NOT_IN_ADDRESS}.]+\.)+[^{_NOT_IN_ADDRESS}.]+)",
    re.ASCII,
)
_TLDS = (
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "io",
    "co",
    "me",
    "ai",
    "app",
    "dev",
    "in",
    "uk",
    "us",
    "ca",
    "au",
    "nz",
    "ie",
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "sg",
    "ae",
    "za",
    "jp",
)
_TLD = _trie(dict.fromkeys(_TLDS, ""))
_LABEL = "[a-z0-9]+"
_DOMAIN_DOT = r"(?:[ \t]+dot[ \t]+|\.)"
# The parts are bounded (an address has a few dots, not hundreds), so a long "a dot a dot
# ..." costs a bounded amount at each of its words instead of the rest of the text.
_SPOKEN_EMAIL_RX = re.compile(
    rf"[^a-z0-9_.@\-](?P<id>(?P<local>{_LABEL}(?:(?:[ \t]+(?:dot|underscore|dash|hyphen)[ \t]+|[._\-]){_LABEL}){{0,6}})"
    rf"(?P<at>[ \t]+at[ \t]+|[ \t]*@[ \t]*)"
    rf"(?P<domain>{_LABEL}(?:{_DOMAIN_DOT}{_LABEL}){{0,4}}{_DOMAIN_DOT}{_TLD})){_END}",
    re.ASCII,
)
_SPOKEN_LOCAL_JOIN = re.compile(r"[0-9._\-]|[ \t](?:dot|underscore|dash|hyphen)[ \t]", re.ASCII)
_EMAIL_CONTEXT = re.compile(rf"(?<![a-z0-9_])(?:e-?mail|e mail|mail|address){_END}", re.ASCII)
_MAIL_PROVIDERS = frozenset(
    {
        "gmail",
        "googlemail",
        "yahoo",
        "ymail",
        "hotmail",
        "outlook",
        "live",
        "msn",
        "icloud",
        "me",
        "aol",
        "protonmail",
        "proton",
        "gmx",
        "zoho",
        "rediffmail",
        "mail",
    }
)
# "Visit us at example dot com" names a website, not a mailbox.
_NOT_A_MAILBOX = frozenset(
    {
        "us",
        "it",
        "me",
        "them",
        "him",
        "her",
        "you",
        "site",
        "website",
        "web",
        "online",
        "page",
        "portal",
        "app",
        "there",
        "here",
        "look",
        "find",
        "visit",
        "available",
        "s",
        "re",
        "is",
        "was",
        "or",
        "and",
        "link",
        "store",
        "shop",
        "home",
        "go",
    }
)

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

# --- Check digits ------------------------------------------------------------------------

_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_CARD_MIN, _CARD_MAX = 13, 19


# Every second digit from the right, doubled and its digits summed, as an ASCII digit.
_LUHN_DOUBLED_ASCII = bytes.maketrans(b"0123456789", bytes(48 + d for d in _LUHN_DOUBLED))


def _luhn_ok(digits: str) -> bool:
    # On bytes, `translate` and `sum` do the loop in C.
    b = digits.encode()
    return (sum(b[-1::-2]) + sum(b[-2::-2].translate(_LUHN_DOUBLED_ASCII)) - 48 * len(b)) % 10 == 0


def _verhoeff_ok(digits: str) -> bool:
    check = 0
    for i, ch in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[i % 8][ord(ch) - 48]]
    return check == 0


def _card_hull(digits: str) -> tuple[int, int] | None:
    """The smallest digit range covering every Luhn-valid 13-19 digit window, if any.

    For a run longer than a card: the card ran into a neighbouring number or a stray
    digit word ("... three six six one more thing"). Which window is the card cannot be
    known, so all of them are covered. Prefix sums make each window O(1), so a pasted
    wall of digits stays linear.
    """
    n = len(digits)
    # Window [i, j) doubles the positions k with k % 2 == j % 2 (every second from the right).
    sums = ([0] * (n + 1), [0] * (n + 1))
    for k, ch in enumerate(digits):
        d = ord(ch) - 48
        for parity in (0, 1):
            sums[parity][k + 1] = sums[parity][k] + (_LUHN_DOUBLED[d] if k % 2 == parity else d)
    lo, hi = n, 0
    for j in range(_CARD_MIN, n + 1):
        prefix = sums[j % 2]
        for i in range(max(0, j - _CARD_MAX), j - _CARD_MIN + 1):
            if (prefix[j] - prefix[i]) % 10 == 0:
                lo, hi = min(lo, i), max(hi, j)
    return (lo, hi) if lo < hi else None


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


def _ascii_lower(text: str) -> str:
    """Lower A-Z only, as the patterns' ASCII semantics expect; keeps every offset."""
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


_Span = tuple[int, int, str]
"""Start, end (in the padded text) and the token that replaces them."""


class Redactor:
    """Replaces the secrets `config` names with typed tokens. Stateless: share one freely."""

    __slots__ = ("_config", "_numbers", "_run_rx", "_shape_run_rxs", "_token_rx")
    _config: RedactionConfig
    _numbers: bool
    _run_rx: re.Pattern[str]
    _token_rx: re.Pattern[str]
    _shape_run_rxs: tuple[re.Pattern[bytes], re.Pattern[bytes]]

    def __init__(self, config: RedactionConfig = _DEFAULT_CONFIG) -> None:
        self._config = config
        self._numbers = config.cards or config.national_ids or config.phones
        if config.spoken_digits:
            self._run_rx, self._token_rx, self._shape_run_rxs = _ANY_RUN_RX, _ANY_TOKEN_RX, _SHAPE_ANY_RUN_RXS
        else:
            self._run_rx, self._token_rx = _WRITTEN_RUN_RX, _WRITTEN_TOKEN_RX
            self._shape_run_rxs = _SHAPE_WRITTEN_RUN_RXS

    @property
    def config(self) -> RedactionConfig:
        return self._config

    def redact(self, text: str) -> str:
        return self.redact_many((text,))[0]

    def redact_many(self, texts: Sequence[str]) -> list[str]:
        """The same as `[self.redact(t) for t in texts]`, scanning all texts in one go."""
        out = list(texts)
        for i, kinds in self._flagged(out).items():
            out[i] = self._redact_text(out[i], kinds)
        return out

    def redact_turns(self, texts: Sequence[str]) -> list[str]:
        """`redact_many` for the turns of one conversation, in order.

        A bare nine-digit number is a social security number when its own turn or one of
        the `SSN_CONTEXT_TURNS` turns before it asks for one ("can I have your social?"
        ... "one two three four five six seven eight nine").
        """
        out = list(texts)
        for i, kinds in self._flagged(out).items():
            context = (
                kinds & _NUMBERS != 0
                and self._config.national_ids
                and any(
                    _SSN_CONTEXT.search(" " + _ascii_lower(texts[j])) is not None
                    for j in range(max(0, i - SSN_CONTEXT_TURNS), i)
                )
            )
            out[i] = self._redact_text(out[i], kinds, ssn_context=context)
        return out

    # --- pre-filter ------------------------------------------------------------------

    def _flagged(self, texts: list[str]) -> dict[int, int]:
        """Which texts the exact pass might change, and which of its parts might apply."""
        flagged: dict[int, int] = {}
        if not texts:
            return flagged
        # NUL joins the texts (and opens the first); no pattern matches across it.
        data = ("\x00" + "\x00".join(texts)).encode("utf-8", "surrogatepass")
        if data.count(b"\x00") != len(texts):
            # A text holds a NUL of its own, so the boundaries are lost: one at a time.
            for i, text in enumerate(texts):
                kinds = 0
                for _, _, kind in self._suspects(b"\x00" + text.encode("utf-8", "surrogatepass")):
                    kinds |= kind
                if kinds:
                    flagged[i] = kinds
            return flagged
        suspects = self._suspects(data)
        if not suspects:
            return flagged
        # The text a byte belongs to is the number of NULs up to it, minus one. Counting
        # from one sorted point to the next keeps this linear in the data.
        where: dict[int, int] = {}
        index, pos = -1, 0
        for point in sorted({p for start, end, _ in suspects for p in (start, end - 1)}):
            index += data.count(b"\x00", pos, point + 1)
            pos = point + 1
            where[point] = index
        for start, end, kind in suspects:
            for i in range(where[start], where[end - 1] + 1):
                flagged[i] = flagged.get(i, 0) | kind
        return flagged

    def _suspects(self, data: bytes) -> list[tuple[int, int, int]]:
        config = self._config
        found: list[tuple[int, int, int]] = []
        shape = data.translate(_SHAPE_TABLE)
        for rx in self._shape_run_rxs:
            for m in rx.finditer(shape):
                words = m.group()[1:].split()
                if words[0] == b"dot":
                    if config.emails:
                        found.append((m.start(), m.end(), _EMAILS))
                elif self._numbers and sum(_SHAPE_WEIGHTS.get(w, len(w)) for w in words) >= _MIN_DIGITS:
                    found.append((m.start(), m.end(), _NUMBERS))
        if self._numbers:
            for m in _SHAPE_DIGITS_RX.finditer(shape):
                start = m.start()
                if (
                    m.start("ni") < 0
                    or _SHAPE_NI_LETTERS.fullmatch(shape, max(0, start - 3), start)
                    or _SHAPE_NI_LETTERS.fullmatch(shape, max(0, start - 2), start)
                ):
                    found.append((start, m.end(), _NUMBERS | _LETTER_IDS))
        if config.emails:
            found.extend((m.start(), m.end(), _EMAILS) for m in _AT_RX.finditer(data))
            found.extend((m.start(), m.end(), _EMAILS) for m in _DOMAIN_RX.finditer(data))
        return found

    # --- exact pass ------------------------------------------------------------------

    def _redact_text(self, text: str, kinds: int = _EVERYTHING, *, ssn_context: bool = False) -> str:
        config = self._config
        if kinds & _EMAILS and config.emails:
            if "@" in text:
                text = _replace(_EMAIL_RX, text, _whole(EMAIL))
            text = _replace(_SPOKEN_EMAIL_RX, text, _spoken_email)
        if kinds & _LETTER_IDS and config.national_ids:
            text = _replace(_LETTER_ID_RX, text, _whole(NATIONAL_ID))
        if kinds & _NUMBERS and self._numbers:
            if ssn_context:
                text = _replace(self._run_rx, text, lambda m: self._redact_run(m, ssn_context=True))
            else:
                text = _replace(self._run_rx, text, self._redact_run)
        return text

    def _redact_run(self, m: re.Match[str], ssn_context: bool = False) -> list[_Span]:
        padded = m.string
        body_start, body_end = m.span("body")
        # Token strings only (no match objects): most runs are classified as a whole.
        digits = [_token_digits(t) for t in self._token_rx.findall(padded, body_start - 1, body_end)]
        # The "+" and "(" before the first token belong to the number. A "+" right after
        # a word is taken as the boundary: it still makes the number a phone number.
        run_start = m.start("run")
        plus = m.group("plus") is not None
        if padded[m.start()] == "+":
            run_start, plus = m.start(), True
        label = self._label(padded, body_start, body_end, "".join(digits), plus, ssn_context)
        if label is not None:
            return [(run_start, body_end, label)]
        # Only a run longer than any card is searched for one inside: a 16-digit run that
        # fails Luhn stays a (non-card) number, see `_label`.
        if not self._config.cards or sum(map(len, digits)) <= 16:
            return []
        hull = _card_hull("".join(digits))
        if hull is None:
            return []
        spans = [t.span("tok") for t in self._token_rx.finditer(padded, body_start - 1, body_end)]
        first = last = -1
        seen = 0
        for i, d in enumerate(digits):
            if first < 0 and seen + len(d) > hull[0]:
                first = i
            if seen < hull[1]:
                last = i
            seen += len(d)
        found = [(spans[first][0] if first else run_start, spans[last][1], CARD)]
        if first > 0:
            left = self._label(padded, body_start, spans[first - 1][1], "".join(digits[:first]), plus)
            if left is not None:
                found.insert(0, (run_start, spans[first - 1][1], left))
        if last < len(digits) - 1:
            right = self._label(padded, spans[last + 1][0], body_end, "".join(digits[last + 1 :]), False)
            if right is not None:
                found.append((spans[last + 1][0], body_end, right))
        return found

    def _label(
        self, padded: str, start: int, end: int, digits: str, plus: bool, ssn_context: bool = False
    ) -> str | None:
        """The kind of number `digits` is, written as `padded[start:end]`; None if not a secret."""
        config = self._config
        n = len(digits)
        if n < _MIN_DIGITS:
            return None
        # A leading "+" is how phone numbers are written, and nothing else is.
        if plus and n <= 15 and config.phones:
            return PHONE
        if config.cards and _CARD_MIN <= n <= _CARD_MAX and _luhn_ok(digits):
            return CARD
        # A 13-19 digit run failing Luhn is deliberately left alone: it is an order,
        # account or tracking reference far more often than a misheard card, and
        # evaluation needs to see an agent read those back. (The residual risk, a card
        # with one digit misrecognised, is exactly what Luhn cannot tell apart.)
        body = padded[start:end]
        before = padded[max(0, start - 3) : start].rstrip()
        # Amounts ("$1,250,000.00"), IP addresses and lists of years are not phones or ids.
        if (
            (before and before[-1] in _CURRENCY)
            or _THOUSANDS_SHAPE.fullmatch(body)
            or _IP_SHAPE.fullmatch(body)
            or _YEARS_SHAPE.fullmatch(body)
        ):
            return None
        if config.national_ids:
            if n == 9 and (
                ssn_context or _SSN_SHAPE.fullmatch(body) or _SSN_CONTEXT.search(padded, 0, start)
            ):
                return NATIONAL_ID
            if n == 12 and digits[0] not in "01" and _verhoeff_ok(digits):
                return NATIONAL_ID
        if config.phones:
            # 10 digits (US, India), 11-12 with a trunk "0" or a country code, or a stray
            # digit word next to a 10-digit number: all phones, rather than leave one
            # because of where the run happened to end.
            if 10 <= n <= 12:
                return PHONE
            if n == 7 and _LOCAL_PHONE_SHAPE.fullmatch(body):
                return PHONE
        return None


def _replace(rx: re.Pattern[str], text: str, spans: Callable[[re.Match[str]], list[_Span]]) -> str:
    """Match `rx` against " " + the lowered text; replace the spans `spans` picks in `text`."""
    padded = " " + _ascii_lower(text)
    pieces: list[str] = []
    pos = 0
    for m in rx.finditer(padded):
        for start, end, label in spans(m):
            pieces += (text[pos : start - 1], label)
            pos = end - 1
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


def _whole(label: str) -> Callable[[re.Match[str]], list[_Span]]:
    def spans(m: re.Match[str]) -> list[_Span]:
        return [(m.start("id"), m.end("id"), label)]

    return spans


def _spoken_email(m: re.Match[str]) -> list[_Span]:
    """Redact "jane dot doe at example dot com" unless it reads like a website."""
    local = m.group("local")
    span = [(m.start("id"), m.end("id"), EMAIL)]
    if local in _NOT_A_MAILBOX:
        return []
    if "@" in m.group("at") or _SPOKEN_LOCAL_JOIN.search(local):
        return span
    if re.split(r"[ \t.]", m.group("domain"), maxsplit=1)[0] in _MAIL_PROVIDERS:
        return span
    if _EMAIL_CONTEXT.search(m.string, 0, m.start()):
        return span
    return []
