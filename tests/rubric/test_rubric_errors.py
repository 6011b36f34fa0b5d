"""A bad rubric fails with one line naming the file, the line and the path inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachloop.errors import RubricError
from coachloop.evaluate import load_rubric
from coachloop.rubric.load import shipped_rubrics

GOOD = (Path(__file__).parent.parent / "fixtures" / "rubrics" / "tiny.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(RubricError) as info:
        load_rubric(write(tmp_path, text))
    return str(info.value)


def test_valid_rubric_loads_with_version_as_text(tmp_path: Path) -> None:
    rubric = load_rubric(write(tmp_path, GOOD))
    assert rubric.name == "tiny" and rubric.version == "2"
    assert [i.spec.id for i in rubric.behaviors()] == ["greet"]


def test_invalid_regex_names_line_path_and_position(tmp_path: Path) -> None:
    text = (
        GOOD
        + """\
  - id: process
    title: Process
    behaviors:
      - id: ok
        title: Ok
        coaching: ok
        detect: phrase
        phrases: [ok]
      - id: broken
        title: Broken
        coaching: c
        detect: regex
        regex: "call (is|may be recorded"
"""
    )
    message = error_of(tmp_path, text)
    assert message == (
        f"{tmp_path / 'rubric.yaml'}:25 sections[1].behaviors[1].regex: "
        "missing ), unterminated subpattern at 5"
    )


def test_invalid_regex_in_a_list_points_at_the_item(tmp_path: Path) -> None:
    text = GOOD.replace("phrases: [hello]", "regex: [hello, 'a[b']").replace(
        "detect: phrase", "detect: regex"
    )
    assert "sections[0].behaviors[0].regex[1]: unterminated character set at 1" in error_of(tmp_path, text)


def test_unknown_detector_lists_the_known_ones(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("detect: phrase", "detect: telepathy"))
    assert ":11 sections[0].behaviors[0].detect: unknown detector 'telepathy'" in message
    assert "phrase" in message and "regex" in message


def test_unknown_setting_of_a_detector_is_refused(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("phrases: [hello]", "phrases: [hello]\n        phrasse: [hi]"))
    assert "sections[0].behaviors[0].phrasse: unknown key" in message


def test_missing_required_key_is_named(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("        title: Greets\n", ""))
    assert "sections[0].behaviors[0].title: required key is missing" in message


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + "  - id: [unclosed\n")
    assert "rubric.yaml:" in message and "not valid YAML" in message


def test_cyclic_order_rules_are_refused(tmp_path: Path) -> None:
    text = (
        GOOD
        + """\
      - id: verify
        title: Verify
        coaching: v
        detect: phrase
        phrases: [verify]
      - id: verify_first
        title: Verify first
        coaching: v
        detect: order
        first: verify
        then: greet
      - id: greet_first
        title: Greet first
        coaching: g
        detect: order
        first: greet
        then: verify
"""
    )
    message = error_of(tmp_path, text)
    assert "order rules form a cycle" in message
    assert "sections[0].behaviors[" in message


def test_order_rule_referring_to_itself_is_a_cycle(tmp_path: Path) -> None:
    text = (
        GOOD
        + """\
      - id: loop
        title: Loop
        coaching: l
        detect: order
        first: loop
        then: greet
"""
    )
    assert "refer to each other in a cycle" in error_of(tmp_path, text)


def test_order_rule_naming_an_unknown_behaviour(tmp_path: Path) -> None:
    text = (
        GOOD
        + """\
      - id: rule
        title: Rule
        coaching: r
        detect: order
        first: nowhere
        then: greet
"""
    )
    assert "refers to 'nowhere', which is no behaviour or event" in error_of(tmp_path, text)


def test_undefined_phrase_variable_is_named(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("[hello]", "['thanks for calling {brand}']"))
    assert "sections[0].behaviors[0]" in message and "{brand}" in message


def test_duplicate_behaviour_id_is_refused(tmp_path: Path) -> None:
    text = (
        GOOD
        + """\
      - id: greet
        title: Again
        coaching: c
        detect: phrase
        phrases: [hi]
"""
    )
    assert "id 'greet' is used twice" in error_of(tmp_path, text)


@pytest.mark.parametrize("name", sorted(shipped_rubrics()))
def test_shipped_rubrics_are_valid(name: str) -> None:
    rubric = load_rubric(name)
    assert rubric.behaviors(), name
    for section in rubric.spec.sections:
        for item in section.behaviors:
            assert item.coaching.strip(), f"{name}: {item.id} has no coaching text"
