"""The rubric file format, as pydantic models.

A rubric is the configuration of an evaluation: sections of behaviours, each naming a
registered detector (`detect: phrase`) and that detector's settings as sibling keys,
so a behaviour reads like a sentence:

    - id: offer_further_help
      detect: phrase
      phrases: ["anything else i can help you with"]
      window: {last_turns: 3}
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from coachloop.model import Channel, Speaker

__all__ = [
    "Applicability",
    "BehaviorSpec",
    "EventSpec",
    "Link",
    "LiveBehavior",
    "LiveDeadline",
    "LiveRubric",
    "RubricSpec",
    "SectionSpec",
    "Window",
]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Strict):
    """Where a behaviour is expected. Turns count the behaviour's speaker's utterances."""

    first_turns: int | None = Field(default=None, ge=1)
    first_seconds: float | None = Field(default=None, gt=0)
    last_turns: int | None = Field(default=None, ge=1)
    last_seconds: float | None = Field(default=None, gt=0)


class Applicability(_Strict):
    """When a behaviour (or a whole rubric) applies; every condition given must hold."""

    channel: list[Channel] | None = None
    queue: list[str] | None = None
    contact_reason: list[str] | None = None
    language: list[str] | None = None
    metadata: dict[str, list[str]] | None = None


class Link(_Strict):
    title: str
    url: str


class LiveDeadline(_Strict):
    """When a live prompt is due if the behaviour is still unmet: after the agent's Nth
    substantive turn, or once the call is this many seconds old."""

    turns: int | None = Field(default=None, ge=1)
    seconds: float | None = Field(default=None, gt=0)


class LiveBehavior(_Strict):
    """Optional real-time settings of a behaviour (`realtime:`); batch evaluation ignores them."""

    prompt: str | None = None
    """What the agent is shown; the behaviour's `coaching` when not given."""
    deadline: LiveDeadline | None = None
    """Compliance prompt deadline; without one, a window (`first_turns`, `first_seconds`) sets it."""
    after: list[str] = Field(default_factory=list)
    """Next-best-action: prompt this behaviour once every id listed here is met."""
    enabled: bool = True


class LiveRubric(_Strict):
    """Optional real-time settings of a whole rubric (`realtime:`)."""

    budget: int = Field(default=6, ge=0)
    """Prompts per live session at most; compliance prompts count too."""
    cooldown_seconds: float = Field(default=20.0, ge=0)
    """Between two prompts of the same kind (compliance prompts are never held back)."""
    frustration_raise: float = Field(default=0.5, gt=0, le=1)
    """Customer distress (0-1) that raises a sentiment prompt ..."""
    frustration_clear: float = Field(default=0.2, ge=0, le=1)
    """... and the level it must fall back under before another can be raised."""


class _Item(BaseModel):
    """What behaviours and events share: an id, a speaker, a detector and a window.

    Keys this model does not know are the detector's settings; the detector's own
    model validates them.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    detect: str
    speaker: Speaker = Speaker.AGENT
    window: Window | None = None
    requires: list[str] = Field(default_factory=list)
    """Behaviour or event ids that must be met for this one to apply (e.g. verification
    is only expected when an account action happened)."""

    def settings(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class EventSpec(_Item):
    """Something detected but not scored, that order rules can refer to (e.g. `account_action`)."""


class BehaviorSpec(_Item):
    title: str
    coaching: str = Field(description="What the agent is told, in their language.")
    weight: float = Field(default=1.0, ge=0)
    critical: bool = False
    applies_when: Applicability | None = None
    training: list[Link] = Field(default_factory=list)
    realtime: LiveBehavior | None = None


class SectionSpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    compliance: bool = False
    """Compliance sections are reported apart from the quality score."""
    behaviors: list[BehaviorSpec] = Field(min_length=1)


class RubricSpec(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: str
    title: str
    description: str = ""
    applies_to: Applicability | None = None
    """Interactions this rubric is chosen for; none means any (the fallback rubric)."""
    audit: bool = False
    """An audit rubric runs only when asked for by name."""
    vars: dict[str, list[str]] = Field(default_factory=dict)
    """Values that phrases can name as `{var}`, e.g. the brand's spellings."""
    events: list[EventSpec] = Field(default_factory=list)
    sections: list[SectionSpec] = Field(min_length=1)
    realtime: LiveRubric | None = None
    """Live-assist settings (prompt budget, cooldown, frustration levels); optional."""

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value

    @field_validator("vars")
    @classmethod
    def _var_names(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for key in value:
            if not re.fullmatch(ID_PATTERN, key):
                raise ValueError(f"variable name {key!r} must match {ID_PATTERN}")
        return value
