"""Sensitive values as customers say them: so redaction has realistic work to do.

Why several forms: a transcript shows a card number as digits, grouped digits or
digit words depending on the recogniser and the speaker; an email can be read out
("dot", "at") or typed. Each form is decided when the call is planned, so truth
knows the exact text that must disappear.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["PiiItem", "luhn_valid", "spoken_card", "spoken_email", "spoken_phone"]

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True, slots=True)
class PiiItem:
    kind: str
    """card_number, email or phone."""
    value: str
    """Canonical value: the digits, or the email address."""
    text: str
    """Exactly as it appears in the transcript."""


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 12:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _words(digits: str) -> str:
    return " ".join(_DIGIT_WORDS[int(c)] for c in digits)


def spoken_card(number: str, rng: random.Random, *, chat: bool) -> str:
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    if chat:
        return rng.choice((number, " ".join(groups), "-".join(groups)))
    form = rng.random()
    if form < 0.45:
        return " ".join(groups)
    if form < 0.8:
        return ", ".join(_words(g) for g in groups)
    return number


def spoken_email(email: str, rng: random.Random, *, chat: bool) -> str:
    if chat or rng.random() < 0.5:
        return email
    local, domain = email.split("@")
    said = local.replace(".", " dot ").replace("_", " underscore ")
    return f"{said} at {domain.replace('.', ' dot ')}"


def spoken_phone(phone: str, rng: random.Random, *, chat: bool) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if chat:
        return rng.choice((phone, f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", digits))
    form = rng.random()
    if form < 0.5:
        return phone
    if form < 0.8:
        return f"{_words(digits[:3])}, {_words(digits[3:6])}, {_words(digits[6:])}"
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
