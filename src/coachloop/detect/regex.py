"""`detect: regex` — met when a pattern matches an utterance of the speaker in the window.

Patterns run on the normalised text: lower case, no punctuation, single spaces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import Field, field_validator

from coachloop.detect.base import Conversation, Detector, DetectorSettings, Finding, Scope, detectors
from coachloop.detect.lexicon import Pattern
from coachloop.detect.matcher import MatcherBuilder
from coachloop.detect.phrase import said_in_window

__all__ = ["RegexDetector"]


class RegexSettings(DetectorSettings):
    regex: list[Pattern] = Field(min_length=1)

    @field_validator("regex", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


@detectors.register("regex")
class RegexDetector(Detector):
    Settings = RegexSettings

    def __init__(
        self, settings: RegexSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.slot = builder.regex(re.compile(p) for p in settings.regex)

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        return said_in_window(
            conv, scope, conv.hits[self.slot], "no utterance in the window matched the pattern"
        )
