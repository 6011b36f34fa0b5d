"""The jobs the CLI (and later the web layer) run: thin shells call these, nothing else.

Each job streams: ingest writes batches in their own transactions (an interrupted run
keeps every finished batch and can simply be run again: re-ingesting an id updates it),
evaluation reads and writes in batches.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

import coachloop.ingest  # noqa: F401  (registers the readers)
from coachloop.errors import CoachloopError, IngestError, RecordError
from coachloop.evaluate import CompiledRubric, applies, evaluate
from coachloop.ingest.checks import interaction_problem
from coachloop.ingest.native import to_native
from coachloop.ingest.records import readers
from coachloop.ingest.redact import Redactor
from coachloop.jobs.rubrics import check_encoder, choose_rubric, default_rubrics
from coachloop.model import ContactReason, Evaluation, Interaction, ReadItem, Rejected, SurveyUpdate
from coachloop.store import QuarantineRow, Store, content_hash

if TYPE_CHECKING:
    from coachloop.language.reasons import ReasonClassifier

__all__ = [
    "EvaluateReport",
    "IngestReport",
    "choose_rubric",
    "default_rubrics",
    "evaluate_store",
    "ingest_paths",
    "read_paths",
    "reason_predictor",
    "replay_quarantine",
]

BATCH = 500
Progress = Callable[[int], None]
"""Called with how many records were just handled."""


@dataclass
class IngestReport:
    files: int = 0
    interactions: int = 0
    updates: int = 0
    surveys: int = 0
    agents: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    """One line per rejected record (file:line field: reason)."""


def _redact_interaction(redactor: Redactor, it: Interaction) -> Interaction:
    """Redact in place: the reader made these objects for us, and most texts do not change."""
    texts = [u.text for u in it.utterances]
    clean = redactor.redact_turns(texts)
    for u, before, after in zip(it.utterances, texts, clean, strict=True):
        if after is not before and after != before:
            u.text = after
    if any(u.alt_text is not None for u in it.utterances):
        # The recogniser's transcript is its own conversation: a turn without one reads as empty.
        clean_alts = redactor.redact_turns([u.alt_text or "" for u in it.utterances])
        for u, after in zip(it.utterances, clean_alts, strict=True):
            if u.alt_text is not None:
                u.alt_text = after
    if it.survey is not None and it.survey.comment:
        it.survey.comment = redactor.redact(it.survey.comment)
    for key, value in it.metadata.items():
        if isinstance(value, str):
            it.metadata[key] = redactor.redact(value)
    return it


def _redact_item(redactor: Redactor, item: ReadItem) -> ReadItem:
    """Nothing reaches the store (or an error message) before it is redacted."""
    if isinstance(item, Interaction):
        return _redact_interaction(redactor, item)
    if isinstance(item, Rejected):
        e = item.error
        error = RecordError(
            redactor.redact(e.reason), file=e.file, line=e.line, field=e.field, record_id=e.record_id
        )
        return Rejected(error, redactor.redact(item.raw), item.format)
    if isinstance(item, SurveyUpdate) and item.survey.comment:
        return SurveyUpdate(
            item.interaction_id, replace(item.survey, comment=redactor.redact(item.survey.comment))
        )
    return item


def _checked(items: Iterable[ReadItem], file: str) -> Iterator[ReadItem]:
    """Apply the checks every interaction must pass; refuse an id seen twice in one file."""
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Interaction):
            problem = interaction_problem(item)
            if problem is None and item.id in seen:
                problem = ("id", f"duplicate id {item.id!r} in this file (the first one was kept)")
            if problem is not None:
                err = RecordError(problem[1], file=file, field=problem[0], record_id=item.id)
                # Checked after parsing, so the record is kept in the native format.
                yield Rejected(err, _native_line(item), format="native")
                continue
            seen.add(item.id)
        yield item


def _native_line(item: Interaction) -> str:
    return orjson.dumps(to_native(item)).decode()


def _reader(fmt: str) -> Callable[[Path], Iterator[ReadItem]]:
    try:
        return readers.get(fmt)
    except KeyError as err:
        raise IngestError(str(err.args[0])) from None


def read_paths(paths: Sequence[Path], fmt: str, *, redactor: Redactor | None = None) -> Iterator[ReadItem]:
    """Every record of `paths` read, checked and redacted as ingest does, without storing.

    For commands that work on files directly (learning a rubric from labelled calls):
    they see exactly what ingest would have stored, and bad records as `Rejected`.
    """
    reader = _reader(fmt)
    redactor = redactor or Redactor()
    for path in paths:
        if not path.exists():
            raise IngestError(f"{path}: no such file")
        for item in _checked(reader(path), str(path)):
            yield _redact_item(redactor, item)


def ingest_paths(
    store: Store,
    paths: Sequence[Path],
    fmt: str,
    *,
    redactor: Redactor | None = None,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> IngestReport:
    """Read, check, redact and store every record of `paths`; bad records go to quarantine.

    Batches are written by one writer thread, in order, while the next batch is read:
    the database driver releases the interpreter while SQLite works, so reading and
    writing overlap. Each batch is one transaction; an interrupted run keeps the batches
    that finished and can be run again.
    """
    _reader(fmt)  # an unknown format fails before anything is read
    redactor = redactor or Redactor()
    report = IngestReport()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="coachloop-writer") as writer:
        writing: Future[None] | None = None
        for path in paths:
            report.files += 1
            pending: list[ReadItem] = []
            for item in read_paths([path], fmt, redactor=redactor):
                pending.append(item)
                if len(pending) >= batch:
                    if writing is not None:
                        writing.result()
                    writing = writer.submit(_flush, store, pending, fmt, report, progress)
                    pending = []
            if pending:
                if writing is not None:
                    writing.result()
                writing = writer.submit(_flush, store, pending, fmt, report, progress)
        if writing is not None:
            writing.result()
    return report


def _flush(
    store: Store, pending: list[ReadItem], fmt: str, report: IngestReport, progress: Progress | None
) -> None:
    stats = store.write(pending, source_format=fmt)
    report.interactions += stats.interactions
    report.updates += stats.updates
    report.surveys += stats.surveys
    report.agents += stats.agents
    report.rejected += stats.quarantined
    report.errors.extend(i.error.message for i in pending if isinstance(i, Rejected))
    if progress is not None:
        progress(len(pending))


def replay_quarantine(
    store: Store, ids: Sequence[int] | None = None, *, progress: Progress | None = None
) -> tuple[IngestReport, list[QuarantineRow]]:
    """Re-read quarantined records (after a fix to them or to coachloop); those still bad go back."""
    rows = store.pop_quarantine(ids)
    report = IngestReport()
    with tempfile.TemporaryDirectory(prefix="coachloop-replay-") as tmp:
        for row in rows:
            path = Path(tmp) / f"q{row.id}.jsonl"
            path.write_text(row.raw + "\n", encoding="utf-8")
            sub = ingest_paths(store, [path], row.format, progress=progress)
            report.interactions += sub.interactions
            report.updates += sub.updates
            report.surveys += sub.surveys
            report.agents += sub.agents
            report.rejected += sub.rejected
            report.errors.extend(sub.errors)
    return report, rows


@dataclass
class EvaluateReport:
    evaluated: int = 0
    skipped: int = 0
    by_rubric: dict[str, int] = field(default_factory=dict)
    auto_failed: int = 0


ReasonPredictor = Callable[[Sequence[Interaction]], list[ContactReason]]
"""Predicts the contact reason of each interaction of a batch (see `reason_predictor`)."""


def reason_predictor(classifier: ReasonClassifier, model: str) -> ReasonPredictor:
    """Predict reasons with a trained classifier, from what the customer said."""
    from coachloop.language.reasons import conversation_text

    def predict(batch: Sequence[Interaction]) -> list[ContactReason]:
        found = classifier.predict([conversation_text(i.utterances) for i in batch]) if batch else []
        return [ContactReason(label, round(confidence, 4), model) for label, confidence in found]

    return predict


def evaluate_store(
    store: Store,
    rubrics: Sequence[CompiledRubric],
    *,
    everything: bool = False,
    explicit: bool = False,
    reasons: ReasonPredictor | None = None,
    insights: bool = False,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> EvaluateReport:
    """Evaluate what is new or changed (or everything) and store the evaluations.

    With `explicit`, every named rubric evaluates every interaction it applies to;
    otherwise each interaction gets the one rubric `choose_rubric` picks. With
    `reasons`, each evaluation carries the predicted contact reason, and an interaction
    whose source gave no reason is matched to rubrics (`applies_to`, `applies_when`)
    by the predicted one. With `insights`, each evaluation also carries the
    conversation's language mix and the customer's sentiment path.
    """
    if not rubrics:
        raise CoachloopError("no rubric to evaluate with")
    check_encoder(rubrics)
    if store.count_interactions() == 0:
        raise CoachloopError("the store holds no interactions yet: run `coachloop ingest FILE...` first")
    pending = {r.name: set(store.pending_evaluation(r.name, r.version, r.fingerprint)) for r in rubrics}
    ids: list[str] | None = None if everything else sorted(set().union(*pending.values()))
    if ids and not explicit and reasons is None:
        # An interaction is pending under every rubric that has not evaluated it, but only
        # the rubric chosen for it matters; the choice reads no utterances, so it is made
        # on the interactions' headers and only the ones due are read whole.
        ids = [
            h.id
            for h in store.iter_headers(ids)
            if (chosen := choose_rubric(rubrics, h)) is not None and h.id in pending[chosen.name]
        ]
    if on_total is not None:
        on_total(store.count_interactions() if ids is None else len(ids))
    report = EvaluateReport()
    chunk: list[Interaction] = []
    for interaction in store.iter_interactions(ids):
        chunk.append(interaction)
        if len(chunk) >= batch:
            _evaluate_chunk(
                store, rubrics, chunk, pending, everything, explicit, reasons, insights, report, progress
            )
            chunk = []
    _evaluate_chunk(store, rubrics, chunk, pending, everything, explicit, reasons, insights, report, progress)
    return report


def _evaluate_chunk(
    store: Store,
    rubrics: Sequence[CompiledRubric],
    chunk: Sequence[Interaction],
    pending: dict[str, set[str]],
    everything: bool,
    explicit: bool,
    reasons: ReasonPredictor | None,
    insights: bool,
    report: EvaluateReport,
    progress: Progress | None,
) -> None:
    if insights:
        from coachloop.language.insights import insights_of
    spoken = [i for i in chunk if i.utterances]
    report.skipped += len(chunk) - len(spoken)
    predicted: list[ContactReason | None] = (
        list(reasons(spoken)) if reasons is not None else [None] * len(spoken)
    )
    out: list[Evaluation] = []
    superseded: list[tuple[str, str]] = []
    for interaction, reason in zip(spoken, predicted, strict=True):
        digest = content_hash(interaction)
        found = insights_of(interaction) if insights else None
        if reason is not None and interaction.contact_reason is None:
            interaction = replace(interaction, contact_reason=reason.label)
        if explicit:
            chosen = [r for r in rubrics if applies(r.spec.applies_to, interaction)]
        else:
            one = choose_rubric(rubrics, interaction)
            chosen = [one] if one is not None else []
            # Another of these rubrics may have been the choice before the queue (or the
            # reason) changed: its evaluation no longer stands.
            superseded.extend(
                (interaction.id, r.name)
                for r in rubrics
                if r is not one and not r.spec.audit and interaction.id in pending[r.name]
            )
        for rubric in chosen:
            if not everything and interaction.id not in pending[rubric.name]:
                continue
            ev = evaluate(rubric, interaction, input_hash=digest)
            ev.contact_reason = reason
            ev.insights = found
            out.append(ev)
            report.evaluated += 1
            report.auto_failed += ev.auto_failed
            report.by_rubric[rubric.name] = report.by_rubric.get(rubric.name, 0) + 1
        if not chosen:
            report.skipped += 1
    if out or superseded:
        store.save_evaluations(out, superseded)
    if progress is not None:
        progress(len(chunk))
