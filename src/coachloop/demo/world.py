"""The contact center's world: queues, contact reasons, products, volumes and dialogue content.

Why data rather than code: each reason carries what differs between reasons (how
hard it is, how often it needs a hold, transfers or an account change, and what the
customer and agent say about it) so the generator stays one generic script.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "GENERIC_EXCHANGES",
    "HOURLY_VOLUME",
    "INCIDENT_EXCHANGE",
    "QUEUES",
    "QUEUE_WEIGHTS",
    "REASONS",
    "WEEKDAY_VOLUME",
    "Exchange",
    "Problem",
    "Reason",
    "ReasonText",
    "ex",
]

QUEUES: tuple[str, ...] = ("cards", "payments", "loans", "accounts", "tech_support", "retention")
QUEUE_WEIGHTS: dict[str, float] = {
    "cards": 0.26,
    "payments": 0.16,
    "loans": 0.12,
    "accounts": 0.16,
    "tech_support": 0.16,
    "retention": 0.14,
}

HOURLY_VOLUME: dict[int, float] = {
    7: 0.45,
    8: 0.8,
    9: 1.0,
    10: 1.15,
    11: 1.1,
    12: 0.95,
    13: 1.0,
    14: 1.05,
    15: 0.95,
    16: 0.85,
    17: 0.75,
    18: 0.7,
    19: 0.6,
    20: 0.45,
    21: 0.3,
}
"""Relative arrival rate by hour of day (7:00-22:00): a morning peak, a lunch dip, an after-work tail."""

WEEKDAY_VOLUME: tuple[float, ...] = (1.15, 1.05, 1.0, 1.0, 1.05, 0.8)
"""Monday to Saturday: Mondays are busiest, Saturdays quieter."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """A few consecutive turns; speakers are "a" (agent) or "c" (customer).

    `pii` names the sensitive value the exchange makes the customer say, so it is only
    used when the call's plan says that value is spoken (truth must know it up front).
    """

    turns: tuple[tuple[str, str], ...]
    voice_only: bool = False
    pii: str | None = None
    not_for: tuple[str, ...] = ()
    """Contact reasons this exchange contradicts (e.g. "do you still live there?" on a change of address)."""


def ex(
    *parts: str, voice_only: bool = False, pii: str | None = None, not_for: tuple[str, ...] = ()
) -> Exchange:
    """`ex("a", "Question?", "c", "Answer.")`: compact to write, checked to pair up."""
    if len(parts) % 2 or any(s not in ("a", "c") for s in parts[::2]):
        raise ValueError(f"bad exchange: {parts!r}")
    return Exchange(tuple(zip(parts[::2], parts[1::2], strict=True)), voice_only, pii, not_for)


@dataclass(frozen=True, slots=True)
class Problem:
    """How the customer opens; a `pain_*` of None means there is nothing to mirror (unless frustrated)."""

    text: str
    pain_inf: str | None = None
    pain_past: str | None = None


@dataclass(frozen=True, slots=True)
class ReasonText:
    problems: tuple[Problem, ...]
    exchanges: tuple[Exchange, ...]
    hold_tasks: tuple[str, ...]
    findings: tuple[str, ...]
    actions: tuple[str, ...]
    incident_problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    id: str
    queue: str
    products: tuple[str, ...]
    weight: float
    complexity: float
    """Multiplies the conversation's length (and so AHT)."""
    hold_prob: float
    account_change: bool
    """Resolving it changes the account, so identity must be verified first."""
    transfer_team: str
    p_transfer: float
    p_escalate: float
    p_callback: float
    p_unresolved: float
    text: dict[str, ReasonText] = field(default_factory=dict)


_P = Problem

