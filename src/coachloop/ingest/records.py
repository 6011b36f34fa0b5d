"""The registry of readers: each input format is one module that registers its reader here.

What a reader yields (`Interaction`, `InteractionUpdate`, `SurveyUpdate`, `Agent`,
`Rejected`) are domain types in `coachloop.model`.

Readers that can be told which side is the agent (`--agent-channel`, `--agent-speaker`)
also register in `configurable`, taking a `ReadOptions`; `reader_for` hands out either
kind as a plain `Reader`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from coachloop.model import ReadItem
from coachloop.registry import Registry

__all__ = ["ConfigurableReader", "ReadOptions", "Reader", "configurable", "reader_for", "readers"]

Reader = Callable[[Path], Iterator[ReadItem]]
"""A reader streams one file in constant memory and never raises for a bad record:
it yields `Rejected` and goes on. It raises `IngestError` only when the whole file
cannot be read."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the user says about the files that the files themselves may not."""

    agent_channel: int | None = None
    """With channel identification: the agent's channel (0-based); default 1 (Amazon Connect)."""
    agent_speaker: str | None = None
    """With speaker labels: the agent's label (e.g. "spk_1"); default decided by what is said."""


ConfigurableReader = Callable[[Path, ReadOptions], Iterator[ReadItem]]

readers: Registry[Reader] = Registry("input format")
configurable: Registry[ConfigurableReader] = Registry("configurable input format")


def reader_for(fmt: str, options: ReadOptions | None = None) -> Reader:
    """The reader registered as `fmt`, with `options` bound when it takes them.

    Raises `KeyError` (the registry's message) for an unknown format.
    """
    if fmt in configurable:
        read, given = configurable.get(fmt), options or ReadOptions()

        def bound(path: Path) -> Iterator[ReadItem]:
            return read(path, given)

        return bound
    return readers.get(fmt)
