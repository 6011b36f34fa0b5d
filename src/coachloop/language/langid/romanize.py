"""Devanagari Hindi -> the spellings people actually type in Roman script.

Hinglish is written without a standard: है is "hai", "he" or "h", अच्छा is "accha",
"acha" or "achha", बहुत is "bahut" or "bht". No licence-clean list of romanized Hindi
exists, but Hindi word frequencies in Devanagari do (wordfreq), so the romanized Hindi
lexicon is *generated*: every Devanagari word is spelled out with the casual conventions
(inherent vowel dropped where Hindi speakers drop it, long vowels written short or
doubled, v/w, sh/s, ph/f, nasals written or not), each choice weighted, and the most
likely spellings kept. `romanize` returns those spellings with their probabilities.

The rules are the usual ones for Hindi schwa deletion (a word-final inherent vowel is
silent; a medial one is silent between a vowel-consonant and a consonant-vowel,
scanning right to left) and the common chat spellings; nothing here is learned from data.
"""

from __future__ import annotations

import heapq
import unicodedata
from dataclasses import dataclass

__all__ = ["is_devanagari_word", "romanize", "skeleton"]

Alternatives = tuple[tuple[str, float], ...]

_VIRAMA = "\u094d"
_NUKTA = "\u093c"
_ANUSVARA = "\u0902"
_CHANDRABINDU = "\u0901"
_VISARGA = "\u0903"

# Consonants: the spellings they take in chat Hindi, most likely first.
_CONSONANTS: dict[str, Alternatives] = {
    "क": (("k", 1.0),),
    "ख": (("kh", 1.0),),
    "ग": (("g", 1.0),),
    "घ": (("gh", 1.0),),
    "ङ": (("n", 1.0),),
    "च": (("ch", 0.85), ("c", 0.15)),
    "छ": (("ch", 0.55), ("chh", 0.45)),
    "ज": (("j", 1.0),),
    "झ": (("jh", 1.0),),
    "ञ": (("n", 1.0),),
    "ट": (("t", 1.0),),
    "ठ": (("th", 1.0),),
    "ड": (("d", 1.0),),
    "ढ": (("dh", 1.0),),
    "ण": (("n", 1.0),),
    "त": (("t", 1.0),),
    "थ": (("th", 1.0),),
    "द": (("d", 1.0),),
    "ध": (("dh", 1.0),),
    "न": (("n", 1.0),),
    "ऩ": (("n", 1.0),),
    "प": (("p", 1.0),),
    "फ": (("ph", 0.5), ("f", 0.5)),
    "ब": (("b", 1.0),),
    "भ": (("bh", 1.0),),
    "म": (("m", 1.0),),
    "य": (("y", 1.0),),
    "र": (("r", 1.0),),
    "ऱ": (("r", 1.0),),
    "ल": (("l", 1.0),),
    "ळ": (("l", 1.0),),
    "ऴ": (("l", 1.0),),
    "व": (("v", 0.6), ("w", 0.4)),
    "श": (("sh", 0.8), ("s", 0.2)),
    "ष": (("sh", 0.8), ("s", 0.2)),
    "स": (("s", 1.0),),
    "ह": (("h", 1.0),),
}

# Consonant + nukta (precomposed forms decompose to these under NFD/NFC).
_NUKTA_CONSONANTS: dict[str, Alternatives] = {
    "क": (("k", 0.8), ("q", 0.2)),
    "ख": (("kh", 1.0),),
    "ग": (("g", 1.0),),
    "ज": (("j", 0.5), ("z", 0.5)),
    "ड": (("d", 0.6), ("r", 0.4)),
    "ढ": (("dh", 0.6), ("rh", 0.4)),
    "फ": (("f", 0.8), ("ph", 0.2)),
    "य": (("y", 1.0),),
}

# Vowel signs (matras) and independent vowels, by the vowel they write.
_MATRAS = {
    "\u093e": "aa",
    "\u093f": "i",
    "\u0940": "ii",
    "\u0941": "u",
    "\u0942": "uu",
    "\u0943": "ri",
    "\u0944": "ri",
    "\u0945": "e",
    "\u0946": "e",
    "\u0947": "e",
    "\u0948": "ai",
    "\u0949": "o",
    "\u094a": "o",
    "\u094b": "o",
    "\u094c": "au",
}
_INDEPENDENT = {
    "अ": "a",
    "आ": "aa",
    "इ": "i",
    "ई": "ii",
    "उ": "u",
    "ऊ": "uu",
    "ऋ": "ri",
    "ऌ": "li",
    "ऍ": "e",
    "ऎ": "e",
    "ए": "e",
    "ऐ": "ai",
    "ऑ": "o",
    "ऒ": "o",
    "ओ": "o",
    "औ": "au",
}

