"""Each plan of the transcript search (few matches, the match set, a probe per row)
returns exactly the rows, in the order, that filtering every stored conversation in
Python gives: on SQLite and PostgreSQL, for conversation and evaluation pages, with and
without filters and scopes, page after page; and the cost model picks the plan the
bench measured to be cheapest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from coachloop.jobs.access import Scope
from coachloop.jobs.browse import ConversationFilter, EvaluationQuery, evaluation_page, interaction_page
from coachloop.model import Channel, Interaction, Speaker, Utterance
from coachloop.store import Store, search
from coachloop.store.live import UserRecord
from tests.store.store_builders import evaluation

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
ADMIN = Scope(UserRecord(id=1, name="ada", role="admin", agent_id=None, team=None), None)
SUPERVISOR = Scope(
    UserRecord(id=2, name="sue", role="supervisor", agent_id=None, team="north"), frozenset({"a-1", "a-2"})
)
AGENT = Scope(UserRecord(id=3, name="sam", role="agent", agent_id="a-2", team="north"), frozenset({"a-2"}))
N = 60


def words_of(n: int) -> list[str]:
    """Every conversation says "thanks"; half "card", a fifth "fraud", two "kaput"."""
    found = ["thanks"]
    if n % 2 == 0:
        found.append("card")
    if n % 5 == 0:
        found.append("fraud")
    if n in (7, 41):
        found.append("kaput")
    return found


def conversations() -> list[Interaction]:
    calls = []
    for n in range(N):
        words = words_of(n)
        calls.append(
            Interaction(
                id=f"c-{n:02d}",
                agent_id=f"a-{n % 3}",
                team="north" if n % 3 else "south",
                channel=Channel.CHAT if n % 4 == 0 else Channel.VOICE,
                # Pairs share a start (ties broken by id), the last three are undated.
                started_at=None if n >= N - 3 else T0 + timedelta(minutes=(n * 37 % N) // 2),
                utterances=[
                    Utterance(index=0, speaker=Speaker.AGENT, text=f"Hello, {words[0].upper()} for calling"),
                    Utterance(index=1, speaker=Speaker.CUSTOMER, text=" ".join(words[1:]) + f" ref{n}"),
                ],
            )
        )
    return calls


@pytest.fixture(params=["few", "set", "probe"])
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every query answered by one plan, whatever its frequency."""
    forced: search.Plan = request.param
    monkeypatch.setattr(search, "COMMON_MATCHES", 0)
    monkeypatch.setattr(search, "choose_plan", lambda *args, **kwargs: forced)
    return forced


Keep = Callable[[Interaction], bool]


def cases() -> list[tuple[Scope, str, ConversationFilter, Keep]]:
    def has(*wanted: str) -> Keep:
        return lambda c: set(wanted) <= set(words_of(int(c.id[2:])))

    return [
        (ADMIN, "common", ConversationFilter(q="thanks"), has("thanks")),
        (ADMIN, "half", ConversationFilter(q="CARD"), has("card")),
        (ADMIN, "two words", ConversationFilter(q="fraud card"), has("fraud", "card")),
        (ADMIN, "rare", ConversationFilter(q="kaput"), has("kaput")),
        (ADMIN, "none", ConversationFilter(q="zebra"), has("zebra")),
        (ADMIN, "agent", ConversationFilter(q="fraud", agent="a-1"), lambda c: has("fraud")(c) and c.agent_id == "a-1"),
        (ADMIN, "team", ConversationFilter(q="card", team="south"), lambda c: has("card")(c) and c.team == "south"),
        (
            ADMIN,
            "channel",
            ConversationFilter(q="thanks", channel="chat"),
            lambda c: c.channel == "chat",
        ),
        (SUPERVISOR, "supervisor", ConversationFilter(q="card"), lambda c: has("card")(c) and c.agent_id != "a-0"),
        (AGENT, "agent scope", ConversationFilter(q="thanks"), lambda c: c.agent_id == "a-2"),
    ]


