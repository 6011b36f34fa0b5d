"""Turn a planned call into a transcript: words, speakers and times.

Why a script with stages: every call follows the shape of a real service call
(greeting, problem, verification, discovery, holds, resolution, next steps, close)
but which lines appear, how they are phrased and where holds fall come from the
plan, so truth and transcript agree by construction. Rendering uses only the plan's
own seed: any call can be rendered alone, in any order, with the same result.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import timedelta

from coachloop.demo.phrases import NEXT_STEPS, PHRASES, REQUESTS
from coachloop.demo.plan import CallPlan
from coachloop.demo.world import GENERIC_EXCHANGES, INCIDENT_EXCHANGE, Exchange
from coachloop.model import Channel, Interaction, Speaker, Utterance

__all__ = ["MAX_TURNS", "MIN_TURNS", "render", "template_context"]

MIN_TURNS = 14
MAX_TURNS = 70

_CANNED: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "name_intro": (
            "Hi, my name is {full}.",
            "Hello, this is {full} calling.",
            "Hi, it's {full} here.",
            "Hi there, {full} speaking.",
        ),
        "name_ask": (
            "Can I take your full name, please?",
            "Who am I speaking with today?",
            "Could I have your name, please?",
        ),
        "name_answer": ("It's {full}.", "{full}.", "Yes, it's {full}."),
        "disclosure_lead": ("Before we go any further, ", "Just before we start, "),
        "hold_ok": ("Sure.", "Yes, that's fine.", "Okay.", "No problem."),
        "still_there": ("Hello? Are you still there?", "Hello?", "Hello, anyone there?"),
        "back": ("Yes, sorry, I'm here.", "Sorry about that, I'm back."),
        "silent_lead": ("Let me check that.", "Let me have a look.", ""),
        "hold_return": ("Okay, I've had a look at that.", "Right, I've checked that now."),
        "verify_done": (
            "Thank you, that's all verified.",
            "Perfect, you're verified.",
            "Thanks, that matches what I have.",
        ),
        "verify_dob": ("Sure, it's {dob}.", "{dob}.", "It's {dob}."),
        "verify_last4": ("It's {last4}.", "{last4_spaced}.", "The last four are {last4}."),
        "verify_dob_zip": ("{dob}, and the zip code is {zip}.", "Sure, {dob}, zip {zip}."),
        "verify_town": ("I was born in {birth_city}, and the zip is {zip}.", "{birth_city}."),
        "late_lead": ("Oh, and before I forget, ", "Sorry, I should have asked earlier: "),
        "late_ack": ("Thanks.", "Great, thank you."),
        "confirm_yes": ("Yes, that's right.", "Yes, exactly.", "That's correct.", "Yes please."),
        "ack_good": (
            "Perfect, thank you.",
            "Great, thanks for sorting that.",
            "Okay, that's great.",
            "Brilliant, thanks.",
        ),
        "ack_plain": ("Okay.", "Alright.", "Okay, thanks."),
        "ack_bad": ("Fine, I suppose.", "That's really disappointing.", "Okay, I guess I'll wait then."),
        "no_more": ("No, that's all, thank you.", "No, that's everything.", "Nope, that's it, thanks."),
        "one_more": ("Actually, yes, one quick question.",),
        "bye": ("Thanks, you too, bye.", "Thank you, bye.", "Bye now."),
        "bye_agent": ("Thanks {agent}, bye.", "Thank you so much, {agent}. Bye."),
        "trigger": (
            "Why can't you just fix it? This is ridiculous.",
            "I've explained this three times already!",
            "This is your bank's mistake, not mine.",
        ),
        "reaction": (
            "Excuse me? I can't believe you just said that.",
            "Wow. Okay.",
            "That's really unprofessional.",
        ),
        "transferred": (
            "I'm going to transfer you to our {transfer_team}, who can help with this directly.",
            "This needs our {transfer_team}, so I'll put you through to them now.",
        ),
        "escalated": (
            "I'm going to escalate this to a senior case manager.",
            "I'll raise this with my supervisor as a formal complaint.",
        ),
        "callback": ("I need to check this with the back office before I can go any further.",),
        "unresolved": (
            "I'm afraid I can't fix this for you today.",
            "Unfortunately I'm not able to change that today.",
        ),
    },
    "hi-en": {
        "name_intro": ("Namaste, mera naam {full} hai.", "Hello, main {full} bol {c_raha} hoon."),
        "name_ask": ("Aapka poora naam bata dijiye?", "Main kisse baat kar {raha} hoon?"),
        "name_answer": ("Mera naam {full} hai.", "Ji, {full}."),
        "disclosure_lead": ("Aage badhne se pehle, ",),
        "hold_ok": ("Haan, theek hai.", "Ji, koi baat nahi.", "Okay."),
        "still_there": ("Hello? Aap line pe hain?", "Hello?"),
        "back": ("Ji, sorry, main yahin hoon.", "Sorry, main wapas aa {gaya}."),
        "silent_lead": ("Ek minute, dekh {leta} hoon.", ""),
        "hold_return": ("Haan, maine dekh liya.",),
        "verify_done": ("Dhanyavaad, verification ho gaya.", "Theek hai, aap verify ho gaye hain."),
        "verify_dob": ("Ji, {dob_hi}.", "Meri date of birth {dob_hi} hai."),
        "verify_last4": ("{last4} hai.", "Last four digits {last4} hain."),
        "verify_dob_zip": ("{dob_hi}, aur zip code {zip}.",),
        "verify_town": ("{birth_city} mein.", "Mera janam {birth_city} mein hua tha."),
        "late_lead": ("Arre haan, ek cheez reh gayi, ",),
        "late_ack": ("Dhanyavaad.", "Theek hai."),
        "confirm_yes": ("Haan ji, sahi hai.", "Ji, bilkul.", "Haan."),
        "ack_good": ("Bahut badhiya, thank you.", "Achha, thank you so much.", "Theek hai, dhanyavaad."),
        "ack_plain": ("Achha.", "Okay.", "Theek hai."),
        "ack_bad": ("Yeh toh bahut disappointing hai.", "Theek hai, intezaar {c_karta} hoon phir."),
        "no_more": ("Nahi, bas itna hi, thank you.", "Nahi ji, aur kuch nahi."),
        "one_more": ("Haan, ek chhota sa sawaal aur hai.",),
        "bye": ("Thank you, bye.", "Dhanyavaad, bye."),
        "bye_agent": ("Thank you {agent} ji, bye.",),
        "trigger": (
            "Aap log theek kyun nahi kar dete? Yeh toh hadd hai.",
            "Main teen baar samjha {c_chuka} hoon!",
        ),
        "reaction": ("Excuse me? Aap aise kaise baat kar sakte hain?", "Yeh bilkul unprofessional hai."),
        "transferred": (
            "Main aapko hamari {transfer_team} ko transfer kar {raha} hoon, woh isme seedha help karenge.",
        ),
        "escalated": ("Main yeh case senior case manager ko escalate kar {raha} hoon.",),
        "callback": ("Iske liye mujhe back office se confirm karna padega.",),
        "unresolved": ("Maaf kijiye, aaj yeh theek nahi ho payega.",),
    },
}
"""Lines that carry no rubric behaviour: the glue between behaviours."""

_FRUSTRATION: dict[str, tuple[tuple[str, str, str], ...]] = {
    "en": (
        ("I'm really frustrated.", "deal with all this", "you've had to deal with all this"),
        ("Honestly, I'm really fed up with this.", "deal with all this", "you've had to deal with all this"),
        (
            "I've been waiting ages just to get through.",
            "wait that long to get through",
            "you had to wait so long",
        ),
        (
            "This is the third time I'm calling about this.",
            "have to keep calling about this",
            "you've had to call so many times",
        ),
    ),
    "hi-en": (
        ("Main bahut frustrated hoon.", "itna pareshaan hona", "aapko itni pareshaani hui"),
        ("मैं बहुत परेशान हूँ।", "itna pareshaan hona", "aapko itni pareshaani hui"),
        ("Bahut der se line pe wait kar {c_raha} hoon.", "itni der wait karna", "aapko itna wait karna pada"),
    ),
}
_REPEAT_OPENERS: dict[str, tuple[str, ...]] = {
    "en": (
        "I called about this {days_ago} and it's still not sorted.",
        "This is the {nth} time I'm calling about this.",
        "I already called about this and nothing happened.",
    ),
    "hi-en": (
        "Maine {days_ago_hi} bhi call kiya tha, abhi tak kuch nahi hua.",
        "Yeh {nth_hi} baar call kar {c_raha} hoon isi baare mein.",
    ),
}
_REPEAT_PAIN = {
    "en": ("have to call back about the same thing", "it still isn't sorted"),
    "hi-en": ("ek hi cheez ke liye baar baar call karna", "abhi tak aapka kaam nahi hua"),
}
_NTH = {2: ("second", "doosri"), 3: ("third", "teesri"), 4: ("fourth", "chauthi")}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_PRODUCT_NAMES = {"savings": "savings account", "app": "mobile app"}
"""How people say a product (metadata keeps the short product name)."""
_PHONE_MODELS = ("iPhone 13", "iPhone 15", "Android, a Pixel 7", "Android, a Samsung Galaxy", "older iPhone")
_PHONE_MODELS_HI = ("iPhone 13", "Samsung Galaxy", "OnePlus", "Redmi")


@dataclass(slots=True)
class _Turn:
    speaker: str
    text: str
    hold_before: float
    addressable: bool
    deva: bool = False
    """Contains Devanagari: kept as its own turn, and never gets a romanised name inserted."""


_DEVANAGARI = re.compile("[\u0900-\u097f]")


def _has_devanagari(text: str) -> bool:
    return _DEVANAGARI.search(text) is not None


def _lower_first(text: str) -> str:
    """For a phrase that now follows a lead-in ("Before we start, this call ..."); keeps "I" upper."""
    if not text[:1].isascii() or text.startswith(("I ", "I'")):
        return text
    return text[:1].lower() + text[1:]


def _days_ago(days: float) -> tuple[str, str]:
    n = max(1, round(days))
    if n == 1:
        return "yesterday", "kal"
    return f"{n} days ago", f"{n} din pehle"


class _Script:
    """Collects turns; consecutive lines by one speaker usually merge into one turn."""

    def __init__(self, plan: CallPlan, rng: random.Random, ctx: dict[str, str]) -> None:
        self.plan = plan
        self.rng = rng
        self.ctx = ctx
        self.lang = plan.language
        self.voice = plan.channel == Channel.VOICE
        self.turns: list[_Turn] = []
        self.name_turn = -1

    def fmt(self, template: str) -> str:
        return template.format_map(self.ctx)

    def canned(self, key: str) -> str:
        return self.fmt(self.rng.choice(_CANNED[self.lang][key]))

    def say(self, speaker: str, text: str, *, hold: float = 0.0, addressable: bool = True) -> None:
        text = text.strip()
        if not text:
            return
        deva = _has_devanagari(text)
        last = self.turns[-1] if self.turns else None
        if (
            last is not None
            and last.speaker == speaker
            and hold == 0.0
            and not deva
            and not last.deva
            and self.rng.random() < 0.8
        ):
            last.text = f"{last.text} {text}"
            last.addressable = last.addressable and addressable
            return
        self.turns.append(_Turn(speaker, text, hold, addressable and not deva, deva))

    def phrase(self, behavior: str, part: str = "main", *, performed: bool | None = None) -> str:
        """The line for a behaviour: standard, paraphrase (if planned) or the weaker line when missed."""
        done = self.plan.performed[behavior] if performed is None else performed
        ps = PHRASES[behavior][part][self.lang]
        if done:
            if behavior in self.plan.paraphrased and ps.paraphrase:
                pool = ps.paraphrase
            elif ps.devanagari and self.rng.random() < 0.2:
                pool = ps.devanagari
            else:
                pool = ps.standard
        else:
            pool = ps.missed
        return self.fmt(self.rng.choice(pool))

    def exchange(self, ex: Exchange) -> None:
        for speaker, text in ex.turns:
            self.say(speaker, self.fmt(text))


def template_context(plan: CallPlan, rng: random.Random) -> dict[str, str]:
    """Every placeholder value for one call: names, gendered verb forms, reason details."""
    a, c = plan.agent, plan.customer
    chat = plan.channel == Channel.CHAT
    hour = plan.started_at.hour
    days_ago, days_ago_hi = _days_ago(plan.days_since_previous or 1.0)
    nth = _NTH.get(plan.contact_number, ("fifth", "paanchvi"))
    pii = {item.kind: item.text for item in plan.pii}
    last4 = c.card_number[-4:]
    ctx = {
        "agent": a.first,
        "call": "chat" if chat else "call",
        "calls": "Chats" if chat else "Calls",
        "calling": "contacting" if chat else "calling",
        "calling_hi": "contact karne" if chat else "call karne",
        "call_d": "चैट" if chat else "कॉल",
        "sakta": "sakti" if a.female else "sakta",
        "chahta": "chahti" if a.female else "chahta",
        "raha": "rahi" if a.female else "raha",
        "karta": "karti" if a.female else "karta",
        "deta": "deti" if a.female else "deta",
        "leta": "leti" if a.female else "leta",
        "sakta_d": "सकती" if a.female else "सकता",
        "chahta_d": "चाहती" if a.female else "चाहता",
        "c_raha": "rahi" if c.female else "raha",
        "c_chahta": "chahti" if c.female else "chahta",
        "gaya": "gayi" if a.female else "gaya",
        "c_gaya": "gayi" if c.female else "gaya",
        "c_karta": "karti" if c.female else "karta",
        "c_chuka": "chuki" if c.female else "chuka",
        "c_raha_d": "रही" if c.female else "रहा",
        "daypart": "morning" if hour < 12 else "afternoon" if hour < 17 else "evening",
        "product": _PRODUCT_NAMES.get(plan.product, plan.product),
        "last4": last4,
        "prod4": last4 if plan.product.endswith("card") else c.acct4,
        "last4_spaced": " ".join(last4),
        "city": c.city,
        "birth_city": c.birth_city,
        "street": c.street,
        "zip": c.zip,
        "email": pii.get("email", c.email),
        "phone": pii.get("phone", c.phone),
        "card_spoken": pii.get("card_number", c.card_number),
        "acct4": c.acct4,
        "tenure": str(c.tenure),
        "phone_model": rng.choice(_PHONE_MODELS),
        "phone_model_hi": rng.choice(_PHONE_MODELS_HI),
        "last_spelled": "-".join(c.last.upper()),
        "dob": f"{_MONTHS[c.dob.month - 1]} {c.dob.day}, {c.dob.year}",
        "dob_hi": f"{c.dob.day} {_MONTHS[c.dob.month - 1]} {c.dob.year}",
        "first": c.first,
        "last": c.last,
        "full": f"{c.first} {c.last}",
        "title": "Ms." if c.female else "Mr.",
        "nickname": c.nickname or c.first,
        "sir": "ma'am" if c.female else "sir",
        "transfer_team": plan.reason.transfer_team,
        "days_ago": days_ago,
        "days_ago_hi": days_ago_hi,
        "nth": nth[0],
        "nth_hi": nth[1],
        **plan.details,
    }
    text = plan.reason.text[plan.language]
    problem = (text.incident_problems if plan.incident_problem else text.problems)[plan.problem]
    ctx["problem"] = problem.text.format_map(ctx)
    ctx["pain_inf"] = (problem.pain_inf or "").format_map(ctx)
    ctx["pain_past"] = (problem.pain_past or "").format_map(ctx)
    ctx["request"] = rng.choice(REQUESTS[plan.reason.id][plan.language]).format_map(ctx)
    ctx["hold_task"] = rng.choice(text.hold_tasks).format_map(ctx)
    key = plan.reason.id if plan.disposition == "resolved" else f"_{plan.disposition}"
    ctx["next_step"] = rng.choice(NEXT_STEPS[key][plan.language]).format_map(ctx)
    return ctx


def _verify_kind(question: str) -> str:
    if "digit" in question or "अंक" in question:
        return "last4"
    if "town" in question:
        return "town"
    if "zip" in question:
        return "dob_zip"
    return "dob"


def _hold(s: _Script, seconds: float, after: str) -> None:
    """A hold: announced and thanked (etiquette met), or one of the ways agents get it wrong."""
    if s.plan.performed["hold_etiquette"]:
        s.say("a", s.phrase("hold_etiquette", "before"))
        s.say("c", s.canned("hold_ok"))
        s.say("a", f"{s.phrase('hold_etiquette', 'after')} {after}", hold=seconds)
        return
    roll = s.rng.random()
    if roll < 0.45:  # silent: the customer wonders whether anyone is there
        s.say("a", s.canned("silent_lead"))
        s.say("c", s.canned("still_there"), hold=seconds)
        s.say("a", f"{s.canned('back')} {after}")
    elif roll < 0.7:  # a curt "hold on" and no thanks
        s.say("a", s.phrase("hold_etiquette", "before", performed=False) or "Hold on.")
        s.say("a", f"{s.phrase('hold_etiquette', 'after', performed=False)} {after}", hold=seconds)
    elif roll < 0.87:  # asked, but never thanked
        s.say("a", s.phrase("hold_etiquette", "before", performed=True))
        s.say("c", s.canned("hold_ok"))
        s.say("a", f"{s.phrase('hold_etiquette', 'after', performed=False)} {after}", hold=seconds)
    else:  # thanked, but never asked
        s.say("a", s.phrase("hold_etiquette", "before", performed=False))
        s.say("a", f"{s.phrase('hold_etiquette', 'after', performed=True)} {after}", hold=seconds)


def _prohibited(s: _Script) -> None:
    s.say("c", s.canned("trigger"))
    s.say("a", s.phrase("prohibited_language"), addressable=False)
    s.say("c", s.canned("reaction"))


def _address(s: _Script) -> None:
    """Put the customer's name (or "sir"/"ma'am" when the agent does not use it) into agent turns."""
    rng, plan = s.rng, s.plan
    candidates = [i for i, t in enumerate(s.turns) if i > s.name_turn and t.speaker == "a" and t.addressable]
    if not candidates:
        return
    ps = PHRASES["use_customer_name"]["main"][s.lang]
    if plan.performed["use_customer_name"]:
        pool = ps.paraphrase if "use_customer_name" in plan.paraphrased else ps.standard
        k = min(len(candidates), rng.choices((1, 2, 3), weights=(0.5, 0.35, 0.15))[0])
        picks = rng.sample(candidates, k)
    else:
        pool = tuple(m for m in ps.missed if m)
        picks = [rng.choice(candidates)] if pool and rng.random() < 0.5 else []
    for i in picks:
        name = s.fmt(rng.choice(pool))
        turn = s.turns[i]
        if (
            plan.performed["use_customer_name"]
            and rng.random() < 0.3
            and not turn.text.startswith(("Thank", "Dhanyavaad"))
        ):
            lead = "Thank you" if s.lang == "en" else "Dhanyavaad"
            turn.text = f"{lead}, {name}. {turn.text}"
            continue
        text = turn.text
        cut = len(text)
        for j, ch in enumerate(text):
            if ch in ".?!" and (j + 1 == len(text) or text[j + 1] == " "):
                cut = j
                break
        turn.text = f"{text[:cut]}, {name}{text[cut:]}"