REASONS: dict[str, Reason] = {
    r.id: r
    for r in (
        Reason(
            id="replace_card",
            queue="cards",
            products=("credit card", "debit card"),
            weight=0.45,
            complexity=1.0,
            hold_prob=0.35,
            account_change=True,
            transfer_team="fraud team",
            p_transfer=0.04,
            p_escalate=0.02,
            p_callback=0.02,
            p_unresolved=0.02,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "I think I've lost my {product}. I had it at {merchant} yesterday and now I can't "
                            "find it.",
                            "lose your card like that",
                            "your card has gone missing",
                        ),
                        _P(
                            "My {product} was stolen, someone took my bag on the train this morning.",
                            "have your bag and card stolen",
                            "your bag and card were stolen",
                        ),
                        _P(
                            "My {product} is damaged, the chip stopped working and it keeps getting declined.",
                            "have a card that just stops working",
                            "your card stopped working",
                        ),
                    ),
                    exchanges=(
                        ex("a", "When did you last use the card?", "c", "Yesterday afternoon at {merchant}."),
                        ex(
                            "a",
                            "Have you seen any transactions you don't recognize?",
                            "c",
                            "Not that I can see, but I haven't checked since this morning.",
                        ),
                        ex(
                            "a",
                            "Would you like the replacement sent to the address on file in {city}?",
                            "c",
                            "Yes please, same address.",
                        ),
                        ex(
                            "c",
                            "Will my automatic payments still work with the new card?",
                            "a",
                            "Your bill payments are linked to the account, so most will carry on as normal.",
                        ),
                        ex(
                            "c",
                            "Should I cut up the old card if I find it?",
                            "a",
                            "Yes, please cut through the chip and throw it away.",
                        ),
                    ),
                    hold_tasks=("check the recent transactions", "look at the activity on the card"),
                    findings=(
                        "I've checked the recent activity and there's nothing after yesterday afternoon, so "
                        "nothing looks suspicious.",
                    ),
                    actions=(
                        "I've blocked the card ending in {last4} and ordered a replacement.",
                        "Okay, the card ending in {last4} is now blocked and a new one is on order.",
                    ),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Mera {product} kho gaya hai, kal {merchant} pe use kiya tha aur ab mil nahi raha.",
                            "card kho jaana",
                            "aapka card kho gaya",
                        ),
                        _P(
                            "Aaj subah train mein mera bag chori ho gaya, usme mera {product} tha.",
                            "bag aur card chori ho jaana",
                            "aapka bag aur card chori ho gaya",
                        ),
                        _P(
                            "मेरा कार्ड काम नहीं कर रहा है, chip kharab ho gayi hai.",
                            "card ka achanak kaam band kar dena",
                            "aapka card kaam nahi kar raha",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Aapne card last time kab use kiya tha?", "c", "Kal dopahar {merchant} pe."),
                        ex(
                            "a",
                            "Koi aisi transaction dikhi jo aapne nahi ki?",
                            "c",
                            "Nahi, abhi tak toh kuch nahi dikha.",
                        ),
                        ex(
                            "a",
                            "Naya card {city} wale address pe hi bhej doon?",
                            "c",
                            "Haan ji, wahi address.",
                        ),
                        ex(
                            "c",
                            "Purana card mil gaya toh kya karoon?",
                            "a",
                            "Usko chip ke beech se kaat ke phenk dijiye.",
                        ),
                    ),
                    hold_tasks=("recent transactions",),
                    findings=(
                        "Maine activity check kar li hai, kal dopahar ke baad koi transaction nahi hai.",
                    ),
                    actions=("Aapka card block kar diya hai aur naya card order ho gaya hai.",),
                ),
            },
        ),
        Reason(
            id="dispute_charge",
            queue="cards",
            products=("credit card", "debit card"),
            weight=0.35,
            complexity=1.5,
            hold_prob=0.6,
            account_change=True,
            transfer_team="disputes team",
            p_transfer=0.08,
            p_escalate=0.1,
            p_callback=0.06,
            p_unresolved=0.04,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "There's a charge of {amount} from {merchant} on my {product} that I didn't make.",
                            "find a charge you don't recognize",
                            "there's a charge on your account you didn't make",
                        ),
                        _P(
                            "I was charged twice for the same purchase at {merchant}, {amount} both times.",
                            "be charged twice",
                            "you were charged twice",
                        ),
                        _P(
                            "I returned something to {merchant} three weeks ago and I still haven't got my "
                            "{amount} back.",
                            "wait that long for a refund",
                            "your refund still hasn't come through",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Do you still have the card with you?", "c", "Yes, it's right here."),
                        ex(
                            "a",
                            "Did you contact {merchant} directly first?",
                            "c",
                            "I did, they told me to speak to my bank.",
                        ),
                        ex(
                            "a",
                            "Can you tell me roughly when the transaction happened?",
                            "c",
                            "It was on the {day_ordinal}, I think.",
                        ),
                        ex(
                            "c",
                            "Will I get the money back today?",
                            "a",
                            "I can put a temporary credit on while we look into it.",
                        ),
                        ex(
                            "a",
                            "Do you have a receipt or an email from the merchant?",
                            "c",
                            "I've got the return receipt, yes.",
                        ),
                    ),
                    hold_tasks=("look into that transaction", "pull up the transaction details"),
                    findings=(
                        "I can see the transaction from {merchant} for {amount}, it posted two days ago.",
                    ),
                    actions=(
                        "I've raised a dispute for the {amount} charge and added a temporary credit to your "
                        "account.",
                    ),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Mere {product} pe {merchant} ka {amount} ka charge aaya hai jo maine kiya hi nahi.",
                            "aisa charge dekhna jo aapne kiya hi nahi",
                            "aapke account pe galat charge aaya",
                        ),
                        _P(
                            "{merchant} pe ek hi cheez ke liye do baar {amount} kat gaye.",
                            "do baar paise katna",
                            "aapke paise do baar kat gaye",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Card abhi aapke paas hai?", "c", "Haan ji, mere paas hi hai."),
                        ex(
                            "a",
                            "Aapne {merchant} se baat ki thi pehle?",
                            "c",
                            "Ki thi, unhone bola bank se baat karo.",
                        ),
                        ex(
                            "c",
                            "Paise aaj wapas mil jayenge?",
                            "a",
                            "Main abhi ek temporary credit daal {sakta} hoon.",
                        ),
                    ),
                    hold_tasks=("transaction ki details",),
                    findings=(
                        "{merchant} ki {amount} wali transaction dikh rahi hai, do din pehle post hui thi.",
                    ),
                    actions=(
                        "Maine {amount} ke charge pe dispute raise kar diya hai aur temporary credit daal diya "
                        "hai.",
                    ),
                ),
            },
        ),
        Reason(
            id="card_declined",
            queue="cards",
            products=("credit card", "debit card"),
            weight=0.2,
            complexity=1.0,
            hold_prob=0.4,
            account_change=True,
            transfer_team="fraud team",
            p_transfer=0.05,
            p_escalate=0.02,
            p_callback=0.02,
            p_unresolved=0.04,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "My {product} keeps getting declined and there's definitely money in the account.",
                            "have your card declined like that",
                            "your card was declined",
                        ),
                        _P(
                            "I tried to pay at {merchant} and the card was declined, it was so embarrassing.",
                            "be left embarrassed at the checkout",
                            "your card was declined in front of everyone",
                        ),
                        _P(
                            "I'm traveling and my card isn't working anywhere.",
                            "be stuck away from home without a working card",
                            "your card isn't working while you travel",
                        ),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "Did you get a text from us asking you to confirm a payment?",
                            "c",
                            "I might have, I didn't recognize the number.",
                        ),
                        ex(
                            "a",
                            "Where were you trying to use the card?",
                            "c",
                            "At {merchant}, for about {amount}.",
                        ),
                        ex(
                            "c",
                            "Why did it get blocked in the first place?",
                            "a",
                            "Our fraud system flagged an unusual payment; it's there to protect you.",
                        ),
                        ex("a", "Are you traveling at the moment?", "c", "Yes, I'm away until next week."),
                    ),
                    hold_tasks=("check why the card was blocked",),
                    findings=(
                        "I can see the card was blocked by our fraud system after a payment attempt at "
                        "{merchant}.",
                    ),
                    actions=(
                        "I've removed the block on your card ending in {last4}, so it's working again.",
                    ),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Mera {product} baar baar decline ho raha hai, account mein paise hain.",
                            "card ka baar baar decline hona",
                            "aapka card decline ho gaya",
                        ),
                        _P(
                            "{merchant} pe payment karne {c_gaya} toh card decline ho gaya, bahut embarrassing "
                            "tha.",
                            "sabke saamne card decline hona",
                            "aapka card sabke saamne decline ho gaya",
                        ),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "Kya aapko payment confirm karne ke liye koi SMS aaya tha?",
                            "c",
                            "Shayad aaya tha, number pata nahi tha.",
                        ),
                        ex(
                            "c",
                            "Card block kyun hua?",
                            "a",
                            "Fraud system ne ek unusual payment flag kiya tha, aapki safety ke liye.",
                        ),
                    ),
                    hold_tasks=("block ki wajah",),
                    findings=("Card {merchant} pe payment attempt ke baad fraud system ne block kiya tha.",),
                    actions=("Maine aapke card se block hata diya hai, ab card chal jayega.",),
                ),
            },
        ),
        Reason(
            id="make_payment",
            queue="payments",
            products=("credit card", "personal loan", "mortgage"),
            weight=0.55,
            complexity=0.8,
            hold_prob=0.2,
            account_change=True,
            transfer_team="collections team",
            p_transfer=0.02,
            p_escalate=0.01,
            p_callback=0.01,
            p_unresolved=0.02,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "I'd like to make a payment on my {product}, the app keeps timing out.",
                            "have the app time out on you",
                            "the app kept timing out",
                        ),
                        _P("I want to pay {amount} towards my {product} before the due date."),
                        _P(
                            "I missed my {product} payment and I want to pay it now before I get a late fee.",
                            "worry about a late fee",
                            "you missed the payment date",
                        ),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "Which account would you like the payment taken from?",
                            "c",
                            "From my checking account, the one ending {acct4}.",
                        ),
                        ex(
                            "a",
                            "Would you like to set up autopay so this doesn't happen again?",
                            "c",
                            "Maybe, let me think about it.",
                        ),
                        ex(
                            "c",
                            "Will I still be charged a late fee?",
                            "a",
                            "As the payment is going in today, I can waive the late fee this time.",
                        ),
                    ),
                    hold_tasks=("check the balance due",),
                    findings=("Your current balance due is {amount}.",),
                    actions=("I've made the payment of {amount} to your {product}.",),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Mujhe apne {product} ka payment karna hai, app baar baar time out ho raha hai.",
                            "app ka baar baar time out hona",
                            "app time out ho raha tha",
                        ),
                        _P("Main due date se pehle {product} pe {amount} pay karna {c_chahta} hoon."),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "Payment kis account se karna hai?",
                            "c",
                            "Checking account se, jiske last digits {acct4} hain.",
                        ),
                        ex(
                            "c",
                            "Late fee toh nahi lagegi na?",
                            "a",
                            "Aaj payment ho raha hai toh is baar late fee waive kar {deta} hoon.",
                        ),
                    ),
                    hold_tasks=("due balance",),
                    findings=("Aapka current due balance {amount} hai.",),
                    actions=("Maine {amount} ka payment aapke {product} pe kar diya hai.",),
                ),
            },
        ),
        Reason(
            id="failed_transfer",
            queue="payments",
            products=("savings", "app"),
            weight=0.45,
            complexity=1.2,
            hold_prob=0.5,
            account_change=True,
            transfer_team="payments team",
            p_transfer=0.05,
            p_escalate=0.05,
            p_callback=0.08,
            p_unresolved=0.05,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "I sent {amount} to my landlord two days ago and it still hasn't arrived.",
                            "have your rent money stuck like that",
                            "your transfer still hasn't arrived",
                        ),
                        _P(
                            "I tried to move {amount} from my savings and it just says the transfer failed.",
                            "see a transfer fail with no explanation",
                            "the transfer failed",
                        ),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "Do you have the account and routing number of the person you paid?",
                            "c",
                            "Yes, I've got them in my email.",
                        ),
                        ex(
                            "a",
                            "Did you get any error message when you sent it?",
                            "c",
                            "It just said something went wrong, try again later.",
                        ),
                        ex(
                            "c",
                            "The landlord is charging me a late fee now.",
                            "a",
                            "I can send you a letter confirming the delay if that helps.",
                        ),
                    ),
                    hold_tasks=("trace the transfer",),
                    findings=(
                        "I can see the transfer came back because one digit of the account number was wrong.",
                    ),
                    actions=(
                        "I've cancelled the returned transfer and resent the {amount} to the corrected account.",
                    ),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Maine do din pehle landlord ko {amount} bheje the, abhi tak nahi pahunche.",
                            "rent ke paise atak jaana",
                            "aapka transfer abhi tak nahi pahuncha",
                        ),
                        _P(
                            "Savings se {amount} transfer kiya toh likha aaya transfer failed.",
                            "bina wajah transfer fail hona",
                            "transfer fail ho gaya",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Koi error message aaya tha?", "c", "Bas likha tha something went wrong."),
                        ex(
                            "c",
                            "Landlord ab late fee maang raha hai.",
                            "a",
                            "Main aapko delay ka confirmation letter bhej {sakta} hoon.",
                        ),
                    ),
                    hold_tasks=("transfer ka status",),
                    findings=("Transfer wapas aaya tha kyunki account number mein ek digit galat tha.",),
                    actions=(
                        "Maine wapas aaya transfer cancel karke {amount} sahi account pe dobara bhej diya hai.",
                    ),
                ),
            },
        ),
        Reason(
            id="loan_status",
            queue="loans",
            products=("personal loan", "mortgage"),
            weight=0.55,
            complexity=1.1,
            hold_prob=0.55,
            account_change=False,
            transfer_team="underwriting team",
            p_transfer=0.15,
            p_escalate=0.04,
            p_callback=0.08,
            p_unresolved=0.05,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "I applied for a {product} two weeks ago and I haven't heard anything.",
                            "wait without any update",
                            "you haven't heard back",
                        ),
                        _P(
                            "I'm calling to check on my {product} application, I was told I'd hear back in "
                            "five days.",
                            "be kept waiting past the date you were given",
                            "nobody got back to you when promised",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Do you have your application reference number?", "c", "Yes, it's {ref}."),
                        ex(
                            "a",
                            "Did you upload the proof of income we asked for?",
                            "c",
                            "I uploaded my pay stubs last week.",
                        ),
                        ex(
                            "c",
                            "Is there anything else you need from me?",
                            "a",
                            "Just the most recent bank statement, which you can upload in the app.",
                        ),
                        ex("a", "Was this a joint application?", "c", "No, it's just me."),
                    ),
                    hold_tasks=("check where the application is", "look at the underwriting notes"),
                    findings=(
                        "I can see your application is with the underwriting team and they're waiting on one "
                        "document.",
                    ),
                    actions=("I've added a note asking the underwriters to review your file as a priority.",),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Maine do hafte pehle {product} ke liye apply kiya tha, abhi tak kuch pata nahi "
                            "chala.",
                            "bina update ke intezaar karna",
                            "aapko abhi tak koi update nahi mila",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Aapka application reference number hai?", "c", "Haan, {ref} hai."),
                        ex(
                            "a",
                            "Income proof upload kar diya tha?",
                            "c",
                            "Haan, pichhle hafte salary slips daal di thi.",
                        ),
                    ),
                    hold_tasks=("application ka status",),
                    findings=("Aapki application underwriting team ke paas hai, ek document pending hai.",),
                    actions=("Maine underwriters ko priority pe review karne ka note daal diya hai.",),
                ),
            },
        ),
        Reason(
            id="loan_payoff",
            queue="loans",
            products=("mortgage", "personal loan"),
            weight=0.45,
            complexity=0.9,
            hold_prob=0.4,
            account_change=False,
            transfer_team="loan servicing team",
            p_transfer=0.1,
            p_escalate=0.02,
            p_callback=0.05,
            p_unresolved=0.02,
            text={
                "en": ReasonText(
                    problems=(
                        _P("I want to pay off my {product} early, can you tell me how much I owe?"),
                        _P("I need a payoff letter for my {product}, my lawyer is asking for it."),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "What date are you looking to pay it off by?",
                            "c",
                            "By the end of next month, ideally.",
                        ),
                        ex(
                            "c",
                            "Are there any early repayment charges?",
                            "a",
                            "There's no early repayment charge on this {product}.",
                        ),
                        ex(
                            "a",
                            "Where would you like the letter sent?",
                            "c",
                            "Can you email it to {email}?",
                            pii="email",
                        ),
                    ),
                    hold_tasks=("work out the payoff figure",),
                    findings=("The payoff figure as of today is {amount}, including interest to date.",),
                    actions=("I've requested a payoff quote valid for 10 days.",),
                ),
                "hi-en": ReasonText(
                    problems=(_P("Main apna {product} jaldi close karna {c_chahta} hoon, kitna baaki hai?"),),
                    exchanges=(
                        ex(
                            "c",
                            "Early repayment ka koi charge hai?",
                            "a",
                            "Nahi, is {product} pe koi charge nahi hai.",
                        ),
                        ex("a", "Letter kahan bhejoon?", "c", "{email} pe email kar dijiye.", pii="email"),
                    ),
                    hold_tasks=("payoff amount",),
                    findings=("Aaj ki date tak payoff amount {amount} hai.",),
                    actions=("Maine 10 din valid payoff quote request kar diya hai.",),
                ),
            },
        ),
        Reason(
            id="update_address",
            queue="accounts",
            products=("savings", "credit card", "mortgage", "debit card"),
            weight=0.55,
            complexity=0.8,
            hold_prob=0.2,
            account_change=True,
            transfer_team="account services team",
            p_transfer=0.02,
            p_escalate=0.01,
            p_callback=0.01,
            p_unresolved=0.02,
            text={
                "en": ReasonText(
                    problems=(
                        _P("I've moved house and I need to update my address."),
                        _P(
                            "I've just moved to {new_city} and want to change the address on all my accounts."
                        ),
                        _P(
                            "My statements are still going to my old address even though I told you I'd moved.",
                            "have your statements still going to the old address",
                            "your statements went to your old address",
                        ),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "What's the new address, please?",
                            "c",
                            "It's {new_street}, {new_city}, {new_zip}.",
                        ),
                        ex("a", "And when did you move in?", "c", "About two weeks ago."),
                        ex(
                            "a",
                            "Would you like us to update your phone number as well?",
                            "c",
                            "Yes actually, my new number is {phone}.",
                            pii="phone",
                        ),
                        ex("c", "Will I need new cards?", "a", "No, your cards stay exactly the same."),
                    ),
                    hold_tasks=("check which accounts use the old address",),
                    findings=(
                        "I can see the old address is still on your {product} and your other accounts.",
                    ),
                    actions=("I've updated your address to {new_street}, {new_city}.",),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P("Maine ghar shift kiya hai, address update karna hai."),
                        _P(
                            "Maine bataya tha ki shift ho gaya, phir bhi statements purane address pe ja rahe "
                            "hain.",
                            "statements ka purane address pe jaana",
                            "statements purane address pe chale gaye",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Naya address bata dijiye.", "c", "{new_street}, {new_city}, {new_zip}."),
                        ex(
                            "a",
                            "Phone number bhi update karna hai?",
                            "c",
                            "Haan, naya number {phone} hai.",
                            pii="phone",
                        ),
                    ),
                    hold_tasks=("purane address wale accounts",),
                    findings=("Purana address abhi bhi aapke {product} aur baaki accounts pe hai.",),
                    actions=("Maine aapka address {new_street}, {new_city} pe update kar diya hai.",),
                ),
            },
        ),
        Reason(
            id="fee_reversal",
            queue="accounts",
            products=("savings", "debit card", "credit card"),
            weight=0.45,
            complexity=1.0,
            hold_prob=0.5,
            account_change=True,
            transfer_team="account services team",
            p_transfer=0.04,
            p_escalate=0.08,
            p_callback=0.03,
            p_unresolved=0.08,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "I've been charged a {amount} overdraft fee and I don't think it's fair.",
                            "be hit with a fee you weren't expecting",
                            "you were charged that fee",
                        ),
                        _P(
                            "There's a monthly fee on my {product} that nobody told me about.",
                            "find a fee nobody warned you about",
                            "nobody told you about the fee",
                        ),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "Is this the first time you've been charged this fee?",
                            "c",
                            "Yes, first time ever.",
                        ),
                        ex(
                            "c",
                            "Why was I charged in the first place?",
                            "a",
                            "The balance dropped below the minimum for a couple of days last month.",
                        ),
                        ex(
                            "a",
                            "Would you like me to set up a low balance alert?",
                            "c",
                            "Yes, that would help.",
                        ),
                    ),
                    hold_tasks=("check the fee history on the account",),
                    findings=("I can see this is the first fee on the account in over a year.",),
                    actions=("I've refunded the {amount} fee as a one-off goodwill gesture.",),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Mujhe {amount} ki overdraft fee lagi hai, yeh fair nahi hai.",
                            "bina bataye fee lagna",
                            "aapko woh fee lag gayi",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Kya yeh fee pehli baar lagi hai?", "c", "Haan, pehli baar."),
                        ex(
                            "c", "Fee lagi kyun?", "a", "Pichhle mahine do din balance minimum se neeche tha."
                        ),
                    ),
                    hold_tasks=("fee history",),
                    findings=("Ek saal mein yeh account pe pehli fee hai.",),
                    actions=("Maine {amount} ki fee goodwill mein refund kar di hai.",),
                ),
            },
        ),
        Reason(
            id="reset_password",
            queue="tech_support",
            products=("app",),
            weight=0.5,
            complexity=0.8,
            hold_prob=0.25,
            account_change=True,
            transfer_team="digital support team",
            p_transfer=0.03,
            p_escalate=0.01,
            p_callback=0.02,
            p_unresolved=0.04,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "I'm locked out of the app, I put the wrong password in too many times.",
                            "be locked out of your own account",
                            "you've been locked out",
                        ),
                        _P(
                            "I forgot my online banking password and the reset link isn't coming through.",
                            "wait for a link that never comes",
                            "the reset link never arrived",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Are you using the app or the website?", "c", "The app, on my phone."),
                        ex("a", "Which email should the reset link go to?", "c", "{email}.", pii="email"),
                        ex(
                            "c",
                            "The link never arrives.",
                            "a",
                            "Sometimes it lands in the spam folder, could you check there?",
                            "c",
                            "Oh, there it is.",
                        ),
                        ex(
                            "a",
                            "Can you see the screen asking for a new password?",
                            "c",
                            "Yes, I'm on it now.",
                        ),
                    ),
                    hold_tasks=("check the lock on your profile",),
                    findings=("I can see the profile was locked after five failed attempts.",),
                    actions=("I've unlocked your profile and sent a new reset link.",),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "App mein lock ho {c_gaya} hoon, password kai baar galat daal diya.",
                            "apne hi account se lock out ho jaana",
                            "aap lock out ho gaye",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Aap app use kar rahe hain ya website?", "c", "App, phone pe."),
                        ex("a", "Reset link kis email pe bhejoon?", "c", "{email} pe.", pii="email"),
                    ),
                    hold_tasks=("profile ka lock",),
                    findings=("Paanch galat attempts ke baad profile lock hua tha.",),
                    actions=("Maine profile unlock karke naya reset link bhej diya hai.",),
                ),
            },
        ),
        Reason(
            id="app_login_issue",
            queue="tech_support",
            products=("app",),
            weight=0.5,
            complexity=1.2,
            hold_prob=0.45,
            account_change=False,
            transfer_team="digital support team",
            p_transfer=0.06,
            p_escalate=0.04,
            p_callback=0.06,
            p_unresolved=0.1,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "The app keeps crashing every time I try to log in.",
                            "have the app crash every time",
                            "the app keeps crashing",
                        ),
                        _P(
                            "I can't log into the mobile app, it just spins and then says error.",
                            "not be able to get into your account",
                            "you can't get into the app",
                        ),
                    ),
                    incident_problems=(
                        _P(
                            "Ever since the app update I can't log in at all.",
                            "be locked out since the app update",
                            "the app update has locked you out",
                        ),
                        _P(
                            "After the app update this week the app won't get past the login screen.",
                            "have the app stop working after an update",
                            "the app stopped working after the update",
                        ),
                        _P(
                            "The new app update broke face ID, it keeps asking for a code that never comes.",
                            "wait for a code that never comes",
                            "the app update broke your login",
                        ),
                    ),
                    exchanges=(
                        ex("a", "What kind of phone are you using?", "c", "An {phone_model}."),
                        ex(
                            "a",
                            "Have you tried uninstalling and reinstalling the app?",
                            "c",
                            "Yes, twice, it didn't help.",
                        ),
                        ex(
                            "a",
                            "Can you tell me exactly what the error message says?",
                            "c",
                            "It says error 503, please try again later.",
                        ),
                        ex(
                            "a",
                            "Is your phone's software up to date?",
                            "c",
                            "I think so, I updated it last month.",
                        ),
                        ex(
                            "c",
                            "Can I still use online banking on the website?",
                            "a",
                            "Yes, the website is working normally.",
                        ),
                    ),
                    hold_tasks=("check the login attempts on our side",),
                    findings=("I can see the login attempts failing on our side.",),
                    actions=("I've reset the device registration on your profile.",),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Login karte hi app crash ho jata hai.",
                            "har baar app crash hona",
                            "app baar baar crash ho raha hai",
                        ),
                    ),
                    incident_problems=(
                        _P(
                            "App update ke baad se login hi nahi ho raha.",
                            "app update ke baad lock out ho jaana",
                            "app update ke baad login band ho gaya",
                        ),
                        _P(
                            "Is hafte ke app update ke baad app login screen se aage nahi badhta.",
                            "update ke baad app ka kaam na karna",
                            "update ke baad app ne kaam karna band kar diya",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Aapke paas kaunsa phone hai?", "c", "{phone_model_hi} hai."),
                        ex(
                            "a",
                            "App uninstall karke dobara install kiya?",
                            "c",
                            "Haan, do baar kiya, kuch nahi hua.",
                        ),
                        ex(
                            "c",
                            "Website pe online banking chalegi?",
                            "a",
                            "Haan, website normal chal rahi hai.",
                        ),
                    ),
                    hold_tasks=("login attempts",),
                    findings=("Hamari taraf login attempts fail ho rahe hain.",),
                    actions=("Maine aapke profile pe device registration reset kar diya hai.",),
                ),
            },
        ),
        Reason(
            id="close_account",
            queue="retention",
            products=("savings", "credit card"),
            weight=0.55,
            complexity=1.3,
            hold_prob=0.4,
            account_change=True,
            transfer_team="retention team",
            p_transfer=0.15,
            p_escalate=0.05,
            p_callback=0.03,
            p_unresolved=0.04,
            text={
                "en": ReasonText(
                    problems=(
                        _P("I want to close my {product}, I'm moving to another bank."),
                        _P(
                            "I'd like to close my {product}, the fees are just too high.",
                            "pay fees that feel too high",
                            "the fees have felt so high",
                        ),
                        _P(
                            "Please close my account, I'm fed up with the service.",
                            "feel let down by us",
                            "the service has let you down",
                        ),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "Can I ask what's made you decide to leave?",
                            "c",
                            "Another bank offered me a better rate.",
                        ),
                        ex(
                            "a",
                            "You've been with us a long time; could I tell you about our fee-free account?",
                            "c",
                            "Go on then, but I'm pretty set on leaving.",
                        ),
                        ex(
                            "a",
                            "Is there a remaining balance you'd like transferred?",
                            "c",
                            "Yes, send it to my new account please.",
                        ),
                        ex(
                            "c",
                            "How long does it take to close?",
                            "a",
                            "The account will be closed within 2 business days.",
                        ),
                    ),
                    hold_tasks=("check for any pending payments",),
                    findings=("There are no pending payments, so we can close it today.",),
                    actions=(
                        "I've closed your {product} ending in {prod4} and arranged for the balance to be "
                        "transferred.",
                    ),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Mujhe apna {product} band karna hai, main doosre bank mein shift ho {c_raha} hoon."
                        ),
                        _P(
                            "Fees bahut zyada hai, mera {product} band kar dijiye.",
                            "itni zyada fees bharna",
                            "fees itni zyada lagi",
                        ),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "Kya main pooch {sakta} hoon ki aap kyun jaana chahte hain?",
                            "c",
                            "Doosra bank better rate de raha hai.",
                        ),
                        ex(
                            "a",
                            "Bacha hua balance kahan transfer karoon?",
                            "c",
                            "Mere naye account mein bhej dijiye.",
                        ),
                    ),
                    hold_tasks=("pending payments",),
                    findings=("Koi pending payment nahi hai, aaj hi band ho sakta hai.",),
                    actions=(
                        "Maine aapka {product} band kar diya hai aur balance transfer arrange kar diya hai.",
                    ),
                ),
            },
        ),
        Reason(
            id="rate_review",
            queue="retention",
            products=("savings", "mortgage", "credit card"),
            weight=0.45,
            complexity=1.1,
            hold_prob=0.5,
            account_change=True,
            transfer_team="retention team",
            p_transfer=0.12,
            p_escalate=0.06,
            p_callback=0.06,
            p_unresolved=0.06,
            text={
                "en": ReasonText(
                    problems=(
                        _P(
                            "My {product} rate has gone up and I've seen better offers elsewhere.",
                            "see your rate go up like that",
                            "your rate went up",
                        ),
                        _P("I'd like a better interest rate on my {product} or I'm going to move it."),
                    ),
                    exchanges=(
                        ex(
                            "a",
                            "What rate have you been offered elsewhere?",
                            "c",
                            "About half a percent better.",
                        ),
                        ex(
                            "c",
                            "I've been loyal for years, I shouldn't have to threaten to leave.",
                            "a",
                            "That's fair feedback and I'll pass it on.",
                        ),
                        ex(
                            "a",
                            "Would you be open to a 12-month fixed rate?",
                            "c",
                            "That depends on the rate.",
                        ),
                    ),
                    hold_tasks=("see what rates I can offer",),
                    findings=("I can offer you our loyalty rate, which beats the offer you mentioned.",),
                    actions=("I've applied a loyalty rate to your {product}, effective from today.",),
                ),
                "hi-en": ReasonText(
                    problems=(
                        _P(
                            "Mere {product} ka rate badh gaya hai, bahar better offers mil rahe hain.",
                            "rate ka achanak badh jaana",
                            "aapka rate badh gaya",
                        ),
                    ),
                    exchanges=(
                        ex("a", "Bahar kitna rate offer ho raha hai?", "c", "Lagbhag aadha percent kam."),
                        ex("a", "12 mahine ka fixed rate chalega?", "c", "Rate pe depend karta hai."),
                    ),
                    hold_tasks=("available rates",),
                    findings=("Main aapko loyalty rate de {sakta} hoon jo us offer se behtar hai.",),
                    actions=("Maine aapke {product} pe aaj se loyalty rate laga diya hai.",),
                ),
            },
        ),
    )
}
"""contact reason id -> reason. Weights are relative within a queue."""

