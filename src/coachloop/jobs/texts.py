"""Texts for contact-reason training, prediction, discovery and their measures.

Every input goes through the same redaction as ingest before a model, a log line or an
output sees it: conversations are read by the registered readers with `read_paths`
(the checks and the `Redactor` of ingest), text tables (`coachloop.ingest.texts`) have
each text and each error message redacted the same way. A model's vocabulary is
learned from redacted text only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from coachloop.errors import IngestError, RecordError
from coachloop.ingest.records import readers
from coachloop.ingest.redact import Redactor
from coachloop.ingest.texts import LABEL_FIELDS, first_json_object, read_text_table, sniff
from coachloop.jobs import read_paths
from coachloop.model import Interaction, Rejected

__all__ = [
    "AUTO",
    "CONVERSATIONS",
    "TEXTS",
    "Labelled",
    "Unlabelled",
    "load_labelled",
    "load_unlabelled",
    "text_formats",
]

AUTO = "auto"
"""A CSV or JSON Lines of single texts is read as `texts`; JSON Lines of conversations
with the `CONVERSATIONS` reader (its `-asr` variant with `use_asr`)."""
TEXTS = "texts"
"""A text table: CSV with a `text` column, or JSON Lines of single texts."""
CONVERSATIONS = "hvb"
"""The reader `auto` uses for JSON Lines conversations (`id`, `contact_reason`, turns with
`speaker` and `text`/`asr_text`)."""


class Labelled(NamedTuple):
    ids: list[str]
    texts: list[str]
    labels: list[str]


class Unlabelled(NamedTuple):
    ids: list[str]
    texts: list[str]


def text_formats() -> list[str]:
    """What `--format` accepts for texts: auto, texts, or any registered reader."""
    return [AUTO, TEXTS, *readers.names()]


def load_labelled(
    path: str | Path,
    *,
    fmt: str = AUTO,
    use_asr: bool = False,
    use_customer_only: bool = True,
    redactor: Redactor | None = None,
) -> Labelled:
    """(ids, redacted texts, labels) of a file; records without a label are skipped.

    Raises `IngestError` for a file that cannot be read and `RecordError` (file, line,
    field) for a bad record.
    """
    ids: list[str] = []
    texts: list[str] = []
    labels: list[str] = []
    for rid, text, label in _records(Path(path), fmt, use_asr, use_customer_only, True, redactor):
        if label is None:
            continue
        ids.append(rid)
        texts.append(text)
        labels.append(label)
    if not ids:
        raise IngestError(f"{path}: no labelled records (label fields: {', '.join(LABEL_FIELDS)})")
    return Labelled(ids, texts, labels)


def load_unlabelled(
    path: str | Path,
    *,
    fmt: str = AUTO,
    use_asr: bool = False,
    use_customer_only: bool = True,
    redactor: Redactor | None = None,
) -> Unlabelled:
    """(ids, redacted texts) of a file; a CSV row's id is its 1-based row number."""
    ids: list[str] = []
    texts: list[str] = []
    for rid, text, _ in _records(Path(path), fmt, use_asr, use_customer_only, False, redactor):
        ids.append(rid)
        texts.append(text)
    return Unlabelled(ids, texts)


def _resolve(path: Path, fmt: str, use_asr: bool) -> str:
    if fmt not in (AUTO, TEXTS) and fmt not in readers:
        raise IngestError(f"unknown text format {fmt!r} (known: {', '.join(text_formats())})")
    if fmt != AUTO:
        return fmt
    if sniff(path) == "jsonl":
        first = first_json_object(path)
        if first is not None and "utterances" in first:
            return f"{CONVERSATIONS}-asr" if use_asr else CONVERSATIONS
    return TEXTS


def _records(
    path: Path, fmt: str, use_asr: bool, use_customer_only: bool, need_label: bool, redactor: Redactor | None
) -> Iterator[tuple[str, str, str | None]]:
    from coachloop.language.reasons import conversation_text

    redactor = redactor or Redactor()
    fmt = _resolve(path, fmt, use_asr)
    if fmt != TEXTS:
        for item in read_paths([path], fmt, redactor=redactor):
            if isinstance(item, Rejected):
                raise item.error  # read_paths redacted it
            if not isinstance(item, Interaction):
                continue
            text = conversation_text(item.utterances, use_customer_only)
            if not text:
                raise RecordError(
                    "the conversation has no words", file=str(path), field="utterances", record_id=item.id
                )
            label = (item.contact_reason or "").strip() or None
            yield item.id, text, label
        return
    try:
        for record in read_text_table(path, need_label=need_label):
            yield record.id, redactor.redact(record.text), record.label
    except RecordError as e:
        raise RecordError(
            redactor.redact(e.reason), file=e.file, line=e.line, field=e.field, record_id=e.record_id
        ) from None