def _build(plan: CallPlan, rng: random.Random, ctx: dict[str, str], fillers: int) -> list[_Turn]:
    s = _Script(plan, rng, ctx)
    p = plan.performed
    lang = plan.language
    text = plan.reason.text[lang]

    # Opening: greeting and the recording disclosure, in the first agent turn or the second.
    disclosure = s.phrase("recording_disclosure")
    greet = s.phrase("greet_with_brand")
    disclose_first = rng.random() < 0.6
    s.say("a", f"{disclosure} {greet}" if disclose_first else greet)

    # The customer's problem, with their name first or when asked.
    opening = [ctx["problem"]]
    pain_inf, pain_past = ctx["pain_inf"], ctx["pain_past"]
    if plan.contact_number > 1:
        opening.insert(0, s.fmt(rng.choice(_REPEAT_OPENERS[lang])))
        if rng.random() < 0.6 or not pain_inf:
            pain_inf, pain_past = _REPEAT_PAIN[lang]
    elif plan.frustrated:
        line, f_inf, f_past = rng.choice(_FRUSTRATION[lang])
        opening.append(s.fmt(line))
        if rng.random() < 0.5 or not pain_inf:
            pain_inf, pain_past = s.fmt(f_inf), s.fmt(f_past)
    s.ctx["pain_inf"], s.ctx["pain_past"] = pain_inf, pain_past
    name_first = rng.random() < 0.5
    if name_first:
        opening.insert(0, s.canned("name_intro"))
    for line in opening:
        s.say("c", line)
    if name_first:
        s.name_turn = len(s.turns) - 1
    agent_next = []
    if not disclose_first and disclosure:
        agent_next.append(s.canned("disclosure_lead") + _lower_first(disclosure))
    if not name_first:
        agent_next.append(s.canned("name_ask"))
    if agent_next:
        s.say("a", " ".join(agent_next), addressable=False)
    if not name_first:
        s.say("c", s.canned("name_answer"))
        s.name_turn = len(s.turns) - 1

    # Mirror the pain (or not), and sometimes lose one's temper early.
    if p["pain_mirror"] is not None:
        s.say("a", s.phrase("pain_mirror"))
    prohibited_early = bool(p["prohibited_language"]) and rng.random() < 0.5
    if prohibited_early:
        _prohibited(s)

    # Identity verification before anything is changed.
    if p["verify_identity"]:
        question = s.phrase("verify_identity", "ask")
        s.say("a", question)
        s.say("c", s.canned(f"verify_{_verify_kind(question)}"))
        s.say("a", s.canned("verify_done"))

    # Discovery: reason-specific questions, account admin, small talk; planned PII; extra holds.
    voice = plan.channel == Channel.VOICE
    planned_pii = {item.kind for item in plan.pii}

    def usable(ex: Exchange) -> bool:
        return (voice or not ex.voice_only) and ex.pii is None and plan.reason.id not in ex.not_for

    own = [ex for ex in text.exchanges if usable(ex)]
    generic = [ex for ex in GENERIC_EXCHANGES[lang] if usable(ex)]
    n_own = min(len(own), math.ceil(fillers / 2))
    chosen = rng.sample(own, n_own) + rng.sample(generic, min(len(generic), max(0, fillers - n_own)))
    for kind in sorted(planned_pii):
        carriers = [ex for ex in text.exchanges if ex.pii == kind] or [
            ex for ex in GENERIC_EXCHANGES[lang] if ex.pii == kind
        ]
        chosen.append(rng.choice(carriers))
    if plan.incident is not None and plan.reason.queue == plan.incident.queue:
        chosen.append(INCIDENT_EXCHANGE[lang])
    rng.shuffle(chosen)
    extra_holds = sorted((rng.randrange(len(chosen) + 1), seconds) for seconds in plan.holds[1:])
    for i, ex in enumerate([*chosen, None]):
        while extra_holds and extra_holds[0][0] == i:
            _hold(s, extra_holds.pop(0)[1], s.canned("hold_return"))
        if ex is not None:
            s.exchange(ex)

    # Confirm the request, then look it up (main hold), then act.
    if p["confirm_request"]:
        s.say("a", s.phrase("confirm_request"))
        s.say("c", s.canned("confirm_yes"))
    finding = s.fmt(rng.choice(text.findings))
    if plan.holds:
        _hold(s, plan.holds[0], finding)
    else:
        s.say("a", finding)

    if plan.disposition == "resolved":
        s.say("a", s.fmt(rng.choice(text.actions)))
        if plan.late_verification:
            ask = s.fmt(rng.choice(PHRASES["verify_identity"]["ask"][lang].standard))
            s.say("a", s.canned("late_lead") + _lower_first(ask))
            s.say("c", s.canned(f"verify_{_verify_kind(ask)}"))
            s.say("a", s.canned("late_ack"))
    else:
        s.say("a", s.canned(plan.disposition))
        if plan.disposition == "unresolved" and rng.random() < 0.5:
            s.say("c", s.canned("ack_bad"))
    if p["prohibited_language"] and not prohibited_early:
        _prohibited(s)
    s.say(
        "a",
        s.phrase("explain_next_steps") if p["explain_next_steps"] or plan.disposition == "resolved" else "",
    )
    good = plan.disposition == "resolved" and not p["prohibited_language"]
    s.say("c", s.canned("ack_good" if good and rng.random() < 0.7 else "ack_plain" if good else "ack_bad"))

    # Anything else? Then the close, which is the last thing the agent says.
    if p["offer_further_help"]:
        s.say("a", s.phrase("offer_further_help"))
        if rng.random() < 0.15:
            s.say("c", s.canned("one_more"))
            extra = [
                ex
                for ex in generic
                if ex not in chosen and ex.turns[0][0] == "c" and ex.turns[0][1].endswith("?")
            ]
            if extra:
                s.exchange(rng.choice(extra))
        else:
            s.say("c", s.canned("no_more"))
    close = s.phrase("polite_close")
    if s.turns and s.turns[-1].speaker == "a":
        s.turns.append(_Turn("a", close, 0.0, not _has_devanagari(close), _has_devanagari(close)))
    else:
        s.say("a", close)
    if rng.random() < 0.85:
        s.say("c", s.canned("bye_agent" if rng.random() < 0.15 else "bye"))
    _address(s)
    return s.turns


