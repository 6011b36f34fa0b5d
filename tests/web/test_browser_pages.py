"""The workspace in a real headless Chromium (Debian's chromium + chromedriver, Selenium):
an agent opens a clip from their home page and sees the evidence highlighted; a
supervisor works from the team page; QA uploads a broken rubric and sees the errors.

With `COACHLOOP_SCREENSHOTS=DIR` each main page is saved as DIR/<page>.png (the ones in
docs/screenshots/ were made so).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coachloop.web.app import create_app
from coachloop.web.server import BackgroundServer
from tests.web.pages_fixtures import build_demo_store, chromium_missing, headless_chromium
from tests.web.test_pages_roles import add_role_users, password

MISSING = chromium_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=f"no browser tests: {MISSING}")

SHOTS = os.environ.get("COACHLOOP_SCREENSHOTS")
# Generous: the suite shares two cores with PostgreSQL and the server thread; a page is
# normally there in well under a second, and a wait ends as soon as it is.
WAIT_S = 40.0


class Browser:
    def __init__(self, driver: Any, base: str) -> None:
        self.driver = driver
        self.base = base

    def sign_in(self, role: str) -> None:
        """Through the login form, as a person does (signing out whoever was in)."""
        self.driver.delete_all_cookies()
        self.driver.get(self.base + "/")
        assert "/login" in self.driver.current_url
        self.css("#username").send_keys(f"{role}-user")
        self.css("#password").send_keys(password(role))
        self.css("form[action='/login'] button[type=submit]").click()
        self.until(lambda d: "/login" not in d.current_url and d.find_elements("css selector", "main h1"))

    def until(self, condition: Any, seconds: float = WAIT_S) -> Any:
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, seconds).until(condition)

    def click_and_wait(self, element: Any) -> None:
        """Click what leaves the page (a link, a submit) and wait for the next one."""
        from selenium.webdriver.support import expected_conditions

        element.click()
        self.until(expected_conditions.staleness_of(element))
        # The old page is gone; wait until the next one has loaded before reading it.
        self.until(lambda driver: driver.execute_script("return document.readyState") == "complete")

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def css(self, selector: str) -> Any:
        return self.driver.find_element("css selector", selector)

    def all(self, selector: str) -> list[Any]:
        return list(self.driver.find_elements("css selector", selector))

    def wait_charts(self) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, WAIT_S).until(
            lambda d: all(
                el.get_attribute("data-drawn") == "yes" for el in d.find_elements("css selector", "div.chart")
            )
        )

    def shot(self, name: str) -> None:
        if not SHOTS:
            return
        folder = Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        height = self.driver.execute_script("return document.body.scrollHeight")
        self.driver.set_window_size(1440, min(max(int(height), 900), 2400))
        self.driver.save_screenshot(str(folder / f"{name}.png"))
        self.driver.set_window_size(1440, 1000)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    url = build_demo_store(tmp_path_factory.mktemp("browser"))
    add_role_users(url)
    driver = headless_chromium()
    try:
        with BackgroundServer(create_app(url, sentiment=False)) as base:
            yield Browser(driver, base)
    finally:
        driver.quit()


def test_an_agent_opens_a_clip_from_home_and_sees_the_evidence_highlighted(browser: Browser) -> None:
    browser.driver.delete_all_cookies()
    browser.open("/")
    browser.shot("login")
    browser.sign_in("agent")
    assert browser.driver.current_url.endswith("/me")
    browser.wait_charts()
    assert 3 <= len(browser.all("[id^=metric-]")) <= 5
    assert browser.all("div.chart svg"), "the trend charts were not drawn"
    browser.shot("agent-home")
    clip = browser.css("a.open-clip")
    behavior = clip.get_attribute("href").split("behavior=")[1].split("#")[0]
    browser.click_and_wait(clip)
    assert "/conversations/" in browser.driver.current_url
    browser.wait_charts()
    marks = browser.all("mark.evidence")
    assert marks and all(m.is_displayed() for m in marks[:5])
    background = marks[0].value_of_css_property("background-color")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "evidence is not highlighted"
    focus = browser.all(f"mark.evidence.focus[data-behaviors~='{behavior}']") + browser.all(".expected.focus")
    assert focus and focus[0].is_displayed(), "the clip's behaviour is not pointed out in the transcript"
    row = browser.css(f"#b-{behavior}")
    assert row.is_displayed() and "missed" in row.text
    assert browser.all("#sentiment-chart svg")
    browser.shot("conversation")


def test_an_agent_disputes_an_outcome_from_the_conversation(browser: Browser) -> None:
    browser.sign_in("agent")
    browser.click_and_wait(browser.css("a.open-clip"))
    details = browser.css("#outcomes details.dispute")
    details.find_element("css selector", "summary").click()
    details.find_element("css selector", "input[name=note]").send_keys("The customer was already helped")
    browser.click_and_wait(details.find_element("css selector", "button[type=submit]"))
    assert "dispute was sent" in browser.css("#flash").text


def test_a_page_outside_the_viewers_scope_is_a_not_found_page_in_the_apps_look(browser: Browser) -> None:
    browser.sign_in("agent")
    browser.open("/agents/A002")
    assert browser.css("#error-title").text == "Not found"
    browser.open("/leader")
    assert browser.css("#error-title").text == "Not for your role"


def test_a_supervisor_records_a_session_and_opens_an_agent_from_the_team_table(browser: Browser) -> None:
    browser.sign_in("supervisor")
    assert browser.driver.current_url.endswith("/team")
    browser.wait_charts()
    rows = browser.all("#team-table tbody tr")
    assert len(rows) >= 2 and "uncertain" in browser.css("#team-table").text
    browser.shot("team")
    form = browser.css("#session-form form")
    form.find_element("css selector", "textarea[name=notes]").send_keys("Listened to the address change call")
    form.find_element("css selector", "textarea[name=commitments]").send_keys(
        "Confirm the request before acting"
    )
    browser.driver.execute_script(
        "arguments[0].value = '2099-03-01'", form.find_element("css selector", "input[name=next_checkpoint]")
    )
    browser.click_and_wait(form.find_element("css selector", "button[type=submit]"))
    assert "Session recorded" in browser.css("#flash").text
    assert "Confirm the request before acting" in browser.css("#recent-sessions").text
    rows = browser.all("#team-table tbody tr")
    browser.click_and_wait(rows[0].find_element("css selector", "a"))
    assert "/agents/" in browser.driver.current_url
    browser.wait_charts()
    assert browser.all("#clips .clip")


def test_qa_uploads_a_broken_rubric_and_sees_the_errors(browser: Browser, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\nversion: 1\nsections:\n  - id: s\n    behaviors:\n      - id: b\n")
    browser.sign_in("qa")
    assert browser.driver.current_url.endswith("/qa")
    browser.shot("qa")
    browser.css("#rubric-upload input[type=file]").send_keys(str(broken))
    browser.click_and_wait(browser.css("#rubric-upload button[type=submit]"))
    errors = browser.css("#rubric-errors").text
    assert "broken.yaml:" in errors and "required key is missing" in errors
    browser.open("/qa/reviews")
    browser.shot("review-queue")
    browser.open("/qa/evaluations?outcome=missed&behavior=polite_close")
    assert browser.all("#results tbody tr a")
    browser.shot("evaluations")


def test_a_leader_sees_kpi_trends_and_signals(browser: Browser) -> None:
    browser.sign_in("leader")
    assert browser.driver.current_url.endswith("/leader")
    browser.wait_charts()
    assert len(browser.all("div.chart svg")) >= 5
    assert browser.all("#signals .signal")
    browser.shot("leader")
