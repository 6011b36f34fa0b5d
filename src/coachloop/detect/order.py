"""`detect: order` — one thing must happen before another ("verify identity before any
account change"). Not applicable when the second thing never happens."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from coachloop.detect.base import Conversation, Detector, DetectorSettings, Finding, Scope, detectors
from coachloop.detect.matcher import MatcherBuilder
from coachloop.model import ExpectedWindow, Outcome

__all__ = ["OrderDetector"]

ID = r"^[a-z][a-z0-9_]*$"


class OrderSettings(DetectorSettings):
    first: str = Field(pattern=ID)
    """The behaviour or event that must come first."""
    then: str = Field(pattern=ID)
    """The behaviour or event that must not come before it."""


@detectors.register("order")
class OrderDetector(Detector):
    Settings = OrderSettings

    def __init__(
        self, settings: OrderSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.first = settings.first
        self.then = settings.then

    def requires(self) -> list[str]:
        return [self.first, self.then]

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        then = prior[self.then]
        if then.outcome is not Outcome.MET or not then.evidence:
            if then.review_reason is not None:
                # "Not applicable" decided on weak evidence must not pass silently.
                return Finding(
                    Outcome.NOT_APPLICABLE,
                    round(min(then.confidence, 0.5), 3),
                    then.evidence,
                    note=f"no {self.then} found for sure in this interaction",
                    review_reason=f"not applicable only if there was no {self.then}, and that is "
                    f"uncertain: {then.review_reason}",
                )
            return Finding(Outcome.NOT_APPLICABLE, 1.0, note=f"no {self.then} in this interaction")
        then_at = min(e.utterance_index for e in then.evidence)
        first = prior[self.first]
        before = (
            [e for e in first.evidence if e.utterance_index < then_at] if first.outcome is Outcome.MET else []
        )
        confidence = round(min(first.confidence, then.confidence), 3)
        if before:
            return Finding(
                Outcome.MET, confidence, [before[0], then.evidence[0]], review_reason=then.review_reason
            )
        return Finding(
            Outcome.MISSED,
            confidence,
            [then.evidence[0]],
            note=f"{self.then} at utterance {then_at} came before any {self.first}",
            expected_window=ExpectedWindow(0, max(then_at - 1, 0)),
            review_reason=first.review_reason or then.review_reason,
        )
