"""What the parts of redaction share: the tokens that replace secrets, ASCII lowering,
word tries for the patterns, and replacing matched spans."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

CARD = "[CARD]"
NATIONAL_ID = "[NATIONAL_ID]"
EMAIL = "[EMAIL]"
PHONE = "[PHONE]"


_Trie = dict[str, "_Trie"]


def _trie(words: Mapping[str, str]) -> str:
    """The words as a prefix tree, each followed by its pattern in `words`.

    A failing attempt then costs one test per first letter, where a flat alternation
    tries every word. Both passes try this after every space of the texts they scan, so
    how fast it fails is most of the cost of redacting clean text.
    """
    root: _Trie = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie, path: str) -> str:
        branches = [re.escape(ch) + emit(child, path + ch) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            # Longer words first; the word ending here is the last resort.
            branches.append(words[path])
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root, "")


_BOUNDARY = "[^a-z0-9_]"
_END = "(?![a-z0-9_])"


def _ascii_lower(text: str) -> str:
    """Lower A-Z only, as the patterns' ASCII semantics expect; keeps every offset."""
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


_Span = tuple[int, int, str]
"""Start, end (in the padded text) and the token that replaces them."""


def _replace(rx: re.Pattern[str], text: str, spans: Callable[[re.Match[str]], list[_Span]]) -> str:
    """Match `rx` against " " + the lowered text; replace the spans `spans` picks in `text`."""
    padded = " " + _ascii_lower(text)
    pieces: list[str] = []
    pos = 0
    for m in rx.finditer(padded):
        for start, end, label in spans(m):
            pieces += (text[pos : start - 1], label)
            pos = end - 1
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


def _whole(label: str) -> Callable[[re.Match[str]], list[_Span]]:
    def spans(m: re.Match[str]) -> list[_Span]:
        return [(m.start("id"), m.end("id"), label)]

    return spans
