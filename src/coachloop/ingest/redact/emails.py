"""Ids with letters in them (PAN, UK NI numbers) and email addresses, written or spoken."""

from __future__ import annotations

import re

from coachloop.ingest.redact.common import _BOUNDARY, _END, EMAIL, _Span, _trie

# --- Ids and emails with letters in them -------------------------------------------------

# PAN: five letters, four digits, a letter; the fourth letter is the holder type. UK NI
# number: two letters (never the prefixes HMRC does not issue), six digits, A-D.
_LETTER_ID_RX = re.compile(
    rf"{_BOUNDARY}(?P<id>[a-z]{{3}}[abcefghjlpt][a-z][0-9]{{4}}[a-z]"
    rf"|(?!bg|gb|kn|nk|nt|tn|zz)[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z] ?[0-9]{{2}} ?[0-9]{{2}} ?[0-9]{{2}} ?[a-d]){_END}",
    re.ASCII,
)
_NOT_IN_ADDRESS = r"\s@<>()\[\]{},;:\"'`?!"
_EMAIL_RX = re.compile(
    rf"[{_NOT_IN_ADDRESS}](?P<id>[^{_NOT_IN_ADDRESS}]+@(?:[^{_NOT_IN_ADDRESS}.]+\.)+[^{_NOT_IN_ADDRESS}.]+)",
    re.ASCII,
)
_TLDS = (
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "io",
    "co",
    "me",
    "ai",
    "app",
    "dev",
    "in",
    "uk",
    "us",
    "ca",
    "au",
    "nz",
    "ie",
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "sg",
    "ae",
    "za",
    "jp",
)
_TLD = _trie(dict.fromkeys(_TLDS, ""))
_LABEL = "[a-z0-9]+"
_DOMAIN_DOT = r"(?:[ \t]+dot[ \t]+|\.)"
# The parts are bounded (an address has a few dots, not hundreds), so a long "a dot a dot
# ..." costs a bounded amount at each of its words instead of the rest of the text.
_SPOKEN_EMAIL_RX = re.compile(
    rf"[^a-z0-9_.@\-](?P<id>(?P<local>{_LABEL}(?:(?:[ \t]+(?:dot|underscore|dash|hyphen)[ \t]+|[._\-]){_LABEL}){{0,6}})"
    rf"(?P<at>[ \t]+at[ \t]+|[ \t]*@[ \t]*)"
    rf"(?P<domain>{_LABEL}(?:{_DOMAIN_DOT}{_LABEL}){{0,4}}{_DOMAIN_DOT}{_TLD})){_END}",
    re.ASCII,
)
_SPOKEN_LOCAL_JOIN = re.compile(r"[0-9._\-]|[ \t](?:dot|underscore|dash|hyphen)[ \t]", re.ASCII)
_EMAIL_CONTEXT = re.compile(rf"(?<![a-z0-9_])(?:e-?mail|e mail|mail|address){_END}", re.ASCII)
_MAIL_PROVIDERS = frozenset(
    {
        "gmail",
        "googlemail",
        "yahoo",
        "ymail",
        "hotmail",
        "outlook",
        "live",
        "msn",
        "icloud",
        "me",
        "aol",
        "protonmail",
        "proton",
        "gmx",
        "zoho",
        "rediffmail",
        "mail",
    }
)
# "Visit us at example dot com" names a website, not a mailbox.
_NOT_A_MAILBOX = frozenset(
    {
        "us",
        "it",
        "me",
        "them",
        "him",
        "her",
        "you",
        "site",
        "website",
        "web",
        "online",
        "page",
        "portal",
        "app",
        "there",
        "here",
        "look",
        "find",
        "visit",
        "available",
        "s",
        "re",
        "is",
        "was",
        "or",
        "and",
        "link",
        "store",
        "shop",
        "home",
        "go",
    }
)


def _spoken_email(m: re.Match[str]) -> list[_Span]:
    """Redact "jane dot doe at example dot com" unless it reads like a website."""
    local = m.group("local")
    span = [(m.start("id"), m.end("id"), EMAIL)]
    if local in _NOT_A_MAILBOX:
        return []
    if "@" in m.group("at") or _SPOKEN_LOCAL_JOIN.search(local):
        return span
    if re.split(r"[ \t.]", m.group("domain"), maxsplit=1)[0] in _MAIL_PROVIDERS:
        return span
    if _EMAIL_CONTEXT.search(m.string, 0, m.start()):
        return span
    return []
