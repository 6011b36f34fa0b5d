"""The CSV reader: table detection, typed values, streaming groups and bad rows."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from coachloop.errors import IngestError
from coachloop.ingest.csv_tables import MAX_LINE_BYTES, read_csv_tables
from coachloop.ingest.records import readers
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
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "csv"

CALLS_HEADER = (
    "interaction_id,agent_id,channel,started_at,ended_at,talk_seconds,hold_seconds,transferred,disposition"
)
GOOD_CALL = "c-1,a-101,voice,2024-03-05T09:14:02Z,2024-03-05T09:21:40Z,402.5,35,no,resolved"
GOOD_CALL_AFTER = "c-3,a-102,chat,2024-03-05T10:00:00Z,2024-03-05T10:09:00Z,540,0,yes,resolved"


def write(tmp_path: Path, content: str | bytes, name: str = "calls.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def read(path: Path) -> list[ReadItem]:
    return list(read_csv_tables(path))


def rejected(items: list[ReadItem]) -> list[Rejected]:
    return [i for i in items if isinstance(i, Rejected)]


def ids(items: list[ReadItem]) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, InteractionUpdate | SurveyUpdate):
            out.append(item.interaction_id)
        elif isinstance(item, Interaction | Agent):
            out.append(item.id)
    return out


# -- good tables ---------------------------------------------------------------------------


def test_agents_table_gives_agents_with_optional_fields_empty() -> None:
    assert read(FIXTURES / "agents.csv") == [
        Agent("a-101", "Maya Okafor", "Billing", "Dana Reyes", date(2021, 4, 12)),
        Agent("a-102", "Priya Natarajan", "Retention", "Dana Reyes", date(2019, 11, 4)),
        Agent("a-103", "Tom Becker", "Billing", None, None),
    ]


def test_metadata_table_gives_updates_with_only_the_typed_non_empty_columns() -> None:
    first, second, third = read(FIXTURES / "calls.csv")
    assert first == InteractionUpdate(
        "c-1001",
        fields={
            "agent_id": "a-101",
            "team": "Billing",
            "queue": "billing-en",
            "customer_id": "cust-88",
            "channel": Channel.VOICE,
            "started_at": datetime(2024, 3, 5, 9, 14, 2, tzinfo=UTC),
            "ended_at": datetime(2024, 3, 5, 9, 21, 40, tzinfo=UTC),
            "talk_seconds": 402.5,
            "hold_seconds": 35.0,
            "acw_seconds": 40.0,
            "disposition": "resolved",
            "transferred": False,
            "escalated": False,
            "language": "en-GB",
            "contact_reason": "bill dispute",
        },
        metadata={"ani_region": "North West"},
    )
    assert isinstance(second, InteractionUpdate)
    assert second.fields["channel"] is Channel.VOICE  # written "Voice"
    assert (second.fields["transferred"], second.fields["escalated"]) == (True, True)  # "yes", "1"
    assert second.metadata == {}
    assert third == InteractionUpdate(
        "c-1003",
        fields={
            "agent_id": "a-103",
            "channel": Channel.CHAT,
            "started_at": datetime(2024, 3, 5, 10, 2, 10, tzinfo=UTC),
        },
    )


def test_survey_table_gives_survey_updates_and_skips_unanswered_rows() -> None:
    assert read(FIXTURES / "surveys.csv") == [
        SurveyUpdate("c-1001", Survey(csat=4, nps=8, ces=2, comment="Sorted quickly, thanks")),
        SurveyUpdate("c-1002", Survey(csat=5)),
    ]


def test_table_with_metadata_and_survey_columns_gives_both_updates(tmp_path: Path) -> None:
    path = write(tmp_path, "interaction_id,queue,csat\nc-9,billing-en,3\n")
    assert read(path) == [
        InteractionUpdate("c-9", fields={"queue": "billing-en"}),
        SurveyUpdate("c-9", Survey(csat=3)),
    ]


def test_utterance_table_groups_rows_into_interactions_ordered_by_index() -> None:
    chat, call = read(FIXTURES / "utterances.csv")
    assert isinstance(chat, Interaction) and isinstance(call, Interaction)
    assert (chat.id, chat.channel, chat.agent_id) == ("chat-01", Channel.CHAT, "a-101")
    assert [(u.index, u.speaker, u.text, u.start) for u in chat.utterances] == [
        (0, Speaker.AGENT, "Hi, you're chatting with Maya. How can I help?", 0.0),
        (1, Speaker.CUSTOMER, "My direct debit failed, but the money still left my account.", 12.2),
        (2, Speaker.AGENT, "Let me check that for you.", 41.5),
    ]
    assert chat.utterances[1].metadata == {"tag": "frustrated"}
    assert (call.id, call.channel, call.agent_id) == ("call-77", Channel.VOICE, "a-102")
    assert [(u.speaker, u.text, u.start, u.end) for u in call.utterances] == [
        (Speaker.AGENT, "Northwind billing. Can I take your account number?", 0.4, 3.1),
        (Speaker.CUSTOMER, "It's 4471, under the name Okafor.", 3.6, 6.0),
        (Speaker.CUSTOMER, "Thanks.\nThat's all I needed.", 6.5, 8.0),
    ]


def test_utterance_table_without_index_orders_turns_by_start(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "interaction_id,speaker,text,start\nx,customer,second,4.0\nx,agent,first,1.5\nx,agent,third,9\n",
    )
    (interaction,) = read(path)
    assert isinstance(interaction, Interaction)
    assert [(u.index, u.text) for u in interaction.utterances] == [(0, "first"), (1, "second"), (2, "third")]


def test_utterance_table_repeats_interaction_columns_and_survey_on_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path, "interaction_id,speaker,text,queue,csat\nx,agent,Hello,billing,\nx,customer,Hi,billing,4\n"
    )
    (interaction,) = read(path)
    assert isinstance(interaction, Interaction)
    assert interaction.queue == "billing"
    assert interaction.survey == Survey(csat=4)


def test_byte_order_mark_crlf_upper_case_header_and_trailing_comma_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfInteraction_ID , Talk_Seconds,\r\nc-1,12,\r\n\r\nc-2,7,\r\n")
    assert read(path) == [
        InteractionUpdate("c-1", fields={"talk_seconds": 12.0}),
        InteractionUpdate("c-2", fields={"talk_seconds": 7.0}),
    ]


def test_reader_streams_rows_without_holding_the_file(tmp_path: Path) -> None:
    rows = 10_000
    path = tmp_path / "big.csv"
    with path.open("w") as f:
        f.write("interaction_id,agent_id,talk_seconds,disposition,notes\n")
        for n in range(rows):
            f.write(f"c-{n:06d},a-{n % 50},{n % 900}.5,resolved,{'x' * 60}\n")
    assert path.stat().st_size > 850_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_csv_tables(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    # Holding the file, or the items, would cost far more than the file's size.
    assert peak < 100_000


# -- bad rows: each names file, line and column, and the rows around it are still read ------


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (
            "c-2,a-101,voice,2024-03-05T09:30:00Z,2024-03-05T09:41:00Z,abc,0,no,resolved",
            "calls.csv:3 talk_seconds: 'abc' is not a number",
        ),
        (
            "c-2,a-101,voice,2024-03-05T09:30:00Z,2024-03-05T09:41:00Z,300,-5,no,resolved",
            "calls.csv:3 hold_seconds: '-5' is negative",
        ),
        (
            "c-2,a-101,sms,2024-03-05T09:30:00Z,2024-03-05T09:41:00Z,300,0,no,resolved",
            "calls.csv:3 channel: unknown channel 'sms' (expected voice, chat, email)",
        ),
        (
            "c-2,a-101,voice,05/03/2024 09:30,2024-03-05T09:41:00Z,300,0,no,resolved",
            "calls.csv:3 started_at: '05/03/2024 09:30' is not an ISO 8601 date-time",
        ),
        (
            "c-2,a-101,voice,2024-03-05T09:30:00Z,2024-03-05T09:29:00Z,300,0,no,resolved",
            "calls.csv:3 ended_at: '2024-03-05T09:29:00Z' is before started_at '2024-03-05T09:30:00Z'",
        ),
        (
            "c-2,a-101,voice,2024-03-05T09:30:00Z,2024-03-05T09:41:00,300,0,no,resolved",
            "calls.csv:3 ended_at: one of started_at and ended_at has a time zone and the other has not",
        ),
        (
            "c-2,a-101,voice,2024-03-05T09:30:00Z,2024-03-05T09:41:00Z,300,0,maybe,resolved",
            "calls.csv:3 transferred: 'maybe' is not true/false/1/0/yes/no",
        ),
        (
            ",a-101,voice,2024-03-05T09:30:00Z,2024-03-05T09:41:00Z,300,0,no,resolved",
            "calls.csv:3 interaction_id: is empty",
        ),
        (
            "c-2,a-101,voice,2024-03-05T09:30:00Z,300,0,no,resolved",
            "calls.csv:3: has 8 fields, the header has 9",
        ),
        (
            'c-2,a-101,voice,2024-03-05T09:30:00Z,2024-03-05T09:41:00Z,300,0,no,"resolved"ok',
            "calls.csv:3: not valid CSV: ',' expected after '\"'",
        ),
    ],
)
def test_bad_metadata_row_is_rejected_between_good_rows(tmp_path: Path, bad_row: str, message: str) -> None:
    path = write(tmp_path, f"{CALLS_HEADER}\n{GOOD_CALL}\n{bad_row}\n{GOOD_CALL_AFTER}\n")
    items = read(path)
    (bad,) = rejected(items)
    assert bad.error.message == message
    assert bad.raw == bad_row
    assert ids(items) == ["c-1", "c-3"]


def test_non_utf8_bytes_reject_only_their_line_and_name_the_column(tmp_path: Path) -> None:
    bad_row = b"c-2,a-101,voice,2024-03-05T09:30:00Z,2024-03-05T09:41:00Z,300,0,no,r\xe9solu"
    content = f"{CALLS_HEADER}\n{GOOD_CALL}\n".encode() + bad_row + f"\n{GOOD_CALL_AFTER}\n".encode()
    items = read(write(tmp_path, content))
    (bad,) = rejected(items)
    assert bad.error.message == "calls.csv:3 disposition: 'r\\xe9solu' is not valid UTF-8"
    assert bad.raw == bad_row.decode("utf-8", "backslashreplace")
    assert ids(items) == ["c-1", "c-3"]
    assert isinstance(items[-1], InteractionUpdate) and items[-1].fields["transferred"] is True


def test_line_numbers_count_lines_inside_quoted_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'interaction_id,disposition,talk_seconds\nc-1,"resolved\nafter callback",10\nc-2,resolved,ten\n',
    )
    items = read(path)
    (bad,) = rejected(items)
    assert bad.error.message == "calls.csv:4 talk_seconds: 'ten' is not a number"
    assert ids(items) == ["c-1"]


def test_over_long_line_is_rejected_without_stopping_the_file(tmp_path: Path) -> None:
    long_line = b"c-2," + b"x" * (MAX_LINE_BYTES + 10)
    items = read(write(tmp_path, b"interaction_id,notes\nc-1,short\n" + long_line + b"\nc-3,short\n"))
    (bad,) = rejected(items)
    assert bad.error.message == f"calls.csv:3: a line is longer than {MAX_LINE_BYTES} bytes"
    assert len(bad.raw) < 300_000
    assert ids(items) == ["c-1", "c-3"]


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("c-2,6,,,", "surveys.csv:3 csat: '6' is outside 1-5"),
        ("c-2,,11,,", "surveys.csv:3 nps: '11' is outside 0-10"),
        ("c-2,,,0,", "surveys.csv:3 ces: '0' is outside 1-7"),
        ("c-2,good,,,", "surveys.csv:3 csat: 'good' is not a number"),
    ],
)
def test_out_of_range_survey_score_is_rejected(tmp_path: Path, bad_row: str, message: str) -> None:
    path = write(
        tmp_path, f"interaction_id,csat,nps,ces,comment\nc-1,5,9,1,\n{bad_row}\nc-3,3,,,slow\n", "surveys.csv"
    )
    items = read(path)
    (bad,) = rejected(items)
    assert bad.error.message == message
    assert ids(items) == ["c-1", "c-3"]


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (
            "a-2,Sara Lind,Billing,,12/04/2021",
            "agents.csv:3 hire_date: '12/04/2021' is not an ISO date (YYYY-MM-DD)",
        ),
        (",Sara Lind,Billing,,", "agents.csv:3 agent_id: is empty"),
    ],
)
def test_bad_agent_row_is_rejected(tmp_path: Path, bad_row: str, message: str) -> None:
    path = write(
        tmp_path,
        f"agent_id,name,team,supervisor,hire_date\na-1,Ann Roe,Billing,,\n{bad_row}\n"
        "a-3,Raj Iyer,Retention,Ann Roe,2022-01-10\n",
        "agents.csv",
    )
    items = read(path)
    (bad,) = rejected(items)
    assert bad.error.message == message
    assert ids(items) == ["a-1", "a-3"]


UTTERANCES_HEADER = "interaction_id,agent_id,index,speaker,text,start,end"


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (
            "x,a-1,1,caller,Hi there,2.0,3.0",
            "turns.csv:3 speaker: unknown speaker 'caller' (expected agent, customer, bot, system)",
        ),
        ("x,a-1,1,customer,Hi there,2.0,1.5", "turns.csv:3 end: '1.5' is before start '2.0'"),
        ("x,a-1,1,customer,Hi there,-2.0,1.5", "turns.csv:3 start: '-2.0' is negative"),
        ("x,a-1,1,customer,,2.0,3.0", "turns.csv:3 text: is empty"),
        ("x,a-1,0,customer,Hi there,2.0,3.0", "turns.csv:3 index: index 0 appears twice in interaction 'x'"),
        ("x,a-1,one,customer,Hi there,2.0,3.0", "turns.csv:3 index: 'one' is not a whole number"),
        (
            "x,a-9,1,customer,Hi there,2.0,3.0",
            "turns.csv:3 agent_id: 'a-9' differs from a-1 given on an earlier row of interaction 'x'",
        ),
    ],
)
def test_bad_utterance_row_is_rejected_and_its_interaction_kept(
    tmp_path: Path, bad_row: str, message: str
) -> None:
    path = write(
        tmp_path,
        f"{UTTERANCES_HEADER}\nx,a-1,0,agent,Hello,0.0,1.0\n{bad_row}\n"
        "x,a-1,2,agent,How can I help?,4.0,5.0\ny,a-2,0,agent,Morning,0,1\n",
        "turns.csv",
    )
    items = read(path)
    (bad,) = rejected(items)
    assert bad.error.message == message
    assert bad.error.record_id == "x"
    x, y = (i for i in items if isinstance(i, Interaction))
    assert [(u.index, u.text) for u in x.utterances] == [(0, "Hello"), (1, "How can I help?")]
    assert x.agent_id == "a-1"
    assert x.metadata["rejected_records"] == 1
    assert y.id == "y"


def test_rows_of_an_interaction_must_be_contiguous(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "interaction_id,speaker,text\n"
        "x,agent,Hello\nx,customer,Hi\ny,agent,Morning\nx,agent,Anything else?\n"
        "y,customer,Morning to you\n",
        "turns.csv",
    )
    items = read(path)
    (bad,) = rejected(items)
    assert bad.error.message == (
        "turns.csv:5 interaction_id: rows of interaction 'x' must be contiguous: it was already read and "
        "yielded above (sort the file by interaction_id)"
    )
    x, y = (i for i in items if isinstance(i, Interaction))
    assert [u.text for u in x.utterances] == ["Hello", "Hi"]
    # The stray row does not cut the interaction it interrupts in two.
    assert [u.text for u in y.utterances] == ["Morning", "Morning to you"]


def test_interaction_whose_rows_are_all_rejected_is_not_yielded(tmp_path: Path) -> None:
    path = write(tmp_path, "interaction_id,speaker,text\nx,robot,beep\ny,agent,Hello\n", "turns.csv")
    items = read(path)
    assert len(rejected(items)) == 1
    assert ids(items) == ["y"]


def test_time_zone_offsets_are_kept(tmp_path: Path) -> None:
    (update,) = read(write(tmp_path, "interaction_id,started_at\nc-1,2024-03-05T09:14:02+01:00\n"))
    assert isinstance(update, InteractionUpdate)
    assert update.fields["started_at"] == datetime(2024, 3, 5, 9, 14, 2, tzinfo=timezone(timedelta(hours=1)))


# -- whole-file problems ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty file, no header"),
        (b"\n\n", "empty file, no header"),
        (b"call,duration\nc-1,30\n", "cannot tell which table this is"),
        (b"interaction_id,speaker\nx,agent\n", "needs both speaker and text columns; 'text' is missing"),
        (b"interaction_id,csat,CSAT\nx,1,2\n", "column 'csat' appears twice"),
        (b"interaction_id,r\xe9gion\nx,1\n", "header is not valid UTF-8"),
    ],
)
def test_unreadable_file_raises_ingest_error(tmp_path: Path, content: bytes, match: str) -> None:
    with pytest.raises(IngestError, match=match):
        read(write(tmp_path, content))


def test_missing_file_raises_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read"):
        read(tmp_path / "absent.csv")


def test_reader_is_registered_as_csv() -> None:
    assert readers.get("csv") is read_csv_tables
