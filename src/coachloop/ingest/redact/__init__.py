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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from coachloop.errors import ConfigError
from coachloop.ingest.redact.checksums import _CARD_MAX, _CARD_MIN, _card_hull, _luhn_ok, _verhoeff_ok
from coachloop.ingest.redact.common import (
    CARD,
    EMAIL,
    NATIONAL_ID,
    PHONE,
    _ascii_lower,
    _replace,
    _Span,
    _whole,
)
from coachloop.ingest.redact.emails import _EMAIL_RX, _LETTER_ID_RX, _SPOKEN_EMAIL_RX, _spoken_email
from coachloop.ingest.redact.numbers import (
    _ANY_RUN_RX,
    _ANY_TOKEN_RX,
    _CURRENCY,
    _IP_SHAPE,
    _LOCAL_PHONE_SHAPE,
    _SSN_CONTEXT,
    _SSN_SHAPE,
    _THOUSANDS_SHAPE,
    _WRITTEN_RUN_RX,
    _WRITTEN_TOKEN_RX,
    _YEARS_SHAPE,
    _token_digits,
)
from coachloop.ingest.redact.prefilter import (
    _AT_RX,
    _DOMAIN_RX,
    _EMAILS,
    _EVERYTHING,
    _LETTER_IDS,
    _MIN_DIGITS,
    _NUMBERS,
    _SHAPE_ANY_RUN_RXS,
    _SHAPE_DIGITS_RX,
    _SHAPE_NI_LETTERS,
    _SHAPE_TABLE,
    _SHAPE_WEIGHTS,
    _SHAPE_WRITTEN_RUN_RXS,
)

__all__ = ["RedactionConfig", "Redactor"]

SSN_CONTEXT_TURNS = 2
"""How many turns back a request for a social security number still explains a bare
nine-digit number (the agent asks, the customer may say "sure" first)."""


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
