"""Rebuild the language identifier's word lists from installed packages and hand-written files.

Run: python -m coachloop.language.langid.build  (needs `wordfreq`, a build-time dependency
only; the identifier itself reads the generated files with the standard library).

Inputs:
  * wordfreq's English list (Latin-script words) -> `langid_en.tsv.gz`;
  * wordfreq's Hindi list (Devanagari words only: its Roman-script entries mix English
    and Hindi and are left out), every word spelled the ways Hindi is typed in Roman
    script (`langid.romanize`), merged with the hand-written `langid_hi_spellings.tsv`
    -> `langid_hi.tsv.gz`;
  * wordfreq's lists for other Latin-script languages -> `langid_latin.tsv.gz`, used to
    name an utterance that is neither Hindi nor English;
  * character models of English and romanized Hindi spellings -> `langid_chars.json.gz`.

Nothing is read from any labelled Hinglish data set: the word lists are general-purpose
frequencies and the spelling rules and hand lexicon are written for this project, so the
shipped model carries no data under a non-commercial licence. Output is deterministic
(sorted, gzip without timestamps): running the build twice gives identical files.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from coachloop.language.langid.charmodel import CharModel
from coachloop.language.langid.romanize import is_devanagari_word, romanize

__all__ = ["OTHER_LANGUAGES", "RESOURCES", "build", "main", "read_spellings", "read_table"]

RESOURCES = Path(__file__).resolve().parents[1] / "resources"

ENGLISH_WORDS = 40_000
"""Most frequent English words kept (down to about Zipf 2.7, five times in ten million words);
rarer ones are mostly names and foreign words, and 60,000 scored no better on development data."""
HINDI_MIN_ZIPF = 1.0
"""Romanized Hindi spellings rarer than this (Zipf scale) are left out of the file."""
OTHER_LANGUAGES = ("es", "fr", "de", "it", "pt", "nl", "pl", "tr", "id", "sv", "ro")
OTHER_WORDS = 3_000
LOANWORD_RATIO = 0.1
"""A generated Hindi spelling is dropped when English has it at more than this times its
Hindi probability: "film", "pakistan" or "petrol" typed in Roman script are English spellings."""
HAND_SHARE = 0.75
"""Share of a hand-listed word's frequency given to its hand-written spellings."""
HAND_ONLY_FREQUENCY = 1e-6
"""Frequency of a hand-listed Hindi word that wordfreq does not have."""
CHAR_ORDER = 4
CHAR_PRUNE = 2

_ENGLISH_WORD = re.compile(r"^[a-z](?:[a-z']*[a-z])?$")


def _wordfreq() -> Any:
    try:
        return importlib.import_module("wordfreq")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit("the build needs wordfreq: pip install wordfreq==3.1.1") from exc


def zipf(probability: float) -> float:
    """Zipf scale: log10 of occurrences per billion words."""
    return math.log10(probability) + 9.0


