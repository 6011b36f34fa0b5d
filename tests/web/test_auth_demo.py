"""`coachloop demo`'s sign-ins: one user per role, the agent a real agent with calls and
the supervisor that agent's supervisor, each able to sign in and seeing their scope."""

from __future__ import annotations

import re

from coachloop.jobs.users import authenticate, demo_logins
from tests.web.api_site import ApiSite


def sign_in(api: ApiSite, name: str, password: str) -> int:
    api.client.cookies.clear()
    token = re.search(r'name="csrf_token" value="([^"]+)"', api.client.get("/login").text)
    assert token
    answer = api.client.post(
        "/login", data={"username": name, "password": password, "csrf_token": token.group(1)}
    )
    return answer.status_code


def test_demo_logins_one_per_role_that_sign_in_and_see_their_scope(api: ApiSite) -> None:
    logins = {login.role: login for login in demo_logins(api.store)}
    assert sorted(logins) == ["admin", "agent", "leader", "qa", "supervisor"]
    agent, supervisor = logins["agent"], logins["supervisor"]
    assert agent.agent_id == "a-3" and agent.team == "south"  # busiest, then highest id
    assert supervisor.name == "sol" and supervisor.team == "south"
    assert len({login.password for login in logins.values()}) == 5
    for login in logins.values():
        assert sign_in(api, login.name, login.password) == 303
    sign_in(api, supervisor.name, supervisor.password)
    seen = {r["agent_id"] for r in api.client.get("/api/interactions").json()["items"]}
    assert seen == {"a-3"}


def test_running_the_demo_again_gives_new_passwords(api: ApiSite) -> None:
    first = {login.role: login.password for login in demo_logins(api.store)}
    second = {login.role: login for login in demo_logins(api.store)}
    for role, login in second.items():
        assert authenticate(api.store, login.name, first[role]) is None
        assert authenticate(api.store, login.name, login.password) is not None
