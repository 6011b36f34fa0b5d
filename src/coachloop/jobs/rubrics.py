"""Which rubrics exist and which one evaluates an interaction: shipped and registered alike.

A team registers its own rubric with `register_rubric` (`coachloop rubric add FILE`): the
store keeps the YAML text as given, so every process (CLI, web API, a worker on another
machine) evaluates with the same rubric. A registered rubric with the name of a shipped
one replaces it.

Choosing: among the non-audit rubrics whose `applies_to` holds for an interaction, the
one with the most conditions wins (`Applicability.conditions`); a rubric without
`applies_to` is the fallback. Two rubrics that both apply with as many conditions are an
error naming both: which to use is the team's decision, not an accident of file names.

Editing a rubric without changing its `version`: every evaluation records the rubric's
fingerprint (a hash of what can change an evaluation, derived from the rubric schema:
titles, coaching text and links excluded), and `evaluate` re-evaluates what another
fingerprint produced. Registering edited content under the same version replaces the
registered text, so the next plain `evaluate` re-evaluates with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coachloop.errors import ConfigError, RubricError
from coachloop.evaluate import CompiledRubric, applies, load_rubric
from coachloop.evaluate.compile import compile_text
from coachloop.model import Interaction
from coachloop.rubric.load import shipped_rubrics
from coachloop.store import RegisteredRubric, Store

__all__ = [
    "AmbiguousRubrics",
    "AvailableRubric",
    "available_rubrics",
    "check_encoder",
    "check_rubric_text",
    "choose_rubric",
    "default_rubrics",
    "register_rubric",
    "register_rubric_text",
    "require_evaluated",
    "resolve_rubric",
]


@dataclass(frozen=True, slots=True)
class AvailableRubric:
    rubric: CompiledRubric
    origin: str
    """"shipped", "registered", or "registered (replaces shipped)"."""
    registered: RegisteredRubric | None = None


class AmbiguousRubrics(RubricError):
    """Two rubrics apply to the same interaction with the same number of conditions."""


def _compile_registered(row: RegisteredRubric) -> CompiledRubric:
    return compile_text(row.text, f"{row.source} (registered as {row.name!r})")


def available_rubrics(store: Store | None) -> dict[str, AvailableRubric]:
    """Every rubric by name: the shipped ones, then the store's registered ones over them."""
    found = {name: AvailableRubric(load_rubric(path), "shipped") for name, path in shipped_rubrics().items()}
    for row in store.list_rubrics() if store is not None else []:
        origin = "registered (replaces shipped)" if row.name in found else "registered"
        found[row.name] = AvailableRubric(_compile_registered(row), origin, row)
    return dict(sorted(found.items()))


def default_rubrics(store: Store | None = None) -> list[CompiledRubric]:
    """The rubrics a plain `evaluate` chooses from: shipped and registered, audits aside."""
    return [a.rubric for a in available_rubrics(store).values() if not a.rubric.spec.audit]


def is_rubric_file(name_or_file: str) -> bool:
    """Whether a `--rubric` value names a file (a YAML path, or anything that exists) rather than a rubric."""
    candidate = Path(name_or_file)
    return candidate.suffix in (".yaml", ".yml") or candidate.exists()


def resolve_rubric(store: Store | None, name_or_file: str) -> CompiledRubric:
    """A rubric file, or a registered or shipped rubric by name (registered first)."""
    if is_rubric_file(name_or_file):
        return load_rubric(Path(name_or_file))
    registered = {r.name: r for r in store.list_rubrics()} if store is not None else {}
    key = name_or_file.replace("-", "_")
    for name in (name_or_file, key):
        if name in registered:
            return _compile_registered(registered[name])
    if key in shipped_rubrics() or name_or_file in shipped_rubrics():
        return load_rubric(name_or_file)
    known = sorted({*shipped_rubrics(), *registered})
    raise RubricError(
        f"no rubric named {name_or_file!r} (known: {', '.join(known)}); "
        "give a .yaml file, or register one with `coachloop rubric add FILE`"
    )


