"""How each rubric behaviour sounds in the demo, per language: one table to mirror.

Why one module: the generator and the rubric must agree on the vocabulary, and a
rubric author should be able to read it in one place. `standard` phrasings are the
ones a lexical rubric is expected to catch. `paraphrase` phrasings are used for
about 10 % of performed behaviours on purpose: real agents say things in ways no
phrase list anticipates, so a lexical detector *should* miss them (truth records
them as performed). `missed` lines are what an agent says instead when it does not
perform the behaviour ("" = nothing at all). `devanagari` lines are used for some
turns of Hindi-English calls.

Placeholders, filled per call: {agent} agent's first name; {call}/{calls}/{calling}
"call"/"calls"/"calling" on voice and "chat"/"chats"/"contacting" on chat;
{calling_hi} "call karne"/"contact karne"; {call_d} "कॉल"/"चैट"; {request} the
reason's request clause (`REQUESTS`); {next_step} the reason's or disposition's
next step (`NEXT_STEPS`); {hold_task} what the agent checks during a hold;
{pain_inf}/{pain_past} the customer's pain as a clause; {daypart} morning,
afternoon or evening; {first}/{last}/{title}/{nickname}/{sir} for addressing the
customer; {sakta}/{chahta}/{raha} (sakti/chahti/rahi for a female agent) and the
{karta}/{deta}/{leta} and the Devanagari {sakta_d}/{chahta_d} forms agree with the
agent's gender.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BEHAVIORS",
    "CRITICAL",
    "LANGUAGES",
    "NEGATIVE",
    "NEXT_STEPS",
    "PHRASES",
    "PROHIBITED",
    "REQUESTS",
    "RESTRAINT",
    "PhraseSet",
    "phrase_table_markdown",
    "phrases_for",
]

BEHAVIORS: tuple[str, ...] = (
    "recording_disclosure",
    "greet_with_brand",
    "use_customer_name",
    "verify_identity",
    "pain_mirror",
    "confirm_request",
    "hold_etiquette",
    "explain_next_steps",
    "offer_further_help",
    "polite_close",
    "prohibited_language",
)
"""The rubric's vocabulary, in the order a call usually meets them."""

CRITICAL: tuple[str, ...] = ("recording_disclosure", "verify_identity", "prohibited_language")
NEGATIVE: tuple[str, ...] = ("prohibited_language",)
"""Events whose occurrence is the failure: the generator plans them as events."""
PROHIBITED = "prohibited_language"
"""What the generator plans: the agent saying something prohibited (an event, a risk)."""
RESTRAINT = "no_prohibited_language"
"""The behaviour the shipped rubrics score, and the id the truth records: met when no
prohibited language was said. Truth speaks the rubrics' vocabulary, one id per behaviour."""


def phrases_for(behavior: str) -> dict[str, dict[str, PhraseSet]]:
    """The phrase table of a behaviour named by its truth (rubric) id; for `RESTRAINT`,
    the lines that break it."""
    return PHRASES[PROHIBITED if behavior == RESTRAINT else behavior]


LANGUAGES: tuple[str, ...] = ("en", "hi-en")


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """The ways one part of one behaviour is said in one language."""

    standard: tuple[str, ...]
    paraphrase: tuple[str, ...] = ()
    missed: tuple[str, ...] = ("",)
    devanagari: tuple[str, ...] = ()


