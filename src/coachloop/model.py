"""The domain model: plain values that every stage reads and writes.

Nothing here does I/O or imports the rest of coachloop but its error types. Readers produce
`Interaction`s, `evaluate` produces `Evaluation`s, the store persists both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from coachloop.errors import RecordError

__all__ = [
    "SIGNAL_KINDS",
    "Agent",
    "BehaviorResult",
    "Channel",
    "ContactReason",
    "Evaluation",
    "Evidence",
    "ExpectedWindow",
    "Insights",
    "Interaction",
    "InteractionUpdate",
    "Outcome",
    "Period",
    "ReadItem",
    "Rejected",
    "Signal",
    "Speaker",
    "Survey",
    "SurveyUpdate",
    "Utterance",
]


class Speaker(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    BOT = "bot"
    SYSTEM = "system"


class Channel(StrEnum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"


class Outcome(StrEnum):
    MET = "met"
    MISSED = "missed"
    NOT_APPLICABLE = "not_applicable"


@dataclass(slots=True)
class Utterance:
    """One turn. `start`/`end` are seconds from the start of the interaction, where known."""

    index: int
    speaker: Speaker
    text: str
    start: float | None = None
    end: float | None = None
    alt_text: str | None = None
    """A second transcript of the same turn, e.g. a speech recogniser's, with its errors."""
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Survey:
    """What the customer (or the dataset) said about the interaction.

    `csat` is 1-5, `nps` 0-10, `ces` 1-7. A dataset with its own scale keeps it in
    `ratings` (e.g. {"caller_rating": 8}) with the scale's maximum in `scale`.
    """

    csat: float | None = None
    nps: float | None = None
    ces: float | None = None
    comment: str | None = None
    ratings: dict[str, float] = field(default_factory=dict)
    scale: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Agent:
    id: str
    name: str | None = None
    team: str | None = None
    supervisor: str | None = None
    hire_date: date | None = None


@dataclass(slots=True)
class Interaction:
    """One conversation with a customer, on any channel."""

    id: str
    channel: Channel = Channel.VOICE
    utterances: list[Utterance] = field(default_factory=list)
    agent_id: str | None = None
    team: str | None = None
    queue: str | None = None
    customer_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    talk_seconds: float | None = None
    hold_seconds: float | None = None
    acw_seconds: float | None = None
    disposition: str | None = None
    transferred: bool = False
    escalated: bool = False
    language: str | None = None
    contact_reason: str | None = None
    """The reason as known from the source (a label, a task card), not a prediction."""
    survey: Survey | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Evidence:
    """The utterance that shows a behaviour, quoted as stored (redacted)."""

    utterance_index: int
    speaker: Speaker
    text: str
    start: float | None = None
    end: float | None = None
    span: tuple[int, int] | None = None
    """Character offsets of the matched part inside `text`."""
    matched: str | None = None
    """What matched: the phrase, the pattern or the rule that fired."""


@dataclass(slots=True)
class ExpectedWindow:
    """Where a missed behaviour was expected: utterance indexes, inclusive."""

    from_utterance: int
    to_utterance: int


@dataclass(slots=True)
class BehaviorResult:
    behavior_id: str
    outcome: Outcome
    confidence: float
    critical: bool = False
    section: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    expected_window: ExpectedWindow | None = None
    note: str | None = None
    """Why the outcome is what it is, in a sentence (e.g. which rule was broken)."""
    review_reason: str | None = None
    """Why a person should check this outcome (weak evidence for a critical behaviour, an
    applicability decision made on little), or None when the machine is sure enough."""
    weight: float = 1.0
    """The behaviour's weight in its section and in the quality score (from the rubric)."""
    compliance: bool = False
    """A behaviour of a compliance section: out of the quality score; missed fails compliance."""


@dataclass(slots=True, frozen=True)
class ContactReason:
    label: str
    confidence: float
    model: str | None = None


@dataclass(slots=True)
class Insights:
    """What a conversation says beyond the rubric: its languages and the customer's mood."""

    language: str | None = None
    """Dominant language (ISO 639-1), or e.g. "hi-en" when the words mix two."""
    language_share: dict[str, float] = field(default_factory=dict)
    """Share of words per language."""
    code_mixed_turns: float | None = None
    """Share of turns that switch language inside the turn."""
    sentiment_start: float | None = None
    """The customer's sentiment (-1..1) over their first turns, lowest stretch and last turns."""
    sentiment_lowest: float | None = None
    sentiment_end: float | None = None
    recovered: bool | None = None
    """None when the customer never turned negative; whether the call won them back."""
    frustration_peaks: list[int] = field(default_factory=list)
    """Utterance indexes where the customer's frustration peaked."""


@dataclass(slots=True)
class Evaluation:
    interaction_id: str
    rubric: str
    rubric_version: str
    score: float | None
    """Weighted share of applicable quality behaviours met, 0-1; None if none applied."""
    compliance_passed: bool
    auto_failed: bool
    results: list[BehaviorResult] = field(default_factory=list)
    section_scores: dict[str, float | None] = field(default_factory=dict)
    contact_reason: ContactReason | None = None
    input_hash: str | None = None
    """Hash of the interaction content evaluated, to find what changed since."""
    insights: Insights | None = None
    rubric_fingerprint: str | None = None
    """Hash of what in the rubric can change an evaluation (see `rubric_fingerprint`), to
    find evaluations made by a rubric edited under the same version."""


@dataclass(slots=True, frozen=True)
class Period:
    """A half-open span of time [start, end)."""

    start: datetime
    end: datetime


SIGNAL_KINDS = ("drift", "friction", "root_cause", "rubric_validity", "engagement", "incentive")
"""Every kind of signal, in the order `coachloop signals --help` lists them."""


@dataclass(slots=True)
class Signal:
    """Something the data says about the system or a person, with the evidence behind it.

    `kind` is one of drift, friction, root_cause, rubric_validity, engagement, incentive;
    `subject` names what it is about ({"agent_id": "a-07"}, {"queue": "cards"}, ...).
    `strength` ranks signals of every kind against each other (larger is stronger);
    `sentence` says it plainly, with its numbers; `evidence` holds the figures or the
    interaction ids behind it (JSON-ready values).
    """

    kind: str
    subject: dict[str, str]
    sentence: str
    strength: float
    behavior: str | None = None
    period: Period | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)


# What a reader yields: whole interactions, partial updates, agents, or rejected records.


@dataclass(slots=True)
class InteractionUpdate:
    """Metadata for an interaction that may already be stored (e.g. a row of an ACD export).

    Only the fields named in `fields` are changed; the transcript is kept.
    """

    interaction_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SurveyUpdate:
    interaction_id: str
    survey: Survey


@dataclass(slots=True)
class Rejected:
    """A record that could not be read: the error says where and why; `raw` keeps it for replay."""

    error: RecordError
    raw: str
    format: str | None = None
    """The format `raw` is in, when it is not the format being read (e.g. `native`)."""


ReadItem = Interaction | InteractionUpdate | SurveyUpdate | Agent | Rejected
