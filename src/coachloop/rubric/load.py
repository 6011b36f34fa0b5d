"""Reading rubric files: YAML with line numbers, validated by the schema.

Errors read `rubric.yaml:42 sections[2].behaviors[1].title: field required`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from coachloop.errors import RubricError
from coachloop.rubric.schema import RubricSpec
from coachloop.rubric.yamlsource import LocatedDocument, PathKey, read_located

__all__ = ["all_errors", "first_error", "load_spec", "resolve_rubric_path", "shipped_rubrics", "spec_of"]


def first_error(err: ValidationError, doc: LocatedDocument, prefix: PathKey = ()) -> RubricError:
    """The first validation error as a `RubricError` pointing at its line and path."""
    return all_errors(err, doc, prefix)[0]


def all_errors(err: ValidationError, doc: LocatedDocument, prefix: PathKey = ()) -> list[RubricError]:
    """Every validation error, each a `RubricError` pointing at its line and path."""
    return [_located(e, doc, prefix) for e in err.errors(include_url=False)]


def _located(e: ErrorDetails, doc: LocatedDocument, prefix: PathKey) -> RubricError:
    loc = tuple(p for p in e["loc"] if isinstance(p, str | int))
    # Discriminated/union members add their class name to the path; drop those.
    path = tuple(p for p in (*prefix, *loc) if not (isinstance(p, str) and p[:1].isupper()))
    # A setting given as one string where a list is allowed is validated as a list of
    # one: point at the string, not at its "[0]".
    if path and isinstance(path[-1], int) and isinstance(_value_at(doc.data, path[:-1]), str):
        path = path[:-1]
    msg = e["msg"]
    for noise in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(noise)
    if e["type"] == "extra_forbidden":
        msg = "unknown key"
    elif e["type"] == "missing":
        msg = "required key is missing"
    return doc.error(path, msg)


def _value_at(data: object, path: PathKey) -> object:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):  # noqa: SIM114 (mypy narrows each)
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


def load_spec(path: Path) -> tuple[RubricSpec, LocatedDocument]:
    return spec_of(read_located(path))


def spec_of(doc: LocatedDocument) -> tuple[RubricSpec, LocatedDocument]:
    """Validate a parsed rubric document; errors name its file, line and path."""
    if not isinstance(doc.data, dict):
        raise doc.error((), "a rubric file is a mapping (name:, version:, sections: ...)")
    try:
        spec = RubricSpec.model_validate(doc.data)
    except ValidationError as err:
        raise first_error(err, doc) from None
    return spec, doc


def shipped_rubrics() -> dict[str, Path]:
    """The rubrics that come with coachloop, by file stem."""
    folder = resources.files("coachloop") / "rubrics"
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".yaml")}


def resolve_rubric_path(name_or_file: str) -> Path:
    """A path to an existing file, or the name of a shipped rubric."""
    candidate = Path(name_or_file)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.exists():
            raise RubricError("no such file", file=name_or_file)
        return candidate
    shipped = shipped_rubrics()
    key = name_or_file.replace("-", "_")
    if key in shipped:
        return shipped[key]
    raise RubricError(
        f"no rubric named {name_or_file!r} (shipped: {', '.join(sorted(shipped))}); "
        "give a .yaml file to use your own"
    )
