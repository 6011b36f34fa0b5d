"""Properties that hold for every text: evidence spans quote the stored text, and a
native record reads back as the interaction it was written from."""

from __future__ import annotations

import tempfile
from pathlib import Path

import orjson
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coachloop.detect.text import locate, normalize
from coachloop.ingest.native import read_native, to_native
from coachloop.model import Channel, Interaction, Speaker, Survey, Utterance

# Transcript characters: letters and digits of the scripts coachloop reads (Latin,
# accented Latin, Devanagari with its vowel signs), punctuation, apostrophes, spaces.
TEXT_CHARS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list("éèüöñçÉÜ")
    + list("मेराकर्डब्लॉकहोगयाहैं।")
    + list(" ,.?!-'\u2019`\"()[]<>:;/_")
)
texts = st.text(TEXT_CHARS, min_size=1, max_size=60)


@given(texts, st.data())
@settings(max_examples=300, deadline=None)
def test_an_evidence_span_quotes_the_stored_text_of_the_matched_words(text: str, data: st.DataObject) -> None:
    norm = normalize(text)
    words = norm.split()
    if not words:
        return
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    phrase = " ".join(words[first : last + 1])
    # Where a detector finds the phrase: its first whole-word occurrence in the normalised text.
    start = norm.index(f" {phrase} ") + 1
    a, b = locate(text, norm, start, start + len(phrase))
    assert 0 <= a <= b <= len(text)
    assert normalize(text[a:b]).split() == phrase.split()


names = st.text(st.sampled_from("abcxyz-0123456789"), min_size=1, max_size=8)
utterance_texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@st.composite
def interactions(draw: st.DrawFn) -> Interaction:
    count = draw(st.integers(1, 5))
    utterances = []
    clock = 0.0
    for i in range(count):
        timed = draw(st.booleans())
        length = draw(st.floats(0.0, 30.0, allow_nan=False))
        utterances.append(
            Utterance(
                index=i,
                speaker=draw(st.sampled_from([Speaker.AGENT, Speaker.CUSTOMER])),
                text=draw(utterance_texts),
                start=clock if timed else None,
                end=clock + length if timed else None,
            )
        )
        clock += length
    # A transcript in which every turn is blank is refused on reading (nothing to evaluate).
    assume(any(u.text.strip() for u in utterances))
    survey = draw(st.none() | st.builds(Survey, csat=st.none() | st.integers(1, 5)))
    return Interaction(
        id=draw(names),
        channel=draw(st.sampled_from(list(Channel))),
        utterances=utterances,
        agent_id=draw(st.none() | names),
        queue=draw(st.none() | names),
        contact_reason=draw(st.none() | utterance_texts),
        transferred=draw(st.booleans()),
        survey=survey,
        metadata=draw(st.dictionaries(names, st.none() | st.integers(-(2**63), 2**63 - 1) | utterance_texts, max_size=3)),
    )


@given(interactions())
@settings(max_examples=150, deadline=None)
def test_a_native_record_reads_back_as_the_interaction_it_was_written_from(interaction: Interaction) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.jsonl"
        path.write_bytes(orjson.dumps(to_native(interaction)) + b"\n")
        (read,) = list(read_native(path))
    assert read == interaction