def newest_first(c: Interaction) -> tuple[bool, datetime, str]:
    return (c.started_at is not None, c.started_at or T0, c.id)


def test_every_plan_pages_conversations_as_python_filtering_does(store: Store, plan: str) -> None:
    calls = conversations()
    store.write(calls, source_format="native")
    for scope, name, filters, keep in cases():
        wanted = [c.id for c in sorted(calls, key=newest_first, reverse=True) if keep(c)]
        got: list[str] = []
        cursor = None
        while True:
            page = interaction_page(store, scope, filters, limit=4, cursor=cursor)
            got += [r["id"] for r in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert got == wanted, (plan, name)


def test_every_plan_pages_evaluations_as_python_filtering_does(store: Store, plan: str) -> None:
    calls = conversations()
    store.write(calls, source_format="native")
    store.save_evaluations(
        [evaluation(c.id, rubric=rubric, auto_failed=n % 3 == 0) for n, c in enumerate(calls) for rubric in ("a", "b")]
    )
    for scope, name, filters, keep in cases():
        for failed in (None, True):
            wanted = [
                (c.id, rubric)
                for c in sorted(calls, key=newest_first, reverse=True)
                if keep(c) and (failed is None or int(c.id[2:]) % 3 == 0)
                for rubric in ("b", "a")
            ]
            query = EvaluationQuery(auto_failed=failed, conversations=filters)
            got: list[tuple[str, str]] = []
            cursor = None
            while True:
                page = evaluation_page(store, scope, query, limit=5, cursor=cursor)
                got += [(r["interaction_id"], r["rubric"]) for r in page.items]
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            assert got == wanted, (plan, name, failed)


def test_the_plan_follows_the_cost_of_reading_matches_against_walking_the_page() -> None:
    million = 1_000_000
    # Rare: start from the matches, whatever else.
    assert search.choose_plan("sqlite", 40, million, page=51, within=None) == "few"
    # In every conversation or one in six: a page is found within a few hundred rows.
    assert search.choose_plan("sqlite", million, million, page=51, within=None) == "probe"
    assert search.choose_plan("sqlite", million / 6, million, page=51, within=None) == "probe"
    assert search.choose_plan("postgresql", million / 6, million, page=51, within=None) == "probe"
    # One in fifty: probing 2,500 rows costs more than reading 20,000 matches once.
    assert search.choose_plan("sqlite", 20_000, million, page=51, within=None) == "set"
    # Within one agent's 2,000 conversations a page of a common word is a few probes.
    assert search.choose_plan("sqlite", million / 6, million, page=51, within=2_000) == "probe"
    # Every match wanted (no page): never a probe per row of the whole table.
    assert search.choose_plan("sqlite", million, million, page=None, within=None) != "probe"
    assert search.choose_plan("postgresql", million, million, page=None, within=None) != "probe"
    assert search.choose_plan("sqlite", 8_000, million, page=None, within=None) == "few"


def test_a_store_feeds_the_cost_model_its_match_rate_and_size(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.write(conversations(), source_format="native")
    monkeypatch.setattr(search, "COMMON_MATCHES", 5)
    asked: list[tuple[str, float, int, int | None, int | None]] = []
    choose = search.choose_plan

    def spy(backend: str, matches: float, docs: int, *, page: int | None, within: int | None) -> search.Plan:
        asked.append((backend, matches, docs, page, within))
        return choose(backend, matches, docs, page=page, within=within)

    monkeypatch.setattr(search, "choose_plan", spy)
    with store.reading("plans") as conn:
        backend = conn.dialect.name
        rare = search.transcript_match(conn, "kaput", page=51)
        assert rare is not None and rare.plan == "few" and asked == []  # counted, no estimate needed
        search.transcript_match(conn, "thanks", page=5, within=20)
        search.transcript_match(conn, "card fraud")
    # Every conversation says "thanks"; one in ten "card" and "fraud" (6 of 60).
    assert asked == [(backend, 60.0, 60, 5, 20), (backend, 6.0, 60, None, None)]
