"""Live sessions built straight from a rubric file, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachloop.evaluate import CompiledRubric, load_rubric
from coachloop.ingest.redact import Redactor
from coachloop.realtime.knowledge import Catalogue, load_catalogue
from coachloop.realtime.protocol import Start, UtteranceIn
from coachloop.realtime.session import LiveRules, LiveSession, SessionEvent

FIXTURES = Path(__file__).parent.parent / "fixtures" / "realtime"


@pytest.fixture(scope="session")
def assist_rubric() -> CompiledRubric:
    return load_rubric(FIXTURES / "assist.yaml")


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


class Call:
    """A session fed one turn at a time; `say` returns the events that turn caused."""

    def __init__(self, rules: LiveRules) -> None:
        self.session = LiveSession("t-1", Start(type="start", agent_id="a-1"), rules, Redactor())
        self.t = 0.0

    def say(self, speaker: str, text: str, final: bool = True, uid: str | None = None) -> list[SessionEvent]:
        self.t += 3.0
        uid = uid or f"u{self.session.received}"
        msg = UtteranceIn(type="utterance", id=uid, speaker=speaker, text=text, start=self.t - 3, end=self.t, final=final)  # type: ignore[arg-type]
        return self.session.utterance(msg)


def kinds(events: list[SessionEvent]) -> list[tuple[str, str, str | None]]:
    return [(what, p.kind, p.behavior or p.article) for what, p, _ in events]
