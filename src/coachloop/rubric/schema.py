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

import hashlib
import re
from enum import Enum
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from coachloop.model import Channel, Speaker

__all__ = [
    "CONDITION_FIELDS",
    "Applicability",
    "BehaviorSpec",
    "EventSpec",
    "Link",
    "LiveBehavior",
    "LiveDeadline",
    "LiveRubric",
    "Presentation",
    "RubricSpec",
    "SectionSpec",
    "Window",
    "evaluated_content",
    "rubric_fingerprint",
]


class Presentation:
    """Marks a field that changes how results read (titles, coaching text, links), never
    what an evaluation finds: editing it does not make stored evaluations stale."""


PRESENTATION = Presentation()

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
    """When a behaviour (or a whole rubric) applies; every condition given must hold.

    Each field but `metadata` names the `Interaction` attribute it reads; the store
    hashes exactly these attributes (`CONDITION_FIELDS`) with the transcript, so an
    interaction whose value changes is due for evaluation again.
    """

    channel: list[Channel] | None = None
    language: list[str] | None = None
    contact_reason: list[str] | None = None
    queue: list[str] | None = None
    metadata: dict[str, list[str]] | None = None

    def conditions(self) -> int:
        """How specific this is: the number of conditions given (each metadata key counts)."""
        given = sum(getattr(self, name) is not None for name in CONDITION_FIELDS)
        return given + len(self.metadata or {})


CONDITION_FIELDS: tuple[str, ...] = tuple(name for name in Applicability.model_fields if name != "metadata")
"""The interaction attributes rubrics condition on (free metadata aside), in schema order."""


class Link(_Strict):
    title: str
    url: str


Shown = Annotated[str, PRESENTATION]


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
    frustration_raise: float = Field(default=0.6, gt=0, le=1)
    """Customer distress (0-1) that raises a sentiment prompt (one weak frustration cue is
    0.5: a problem stated, not yet frustration; negative words or a second cue cross it) ..."""
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
    title: Shown
    coaching: Shown = Field(description="What the agent is told, in their language.")
    weight: float = Field(default=1.0, ge=0)
    critical: bool = False
    applies_when: Applicability | None = None
    training: Annotated[list[Link], PRESENTATION] = Field(default_factory=list)
    realtime: Annotated[LiveBehavior | None, PRESENTATION] = None
    """Live-assist settings: they change prompts, never a batch outcome."""


class SectionSpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Shown
    compliance: bool = False
    """Compliance sections are reported apart from the quality score."""
    behaviors: list[BehaviorSpec] = Field(min_length=1)


class RubricSpec(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: str
    title: Shown
    description: Shown = ""
    applies_to: Applicability | None = None
    """Interactions this rubric is chosen for; none means any (the fallback rubric)."""
    audit: bool = False
    """An audit rubric runs only when asked for by name."""
    encoder: str | None = None
    """The encoder its semantic thresholds were learned with (`rubric learn` writes it);
    evaluating with another encoder is refused, since thresholds do not carry over."""
    vars: dict[str, list[str]] = Field(default_factory=dict)
    """Values that phrases can name as `{var}`, e.g. the brand's spellings."""
    events: list[EventSpec] = Field(default_factory=list)
    sections: list[SectionSpec] = Field(min_length=1)
    realtime: Annotated[LiveRubric | None, PRESENTATION] = None
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


def evaluated_content(value: object) -> Any:
    """`value` as plain data without its `Presentation` fields: what evaluation reads.

    Detector settings (the keys a behaviour's model does not declare) are kept whole.
    """
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        out = {
            name: evaluated_content(getattr(value, name))
            for name, info in fields.items()
            if not any(isinstance(m, Presentation) for m in info.metadata)
        }
        out.update((key, evaluated_content(v)) for key, v in (value.model_extra or {}).items())
        return out
    if isinstance(value, dict):
        return {str(k): evaluated_content(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [evaluated_content(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def rubric_fingerprint(spec: RubricSpec) -> str:
    """Hash of what in `spec` can change an evaluation: the same for two files that differ
    only in comments, layout, titles, coaching text or links."""
    payload = orjson.dumps(evaluated_content(spec), option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(payload, digest_size=12).hexdigest()