def _specificity(rubric: CompiledRubric) -> int:
    applies_to = rubric.spec.applies_to
    return -1 if applies_to is None else applies_to.conditions()


def choose_rubric(rubrics: Sequence[CompiledRubric], interaction: Interaction) -> CompiledRubric | None:
    """The most specific rubric whose `applies_to` holds; the fallback (no `applies_to`)
    only when none does. Audit rubrics are never chosen.

    Raises `AmbiguousRubrics` when the two most specific rubrics that apply have as many
    conditions (two fallbacks included).
    """
    best: CompiledRubric | None = None
    best_rank = -2
    tied: CompiledRubric | None = None
    for r in rubrics:
        if r.spec.audit or not applies(r.spec.applies_to, interaction):
            continue
        rank = _specificity(r)
        if rank > best_rank:
            best, best_rank, tied = r, rank, None
        elif rank == best_rank:
            tied = r
    if best is not None and tied is not None:
        what = "no applies_to" if best_rank < 0 else f"{best_rank} applies_to condition(s)"
        raise AmbiguousRubrics(
            f"interaction {interaction.id!r}: rubrics {best.name!r} and {tied.name!r} both apply, "
            f"each with {what}; make one more specific, mark one `audit: true`, or name one with --rubric"
        )
    return best


def require_evaluated(store: Store, name: str) -> None:
    """Refuse, in one line, a rubric name that no stored evaluation was made with."""
    evaluated = store.evaluated_rubrics()
    if name in evaluated:
        return
    if name in available_rubrics(store):
        raise RubricError(
            f"no evaluations under rubric {name!r} yet: run `coachloop evaluate --rubric {name}`"
        )
    raise RubricError(
        f"no rubric named {name!r} (evaluated: {', '.join(evaluated) or 'none yet'}; "
        f"`coachloop rubric list` shows every rubric)"
    )


def check_encoder(rubrics: Sequence[CompiledRubric], active: str | None = None) -> None:
    """Refuse rubrics whose semantic thresholds were learned with another encoder than the
    one evaluation would use (`COACHLOOP_ENCODER`, or `active`)."""
    from coachloop.language.embeddings import default_encoder_name

    active = active or default_encoder_name()
    for r in rubrics:
        learned_with = r.spec.encoder
        if learned_with is None or learned_with == active:
            continue
        if any(item.spec.detect == "semantic" for item in r.items):
            raise ConfigError(
                f"rubric {r.name!r}: its semantic thresholds were learned with encoder "
                f"{learned_with!r}, but the encoder in use is {active!r}; set "
                f"COACHLOOP_ENCODER={learned_with} or learn the rubric again with {active!r}"
            )


def register_rubric(store: Store, path: Path) -> tuple[RegisteredRubric, RegisteredRubric | None]:
    """Validate the rubric file at `path` and register it under its name.

    Returns the registered rubric and the one it replaced under that name, if any.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError("no such file", file=str(path)) from None
    except UnicodeDecodeError as err:
        raise RubricError(f"not UTF-8 text (byte {err.start})", file=str(path)) from None
    return register_rubric_text(store, text, str(path), source=path.name)


def register_rubric_text(
    store: Store, text: str, where: str, *, source: str
) -> tuple[RegisteredRubric, RegisteredRubric | None]:
    """`register_rubric` for rubric text held in memory (an upload): `where` names it in
    errors, `source` is kept as where it came from."""
    rubric = compile_text(text, where)
    row = RegisteredRubric(
        name=rubric.name,
        version=rubric.version,
        fingerprint=rubric.fingerprint,
        source=source,
        text=text,
        added_at=datetime.now(UTC),
    )
    return row, store.save_rubric(row)


def check_rubric_text(text: str, where: str) -> tuple[list[RubricError], CompiledRubric | None]:
    """Every error in rubric text (what `coachloop rubric check` reports for a file), and
    the compiled rubric when there is none."""
    from coachloop.evaluate.check import rubric_problems

    return rubric_problems(where, text)
