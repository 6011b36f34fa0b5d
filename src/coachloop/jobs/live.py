"""Service functions behind live assist: rubrics for sessions, storing a finished call
exactly as batch ingest would, users and their tokens, prompt feedback.

The web layer (`coachloop serve`) and the CLI call these; nothing here knows about
sockets.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path

from coachloop.errors import CoachloopError, ConfigError
from coachloop.evaluate import CompiledRubric, evaluate, load_rubric
from coachloop.ingest.redact import Redactor
from coachloop.jobs import _checked, _redact_item, choose_rubric, default_rubrics
from coachloop.model import Evaluation, Interaction
from coachloop.realtime.protocol import Start
from coachloop.realtime.session import LiveSession, Prompt
from coachloop.store import Store, content_hash
from coachloop.store.live import ROLES, PromptRecord, add_user, user_exists

__all__ = ["DISCONNECTED", "LiveRubrics", "create_user", "finish_session", "prompt_record"]

LIVE_FORMAT = "live"
"""`source_format` of interactions stored from live sessions."""


class LiveRubrics:
    """The rubrics a server evaluates live sessions with: the shipped ones and any files given."""

    def __init__(self, extra: Sequence[str | Path] = ()) -> None:
        loaded = [load_rubric(p) for p in extra]
        self.defaults = default_rubrics()
        self.by_name: dict[str, CompiledRubric] = {r.name: r for r in self.defaults}
        self.by_name.update({r.name: r for r in loaded})
        # A session that names no rubric gets the one batch evaluation would choose; a
        # file given here competes only through its `applies_to` (else it is used by name).
        names = {r.name for r in loaded}
        self.choices = [
            *[r for r in loaded if r.spec.applies_to is not None and not r.spec.audit],
            *[r for r in self.defaults if r.name not in names],
        ]

    def for_start(self, start: Start) -> CompiledRubric:
        """The rubric the start message names, or the one batch evaluation would choose."""
        if start.rubric is not None:
            found = self.by_name.get(start.rubric)
            if found is None:
                try:
                    found = self.by_name[start.rubric] = load_rubric(start.rubric)
                except CoachloopError as err:
                    raise ConfigError(f"unknown rubric {start.rubric!r}: {err}") from None
            return found
        header = Interaction(
            id="",
            channel=start.channel,
            queue=start.queue,
            language=start.language,
            metadata=dict(start.metadata),
        )
        chosen = choose_rubric(self.choices, header)
        if chosen is None:
            raise ConfigError("no rubric applies to this session; name one in `start`")
        return chosen


DISCONNECTED = {"field": "end", "reason": "the connection closed before the call ended"}
"""What a live call that dropped without `end` records in `metadata.dropped`."""


def finish_session(
    store: Store, session: LiveSession, redactor: Redactor | None = None, *, disconnected: bool = False
) -> Evaluation:
    """Store the finished call through batch ingest's checks and redaction, then evaluate
    the stored interaction with the session's rubric and store the evaluation, as
    `coachloop ingest` followed by `coachloop evaluate` would. A call whose connection
    closed before `end` (`disconnected`) is stored as a partial interaction, marked as
    batch ingest marks a partly read call, so it is evaluated and counted, not lost."""
    redactor = redactor or Redactor()
    raw = session.interaction(session.raw)
    if disconnected:
        raw.metadata["partial"] = True
        raw.metadata["dropped"] = [dict(DISCONNECTED)]
    items = [_redact_item(redactor, item) for item in _checked([raw], f"live:{session.id}")]
    store.write(items, source_format=LIVE_FORMAT)
    stored = store.get_interaction(session.id)
    if stored is None:  # refused by the checks: quarantined like a bad batch record
        raise CoachloopError(f"live session {session.id}: the transcript was quarantined")
    rubric = session.rules.rubric
    ev = evaluate(rubric, stored, input_hash=content_hash(stored))
    store.save_evaluations([ev], [])
    return ev


def prompt_record(session: LiveSession, prompt: Prompt, redactor: Redactor) -> PromptRecord:
    """A prompt as stored: its evidence quoted redacted, as everything stored is."""
    h = session.header
    evidence = [dict(e, text=redactor.redact(str(e.get("text", "")))) for e in prompt.evidence]
    return PromptRecord(
        prompt.id,
        prompt.session,
        h.agent_id,
        h.team,
        session.rules.rubric.name,
        prompt.kind,
        prompt.behavior,
        prompt.article,
        prompt.text,
        prompt.at_utterance,
        evidence,
        prompt.withdrawn_at,
    )


def create_user(
    store: Store, name: str, role: str, *, team: str | None = None, agent_id: str | None = None
) -> str:
    """Add a user and return their new bearer token (shown once; only its hash is stored)."""
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
    if role == "agent" and not agent_id:
        raise ConfigError("an agent user needs --agent-id (the agent id their calls carry)")
    if role == "supervisor" and not team:
        raise ConfigError("a supervisor user needs --team (the team whose live calls they see)")
    if user_exists(store, name):
        raise ConfigError(f"a user named {name!r} already exists")
    token = secrets.token_urlsafe(32)
    add_user(store, name, role, token, agent_id=agent_id, team=team)
    return token
