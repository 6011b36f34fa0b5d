"""Training: behaviours mapped to items (knowledge articles, micro-learning, quizzes) in a
catalogue file; a performance gap assigns its items; agents with the same gap are grouped
into a suggested workshop.

The shipped catalogue (`resources/training.yaml`) covers every behaviour of the shipped
rubrics; `load_catalogue(path)` reads a team's own in the same shape (documented in
`docs/coaching.md`). Errors name the file and the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coachloop.errors import ConfigError

__all__ = ["MIN_WORKSHOP", "Catalogue", "TrainingItem", "Workshop", "load_catalogue", "workshops"]

MIN_WORKSHOP = 3
"""Agents with the same gap before a workshop is suggested rather than one-to-one items."""


class TrainingItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    kind: Literal["knowledge_article", "micro_learning", "quiz", "workshop"]
    minutes: int = Field(gt=0, le=480)
    behaviors: tuple[str, ...] = Field(min_length=1)
    """Behaviour ids (of any rubric) this item trains."""
    url: str | None = None
    summary: str | None = None


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: tuple[TrainingItem, ...]

    def for_behavior(self, behavior: str) -> list[TrainingItem]:
        return [i for i in self.items if behavior in i.behaviors]


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue at `path`, or the shipped one."""
    if path is None:
        text = resources.files("coachloop.coaching").joinpath("resources/training.yaml").read_text("utf-8")
        where = "training.yaml (shipped)"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise ConfigError(f"{path}: cannot read the training catalogue: {err.strerror or err}") from None
        where = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"{where}: not YAML: {str(err).splitlines()[0]}") from None
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as err:
        e = err.errors(include_url=False)[0]
        field = ".".join(str(p) for p in e["loc"]) or "(top)"
        raise ConfigError(f"{where}: {field}: {e['msg']}") from None
    seen: set[str] = set()
    for item in catalogue.items:
        if item.id in seen:
            raise ConfigError(f"{where}: items: the id {item.id!r} is used twice")
        seen.add(item.id)
    return catalogue


@dataclass(frozen=True, slots=True)
class Workshop:
    item: TrainingItem
    behavior: str
    agents: tuple[str, ...]
    """Agent ids with the gap, sorted."""
    team_size: int

    def sentence(self, names: Mapping[str, str] | None = None) -> str:
        who = ", ".join((names or {}).get(a, a) for a in self.agents)
        rest = self.team_size - len(self.agents)
        tail = f"; the other {rest} are fine" if rest > 0 else ""
        return f"These {len(self.agents)} agents need '{self.item.title}' ({who}){tail}."


def workshops(gaps: Mapping[str, Sequence[str]], catalogue: Catalogue, team_size: int) -> list[Workshop]:
    """Agents (agent id -> their focus behaviours) grouped by shared gap into workshops of
    at least `MIN_WORKSHOP`, largest first."""
    by_behavior: dict[str, list[str]] = defaultdict(list)
    for agent, behaviors in gaps.items():
        for b in behaviors:
            by_behavior[b].append(agent)
    out = []
    for behavior, agents in by_behavior.items():
        items = catalogue.for_behavior(behavior)
        if len(agents) < MIN_WORKSHOP or not items:
            continue
        item = next((i for i in items if i.kind == "workshop"), items[0])
        out.append(Workshop(item, behavior, tuple(sorted(agents)), team_size))
    return sorted(out, key=lambda w: (-len(w.agents), w.behavior))
