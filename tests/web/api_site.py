"""A small store with two teams, three agents and one user per role, served in-process:
what the API tests run against."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from coachloop.jobs.live import create_user
from coachloop.jobs.users import set_password
from coachloop.model import Agent, Interaction, Outcome, Speaker, Utterance
from coachloop.store import Store
from coachloop.web import create_app
from tests.store.store_builders import evaluation, result

ROLES_USERS = {"agent": "sam", "supervisor": "sue", "qa": "quinn", "leader": "lee", "admin": "ada"}
PASSWORD = "password-for-tests"
CALLS = {
    # id: (agent, team, words only this call says)
    "c-1": ("a-1", "north", "my card was stolen please block it"),
    "c-2": ("a-2", "north", "i want a refund for the fee"),
    "c-3": ("a-3", "south", "zebra crossing mortgage question"),
}
VISIBLE = {
    "agent": {"c-1"},
    "supervisor": {"c-1", "c-2"},
    "qa": set(CALLS),
    "leader": set(CALLS),
    "admin": set(CALLS),
}


@dataclass
class ApiSite:
    app: FastAPI
    store: Store
    tokens: dict[str, str]
    client: TestClient

    def call(self, role: str | None, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return self.client.request(method, path, headers=headers, **kwargs)


def _call(call_id: str, agent: str, team: str, words: str, day: int) -> Interaction:
    return Interaction(
        id=call_id,
        agent_id=agent,
        team=team,
        queue="cards",
        language="en",
        contact_reason="card",
        started_at=datetime(2026, 11, day, 9, 0, tzinfo=UTC),
        utterances=[
            Utterance(index=0, speaker=Speaker.AGENT, text="thank you for calling", start=0.0, end=1.5),
            Utterance(index=1, speaker=Speaker.CUSTOMER, text=words, start=2.0, end=5.0),
        ],
    )


def build_site(store_url: str) -> Generator[ApiSite, None, None]:
    app = create_app(store_url, sentiment=False, no_knowledge=True)
    store: Store = app.state.store
    store.upsert_agents(
        [
            Agent("a-1", "Sam", "north", "sue"),
            Agent("a-2", "Ann", "north", "sue"),
            Agent("a-3", "Tom", "south", "sol"),
        ]
    )
    calls = [
        _call(cid, agent, team, words, day)
        for day, (cid, (agent, team, words)) in enumerate(CALLS.items(), 1)
    ]
    store.write(calls, source_format="native")
    store.save_evaluations(
        [
            evaluation(
                c.id, results=[result("greet", Outcome.MET), result("verify", Outcome.MISSED, critical=True)]
            )
            for c in calls
        ]
    )
    tokens = {
        "agent": create_user(store, "sam", "agent", agent_id="a-1", team="north"),
        "supervisor": create_user(store, "sue", "supervisor", team="north"),
        "qa": create_user(store, "quinn", "qa"),
        "leader": create_user(store, "lee", "leader"),
        "admin": create_user(store, "ada", "admin"),
    }
    for name in ROLES_USERS.values():
        set_password(store, name, PASSWORD)
    with TestClient(app, follow_redirects=False) as client:
        yield ApiSite(app, store, tokens, client)