_VOWEL_SPELLINGS: dict[str, Alternatives] = {
    "a": (("a", 1.0),),
    "aa": (("a", 0.6), ("aa", 0.4)),
    "i": (("i", 1.0),),
    "ii": (("i", 0.55), ("ee", 0.35), ("ii", 0.1)),
    "u": (("u", 1.0),),
    "uu": (("u", 0.55), ("oo", 0.4), ("uu", 0.05)),
    "ri": (("ri", 0.8), ("ru", 0.2)),
    "li": (("li", 1.0),),
    "e": (("e", 1.0),),
    "ai": (("ai", 0.7), ("e", 0.2), ("ae", 0.1)),
    "o": (("o", 1.0),),
    "au": (("au", 0.6), ("o", 0.25), ("ou", 0.15)),
}
# A long vowel at the end of a word is almost always written short ("gaya", "nahi"); a
# final e is also written "y", "ey" or "ay", the Roman Urdu habit ("karty", "usay").
_FINAL_VOWEL_SPELLINGS: dict[str, Alternatives] = {
    **_VOWEL_SPELLINGS,
    "aa": (("a", 0.85), ("aa", 0.15)),
    "ii": (("i", 0.65), ("ee", 0.3), ("ii", 0.05)),
    "e": (("e", 0.82), ("y", 0.08), ("ey", 0.05), ("ay", 0.05)),
}
# e before a final nasal: में "me"/"mein", बातें "baaten"/"baatein".
_NASAL_E_SPELLINGS: Alternatives = (("e", 0.6), ("ei", 0.4))
# The inherent vowel is often written "e" before h (पहले "pehle", कहना "kehna") and in a
# final -ar (अंदर "ander", अगर "ager").
_SCHWA_BEFORE_H: Alternatives = (("a", 0.6), ("e", 0.4))
_SCHWA_BEFORE_FINAL_R: Alternatives = (("a", 0.75), ("e", 0.25))
# An independent vowel after another vowel is often written with a glide: लिए "liye", गई "gayi".
_GLIDE_SPELLINGS: dict[str, Alternatives] = {
    "e": (("ye", 0.55), ("e", 0.45)),
    "ii": (("i", 0.45), ("yi", 0.35), ("ee", 0.2)),
}

_LABIALS = {"प", "फ", "ब", "भ", "म"}
_KEEPS_FINAL_SCHWA = {"र", "य", "व"}


@dataclass(slots=True)
class _Unit:
    """One sound of the word: a consonant, a vowel, the inherent vowel, or a nasal/visarga."""

    kind: str  # "C" consonant, "V" written vowel, "A" inherent vowel, "N" nasal, "H" visarga
    spellings: Alternatives
    vowel: str = ""
    letter: str = ""
    deleted: bool = False


def is_devanagari_word(word: str) -> bool:
    """True when every character is a Devanagari letter or sign (digits and dandas excluded)."""
    return bool(word) and all("\u0900" <= ch <= "\u0963" or "\u0971" <= ch <= "\u097f" for ch in word)


def _parse(word: str) -> list[_Unit]:
    text = unicodedata.normalize("NFD", word)
    units: list[_Unit] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _CONSONANTS:
            nukta = i + 1 < n and text[i + 1] == _NUKTA
            spellings = _NUKTA_CONSONANTS.get(ch, _CONSONANTS[ch]) if nukta else _CONSONANTS[ch]
            j = i + 2 if nukta else i + 1
            # ज्ञ is said "gy".
            if ch == "ज" and not nukta and text[j : j + 2] == _VIRAMA + "ञ":
                units.append(_Unit("C", (("gy", 0.85), ("gn", 0.15)), letter="ज्ञ"))
                j += 2
            else:
                units.append(_Unit("C", spellings, letter=ch))
            if j < n and text[j] == _VIRAMA:
                j += 1
            elif j < n and text[j] in _MATRAS:
                units.append(_Unit("V", (), vowel=_MATRAS[text[j]]))
                j += 1
            else:
                units.append(_Unit("A", (("a", 1.0),), vowel="a"))
            i = j
        elif ch in _INDEPENDENT:
            units.append(_Unit("V", (), vowel=_INDEPENDENT[ch], letter=ch))
            i += 1
        elif ch in (_ANUSVARA, _CHANDRABINDU):
            units.append(_Unit("N", (), letter=ch))
            i += 1
        elif ch == _VISARGA:
            units.append(_Unit("H", (("h", 0.5), ("", 0.5))))
            i += 1
        else:  # avagraha, stray signs: silent
            i += 1
    return units