def render(plan: CallPlan) -> Interaction:
    """The plan as an `Interaction`, with times: voice turns are spoken (≈2.6 words/s, short gaps,
    holds as long gaps); chat turns carry the time they were sent, or no time at all."""
    fillers = plan.filler_pairs
    turns: list[_Turn] = []
    for attempt in range(12):
        rng = random.Random(plan.render_seed + attempt)
        ctx = template_context(plan, rng)
        turns = _build(plan, rng, ctx, fillers)
        if len(turns) < MIN_TURNS:
            fillers += 2
        elif len(turns) > MAX_TURNS:
            fillers = max(0, fillers - 3)
        else:
            break
    rng = random.Random(plan.render_seed ^ 0x5EED)
    rand = rng.random
    voice = plan.channel == Channel.VOICE
    agent_wps = plan.agent.words_per_second
    customer_wps = 2.6 * (0.85 + 0.3 * rand())
    agent_pace = plan.agent.speed**0.5
    # Each turn: the wait before it (a gap, a hold, or the other side thinking and typing) and its length.
    waits: list[float] = []
    lengths: list[float] = []
    for turn in turns:
        words = turn.text.count(" ") + 1
        if voice:
            speech = words / (agent_wps if turn.speaker == "a" else customer_wps) * (0.9 + 0.22 * rand())
            waits.append(turn.hold_before or 0.3 + 1.2 * rand())
            lengths.append(speech if speech > 0.6 else 0.6)
        else:
            think = (8.0 + 37.0 * rand()) * agent_pace if turn.speaker == "a" else 5.0 + 65.0 * rand()
            waits.append(think + words * 0.35)
            lengths.append(0.0)
    lead = 0.3 + 1.2 * rand() if voice else 2.0 + 18.0 * rand()
    tail = 0.5 + 1.5 * rand() if voice else 5.0 + 25.0 * rand()
    held = sum(turn.hold_before for turn in turns) if voice else 0.0
    total = lead + tail + sum(waits) + sum(lengths)
    room = plan.budget_seconds - plan.acw - 2.0
    # A call must end (with its wrap-up) before the agent's next one starts: squeeze it if needed.
    scale = max(0.05, (room - held) / (total - held)) if total > room else 1.0
    utterances: list[Utterance] = []
    append = utterances.append
    by_agent, by_customer = Speaker.AGENT, Speaker.CUSTOMER
    t = lead * scale
    for index, turn in enumerate(turns):
        speaker = by_agent if turn.speaker == "a" else by_customer
        start = t + (turn.hold_before if voice and turn.hold_before else waits[index] * scale)
        t = start + lengths[index] * scale
        if voice:
            append(Utterance(index, speaker, turn.text, round(start, 2), round(t, 2)))
        else:
            sent = round(t, 2) if plan.timed_chat else None
            append(Utterance(index, speaker, turn.text, sent, sent))
    duration = math.ceil(t + tail * scale)
    hold = round(sum(turn.hold_before for turn in turns), 2) if voice else 0.0
    customer = plan.customer
    metadata: dict[str, object] = {
        "product": plan.product,
        "shift_hour": plan.started_at.hour,
        "weekday": plan.started_at.strftime("%a"),
        "segment": customer.segment,
    }
    if customer.known_to_ivr:
        metadata["customer_name"] = f"{customer.first} {customer.last}"
    return Interaction(
        id=plan.id,
        channel=plan.channel,
        utterances=utterances,
        agent_id=plan.agent.id,
        team=plan.agent.team,
        queue=plan.reason.queue,
        customer_id=customer.id,
        started_at=plan.started_at,
        ended_at=plan.started_at + timedelta(seconds=duration),
        talk_seconds=round(duration - hold, 2),
        hold_seconds=hold,
        acw_seconds=float(plan.acw),
        disposition=plan.disposition,
        transferred=plan.disposition == "transferred",
        escalated=plan.disposition == "escalated",
        language=plan.language,
        contact_reason=plan.reason.id,
        survey=plan.survey,
        metadata=metadata,
    )
