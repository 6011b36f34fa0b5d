"""Every workspace page for every role: 200, a redirect, 403 (role not allowed) or 404
(outside the viewer's scope), over a real demo store; and what the pages do."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from coachloop.store import open_store
from coachloop.store.engine import scratch_schema
from coachloop.store.tables import interactions
from coachloop.web import pages as live_pages
from coachloop.web.app import create_app
from coachloop.web.views import router as pages_router
from tests.conftest import PG_URL_ENV
from tests.web.pages_fixtures import build_demo_store

ROLES = ("agent", "supervisor", "qa", "leader", "admin")
ANON = "anonymous"


@dataclass
class Site:
    url: str
    client: TestClient
    tokens: dict[str, str]
    own_call: str
    """A call of the signed-in agent (A001, team Summit)."""
    team_call: str
    """A call of another agent of the same team."""
    other_call: str
    """A call of an agent of another team."""
    other_agent: str

    def get(self, role: str, path: str, **params: str) -> object:
        return self.client.get(path, params=params, headers=self.headers(role), follow_redirects=False)

    def headers(self, role: str) -> dict[str, str]:
        return {} if role == ANON else {"Authorization": f"Bearer {self.tokens[role]}"}


def add_role_users(url: str) -> dict[str, str]:
    """One user per role (the agent is A001 of team Summit, the supervisor Summit's), each
    with a bearer token `token-ROLE` and the password `password(ROLE)` for the pages."""
    from coachloop.jobs.users import set_password
    from coachloop.store.live import add_user

    tokens = {}
    with open_store(url) as store:
        for role in ROLES:
            token = f"token-{role}"
            agent = "A001" if role == "agent" else None
            team = "Summit" if role in ("agent", "supervisor") else None
            add_user(store, f"{role}-user", role, token, agent_id=agent, team=team)
            set_password(store, f"{role}-user", password(role))
            tokens[role] = token
    return tokens


def password(role: str) -> str:
    return f"{role}-secret-pass"


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


def signed_in(url: str, role: str) -> TestClient:
    """A client signed in through the login form (session cookie), as a browser is."""
    client = TestClient(create_app(url, sentiment=False))
    form = client.get("/login").text
    r = client.post(
        "/login",
        data={
            "username": f"{role}-user",
            "password": password(role),
            "csrf_token": csrf_of(form),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    return client


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The small demo world on SQLite, and on PostgreSQL when COACHLOOP_TEST_PG_URL is set."""
    with ExitStack() as stack:
        url = None
        if request.param == "postgresql":
            base = os.environ.get(PG_URL_ENV)
            if not base:
                pytest.skip(f"PostgreSQL backend not tested: set {PG_URL_ENV}")
            url = stack.enter_context(scratch_schema(base, "pages"))
        yield from _site(build_demo_store(tmp_path_factory.mktemp("pages"), url=url))


def _site(url: str) -> Iterator[Site]:
    tokens = add_role_users(url)
    with open_store(url) as store:
        agents = {a.id: a for a in store.list_agents()}
        with store.reading("calls") as conn:
            rows = list(
                conn.execute(select(interactions.c.id, interactions.c.agent_id).order_by(interactions.c.id))
            )
    own = next(i for i, a in rows if a == "A001")
    team = next(i for i, a in rows if a != "A001" and agents[a].team == "Summit")
    other_agent = next(a for a in sorted(agents) if agents[a].team != "Summit")
    other = next(i for i, a in rows if a == other_agent)
    with TestClient(create_app(url, sentiment=False)) as client:
        yield Site(url, client, tokens, own, team, other, other_agent)


# -- the matrix ------------------------------------------------------------------------------

ALL = dict.fromkeys(ROLES, 200)


def only(*roles: str, ok: int = 200, other: int = 403) -> dict[str, int]:
    return {r: (ok if r in roles else other) for r in ROLES}


def gets(site: Site) -> dict[str, list[tuple[str, dict[str, int]]]]:
    """Route path -> (concrete URL, role -> status) cases. Every page route must be here."""
    return {
        "/": [("/", dict.fromkeys(ROLES, 303))],
        "/me": [("/me", only("agent"))],
        "/agents/{agent_id}": [
            ("/agents/A001", ALL),
            ("/agents/A002", {**ALL, "agent": 404}),
            (f"/agents/{site.other_agent}", {**ALL, "agent": 404, "supervisor": 404}),
            ("/agents/NOPE", dict.fromkeys(ROLES, 404)),
        ],
        "/conversations/{interaction_id}": [
            (f"/conversations/{site.own_call}", ALL),
            (f"/conversations/{site.team_call}", {**ALL, "agent": 404}),
            (f"/conversations/{site.other_call}", {**ALL, "agent": 404, "supervisor": 404}),
            ("/conversations/NOPE", dict.fromkeys(ROLES, 404)),
        ],
        "/team": [
            ("/team", only("supervisor", "leader", "admin")),
            ("/team?team=Harbor", {**only("supervisor", "leader", "admin"), "supervisor": 404}),
        ],
        "/qa": [("/qa", only("qa", "admin"))],
        "/qa/evaluations": [("/qa/evaluations?outcome=missed", only("qa", "admin"))],
        "/qa/reviews": [("/qa/reviews", only("qa", "admin"))],
        "/qa/calibration": [("/qa/calibration", only("qa", "admin"))],
        "/leader": [("/leader", only("leader", "admin"))],
        "/board": [("/board", only("supervisor", "qa", "leader", "admin"))],
        "/agent": [("/agent", only("agent"))],
        "/static/vendor/plotly.min.js": [("/static/vendor/plotly.min.js", ALL)],
        "/static/{name}": [
            ("/static/app.css", ALL),
            ("/static/charts.js", ALL),
            ("/static/nope.js", {r: 404 for r in ROLES}),
        ],
    }


POSTS = {
    "/disputes": only("agent", ok=303),
    "/qa/rubrics": only("qa", "admin", ok=422),
    "/qa/reviews": only("qa", "admin", ok=303),
    "/qa/calibration": only("qa", "admin", ok=303),
    "/team/sessions": only("supervisor", "admin", ok=303),
}


def page_routes() -> list[APIRoute]:
    """The workspace pages and the live pages (the board, the agent's prompts)."""
    return [r for r in (*pages_router.routes, *live_pages.router.routes) if isinstance(r, APIRoute)]


def test_every_page_route_has_an_entry_in_the_role_matrix(site: Site) -> None:
    listed = set(gets(site)) | {f"POST {p}" for p in POSTS}
    for route in page_routes():
        for method in route.methods or ():
            key = route.path if method == "GET" else f"{method} {route.path}"
            assert key in listed, f"{key} has no role-matrix entry"


def test_each_role_gets_each_page_as_it_may(site: Site) -> None:
    wrong = []
    for cases in gets(site).values():
        for path, expected in cases:
            for role, status in expected.items():
                got = site.client.get(path, headers=site.headers(role), follow_redirects=False).status_code
                if got != status:
                    wrong.append(f"{role} GET {path}: {got}, expected {status}")
    assert not wrong, "\n".join(wrong)


SESSION_FORM = {
    "agent_id": "A001",
    "kind": "micro",
    "behavior_1": "confirm_request",
    "notes": "listened to two calls together",
    "commitments": "Repeat the request back before acting\nUse the customer's name once",
    "next_checkpoint": "2099-01-15",
}


def _post_form(site: Site, role: str, path: str) -> int:
    headers = site.headers(role)
    if path == "/qa/rubrics":
        files = {"file": ("broken.yaml", b"name: broken\nversion: 1\n", "application/x-yaml")}
        return site.client.post(path, files=files, headers=headers, follow_redirects=False).status_code
    data = {
        "/disputes": {
            "interaction_id": site.own_call,
            "behavior": "greet_with_brand",
            "rubric": "general",
            "note": "I did greet",
            "back": "/me",
        },
        "/qa/reviews": {
            "interaction_id": site.own_call,
            "behavior": "polite_close",
            "rubric": "general",
            "outcome": "met",
            "note": "heard it",
        },
        "/team/sessions": SESSION_FORM,
        "/qa/calibration": {
            "session": "matrix",
            "interaction_id": site.own_call,
            "behavior": "polite_close",
            "outcome": "met",
        },
    }[path]
    return site.client.post(path, data=data, headers=headers, follow_redirects=False).status_code


def test_each_role_may_post_only_its_own_forms(site: Site) -> None:
    wrong = []
    for path, expected in POSTS.items():
        for role, status in expected.items():
            got = _post_form(site, role, path)
            if got != status:
                wrong.append(f"{role} POST {path}: {got}, expected {status}")
    assert not wrong, "\n".join(wrong)


def test_pages_send_a_visitor_who_has_not_signed_in_to_the_login_page(site: Site) -> None:
    for path in ("/", "/me", "/team", "/qa", "/leader", f"/conversations/{site.own_call}"):
        r = site.client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


# -- what the pages show --------------------------------------------------------------------


def test_the_agent_home_shows_focus_metrics_goal_clips_and_dispute_forms(site: Site) -> None:
    r = site.client.get("/me", headers=site.headers("agent"))
    assert r.status_code == 200
    page = r.text
    cards = re.findall(r'id="metric-([a-z_]+)"', page)
    assert 3 <= len(cards) <= 5
    assert 'id="goal"' in page and 'id="recognition"' in page and 'id="training"' in page
    clips = re.findall(r'href="/conversations/([^"?]+)\?behavior=', page)
    assert clips, "no clip to review"
    with open_store(site.url) as store:
        owners = {store.get_interaction(c).agent_id for c in clips}  # type: ignore[union-attr]
    assert owners == {"A001"}, "the home page links only the agent's own calls"
    assert page.count('action="/disputes"') >= len(clips)


def test_the_conversation_view_highlights_the_stored_evidence_in_place(site: Site) -> None:
    with open_store(site.url) as store:
        ev = next(e for e in store.get_evaluations(site.own_call))
        cited = [(r.behavior_id, e) for r in ev.results for e in r.evidence if e.span is not None]
    assert cited
    page = site.client.get(f"/conversations/{site.own_call}", headers=site.headers("agent")).text
    behavior, evidence = cited[0]
    quoted = evidence.text[evidence.span[0] : evidence.span[1]]  # type: ignore[index]
    marks = re.findall(r'<mark class="evidence [^"]*" data-behaviors="([^"]*)"[^>]*>([^<]*)</mark>', page)
    assert any(behavior in who.split() and text in quoted for who, text in marks)
    assert 'id="sentiment-chart"' in page and 'id="contact-reason"' in page and 'id="language"' in page


def test_pages_load_scripts_and_styles_only_from_the_app_itself(site: Site) -> None:
    for role, path in (("agent", "/me"), ("supervisor", "/team"), ("qa", "/qa"), ("leader", "/leader")):
        page = site.client.get(path, headers=site.headers(role)).text
        for ref in re.findall(r'(?:src|href)="([^"]+)"', page):
            assert ref.startswith(("/", "#")), f"{path} loads {ref} from outside the app"
    js = site.client.get("/static/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000 and b"plotly" in js.content[:2000].lower()


def test_a_dispute_from_the_agent_enters_the_qa_review_queue(site: Site) -> None:
    data = {
        "interaction_id": site.own_call,
        "behavior": "offer_further_help",
        "rubric": "general",
        "note": "I offered more help at the end",
        "back": "/me",
    }
    r = site.client.post("/disputes", data=data, headers=site.headers("agent"), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/me")
    queue = site.client.get("/qa/reviews", headers=site.headers("qa")).text
    assert f'id="q-{site.own_call}-offer_further_help"' in queue
    assert "I offered more help at the end" in queue


def test_an_agent_cannot_dispute_another_agents_call(site: Site) -> None:
    data = {"interaction_id": site.team_call, "behavior": "polite_close", "rubric": "general", "note": "x"}
    r = site.client.post("/disputes", data=data, headers=site.headers("agent"), follow_redirects=False)
    assert r.status_code == 404


def test_a_qa_override_with_a_note_changes_the_outcome_the_conversation_shows(site: Site) -> None:
    with open_store(site.url) as store:
        ev = store.get_evaluations(site.other_call)[0]
        result = next(r for r in ev.results if r.outcome.value == "missed")
    data = {
        "interaction_id": site.other_call,
        "behavior": result.behavior_id,
        "rubric": ev.rubric,
        "outcome": "met",
        "note": "said in other words",
    }
    r = site.client.post("/qa/reviews", data=data, headers=site.headers("qa"), follow_redirects=False)
    assert r.status_code == 303
    page = site.client.get(f"/conversations/{site.other_call}", headers=site.headers("leader")).text
    row = re.search(rf'<tr id="b-{result.behavior_id}".*?</tr>', page, re.S)
    assert row is not None and "set by qa-user" in row.group(0) and 'class="pill met"' in row.group(0)


def test_a_broken_rubric_upload_shows_exactly_the_errors_of_rubric_check(site: Site, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from coachloop.cli import app as cli

    text = "name: broken\nversion: 1\nsections:\n  - id: s\n    behaviors:\n      - id: b\n        detect: {kind: nope}\n"
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    checked = CliRunner().invoke(cli, ["rubric", "check", str(path)])
    assert checked.exit_code != 0
    cli_lines = [
        line.replace(str(path), "broken.yaml") for line in checked.stderr.splitlines() if line.strip()
    ]
    r = site.client.post(
        "/qa/rubrics",
        files={"file": ("broken.yaml", text.encode(), "application/x-yaml")},
        headers=site.headers("qa"),
    )
    assert r.status_code == 422
    shown = re.search(r'<pre class="errors" id="rubric-errors">(.*?)</pre>', r.text, re.S)
    assert shown is not None
    import html

    page_lines = [html.unescape(line) for line in shown.group(1).splitlines() if line.strip()]
    assert page_lines and all(
        line in cli_lines[: len(page_lines) + 1] or line in cli_lines for line in page_lines
    )
    assert set(page_lines) <= set(cli_lines)


def test_a_valid_rubric_upload_is_registered_when_asked(site: Site) -> None:
    from coachloop.rubric.load import shipped_rubrics

    text = shipped_rubrics()["general"].read_text().replace("name: general", "name: uploaded_general", 1)
    r = site.client.post(
        "/qa/rubrics",
        files={"file": ("uploaded.yaml", text.encode(), "application/x-yaml")},
        data={"add": "1"},
        headers=site.headers("qa"),
    )
    assert r.status_code == 200 and 'id="rubric-ok"' in r.text and "registered" in r.text
    with open_store(site.url) as store:
        assert "uploaded_general" in {x.name for x in store.list_rubrics()}


def test_two_reviewers_in_a_calibration_session_see_their_agreement(site: Site) -> None:
    from coachloop.store.live import add_user

    with open_store(site.url) as store:
        add_user(store, "second-qa", "qa", "token-qa-2", agent_id=None, team=None)
        calls = [e.interaction_id for e in store.iter_evaluations("general")][:4]
    for token, outcomes in (
        ("token-qa", ["met", "met", "missed", "met"]),
        ("token-qa-2", ["met", "missed", "missed", "met"]),
    ):
        for call, outcome in zip(calls, outcomes, strict=True):
            data = {
                "session": "week 40",
                "interaction_id": call,
                "behavior": "polite_close",
                "outcome": outcome,
            }
            r = site.client.post(
                "/qa/calibration",
                data=data,
                headers={"Authorization": f"Bearer {token}"},
                follow_redirects=False,
            )
            assert r.status_code == 303
    page = site.client.get("/qa/calibration", params={"session": "week 40"}, headers=site.headers("qa")).text
    table = re.search(r'<table id="agreement">.*?</table>', page, re.S)
    assert table is not None
    assert "qa-user &amp; second-qa" in table.group(0) or "qa-user & second-qa" in table.group(0)
    assert "75%" in table.group(0)  # 3 of the 4 outcomes both judged agree


def test_the_evaluation_browser_finds_calls_by_behaviour_outcome_reason_agent_and_words(site: Site) -> None:
    with open_store(site.url) as store:
        call = store.get_interaction(site.own_call)
        assert call is not None
        ev = store.get_evaluations(site.own_call)[0]
    result = ev.results[0]
    word = max(call.utterances[1].text.split(), key=len).strip(".,?!").lower()
    params = {"behavior": result.behavior_id, "outcome": result.outcome.value, "agent": "A001", "text": word}
    if call.contact_reason:
        params["reason"] = call.contact_reason
    page = site.client.get("/qa/evaluations", params=params, headers=site.headers("qa")).text
    found = re.findall(r'<a href="/conversations/([^"?]+)', page)
    assert site.own_call in found
    with open_store(site.url) as store:
        for other in found:
            i = store.get_interaction(other)
            assert i is not None and i.agent_id == "A001"
            assert any(word in u.text.lower() for u in i.utterances)


def test_a_signed_in_agent_lands_on_their_home_and_form_posts_need_the_csrf_token(site: Site) -> None:
    with signed_in(site.url, "agent") as client:
        home = client.get("/")
        assert home.status_code == 200 and str(home.url).endswith("/me")
        data = {
            "interaction_id": site.own_call,
            "behavior": "polite_close",
            "rubric": "general",
            "note": "I closed politely",
            "back": "/me",
        }
        refused = client.post("/disputes", data=data, follow_redirects=False)
        assert refused.status_code == 403
        wrong = client.post("/disputes", data={**data, "csrf_token": "forged"}, follow_redirects=False)
        assert wrong.status_code == 403
        sent = client.post(
            "/disputes", data={**data, "csrf_token": csrf_of(home.text)}, follow_redirects=False
        )
        assert sent.status_code == 303


def test_a_visitor_who_has_not_signed_in_is_sent_to_the_login_page_and_back(site: Site) -> None:
    with TestClient(create_app(site.url, sentiment=False)) as client:
        r = client.get("/qa/reviews", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fqa%2Freviews"


def test_opening_a_conversation_page_is_written_to_the_audit_log(site: Site) -> None:
    from coachloop.jobs import audit

    assert (
        site.client.get(f"/conversations/{site.team_call}", headers=site.headers("supervisor")).status_code
        == 200
    )
    with open_store(site.url) as store:
        rows = audit.entries(store, user_name="supervisor-user", kind="interaction", object_id=site.team_call)
    assert rows and rows[0].action == "open"


def test_a_supervisor_records_a_session_that_shows_on_the_team_page(site: Site) -> None:
    from coachloop.store.coaching import list_sessions

    data = {**SESSION_FORM, "notes": "the team page session"}
    r = site.client.post(
        "/team/sessions", data=data, headers=site.headers("supervisor"), follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/team?done=session"
    with open_store(site.url) as store:
        held = [
            s for s in list_sessions(store, agent_id="A001", held=True) if s.notes == "the team page session"
        ]
    assert held and held[0].commitments == [
        "Repeat the request back before acting",
        "Use the customer's name once",
    ]
    assert held[0].behaviors == ["confirm_request"] and str(held[0].next_checkpoint) == "2099-01-15"
    page = site.client.get("/team", headers=site.headers("supervisor")).text
    assert "Repeat the request back before acting" in page and 'id="agenda"' in page


def test_a_session_form_with_a_bad_field_says_which(site: Site) -> None:
    data = {**SESSION_FORM, "next_checkpoint": "2001-01-01"}
    r = site.client.post("/team/sessions", data=data, headers=site.headers("supervisor"))
    assert r.status_code == 200 and "next_checkpoint" in r.text and 'class="flash error"' in r.text


def test_a_supervisor_cannot_record_a_session_with_another_teams_agent(site: Site) -> None:
    data = {**SESSION_FORM, "agent_id": site.other_agent}
    r = site.client.post(
        "/team/sessions", data=data, headers=site.headers("supervisor"), follow_redirects=False
    )
    assert r.status_code == 404


def test_the_leader_sees_coaching_effectiveness_of_the_supervisors_who_coached(site: Site) -> None:
    site.client.post("/team/sessions", data=SESSION_FORM, headers=site.headers("supervisor"))
    page = site.client.get("/leader", headers=site.headers("leader")).text
    table = re.search(r'<div class="card" id="coaching-effectiveness">.*?</table>', page, re.S)
    assert table is not None and "Carlos Flores" in table.group(0)