GENERIC_EXCHANGES: dict[str, tuple[Exchange, ...]] = {
    "en": (
        ex(
            "a",
            "Can I get the best number to reach you on, in case we get cut off?",
            "c",
            "Sure, it's {phone}.",
            pii="phone",
        ),
        ex("a", "Bear with me, the system is a little slow this {daypart}.", "a", "Okay, it's loaded now."),
        ex(
            "a",
            "Are you calling from the number we have on file?",
            "c",
            "Yes, same number as always.",
            voice_only=True,
        ),
        ex(
            "c",
            "Sorry, can you hear me okay? I'm in the car.",
            "a",
            "Yes, I can hear you fine.",
            voice_only=True,
        ),
        ex(
            "a",
            "And is the email address on the account still current?",
            "c",
            "Yes, it's {email}.",
            pii="email",
        ),
        ex("a", "Let me pull up your account.", "c", "Okay.", "a", "Alright, I've got it here."),
        ex("c", "How long is this going to take?", "a", "Not long at all, just a couple of minutes."),
        ex(
            "a",
            "Have you noticed anything else unusual on the account recently?",
            "c",
            "No, nothing else that I can think of.",
        ),
        ex(
            "c",
            "I did try the app first but couldn't find the option.",
            "a",
            "No problem, a lot of people find it easier to do with us directly.",
        ),
        ex("a", "Can you spell your last name for me?", "c", "{last_spelled}."),
        ex(
            "a",
            "I'm just adding a note to your account so anyone you speak to next will see this.",
            "c",
            "Thank you, that's helpful.",
        ),
        ex(
            "c",
            "Sorry, my kids are making a lot of noise.",
            "a",
            "Not at all, take your time.",
            voice_only=True,
        ),
        ex(
            "a",
            "Do you still live at the address we have on file in {city}?",
            "c",
            "Yes, that's right.",
            not_for=("update_address",),
        ),
        ex("c", "Hang on, let me grab my wallet.", "c", "Okay, I've got it.", "a", "Great."),
        ex(
            "a",
            "I can see you've been with us for {tenure} years, thank you for that.",
            "c",
            "Yeah, a long time now.",
        ),
        ex("c", "Will this affect my credit score at all?", "a", "No, this won't affect your credit score."),
        ex("a", "Are these the only accounts you hold with us?", "c", "Yes, just these."),
        ex(
            "c",
            "I've been a customer for years and this has never happened before.",
            "a",
            "I can see that, you've got a long history with us.",
        ),
        ex("a", "Just give me a moment while I read the notes on the account.", "c", "Sure, no rush."),
        ex(
            "c",
            "Do you need my card number? It's {card_spoken}.",
            "a",
            "Thanks, I've got the account up, you don't need to read the whole number out next time.",
            pii="card_number",
        ),
        ex(
            "c",
            "Is this going to happen again?",
            "a",
            "It shouldn't, and if it does you can reach us any time.",
        ),
    ),
    "hi-en": (
        ex(
            "a",
            "Aapka best contact number kya hai, agar call cut ho jaye toh?",
            "c",
            "Haan, {phone} hai.",
            pii="phone",
        ),
        ex("a", "Ek second, system thoda slow chal raha hai aaj.", "a", "Haan, ab load ho gaya."),
        ex(
            "a",
            "Kya aap registered number se call kar rahe hain?",
            "c",
            "Haan ji, wahi number hai.",
            voice_only=True,
        ),
        ex(
            "c",
            "Meri awaaz aa rahi hai? Main gaadi mein hoon.",
            "a",
            "Haan ji, bilkul clear aa rahi hai.",
            voice_only=True,
        ),
        ex("a", "Account pe jo email hai, woh abhi bhi sahi hai?", "c", "Haan, {email} hai.", pii="email"),
        ex("a", "Main aapka account khol {raha} hoon.", "c", "Theek hai.", "a", "Haan, mil gaya."),
        ex("c", "Kitna time lagega isme?", "a", "Bas do-teen minute, zyada nahi."),
        ex("a", "Account pe aur kuch unusual dikha aapko recently?", "c", "Nahi, aur kuch nahi."),
        ex(
            "c",
            "Maine pehle app pe try kiya tha par option nahi mila.",
            "a",
            "Koi baat nahi, yahan jaldi ho jayega.",
        ),
        ex("a", "Aapka last name spell kar denge?", "c", "{last_spelled}."),
        ex(
            "a",
            "Main account pe ek note daal {raha} hoon taaki agli baar sabko pata rahe.",
            "c",
            "Achha, thank you.",
        ),
        ex(
            "c",
            "Sorry, peeche bachche shor kar rahe hain.",
            "a",
            "Koi baat nahi, aaram se.",
            voice_only=True,
        ),
        ex(
            "a",
            "Kya aap abhi bhi {city} wale address pe rehte hain?",
            "c",
            "Haan ji, wahi.",
            not_for=("update_address",),
        ),
        ex("c", "Ek minute, wallet nikaal {c_raha} hoon.", "c", "Haan, mil gaya.", "a", "Theek hai."),
        ex(
            "c",
            "Isse mera credit score toh affect nahi hoga na?",
            "a",
            "Nahi ji, credit score pe koi asar nahi padega.",
        ),
        ex(
            "c",
            "Main saalon se customer hoon, aisa pehle kabhi nahi hua.",
            "a",
            "Ji, main dekh {sakta} hoon, aap kaafi purane customer hain.",
        ),
        ex(
            "c",
            "Card number chahiye? {card_spoken}.",
            "a",
            "Thank you, account khul gaya hai, poora number batane ki zaroorat nahi.",
            pii="card_number",
        ),
        ex("c", "हाँ जी, मैं सुन {c_raha_d} हूँ, आप बोलिए।", "a", "Ji, bas ek minute."),
        ex(
            "c",
            "Yeh dobara toh nahi hoga na?",
            "a",
            "Nahi hona chahiye, aur hua toh aap kabhi bhi call kar sakte hain.",
        ),
    ),
}
"""Small talk and account admin that any reason can use; lengthens calls realistically."""

INCIDENT_EXCHANGE: dict[str, Exchange] = {
    "en": ex(
        "a",
        "We're aware of an issue with the latest app update and our engineers are working on a fix.",
        "c",
        "So it's not just me then.",
    ),
    "hi-en": ex(
        "a",
        "Latest app update mein ek issue hai, hamare engineers fix pe kaam kar rahe hain.",
        "c",
        "Achha, toh sirf mere saath nahi ho raha.",
    ),
}
"""What the agent says on a call hit by the week's app-update incident."""
