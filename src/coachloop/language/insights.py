"""Conversation insights stored beside an evaluation: language mix and customer sentiment."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from coachloop.language.langid import default_identifier
from coachloop.language.sentiment import trajectory
from coachloop.model import Insights, Interaction

__all__ = ["insights_of"]

# Tags that are not a language (no words, undetermined).
_NOT_LANGUAGES = frozenset({"und", "xx"})


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@lru_cache(maxsize=20_000)
def _word_languages(text: str) -> tuple[tuple[tuple[str, int], ...], bool]:
    """How many words of `text` are in each language, and whether it switches language.

    Remembered for the last 20,000 distinct texts: agents repeat scripted lines, and a
    text's tags do not depend on anything but the text.
    """
    tag = default_identifier().tag(text)
    counted = Counter(t.lang for t in tag.tokens if t.lang not in _NOT_LANGUAGES)
    return tuple(counted.items()), tag.code_mixed


def insights_of(interaction: Interaction) -> Insights:
    """Tag every utterance's words with their language and follow the customer's sentiment."""
    words: Counter[str] = Counter()
    mixed = turns = 0
    for u in interaction.utterances:
        counted, code_mixed = _word_languages(u.text)
        if not counted:
            continue
        turns += 1
        mixed += code_mixed
        for lang, n in counted:
            words[lang] += n
    total = sum(words.values())
    share = {lang: round(n / total, 3) for lang, n in words.most_common()} if total else {}
    major = [lang for lang, part in share.items() if part >= 0.1]
    language = (
        "-".join(sorted(major, key=lambda lang: (lang == "en", lang)))
        if len(major) > 1
        else (next(iter(share), None))
    )
    path = trajectory(interaction)
    return Insights(
        language=language,
        language_share=share,
        code_mixed_turns=round(mixed / turns, 3) if turns else None,
        sentiment_start=_rounded(path.start),
        sentiment_lowest=_rounded(path.lowest),
        sentiment_end=_rounded(path.end),
        recovered=path.recovered,
        frustration_peaks=[interaction.utterances[p].index for p in path.peaks],
    )
