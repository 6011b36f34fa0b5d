"""Per-source settings for `coachloop ingest --sources FILE`.

A contact center gets files from several systems, each with its own conventions (one
records the agent on channel 0, another diarizes speakers). A YAML file says so once:

    sources:
      - match: "connect/*.json"      # glob on the path as given (or on the file name)
        format: transcribe
        agent_channel: 1
      - match: "vendor-x/*"
        agent_speaker: spk_1

The first entry whose `match` fits a file gives its format (over `--format`) and agent
side (`--agent-channel` / `--agent-speaker` given on the command line win); a file no
entry matches uses the command line (or the defaults).
"""

from __future__ import annotations

from dataclasses import replace
from fnmatch import fnmatch
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coachloop.errors import ConfigError
from coachloop.ingest.records import ReadOptions

__all__ = ["Source", "Sources", "load_sources"]


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match: str
    format: str | None = None
    agent_channel: int | None = Field(default=None, ge=0)
    agent_speaker: str | None = None


class Sources(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[Source] = Field(default_factory=list)

    def for_path(self, path: Path, fmt: str, options: ReadOptions) -> tuple[str, ReadOptions]:
        """The format and options for `path`: the first matching entry's format (over
        `fmt`), and its agent side unless `options` already set one."""
        text = str(path)
        entry = next((s for s in self.sources if fnmatch(text, s.match) or fnmatch(path.name, s.match)), None)
        if entry is None:
            return fmt, options
        merged = replace(
            options,
            agent_channel=options.agent_channel if options.agent_channel is not None else entry.agent_channel,
            agent_speaker=options.agent_speaker if options.agent_speaker is not None else entry.agent_speaker,
        )
        return entry.format or fmt, merged


def load_sources(path: Path) -> Sources:
    """Read and validate a sources file; every mistake is one `ConfigError` line."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror or err}") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}".replace("\n", " ")) from None
    try:
        return Sources.model_validate(doc or {})
    except ValidationError as err:
        e = err.errors(include_url=False)[0]
        where = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in e["loc"]).replace(".[", "[")
        raise ConfigError(f"{path} {where}: {e['msg'].lower()}") from None
