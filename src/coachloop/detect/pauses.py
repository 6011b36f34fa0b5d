"""Detectors that read utterance times: `hold` (etiquette around long gaps) and
`silence` (no dead air longer than a threshold). Both need start/end times; an
interaction without them (most chats) gets not applicable."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from operator import attrgetter
from typing import NamedTuple

from pydantic import Field

from coachloop.detect.base import Conversation, Detector, DetectorSettings, Finding, Scope, detectors
from coachloop.detect.lexicon import Lexicon, lexicon_hits, lexicon_slots
from coachloop.detect.matcher import MatcherBuilder
from coachloop.detect.phrase import MET_CONFIDENCE, MISSED_CONFIDENCE
from coachloop.model import Evidence, ExpectedWindow, Interaction, Outcome, Speaker

__all__ = ["Gap", "HoldDetector", "SilenceDetector", "conversation_gaps", "gaps"]


_START = attrgetter("start")
_END = attrgetter("end")


class Gap(NamedTuple):
    before: int
    """Position of the last utterance before the gap."""
    after: int
    seconds: float


def gaps(interaction: Interaction, at_least: float = 0.0) -> tuple[list[Gap], Gap | None] | None:
    """Gaps of `at_least` seconds, and the longest gap, between the end of all talk so far
    and the next utterance; None when the utterances have no times.

    Overlapping turns (cross-talk) make no gap: the gap is measured from the latest end.
    Only gaps worth reporting are built; most turns follow each other within a second.
    """
    utts = interaction.utterances
    starts = list(map(_START, utts))
    ends = list(map(_END, utts))
    if not utts or None in starts or None in ends:
        return None
    out: list[Gap] = []
    longest: Gap | None = None
    longest_seconds = 0.0
    latest_end: float = ends[0]
    latest_pos = 0
    for pos, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if start > latest_end:
            seconds: float = start - latest_end
            if seconds >= at_least:
                out.append(Gap(latest_pos, pos, seconds))
            if seconds > longest_seconds:
                longest_seconds = seconds
                longest = Gap(latest_pos, pos, seconds)
        if end >= latest_end:
            latest_end, latest_pos = end, pos
    return out, longest


def conversation_gaps(conv: Conversation, at_least: float) -> tuple[list[Gap], Gap | None] | None:
    key = ("gaps", at_least)
    if key not in conv.memo:
        conv.memo[key] = gaps(conv.interaction, at_least)
    found: tuple[list[Gap], Gap | None] | None = conv.memo[key]
    return found


class HoldSettings(DetectorSettings):
    min_gap_seconds: float = Field(default=20.0, gt=0)
    """A gap this long is a hold."""
    ask: Lexicon
    """Asking the customer's permission before the hold."""
    thank: Lexicon
    """Thanking them for holding after it."""
    turns: int = Field(default=2, ge=1)
    """How many of the speaker's turns before and after the gap may carry ask and thanks."""


@detectors.register("hold")
class HoldDetector(Detector):
    Settings = HoldSettings

    def __init__(
        self, settings: HoldSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.min_gap = settings.min_gap_seconds
        self.turns = settings.turns
        self.ask_slots = lexicon_slots(settings.ask, builder, variables)
        self.thank_slots = lexicon_slots(settings.thank, builder, variables)

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        found = conversation_gaps(conv, self.min_gap)
        if found is None:
            return Finding(Outcome.NOT_APPLICABLE, 1.0, note="no utterance times to find holds")
        # A hold is the agent's silence: the gap ends with the agent coming back. A gap that
        # ends with the customer's turn is the customer's time (typing a chat reply, finding
        # a card), not a hold.
        utterances = conv.interaction.utterances
        holds = [g for g in found[0] if utterances[g.after].speaker is Speaker.AGENT]
        if not holds:
            return Finding(
                Outcome.NOT_APPLICABLE, 1.0, note=f"no hold (agent silence) of {self.min_gap:g} s or more"
            )
        asks = {h.utterance: h for h in scope.hits(lexicon_hits(conv.hits, self.ask_slots))}
        thanks = {h.utterance: h for h in scope.hits(lexicon_hits(conv.hits, self.thank_slots))}
        evidence: list[Evidence] = []
        for hold in holds:
            cut = bisect_right(scope.positions, hold.before)
            before = scope.positions[max(0, cut - self.turns) : cut]
            after = scope.positions[bisect_left(scope.positions, hold.after) :][: self.turns]
            ask = next((asks[p] for p in reversed(before) if p in asks), None)
            thank = next((thanks[p] for p in after if p in thanks), None)
            if ask is None or thank is None:
                missing = " and ".join(w for w, h in (("asking", ask), ("thanking", thank)) if h is None)
                return Finding(
                    Outcome.MISSED,
                    MISSED_CONFIDENCE,
                    [conv.evidence(h) for h in (ask, thank) if h is not None],
                    note=f"a {hold.seconds:.0f} s hold after utterance {hold.before} without {missing}",
                    expected_window=ExpectedWindow(
                        before[0] if before else hold.before, after[-1] if after else hold.after
                    ),
                )
            evidence += [conv.evidence(ask), conv.evidence(thank)]
        return Finding(Outcome.MET, MET_CONFIDENCE, evidence)


class SilenceSettings(DetectorSettings):
    max_gap_seconds: float = Field(gt=0)


@detectors.register("silence")
class SilenceDetector(Detector):
    """Met when no gap exceeds the threshold; evidence is the longest gap's two turns."""

    Settings = SilenceSettings

    def __init__(
        self, settings: SilenceSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.max_gap = settings.max_gap_seconds

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        found = conversation_gaps(conv, self.max_gap)
        if found is None:
            return Finding(Outcome.NOT_APPLICABLE, 1.0, note="no utterance times to measure silence")
        longest = found[1]
        if longest is None:
            return Finding(Outcome.MET, 1.0, [conv.whole(0, "no gap between turns")])
        label = f"longest gap {longest.seconds:.1f} s"
        pair = [conv.whole(longest.before, label), conv.whole(longest.after, label)]
        if longest.seconds > self.max_gap:
            return Finding(
                Outcome.MISSED,
                1.0,
                pair,
                note=f"{label}, over {self.max_gap:g} s",
                expected_window=ExpectedWindow(longest.before, longest.after),
            )
        return Finding(Outcome.MET, 1.0, pair)
