"""Settings shared by detectors that look for wording: phrases, per-language variants, regexes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator, model_validator

from coachloop.detect.base import DetectorSettings, compile_patterns, expand_vars
from coachloop.detect.matcher import Hit, MatcherBuilder

__all__ = ["Lexicon", "Pattern", "Wording", "check_pattern", "lexicon_hits", "lexicon_slots"]


def check_pattern(pattern: str) -> str:
    compile_patterns([pattern])
    return pattern


Pattern = Annotated[str, AfterValidator(check_pattern)]


class Lexicon(DetectorSettings):
    """Ways of saying one thing. `variants` holds other languages' phrasings
    (`{hi: [...]}`): a behaviour is met whichever language the speaker used."""

    phrases: list[str] = Field(default_factory=list)
    variants: dict[str, list[str]] = Field(default_factory=dict)
    regex: list[Pattern] = Field(default_factory=list)

    @field_validator("regex", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def all_phrases(self) -> list[str]:
        out = list(self.phrases)
        for phrases in self.variants.values():
            out.extend(phrases)
        return out

    def is_empty(self) -> bool:
        return not self.all_phrases() and not self.regex


class Wording(Lexicon):
    """A lexicon that must say something: at least one phrase, variant or regex."""

    @model_validator(mode="after")
    def _needs_wording(self) -> Wording:
        if self.is_empty():
            raise ValueError("give at least one of `phrases`, `variants` or `regex`")
        return self


def lexicon_slots(
    lexicon: Lexicon, builder: MatcherBuilder, variables: Mapping[str, list[str]]
) -> tuple[int, ...]:
    """Register a lexicon's phrases and patterns with the matcher; read hits with `lexicon_hits`."""
    slots = [builder.phrases(expand_vars(lexicon.all_phrases(), variables))]
    if lexicon.regex:
        slots.append(builder.regex(re.compile(p) for p in lexicon.regex))
    return tuple(slots)


def lexicon_hits(hits: list[list[Hit]], slots: tuple[int, ...]) -> list[Hit]:
    if len(slots) == 1:
        return hits[slots[0]]
    merged = [h for s in slots for h in hits[s]]
    merged.sort()
    return merged