PHRASES: dict[str, dict[str, dict[str, PhraseSet]]] = {
    "recording_disclosure": {
        "main": {
            "en": PhraseSet(
                standard=(
                    "This {call} may be recorded for quality and training purposes.",
                    "{calls} are recorded for quality and training purposes.",
                    "Please note this {call} is being recorded.",
                    "This {call} is being recorded and may be monitored for quality and training.",
                ),
                paraphrase=(
                    "Just so you know, we keep a copy of our conversations to help coach our team.",
                    "Heads up, what we say here is saved so our trainers can learn from it.",
                ),
            ),
            "hi-en": PhraseSet(
                standard=(
                    "Yeh {call} quality aur training ke liye record ki ja sakti hai.",
                    "Aapki {call} quality purposes ke liye record ho rahi hai.",
                    "Yeh {call} record ki ja rahi hai.",
                ),
                paraphrase=(
                    "Bas bata doon, hum in baaton ki ek copy rakhte hain taaki team ko sikha sakein.",
                ),
                devanagari=("यह {call_d} गुणवत्ता और प्रशिक्षण के लिए रिकॉर्ड की जा सकती है।",),
            ),
        },
    },
    "greet_with_brand": {
        "main": {
            "en": PhraseSet(
                standard=(
                    "Thank you for {calling} Northwind Bank, my name is {agent}. How can I help you today?",
                    "Northwind Bank, this is {agent}, how can I help you today?",
                    "Good {daypart}, thank you for {calling} Northwind Bank, you're speaking with {agent}. "
                    "How may I help?",
                ),
                paraphrase=(
                    "Hiya, you're through to {agent} on the Northwind helpline, what can I sort out for you?",
                    "{agent} here, Northwind customer care. What's brought you to us today?",
                ),
                missed=("Hello, how can I help?", "Hi, go ahead.", "Yeah, hi, what's the issue?"),
            ),
            "hi-en": PhraseSet(
                standard=(
                    "Northwind Bank mein {calling_hi} ke liye dhanyavaad, mera naam {agent} hai. "
                    "Main aapki kya madad kar {sakta} hoon?",
                    "Namaste, Northwind Bank se {agent} baat kar {raha} hoon, bataiye kaise help karoon?",
                ),
                paraphrase=(
                    "Northwind ki taraf se namaskar, {agent} bol {raha} hoon, boliye kya scene hai?",
                ),
                missed=("Hello, boliye.", "Haan ji, bataiye kya problem hai?"),
                devanagari=("नॉर्थविंड बैंक में {call_d} करने के लिए धन्यवाद, मेरा नाम {agent} है।",),
            ),
        },
    },
    "use_customer_name": {
        "main": {
            "en": PhraseSet(
                standard=("{first}", "{title} {last}"),
                paraphrase=("{nickname}",),
                missed=("{sir}", ""),
            ),
            "hi-en": PhraseSet(
                standard=("{first} ji", "{title} {last}"),
                paraphrase=("{last} ji",),
                missed=("{sir}", ""),
            ),
        },
    },
    "verify_identity": {
        "ask": {
            "en": PhraseSet(
                standard=(
                    "Can you confirm your date of birth, please?",
                    "For security, can I have the last four digits of your card?",
                    "I just need to verify your identity. Can you confirm your date of birth and zip code?",
                    "Before I make any changes I need to verify your identity. What's your date of birth?",
                ),
                paraphrase=(
                    "Quick one to keep your money safe: which town were you born in, and what's your zip?",
                    "Let's make sure it's really you on the line. Which town were you born in?",
                ),
            ),
            "hi-en": PhraseSet(
                standard=(
                    "Verification ke liye kya aap apni date of birth confirm kar sakte hain?",
                    "Security ke liye apne card ke last four digits bata dijiye.",
                    "Main aapki identity verify karna {chahta} hoon, apni date of birth bataiye.",
                ),
                paraphrase=(
                    "Ek chhota sa sawaal, taaki pakka ho ki aap hi hain: aapka janam kis town mein hua tha?",
                ),
                devanagari=("मैं आपकी पहचान सत्यापित करना {chahta_d} हूँ। कृपया अपनी जन्मतिथि बताइए।",),
            ),
        },
    },
    "pain_mirror": {
        "main": {
            "en": PhraseSet(
                standard=(
                    "I understand how frustrating it must be to {pain_inf}.",
                    "I'm sorry to hear that {pain_past}.",
                    "That sounds really stressful, and I'm sorry you've had to deal with it.",
                    "I completely understand how upsetting that is.",
                ),
                paraphrase=(
                    "Ugh, that's the last thing you need.",
                    "Oof, I'd be fuming too if that happened to me.",
                    "What a rotten week you're having.",
                ),
                missed=("Okay.", "Right.", "Okay, let me look.", ""),
            ),
            "hi-en": PhraseSet(
                standard=(
                    "Main samajh {sakta} hoon ki {pain_inf} kitna frustrating hai.",
                    "Mujhe sunkar bura laga ki {pain_past}.",
                    "Yeh sach mein kaafi stressful lag raha hai, sorry aapko yeh face karna pada.",
                ),
                paraphrase=(
                    "Arre, yeh toh bilkul nahi hona chahiye tha aapke saath.",
                    "Uff, aapki jagah main hota toh mujhe bhi gussa aata.",
                ),
                missed=("Achha.", "Theek hai.", "Haan, bataiye.", ""),
                devanagari=("मैं समझ {sakta_d} हूँ कि यह कितना परेशान करने वाला है।",),
            ),
        },
    },
    "confirm_request": {
        "main": {
            "en": PhraseSet(
                standard=(
                    "Just to confirm, you'd like to {request}?",
                    "So if I understand correctly, you want to {request}.",
                    "Let me make sure I have this right: you'd like to {request}, is that correct?",
                ),
                paraphrase=("Right, so the plan is to {request}, yeah?",),
            ),
            "hi-en": PhraseSet(
                standard=(
                    "Bas confirm kar loon, aap {request} chahte hain, sahi?",
                    "Toh agar main sahi samjha, aap {request} chahte hain.",
                ),
                paraphrase=("Matlab kul mila ke {request} hai, hai na?",),
            ),
        },
    },
    "hold_etiquette": {
        "before": {
            "en": PhraseSet(
                standard=(
                    "May I place you on a brief hold while I {hold_task}?",
                    "Would it be okay if I put you on hold for a moment while I {hold_task}?",
                    "Do you mind if I place you on a short hold while I {hold_task}?",
                ),
                paraphrase=("Mind if I pop you on mute for a sec while I {hold_task}?",),
                missed=("", "Hold on.", "One sec."),
            ),
            "hi-en": PhraseSet(
                standard=(
                    "Kya main aapko thodi der hold par rakh {sakta} hoon?",
                    "Main ek baar {hold_task} check kar loon, kya aap ek minute hold kar sakte hain?",
                ),
                paraphrase=(
                    "Ek minute dijiye, main line pe music laga {deta} hoon aur {hold_task} dekh {leta} hoon.",
                ),
                missed=("", "Ruko.", "Ek sec."),
                devanagari=("क्या मैं आपको थोड़ी देर होल्ड पर रख {sakta_d} हूँ?",),
            ),
        },
        "after": {
            "en": PhraseSet(
                standard=(
                    "Thank you for holding.",
                    "Thanks for your patience.",
                    "Thank you so much for waiting.",
                ),
                paraphrase=("Cheers for hanging on.",),
                missed=("Okay, so.", "Right.", ""),
            ),
            "hi-en": PhraseSet(
                standard=("Hold karne ke liye dhanyavaad.", "Intezaar karne ke liye shukriya."),
                paraphrase=("Aap ruke rahe, bahut achha laga.",),
                missed=("Haan.", "Achha toh.", ""),
                devanagari=("होल्ड करने के लिए धन्यवाद।",),
            ),
        },
    },
    "explain_next_steps": {
        "main": {
            "en": PhraseSet(
                standard=("{next_step}",),
                paraphrase=(
                    "Nothing more for you to do; the rest happens on our side and you'll see it land "
                    "shortly.",
                    "Keep an eye on your post and your inbox over the coming days, it's all in motion.",
                ),
                missed=("That's done now.", "Okay, that's sorted.", "Right, all done.", ""),
            ),
            "hi-en": PhraseSet(
                standard=("{next_step}",),
                paraphrase=(
                    "Ab aapko kuch nahi karna, baaki sab hamari taraf se ho jayega, bas inbox dekhte rahiye.",
                ),
                missed=("Ho gaya.", "Theek hai, kaam ho gaya.", ""),
            ),
        },
    },
    "offer_further_help": {
        "main": {
            "en": PhraseSet(
                standard=(
                    "Is there anything else I can help you with today?",
                    "Is there anything else I can do for you?",
                    "Can I help with anything else today?",
                ),
                paraphrase=(
                    "Anything else on your mind while I've got you?",
                    "Was there something else bugging you?",
                ),
            ),
            "hi-en": PhraseSet(
                standard=(
                    "Aur kuch madad kar {sakta} hoon?",
                    "Kya main aapki aur koi madad kar {sakta} hoon?",
                ),
                paraphrase=("Aur koi cheez pareshaan kar rahi ho toh abhi bata dijiye.",),
                devanagari=("क्या मैं आपकी और कोई मदद कर {sakta_d} हूँ?",),
            ),
        },
    },
    "polite_close": {
        "main": {
            "en": PhraseSet(
                standard=(
                    "Thank you for {calling} Northwind Bank, have a great day.",
                    "Thanks for {calling} us, take care, goodbye.",
                    "Have a wonderful day, goodbye.",
                ),
                paraphrase=(
                    "Cheers now, enjoy the rest of your {daypart}.",
                    "Lovely chatting, all the best.",
                ),
                missed=("Okay.", "Right, that's it then.", "Done."),
            ),
            "hi-en": PhraseSet(
                standard=(
                    "Northwind Bank mein {calling_hi} ke liye dhanyavaad, aapka din shubh ho.",
                    "Dhanyavaad, take care, bye.",
                ),
                paraphrase=("Chaliye, khush rahiye, phir milte hain.",),
                missed=("Theek hai.", "Bas."),
                devanagari=("नॉर्थविंड बैंक को {call_d} करने के लिए धन्यवाद, आपका दिन शुभ हो।",),
            ),
        },
    },
    "prohibited_language": {
        "main": {
            "en": PhraseSet(
                standard=(
                    "Look, that's not my problem.",
                    "You need to calm down.",
                    "You should have read the terms.",
                    "There's nothing I can do.",
                ),
                paraphrase=("Honestly, that one's on you, not us.", "Take a breath, you're shouting at me."),
            ),
            "hi-en": PhraseSet(
                standard=(
                    "Yeh meri problem nahi hai.",
                    "Aap calm down kariye.",
                    "Aapko terms padhni chahiye thi.",
                    "Main kuch nahi kar {sakta}.",
                ),
                paraphrase=("Isme hamari koi galti nahi, aapki hi hai.",),
            ),
        },
    },
}
"""behaviour -> part -> language -> phrasings. Most behaviours have one part, "main"."""

