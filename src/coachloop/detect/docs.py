"""Each registered detector's settings, documented from its pydantic model.

`coachloop rubric detectors` prints this and `docs/detectors.md` is this text (a test
compares them), so the documentation cannot drift from what a rubric file is checked
against: each setting's type, default and description come from the detector's
`Settings` model (descriptions are the attribute docstrings under each field), and each
example behaviour is generated from the same model and validated by it before it is shown.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
import types
import typing
from typing import Any

import yaml
from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

import coachloop.detect  # noqa: F401  (registers the built-in detectors)
from coachloop.detect.base import Detector, DetectorSettings, detectors

__all__ = ["detector_example", "detector_settings", "detectors_markdown"]


def _attribute_docs(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field, through the model's bases (nearest first)."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in itertools.pairwise(body):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[node.target.id] = " ".join(after.value.value.split())
    return docs


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map of {_type_name(args[0])} to {_type_name(args[1])}"
    if annotation is type(None):
        return "none"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if value is None:
        return "none"
    if isinstance(value, list | dict):
        return yaml.safe_dump(value, default_flow_style=True, width=1_000).strip()
    return str(value)


def detector_settings(name: str) -> list[tuple[str, str, str, str]]:
    """(setting, type, default or "required", description) for each of the detector's settings."""
    model = detectors.get(name).Settings
    docs = _attribute_docs(model)
    return [
        (field, _type_name(info.annotation), _default(info), info.description or docs.get(field, ""))
        for field, info in model.model_fields.items()
    ]


def _bounds(info: FieldInfo, annotation: Any) -> list[Any]:
    found = list(info.metadata)
    for arg in typing.get_args(annotation):
        found.extend(typing.get_args(arg)[1:] if typing.get_origin(arg) is typing.Annotated else [])
        if isinstance(arg, FieldInfo):
            found.extend(arg.metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in typing.get_args(annotation)[1:]:
            found.extend(extra.metadata if isinstance(extra, FieldInfo) else [extra])
    return found


def _number(info: FieldInfo, annotation: Any) -> float:
    low, high = 0.0, None
    for bound in _bounds(info, annotation):
        if isinstance(bound, Gt | Ge):
            low = float(typing.cast(float, bound.gt if isinstance(bound, Gt) else bound.ge))
        if isinstance(bound, Lt | Le):
            high = float(typing.cast(float, bound.lt if isinstance(bound, Lt) else bound.le))
    return round((low + high) / 2, 2) if high is not None else max(low, 0.0) + 10.0


def _value(field: str, info: FieldInfo, annotation: Any) -> Any:
    """An example value of `annotation`, valid for ordinary constraints."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _value(field, info, args[0])
    if origin in (typing.Union, types.UnionType):
        return _value(field, info, next(a for a in args if a is not type(None)))
    if origin is list:
        return [_value(field, info, args[0])]
    if origin is dict:
        return {"hi-en": _value(field, info, args[1])}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _example_settings(annotation, nested=True)
    if annotation is bool:
        return True
    if annotation is int:
        return int(_number(info, annotation) if info.is_required() else info.get_default() or 1)
    if annotation is float:
        return _number(info, annotation)
    if any(getattr(m, "pattern", None) for m in info.metadata):
        return f"some_{field}"  # an id another behaviour or event has
    if "regex" in field or "pattern" in field or "introduction" in field:
        return r"\bexample (phrase|wording)\b"
    return "example phrase"


def _example_settings(model: type[BaseModel], nested: bool = False) -> dict[str, Any]:
    """Required settings, then optional ones in order until the model accepts them."""
    fields = model.model_fields
    example = {f: _value(f, i, i.annotation) for f, i in fields.items() if i.is_required()}
    optional = [f for f, i in fields.items() if not i.is_required()]
    if nested and not example and optional:
        first = optional.pop(0)
        example[first] = _value(first, fields[first], fields[first].annotation)
    while True:
        try:
            model.model_validate(example)
            return example
        except ValidationError:
            if not optional:
                raise
        extra = optional.pop(0)
        example[extra] = _value(extra, fields[extra], fields[extra].annotation)


def detector_example(name: str) -> dict[str, Any]:
    """A behaviour using the detector, with settings its model accepts."""
    settings = _example_settings(detectors.get(name).Settings)
    detectors.get(name).Settings.model_validate(settings)
    return {
        "id": f"example_{name}",
        "title": f"An example {name} behaviour",
        "coaching": "What the agent is told when it is missed.",
        "detect": name,
        **settings,
    }


def _own_doc(cls: type, stop: type) -> str | None:
    """The docstring `cls` or one of its bases below `stop` wrote (not pydantic's or ABC's)."""
    for klass in cls.__mro__:
        if klass is stop or not issubclass(klass, stop):
            return None
        doc = klass.__dict__.get("__doc__")
        if doc:
            return inspect.cleandoc(doc)
    return None


def _summary(name: str) -> list[str]:
    """The first paragraph of the detector's docstring, then of its settings model's."""
    cls = detectors.get(name)
    found: list[str] = []
    for doc in (_own_doc(cls, Detector), _own_doc(cls.Settings, DetectorSettings)):
        if doc:
            paragraph = " ".join(doc.split("\n\n")[0].split())
            if paragraph not in found:
                found.append(paragraph)
    return found


def detectors_markdown() -> str:
    """Every detector's settings and an example, as Markdown (`docs/detectors.md`)."""
    lines = [
        "# Detectors",
        "",
        "Generated from each detector's settings model by `coachloop rubric detectors --markdown`;",
        "a test checks this file against it. A behaviour names its detector (`detect: NAME`) and",
        "gives the detector's settings as sibling keys, next to the keys every behaviour has",
        "(`id`, `title`, `coaching`, `speaker`, `window`, `weight`, `critical`, `requires`,",
        "`applies_when`, `training`).",
    ]
    for name in detectors:
        lines += ["", f"## `{name}`", ""]
        for paragraph in _summary(name):
            lines += [paragraph, ""]
        rows = detector_settings(name)
        if rows:
            lines += ["| setting | type | default | what it does |", "|---|---|---|---|"]
            for field, kind, default, text in rows:
                cells = [c.replace("|", "\\|") for c in (kind, default, text)]
                lines.append(f"| `{field}` | " + " | ".join(cells) + " |")
            lines.append("")
        example = yaml.safe_dump([detector_example(name)], sort_keys=False, allow_unicode=True, width=100)
        lines += ["```yaml", example.rstrip(), "```"]
    return "\n".join(lines) + "\n"
