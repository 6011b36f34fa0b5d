"""`detect: customer_name` — the agent addresses the customer by name after learning it.

The name comes from the interaction's metadata (`customer_name`) when the source has
it, otherwise from the customer introducing themselves ("my name is ..."). Without a
known name the behaviour is not applicable: nobody can use a name they were not given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import Field

from coachloop.detect.base import Conversation, Detector, DetectorSettings, Finding, Scope, detectors
from coachloop.detect.lexicon import Pattern
from coachloop.detect.matcher import MatcherBuilder
from coachloop.detect.phrase import MET_CONFIDENCE, MISSED_CONFIDENCE
from coachloop.detect.text import locate, normalize
from coachloop.model import Evidence, Outcome, Speaker

__all__ = ["CustomerNameDetector"]

# Cheap literal triggers found by the rubric's automaton; the patterns below then run
# only on the customer turns that contain one.
TRIGGERS = ["my name is", "my names", "mera naam", "this is", "i am", "im"]
DEFAULT_INTRODUCTIONS = [
    r"\bmy name is (\w+)(?: (\w+))?",
    r"\bmy names (\w+)(?: (\w+))?",
    r"\bmera naam (\w+)(?: (\w+))?",
    r"\b(?:this is|i am|im) (\w+)(?: (\w+))? (?:calling|speaking|here)\b",
]
# Words that follow a first name in "my name is X ..." without being a surname.
NOT_NAMES = frozenset(
    {
        "a",
        "also",
        "and",
        "but",
        "calling",
        "for",
        "from",
        "hai",
        "hello",
        "here",
        "hi",
        "hoon",
        "hun",
        "i",
        "im",
        "is",
        "madam",
        "my",
        "no",
        "please",
        "sir",
        "so",
        "speaking",
        "thank",
        "thanks",
        "the",
        "to",
        "uh",
        "um",
        "with",
        "yes",
    }
)


class CustomerNameSettings(DetectorSettings):
    introductions: list[Pattern] = Field(default_factory=lambda: list(DEFAULT_INTRODUCTIONS))
    """Patterns (on normalised text) whose groups capture the customer's given and family name."""
    triggers: list[str] = Field(default_factory=lambda: list(TRIGGERS), min_length=1)
    """Words every introduction pattern contains; a turn without one is not searched."""
    metadata_key: str = "customer_name"


@detectors.register("customer_name")
class CustomerNameDetector(Detector):
    Settings = CustomerNameSettings

    def __init__(
        self, settings: CustomerNameSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.patterns = [re.compile(p) for p in settings.introductions]
        self.slot = builder.phrases(settings.triggers)
        self.metadata_key = settings.metadata_key

    def _names(self, conv: Conversation) -> tuple[set[str], int]:
        """The customer's name words and the position from which the agent could know them."""
        given = conv.interaction.metadata.get(self.metadata_key)
        if isinstance(given, str) and given.strip():
            return set(normalize(given).split()) - NOT_NAMES, 0
        utterances = conv.interaction.utterances
        searched: set[int] = set()
        for hit in conv.hits[self.slot]:
            if utterances[hit.utterance].speaker is not Speaker.CUSTOMER or hit.utterance in searched:
                continue
            searched.add(hit.utterance)
            text = conv.normalized[hit.utterance]
            for pattern in self.patterns:
                m = pattern.search(text)
                if m:
                    words = {w for w in m.groups() if w and w not in NOT_NAMES and not w.isdigit()}
                    if words:
                        return words, hit.utterance + 1
        return set(), 0

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        names, known_from = self._names(conv)
        if not names:
            return Finding(Outcome.NOT_APPLICABLE, 0.9, note="the customer's name was not given")
        candidates = [p for p in scope.positions if p >= known_from]
        for p in candidates:
            norm = conv.normalized[p]
            for name in names:
                at = norm.find(f" {name} ")
                if at >= 0:
                    u = conv.interaction.utterances[p]
                    span = locate(u.text, norm, at + 1, at + 1 + len(name))
                    return Finding(
                        Outcome.MET,
                        MET_CONFIDENCE,
                        [Evidence(u.index, u.speaker, u.text, u.start, u.end, span, name)],
                    )
        window = scope.window
        return Finding(
            Outcome.MISSED,
            MISSED_CONFIDENCE,
            expected_window=window,
            note=f"the customer's name ({' '.join(sorted(names))}) was not used after it was given",
        )
