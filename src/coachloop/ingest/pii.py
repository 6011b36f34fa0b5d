"""Personal data that a vendor file marks itself, masked before anything else sees it.

Contact Lens and Transcribe Call Analytics can write an unredacted ("Raw") transcript
next to the redacted one, and mark in it where the personal data is: entity lists with
the words and their type, character offsets (chats) or time spans (calls). coachloop's
own redaction does not look for names or addresses, so a raw file's names would be
stored in clear; these helpers replace what the file marks with a typed token
(`[NAME]`, `[ADDRESS]`, else `[PII]`), which evaluation and exports read as redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["has_tokens", "mask_char_spans", "mask_entities", "mask_time_spans", "token_for"]

_OWN_TOKENS = frozenset({"NAME", "ADDRESS"})
_TOKEN = re.compile(r"\[[A-Z_]+\]")


def token_for(kind: object) -> str:
    """The token for a PII type the vendor names (`NAME` -> `[NAME]`, others `[PII]`)."""
    text = str(kind or "").upper()
    return f"[{text}]" if text in _OWN_TOKENS else "[PII]"


def mask_char_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """Replace each (begin, end, token) character span; spans outside the text are ignored."""
    out = text
    for begin, end, token in sorted(spans, key=lambda s: -s[0]):
        if 0 <= begin < end <= len(out):
            out = out[:begin] + token + out[end:]
    return out


def mask_entities(text: str, entities: Iterable[tuple[str, str]]) -> str:
    """Replace every whole-word occurrence of each (words, token) the file marks."""
    out = text
    for words, token in sorted(entities, key=lambda e: -len(e[0])):
        if words.strip():
            out = re.sub(rf"(?<!\w){re.escape(words.strip())}(?!\w)", token, out)
    return out


def mask_time_spans(
    text: str, begin: float, end: float, spans: Sequence[tuple[float, float]], token: str = "[PII]"
) -> str:
    """Replace the words spoken inside the given time spans of a turn.

    A call turn has no per-word times, so each word is placed at its share of the
    turn's duration (by characters); a word that overlaps a span at all is masked, so
    the estimate errs on the side of masking a neighbour rather than leaving a name.
    """
    if not spans or end <= begin:
        return text
    words = list(re.finditer(r"\S+", text))
    if not words:
        return text
    per_char = (end - begin) / max(len(text), 1)
    masked: list[str] = []
    previous_masked = False
    last = 0
    for m in words:
        w_start = begin + m.start() * per_char
        w_end = begin + m.end() * per_char
        hit = any(w_start < s_end and s_start < w_end for s_start, s_end in spans)
        masked.append(text[last : m.start()])
        if hit:
            if not previous_masked:
                masked.append(token)
            elif masked and masked[-1].isspace():
                masked.pop()
        else:
            masked.append(m.group())
        previous_masked = hit
        last = m.end()
    masked.append(text[last:])
    return "".join(masked)


def has_tokens(text: str) -> bool:
    """The text already carries redaction tokens (a redacted file)."""
    return _TOKEN.search(text) is not None
