"""The live-session message protocol: JSON text frames over one WebSocket per call.

A connector (telephony, a speech recogniser, `coachloop replay`) opens
`/ws/live?token=TOKEN` (or sends `Authorization: Bearer TOKEN`) and sends, in order:

1. `start`  - `{"type": "start", "session": "call-42", "agent_id": "a-07", "queue": "cards",
   "channel": "voice", "team": "north", "rubric": "general", "metadata": {...}}`; every
   key but `type` is optional (the session id is made up when not given; the rubric is
   chosen as batch evaluation chooses it). The server answers `started`.
2. `utterance` - `{"type": "utterance", "id": "u7", "speaker": "customer", "text": "...",
   "start": 31.2, "end": 34.0, "final": true}`. A recogniser's partial results are sent
   with `"final": false` and the same `id`; each replaces the previous one and the final
   one replaces them all. Only final utterances are evaluated. The server answers each
   utterance with any `prompt` and `withdraw` messages it caused, then `ack`.
3. `feedback` - `{"type": "feedback", "prompt": "call-42-3", "action": "used" | "dismissed"}`,
   at any time; answered by `ack` with the prompt id.
4. `end` - `{"type": "end"}`: the call becomes a stored interaction (redacted, as batch
   ingest stores it), is evaluated as batch evaluation would, and the server answers
   `ended` with the evaluation, then closes the socket.

Server messages: `started {session, rubric, rubric_version}`;
`prompt {id, session, kind, behavior, article, title, text, url, at_utterance, evidence}`
(kind: compliance | knowledge | sentiment | next_best_action); `withdraw {id, session,
kind, behavior, at_utterance, reason}`; `ack {id, seq, server_ms}` (`seq` counts the
utterances received, `server_ms` is the time from receiving the utterance to sending its
prompts); `ended {session, interaction_id, rubric, rubric_version, score,
compliance_passed, auto_failed, behaviors: {id: outcome}, prompts, suppressed}`;
`error {message}` (a bad message is answered with an error and the session goes on; a
message before `start` or after `end` closes the socket with code 1008).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from coachloop.model import Channel, Speaker

__all__ = ["ClientMessage", "End", "Feedback", "Start", "UtteranceIn", "parse_client_message"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Start(_Message):
    type: Literal["start"]
    session: str | None = Field(default=None, min_length=1, max_length=200)
    agent_id: str | None = None
    team: str | None = None
    queue: str | None = None
    channel: Channel = Channel.VOICE
    language: str | None = None
    rubric: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class UtteranceIn(_Message):
    type: Literal["utterance"]
    id: str = Field(min_length=1, max_length=200)
    speaker: Speaker
    text: str
    start: float | None = None
    end: float | None = None
    final: bool = True


class Feedback(_Message):
    type: Literal["feedback"]
    prompt: str
    action: Literal["used", "dismissed"]


class End(_Message):
    type: Literal["end"]


ClientMessage = Annotated[Start | UtteranceIn | Feedback | End, Field(discriminator="type")]
_ADAPTER: TypeAdapter[Start | UtteranceIn | Feedback | End] = TypeAdapter(ClientMessage)


def parse_client_message(raw: str | bytes) -> Start | UtteranceIn | Feedback | End:
    """One client frame, validated; raises pydantic's ValidationError (or ValueError for bad JSON)."""
    return _ADAPTER.validate_json(raw)
