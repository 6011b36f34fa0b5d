"""Training items per behaviour (a documented YAML catalogue) and suggested workshops.

The shipped catalogue is `resources/training.yaml`; a user file with the same shape can
replace it (`coachloop coach training --catalogue FILE`). Format::

    items:
      - behavior: verify_identity        # a behaviour id of the rubrics
        id: kb-verify-identity           # unique item id
        title: Verifying identity before account changes
        kind: article                    # article | module | quiz
        minutes: 10                      # optional, default 10
        link: https://...                # optional
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coachloop.errors import CoachloopError

__all__ = ["MIN_WORKSHOP", "Catalogue", "TrainingItem", "Workshop", "load_catalogue", "suggest_workshops"]

MIN_WORKSHOP = 3
"""Agents sharing a gap before a workshop is suggested instead of one-to-one training."""


class TrainingItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    behavior: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    kind: Literal["article", "module", "quiz"]
    minutes: int = Field(default=10, ge=1)
    link: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "kind": self.kind, "link": self.link or ""}


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[TrainingItem] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Catalogue:
    source: str
    items: tuple[TrainingItem, ...]

    def for_behavior(self, behavior: str) -> list[TrainingItem]:
        return [i for i in self.items if i.behavior == behavior]


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The user's catalogue file, or the shipped one; errors name the file and the field."""
    if path is None:
        ref = resources.files("coachloop.coaching") / "resources" / "training.yaml"
        text, source = ref.read_text(encoding="utf-8"), "coachloop/coaching/resources/training.yaml"
    else:
        try:
            text, source = path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise CoachloopError(f"{path}: cannot read the training catalogue ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CoachloopError(f"{source}: not valid YAML ({exc})") from None
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise CoachloopError(f"{source}: {where}: {first['msg']}") from None
    ids = [i.id for i in parsed.items]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise CoachloopError(f"{source}: items: duplicate id {dup[0]!r}")
    return Catalogue(source, tuple(parsed.items))


@dataclass(frozen=True, slots=True)
class Workshop:
    behavior: str
    title: str
    item: TrainingItem | None
    agents: list[str]
    others: int
    """Agents measured on the behaviour who do not need it."""

    @property
    def sentence(self) -> str:
        what = self.item.title if self.item else self.title
        return (
            f"These {len(self.agents)} agents need '{what}' ({self.title}); "
            f"the other {self.others} agents measured on it are fine."
        )


def suggest_workshops(
    gaps: dict[str, list[str]],
    measured: dict[str, int],
    titles: dict[str, str],
    catalogue: Catalogue,
    minimum: int = MIN_WORKSHOP,
) -> list[Workshop]:
    """Group agents with the same gap (behaviour -> agents clearly below peers)."""
    out = []
    for behavior, agents in gaps.items():
        if len(agents) < minimum:
            continue
        items = catalogue.for_behavior(behavior)
        modules = [i for i in items if i.kind == "module"] or items
        out.append(
            Workshop(
                behavior,
                titles.get(behavior, behavior),
                modules[0] if modules else None,
                sorted(agents),
                max(measured.get(behavior, 0) - len(agents), 0),
            )
        )
    out.sort(key=lambda w: (-len(w.agents), w.behavior))
    return out


def group_gaps(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """(agent, behaviour) pairs -> behaviour -> agents."""
    out: dict[str, list[str]] = defaultdict(list)
    for agent, behavior in pairs:
        out[behavior].append(agent)
    return dict(out)


__all__ += ["group_gaps"]