REQUESTS: dict[str, dict[str, tuple[str, ...]]] = {
    "replace_card": {
        "en": ("block your {product} ending in {last4} and get a replacement sent out",),
        "hi-en": ("apna {product} block karwa ke naya card mangwana",),
    },
    "dispute_charge": {
        "en": ("raise a dispute for the {amount} charge from {merchant}",),
        "hi-en": ("{merchant} wale {amount} charge pe dispute raise karna",),
    },
    "card_declined": {
        "en": ("remove the security block on your {product} ending in {last4}",),
        "hi-en": ("apne {product} se security block hatwana",),
    },
    "make_payment": {
        "en": ("make a payment of {amount} towards your {product}",),
        "hi-en": ("apne {product} pe {amount} ka payment karna",),
    },
    "failed_transfer": {
        "en": ("resend the {amount} transfer to the right account",),
        "hi-en": ("{amount} ka transfer dobara bhejna",),
    },
    "loan_status": {
        "en": ("get an update on your {product} application",),
        "hi-en": ("apni {product} application ka update lena",),
    },
    "loan_payoff": {
        "en": ("get a payoff quote for your {product}",),
        "hi-en": ("apne {product} ka payoff quote lena",),
    },
    "update_address": {
        "en": ("update your address to the new one in {new_city}",),
        "hi-en": ("apna address {new_city} wale naye address pe update karna",),
    },
    "fee_reversal": {
        "en": ("have the {amount} fee refunded",),
        "hi-en": ("{amount} wali fee wapas karwana",),
    },
    "reset_password": {
        "en": ("reset your online banking password",),
        "hi-en": ("apna online banking password reset karna",),
    },
    "app_login_issue": {
        "en": ("get the app working again on your phone",),
        "hi-en": ("app ko phone pe dobara chalu karwana",),
    },
    "close_account": {
        "en": ("close your {product} ending in {prod4}",),
        "hi-en": ("apna {product} band karwana",),
    },
    "rate_review": {
        "en": ("review the interest rate on your {product}",),
        "hi-en": ("apne {product} ka interest rate review karwana",),
    },
}
"""contact reason -> language -> the request clause used by `confirm_request`."""

