"""Live assist over HTTP: the session WebSocket, the board API and the feedback route.

The WebSocket protocol is documented in `coachloop.realtime.protocol` and, for clients,
in the OpenAPI document (`/openapi.json`, path `/ws/live`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, WebSocket, WebSocketDisconnect, status
from pydantic import BaseModel, ValidationError

from coachloop.errors import CoachloopError
from coachloop.ingest.redact import Redactor
from coachloop.jobs.live import LiveRubrics, finish_session, prompt_record
from coachloop.realtime.hub import SessionHub, can_see
from coachloop.realtime.knowledge import Catalogue
from coachloop.realtime.protocol import End, Feedback, Start, UtteranceIn, parse_client_message
from coachloop.realtime.session import LiveRules, LiveSession, SessionEvent
from coachloop.store import Store
from coachloop.store.live import UserRecord, list_prompts, save_feedback, save_prompts, withdraw_prompts
from coachloop.web.auth import require, websocket_user

__all__ = ["LiveService", "router"]

log = logging.getLogger("coachloop.live")
router = APIRouter()

SESSION_ROLES = ("agent", "admin")
"""Who may stream a call: the agent on it, or a connector holding an admin token."""
BOARD_ROLES = ("supervisor", "qa", "leader", "admin")
FEEDBACK_ROLES = ("agent", "admin")


@dataclass
class LiveService:
    """Everything the live routes share, kept on `app.state.live`."""

    store: Store
    rubrics: LiveRubrics
    catalogue: Catalogue | None
    sentiment: bool = True
    hub: SessionHub = field(default_factory=SessionHub)
    redactor: Redactor = field(default_factory=Redactor)
    writer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="coachloop-live-writer")
    )
    """One thread writes to the store, in order (a prompt before its feedback)."""
    evaluator: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="coachloop-live-eval")
    )
    """One thread evaluates utterances, so the event loop keeps reading and writing frames
    meanwhile (the encoder releases the interpreter while it runs); one, because the
    encoder's cache is not shared across threads."""
    _rules: dict[str, LiveRules] = field(default_factory=dict)

    def rules_for(self, start: Start) -> LiveRules:
        rubric = self.rubrics.for_start(start)
        key = f"{rubric.name}:{rubric.fingerprint}"
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = LiveRules(rubric, self.catalogue, sentiment=self.sentiment)
        return found

    def persist(self, session: LiveSession, events: list[SessionEvent]) -> None:
        raised = [prompt_record(session, p, self.redactor) for kind, p, _ in events if kind == "prompt"]
        withdrawn = [(p.id, p.withdrawn_at or 0) for kind, p, _ in events if kind == "withdraw"]
        if raised:
            self._background(save_prompts, self.store, raised)
        if withdrawn:
            self._background(withdraw_prompts, self.store, withdrawn)

    def _background(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        future: Future[Any] = self.writer.submit(fn, *args, **kwargs)
        future.add_done_callback(_log_failure)

    def close(self) -> None:
        self.evaluator.shutdown(wait=True)
        self.writer.shutdown(wait=True)


def _log_failure(future: Future[Any]) -> None:
    error = future.exception()
    if error is not None:
        log.error("live store write failed: %s", error)


def _service(request: Request) -> LiveService:
    service: LiveService = request.app.state.live
    return service


def _event_message(event: SessionEvent) -> dict[str, Any]:
    kind, prompt, reason = event
    return prompt.message() if kind == "prompt" else prompt.withdrawal(reason)


async def _refuse(ws: WebSocket, message: str) -> None:
    await ws.send_json({"type": "error", "message": message})
    await ws.close(code=status.WS_1008_POLICY_VIOLATION, reason=message[:120])


@router.websocket("/ws/live")
async def live_session(ws: WebSocket) -> None:
    """One live call: see `coachloop.realtime.protocol`."""
    service: LiveService = ws.app.state.live
    user = websocket_user(ws)
    await ws.accept()
    if user is None:
        await _refuse(ws, "a valid bearer token is required")
        return
    if user.role not in SESSION_ROLES:
        await _refuse(ws, f"the {user.role} role may not stream live sessions")
        return
    session: LiveSession | None = None
    loop = asyncio.get_running_loop()
    try:
        while True:
            raw = await ws.receive_text()
            received = time.perf_counter()
            try:
                msg = parse_client_message(raw)
            except (ValidationError, ValueError) as err:
                await ws.send_json({"type": "error", "message": _first_line(err)})
                continue
            if session is None:
                if not isinstance(msg, Start):
                    await _refuse(ws, "the first message must be `start`")
                    return
                session = await _start(ws, service, user, msg)
                if session is None:
                    return
            elif isinstance(msg, UtteranceIn):
                events = await loop.run_in_executor(service.evaluator, session.utterance, msg)
                for event in events:
                    await ws.send_json(_event_message(event))
                ms = (time.perf_counter() - received) * 1000
                await ws.send_json(
                    {"type": "ack", "id": msg.id, "seq": session.received, "server_ms": round(ms, 3)}
                )
                if events:
                    service.persist(session, events)
                    service.hub.touch()
                elif msg.final:
                    service.hub.touch()
            elif isinstance(msg, Feedback):
                prompt = session.feedback(msg.prompt, msg.action)
                if prompt is None:
                    await ws.send_json(
                        {"type": "error", "message": f"no prompt {msg.prompt!r} in this session"}
                    )
                    continue
                service._background(save_feedback, service.store, prompt.id, msg.action, user.name)
                service.hub.touch()
                await ws.send_json(
                    {"type": "ack", "id": prompt.id, "seq": session.received, "server_ms": 0.0}
                )
            elif isinstance(msg, End):
                try:
                    ev = await loop.run_in_executor(
                        service.writer, finish_session, service.store, session, service.redactor
                    )
                except CoachloopError as err:
                    service.hub.end(session)
                    await _refuse(ws, str(err))
                    return
                live = session.evaluation
                service.hub.end(session)
                await ws.send_json(
                    {
                        "type": "ended",
                        "session": session.id,
                        "interaction_id": ev.interaction_id,
                        "rubric": ev.rubric,
                        "rubric_version": ev.rubric_version,
                        "score": ev.score,
                        "compliance_passed": ev.compliance_passed,
                        "auto_failed": ev.auto_failed,
                        "behaviors": {r.behavior_id: r.outcome.value for r in ev.results},
                        "live_behaviors": (
                            {r.behavior_id: r.outcome.value for r in live.results} if live is not None else {}
                        ),
                        "prompts": len(session.prompts),
                        "suppressed": dict(session.policy.suppressed),
                    }
                )
                await ws.close()
                return
            else:
                await ws.send_json({"type": "error", "message": "the session has already started"})
    except WebSocketDisconnect:
        if session is not None and not session.ended:
            service.hub.end(session)
            if session.raw:  # a dropped call is stored and evaluated as a partial one
                service._background(finish_session, service.store, session, service.redactor, disconnected=True)


async def _start(ws: WebSocket, service: LiveService, user: UserRecord, msg: Start) -> LiveSession | None:
    if user.role == "agent":
        if msg.agent_id not in (None, user.agent_id):
            await _refuse(ws, "an agent may only stream their own calls")
            return None
        msg = msg.model_copy(update={"agent_id": user.agent_id, "team": msg.team or user.team})
    try:
        rules = service.rules_for(msg)
    except CoachloopError as err:
        await _refuse(ws, str(err))
        return None
    session_id = msg.session or f"live-{uuid.uuid4().hex[:12]}"
    if service.hub.get(session_id) is not None:
        await _refuse(ws, f"session {session_id!r} exists already")
        return None
    session = LiveSession(session_id, msg, rules, service.redactor)
    service.hub.add(session)
    rubric = rules.rubric
    await ws.send_json(
        {"type": "started", "session": session_id, "rubric": rubric.name, "rubric_version": rubric.version}
    )
    return session


def _first_line(err: Exception) -> str:
    if isinstance(err, ValidationError):
        e = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in e["loc"])
        return f"bad message: {where}: {e['msg']}" if where else f"bad message: {e['msg']}"
    return f"bad message: {str(err).splitlines()[0]}"


