"""Signing in to the pages: argon2 passwords, the signed HttpOnly session cookie, CSRF on
every cookie-borne write, the login redirect, and bearer tokens beside them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from coachloop.cli import app as cli
from coachloop.jobs.live import create_user
from coachloop.jobs.users import authenticate, set_password
from coachloop.store import Store, open_store
from coachloop.store.live import UserRecord
from coachloop.store.users import password_hash_of
from coachloop.web import create_app
from coachloop.web.auth import SESSION_COOKIE, check_csrf, page_require, page_viewer

PASSWORD = "correct horse battery"


@dataclass
class Site:
    app: FastAPI
    store: Store
    token: str

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver", follow_redirects=False)


@pytest.fixture
def site(store_url: str) -> Iterator[Site]:
    app = create_app(store_url, sentiment=False, no_knowledge=True)
    store: Store = app.state.store

    @app.get("/probe")
    def probe(user: Annotated[UserRecord, Depends(page_viewer)]) -> dict[str, str]:
        return {"name": user.name}

    @app.get("/probe/leaders")
    def leaders(user: Annotated[UserRecord, Depends(page_require("leader"))]) -> dict[str, str]:
        return {"name": user.name}

    @app.post("/probe/form", dependencies=[Depends(check_csrf)])
    def form(user: Annotated[UserRecord, Depends(page_viewer)]) -> dict[str, str]:
        return {"posted_by": user.name}

    token = create_user(store, "sam", "agent", agent_id="a-1", team="north")
    set_password(store, "sam", PASSWORD)
    with TestClient(app):
        yield Site(app, store, token)


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def sign_in(client: TestClient, password: str = PASSWORD, next_url: str = "/") -> object:
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login", data={"username": "sam", "password": password, "csrf_token": token, "next": next_url}
    )


def test_password_is_stored_as_argon2id_hash_and_verifies(site: Site) -> None:
    found = password_hash_of(site.store, "sam")
    assert found is not None and found[1] is not None
    assert found[1].startswith("$argon2id$") and PASSWORD not in found[1]
    assert authenticate(site.store, "sam", PASSWORD) is not None
    assert authenticate(site.store, "sam", PASSWORD + "x") is None
    assert authenticate(site.store, "nobody", PASSWORD) is None


def test_login_sets_httponly_lax_cookie_and_signs_the_user_in(site: Site) -> None:
    with site.client() as client:
        assert client.get("/api/me").status_code == 401
        answer = sign_in(client, next_url="/probe")
        assert answer.status_code == 303 and answer.headers["location"] == "/probe"  # type: ignore[attr-defined]
        cookie = answer.headers["set-cookie"]  # type: ignore[attr-defined]
        assert cookie.startswith(f"{SESSION_COOKIE}=")
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
        me = client.get("/api/me").json()
        assert (me["name"], me["role"], me["agent_id"]) == ("sam", "agent", "a-1")
        assert client.get("/probe").json() == {"name": "sam"}


def test_wrong_password_is_refused_and_signs_nobody_in(site: Site) -> None:
    with site.client() as client:
        answer = sign_in(client, password="not the password")
        assert answer.status_code == 401  # type: ignore[attr-defined]
        assert "Wrong name or password" in answer.text  # type: ignore[attr-defined]
        assert client.get("/api/me").status_code == 401


def test_login_post_without_the_csrf_token_is_refused(site: Site) -> None:
    with site.client() as client:
        client.get("/login")
        answer = client.post("/login", data={"username": "sam", "password": PASSWORD, "next": "/"})
        assert answer.status_code == 403
        assert client.get("/api/me").status_code == 401


def test_form_post_riding_on_the_cookie_needs_the_session_csrf_token(site: Site) -> None:
    with site.client() as client:
        sign_in(client)
        assert client.post("/probe/form", data={"x": "1"}).status_code == 403
        assert client.post("/probe/form", data={"x": "1", "csrf_token": "forged"}).status_code == 403
        token = client.get("/api/me").json()["csrf_token"]
        assert client.post("/probe/form", data={"csrf_token": token}).json() == {"posted_by": "sam"}
        assert client.post("/logout").status_code == 403
        assert client.post("/logout", data={"csrf_token": token}).status_code == 303
        assert client.get("/api/me").status_code == 401


def test_pages_redirect_to_login_with_next_and_wrong_role_is_403(site: Site) -> None:
    with site.client() as client:
        answer = client.get("/probe?x=1")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login?next=%2Fprobe%3Fx%3D1"
        sign_in(client)
        assert client.get("/probe/leaders").status_code == 403


def test_login_never_redirects_off_site(site: Site) -> None:
    with site.client() as client:
        for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
            client.cookies.clear()
            assert sign_in(client, next_url=target).headers["location"] == "/"  # type: ignore[attr-defined]


def test_bearer_tokens_still_work_and_unknown_tokens_get_the_api_error_body(site: Site) -> None:
    with site.client() as client:
        me = client.get("/api/me", headers={"Authorization": f"Bearer {site.token}"}).json()
        assert me["name"] == "sam" and me["csrf_token"] is None
        bad = client.get("/api/me", headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401
        assert bad.json()["error"]["status"] == 401 and bad.json()["error"]["code"] == "unauthenticated"


def test_a_forged_session_cookie_is_ignored(site: Site) -> None:
    with site.client() as client:
        client.cookies.set(SESSION_COOKIE, "eyJ1aWQiOiAxfQ==.forged.sig")
        assert client.get("/api/me").status_code == 401


def test_users_cli_adds_with_password_sets_passwd_and_lists(store_url: str) -> None:
    runner = CliRunner()
    added = runner.invoke(
        cli,
        ["users", "add", "quinn", "--role", "qa", "--password-stdin", "--db", store_url],
        input="secret-pass-1\n",
    )
    assert added.exit_code == 0, added.output
    short = runner.invoke(
        cli, ["users", "add", "pat", "--role", "qa", "--password-stdin", "--db", store_url], input="short\n"
    )
    assert short.exit_code != 0
    changed = runner.invoke(
        cli, ["users", "passwd", "quinn", "--password-stdin", "--db", store_url], input="another-pass-2\n"
    )
    assert changed.exit_code == 0, changed.output
    with open_store(store_url) as store:
        assert authenticate(store, "quinn", "secret-pass-1") is None
        assert authenticate(store, "quinn", "another-pass-2") is not None
    listed = runner.invoke(cli, ["users", "list", "--format", "json", "--db", store_url])
    assert listed.exit_code == 0
    assert '"name": "quinn"' in listed.output and '"password": true' in listed.output
    assert "pat" not in listed.output
