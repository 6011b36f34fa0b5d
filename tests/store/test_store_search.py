"""Full-text search over transcripts and the evaluations' copy of their conversation's
start: the same answers on SQLite (FTS5) and PostgreSQL (tsvector), kept in step on
ingest, re-ingest and delete, and backfilled by the migration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import func, select, text

from coachloop.jobs.access import Scope
from coachloop.jobs.browse import ConversationFilter, EvaluationQuery, evaluation_page, interaction_page
from coachloop.model import Interaction, Outcome, Speaker, Utterance
from coachloop.store import Store, open_store, search
from coachloop.store.engine import alembic_config, create_store_engine
from coachloop.store.live import UserRecord
from coachloop.store.tables import evaluations, transcript_index
from tests.store.store_builders import evaluation, result

Key = tuple[str, str]
ADMIN = Scope(UserRecord(id=1, name="ada", role="admin", agent_id=None, team=None), None)
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def call(cid: str, *lines: str, agent: str = "a-1", team: str = "north", minutes: int = 0) -> Interaction:
    return Interaction(
        id=cid,
        agent_id=agent,
        team=team,
        started_at=T0 + timedelta(minutes=minutes),
        utterances=[
            Utterance(index=i, speaker=Speaker.AGENT if i % 2 == 0 else Speaker.CUSTOMER, text=line)
            for i, line in enumerate(lines)
        ],
    )


def found(store: Store, q: str, scope: Scope = ADMIN, **filters: str) -> list[str]:
    return [r["id"] for r in interaction_page(store, scope, ConversationFilter(q=q, **filters)).items]


@pytest.fixture(params=["few", "set", "probe"])
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every plan: start from the matches (few), or walk the page's index and look each
    row up in the match set (set) or probe its transcript (probe)."""
    forced: search.Plan = request.param
    if forced != "few":
        monkeypatch.setattr(search, "COMMON_MATCHES", 0)
        monkeypatch.setattr(search, "choose_plan", lambda *args, **kwargs: forced)
    yield forced


def test_search_matches_whole_words_anywhere_in_the_conversation_case_insensitively(
    store: Store, plan: str
) -> None:
    store.write(
        [
            call("c-1", "Thank you for calling", "my CARD was stolen, please block it", minutes=1),
            call("c-2", "thank you", "I want cards for my kids", minutes=2),
            call("c-3", "hello", "the fee on my card", minutes=3),
        ],
        source_format="native",
    )
    assert found(store, "card") == ["c-3", "c-1"]  # newest first; "cards" is another word
    assert found(store, "stolen card") == ["c-1"]  # words from two utterances of one call
    assert found(store, "thank  CARD!") == ["c-1"]
    assert found(store, "car") == []  # whole words, not substrings
    assert found(store, "card zebra") == []
    assert found(store, "card", agent="a-2") == []
    assert found(store, "...") == ["c-3", "c-2", "c-1"]  # no words: no text condition


def test_query_words_are_never_read_as_search_operators(store: Store, plan: str) -> None:
    store.write([call("c-1", "please do not block or cancel the card")], source_format="native")
    assert found(store, "block OR cancel") == ["c-1"]
    assert found(store, "NOT card") == ["c-1"]
    assert found(store, '"card" (block*') == ["c-1"]
    assert found(store, "card NEAR zebra") == []
    assert search.search_words("a_b c-d E") == ["a", "b", "c", "d", "e"]


def test_words_in_other_scripts_and_with_accents_are_whole_words(store: Store, plan: str) -> None:
    store.write(
        [
            call("c-1", "मेरा कार्ड खो गया", "Café au lait", minutes=1),
            call("c-2", "card kho gaya yaar", "cafe", minutes=2),
        ],
        source_format="native",
    )
    assert found(store, "कार्ड") == ["c-1"]  # vowel signs belong to the word
    assert found(store, "खो गया") == ["c-1"]
    assert found(store, "CAFÉ") == ["c-1"]  # accents are kept: "cafe" is another word
    assert found(store, "cafe") == ["c-2"]
    assert found(store, "kho") == ["c-2"]
    with store.reading("schema") as conn:
        if conn.dialect.name == "sqlite":
            ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'transcript_fts'")).scalar_one()
            assert search.FTS5_TOKENIZER in ddl


