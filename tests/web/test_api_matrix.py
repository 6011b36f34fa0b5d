"""The role x route matrix: every API route in the OpenAPI document, called by every role
(and by nobody), answers exactly what that role may get, and lists, counts and searches
never show another agent's conversations. A route added without a row here fails
`test_every_api_route_has_a_matrix_entry`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from coachloop.store.users import list_audit
from tests.web.api_site import CALLS, VISIBLE, ApiSite

ROLES = ("agent", "supervisor", "qa", "leader", "admin")
RUBRIC_TEXT = (Path(__file__).parents[2] / "src/coachloop/rubrics/general.yaml").read_text().replace(
    "name: general", "name: uploaded", 1
)


@dataclass(frozen=True)
class Case:
    path: str
    """The concrete path called (the template's parameters filled in)."""
    expect: dict[str, int]
    """Role -> status; every role listed."""
    body: Callable[[str], dict[str, Any]] | None = None
    params: dict[str, Any] = field(default_factory=dict)


def every(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def only(status: int, roles: tuple[str, ...], other: int = 403) -> dict[str, int]:
    return {r: status if r in roles else other for r in ROLES}


MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/api/me"): [Case("/api/me", every(200))],
    ("GET", "/api/interactions"): [Case("/api/interactions", every(200))],
    ("GET", "/api/interactions/{interaction_id}"): [
        Case("/api/interactions/c-1", every(200)),
        Case("/api/interactions/c-2", {**every(200), "agent": 404}),
        Case("/api/interactions/c-3", {**every(200), "agent": 404, "supervisor": 404}),
        Case("/api/interactions/nope", every(404)),
    ],
    ("GET", "/api/evaluations"): [Case("/api/evaluations", every(200))],
    ("GET", "/api/rubrics"): [Case("/api/rubrics", every(200))],
    ("GET", "/api/rubrics/{name}"): [Case("/api/rubrics/general", every(200)), Case("/api/rubrics/nope", every(404))],
    ("POST", "/api/rubrics/check"): [
        Case("/api/rubrics/check", only(200, ("qa", "admin")), body=lambda r: {"text": RUBRIC_TEXT})
    ],
    ("POST", "/api/rubrics"): [
        Case("/api/rubrics", only(201, ("qa", "admin")), body=lambda r: {"text": RUBRIC_TEXT, "source": "u.yaml"})
    ],
    ("GET", "/api/metrics"): [Case("/api/metrics", every(200), params={"by": "team"})],
    ("GET", "/api/signals"): [Case("/api/signals", only(200, ("qa", "leader", "admin")))],
    ("GET", "/api/reviews/queue"): [Case("/api/reviews/queue", only(200, ("supervisor", "qa", "admin")))],
    ("POST", "/api/reviews/override"): [
        Case(
            "/api/reviews/override",
            only(201, ("qa", "admin")),
            body=lambda r: {"interaction_id": "c-3", "behavior_id": "verify", "outcome": "met", "note": "heard it"},
        ),
        Case(
            "/api/reviews/override",
            only(404, ("qa", "admin")),
            body=lambda r: {"interaction_id": "nope", "behavior_id": "verify", "outcome": "met"},
        ),
    ],
    ("POST", "/api/reviews/dispute"): [
        Case(
            "/api/reviews/dispute",
            only(201, ("agent", "supervisor", "admin")),
            body=lambda r: {"interaction_id": "c-1", "behavior_id": "verify", "note": f"{r}: I did verify"},
        ),
        Case(
            "/api/reviews/dispute",
            {"agent": 404, "supervisor": 404, "qa": 403, "leader": 403, "admin": 201},
            body=lambda r: {"interaction_id": "c-3", "behavior_id": "verify", "note": "not mine"},
        ),
    ],
    ("GET", "/api/coaching/plans/{agent_id}"): [
        Case("/api/coaching/plans/a-1", every(200)),
        Case("/api/coaching/plans/a-3", {**every(200), "agent": 404, "supervisor": 404}),
    ],
    ("GET", "/api/coaching/sessions"): [
        Case("/api/coaching/sessions", every(200)),
        Case("/api/coaching/sessions", {**every(200), "agent": 404, "supervisor": 404}, params={"agent": "a-3"}),
    ],
    ("POST", "/api/coaching/sessions"): [
        Case(
            "/api/coaching/sessions",
            only(201, ("supervisor", "admin")),
            body=lambda r: {"agent_id": "a-2", "kind": "micro", "notes": f"{r} coached", "behaviors": ["greet_with_brand"],
                            "commitments": ["greet with the brand"], "duration_minutes": 10},
        ),
        Case(
            "/api/coaching/sessions",
            {**only(201, ("supervisor", "admin")), "supervisor": 404},
            body=lambda r: {"agent_id": "a-3", "kind": "micro", "behaviors": ["greet_with_brand"], "commitments": ["x"]},
        ),
    ],
    ("GET", "/api/coaching/followups"): [Case("/api/coaching/followups", every(200))],
    ("GET", "/api/coaching/training"): [Case("/api/coaching/training", every(200))],
    ("GET", "/api/coaching/recognition"): [Case("/api/coaching/recognition", every(200))],
    ("GET", "/api/users"): [Case("/api/users", only(200, ("admin",)))],
    ("POST", "/api/users"): [
        Case("/api/users", only(201, ("admin",)), body=lambda r: {"name": f"new-{r}", "role": "leader"})
    ],
    ("GET", "/api/audit"): [Case("/api/audit", only(200, ("admin",)))],
    # Live assist (web/live.py): no session or prompt exists here, so allowed roles get 404.
    ("GET", "/api/live/sessions"): [Case("/api/live/sessions", every(200))],
    ("GET", "/api/live/sessions/{session_id}"): [Case("/api/live/sessions/none", every(404))],
    ("POST", "/api/live/prompts/{prompt_id}/feedback"): [
        Case("/api/live/prompts/none/feedback", only(404, ("agent", "admin")), body=lambda r: {"action": "used"})
    ],
    ("GET", "/api/live/prompts"): [Case("/api/live/prompts", only(200, ("qa", "leader", "admin")))],
}
NOT_HTTP: set[tuple[str, str]] = set()
"""API operations not called over HTTP (none today; `/ws/live` lies outside `/api/`)."""


def api_operations(api: ApiSite) -> set[tuple[str, str]]:
    paths = api.app.openapi()["paths"]
    return {
        (method.upper(), path) for path, item in paths.items() for method in item if path.startswith("/api/")
    } - NOT_HTTP


def test_every_api_route_has_a_matrix_entry(api: ApiSite) -> None:
    operations = api_operations(api)
    assert operations - set(MATRIX) == set(), "add these routes to MATRIX"
    assert set(MATRIX) - operations == set(), "MATRIX names routes that no longer exist"


@pytest.mark.parametrize("operation", sorted(MATRIX), ids=lambda op: f"{op[0]} {op[1]}")
def test_each_role_gets_exactly_what_it_may(api: ApiSite, operation: tuple[str, str]) -> None:
    method, _ = operation
    for case in MATRIX[operation]:
        assert set(case.expect) == set(ROLES)
        for role in (None, *ROLES):
            body = case.body(role or "nobody") if case.body else None
            answer = api.call(role, method, case.path, json=body, params=case.params)
            wanted = 401 if role is None else case.expect[role]
            assert answer.status_code == wanted, (role, method, case.path, answer.text)
            if answer.status_code >= 400:
                error = answer.json()["error"]
                assert error["status"] == wanted and error["message"] and error["code"]


def test_lists_and_searches_show_only_the_callers_conversations(api: ApiSite) -> None:
    for role in ROLES:
        seen = {r["id"] for r in api.call(role, "GET", "/api/interactions").json()["items"]}
        assert seen == VISIBLE[role], role
        evaluated = {r["interaction_id"] for r in api.call(role, "GET", "/api/evaluations").json()["items"]}
        assert evaluated == VISIBLE[role], role
        for call_id, word in (("c-1", "STOLEN"), ("c-2", "refund"), ("c-3", "zebra crossing")):
            found = {r["id"] for r in api.call(role, "GET", "/api/interactions", params={"q": word}).json()["items"]}
            assert found == ({call_id} & VISIBLE[role]), (role, word)
        # Naming another agent explicitly still shows nothing of theirs.
        other = {r["id"] for r in api.call(role, "GET", "/api/interactions", params={"agent": "a-3"}).json()["items"]}
        assert other == ({"c-3"} & VISIBLE[role])


def test_metrics_for_agents_and_supervisors_are_per_agent_and_their_own(api: ApiSite) -> None:
    agents_seen = {
        role: {r.get("agent_id") for r in api.call(role, "GET", "/api/metrics", params={"by": "team"}).json()["rows"]}
        for role in ROLES
    }
    assert agents_seen["agent"] == {"a-1"}
    assert agents_seen["supervisor"] == {"a-1", "a-2"}
    assert agents_seen["leader"] == {None}  # grouped by team only, as asked
    rows = api.call("leader", "GET", "/api/metrics", params={"by": "team"}).json()["rows"]
    assert {r["team"] for r in rows} == {"north", "south"}


def test_review_queue_for_a_supervisor_holds_only_their_team(api: ApiSite) -> None:
    api.call("admin", "POST", "/api/reviews/dispute", json={"interaction_id": "c-3", "behavior_id": "verify", "note": "x"})
    api.call("agent", "POST", "/api/reviews/dispute", json={"interaction_id": "c-1", "behavior_id": "verify", "note": "y"})
    team = {i["interaction_id"] for i in api.call("supervisor", "GET", "/api/reviews/queue").json()["items"]}
    everyone = {i["interaction_id"] for i in api.call("qa", "GET", "/api/reviews/queue").json()["items"]}
    assert team == {"c-1"} and everyone == {"c-1", "c-3"}


def test_opening_a_conversation_is_audited_and_refusals_are_not(api: ApiSite) -> None:
    api.call("agent", "GET", "/api/interactions/c-1")
    api.call("agent", "GET", "/api/interactions/c-3")  # 404: not theirs
    api.call("qa", "GET", "/api/interactions/c-3")
    rows = list_audit(api.store, object_kind="interaction")
    assert [(r.user_name, r.role, r.action, r.object_id) for r in rows] == [
        ("quinn", "qa", "open", "c-3"),
        ("sam", "agent", "open", "c-1"),
    ]
    listed = api.call("admin", "GET", "/api/audit", params={"kind": "interaction"}).json()["items"]
    assert [(r["user_name"], r["object_id"]) for r in listed] == [("quinn", "c-3"), ("sam", "c-1")]


def test_conversation_carries_evidence_and_the_outcome_in_force(api: ApiSite) -> None:
    api.call("qa", "POST", "/api/reviews/override",
             json={"interaction_id": "c-1", "behavior_id": "verify", "outcome": "met", "note": "verified at 0:40"})
    found = api.call("agent", "GET", "/api/interactions/c-1").json()
    assert [u["text"] for u in found["utterances"]][1] == CALLS["c-1"][2]
    (ev,) = found["evaluations"]
    by_id = {b["id"]: b for b in ev["behaviors"]}
    assert by_id["greet"]["evidence"][0]["utterance_index"] == 0
    assert by_id["verify"]["machine_outcome"] == "missed" and by_id["verify"]["outcome"] == "met"
    assert by_id["verify"]["review"]["by"] == "quinn" and by_id["verify"]["review"]["note"] == "verified at 0:40"


def test_opening_a_plan_is_audited_and_sessions_list_only_the_scope(api: ApiSite) -> None:
    assert api.call("agent", "GET", "/api/coaching/plans/a-1").json()["agent_id"] == "a-1"
    assert [(r.user_name, r.action, r.object_id) for r in list_audit(api.store, object_kind="plan")] == [
        ("sam", "open", "a-1")
    ]
    session = {"kind": "micro", "behaviors": ["greet_with_brand"], "commitments": ["use the brand"]}
    assert api.call("admin", "POST", "/api/coaching/sessions", json={**session, "agent_id": "a-3"}).status_code == 201
    assert api.call("supervisor", "POST", "/api/coaching/sessions", json={**session, "agent_id": "a-2"}).status_code == 201
    seen = {role: {s["agent_id"] for s in api.call(role, "GET", "/api/coaching/sessions").json()["items"]}
            for role in ROLES}
    assert seen["agent"] == set() and seen["supervisor"] == {"a-2"} and seen["leader"] == {"a-2", "a-3"}
