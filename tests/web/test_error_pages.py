"""An error no page route caught: a browser gets a readable page with the same status as
the JSON body any other client (and every API call) gets."""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.web.api_site import PASSWORD, ApiSite

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def sign_in(api: ApiSite, name: str) -> None:
    found = re.search(r'name="csrf_token" value="([^"]+)"', api.client.get("/login").text)
    assert found
    answer = api.client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": found.group(1), "next": "/"}
    )
    assert answer.status_code == 303


def test_a_store_failure_on_a_page_is_an_html_error_page_with_the_same_status(api: ApiSite) -> None:
    sign_in(api, "quinn")
    assert api.client.get("/conversations/c-1", headers=HTML).status_code == 200
    with api.store.begin("break the audit log") as conn:
        conn.execute(text("DROP TABLE audit_log"))  # opening a conversation is audited

    page = api.client.get("/conversations/c-1", headers=HTML)
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert '<h1 id="error-title">That did not work</h1>' in page.text
    assert "audit" in page.text  # the store's one-line reason

    other = api.client.get("/conversations/c-1", headers={"Accept": "application/json"})
    assert other.status_code == 400
    assert other.json()["error"]["code"] == "StoreError"

    bearer = {"Authorization": f"Bearer {api.tokens['qa']}"}
    api_call = api.client.get("/api/interactions/c-1", headers=HTML | bearer)
    assert api_call.status_code == 400
    assert api_call.json()["error"]["status"] == 400
