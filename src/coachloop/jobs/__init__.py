"""The jobs the CLI (and later the web layer) run: thin shells call these, nothing else.

Each job streams: ingest writes batches in their own transactions (an interrupted run
keeps every finished batch and can simply be run again: re-ingesting an id updates it),
evaluation reads and writes in batches.
"""

from __future__ import annotations

import re
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
from coachloop.ingest.csv_tables import column_notice
from coachloop.ingest.detect import detect_format
from coachloop.ingest.lines import MAX_RECORD_BYTES, QUARANTINE_KEEP_BYTES
from coachloop.ingest.native import to_native
from coachloop.ingest.records import ReadOptions, reader_for
from coachloop.ingest.redact import RedactionConfig, Redactor
from coachloop.ingest.sources import Sources
from coachloop.jobs.rubrics import check_encoder, choose_rubric, default_rubrics
from coachloop.metrics.snapshot import refresh_existing
from coachloop.model import ContactReason, Evaluation, Interaction, ReadItem, Rejected, SurveyUpdate
from coachloop.store import QuarantineRow, Store, content_hash

if TYPE_CHECKING:
    from coachloop.language.reasons import ReasonClassifier

__all__ = [
    "AUTO",
    "EXIT_NOTHING_STORED",
    "EXIT_SOME_QUARANTINED",
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
AUTO = "auto"
"""The format name that detects each file's format from its shape."""
Progress = Callable[[int], None]
"""Called with how many records were just handled."""


EXIT_SOME_QUARANTINED = 3
"""`coachloop ingest` exit status when some records were stored and some quarantined."""
EXIT_NOTHING_STORED = 4
"""`coachloop ingest` exit status when nothing at all was stored."""


@dataclass
class IngestReport:
    files: int = 0
    interactions: int = 0
    updates: int = 0
    surveys: int = 0
    agents: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    """One line per rejected record (file:line field: reason (id))."""
    formats: dict[str, str] = field(default_factory=dict)
    """The format each file was read as, with why when it was detected (`--format auto`)."""
    roles: list[str] = field(default_factory=list)
    """One line per interaction whose agent side was decided rather than given."""
    warnings: list[str] = field(default_factory=list)
    """Things stored as asked that the user should know (an id given by two files...)."""

    @property
    def stored(self) -> int:
        return self.interactions + self.updates + self.surveys + self.agents

    @property
    def exit_status(self) -> int:
        """0 when everything was stored, `EXIT_SOME_QUARANTINED` when some records were
        quarantined, `EXIT_NOTHING_STORED` when nothing was stored."""
        if self.stored == 0:
            return EXIT_NOTHING_STORED
        return EXIT_SOME_QUARANTINED if self.rejected else 0


_IDENTIFIER_KEY = re.compile(r"(^|_)(id|ids|uri|url|arn|path|file|format|version|key|label|labels)$")
"""Metadata keys whose values are identifiers (ids, storage paths), not speech."""


def _identifier_redactor(redactor: Redactor) -> Redactor:
    """Identifiers are redacted by the rules for identifiers: an email used as an id is
    personal data; a run of digits in an id (an AWS account id in a storage path) is not a
    phone or card number someone said."""
    return Redactor(
        RedactionConfig(
            cards=False, national_ids=False, phones=False, spoken_digits=False, emails=redactor.config.emails
        )
    )


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
    identifiers: Redactor | None = None
    for key, value in it.metadata.items():
        if isinstance(value, str):
            if _IDENTIFIER_KEY.search(key):
                identifiers = identifiers or _identifier_redactor(redactor)
                it.metadata[key] = identifiers.redact(value)
            else:
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
        return Rejected(error, _redact_raw(redactor, item.raw), item.format)
    if isinstance(item, SurveyUpdate) and item.survey.comment:
        return SurveyUpdate(
            item.interaction_id, replace(item.survey, comment=redactor.redact(item.survey.comment))
        )
    return item


def _redact_json_value(redactor: Redactor, value: object, key: str = "") -> object:
    if isinstance(value, str):
        return (_identifier_redactor(redactor) if _IDENTIFIER_KEY.search(key) else redactor).redact(value)
    if isinstance(value, list):
        return [_redact_json_value(redactor, v, key) for v in value]
    if isinstance(value, dict):
        return {k: _redact_json_value(redactor, v, str(k)) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**13:
        # A card number (14-19 digits) written as a JSON number; 13-digit epoch milliseconds
        # and other times are not redacted, so the record stays replayable.
        numbers = Redactor(replace(redactor.config, phones=False, spoken_digits=False, emails=False))
        text = str(value)
        redacted = numbers.redact(text)
        return value if redacted == text else redacted
    return value


def _redact_raw(redactor: Redactor, raw: str) -> str:
    """A quarantined record, redacted: a JSON one value by value (numbers are data, not
    something said, and the record must stay JSON to be replayed), any other as text."""
    stripped = raw.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return redactor.redact(raw)
        option = orjson.OPT_INDENT_2 if "\n" in raw.strip() else 0
        return orjson.dumps(_redact_json_value(redactor, parsed), option=option).decode()
    return redactor.redact(raw)


def _checked(items: Iterable[ReadItem], file: str) -> Iterator[ReadItem]:
    """Apply the checks every interaction must pass; refuse an id seen twice in one file.

    Readers yield a record's rejected parts before the record itself: an interaction that
    follows rejections of its own id is marked partial (`metadata["partial"]`), with what
    was dropped (`metadata["dropped"]`: field, line, reason).
    """
    seen: set[str] = set()
    dropped: dict[str, list[dict[str, object]]] = {}
    for item in items:
        if isinstance(item, Rejected) and item.error.record_id is not None:
            e = item.error
            part: dict[str, object] = {"field": e.field, "reason": e.reason}
            if e.line is not None:
                part["line"] = e.line
            dropped.setdefault(e.record_id or "", []).append(part)
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
            parts = dropped.pop(item.id, None)
            if parts:
                item.metadata["partial"] = True
                item.metadata["dropped"] = parts
        yield item


def _native_line(item: Interaction) -> str:
    return orjson.dumps(to_native(item)).decode()


def _reader(fmt: str, options: ReadOptions | None = None) -> Callable[[Path], Iterator[ReadItem]]:
    try:
        return reader_for(fmt, options)
    except KeyError as err:
        raise IngestError(str(err.args[0])) from None


def _known_format(fmt: str) -> None:
    if fmt != AUTO:
        _reader(fmt)


def _resolve(path: Path, fmt: str) -> tuple[str, str | None]:
    """The format to read `path` with, and why when it was detected."""
    if fmt != AUTO:
        return fmt, None
    found = detect_format(path)
    return found.format, found.why


def read_paths(
    paths: Sequence[Path],
    fmt: str,
    *,
    redactor: Redactor | None = None,
    options: ReadOptions | None = None,
) -> Iterator[ReadItem]:
    """Every record of `paths` read, checked and redacted as ingest does, without storing.

    For commands that work on files directly (learning a rubric from labelled calls):
    they see exactly what ingest would have stored, and bad records as `Rejected`. A file
    that cannot be read at all raises `IngestError` (ingest quarantines it instead).
    """
    _known_format(fmt)
    redactor = redactor or Redactor()
    for path in paths:
        if not path.exists():
            raise IngestError(f"{path}: no such file")
        file_fmt, _why = _resolve(path, fmt)
        for item in _checked(_reader(file_fmt, options)(path), str(path)):
            yield _redact_item(redactor, item)


def _whole_file(path: Path, fmt: str, reason: str) -> Rejected:
    """A file that could not be read at all, quarantined whole to be replayed."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_RECORD_BYTES + 1)
    except OSError:
        data = b""
    if len(data) > MAX_RECORD_BYTES:
        data = data[:QUARANTINE_KEEP_BYTES]
        reason += (
            f" (file over {MAX_RECORD_BYTES // 2**20} MB: first {QUARANTINE_KEEP_BYTES // 1024} KB kept)"
        )
    prefix = f"{path}: "
    reason = reason[len(prefix) :] if reason.startswith(prefix) else reason
    return Rejected(RecordError(reason, file=str(path)), data.decode("utf-8", "replace"), format=fmt)


def _read_file(path: Path, fmt: str, options: ReadOptions | None, redactor: Redactor) -> Iterator[ReadItem]:
    """Every record of one file; a file that cannot be read (or placed) becomes one
    `Rejected` of the whole file and ends its reading, never the batch's."""
    try:
        reader = _reader(fmt, options)
        for item in _checked(reader(path), str(path)):
            yield _redact_item(redactor, item)
    except CoachloopError as err:
        yield _redact_item(redactor, _whole_file(path, fmt, str(err)))
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as err:
        reason = f"could not be read ({type(err).__name__}: {err})"
        yield _redact_item(redactor, _whole_file(path, fmt, reason))


def ingest_paths(
    store: Store,
    paths: Sequence[Path],
    fmt: str,
    *,
    redactor: Redactor | None = None,
    options: ReadOptions | None = None,
    sources: Sources | None = None,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> IngestReport:
    """Read, check, redact and store every record of `paths`; bad records go to quarantine.

    `fmt` is a reader's name or `auto` (each file's format detected from its shape);
    `sources` may set the format and agent side per file (`coachloop.ingest.sources`). A
    file that cannot be read or placed is quarantined whole and the batch goes on; a
    file that does not exist stops the batch before anything is read.

    Batches are written by one writer thread, in order, while the next batch is read:
    the database driver releases the interpreter while SQLite works, so reading and
    writing overlap. Each batch is one transaction; an interrupted run keeps the batches
    that finished and can be run again.
    """
    given = options or ReadOptions()
    settings = {path: sources.for_path(path, fmt, given) if sources else (fmt, given) for path in paths}
    for path_fmt, _options in settings.values():
        _known_format(path_fmt)  # an unknown format fails before anything is read
    for path in paths:
        if not path.exists():
            raise IngestError(f"{path}: no such file")
    redactor = redactor or Redactor()
    report = IngestReport()
    first_file: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="coachloop-writer") as writer:
        writing: Future[None] | None = None
        for path in paths:
            report.files += 1
            asked, file_options = settings[path]
            try:
                file_fmt, why = _resolve(path, asked)
            except CoachloopError as err:
                file_fmt, why = asked, "no format fits: quarantined whole"
                items: Iterable[ReadItem] = [_redact_item(redactor, _whole_file(path, asked, str(err)))]
            else:
                items = _read_file(path, file_fmt, file_options, redactor)
            report.formats[str(path)] = file_fmt + (f" ({why})" if why else "")
            if file_fmt == "csv" and (notice := column_notice(path)) is not None:
                report.warnings.append(notice)
            pending: list[ReadItem] = []
            for item in items:
                if isinstance(item, Interaction):
                    _note_interaction(report, item, str(path), first_file)
                pending.append(item)
                if len(pending) >= batch:
                    if writing is not None:
                        writing.result()
                    writing = writer.submit(_flush, store, pending, file_fmt, report, progress)
                    pending = []
            if pending:
                if writing is not None:
                    writing.result()
                writing = writer.submit(_flush, store, pending, file_fmt, report, progress)
        if writing is not None:
            writing.result()
    refresh_existing(store)  # the columnar snapshot, where one exists (metrics.snapshot)
    return report


def _note_interaction(report: IngestReport, item: Interaction, file: str, first_file: dict[str, str]) -> None:
    earlier = first_file.get(item.id)
    if earlier is not None and earlier != file:
        report.warnings.append(
            f"{file}: interaction {item.id!r} was also in {earlier}; this file's version replaces it"
        )
    first_file.setdefault(item.id, file)
    role = item.metadata.get("agent_role")
    if isinstance(role, dict) and role.get("method") != "given":
        report.roles.append(
            f"{item.id}: agent is {role.get('label')} by {role.get('method')} "
            f"(confidence {role.get('confidence')}): {role.get('reason')}"
        )


def _flush(
    store: Store, pending: list[ReadItem], fmt: str, report: IngestReport, progress: Progress | None
) -> None:
    stats = store.write(pending, source_format=fmt)
    report.interactions += stats.interactions
    report.updates += stats.updates
    report.surveys += stats.surveys
    report.agents += stats.agents
    report.rejected += stats.quarantined
    report.errors.extend(_error_line(i) for i in pending if isinstance(i, Rejected))
    if progress is not None:
        progress(len(pending))


def _error_line(item: Rejected) -> str:
    e = item.error
    rid = e.record_id
    return e.message + (f" (id {rid})" if rid and rid not in e.message else "")


def replay_quarantine(
    store: Store,
    ids: Sequence[int] | None = None,
    *,
    fmt: str | None = None,
    progress: Progress | None = None,
) -> tuple[IngestReport, list[QuarantineRow]]:
    """Re-read quarantined records (after a fix to them or to coachloop), each in the
    format it was quarantined in or in `fmt`; those still bad go back."""
    if fmt is not None:
        _known_format(fmt)
    rows = store.pop_quarantine(ids)
    report = IngestReport()
    with tempfile.TemporaryDirectory(prefix="coachloop-replay-") as tmp:
        for row in rows:
            path = Path(tmp) / f"q{row.id}.jsonl"
            path.write_text(row.raw + "\n", encoding="utf-8")
            sub = ingest_paths(store, [path], fmt or row.format, progress=progress)
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

    def add(self, other: EvaluateReport) -> None:
        self.evaluated += other.evaluated
        self.skipped += other.skipped
        self.auto_failed += other.auto_failed
        for name, n in other.by_rubric.items():
            self.by_rubric[name] = self.by_rubric.get(name, 0) + n


ReasonPredictor = Callable[[Sequence[Interaction]], list[ContactReason]]
"""Predicts the contact reason of each interaction of a batch (see `reason_predictor`)."""


def reason_predictor(classifier: ReasonClassifier, model: str) -> ReasonPredictor:
    """Predict reasons with a trained classifier, from what the customer said."""
    from coachloop.language.reasons import conversation_text

    def predict(batch: Sequence[Interaction]) -> list[ContactReason]:
        found = classifier.predict([conversation_text(i.utterances) for i in batch]) if batch else []
        return [ContactReason(label, round(confidence, 4), model) for label, confidence in found]

    return predict


@dataclass(frozen=True)
class EvaluateSettings:
    """What every batch of an evaluation run is evaluated with: picklable, so that worker
    processes evaluate exactly as the parent would."""

    rubrics: tuple[CompiledRubric, ...]
    everything: bool = False
    explicit: bool = False
    insights: bool = False


@dataclass
class BatchResult:
    evaluations: list[Evaluation] = field(default_factory=list)
    superseded: list[tuple[str, str]] = field(default_factory=list)
    report: EvaluateReport = field(default_factory=EvaluateReport)


def evaluate_store(
    store: Store,
    rubrics: Sequence[CompiledRubric],
    *,
    everything: bool = False,
    explicit: bool = False,
    reasons: str | None = None,
    fast_confidence: float | None = None,
    insights: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> EvaluateReport:
    """Evaluate what is new or changed (or everything) and store the evaluations.

    With `explicit`, every named rubric evaluates every interaction it applies to;
    otherwise each interaction gets the one rubric `choose_rubric` picks. With
    `reasons` (a stored contact-reason model's name), each evaluation carries the
    predicted contact reason, and an interaction whose source gave no reason is matched
    to rubrics (`applies_to`, `applies_when`) by the predicted one. With `insights`, each
    evaluation also carries the conversation's language mix and the customer's
    sentiment path. With `workers` > 1, batches are read and evaluated in that many
    processes while this one writes (see `coachloop.jobs.parallel`).
    """
    if not rubrics:
        raise CoachloopError("no rubric to evaluate with")
    if workers < 1:
        raise CoachloopError("--workers must be 1 or more")
    if reasons is not None:
        from coachloop.jobs.reasons import require_reason_model

        require_reason_model(store, reasons)  # an unknown name fails before anything is read
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
    if ids is None:
        ids = store.interaction_ids()
    if on_total is not None:
        on_total(len(ids))
    settings = EvaluateSettings(tuple(rubrics), everything, explicit, insights)
    report = EvaluateReport()
    chunks = [ids[i : i + batch] for i in range(0, len(ids), batch)]
    if workers > 1 and len(chunks) > 1:
        from coachloop.jobs.parallel import evaluate_in_workers

        results: Iterable[BatchResult] = evaluate_in_workers(
            store, settings, chunks, pending, reasons, fast_confidence, workers
        )
    else:
        predictor = None
        if reasons is not None:
            from coachloop.jobs.reasons import load_reason_model

            predictor = reason_predictor(load_reason_model(store, reasons, fast_confidence), reasons)
        results = (
            evaluate_batch(
                settings, list(store.iter_interactions(chunk)), pending_in(pending, chunk), predictor
            )
            for chunk in chunks
        )
    for chunk, result in zip(chunks, results, strict=True):
        if result.evaluations or result.superseded:
            store.save_evaluations(result.evaluations, result.superseded)
        report.add(result.report)
        if progress is not None:
            progress(len(chunk))
    refresh_existing(store)  # the columnar snapshot, where one exists (metrics.snapshot)
    return report


def pending_in(pending: dict[str, set[str]], chunk: Sequence[str]) -> dict[str, set[str]]:
    """The part of `pending` about `chunk`: what a batch needs, small enough to send to a worker."""
    return {name: due.intersection(chunk) for name, due in pending.items()}


def evaluate_batch(
    settings: EvaluateSettings,
    chunk: Sequence[Interaction],
    pending: dict[str, set[str]],
    reasons: ReasonPredictor | None,
) -> BatchResult:
    """Evaluate one batch of interactions read from the store; nothing is written."""
    if settings.insights:
        from coachloop.language.insights import insights_of
    rubrics, everything, explicit = settings.rubrics, settings.everything, settings.explicit
    result = BatchResult()
    report = result.report
    spoken = [i for i in chunk if i.utterances]
    report.skipped += len(chunk) - len(spoken)
    predicted: list[ContactReason | None] = (
        list(reasons(spoken)) if reasons is not None else [None] * len(spoken)
    )
    for interaction, reason in zip(spoken, predicted, strict=True):
        digest = content_hash(interaction)
        found = insights_of(interaction) if settings.insights else None
        if reason is not None and interaction.contact_reason is None:
            interaction = replace(interaction, contact_reason=reason.label)
        if explicit:
            chosen = [r for r in rubrics if applies(r.spec.applies_to, interaction)]
        else:
            one = choose_rubric(rubrics, interaction)
            chosen = [one] if one is not None else []
            # Another of these rubrics may have been the choice before the queue (or the
            # reason) changed: its evaluation no longer stands.
            result.superseded.extend(
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
            result.evaluations.append(ev)
            report.evaluated += 1
            report.auto_failed += ev.auto_failed
            report.by_rubric[rubric.name] = report.by_rubric.get(rubric.name, 0) + 1
        if not chosen:
            report.skipped += 1
    return result
