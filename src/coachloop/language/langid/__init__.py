"""Which language each word and each utterance is in, for Hindi-English code-switched speech.

Indian contact-center calls switch between Hindi and English inside a sentence
("mera card block ho gaya hai please help"), in Roman script, in Devanagari, or both.
Rubrics, reports and routing need the language of a turn, and whether it is mixed, so
`LanguageIdentifier.tag` labels every whitespace token (`text.split()`, exactly: other
tools align on it) and the whole utterance.

How a token gets its language:

* Devanagari words are Hindi; words in another letter script take that script's
  language (Bengali "bn", Tamil "ta", Arabic "ar"/"ur", Cyrillic "ru", ...).
* Latin-script words are Hindi or English: the shipped model scores each word by its
  frequency in English and in romanized Hindi (generated from Devanagari frequencies,
  see `langid.romanize`, with a character model for unseen spellings), and a Viterbi
  pass over the sentence charges for every switch, so ambiguous words ("to", "me",
  "main", "is", "hi") follow their neighbours. Words in capitals of 2-5 letters
  ("OTP", "KYC") lean English. A model trained on your own labelled data (`fit`,
  `save`, `load`) replaces that scoring; Devanagari words stay Hindi under it.
* An utterance whose Latin words are better explained by another language's word list
  (Spanish, French, German, ...) is tagged in that language, word by word.
* Numerals are labelled by their digits' script (0-9 "en", ०-९ "hi"), and tokens
  without letters or digits (punctuation, emoji) take the language of the word before
  them (after them at the start). Neither counts towards `language` or `code_mixed`.
  (A trained model labels them as its training data did.) Names get no special case:
  they are scored like any word.

`language` is the utterance's only language, or for several the languages joined by
"-" with English last ("hi-en"); "und" (ISO 639-2 "undetermined") when there is no
word at all. `code_mixed` is
True when the words are in more than one language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from coachloop.errors import ConfigError
from coachloop.language import modelfile
from coachloop.language.langid import perceptron
from coachloop.language.langid.decode import viterbi
from coachloop.language.langid.lexicon import Lexicons, load_lexicons
from coachloop.language.langid.perceptron import PerceptronTagger
from coachloop.language.langid.text import Script, TokenInfo, analyze, script_language

__all__ = [
    "LanguageIdentifier",
    "LanguageTag",
    "TokenTag",
    "default_identifier",
    "read_labelled",
    "tag_lines",
]

UNDETERMINED = "und"
ACRONYM_EVIDENCE = 4.0
"""Extra log-likelihood ratio towards English for an all-capitals Latin word of 2-5 letters
("OTP", "UPI", "KYC"): in Hindi-English speech such abbreviations are English, even the
ones too rare for the word list. Not applied to known Hindi spellings ("NAHI" shouted)."""
# Languages that share a script with others, and the script's base language.
_SCRIPT_FAMILY = {"ur": "ar", "fa": "ar", "uk": "ru", "as": "bn", "ja": "zh"}
_SHARED_SCRIPTS = frozenset({"ar", "ru", "bn", "zh"})
_NEG_INF = float("-inf")
_LEXICAL = (Script.LATIN, Script.DEVANAGARI, Script.OTHER)


def _is_acronym(token: str) -> bool:
    if not token.isupper():  # fast path: most words have a lower-case letter
        return False
    letters = [ch for ch in token if ch.isalpha()]
    return 2 <= len(letters) <= 5 and all(ch.isupper() for ch in letters)


@dataclass(slots=True)
class TokenTag:
    """One whitespace token and its ISO 639-1 language code."""

    token: str
    lang: str


@dataclass(slots=True)
class LanguageTag:
    """An utterance: its language (or "hi-en" style when mixed) and every token's language."""

    text: str
    language: str
    code_mixed: bool
    tokens: list[TokenTag] = field(default_factory=list)

    def to_record(self) -> dict[str, object]:
        """The JSON Lines record of `coachloop language tag`."""
        return {
            "text": self.text,
            "language": self.language,
            "code_mixed": self.code_mixed,
            "tokens": [{"token": t.token, "lang": t.lang} for t in self.tokens],
        }


def _utterance_language(languages: Sequence[str]) -> tuple[str, bool]:
    """The utterance label from its words' languages: the only one, or all joined, English last."""
    counts = Counter(languages)
    if not counts:
        return UNDETERMINED, False
    if len(counts) == 1:
        return next(iter(counts)), False
    first_seen = {lang: i for i, lang in reversed(list(enumerate(languages)))}
    ordered = sorted(counts, key=lambda lang: (lang == "en", -counts[lang], first_seen[lang]))
    return "-".join(ordered), True


