"""Store.write: the ingest path and its merge rules, on every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from coachloop.errors import RecordError, StoreError
from coachloop.model import (
    Agent,
    Channel,
    Interaction,
    InteractionUpdate,
    ReadItem,
    Rejected,
    Speaker,
    Survey,
    SurveyUpdate,
    Utterance,
)
from coachloop.store import Store, WriteStats
from tests.store.store_builders import interaction, turns


def test_full_interaction_round_trips_exactly(store: Store) -> None:
    original = Interaction(
        id="c-1",
        channel=Channel.CHAT,
        agent_id="a1",
        team="blue",
        queue="cards",
        customer_id="cu9",
        started_at=datetime(2024, 3, 1, 9, 30, 15, 250000, tzinfo=UTC),
        ended_at=datetime(2024, 3, 1, 9, 41, tzinfo=UTC),
        talk_seconds=600.5,
        hold_seconds=0.1 + 0.2,
        acw_seconds=30.0,
        disposition="resolved",
        transferred=True,
        escalated=False,
        language="en",
        contact_reason="replace card",
        utterances=[
            Utterance(
                0,
                Speaker.AGENT,
                "hello, [NAME] here",
                0.0,
                3.73,
                alt_text="hallo name here",
                metadata={"emotion": "neutral", "nested": {"b": 1, "a": [1, 2]}},
            ),
            Utterance(1, Speaker.CUSTOMER, "my card is lost", 4.0, None),
            Utterance(2, Speaker.BOT, "ünïcode ✓", None, None),
        ],
        survey=Survey(
            csat=4.0,
            nps=9.0,
            ces=None,
            comment="quick",
            ratings={"caller_rating": 8.0},
            scale={"caller_rating": 10.0},
        ),
        metadata={"source_file": "x.json", "tags": ["a", "b"], "z": None},
    )
    stats = store.write([original], source_format="native")

    assert stats == WriteStats(interactions=1, created=1, utterances=3)
    assert store.get_interaction("c-1") == original
    assert store.get_interaction("missing") is None


def test_reingest_same_id_updates_not_duplicates(store: Store) -> None:
    store.write([interaction("c-1", 5), interaction("c-2", 2)], source_format="native")
    changed = Interaction(id="c-1", utterances=turns(3, prefix="again"), queue="loans")

    stats = store.write([changed], source_format="native")

    assert stats.created == 0
    assert store.count_interactions() == 2
    stored = store.get_interaction("c-1")
    assert stored is not None
    assert [u.text for u in stored.utterances] == ["again 0", "again 1", "again 2"]
    assert stored.queue == "loans"
    other = store.get_interaction("c-2")
    assert other is not None and len(other.utterances) == 2


def test_update_before_transcript_creates_bare_row_then_keeps_its_fields(store: Store) -> None:
    started = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    update = InteractionUpdate(
        "c-7",
        fields={
            "agent_id": "a3",
            "queue": "billing",
            "talk_seconds": 42.0,
            "started_at": started,
            "channel": "chat",
        },
        metadata={"acd_wait": 12},
    )
    stats = store.write([update], source_format="csv")
    assert stats == WriteStats(updates=1, created=1)

    bare = store.get_interaction("c-7")
    assert bare is not None
    assert (bare.agent_id, bare.channel, bare.started_at) == ("a3", Channel.CHAT, started)
    assert bare.utterances == []
    assert store.pending_evaluation("general", "1") == []  # nothing to evaluate without a transcript

    transcript = Interaction(id="c-7", channel=Channel.CHAT, utterances=turns(4), metadata={"file": "t.json"})
    store.write([transcript], source_format="native")

    full = store.get_interaction("c-7")
    assert full is not None
    assert len(full.utterances) == 4
    assert (full.agent_id, full.queue, full.talk_seconds, full.started_at) == ("a3", "billing", 42.0, started)
    assert full.metadata == {"acd_wait": 12, "file": "t.json"}
    assert store.count_interactions() == 1
    assert store.pending_evaluation("general", "1") == ["c-7"]


def test_survey_kept_across_transcript_reingest(store: Store) -> None:
    store.write([interaction("c-1")], source_format="native")
    store.write(
        [SurveyUpdate("c-1", Survey(csat=2.0, comment="slow", ratings={"agent_rating": 3.0}))],
        source_format="csv",
    )

    store.write([interaction("c-1", 6)], source_format="native")

    stored = store.get_interaction("c-1")
    assert stored is not None
    assert stored.survey == Survey(csat=2.0, comment="slow", ratings={"agent_rating": 3.0})
    assert len(stored.utterances) == 6


def test_later_survey_values_win_and_missing_ones_are_kept(store: Store) -> None:
    store.write(
        [interaction("c-1", survey=Survey(csat=2.0, nps=5.0, ratings={"x": 1.0}))], source_format="native"
    )

    store.write([SurveyUpdate("c-1", Survey(nps=8.0, ratings={"y": 2.0}))], source_format="csv")

    stored = store.get_interaction("c-1")
    assert stored is not None and stored.survey == Survey(csat=2.0, nps=8.0, ratings={"x": 1.0, "y": 2.0})


def test_none_means_unknown_and_never_erases(store: Store) -> None:
    store.write([interaction("c-1", agent_id="a1", language="en", transferred=True)], source_format="native")

    store.write(
        [
            Interaction(id="c-1", utterances=[]),
            InteractionUpdate("c-1", fields={"agent_id": None, "queue": "q2"}),
        ],
        source_format="csv",
    )

    stored = store.get_interaction("c-1")
    assert stored is not None
    assert (stored.agent_id, stored.language, stored.transferred, stored.queue) == ("a1", "en", True, "q2")
    assert len(stored.utterances) == 3  # an empty transcript does not wipe the stored one


def test_update_can_clear_a_flag(store: Store) -> None:
    store.write([interaction("c-1", escalated=True)], source_format="native")
    store.write([InteractionUpdate("c-1", fields={"escalated": False})], source_format="csv")
    stored = store.get_interaction("c-1")
    assert stored is not None and stored.escalated is False


def test_items_of_one_batch_apply_in_order(store: Store) -> None:
    items: list[ReadItem] = [
        InteractionUpdate("c-1", fields={"queue": "first"}),
        interaction("c-1", queue="second"),
        SurveyUpdate("c-1", Survey(csat=5.0)),
        InteractionUpdate("c-1", fields={"disposition": "third"}),
        interaction("c-2"),
        interaction("c-2", 5),
    ]
    stats = store.write(items, source_format="native")

    assert stats == WriteStats(interactions=3, created=2, updates=2, surveys=1, utterances=8)
    first = store.get_interaction("c-1")
    assert first is not None
    assert (first.queue, first.disposition, first.survey) == ("second", "third", Survey(csat=5.0))
    second = store.get_interaction("c-2")
    assert second is not None and len(second.utterances) == 5
    assert store.count_interactions() == 2


def test_bad_update_rolls_back_the_whole_batch(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot update field 'colour'"):
        store.write(
            [interaction("c-1"), InteractionUpdate("c-1", fields={"colour": "red"})], source_format="csv"
        )
    assert store.count_interactions() == 0


def test_duplicate_utterance_index_is_a_store_error_and_writes_nothing(store: Store) -> None:
    broken = Interaction(
        id="c-1", utterances=[Utterance(0, Speaker.AGENT, "a"), Utterance(0, Speaker.AGENT, "b")]
    )
    with pytest.raises(StoreError, match="cannot write ingested records"):
        store.write([interaction("c-0"), broken], source_format="native")
    assert store.count_interactions() == 0


def test_datetimes_are_stored_as_utc(store: Store) -> None:
    paris = timezone(timedelta(hours=2))
    store.write(
        [
            interaction("aware", started_at=datetime(2024, 6, 1, 12, 0, tzinfo=paris)),
            interaction("naive", started_at=datetime(2024, 6, 1, 12, 0)),
        ],
        source_format="native",
    )

    aware, naive = store.get_interaction("aware"), store.get_interaction("naive")
    assert aware is not None and naive is not None
    assert aware.started_at == datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
    assert aware.started_at is not None and aware.started_at.tzinfo == UTC
    assert naive.started_at == datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_iter_interactions_streams_in_bytewise_id_order(store: Store) -> None:
    ids = ["b", "B", "a-1", "a_1", "Z", "é", "a"]
    store.write([interaction(i, 2) for i in ids], source_format="native")

    streamed = list(store.iter_interactions(batch=2))

    assert [i.id for i in streamed] == sorted(ids)
    assert all(len(i.utterances) == 2 for i in streamed)
    chosen = [i.id for i in store.iter_interactions(["Z", "missing", "a", "Z"], batch=1)]
    assert chosen == ["Z", "a"]
    assert list(store.iter_interactions([])) == []


def test_rejected_records_are_quarantined_listed_and_popped_for_replay(store: Store) -> None:
    bad = Rejected(
        RecordError("csat is not a number", file="s.csv", line=3, field="csat", record_id="c-9"),
        raw="c-9,abc",
    )
    other = Rejected(RecordError("no id", file="s.csv", line=4), raw=",5")
    stats = store.write([bad, interaction("c-1"), other], source_format="csv")
    assert stats.quarantined == 2

    listed = store.list_quarantine()
    assert [(q.file, q.line, q.field, q.record_id, q.reason, q.raw, q.format) for q in listed] == [
        ("s.csv", 3, "csat", "c-9", "csat is not a number", "c-9,abc", "csv"),
        ("s.csv", 4, None, None, "no id", ",5", "csv"),
    ]
    assert listed[0].created_at.tzinfo == UTC

    popped = store.pop_quarantine([listed[0].id])
    assert popped == [listed[0]]
    assert store.list_quarantine() == [listed[1]]

    store.write([bad], source_format="csv")
    requeued = store.list_quarantine()[-1]
    assert requeued.id > listed[1].id  # ids are never reused after a pop
    assert store.clear_quarantine([listed[1].id]) == 1
    assert store.clear_quarantine() == 1
    assert store.list_quarantine() == []
    assert store.pop_quarantine() == []


def test_agents_upsert_keeps_known_fields(store: Store) -> None:
    store.write([Agent("a1", name="Ann", team="blue", hire_date=date(2023, 1, 9))], source_format="roster")
    assert (
        store.upsert_agents([Agent("a1", supervisor="Sam"), Agent("a0", name="Bo"), Agent("a0", team="red")])
        == 3
    )

    assert store.list_agents() == [
        Agent("a0", name="Bo", team="red"),
        Agent("a1", name="Ann", team="blue", supervisor="Sam", hire_date=date(2023, 1, 9)),
    ]


def test_a_store_error_names_the_database_and_one_line(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        store.write(
            [
                Interaction(
                    id="c-1", utterances=[Utterance(0, Speaker.AGENT, "a"), Utterance(0, Speaker.AGENT, "b")]
                )
            ],
            source_format="native",
        )
    message = str(caught.value)
    assert "\n" not in message
    assert store.url.split("://")[0] in message


def test_models_are_stored_by_name_with_a_version_per_retrain(store: Store) -> None:
    assert store.load_model("reasons") is None
    assert store.save_model("reasons", "reason-classifier", b"\x00first", {"labels": 8}) == 1
    assert store.save_model("reasons", "reason-classifier", b"\x00second") == 2
    stored = store.load_model("reasons")
    assert stored is not None
    assert (stored.kind, stored.version, stored.payload, stored.info) == (
        "reason-classifier",
        2,
        b"\x00second",
        {},
    )
    assert [(n, k, v) for n, k, v, _ in store.list_models()] == [("reasons", "reason-classifier", 2)]