def _is_vowel(unit: _Unit) -> bool:
    return unit.kind in ("V", "A") and not unit.deleted


def _delete_schwas(units: list[_Unit]) -> None:
    """Hindi schwa deletion: final, then medial VC_CV scanning right to left."""
    vowels = [u for u in units if u.kind in ("V", "A")]
    last = len(units) - 1
    while last >= 0 and units[last].kind in ("N", "H"):
        last -= 1
    if last >= 1 and units[last].kind == "A" and len(vowels) > 1:
        # The final inherent vowel is kept after a cluster ending in र, य or व (मित्र "mitra",
        # वाक्य "vakya"), dropped everywhere else (कार्ड "kard", दोस्त "dost").
        cluster = last >= 2 and units[last - 1].kind == "C" and units[last - 2].kind == "C"
        if not (cluster and units[last - 1].letter in _KEEPS_FINAL_SCHWA):
            units[last].deleted = True
    for k in range(len(units) - 1, -1, -1):
        unit = units[k]
        if unit.kind != "A" or unit.deleted:
            continue
        if k < 2 or k + 2 >= len(units):
            continue
        left_c, left_v = units[k - 1], units[k - 2]
        right_c, right_v = units[k + 1], units[k + 2]
        if left_c.kind == "C" and _is_vowel(left_v) and right_c.kind == "C" and _is_vowel(right_v):
            unit.deleted = True


def _spell_units(units: list[_Unit]) -> list[Alternatives]:
    """Alternatives for every sound left after schwa deletion."""
    slots: list[Alternatives] = []
    last_vowel = max((k for k, u in enumerate(units) if _is_vowel(u)), default=-1)
    for k, unit in enumerate(units):
        if unit.deleted:
            continue
        if unit.kind == "C":
            nxt = units[k + 1] if k + 1 < len(units) else None
            if nxt is not None and nxt.kind == "C" and _geminate(unit.letter, nxt.letter):
                first = nxt.spellings[0][0][:1]
                slots.append(((first, 0.6), ("", 0.4)))
            else:
                slots.append(unit.spellings)
        elif unit.kind in ("V", "A"):
            prev = units[k - 1] if k else None
            after_vowel = prev is not None and (_is_vowel(prev) or prev.kind == "N") and unit.kind == "V"
            if after_vowel and unit.vowel in _GLIDE_SPELLINGS:
                slots.append(_GLIDE_SPELLINGS[unit.vowel])
            elif k == last_vowel and all(u.kind in ("N", "H") or u.deleted for u in units[k + 1 :]):
                nasal = any(u.kind == "N" for u in units[k + 1 :])
                slots.append(
                    _NASAL_E_SPELLINGS if nasal and unit.vowel == "e" else _FINAL_VOWEL_SPELLINGS[unit.vowel]
                )
            elif unit.kind == "A" and k > 0:
                nxt_c = units[k + 1] if k + 1 < len(units) else None
                final_r = (
                    nxt_c is not None
                    and nxt_c.letter == "र"
                    and all(u.deleted or u.kind in ("N", "H") for u in units[k + 2 :])
                )
                if nxt_c is not None and nxt_c.letter == "ह":
                    slots.append(_SCHWA_BEFORE_H)
                elif final_r:
                    slots.append(_SCHWA_BEFORE_FINAL_R)
                else:
                    slots.append(_VOWEL_SPELLINGS[unit.vowel])
            else:
                slots.append(_VOWEL_SPELLINGS[unit.vowel])
        elif unit.kind == "N":
            nxt_c = next((u for u in units[k + 1 :] if u.kind == "C"), None)
            final = all(u.kind in ("N", "H") or u.deleted for u in units[k + 1 :])
            if final or unit.letter == _CHANDRABINDU:
                slots.append((("n", 0.5), ("", 0.5)))
            elif nxt_c is not None and nxt_c.letter in _LABIALS:
                slots.append((("m", 0.5), ("n", 0.4), ("", 0.1)))
            else:
                slots.append((("n", 0.85), ("", 0.15)))
        else:
            slots.append(unit.spellings)
    return slots