def test_reingest_replaces_the_words_and_an_update_without_transcript_keeps_them(store: Store) -> None:
    store.write([call("c-1", "my card was stolen")], source_format="native")
    store.write([call("c-1", "i need a refund")], source_format="native")
    assert found(store, "stolen") == []
    assert found(store, "refund") == ["c-1"]
    with store.reading("count") as conn:
        assert conn.execute(select(func.count()).select_from(transcript_index)).scalar_one() == 1


def test_a_deleted_conversation_leaves_the_index(store: Store) -> None:
    store.write([call("c-1", "my card was stolen"), call("c-2", "stolen wallet")], source_format="native")
    with store.begin("delete") as conn:
        conn.execute(text("DELETE FROM interactions WHERE id = 'c-1'"))
    assert found(store, "stolen") == ["c-2"]
    with store.reading("count") as conn:
        assert conn.execute(select(transcript_index.c.interaction_id)).scalars().all() == ["c-2"]
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("SELECT count(*) FROM transcript_fts")).scalar_one() == 1


def test_reindex_all_rebuilds_the_same_index(store: Store) -> None:
    store.write([call("c-1", "my card", "was stolen"), call("c-2", "stolen wallet")], source_format="native")
    with store.begin("reindex") as conn:
        assert search.reindex_all(conn) == 2
    assert found(store, "stolen") == ["c-2", "c-1"]
    assert found(store, "card stolen") == ["c-1"]


def test_search_results_stay_within_the_scope(store: Store, plan: str) -> None:
    store.write(
        [call("c-1", "stolen card", agent="a-1"), call("c-2", "stolen card", agent="a-2", minutes=1)],
        source_format="native",
    )
    agent = Scope(UserRecord(id=2, name="sam", role="agent", agent_id="a-1", team="north"), frozenset({"a-1"}))
    assert found(store, "stolen", agent) == ["c-1"]
    assert found(store, "stolen", agent, agent="a-2") == []
    assert [r["interaction_id"] for r in evaluation_page(store, agent, text_query("stolen")).items] == []
    store.save_evaluations([evaluation("c-1"), evaluation("c-2")])
    assert [r["interaction_id"] for r in evaluation_page(store, agent, text_query("stolen")).items] == ["c-1"]
    assert [r["interaction_id"] for r in evaluation_page(store, ADMIN, text_query("stolen")).items] == [
        "c-2",
        "c-1",
    ]


def text_query(q: str) -> EvaluationQuery:
    return EvaluationQuery(conversations=ConversationFilter(q=q))


def test_evaluations_carry_their_conversations_start_through_reingest(store: Store) -> None:
    store.write([call("c-1", "hi"), call("c-2", "hi", minutes=5)], source_format="native")
    store.save_evaluations([evaluation("c-1"), evaluation("c-2")])
    assert starts(store) == {"c-1": T0, "c-2": T0 + timedelta(minutes=5)}
    store.write([call("c-1", "hi", minutes=10)], source_format="native")  # its start moved
    assert starts(store) == {"c-1": T0 + timedelta(minutes=10), "c-2": T0 + timedelta(minutes=5)}
    page = evaluation_page(store, ADMIN, EvaluationQuery())
    assert [r["interaction_id"] for r in page.items] == ["c-1", "c-2"]


def starts(store: Store) -> dict[str, datetime]:
    with store.reading("read") as conn:
        rows = conn.execute(select(evaluations.c.interaction_id, evaluations.c.started_at)).all()
    return {r.interaction_id: r.started_at for r in rows}