def read_table(path: Path) -> Iterator[list[str]]:
    """Rows of a tab-separated resource (plain or gzip), without comments and blank lines."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line.split("\t")


def read_spellings(path: Path = RESOURCES / "langid_hi_spellings.tsv") -> dict[str, list[str]]:
    """Hand-written Devanagari word -> its Roman spellings, most common first (rows merged)."""
    spellings: dict[str, list[str]] = {}
    for row in read_table(path):
        word, variants = row[0], row[1].split()
        known = spellings.setdefault(word, [])
        known.extend(v for v in variants if v not in known)
    return spellings


def _hand_weights(variants: list[str]) -> dict[str, float]:
    raw = [1.0 / (rank + 1) for rank in range(len(variants))]
    total = sum(raw)
    return {v: w / total for v, w in zip(variants, raw, strict=True)}


def english_words(wf: Any) -> dict[str, float]:
    """The most frequent English words, as probabilities, plus the hand-written extras."""
    words: dict[str, float] = {}
    for word, freq in sorted(wf.get_frequency_dict("en").items(), key=lambda kv: (-kv[1], kv[0])):
        if _ENGLISH_WORD.match(word):
            words[word] = freq
            if len(words) >= ENGLISH_WORDS:
                break
    for word, z in read_table(RESOURCES / "langid_en_extra.tsv"):
        words[word] = max(words.get(word, 0.0), 10.0 ** (float(z) - 9.0))
    return words


def hindi_spellings(wf: Any, english: dict[str, float]) -> dict[str, float]:
    """Romanized Hindi spelling -> probability, from Devanagari frequencies.

    A generated spelling that is likelier as an English word than as this Hindi word is
    dropped (फ़िल्म "film", सो "so"): such collisions are loanwords or accidents, and only the
    hand-written list, which knows "to", "me", "main" and "is" are Hindi too, may keep them.
    """
    hand = read_spellings()
    hand_forms = {v for variants in hand.values() for v in variants}
    freqs = {w: f for w, f in wf.get_frequency_dict("hi").items() if is_devanagari_word(w)}
    for word in hand:
        freqs.setdefault(word, HAND_ONLY_FREQUENCY)
    total = sum(freqs.values())
    result: dict[str, float] = {}
    for word, freq in sorted(freqs.items()):
        p_word = freq / total
        generated = dict(romanize(word))
        if word in hand:
            shares = {v: HAND_SHARE * w for v, w in _hand_weights(hand[word]).items()}
            for v, q in generated.items():
                shares[v] = shares.get(v, 0.0) + (1.0 - HAND_SHARE) * q
        else:
            shares = generated
        for spelling, q in shares.items():
            p = p_word * q
            if spelling not in hand_forms and english.get(spelling, 0.0) > LOANWORD_RATIO * p:
                continue
            result[spelling] = result.get(spelling, 0.0) + p
    return {s: p for s, p in result.items() if zipf(p) >= HINDI_MIN_ZIPF}


def other_words(wf: Any) -> dict[str, dict[str, float]]:
    """The most frequent words of each other Latin-script language."""
    result: dict[str, dict[str, float]] = {}
    for language in OTHER_LANGUAGES:
        words: dict[str, float] = {}
        items = sorted(wf.get_frequency_dict(language).items(), key=lambda kv: (-kv[1], kv[0]))
        for word, freq in items:
            if word.isalpha() or ("'" in word and word.replace("'", "").isalpha()):
                words[word] = freq
                if len(words) >= OTHER_WORDS:
                    break
        result[language] = words
    return result


def _write_gzip(path: Path, text: str) -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def _table(header: str, rows: Iterable[tuple[str, ...]]) -> str:
    lines = [f"# {line}" if line else "#" for line in header.strip().splitlines()]
    lines.extend("\t".join(row) for row in rows)
    return "\n".join(lines) + "\n"


def _by_frequency(words: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))


_PROVENANCE = (
    "Generated by `python -m coachloop.language.langid.build` from wordfreq {version}\n"
    "(data CC BY-SA 4.0, see resources/README.md). Columns: {columns}; Zipf = log10 per billion words."
)


def build(out: Path = RESOURCES) -> dict[str, int]:
    """Write every generated resource into `out`; returns the number of entries per file."""
    wf = _wordfreq()
    version = importlib.import_module("importlib.metadata").version("wordfreq")
    english = english_words(wf)
    hindi = hindi_spellings(wf, english)
    others = other_words(wf)

    _write_gzip(
        out / "langid_en.tsv.gz",
        _table(
            _PROVENANCE.format(version=version, columns="word, Zipf"),
            ((w, f"{zipf(p):.2f}") for w, p in _by_frequency(english)),
        ),
    )
    _write_gzip(
        out / "langid_hi.tsv.gz",
        _table(
            _PROVENANCE.format(version=version, columns="romanized Hindi spelling, Zipf")
            + "\nSpellings generated by coachloop.language.langid.romanize plus langid_hi_spellings.tsv.",
            ((w, f"{zipf(p):.2f}") for w, p in _by_frequency(hindi)),
        ),
    )
    _write_gzip(
        out / "langid_latin.tsv.gz",
        _table(
            _PROVENANCE.format(version=version, columns="language, word, Zipf"),
            ((lang, w, f"{zipf(p):.2f}") for lang in OTHER_LANGUAGES for w, p in _by_frequency(others[lang])),
        ),
    )
    chars = {
        "en": CharModel.train(sorted(english), CHAR_ORDER).prune(CHAR_PRUNE).to_json(),
        "hi": CharModel.train(sorted(hindi), CHAR_ORDER).prune(CHAR_PRUNE).to_json(),
    }
    _write_gzip(
        out / "langid_chars.json.gz",
        json.dumps(
            {"source": f"word types of langid_en.tsv.gz and langid_hi.tsv.gz (wordfreq {version})", **chars},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ),
    )
    return {
        "langid_en.tsv.gz": len(english),
        "langid_hi.tsv.gz": len(hindi),
        "langid_latin.tsv.gz": sum(len(v) for v in others.values()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=RESOURCES, help="folder to write (default: the package's)"
    )
    args = parser.parse_args(argv)
    for name, count in build(args.out).items():
        print(f"{name}: {count} entries")
    for path in sorted(args.out.glob("langid_*")):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
