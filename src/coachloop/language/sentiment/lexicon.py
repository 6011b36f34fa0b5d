"""The word lists behind `coachloop.language.sentiment`, and how text becomes their tokens.

Sources, merged into one table per role (later ones win):

1. VADER's English lexicon (about 7,500 words, slang and emoticons rated by people on a
   -4..+4 scale) and its grammar lists (intensifiers, negations, idioms), read from the
   installed `vaderSentiment` package (MIT licence, C.J. Hutto): nothing is downloaded.
2. `sentiment.words.CONTACT_CENTER_EN`: contact-center corrections, written by hand
   (answers, politeness and banking products neutralised; a few complaint words added).
3. `sentiment.words.HINDI`: a Hindi and romanized Hindi (Hinglish) lexicon written by
   hand, valences copied from VADER's rating of the English gloss.
4. Below: Hindi grammar words (intensifiers, dampeners, negations that follow the word
   they negate, contrast) and frustration cues, written by hand for coachloop.

Text is tokenised like `coachloop.detect.text.normalize` (lower case, apostrophes
dropped, other punctuation a word break), so a conversation normalised once for the
rubric matcher can be scored without normalising it again. Devanagari is also written
without nukta and with anusvara for chandrabindu: people type both ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

from vaderSentiment import vaderSentiment as vader  # type: ignore[import-untyped]

from coachloop.language.sentiment.words import CONTACT_CENTER_EN, HINDI
from coachloop.textnorm import NOISE_WORDS, WORD_MARKS, drop_apostrophes

__all__ = [
    "B_INCR",
    "NOISE_WORDS",
    "N_SCALAR",
    "Cue",
    "SentimentLexicon",
    "fold_devanagari",
    "load_lexicon",
    "tokens",
]

B_INCR: float = vader.B_INCR
"""How much an intensifier adds to the valence of the word it modifies (VADER's 0.293)."""
N_SCALAR: float = vader.N_SCALAR
"""What a negation multiplies a valence by (VADER's -0.74: "not good" is mildly bad)."""

# Hindi grammar words. Intensifiers precede the word as in English ("bahut bura").
_INTENSIFIERS = (
    "bahut bohot bahot bohat bhot bahoot bht kaafi kafi ekdum bilkul itna itni itne zyada jyada "
    "zyaada jyaada sabse behad atyant बहुत काफी एकदम बिल्कुल बिलकुल इतना इतनी ज्यादा सबसे बेहद"
)
_DAMPENERS = "thoda thodi thode zara थोड़ा थोड़ी जरा"
HINDI_BOOSTERS: Mapping[str, float] = {
    **dict.fromkeys(_INTENSIFIERS.split(), B_INCR),
    **dict.fromkeys(_DAMPENERS.split(), -B_INCR),
}
HINDI_NEGATE_AFTER = frozenset({"nahi", "nahin", "nahee", "nhi", "नहीं", "नही"})
"""Hindi negation follows what it negates ("achha nahi hai"). "na" is left out: it is
also the question tag ("theek hai na?")."""
CONTRAST = frozenset({"but", "lekin", "magar", "parantu", "लेकिन", "मगर", "परंतु"})
"""After a contrast the speaker's real point follows: VADER weighs words before it x0.5, after x1.5."""
NEGATE_NEAR = frozenset({"no"})
"""VADER lets "no" negate only the next two words ("no problem", not "no that's all thanks")."""


# Devanagari folding: nukta letters to their base, chandrabindu to anusvara, joiners out.
_DEVANAGARI = str.maketrans(
    {
        **{chr(c): chr(b) for c, b in zip(range(0x0958, 0x0960), (0x915, 0x916, 0x917, 0x91C, 0x921, 0x922, 0x92B, 0x92F), strict=True)},
        "\u093c": None,
        "\u0901": "\u0902",
        "\u200c": None,
        "\u200d": None,
    }
)  # fmt: skip
_WORD = re.compile(rf"[\w{WORD_MARKS}]+")
# ASCII text (most transcripts) is lower-cased and split at punctuation by one bytes
# translation, several times faster than `str.translate` or a regex.
_ASCII_TABLE = bytes(
    (ord(chr(c).lower()) if chr(c).isalnum() or chr(c) in "_" else 32) if c < 128 else c for c in range(256)
)
_ASCII_DROP = b"'`"


def fold_devanagari(text: str) -> str:
    """Devanagari spelled one way (no nukta, anusvara for chandrabindu); other text unchanged."""
    return text if text.isascii() else text.translate(_DEVANAGARI)


def tokens(text: str) -> list[str]:
    """The words of `text` as the lexicons are keyed: what `normalize(text).split()` gives,
    with Devanagari folded."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE, _ASCII_DROP).decode("ascii").split()
    text = drop_apostrophes(text.lower())
    return _WORD.findall(text.translate(_DEVANAGARI))


class Cue(NamedTuple):
    """A frustration cue: a pattern over padded normalised text, tried only when one of its
    anchor words is in the utterance (most utterances have none, so most pay nothing)."""

    name: str
    weight: float
    anchors: frozenset[str]
    pattern: re.Pattern[str]


def _cue(name: str, weight: float, anchors: str, pattern: str) -> Cue:
    # Patterns are written in the tokens' own form; folding keeps Devanagari ones in step.
    return Cue(
        name, weight, frozenset(fold_devanagari(anchors).split()), re.compile(fold_devanagari(pattern))
    )


# Frustration that is not (only) a negative word: repeated contact, waiting, nothing
# resolved, asking for someone else, exasperation. Weights are how sure a cue alone is;
# several combine as independent evidence. Text is padded, so " x " is the whole word x.
CUES_EN: tuple[Cue, ...] = (
    # Repeated contact.
    _cue("nth_time", 0.7, "time", r" (?:second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|umpteenth|hundredth|millionth|nth) time "),
    _cue("many_times", 0.6, "times", r" (?:three|four|five|six|ten|several|multiple|many|countless|dozen|hundred|million) times "),
    _cue("how_many_times", 0.8, "times", r" how many (?:more )?times "),
    _cue("already_told", 0.6, "already", r" already (?:called|rang|told|explained|gave|given|sent|tried|spoke|spoken|talked|asked|done|did|been through) |(?: told| explained| asked)(?: you| this| that| it)? already "),
    _cue("again_and_again", 0.7, "again over every each keep keeps kept", r" (?:again and again|over and over|(?:every|each) time i (?:call|try|ring|phone)|i keep (?:calling|having to|getting|trying)|keeps? (?:happening|failing|declining|getting declined|getting blocked)) "),
    _cue("calling_again", 0.5, "again", r" (?:calling|call|ringing|phoning) (?:you )?(?:back )?again "),
    # Waiting.
    _cue("been_waiting", 0.7, "waiting hold holding stuck trying", r" (?:ive|i have|weve|we have|have|has|hes|shes) been (?:waiting|on hold|holding|stuck|sitting on hold|trying to (?:get|reach|call|contact|sort|fix|resolve)) "),
    _cue("waited_long", 0.5, "waited waiting hold wait", r" (?:waited|waiting|on hold|wait) (?:for |over |more than |nearly |almost )?(?:an hour|hours|ages|forever|so long|too long|weeks|days|months|\S+ (?:minutes|mins)) "),
    _cue("how_long_wait", 0.6, "long", r" how (?:much )?long (?:do|am|will|should|have) i (?:have to |got to |need to )?(?:wait|be waiting|keep waiting) "),
    _cue("takes_forever", 0.6, "forever long ages", r" (?:taking|takes|took|take) (?:so long|too long|forever|ages) "),
    # Nothing resolved.
    _cue("still_not", 0.7, "still", r" still (?:havent|hasnt|have not|has not|not|dont|didnt|did not|cant|cannot|doesnt|does not|isnt|wasnt|wont|no|nothing|nobody|no one|waiting) "),
    _cue("nobody_helped", 0.6, "nobody noone one", r" (?:nobody|noone|no one) (?:has |ever |even )?(?:called|calls|got back|gets back|helped|helps|fixed|responded|answered|answers|listens|listened|cares|bothered|told me|explained) "),
    _cue("never_got", 0.5, "never", r" never (?:got|get|received|receive|heard|hear|called|came|arrived|fixed|resolved|happened|answered) "),
    _cue("not_resolved", 0.5, "resolved fixed sorted solved done", r" (?:not|never|isnt|wasnt|hasnt been|havent been|still not) (?:been )?(?:resolved|fixed|sorted|solved) | nothing (?:has been|was|is|got|ever gets) (?:done|fixed|resolved|sorted) "),
    # Asking for someone else, or to complain.
    _cue("ask_manager", 0.9, "manager supervisor senior boss superior lead leader someone somebody higher", r" (?:speak|talk|speaking|talking|transfer me|put me through|connect me|get me|give me) (?:to |with |through to )?(?:your |a |the |my |an )?(?:manager|supervisor|senior|boss|superior|team leader|team lead|someone (?:else|higher|senior|in charge)|somebody (?:else|higher|in charge)|higher up) | (?:want|need|demand) (?:a|your|the|to speak to a|to speak to your|to talk to a|to talk to your) (?:manager|supervisor) "),
    _cue("complain", 0.8, "complaint complain", r" (?:file|make|lodge|raise|register|put in|submit) (?:a |an )?(?:formal |official )?complaint | (?:want|wanna|like|going|gonna|will|ll) (?:to )?complain "),
    _cue("switch_banks", 0.7, "banks bank elsewhere business", r" (?:switch|switching|move|moving|take|taking) (?:my (?:money|business|account|accounts) )?(?:to another bank|elsewhere|banks) "),
    _cue("close_account", 0.4, "account accounts", r" (?:close|cancel|closing|cancelling|canceling) (?:my |all my |this )?accounts? "),
    _cue("escalate", 0.7, "escalate escalated escalating escalation", r" escalat\w* "),
    _cue("legal", 0.8, "lawyer attorney ombudsman legal sue suing regulator report", r" (?:lawyer|(?<!power of )attorney|ombudsman|legal action|sue you|suing|regulator|report you) "),
    # Exasperation.
    _cue("exasperated", 0.7, "ridiculous unacceptable outrageous absurd pathetic useless incompetent unbelievable insane disgraceful disgusting appalling shocking laughable infuriating frustrating frustrated furious livid seething fuming humiliating", r" (?:ridiculous|unacceptable|outrageous|absurd|pathetic|useless|incompetent|unbelievable|insane|disgraceful|disgusting|appalling|shocking|laughable|infuriating|frustrating|frustrated|furious|livid|seething|fuming|humiliating) "),
    _cue("fed_up", 0.8, "fed sick tired enough tether wits", r" (?:fed up|sick (?:and tired )?of|tired of|had enough|enough is enough|had it with|end of my tether|at my wits end) "),
    _cue("waste_of_time", 0.7, "waste wasting wasted", r" (?:waste|wasting|wasted) (?:of )?(?:my |our |your )?(?:time|whole day|morning|afternoon|hours?) "),
    _cue("joke", 0.6, "joke kidding joking serious", r" (?:this|it|that|thats|its) (?:is )?(?:a |such a |an absolute |a complete |a total )?joke | are you (?:kidding|joking|serious) | (?:must|gotta|got to) be (?:kidding|joking) | youre (?:kidding|joking) "),
    _cue("disbelief", 0.6, "believe going hell heck hard always", r" (?:i cant believe|i can not believe|i cannot believe|what is going on|whats going on|what the (?:bloody )?(?:hell|heck)|why is this so hard|why (?:is|does) (?:this|it) always) "),
    _cue("bad_service", 0.6, "worst terrible horrible awful poor lousy bad", r" (?:worst|terrible|horrible|awful|poor|lousy|bad) (?:service|customer service|bank|experience|support) "),
)  # fmt: skip
CUES_HI: tuple[Cue, ...] = (
    # Romanized Hindi.
    _cue("kitni_baar", 0.8, "baar bar dafa dafaa baari", r" (?:kitni|kitne|kai|har) (?:baar|bar|dafa|dafaa|baari) "),
    _cue("teesri_baar", 0.7, "baar bar dafa", r" (?:doosri|dusri|teesri|tisri|chauthi|chouthi|paanchvi|panchvi) (?:baar|bar|dafa) "),
    _cue("baar_baar", 0.7, "baar bar phir fir dobara dubara", r" (?:baar baar|bar bar|(?:phir|fir) se (?:call|phone)|(?:dobara|dubara) (?:call|phone)) "),
    _cue("kab_tak", 0.6, "tak", r" kab tak "),
    _cue("abhi_tak_nahi", 0.7, "tak", r" (?:abhi|ab) tak (?:\S+ ){0,4}(?:nahi|nahin|nhi) "),
    _cue("manager_se", 0.9, "manager supervisor senior boss head incharge", r" (?:manager|supervisor|senior|boss|head|incharge) (?:se|ko) (?:baat|bulao|bulaiye|bulayiye|connect|transfer|do|dijiye|dijie|milao|milaiye) "),
    _cue("shikayat", 0.8, "complaint shikayat shikaayat", r" (?:complaint|shikayat|shikaayat) (?:karunga|karungi|karenge|kar dunga|kar dungi|kar denge|karni hai|karna hai|darj|file|likhwa|likhwani) "),
    _cue("tang_aa_gaya", 0.8, "tang pak thak", r" (?:tang|pak|thak) (?:aa |a )?(?:gaya|gayi|gai|gaye|chuka|chuki|chuke) "),
    _cue("had_hai", 0.6, "had", r" had (?:hai|ho gayi|ho gai|kar di|kar diya) "),
    _cue("time_waste", 0.7, "waste barbaad barbad kharab kharaab", r" (?:time|samay|waqt|vakt) (?:ka )?(?:waste|barbaad|barbad|kharab|kharaab) "),
    _cue("koi_nahi_sunta", 0.7, "sun sunta sunti sunte sunne", r" koi (?:\S+ )?(?:sun|sunta|sunti|sunte|sunne) (?:\S+ )?(?:nahi|nahin|nhi) "),
    _cue("kab_se", 0.5, "se", r" kab se "),
    _cue("intezaar", 0.5, "intezaar intezar intazar wait", r" (?:intezaar|intezar|intazar|wait) kar (?:raha|rahi|rahe) (?:hoon|hun|hu|hain|hai|the|tha|thi) "),
    # Devanagari.
    _cue("kitni_baar_dev", 0.8, "बार दफा", r" (?:कितनी|कितने|कई|हर) (?:बार|दफा) "),
    _cue("teesri_baar_dev", 0.7, "बार दफा", r" (?:दूसरी|तीसरी|चौथी|पांचवी) (?:बार|दफा) "),
    _cue("baar_baar_dev", 0.7, "बार फिर दोबारा", r" (?:बार बार|फिर से (?:कॉल|फोन)|दोबारा (?:कॉल|फोन)) "),
    _cue("kab_tak_dev", 0.6, "तक", r" कब तक "),
    _cue("abhi_tak_nahi_dev", 0.7, "तक", r" (?:अभी|अब) तक (?:\S+ ){0,4}(?:नहीं|नही) "),
    _cue("manager_se_dev", 0.9, "मैनेजर सुपरवाइजर सीनियर अधिकारी", r" (?:मैनेजर|सुपरवाइजर|सीनियर|अधिकारी) (?:से|को) (?:बात|बुलाओ|बुलाइए|बुलाइये|कनेक्ट|दीजिए|दो) "),
    _cue("shikayat_dev", 0.8, "शिकायत कंप्लेंट", r" (?:शिकायत|कंप्लेंट) (?:करूंगा|करूंगी|करेंगे|कर दूंगा|कर दूंगी|करनी है|करना है|दर्ज) "),
    _cue("tang_dev", 0.8, "तंग", r" तंग (?:आ )?(?:गया|गई|गयी|गए|चुका|चुकी) "),
    _cue("had_hai_dev", 0.6, "हद", r" हद (?:है|हो गई|हो गयी|कर दी) "),
    _cue("time_waste_dev", 0.7, "बर्बाद खराब वेस्ट", r" (?:समय|वक्त|टाइम) (?:बर्बाद|खराब|वेस्ट) "),
    _cue("koi_nahi_sunta_dev", 0.7, "सुनता सुनती सुनते सुन", r" कोई (?:\S+ )?(?:सुनता|सुनती|सुनते|सुन) (?:\S+ )?(?:नहीं|नही) "),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SentimentLexicon:
    """Every table the scorer reads, keyed by token."""

    valence: Mapping[str, float]
    """Words with a valence (never zero: a word without one is simply absent)."""
    phrases: Mapping[str, tuple[tuple[tuple[str, ...], float], ...]]
    """Multi-word entries by first word: (the other words, valence), longest first."""
    boosters: Mapping[str, float]
    bigram_boosters: Mapping[tuple[str, str], float]
    negate_before: frozenset[str]
    negate_near: frozenset[str]
    negate_after: frozenset[str]
    contrast: frozenset[str]
    emoticons: Mapping[str, float]
    """VADER's emoticons (":)", "</3"), looked up on the raw whitespace-split text."""
    emoji: Mapping[str, float]
    """Single-character emoji with a valence, from VADER's emoji descriptions."""
    cues: tuple[Cue, ...]
    cue_anchors: Mapping[str, tuple[int, ...]]
    """Anchor word -> indexes into `cues`."""


def _vader_rows() -> list[tuple[str, float]]:
    text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 2:
            rows.append((fields[0], float(fields[1])))
    return rows


def _vader_emoji() -> dict[str, str]:
    text = resources.files("vaderSentiment").joinpath("emoji_utf8_lexicon.txt").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and len(fields[0]) == 1:
            out[fields[0]] = fields[1]
    return out


def _merge(
    rows: Iterable[tuple[str, float]],
    words: dict[str, float],
    phrases: dict[tuple[str, ...], float],
    emoticons: dict[str, float],
) -> None:
    for term, valence in rows:
        term = term.strip()
        key = tokens(term)
        if " " in term and len(key) > 1:
            phrases[tuple(key)] = valence
        elif key == [fold_devanagari(term.lower()).replace("'", "")]:
            words[key[0]] = valence
        else:
            emoticons[term] = valence  # punctuation, maybe around letters: ":)", ":-d", "</3"


@cache
def load_lexicon(vader_only: bool = False) -> SentimentLexicon:
    """The merged tables, read once per process (tens of milliseconds, all offline).

    `vader_only=True` gives VADER's English tables alone, without the contact-center
    corrections, Hindi or frustration cues: that is how the scorer's rules are checked
    against `vaderSentiment` itself.
    """
    words: dict[str, float] = {}
    phrases: dict[tuple[str, ...], float] = {}
    emoticons: dict[str, float] = {}
    _merge(_vader_rows(), words, phrases, emoticons)
    _merge(((k, float(v)) for k, v in vader.SPECIAL_CASES.items()), words, phrases, emoticons)
    if not vader_only:
        _merge(((t, v) for t, v, _ in CONTACT_CENTER_EN), words, phrases, emoticons)
        _merge(((t, v) for t, v, _ in HINDI), words, phrases, emoticons)

    boosters: dict[str, float] = {}
    bigram_boosters: dict[tuple[str, str], float] = {}
    for term, scalar in vader.BOOSTER_DICT.items():
        key = tokens(term)
        if len(key) == 1:
            boosters[key[0]] = scalar
        elif len(key) == 2:
            bigram_boosters[(key[0], key[1])] = scalar
    if not vader_only:
        boosters.update({fold_devanagari(k): v for k, v in HINDI_BOOSTERS.items()})
    # A booster is a modifier, never an item of its own (VADER skips it: "pretty", "so").
    # Numeric chat codes ("143", "187") would give amounts and card digits a sentiment.
    valence = {w: v for w, v in words.items() if v != 0.0 and w not in boosters and not w.isdigit()}

    by_head: dict[str, list[tuple[tuple[str, ...], float]]] = {}
    for words_of, v in phrases.items():
        by_head.setdefault(words_of[0], []).append((words_of[1:], v))
    phrase_table = {
        head: tuple(sorted(entries, key=lambda e: -len(e[0]))) for head, entries in by_head.items()
    }

    # Entries that are not one word ("uh-uh") would make a filler a negation.
    negate_before = frozenset(t[0] for w in vader.NEGATE if len(t := tokens(w)) == 1) - NEGATE_NEAR
    emoji: dict[str, float] = {}
    for char, description in _vader_emoji().items():
        total = sum(valence.get(t, 0.0) for t in tokens(description))
        if total:
            emoji[char] = total
    cues = () if vader_only else CUES_EN + CUES_HI
    anchors: dict[str, list[int]] = {}
    for i, cue in enumerate(cues):
        for a in cue.anchors:
            anchors.setdefault(a, []).append(i)
    return SentimentLexicon(
        valence=valence,
        phrases=phrase_table,
        boosters=boosters,
        bigram_boosters=bigram_boosters,
        negate_before=negate_before,
        negate_near=NEGATE_NEAR,
        negate_after=frozenset() if vader_only else frozenset(map(fold_devanagari, HINDI_NEGATE_AFTER)),
        contrast=frozenset({"but"}) if vader_only else frozenset(map(fold_devanagari, CONTRAST)),
        emoticons=emoticons,
        emoji=emoji,
        cues=cues,
        cue_anchors={a: tuple(ids) for a, ids in anchors.items()},
    )