def test_evaluation_pages_follow_one_order_for_every_filter(store: Store) -> None:
    # 24 conversations over 3 agents and 2 teams, pairs sharing a start, two undated; one
    # evaluation each under two rubrics, every third auto-failed, every other with a miss.
    calls = [
        call(f"c-{n:02d}", "hello", agent=f"a-{n % 3}", team="north" if n % 3 else "south", minutes=n // 2)
        for n in range(22)
    ]
    calls += [Interaction(id=f"u-{n}", agent_id="a-1", team="north", utterances=[]) for n in range(2)]
    store.write(calls, source_format="native")
    evals = [
        evaluation(
            c.id,
            rubric=rubric,
            auto_failed=n % 3 == 0,
            results=[result("verify", Outcome.MISSED if n % 2 else Outcome.MET, critical=True)],
        )
        for n, c in enumerate(calls)
        for rubric in ("general", "sales")
    ]
    store.save_evaluations(evals)
    start = {c.id: c.started_at for c in calls}

    def window(k: Key) -> bool:
        when = start[k[0]]
        return when is not None and T0 + timedelta(minutes=3) <= when < T0 + timedelta(minutes=7)

    def newest_first(k: Key) -> tuple[bool, datetime, str, str]:
        when = start[k[0]]
        return (when is not None, when or T0, k[0], k[1])

    supervisor = Scope(UserRecord(id=3, name="sue", role="supervisor", agent_id=None, team="north"), frozenset({"a-1", "a-2"}))
    agent_of = {c.id: c.agent_id for c in calls}
    team_of = {c.id: c.team for c in calls}
    failed = {(e.interaction_id, e.rubric): e.auto_failed for e in evals}
    missed = {(e.interaction_id, e.rubric): e.results[0].outcome is Outcome.MISSED for e in evals}
    cases: list[tuple[Scope, EvaluationQuery, Callable[[Key], bool]]] = [
        (ADMIN, EvaluationQuery(), lambda k: True),
        (ADMIN, EvaluationQuery(auto_failed=True), lambda k: failed[k]),
        (ADMIN, EvaluationQuery(auto_failed=False), lambda k: not failed[k]),
        (ADMIN, EvaluationQuery(rubric="sales"), lambda k: k[1] == "sales"),
        (ADMIN, EvaluationQuery(rubric="sales", auto_failed=True), lambda k: k[1] == "sales" and failed[k]),
        (ADMIN, EvaluationQuery(conversations=ConversationFilter(agent="a-1")), lambda k: agent_of[k[0]] == "a-1"),
        (
            ADMIN,
            EvaluationQuery(auto_failed=True, conversations=ConversationFilter(team="north")),
            lambda k: failed[k] and team_of[k[0]] == "north",
        ),
        (ADMIN, EvaluationQuery(conversations=ConversationFilter(team="south")), lambda k: team_of[k[0]] == "south"),
        (supervisor, EvaluationQuery(auto_failed=True), lambda k: failed[k] and agent_of[k[0]] in ("a-1", "a-2")),
        (ADMIN, EvaluationQuery(behavior="verify", outcome="missed"), lambda k: missed[k]),
        (
            ADMIN,
            EvaluationQuery(conversations=ConversationFilter(since="2026-11-01T09:03", until="2026-11-01T09:07")),
            window,
        ),
    ]
    for scope, query, keep in cases:
        wanted = sorted((k for k in failed if keep(k)), key=newest_first, reverse=True)
        got: list[tuple[str, str]] = []
        cursor = None
        while True:
            page = evaluation_page(store, scope, query, limit=3, cursor=cursor)
            got += [(r["interaction_id"], r["rubric"]) for r in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert got == wanted, query


def test_the_migration_backfills_starts_and_the_search_index(store_url: str) -> None:
    engine = create_store_engine(store_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0009_web")
            conn.execute(
                text(
                    "INSERT INTO interactions (id, channel, agent_id, started_at, transferred, escalated, "
                    "utterance_count, transcript_hash, content_hash, source_format, ingested_at, updated_at) "
                    "VALUES ('c-1', 'voice', 'a-1', '2026-11-01 09:00:00', false, false, 2, '', '', 'native', "
                    "'2026-11-02 00:00:00', '2026-11-02 00:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO utterances (interaction_id, idx, speaker, text) VALUES "
                    "('c-1', 0, 'agent', 'Thank you for calling'), ('c-1', 1, 'customer', 'my card was stolen')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO evaluations (interaction_id, rubric, rubric_version, compliance_passed, "
                    "auto_failed, section_scores, evaluated_at, results) VALUES "
                    "('c-1', 'general', '1', true, false, '{}', '2026-11-02 00:00:00', '[]')"
                )
            )
    finally:
        engine.dispose()
    with open_store(store_url) as store:
        assert found(store, "calling stolen") == ["c-1"]
        assert starts(store) == {"c-1": T0}
