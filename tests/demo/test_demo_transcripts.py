"""Transcripts are well formed and say exactly what truth says happened."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from statistics import mean

import pytest

from coachloop.demo.people import build_staff
from coachloop.demo.phrases import BEHAVIORS, NEXT_STEPS, PHRASES, REQUESTS, phrases_for
from coachloop.demo.pii import luhn_valid
from coachloop.demo.plan import CallPlan, plan_calls
from coachloop.demo.scripts import template_context
from coachloop.demo.truth import CallTruth
from coachloop.demo.world import GENERIC_EXCHANGES, REASONS
from coachloop.model import Channel, Interaction, Speaker

from .conftest import Demo

# Phrases a plain lexical rubric would look for; paraphrases are built to avoid them.
STEMS: dict[str, tuple[str, ...]] = {
    "recording_disclosure": ("record", "रिकॉर्ड"),
    "pain_mirror": (
        "i understand how frustrating",
        "i'm sorry to hear that",
        "that sounds really stressful",
        "i completely understand how upsetting",
        "main samajh",
        "mujhe sunkar bura laga",
        "kaafi stressful",
        "मैं समझ",
    ),
    "confirm_request": (
        "just to confirm",
        "if i understand correctly",
        "make sure i have this right",
        "bas confirm kar loon",
        "agar main sahi samjha",
    ),
    "offer_further_help": (
        "anything else i can",
        "help with anything else",
        "aur kuch madad",
        "aur koi madad",
        "और कोई मदद",
    ),
    "no_prohibited_language": (  # what breaks it: said exactly when the behaviour is missed
        "that's not my problem",
        "calm down",
        "should have read the terms",
        "there's nothing i can do",
        "yeh meri problem nahi",
        "terms padhni chahiye",
        "main kuch nahi kar",
    ),
    "verify_identity": (
        "date of birth",
        "last four digits",
        "verify your identity",
        "identity verify",
        "पहचान",
    ),
}
HOLD_ASK = (
    "on a brief hold",
    "on hold for a moment",
    "on a short hold",
    "hold par rakh",
    "hold kar sakte",
    "होल्ड पर",
)
HOLD_THANKS = (
    "thank you for holding",
    "thanks for your patience",
    "thank you so much for waiting",
    "hold karne ke liye dhanyavaad",
    "intezaar karne ke liye shukriya",
    "होल्ड करने के लिए धन्यवाद",
)
NAME_PAIR = re.compile(r"\b([A-Z][a-z]+) ([A-Z][a-z]+)\b")
NOT_PEOPLE = {"Whole Foods", "Best Buy", "Home Depot", "Northwind Bank", "Samsung Galaxy"}
LATE_LEADS = ("before i forget", "should have asked earlier", "ek cheez reh gayi")
CLOSES = (
    "have a great day",
    "take care, goodbye",
    "have a wonderful day",
    "aapka din shubh ho",
    "take care, bye",
    "आपका दिन शुभ हो",
)


def _agent_text(c: Interaction) -> list[str]:
    return [u.text.lower() for u in c.utterances if u.speaker == Speaker.AGENT]


def _said(texts: list[str], stems: tuple[str, ...]) -> bool:
    return any(s in t for t in texts for s in stems)


def _lexical(c: Interaction, t: CallTruth, behavior: str) -> bool:
    return t.performed[behavior] is True and behavior not in t.paraphrased


def test_utterances_are_ordered_and_timed(demo: Demo) -> None:
    lengths = []
    consecutive = 0
    for c in demo.interactions:
        utts = c.utterances
        lengths.append(len(utts))
        assert [u.index for u in utts] == list(range(len(utts)))
        assert {u.speaker for u in utts} == {Speaker.AGENT, Speaker.CUSTOMER}
        assert utts[0].speaker == Speaker.AGENT
        consecutive += sum(a.speaker == b.speaker for a, b in itertools.pairwise(utts))
        assert c.started_at and c.ended_at
        duration = (c.ended_at - c.started_at).total_seconds()
        if c.channel == Channel.VOICE:
            previous_end = 0.0
            for u in utts:
                assert u.start is not None and u.end is not None
                assert previous_end <= u.start <= u.end, (c.id, u.index)
                previous_end = u.end
            assert previous_end <= duration
            holds = sum(
                u.start - p.end
                for p, u in itertools.pairwise(utts)
                if u.start is not None and p.end is not None and u.start - p.end >= 19.9
            )
            assert holds == pytest.approx(c.hold_seconds, abs=0.05)
            assert c.talk_seconds == pytest.approx(duration - (c.hold_seconds or 0.0), abs=0.01)
        else:
            assert c.hold_seconds == 0.0
            times = [u.start for u in utts]
            if times[0] is None:
                assert all(u.start is None and u.end is None for u in utts)
            else:
                assert all(u.start == u.end for u in utts)
                assert times == sorted(t for t in times if t is not None)
    assert min(lengths) >= 14 and max(lengths) <= 70
    assert 26 <= mean(lengths) <= 34
    assert 0.01 < consecutive / sum(lengths) < 0.2, "mostly alternating, sometimes consecutive turns"
    chats = [c for c in demo.interactions if c.channel == Channel.CHAT]
    timed = sum(c.utterances[0].start is not None for c in chats)
    assert 0 < timed < len(chats), "some chats carry typed-turn times, some none"


def test_holds_are_gaps_of_20_to_180_seconds_on_voice_only(demo: Demo) -> None:
    truth = demo.truth.calls
    for c in demo.interactions:
        planned = truth[c.id].hold_seconds
        assert all(20 <= h <= 180 for h in planned)
        if c.channel == Channel.CHAT:
            assert planned == [] and truth[c.id].performed["hold_etiquette"] is None
        assert (truth[c.id].performed["hold_etiquette"] is None) == (not planned)
        assert c.hold_seconds == pytest.approx(sum(planned), abs=0.01), c.id


@pytest.mark.parametrize("behavior", sorted(STEMS))
def test_lexical_phrases_appear_exactly_when_truth_says(demo: Demo, behavior: str) -> None:
    wrong = []
    for c in demo.interactions:
        t = demo.truth.calls[c.id]
        said = _said(_agent_text(c), STEMS[behavior])
        if behavior == "no_prohibited_language":
            expected = t.performed[behavior] is False and behavior not in t.paraphrased
        else:
            expected = True if behavior == "verify_identity" and t.late_verification else _lexical(c, t, behavior)
        if said != expected:
            wrong.append(c.id)
    assert not wrong, f"{len(wrong)} calls disagree, e.g. {wrong[:5]}"


def test_recording_disclosure_comes_in_the_first_two_agent_turns(demo: Demo) -> None:
    for c in demo.interactions:
        t = demo.truth.calls[c.id]
        if _lexical(c, t, "recording_disclosure"):
            assert _said(_agent_text(c)[:2], STEMS["recording_disclosure"]), c.id


def test_greeting_names_the_brand_only_when_performed(demo: Demo) -> None:
    for c in demo.interactions:
        t = demo.truth.calls[c.id]
        first = c.utterances[0].text
        assert ("Northwind Bank" in first or "नॉर्थविंड बैंक" in first) == _lexical(c, t, "greet_with_brand"), (
            c.id
        )
        if t.performed["greet_with_brand"]:
            agent = next(a for a in demo.agents if a.id == c.agent_id)
            assert agent.name is not None and agent.name.split()[0] in first


def test_polite_close_is_the_last_agent_turn(demo: Demo) -> None:
    for c in demo.interactions:
        t = demo.truth.calls[c.id]
        last = _agent_text(c)[-1]
        assert any(s in last for s in CLOSES) == _lexical(c, t, "polite_close"), c.id


def test_explain_next_steps_says_the_planned_next_step(demo: Demo) -> None:
    for c in demo.interactions:
        t = demo.truth.calls[c.id]
        assert c.language is not None
        sentences = [s[:-1].lower() for steps in NEXT_STEPS.values() for s in steps[c.language]]
        assert _said(_agent_text(c), tuple(sentences)) == _lexical(c, t, "explain_next_steps"), c.id


def test_hold_etiquette_wraps_each_hold_only_when_performed(demo: Demo) -> None:
    checked = 0
    for c in demo.interactions:
        t = demo.truth.calls[c.id]
        if c.channel != Channel.VOICE or not t.hold_seconds or "hold_etiquette" in t.paraphrased:
            continue
        utts = c.utterances
        for i in range(1, len(utts)):
            gap = (utts[i].start or 0.0) - (utts[i - 1].end or 0.0)
            if gap < 19.9:
                continue
            before = [u.text.lower() for u in utts[max(0, i - 2) : i] if u.speaker == Speaker.AGENT]
            after = utts[i].text.lower() if utts[i].speaker == Speaker.AGENT else ""
            both = _said(before, HOLD_ASK) and any(s in after for s in HOLD_THANKS)
            assert both == bool(t.performed["hold_etiquette"]), (c.id, i)
            checked += 1
    assert checked > 500


def test_customer_name_is_used_only_when_performed(demo: Demo) -> None:
    for c in demo.interactions:
        t = demo.truth.calls[c.id]
        utts = c.utterances
        full, first, last = next(
            (u.index, m[0], m[1])
            for u in utts
            if u.speaker == Speaker.CUSTOMER
            for m in NAME_PAIR.findall(u.text)
            if " ".join(m) not in NOT_PEOPLE
        )
        later = " ".join(u.text for u in utts[full + 1 :] if u.speaker == Speaker.AGENT)
        used = re.search(rf"\b{first}\b|\bM[rs]\. {last}\b", later) is not None
        assert used == (t.performed["use_customer_name"] and "use_customer_name" not in t.paraphrased), c.id


def test_order_violations_change_the_account_without_verifying_first(demo: Demo) -> None:
    truth = demo.truth.calls
    violations = [c for c in demo.interactions if truth[c.id].order_violation]
    assert len(violations) > 100
    for c in violations:
        t = truth[c.id]
        assert t.disposition == "resolved" and REASONS[t.contact_reason].account_change
        assert not t.performed["verify_identity"]
    late = [c for c in violations if truth[c.id].late_verification]
    assert late
    for c in late:
        agent_turns = _agent_text(c)
        asks = [i for i, text in enumerate(agent_turns) if _said([text], STEMS["verify_identity"])]
        assert len(asks) == 1, c.id
        assert _said([agent_turns[asks[0]]], LATE_LEADS), "asked only as an afterthought, after the change"


def test_paraphrases_are_about_ten_percent(demo: Demo) -> None:
    performed = Counter(b for t in demo.truth.calls.values() for b, v in t.performed.items() if v)
    paraphrased = Counter(b for t in demo.truth.calls.values() for b in t.paraphrased)
    for b in (
        "recording_disclosure",
        "greet_with_brand",
        "verify_identity",
        "explain_next_steps",
        "offer_further_help",
        "polite_close",
        "confirm_request",
        "pain_mirror",
    ):
        assert 0.06 <= paraphrased[b] / performed[b] <= 0.14, b


def test_sensitive_values_are_spoken_and_card_numbers_are_luhn_valid(demo: Demo) -> None:
    kinds: Counter[str] = Counter()
    word_cards = 0
    for c in demo.interactions:
        customer_text = " ".join(u.text for u in c.utterances if u.speaker == Speaker.CUSTOMER)
        for item in demo.truth.calls[c.id].pii:
            kinds[item.kind] += 1
            assert item.text in customer_text, (c.id, item.kind)
            if item.kind == "card_number":
                assert luhn_valid(item.value) and len(item.value) == 16
                word_cards += "four" in item.text or "five" in item.text or "one" in item.text
    assert kinds["card_number"] > 50 and kinds["email"] > 50 and kinds["phone"] > 50
    assert word_cards > 10, "some card numbers are read out as words"
    assert not luhn_valid("4111111111111112")


def test_hinglish_calls_code_switch_and_use_devanagari(demo: Demo) -> None:
    hinglish = [c for c in demo.interactions if c.language == "hi-en"]
    text = " ".join(u.text for c in hinglish for u in c.utterances).lower()
    for phrase in (
        "hold par rakh",
        "record ki ja sakti hai",
        "aur kuch madad kar",
        "northwind bank mein call karne ke liye dhanyavaad",
        "card block kar diya hai",
    ):
        assert phrase in text, phrase
    with_devanagari = sum(any(re.search("[\u0900-\u097f]", u.text) for u in c.utterances) for c in hinglish)
    assert 0.2 < with_devanagari / len(hinglish) < 0.95
    english = " ".join(u.text for c in demo.interactions[:300] if c.language == "en" for u in c.utterances)
    assert not re.search("[\u0900-\u097f]", english)


def test_every_template_formats_for_every_language(demo: Demo) -> None:

    cfg = demo.config
    rng = random.Random(cfg.seed)
    _, staff = build_staff(
        rng,
        agents=cfg.agents,
        teams=cfg.teams,
        weeks=cfg.weeks,
        start=cfg.start,
        hinglish_share=cfg.hinglish_share,
    )
    plans, _ = plan_calls(cfg, staff, rng)
    samples: dict[tuple[str, Channel], CallPlan] = {}
    for plan in plans:
        samples.setdefault((plan.language, plan.channel), plan)
    assert len(samples) == 4
    for (language, _), plan in samples.items():
        ctx = template_context(plan, random.Random(0))
        templates = [
            s
            for b in BEHAVIORS
            for part in PHRASES[b].values()
            for ps in [part[language]]
            for s in ps.standard + ps.paraphrase + ps.missed + ps.devanagari
        ]
        templates += [s for r in REQUESTS.values() for s in r[language]]
        for reason in REASONS.values():
            text = reason.text[language]
            templates += [p.text for p in text.problems + text.incident_problems]
            templates += list(text.hold_tasks + text.findings + text.actions)
            templates += [line for ex in text.exchanges for _, line in ex.turns]
        templates += [line for ex in GENERIC_EXCHANGES[language] for _, line in ex.turns]
        for template in templates:
            out = template.format_map(ctx)
            assert "{" not in out and "}" not in out, template


def test_paraphrased_behaviours_are_said_in_their_paraphrase(demo: Demo) -> None:
    def chunks(behavior: str, language: str) -> tuple[tuple[str, ...], ...]:
        """The longest literal piece of each paraphrase template, as its sentences: what must
        appear in the text (the customer's name may be added between two sentences)."""
        out = []
        for part in phrases_for(behavior).values():
            for template in part[language].paraphrase:
                pieces = re.split(r"\{[a-z_]+\}", template)
                longest = max(pieces, key=len).strip(" ,.?").lower()
                out.append(tuple(p.strip(" ,.?") for p in longest.split(". ") if p.strip(" ,.?")))
        return tuple(out)

    def said_all(texts: list[str], options: tuple[tuple[str, ...], ...]) -> bool:
        return any(all(_said(texts, (p,)) for p in sentences) for sentences in options)

    checked = 0
    for c in demo.interactions:
        t = demo.truth.calls[c.id]
        assert c.language is not None
        for behavior in t.paraphrased:
            if behavior == "use_customer_name":
                continue
            assert said_all(_agent_text(c), chunks(behavior, c.language)), (c.id, behavior)
            checked += 1
    assert checked > 1000
