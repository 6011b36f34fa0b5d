"""YAML loading that remembers where every value came from.

Validation errors must point at `rubric.yaml:42 sections[2].behaviors[1].regex`, so the
loader keeps a map from each value's path inside the document to its line number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from coachloop.errors import RubricError

__all__ = ["LocatedDocument", "load_located", "path_string"]

PathKey = tuple[str | int, ...]


def path_string(path: PathKey) -> str:
    """`("sections", 2, "behaviors", 1, "regex")` -> `sections[2].behaviors[1].regex`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class LocatedDocument:
    """A parsed YAML document with the line of each value, by path."""

    def __init__(self, data: Any, lines: dict[PathKey, int], file: str) -> None:
        self.data = data
        self.lines = lines
        self.file = file

    def line_of(self, path: PathKey) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)

    def error(self, path: PathKey, reason: str) -> RubricError:
        return RubricError(reason, file=self.file, line=self.line_of(path), path=path_string(path) or None)


def _construct(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], file: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = (
                yaml.safe_load(yaml.serialize(key_node))
                if not isinstance(key_node, yaml.ScalarNode)
                else key_node.value
            )
            if not isinstance(key, str):
                raise RubricError(
                    "mapping keys must be strings",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    path=path_string(path) or None,
                )
            if key in out:
                raise RubricError(
                    f"duplicate key {key!r}",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    path=path_string(path) or None,
                )
            out[key] = _construct(value_node, (*path, key), lines, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), lines, file) for i, item in enumerate(node.value)]
    # Scalars: let the safe constructor resolve the tag (int, float, bool, null, str).
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_located(text: str, file: str) -> LocatedDocument:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise RubricError(f"not valid YAML: {err.problem}", file=file, line=line) from None
    except yaml.YAMLError as err:
        raise RubricError(f"not valid YAML: {err}", file=file) from None
    if root is None:
        raise RubricError("the file is empty", file=file)
    lines: dict[PathKey, int] = {}
    data = _construct(root, (), lines, file)
    return LocatedDocument(data, lines, file)


def read_located(path: Path) -> LocatedDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError("no such file", file=str(path)) from None
    except UnicodeDecodeError as err:
        raise RubricError(f"not UTF-8 text (byte {err.start})", file=str(path)) from None
    return load_located(text, str(path))
