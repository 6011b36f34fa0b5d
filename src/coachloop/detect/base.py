"""The detector protocol and what detectors read and return.

Like a scikit-learn estimator, a detector is configured once (`__init__` validates its
settings and asks the matcher for slots) and then applied many times (`detect`).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from coachloop.detect.matcher import Hit, MatcherBuilder
from coachloop.detect.text import SEP, Segments, locate
from coachloop.model import Evidence, ExpectedWindow, Interaction, Outcome, Speaker
from coachloop.registry import Registry
from coachloop.textnorm import NOISE_WORDS

__all__ = [
    "Conversation",
    "Detector",
    "DetectorSettings",
    "Finding",
    "Scope",
    "compile_patterns",
    "detectors",
    "expand_vars",
    "noise_only",
]

_NOISE_ONLY = re.compile(SEP + r" (?:(?:" + "|".join(sorted(NOISE_WORDS)) + r") )*(?=" + SEP + ")")


def noise_only(segments: Segments) -> set[int]:
    """Positions of the utterances that say nothing, found in one scan of the conversation."""
    scanned = SEP + segments.text + SEP  # so the first and last utterance are framed too
    found = [m.start() for m in _NOISE_ONLY.finditer(scanned)]
    if not found:
        return set()
    starts = segments.starts
    return {bisect_right(starts, at) - 1 for at in found}


@dataclass(slots=True)
class Conversation:
    """One interaction prepared for detection: normalised texts and matcher hits."""

    interaction: Interaction
    normalized: Segments
    """Normalised utterances; `normalized[i]` is utterance i's space-padded text."""
    hits: list[list[Hit]]
    turns: dict[Speaker, list[int]]
    """Each speaker's substantive utterances (positions): windows such as "the agent's
    first three turns" do not count a turn that is only "[noise]"."""
    memo: dict[object, Any] = field(default_factory=dict)
    """Work that several detectors share (gaps, scopes), computed once per conversation."""

    def evidence(self, hit: Hit) -> Evidence:
        u = self.interaction.utterances[hit.utterance]
        return self._quote(
            hit.utterance, locate(u.text, self.normalized[hit.utterance], hit.start, hit.end), hit.pattern
        )

    def whole(self, position: int, matched: str | None = None) -> Evidence:
        """Evidence quoting the whole utterance at `position` (no sub-span matched)."""
        return self._quote(position, None, matched)

    def _quote(self, position: int, span: tuple[int, int] | None, matched: str | None) -> Evidence:
        u = self.interaction.utterances[position]
        return Evidence(u.index, u.speaker, u.text, start=u.start, end=u.end, span=span, matched=matched)


@dataclass(slots=True, frozen=True)
class Scope:
    """The utterance positions (indexes into `interaction.utterances`) a behaviour is judged on."""

    positions: tuple[int, ...]
    window: ExpectedWindow | None
    members: frozenset[int] = field(default=frozenset())

    @classmethod
    def of(cls, positions: Sequence[int]) -> Scope:
        pos = tuple(positions)
        window = ExpectedWindow(pos[0], pos[-1]) if pos else None
        return cls(pos, window, frozenset(pos))

    def hits(self, hits: list[Hit]) -> list[Hit]:
        members = self.members
        return [h for h in hits if h[0] in members]  # h[0] is h.utterance, without the property call


@dataclass(slots=True)
class Finding:
    outcome: Outcome
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    note: str | None = None
    expected_window: ExpectedWindow | None = None
    review_reason: str | None = None
    """Why a person should check this finding (the evidence for it, or for the decision
    that made it not applicable, was weak); None when the detector is sure enough."""


class DetectorSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Detector(ABC):
    """A registered kind of check. Subclasses set `Settings` and implement `detect`.

    `requires` lists the behaviour or event ids whose findings `detect` reads; the
    rubric compiler evaluates those first and rejects cycles.
    """

    Settings: ClassVar[type[DetectorSettings]]

    def __init__(self, settings: Any, builder: MatcherBuilder, variables: Mapping[str, list[str]]) -> None:
        self.settings = settings

    def requires(self) -> list[str]:
        return []

    @abstractmethod
    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding: ...


detectors: Registry[type[Detector]] = Registry("detector")


def expand_vars(phrases: Sequence[str], variables: Mapping[str, list[str]]) -> list[str]:
    """`"thank you for calling {brand}"` -> one phrase per spelling of the brand."""
    out: list[str] = []
    for phrase in phrases:
        names = re.findall(r"\{([a-z][a-z0-9_]*)\}", phrase)
        expanded = [phrase]
        for name in dict.fromkeys(names):
            if name not in variables:
                raise ValueError(
                    f"phrase {phrase!r} names {{{name}}}, which the rubric's `vars` does not define"
                )
            expanded = [p.replace("{" + name + "}", v) for p in expanded for v in variables[name]]
        out.extend(expanded)
    return out


def compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """Compile rubric regexes; a bad one raises ValueError naming its position."""
    out = []
    for i, pattern in enumerate(patterns):
        try:
            out.append(re.compile(pattern))
        except re.error as err:
            where = f"at {err.pos}" if err.pos is not None else ""
            prefix = f"pattern {i}: " if len(patterns) > 1 else ""
            raise ValueError(f"{prefix}{err.msg} {where}".strip()) from None
    return out