_GEMINATE_PAIRS = {
    ("क", "क"), ("क", "ख"), ("ग", "ग"), ("ग", "घ"), ("च", "च"), ("च", "छ"), ("ज", "ज"),
    ("ज", "झ"), ("ट", "ट"), ("ट", "ठ"), ("ड", "ड"), ("ड", "ढ"), ("त", "त"), ("त", "थ"),
    ("द", "द"), ("द", "ध"), ("न", "न"), ("प", "प"), ("प", "फ"), ("ब", "ब"), ("ब", "भ"),
    ("म", "म"), ("ल", "ल"), ("स", "स"), ("य", "य"), ("र", "र"), ("व", "व"),
}  # fmt: skip


def _geminate(first: str, second: str) -> bool:
    return (first, second) in _GEMINATE_PAIRS


def _best_spellings(slots: list[Alternatives], limit: int) -> list[tuple[str, float]]:
    """The `limit` most probable concatenations (a beam over the slots), merged by spelling."""
    beam: list[tuple[float, str]] = [(1.0, "")]
    for alternatives in slots:
        grown = [(p * q, text + s) for p, text in beam for s, q in alternatives]
        beam = heapq.nlargest(limit * 3, grown)
    merged: dict[str, float] = {}
    for p, text in beam:
        if text:
            merged[text] = merged.get(text, 0.0) + p
    return sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


_ROMAN_VOWELS = frozenset("aeiou")


def _drop_short_a(spelling: str) -> str:
    """Chat shorthand: an "a" between two consonants is left out ("raha" -> "rha", "kar" -> "kr")."""
    out = []
    for k, ch in enumerate(spelling):
        if (
            ch == "a"
            and 0 < k < len(spelling) - 1
            and spelling[k - 1] not in _ROMAN_VOWELS
            and spelling[k + 1] not in _ROMAN_VOWELS
        ):
            continue
        out.append(ch)
    return "".join(out)


def _drop_inner_vowels(spelling: str) -> str:
    """Heavier shorthand: every vowel between two consonants left out ("bahut" -> "bht")."""
    out = []
    for k, ch in enumerate(spelling):
        if (
            ch in _ROMAN_VOWELS
            and 0 < k < len(spelling) - 1
            and spelling[k - 1] not in _ROMAN_VOWELS
            and spelling[k + 1] not in _ROMAN_VOWELS
        ):
            continue
        out.append(ch)
    return "".join(out)


SHORTHAND_SHARE = 0.12
"""Probability mass given to vowel-dropped chat shorthand of a word's main spelling."""


def romanize(word: str, limit: int = 6) -> list[tuple[str, float]]:
    """The likely Roman spellings of a Devanagari word with probabilities summing to 1.

    >>> romanize("करना")[0][0]
    'karna'
    """
    units = _parse(word)
    if not units:
        return []
    _delete_schwas(units)
    spellings = _best_spellings(_spell_units(units), limit)
    if not spellings:
        return []
    total = sum(p for _, p in spellings)
    result = {s: (1.0 - SHORTHAND_SHARE) * p / total for s, p in spellings}
    main = spellings[0][0]
    for short, share in ((_drop_short_a(main), 0.7), (_drop_inner_vowels(main), 0.3)):
        if short != main and len(short) >= 2:
            result[short] = result.get(short, 0.0) + SHORTHAND_SHARE * share
    norm = sum(result.values())
    return sorted(((s, p / norm) for s, p in result.items()), key=lambda kv: (-kv[1], kv[0]))


def skeleton(word: str) -> str:
    """A spelling with repeated letters collapsed ("rhii" -> "rhi", "accha" -> "acha").

    Chat spelling lengthens and doubles letters freely, so lookups fall back to this form.
    """
    out: list[str] = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)