_GREETINGS = frozenset({"hi", "hii", "hey"})


def _english_greeting(infos: Sequence[TokenInfo], labels: list[str | None]) -> None:
    """ "Hi" opening an English turn (or alone) is the English greeting, not Hindi "hi" (also):
    a call that starts "Hi, thank you for calling" is not code-mixed."""
    if not labels or labels[0] != "hi" or infos[0].form not in _GREETINGS:
        return
    following = next(
        (lb for lb, info in zip(labels[1:], infos[1:], strict=True) if info.script in _LEXICAL), None
    )
    if following in (None, "en"):
        labels[0] = "en"


class LanguageIdentifier:
    """Tags utterances with per-token and per-utterance languages.

    Built on the shipped lexicons; `fit` trains a sequence model on labelled sentences of
    your own (it keeps the lexicons as features), `save`/`load` keep it.
    """

    def __init__(self, lexicons: Lexicons | None = None, tagger: PerceptronTagger | None = None) -> None:
        self.lexicons = lexicons if lexicons is not None else load_lexicons()
        self.tagger = tagger
        self.tagger_: PerceptronTagger | None = None
        """The sequence model `fit` trained (scikit-learn style: `tagger` is what was given)."""

    @property
    def _tagger(self) -> PerceptronTagger | None:
        return self.tagger_ if self.tagger_ is not None else self.tagger

    # -- tagging ----------------------------------------------------------------------

    def tag(self, text: str) -> LanguageTag:
        """Label every token of `text.split()` and the utterance as a whole."""
        tokens = text.split()
        infos = [analyze(t) for t in tokens]
        labels: list[str | None] = [None] * len(tokens)
        if self._tagger is not None:
            self._decode_trained(tokens, infos, labels)
        else:
            self._decode_lexicon(tokens, infos, labels)
        self._other_scripts(tokens, infos, labels)
        self._other_latin_language(infos, labels)
        self._fill_from_neighbours(labels)
        _english_greeting(infos, labels)
        final = [label or UNDETERMINED for label in labels]
        language, mixed = _utterance_language(
            [lang for lang, info in zip(final, infos, strict=True) if info.script in _LEXICAL]
        )
        return LanguageTag(
            text=text,
            language=language,
            code_mixed=mixed,
            tokens=[TokenTag(t, lang) for t, lang in zip(tokens, final, strict=True)],
        )

    def tag_many(self, texts: Iterable[str]) -> list[LanguageTag]:
        """`tag` over many texts (word scores are cached across them)."""
        return [self.tag(text) for text in texts]

    def _decode_lexicon(
        self, tokens: Sequence[str], infos: Sequence[TokenInfo], labels: list[str | None]
    ) -> None:
        """Shipped model: HMM over Latin and Devanagari words, lexicon evidence as emissions."""
        chain: list[int] = []
        emissions: list[tuple[float, float]] = []
        for i, info in enumerate(infos):
            if info.script is Script.LATIN and info.form:
                evidence = self.lexicons.evidence(info.form)
                if _is_acronym(tokens[i]) and not self.lexicons.known(info.form, "hi"):
                    evidence += ACRONYM_EVIDENCE
                half = evidence / 2.0
                chain.append(i)
                emissions.append((half, -half))
            elif info.script is Script.DEVANAGARI:
                chain.append(i)
                emissions.append((_NEG_INF, 0.0))
            elif info.script is Script.DIGITS:
                labels[i] = info.language
        penalty = -self.lexicons.settings.switch_penalty
        path = viterbi(emissions, [[0.0, penalty], [penalty, 0.0]])
        for i, k in zip(chain, path, strict=True):
            labels[i] = ("en", "hi")[k]

    def _decode_trained(
        self, tokens: Sequence[str], infos: Sequence[TokenInfo], labels: list[str | None]
    ) -> None:
        """Trained model: every token but other-script words in one sequence; Devanagari stays Hindi."""
        tagger = self._tagger
        assert tagger is not None
        positions = [i for i, info in enumerate(infos) if info.script is not Script.OTHER]
        if not positions:
            return
        tagger_labels = tagger.labels
        allowed = None
        if "hi" in tagger_labels:
            allowed = [
                [label == "hi" or infos[i].script is not Script.DEVANAGARI for label in tagger_labels]
                for i in positions
            ]
        predicted = tagger.predict([tokens[i] for i in positions], allowed)
        for i, label in zip(positions, predicted, strict=True):
            labels[i] = label

    @staticmethod
    def _other_scripts(tokens: Sequence[str], infos: Sequence[TokenInfo], labels: list[str | None]) -> None:
        """Words in other scripts take their script's language, decided once per utterance.

        Urdu and Arabic (or Russian and Ukrainian) share most letters; one word with an
        Urdu-only letter makes the whole utterance's Arabic-script words Urdu.
        """
        families: dict[str, list[int]] = {}
        for i, info in enumerate(infos):
            if info.script is Script.OTHER:
                families.setdefault(_SCRIPT_FAMILY.get(info.language, info.language), []).append(i)
        for base, positions in families.items():
            language = base
            if base in _SHARED_SCRIPTS:
                language = script_language("".join(tokens[i] for i in positions)) or base
            for i in positions:
                labels[i] = language

    def _other_latin_language(self, infos: Sequence[TokenInfo], labels: list[str | None]) -> None:
        """Relabel the Latin words when the utterance is in another Latin-script language."""
        if any(info.script is Script.DEVANAGARI for info in infos):
            return
        latin = [i for i, info in enumerate(infos) if info.script is Script.LATIN and info.form]
        if not latin:
            return
        other = self.lexicons.other_language([infos[i].form for i in latin])
        if other is not None:
            for i in latin:
                labels[i] = other

    @staticmethod
    def _fill_from_neighbours(labels: list[str | None]) -> None:
        """Tokens with no language of their own take the previous word's (the next one's at the start)."""
        previous: str | None = None
        for i, label in enumerate(labels):
            if label is None:
                labels[i] = previous
            else:
                previous = label
        following: str | None = None
        for i in range(len(labels) - 1, -1, -1):
            if labels[i] is None:
                labels[i] = following
            else:
                following = labels[i]

    # -- training and persistence -----------------------------------------------------

    def fit(
        self,
        sentences: Iterable[Sequence[tuple[str, str]]],
        epochs: int = 8,
        seed: int = 13,
    ) -> LanguageIdentifier:
        """Train a sequence model on (token, language) sentences; returns self.

        Labels are lower-cased ISO codes ("HI" -> "hi"). The lexicons' evidence is one of
        the features, so a few thousand sentences of your own data are enough to adapt to
        your spellings and labelling conventions.
        """
        data = [[(token, label.lower()) for token, label in sentence] for sentence in sentences]
        self.tagger_ = PerceptronTagger.train(
            [s for s in data if s], evidence=self.lexicons.evidence, epochs=epochs, seed=seed
        )
        return self

    def save(self, path: str | Path) -> Path:
        """Write the trained model (`.npz`, as every coachloop model: `modelfile`); the path written."""
        tagger = self._tagger
        if tagger is None:
            raise ConfigError("nothing to save: the shipped model is built in; call fit() first")
        return modelfile.write(path, tagger.to_bytes())

    @classmethod
    def load(cls, path: str | Path) -> LanguageIdentifier:
        """An identifier using a model written by `save` (with the shipped lexicons)."""
        lexicons = load_lexicons()
        data = modelfile.read(path, perceptron.WHAT)
        return cls(lexicons, PerceptronTagger.from_bytes(data, evidence=lexicons.evidence, source=str(path)))


@cache
def default_identifier() -> LanguageIdentifier:
    """The shipped identifier, loaded once per process from package files (no network)."""
    return LanguageIdentifier()


def tag_lines(
    lines: Iterable[str], identifier: LanguageIdentifier | None = None
) -> Iterator[dict[str, object]]:
    """One `coachloop language tag` record per input line (line ends stripped, blank lines kept)."""
    ident = identifier if identifier is not None else default_identifier()
    for line in lines:
        yield ident.tag(line.rstrip("\r\n")).to_record()


def read_labelled(lines: Iterable[str]) -> Iterator[list[tuple[str, str]]]:
    """Sentences from "token<TAB>label" lines with blank lines between sentences (CoNLL style).

    The format of common code-mixed language identification sets, and what `fit` takes.
    """
    sentence: list[tuple[str, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if sentence:
                yield sentence
                sentence = []
            continue
        token, sep, label = line.rpartition("\t")
        if not sep or not token or not label.strip():
            raise ValueError(f"line {number}: expected 'token<TAB>label', got {line!r}")
        sentence.append((token, label.strip()))
    if sentence:
        yield sentence
