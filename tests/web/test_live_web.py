"""`coachloop serve`'s live path over a real socket: the protocol, roles, feedback, and
live outcomes agreeing with batch ingest + evaluate of the same transcripts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from websockets.sync.client import ClientConnection, connect

from coachloop.ingest.records import readers
from coachloop.jobs import default_rubrics, evaluate_store, ingest_paths
from coachloop.jobs.live import create_user
from coachloop.model import Interaction
from coachloop.realtime.replay import replay, websocket_url
from coachloop.store import Store, open_store
from coachloop.store.live import list_prompts
from coachloop.web import create_app
from coachloop.web.server import BackgroundServer

FIXTURES = Path(__file__).parent.parent / "fixtures" / "realtime"
CALLS = FIXTURES / "calls.jsonl"


@dataclass
class Server:
    base: str
    store: Store
    tokens: dict[str, str]

    def http(self, who: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=10)

    def socket(self, who: str) -> ClientConnection:
        return connect(websocket_url(self.base, self.tokens[who]), open_timeout=10)


@pytest.fixture
def server(store_url: str) -> Iterator[Server]:
    app = create_app(store_url, rubrics=[FIXTURES / "assist.yaml"])
    store: Store = app.state.store
    tokens = {
        "connector": create_user(store, "connector", "admin"),
        "sam": create_user(store, "sam", "agent", agent_id="a-1", team="north"),
        "sue": create_user(store, "sue", "supervisor", team="north"),
        "quinn": create_user(store, "quinn", "qa"),
    }
    with BackgroundServer(app) as base:
        yield Server(base, store, tokens)


def send(ws: ClientConnection, msg: dict[str, Any]) -> None:
    ws.send(orjson.dumps(msg).decode())


def until(ws: ClientConnection, kind: str) -> list[dict[str, Any]]:
    """Messages received up to and including the first of `kind`."""
    got: list[dict[str, Any]] = []
    while True:
        got.append(orjson.loads(ws.recv(timeout=10)))
        if got[-1]["type"] in (kind, "error"):
            return got


def raw_calls() -> list[Interaction]:
    return [i for i in readers.get("native")(CALLS) if isinstance(i, Interaction)]


def test_protocol_round_trip_prompts_acks_and_ended_evaluation(server: Server) -> None:
    with server.socket("sam") as ws:
        send(ws, {"type": "start", "session": "s-1", "rubric": "assist_test"})
        started = until(ws, "started")[-1]
        assert started == {
            "type": "started",
            "session": "s-1",
            "rubric": "assist_test",
            "rubric_version": "1",
        }
        send(ws, {"type": "utterance", "id": "u0", "speaker": "agent", "text": "hello", "final": False})
        assert [m["type"] for m in until(ws, "ack")] == ["ack"]
        send(
            ws,
            {
                "type": "utterance",
                "id": "u0",
                "speaker": "agent",
                "text": "hello there",
                "start": 0,
                "end": 2,
            },
        )
        until(ws, "ack")
        send(
            ws,
            {
                "type": "utterance",
                "id": "u1",
                "speaker": "agent",
                "text": "how can i help",
                "start": 2,
                "end": 4,
            },
        )
        got = until(ws, "ack")
        prompt = next(m for m in got if m["type"] == "prompt")
        assert (prompt["kind"], prompt["behavior"], prompt["at_utterance"]) == (
            "compliance",
            "recording_disclosure",
            1,
        )
        assert got[-1]["seq"] == 3 and got[-1]["server_ms"] >= 0
        send(
            ws,
            {
                "type": "utterance",
                "id": "u2",
                "speaker": "agent",
                "text": "this call is recorded",
                "start": 4,
                "end": 6,
            },
        )
        withdraw = until(ws, "ack")[0]
        assert (withdraw["type"], withdraw["id"]) == ("withdraw", prompt["id"])
        send(ws, {"type": "utterance", "id": "u3", "speaker": "nobody", "text": "x"})
        assert "speaker" in until(ws, "error")[-1]["message"]  # a bad message: the session goes on
        send(ws, {"type": "end"})
        ended = until(ws, "ended")[-1]
    assert ended["interaction_id"] == "s-1" and ended["behaviors"]["recording_disclosure"] == "missed"
    assert ended["behaviors"] == ended["live_behaviors"]
    stored = server.store.get_interaction("s-1")
    assert stored is not None and stored.agent_id == "a-1" and len(stored.utterances) == 3


def test_live_outcomes_agree_with_batch_ingest_and_evaluate(server: Server, tmp_path: Path) -> None:
    calls = raw_calls()
    result = replay(calls, server.base, server.tokens["connector"], speed=0, concurrency=2)
    summary = result.summary()
    assert summary["errors"] == [] and summary["lost"] == 0
    assert summary["utterances"] == sum(len(c.utterances) for c in calls)
    assert summary["live_batch_disagreements"] == 0

    with open_store(f"sqlite:///{tmp_path / 'batch.db'}") as batch:
        ingest_paths(batch, [CALLS], "native")
        evaluate_store(batch, default_rubrics())
        for call in calls:
            live_ev = server.store.get_evaluations(call.id)
            batch_ev = batch.get_evaluations(call.id)
            assert [(e.rubric, e.score, e.compliance_passed, e.auto_failed) for e in live_ev] == [
                (e.rubric, e.score, e.compliance_passed, e.auto_failed) for e in batch_ev
            ]
            assert [(r.behavior_id, r.outcome) for r in live_ev[0].results] == [
                (r.behavior_id, r.outcome) for r in batch_ev[0].results
            ]
            live_texts = [u.text for u in server.store.get_interaction(call.id).utterances]  # type: ignore[union-attr]
            assert live_texts == [u.text for u in batch.get_interaction(call.id).utterances]  # type: ignore[union-attr]
    stored = server.store.get_interaction("live-1")
    assert (
        stored is not None
        and "[CARD]" in stored.utterances[3].text
        and "4111" not in stored.utterances[3].text
    )


def test_feedback_on_a_prompt_is_stored_over_the_socket_and_the_api(server: Server) -> None:
    with server.socket("sam") as ws:
        send(ws, {"type": "start", "session": "s-fb"})
        until(ws, "started")
        send(ws, {"type": "utterance", "id": "u0", "speaker": "customer", "text": "i lost my card"})
        prompt = until(ws, "ack")[0]
        assert prompt["kind"] == "knowledge"
        send(ws, {"type": "feedback", "prompt": prompt["id"], "action": "used"})
        assert until(ws, "ack")[-1]["id"] == prompt["id"]
        send(ws, {"type": "feedback", "prompt": "nope", "action": "used"})
        assert "no prompt" in until(ws, "error")[-1]["message"]
        with server.http("sam") as http:
            r = http.post(f"/api/live/prompts/{prompt['id']}/feedback", json={"action": "dismissed"})
            assert r.status_code == 200
        with server.http("quinn") as http:
            rows = http.get("/api/live/prompts", params={"session": "s-fb"}).json()
        assert [(p["id"], p["feedback"]) for p in rows] == [(prompt["id"], "dismissed")]
        with server.http("sue") as http:  # a supervisor gives no feedback on an agent's prompts
            assert (
                http.post(f"/api/live/prompts/{prompt['id']}/feedback", json={"action": "used"}).status_code
                == 403
            )
        send(ws, {"type": "end"})
        until(ws, "ended")
    assert [p["feedback"] for p in list_prompts(server.store, "s-fb")] == ["dismissed"]


def test_a_call_dropped_without_end_is_stored_partial_and_evaluated(server: Server) -> None:
    with server.socket("sam") as ws:
        send(ws, {"type": "start", "session": "s-drop", "rubric": "assist_test"})
        until(ws, "started")
        send(ws, {"type": "utterance", "id": "u0", "speaker": "agent", "text": "hello, this call is recorded"})
        until(ws, "ack")
        send(ws, {"type": "utterance", "id": "u1", "speaker": "customer", "text": "my card 4111 1111 1111 1111 is lost"})
        until(ws, "ack")
    # the connection closed without `end`: the call is stored by the writer thread
    stored = None
    for _ in range(100):
        stored = server.store.get_interaction("s-drop")
        if stored is not None and server.store.get_evaluations("s-drop"):
            break
        time.sleep(0.05)
    assert stored is not None and len(stored.utterances) == 2
    assert stored.metadata["partial"] is True
    assert stored.metadata["dropped"][0]["field"] == "end"
    assert "4111" not in stored.utterances[1].text
    evaluations = server.store.get_evaluations("s-drop")
    assert [e.rubric for e in evaluations] == ["assist_test"]
    with server.http("sue") as http:
        listed = {s["session"]: s["ended"] for s in http.get("/api/live/sessions").json()["sessions"]}
    assert listed["s-drop"] is True


def test_roles_supervisor_sees_only_their_team_and_others_are_refused(server: Server) -> None:
    with server.socket("connector") as north, server.socket("connector") as south:
        send(north, {"type": "start", "session": "n-1", "agent_id": "a-1", "team": "north"})
        send(south, {"type": "start", "session": "s-1", "agent_id": "a-2", "team": "south"})
        until(north, "started")
        until(south, "started")
        with server.http("sue") as http:
            assert [s["session"] for s in http.get("/api/live/sessions").json()["sessions"]] == ["n-1"]
            assert http.get("/api/live/sessions/s-1").status_code == 404  # not even its existence
            assert http.get("/board").status_code == 200
        with server.http("quinn") as http:
            assert sorted(s["session"] for s in http.get("/api/live/sessions").json()["sessions"]) == [
                "n-1",
                "s-1",
            ]
            assert http.post("/api/live/prompts/n-1-1/feedback", json={"action": "used"}).status_code == 403
        with server.http("sam") as http:
            assert [s["session"] for s in http.get("/api/live/sessions").json()["sessions"]] == ["n-1"]
            assert http.get("/board").status_code == 403
            assert http.get("/api/live/prompts").status_code == 403
        with server.http(None) as http:
            assert http.get("/api/live/sessions").status_code == 401
            assert http.get("/board", params={"token": "wrong"}).status_code == 401
        with server.http("sue") as http:
            page = http.get("/board", params={"token": server.tokens["sue"]}).text
        assert "n-1" in page and "s-1" not in page


def test_sockets_refuse_a_missing_token_the_wrong_role_and_another_agents_call(server: Server) -> None:
    with connect(f"{server.base.replace('http', 'ws')}/ws/live", open_timeout=10) as ws:
        assert "token" in until(ws, "error")[-1]["message"]
    with server.socket("quinn") as ws:
        assert "qa role may not" in until(ws, "error")[-1]["message"]
    with server.socket("sam") as ws:
        send(ws, {"type": "start", "agent_id": "a-9"})
        assert "their own calls" in until(ws, "error")[-1]["message"]
    with server.socket("connector") as ws:
        send(ws, {"type": "utterance", "id": "u0", "speaker": "agent", "text": "hi"})
        assert "first message must be `start`" in until(ws, "error")[-1]["message"]


def test_openapi_documents_the_live_websocket_and_its_messages(server: Server) -> None:
    with server.http(None) as http:
        doc = http.get("/openapi.json").json()
    ws = doc["paths"]["/ws/live"]["get"]
    assert "utterance" in ws["description"] and "101" in ws["responses"]
    assert {"LiveStart", "LiveUtteranceIn", "LiveFeedback", "LiveEnd"} <= set(doc["components"]["schemas"])
    assert "/api/live/sessions" in doc["paths"]