class SessionState(BaseModel):
    """A live (or just-ended) session as the board shows it."""

    session: str
    agent_id: str | None
    team: str | None
    queue: str | None
    channel: str
    rubric: str
    started_at: float
    utterances: int
    frustration: float
    frustrated: bool
    overdue_compliance: list[str]
    prompts_raised: int
    prompts_open: int
    suppressed: dict[str, int]
    prompts: list[dict[str, Any]]
    last_utterance: dict[str, Any] | None
    ended: bool


class Board(BaseModel):
    version: int
    sessions: list[SessionState]


@router.get("/api/live/sessions", response_model=Board, tags=["live"])
def list_sessions(
    service: Annotated[LiveService, Depends(_service)],
    user: Annotated[UserRecord, Depends(require(*BOARD_ROLES, "agent"))],
    include_ended: bool = True,
) -> dict[str, Any]:
    """Live sessions the caller may see: a supervisor their team's, an agent their own,
    QA, leaders and admins all. `version` changes whenever anything shown changes."""
    return {"version": service.hub.version, "sessions": service.hub.visible(user, include_ended)}


@router.get("/api/live/sessions/{session_id}", response_model=SessionState, tags=["live"])
def get_session(
    session_id: str,
    service: Annotated[LiveService, Depends(_service)],
    user: Annotated[UserRecord, Depends(require(*BOARD_ROLES, "agent"))],
) -> dict[str, Any]:
    session = service.hub.get(session_id)
    if session is None or not can_see(user, session):  # another team's call: as if it did not exist
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no live session {session_id!r}")
    return session.state()


class FeedbackIn(BaseModel):
    action: Literal["used", "dismissed"]


@router.post("/api/live/prompts/{prompt_id}/feedback", tags=["live"])
async def prompt_feedback(
    prompt_id: str,
    body: FeedbackIn,
    service: Annotated[LiveService, Depends(_service)],
    user: Annotated[UserRecord, Depends(require(*FEEDBACK_ROLES))],
) -> dict[str, Any]:
    """The agent's verdict on a prompt: used or dismissed (stored; the last one counts)."""
    session = next((s for s in service.hub.live.values() if any(p.id == prompt_id for p in s.prompts)), None)
    if session is None:
        session = next(
            (s for s in service.hub.ended.values() if any(p.id == prompt_id for p in s.prompts)), None
        )
    if session is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no prompt {prompt_id!r} in a live session")
    if user.role == "agent" and session.header.agent_id != user.agent_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this prompt was not yours")
    session.feedback(prompt_id, body.action)
    service.hub.touch()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(
        service.writer, save_feedback, service.store, prompt_id, body.action, user.name
    )
    return {"prompt": prompt_id, "action": body.action}


@router.get("/api/live/prompts", tags=["live"])
def stored_prompts(
    service: Annotated[LiveService, Depends(_service)],
    user: Annotated[UserRecord, Depends(require("qa", "leader", "admin"))],
    session: str | None = None,
) -> list[dict[str, Any]]:
    """Prompts as stored, with the latest feedback on each: what production precision is measured on."""
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
        for row in list_prompts(service.store, session)
    ]
