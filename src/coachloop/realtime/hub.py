"""The live sessions of one server: what the supervisor board lists, and who may see which.

Sessions that ended stay listed for a while (the last `keep_ended`), so a board shows a
call that just finished; nothing grows without bound.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Protocol

from coachloop.realtime.session import LiveSession

__all__ = ["SessionHub", "Viewer", "can_see"]

SEE_ALL = frozenset({"qa", "leader", "admin"})


class Viewer(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def team(self) -> str | None: ...
    @property
    def agent_id(self) -> str | None: ...


def can_see(viewer: Viewer, session: LiveSession) -> bool:
    """QA, leaders and admins see every call; a supervisor their team's; an agent their own."""
    if viewer.role in SEE_ALL:
        return True
    if viewer.role == "supervisor":
        return viewer.team is not None and session.header.team == viewer.team
    if viewer.role == "agent":
        return viewer.agent_id is not None and session.header.agent_id == viewer.agent_id
    return False


class SessionHub:
    def __init__(self, keep_ended: int = 200) -> None:
        self.live: dict[str, LiveSession] = {}
        self.ended: OrderedDict[str, LiveSession] = OrderedDict()
        self.keep_ended = keep_ended
        self.version = 0
        """Bumped on every change a board shows; boards poll it cheaply."""

    def add(self, session: LiveSession) -> None:
        self.live[session.id] = session
        self.version += 1

    def touch(self) -> None:
        self.version += 1

    def end(self, session: LiveSession) -> None:
        session.ended = True
        self.live.pop(session.id, None)
        self.ended[session.id] = session
        while len(self.ended) > self.keep_ended:
            self.ended.popitem(last=False)
        self.version += 1

    def get(self, session_id: str) -> LiveSession | None:
        return self.live.get(session_id) or self.ended.get(session_id)

    def visible(self, viewer: Viewer, include_ended: bool = True) -> list[dict[str, Any]]:
        sessions = list(self.live.values())
        if include_ended:
            sessions += list(reversed(self.ended.values()))
        return [s.state() for s in sessions if can_see(viewer, s)]
