"""The knowledge-article catalogue: which article to show when a product, policy or issue
is mentioned, as a YAML file.

```yaml
articles:
  - id: lost_card                       # unique, [a-z][a-z0-9_]*
    title: Lost or stolen card
    url: https://kb.example/cards/lost
    summary: Block the card first, then order a replacement (arrives in 5-7 days).
    speaker: customer                   # customer (default), agent or any
    phrases: [lost my card, card was stolen, cant find my card]
    regex: ['\\bstolen\\b.*\\bcard\\b']
    unless: [found it, found my card]   # the same utterance saying one of these does not count
```

Phrases and patterns are matched on the normalised utterance (lower case, no
punctuation, "can't" -> "cant"), at word boundaries. Name the *issue*, not the product
alone: "credit card" said in passing ("I also have a credit card with you") is no reason
to interrupt the agent, "my credit card was declined" is. The shipped example is
`coachloop/realtime/resources/knowledge_example.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coachloop.detect.base import compile_patterns
from coachloop.detect.text import normalize
from coachloop.errors import ConfigError
from coachloop.model import Speaker
from coachloop.rubric.load import first_error
from coachloop.rubric.yamlsource import read_located

__all__ = ["Article", "Catalogue", "KnowledgeMatch", "example_catalogue_path", "load_catalogue"]


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    url: str | None = None
    summary: str = ""
    speaker: str = Field(default="customer", pattern=r"^(customer|agent|any)$")
    phrases: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)

    @field_validator("regex")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        compile_patterns(value)
        return value


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    articles: list[Article] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class KnowledgeMatch:
    article: Article
    matched: str
    """The phrase or pattern that matched."""


def _words(phrases: list[str]) -> re.Pattern[str] | None:
    cleaned = sorted({normalize(p).strip() for p in phrases if normalize(p).strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in cleaned) + r")(?!\w)")


@dataclass(frozen=True, slots=True)
class _Compiled:
    article: Article
    phrases: re.Pattern[str] | None
    patterns: tuple[re.Pattern[str], ...]
    unless: re.Pattern[str] | None


class Catalogue:
    """Articles compiled for matching one utterance at a time."""

    def __init__(self, articles: list[Article], source: str = "<catalogue>") -> None:
        seen: set[str] = set()
        for a in articles:
            if a.id in seen:
                raise ConfigError(f"{source}: article id {a.id!r} is used twice")
            seen.add(a.id)
            if not a.phrases and not a.regex:
                raise ConfigError(f"{source}: article {a.id!r} needs `phrases` or `regex`")
        self.source = source
        self.articles = {a.id: a for a in articles}
        self._compiled = [
            _Compiled(a, _words(a.phrases), tuple(compile_patterns(a.regex)), _words(a.unless))
            for a in articles
        ]

    def __len__(self) -> int:
        return len(self._compiled)

    def match(self, text: str, speaker: Speaker) -> list[KnowledgeMatch]:
        """The articles one utterance calls for, in catalogue order."""
        said = normalize(text)
        out: list[KnowledgeMatch] = []
        for c in self._compiled:
            wanted = c.article.speaker
            if wanted != "any" and wanted != speaker.value:
                continue
            found = c.phrases.search(said) if c.phrases is not None else None
            matched = found.group(0) if found else None
            if matched is None:
                for p in c.patterns:
                    m = p.search(said)
                    if m:
                        matched = p.pattern
                        break
            if matched is None or (c.unless is not None and c.unless.search(said)):
                continue
            out.append(KnowledgeMatch(c.article, matched))
        return out


def example_catalogue_path() -> Path:
    return Path(str(resources.files("coachloop.realtime") / "resources" / "knowledge_example.yaml"))


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue file (the shipped example when `path` is None);
    errors name the file, line and key."""
    path = path or example_catalogue_path()
    if not path.exists():
        raise ConfigError(f"{path}: no such file")
    doc = read_located(path)
    if not isinstance(doc.data, dict):
        raise ConfigError(f"{path}: a catalogue is a mapping with `articles:`")
    try:
        parsed = _CatalogueFile.model_validate(doc.data)
    except ValidationError as err:
        raise ConfigError(str(first_error(err, doc))) from None
    return Catalogue(list(parsed.articles), str(path))
