"""Rubrics a team registers in the store: chosen by `applies_to`, re-evaluated when edited."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from coachloop import jobs
from coachloop.errors import CoachloopError, RubricError
from coachloop.evaluate.compile import compile_text
from coachloop.jobs.rubrics import (
    AmbiguousRubrics,
    available_rubrics,
    choose_rubric,
    default_rubrics,
    register_rubric,
    require_evaluated,
    resolve_rubric,
)
from coachloop.model import Channel, Interaction, Speaker, Utterance
from coachloop.store import Store, content_hash

RUBRIC = """\
name: {name}
version: "{version}"
title: {title}
{applies_to}
sections:
  - id: opening
    title: Opening
    behaviors:
      - id: greet
        title: {title}
        coaching: Say hello.
        detect: phrase
        phrases: [{phrase}]
"""


def rubric_file(
    folder: Path,
    name: str,
    *,
    version: str = "1",
    applies_to: str = "",
    phrase: str = "hello",
    title: str = "Greets",
) -> Path:
    path = folder / f"{name}-{version}-{phrase}-{title}.yaml".replace(" ", "_")
    text = RUBRIC.format(name=name, version=version, applies_to=applies_to, phrase=phrase, title=title)
    path.write_text(text, encoding="utf-8")
    return path


def call(interaction_id: str, *, queue: str | None = None, channel: Channel = Channel.VOICE) -> Interaction:
    return Interaction(
        id=interaction_id,
        channel=channel,
        queue=queue,
        utterances=[
            Utterance(0, Speaker.AGENT, "hello thanks for calling", 0.0, 2.0),
            Utterance(1, Speaker.CUSTOMER, "hi i lost my card", 2.0, 4.0),
        ],
    )


def test_plain_evaluate_chooses_a_registered_rubric_by_applies_to(store: Store, tmp_path: Path) -> None:
    store.write([call("c-1", queue="collections"), call("c-2", queue="sales")], source_format="native")
    register_rubric(
        store, rubric_file(tmp_path, "collections_qa", applies_to="applies_to: {queue: [collections]}")
    )

    report = jobs.evaluate_store(store, default_rubrics(store))

    assert report.by_rubric == {"collections_qa": 1, "general": 1}
    assert [e.rubric for e in store.get_evaluations("c-1")] == ["collections_qa"]
    assert [e.rubric for e in store.get_evaluations("c-2")] == ["general"]


def test_most_specific_applies_to_wins_over_a_broader_one() -> None:
    broad = compile_text(
        RUBRIC.format(
            name="voice", version=1, applies_to="applies_to: {channel: [voice]}", phrase="hi", title="T"
        ),
        "voice.yaml",
    )
    narrow = compile_text(
        RUBRIC.format(
            name="voice_sales",
            version=1,
            applies_to="applies_to: {channel: [voice], queue: [sales]}",
            phrase="hi",
            title="T",
        ),
        "voice_sales.yaml",
    )
    fallback = compile_text(
        RUBRIC.format(name="any", version=1, applies_to="", phrase="hi", title="T"), "any.yaml"
    )
    rubrics = [fallback, narrow, broad]

    assert choose_rubric(rubrics, call("a", queue="sales")) is narrow
    assert choose_rubric(rubrics, call("b", queue="support")) is broad
    assert choose_rubric(rubrics, call("c", queue="sales", channel=Channel.CHAT)) is fallback


def test_two_rubrics_equally_specific_are_an_error_naming_both() -> None:
    by_queue = compile_text(
        RUBRIC.format(
            name="by_queue", version=1, applies_to="applies_to: {queue: [sales]}", phrase="hi", title="T"
        ),
        "q.yaml",
    )
    by_channel = compile_text(
        RUBRIC.format(
            name="by_channel", version=1, applies_to="applies_to: {channel: [voice]}", phrase="hi", title="T"
        ),
        "c.yaml",
    )

    with pytest.raises(AmbiguousRubrics, match=r"'by_channel' and 'by_queue'"):
        choose_rubric([by_channel, by_queue], call("x", queue="sales"))
    # Where only one applies there is no tie.
    assert choose_rubric([by_channel, by_queue], call("y", queue="support")) is by_channel


def test_tied_rubrics_stop_evaluate_before_anything_is_stored(store: Store, tmp_path: Path) -> None:
    store.write([call("c-1", queue="sales")], source_format="native")
    register_rubric(store, rubric_file(tmp_path, "sales_a", applies_to="applies_to: {queue: [sales]}"))
    register_rubric(store, rubric_file(tmp_path, "voice_b", applies_to="applies_to: {channel: [voice]}"))

    with pytest.raises(RubricError, match="'sales_a' and 'voice_b'"):
        jobs.evaluate_store(store, default_rubrics(store))
    assert store.get_evaluations("c-1") == []


def test_rubric_edited_under_the_same_version_is_re_evaluated(store: Store, tmp_path: Path) -> None:
    store.write([call("c-1", queue="sales")], source_format="native")
    register_rubric(
        store, rubric_file(tmp_path, "sales_qa", phrase="goodbye", applies_to="applies_to: {queue: [sales]}")
    )
    jobs.evaluate_store(store, default_rubrics(store))
    assert store.get_evaluations("c-1")[0].results[0].outcome == "missed"

    # Same name and version, but the phrase now matches what the agent said.
    register_rubric(
        store, rubric_file(tmp_path, "sales_qa", phrase="hello", applies_to="applies_to: {queue: [sales]}")
    )
    report = jobs.evaluate_store(store, default_rubrics(store))

    assert report.evaluated == 1
    assert store.get_evaluations("c-1")[0].results[0].outcome == "met"


def test_editing_only_titles_and_coaching_leaves_evaluations_standing(store: Store, tmp_path: Path) -> None:
    store.write([call("c-1", queue="sales")], source_format="native")
    register_rubric(
        store, rubric_file(tmp_path, "sales_qa", title="Greets", applies_to="applies_to: {queue: [sales]}")
    )
    jobs.evaluate_store(store, default_rubrics(store))

    row, replaced = register_rubric(
        store,
        rubric_file(tmp_path, "sales_qa", title="Greets warmly", applies_to="applies_to: {queue: [sales]}"),
    )

    assert replaced is not None and replaced.fingerprint == row.fingerprint
    assert jobs.evaluate_store(store, default_rubrics(store)).evaluated == 0


def test_a_registered_rubric_replaces_the_shipped_one_of_its_name(store: Store, tmp_path: Path) -> None:
    register_rubric(store, rubric_file(tmp_path, "general", version="99"))

    found = available_rubrics(store)

    assert found["general"].origin == "registered (replaces shipped)"
    assert found["general"].rubric.version == "99"
    assert resolve_rubric(store, "general").version == "99"
    assert found["retail_bank"].origin == "shipped"


def test_registering_an_invalid_rubric_stores_nothing(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        RUBRIC.format(name="bad", version=1, applies_to="", phrase="hi", title="T").replace(
            "phrases", "phrasez"
        )
    )

    with pytest.raises(
        RubricError, match=r"bad.yaml:\d+ sections\[0\]\.behaviors\[0\]\.phrasez: unknown key"
    ):
        register_rubric(store, bad)
    assert store.list_rubrics() == []


def test_unknown_rubric_name_is_one_line_naming_what_exists(store: Store) -> None:
    with pytest.raises(RubricError, match=r"no rubric named 'nope' .*general.*retail_bank"):
        resolve_rubric(store, "nope")
    with pytest.raises(RubricError, match="no rubric named 'nope' \\(evaluated: none yet"):
        require_evaluated(store, "nope")
    with pytest.raises(RubricError, match="no evaluations under rubric 'retail_bank' yet"):
        require_evaluated(store, "retail_bank")


def test_evaluate_on_an_empty_store_says_so(store: Store) -> None:
    with pytest.raises(CoachloopError, match="holds no interactions yet"):
        jobs.evaluate_store(store, default_rubrics(store))


def test_content_hash_covers_every_field_a_rubric_conditions_on() -> None:
    from coachloop.rubric.schema import CONDITION_FIELDS

    base = call("h", queue="sales")
    changes = [
        replace(base, queue="other"),
        replace(base, channel=Channel.CHAT),
        replace(base, language="hi"),
        replace(base, contact_reason="lost card"),
    ]
    assert set(CONDITION_FIELDS) == {"queue", "channel", "language", "contact_reason"}
    assert len({content_hash(c) for c in [base, *changes]}) == 5


SEMANTIC = """\
name: learned
version: 1+learned
title: Learned
encoder: http://127.0.0.1:9/v1/embeddings
sections:
  - id: opening
    title: Opening
    behaviors:
      - id: greet
        title: Greets
        coaching: Say hello.
        detect: semantic
        examples: [hello and welcome]
        threshold: 0.6
"""


def test_thresholds_learned_with_another_encoder_are_refused() -> None:
    from coachloop.evaluate.learn import LearnedBehavior, learned_rubric
    from coachloop.jobs.rubrics import check_encoder

    rubric = compile_text(SEMANTIC, "learned.yaml")

    with pytest.raises(
        CoachloopError, match=re.escape("learned with encoder 'http://127.0.0.1:9/v1/embeddings'")
    ):
        check_encoder([rubric], active="minilm-l6-int8")
    check_encoder([rubric], active="http://127.0.0.1:9/v1/embeddings")
    document = {"name": "x", "version": "1", "sections": [{"id": "s", "behaviors": [{"id": "greet"}]}]}
    learned = [LearnedBehavior("greet", ["hello"], [], 0.6, 1.0, 3)]
    assert learned_rubric(document, learned, "note", "minilm-l6")["encoder"] == "minilm-l6"