NEXT_STEPS: dict[str, dict[str, tuple[str, ...]]] = {
    "replace_card": {
        "en": (
            "You'll receive the new card within 5 to 7 business days, and you can use the digital card "
            "in the app straight away.",
            "Your new card will arrive within 5 to 7 business days; you'll need to activate it in the app.",
        ),
        "hi-en": (
            "Aapko naya card 5 se 7 business days mein mil jayega, tab tak app mein digital card use "
            "kar sakte hain.",
        ),
    },
    "dispute_charge": {
        "en": (
            "You'll receive a confirmation email with your dispute reference today, and we'll write to you "
            "with the outcome within 10 business days.",
            "The temporary credit will show in 3 to 5 days, and the investigation usually takes up to 45 "
            "days.",
        ),
        "hi-en": (
            "Aapko aaj dispute reference ke saath confirmation email mil jayega, aur 10 business days "
            "mein result.",
        ),
    },
    "card_declined": {
        "en": (
            "You can try the payment again in about five minutes, and you'll get a text if we ever need to "
            "confirm a payment again.",
        ),
        "hi-en": (
            "Paanch minute baad payment dobara try kijiye, aur aage se confirm karne ke liye aapko "
            "SMS aayega.",
        ),
    },
    "make_payment": {
        "en": (
            "The payment will show on your account within 1 to 2 business days, and you'll get a "
            "confirmation email today.",
        ),
        "hi-en": (
            "Payment 1 se 2 business days mein account pe dikhega, aur aaj confirmation email aa jayega.",
        ),
    },
    "failed_transfer": {
        "en": (
            "The money should arrive in the other account by the end of tomorrow, and you'll get a text "
            "as soon as it's delivered.",
        ),
        "hi-en": (
            "Paisa kal tak doosre account mein pahunch jayega, aur deliver hote hi aapko SMS mil jayega.",
        ),
    },
    "loan_status": {
        "en": (
            "You'll get a decision by email within 3 business days of uploading the statement.",
            "An underwriter will call you within 2 business days to go through the decision.",
        ),
        "hi-en": ("Statement upload karne ke 3 business days ke andar aapko email pe decision mil jayega.",),
    },
    "loan_payoff": {
        "en": ("You'll get the payoff letter by email within 24 hours, and it's valid for 10 days.",),
        "hi-en": ("Payoff letter aapko 24 ghante mein email pe mil jayega, aur woh 10 din valid rahega.",),
    },
    "update_address": {
        "en": (
            "You'll get a confirmation letter at the new address within 5 business days, and statements "
            "will go there from now on.",
        ),
        "hi-en": (
            "Naye address pe 5 business days mein confirmation letter aa jayega, aur statements bhi "
            "wahin aayenge.",
        ),
    },
    "fee_reversal": {
        "en": (
            "The refund will show in 3 to 5 days, and you'll get a low balance alert by text from now on.",
        ),
        "hi-en": ("Refund 3 se 5 din mein dikh jayega, aur aage se low balance alert SMS pe milega.",),
    },
    "reset_password": {
        "en": (
            "You'll get a text with a one-time code in the next minute, and the link in your email is "
            "valid for 30 minutes.",
        ),
        "hi-en": (
            "Ek minute mein aapko one-time code ka SMS aayega, aur email wala link 30 minute valid hai.",
        ),
    },
    "app_login_issue": {
        "en": ("Please reinstall the app in about an hour, and you'll get a text when the fix is live.",),
        "hi-en": ("Ek ghante baad app reinstall kijiye, fix live hote hi aapko SMS mil jayega.",),
    },
    "close_account": {
        "en": (
            "You'll get a closure confirmation letter within 7 business days, and the balance will arrive "
            "in 1 to 2 business days.",
        ),
        "hi-en": (
            "7 business days mein closure letter aa jayega, aur balance 1 se 2 din mein transfer ho jayega.",
        ),
    },
    "rate_review": {
        "en": (
            "You'll get a letter confirming the new rate within 5 business days, and it will show on your "
            "next statement.",
        ),
        "hi-en": (
            "Naye rate ka confirmation letter 5 business days mein aayega, aur agle statement pe dikhega.",
        ),
    },
    "_transferred": {
        "en": ("They'll have all the notes from this call, so you won't need to repeat yourself.",),
        "hi-en": ("Unke paas is call ke saare notes honge, aapko dobara kuch batana nahi padega.",),
    },
    "_escalated": {
        "en": ("A case manager will call you back within 48 hours with an update.",),
        "hi-en": ("Ek case manager aapko 48 ghante mein call karke update dega.",),
    },
    "_callback": {
        "en": ("You'll get a call back from us within 24 hours on the number we have on file.",),
        "hi-en": ("Aapko 24 ghante ke andar registered number pe call back aa jayega.",),
    },
    "_unresolved": {
        "en": (
            "You'll get a summary of today's call by email, with a reference number to quote "
            "if you call back.",
        ),
        "hi-en": (
            "Aaj ki call ka summary reference number ke saath email pe mil jayega, "
            "call karein toh woh bataiye.",
        ),
    },
}
"""contact reason (or "_" + disposition when not resolved) -> language -> next steps."""


def phrase_table_markdown() -> str:
    """The table as Markdown, for a rubric author (and the demo's README)."""
    lines = [
        "| behaviour | part | language | standard | paraphrase (should be missed) | said when missed |",
        "| --- | --- | --- | --- | --- | --- |",
    ]

    def cell(items: tuple[str, ...]) -> str:
        return "<br>".join(f"`{s}`" if s else "(nothing)" for s in items) or "-"

    for behavior in BEHAVIORS:
        for part, by_language in PHRASES[behavior].items():
            for language, ps in by_language.items():
                standard = cell(ps.standard + ps.devanagari)
                missed = "-" if behavior in NEGATIVE else cell(ps.missed)
                lines.append(
                    f"| {behavior} | {part} | {language} | {standard} | {cell(ps.paraphrase)} | {missed} |"
                )
    return "\n".join(lines) + "\n"
