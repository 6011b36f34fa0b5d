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
TRIGGERS = [
    "my name is",
    "my names",
    "the name is",
    "mera naam",
    "this is",
    "i am",
    "im",
    "its",
    "speaking",
    "here",
]
DEFAULT_INTRODUCTIONS = [
    r"\bmy name is (\w+)(?: (\w+))?",
    r"\bmy names (\w+)(?: (\w+))?",
    r"\bthe name is (\w+)(?: (\w+))?",
    r"\bmera naam (\w+)(?: (\w+))?",
    r"\b(?:this is|i am|im|its|it is) (\w+)(?: (\w+))? (?:calling|speaking|here)\b",
    r"\b(\w+) (\w+) (?:speaking|here)\b",
]
# The agent asking for the name; the customer's next turn then usually is the name.
NAME_QUESTIONS = [
    "who am i speaking with",
    "who am i speaking to",
    "who do i have on the line",
    "have your name",
    "get your name",
    "your full name",
    "whats your name",
    "what is your name",
    "aapka naam",
    "kisse baat kar",
    "apna naam",
]
# A reply to a name question: fillers first, then up to two name words.
ANSWER = re.compile(
    r"^ (?:(?:yes|sure|yeah|hi|hello|its|it is|this is|im|i am|my name is|my names|the name is|name is|mera naam|ji|haan) )*"
    r"(\w+)(?: (\w+))?"
)
# Words around a name that are not part of it.
NOT_NAMES = frozenset({
    "a", "also", "and", "but", "calling", "for", "from", "hai", "hello", "here", "hi", "hoon", "hun",
    "i", "im", "is", "its", "madam", "my", "no", "please", "sir", "so", "speaking", "thank", "thanks",
    "the", "there", "to", "uh", "um", "with", "yes", "sure", "yeah", "okay", "ok", "ji", "haan",
    "main", "mera", "naam", "bol", "raha", "rahi", "baat", "kar", "hey", "well", "just", "this",
    "that",
})  # fmt: skip


class CustomerNameSettings(DetectorSettings):
    introductions: list[Pattern] = Field(default_factory=lambda: list(DEFAULT_INTRODUCTIONS))
    """Patterns (on normalised text) whose groups capture the customer's given and family name."""
    triggers: list[str] = Field(default_factory=lambda: list(TRIGGERS), min_length=1)
    """Words every introduction pattern contains; a turn without one is not searched."""
    search_turns: int = Field(default=8, ge=1)
    """Customers give their name early: only their first turns are searched for it."""
    name_questions: list[str] = Field(default_factory=lambda: list(NAME_QUESTIONS))
    """The agent asking for the name: the customer's next turn is read as the answer."""
    metadata_key: str = "customer_name"


# Redaction tokens ("[PII]", "[NAME]", "[CARD]"...) as they read once normalised, and the
# word "name" itself ("the name is..."): none of them is anybody's name.
NOT_NAME_TOKENS = frozenset({
    "pii", "name", "names", "address", "card", "email", "phone", "national_id", "national", "id",
    "redacted",
})  # fmt: skip


def _name_words(groups: tuple[str | None, ...]) -> set[str]:
    return {
        w
        for w in groups
        if w and w not in NOT_NAMES and w not in NOT_NAME_TOKENS and not w.isdigit() and len(w) > 1
    }


@detectors.register("customer_name")
class CustomerNameDetector(Detector):
    Settings = CustomerNameSettings

    def __init__(
        self, settings: CustomerNameSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        # One pass per turn: the introductions as alternatives, their groups side by side.
        self.introduction = re.compile("|".join(f"(?:{p})" for p in settings.introductions))
        self.search_turns = settings.search_turns
        self.slot = builder.phrases(settings.triggers)
        self.question_slot = builder.phrases(settings.name_questions)
        self.metadata_key = settings.metadata_key

    def _names(self, conv: Conversation) -> tuple[set[str], int]:
        """The customer's name words and the position from which the agent could know them."""
        given = conv.interaction.metadata.get(self.metadata_key)
        if isinstance(given, str) and given.strip():
            return set(normalize(given).split()) - NOT_NAMES, 0
        utterances = conv.interaction.utterances
        found: list[tuple[int, set[str]]] = []
        early = conv.turns[Speaker.CUSTOMER][: self.search_turns]
        last_early = early[-1] if early else -1
        searched: set[int] = set()
        for hit in conv.hits[self.slot]:
            position = hit[0]
            if position > last_early:
                break
            if position in searched or utterances[position].speaker is not Speaker.CUSTOMER:
                continue
            searched.add(position)
            for m in self.introduction.finditer(conv.normalized[position]):
                words = _name_words(m.groups())
                if words:
                    found.append((position, words))
                    break
        for hit in conv.hits[self.question_slot]:
            if utterances[hit.utterance].speaker is Speaker.CUSTOMER:
                continue
            # The name may come a turn later ("sure, the name is" / "John Smith").
            for reply in range(hit.utterance + 1, min(hit.utterance + 4, len(utterances))):
                if utterances[reply].speaker is not Speaker.CUSTOMER:
                    continue
                answer = ANSWER.match(conv.normalized[reply])
                words = _name_words(answer.groups()) if answer else set()
                if words:
                    found.append((reply, words))
                    break
        if not found:
            return set(), 0
        position, words = min(found, key=lambda f: f[0])
        return words, position + 1

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
