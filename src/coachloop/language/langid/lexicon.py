"""The shipped evidence: how likely a Latin-script word is as English and as romanized Hindi.

P(word | language) blends the word's frequency in that language's lexicon with a
character model of its spellings (for words the lexicon lacks), the emission of a
two-state HMM whose decoding is in `langid.decode`. Frequencies come from wordfreq
(English as written, Hindi generated from Devanagari by `langid.romanize`), so nothing
here was fitted to labelled Hinglish data.

The same lexicons name an utterance in another Latin-script language (Spanish, French,
...): `other_language` compares how well each language's word list explains the words.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coachloop.language.langid.charmodel import CharModel
from coachloop.language.langid.romanize import skeleton

__all__ = ["LexiconSettings", "Lexicons", "load_lexicons"]

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
UNKNOWN_WORD = 1e-7
"""Probability of a word a language's list lacks, when comparing languages (Zipf 2: the
lists stop above that), the same for every language so that no list's length favours it."""


@dataclass(frozen=True, slots=True)
class LexiconSettings:
    """The few numbers of the shipped model (chosen on a development half, see the README).

    `char_weight` is the share of probability given to unseen spellings (the character
    model); `skeleton_weight` discounts a match found only after collapsing repeated
    letters ("achhaaa" -> "acha"); `switch_penalty` is the cost, in nats, of changing
    language between neighbouring words, which is what lets "to", "me" or "is" follow
    their neighbours.
    """

    char_weight: float = 0.01
    skeleton_weight: float = 0.3
    switch_penalty: float = 1.5
    other_margin: float = 2.0
    """Mean per-word log-likelihood advantage an other language needs over English and Hindi."""
    other_coverage: float = 0.6
    """Share of an utterance's words another language's list must know to name it."""


def _probabilities(rows: list[tuple[str, str]]) -> dict[str, float]:
    return {word: 10.0 ** (float(z) - 9.0) for word, z in rows}


def _read(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.strip() and not line.startswith("#")]


def _skeletons(words: dict[str, float]) -> dict[str, float]:
    result: dict[str, float] = {}
    for word, p in words.items():
        key = skeleton(word)
        result[key] = result.get(key, 0.0) + p
    return result


class Lexicons:
    """The generated word lists and character models, and the emission they define."""

    def __init__(
        self,
        english: dict[str, float],
        hindi: dict[str, float],
        chars: dict[str, CharModel],
        others: dict[str, dict[str, float]],
        settings: LexiconSettings | None = None,
    ) -> None:
        self.words = {"en": english, "hi": hindi}
        self.skeletons = {"en": _skeletons(english), "hi": _skeletons(hindi)}
        self.chars = chars
        self.others = others
        self.settings = settings or LexiconSettings()
        self._cache: dict[str, tuple[float, float]] = {}
        # Which other languages list each word: one lookup per word to count coverage.
        self._other_index: dict[str, tuple[str, ...]] = {}
        for lang, words in others.items():
            for word in words:
                self._other_index[word] = (*self._other_index.get(word, ()), lang)

    def _log_likelihood(self, form: str, language: str, exact_elsewhere: bool) -> float:
        s = self.settings
        p_word = self.words[language].get(form)
        if p_word is None:
            # "achhaaa" may be "acha" lengthened, but a spelling the other lexicon has as
            # it stands ("see", "bill") is that word, not a stretched "se" or "bil".
            p_word = (
                0.0
                if exact_elsewhere
                else s.skeleton_weight * self.skeletons[language].get(skeleton(form), 0.0)
            )
        p_chars = math.exp(self.chars[language].logprob(form))
        return math.log((1.0 - s.char_weight) * p_word + s.char_weight * p_chars)

    def log_likelihoods(self, form: str) -> tuple[float, float]:
        """(log P(form | English), log P(form | Hindi)) for a Latin lookup form."""
        cached = self._cache.get(form)
        if cached is not None:
            return cached
        in_en, in_hi = form in self.words["en"], form in self.words["hi"]
        parts = [p for p in form.replace("/", "-").split("-") if p]
        if len(parts) > 1 and not in_en and not in_hi:
            en = hi = 0.0
            for part in parts:
                part_en, part_hi = self.log_likelihoods(part)
                en, hi = en + part_en, hi + part_hi
        else:
            en = self._log_likelihood(form, "en", in_hi)
            hi = self._log_likelihood(form, "hi", in_en)
        if len(self._cache) > 500_000:
            self._cache.clear()
        self._cache[form] = (en, hi)
        return en, hi

    def evidence(self, form: str) -> float:
        """log P(form | English) - log P(form | Hindi): positive when the word looks English."""
        en, hi = self.log_likelihoods(form)
        return en - hi

    def known(self, form: str, language: str) -> bool:
        """Whether the language's word list has this spelling (exactly or without repeats)."""
        return form in self.words[language] or skeleton(form) in self.skeletons[language]

    def other_language(self, forms: Sequence[str]) -> str | None:
        """The other Latin-script language that explains these words better than English and Hindi.

        Each language scores the summed log frequency of the words, an unknown word counting
        as `UNKNOWN_WORD` in every language; a language is named only when it beats both
        English and Hindi by `other_margin` per word and knows at least `other_coverage`
        of the words.
        """
        if not forms or not self.others:
            return None
        s = self.settings
        known: dict[str, int] = {}
        for f in forms:
            for lang in self._other_index.get(f, ()):
                known[lang] = known.get(lang, 0) + 1
        candidates = [lang for lang, n in known.items() if n >= s.other_coverage * len(forms)]
        if not candidates:
            return None
        base = max(
            sum(math.log(self.words[lang].get(f, UNKNOWN_WORD)) for f in forms) for lang in ("en", "hi")
        )
        best: tuple[float, str] | None = None
        for lang in sorted(candidates):
            words = self.others[lang]
            score = sum(math.log(words.get(f, UNKNOWN_WORD)) for f in forms)
            if best is None or score > best[0]:
                best = (score, lang)
        if best is None or (best[0] - base) / len(forms) < s.other_margin:
            return None
        return best[1]


@cache
def load_lexicons(folder: Path = RESOURCES) -> Lexicons:
    """Read the shipped resources once per process (about a second, all offline)."""
    english = _probabilities([(r[0], r[1]) for r in _read(folder / "langid_en.tsv.gz")])
    hindi = _probabilities([(r[0], r[1]) for r in _read(folder / "langid_hi.tsv.gz")])
    others: dict[str, dict[str, float]] = {}
    for lang, word, z in _read(folder / "langid_latin.tsv.gz"):
        others.setdefault(lang, {})[word] = 10.0 ** (float(z) - 9.0)
    with gzip.open(folder / "langid_chars.json.gz", "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    chars = {lang: CharModel.from_json(data[lang]) for lang in ("en", "hi")}
    return Lexicons(english, hindi, chars, others)
