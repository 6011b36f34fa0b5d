"""A seeded synthetic workload of 60-turn calls, shared by the benchmarks."""

from __future__ import annotations

import random

from coachloop.model import Channel, Interaction, Speaker, Utterance

AGENT_LINES = [
    "thank you for calling northwind bank my name is {agent} this call may be recorded for quality",
    "i understand how frustrating that must be for you {customer}",
    "for security can you confirm your date of birth please",
    "just to confirm you would like to replace your debit card",
    "may i place you on a brief hold while i check that",
    "thank you for holding i have blocked the old card",
    "you will receive the new card within five to seven business days",
    "let me pull up your account details",
    "i can see the payment was posted on the third",
    "is there anything else i can help you with today",
    "okay one moment",
    "the fee was applied because the statement balance was not paid in full",
    "i can waive that fee this one time as a courtesy",
    "thank you for calling northwind bank have a great day",
]
# Most of a real call is the business itself, not rubric phrases.
AGENT_FILLER = [
    "okay let me look into that",
    "i see the transaction from the twelfth at the grocery store",
    "that was a pending authorization it should drop off",
    "your current balance shows two hundred and forty dollars",
    "the statement closes on the twentieth of each month",
    "right so the branch on main street can also help with that",
    "alright i have your profile open now",
    "the transfer limit on the app is five thousand per day",
    "sure that makes sense",
    "so the merchant will need to process the return",
    "the interest rate on that card is nineteen point nine percent",
    "i am checking with the fraud team notes here",
    "yes the mobile app update changed the login screen",
    "you can also set up alerts in the settings menu",
    "we can send a replacement to the address on file",
    "the late fee posted on the fifth",
]
CUSTOMER_FILLER = [
    "i tried logging in on the app but it keeps failing",
    "the charge was from a store i have never been to",
    "it was around fifty dollars i think",
    "i used it last at the gas station on friday",
    "okay so what do i do now",
    "no i did not share my pin with anyone",
    "my wife also has a card on this account",
    "how long does that usually take",
    "alright",
    "i get paid on the fifteenth so that should be fine",
    "can i still use the card online until then",
    "mm hmm",
]
CUSTOMER_LINES = [
    "hi my name is {customer} {surname} i lost my card yesterday",
    "yes it is the fourth of may nineteen eighty",
    "i have been waiting for twenty minutes this is really annoying",
    "my card number is [CARD] and the last charge is not mine",
    "okay thank you",
    "can you tell me why there is a late fee on my statement",
    "yes that is right",
    "no that is all thanks",
    "sure go ahead",
    "i moved last month so the address is different now",
]
NAMES = ["asha", "ravi", "dana", "lee", "maria", "tom", "ines", "yusuf", "kate", "omar"]


AMOUNTS = ["{d} dollars", "${d}.{c:02d}", "{d} dollars and {c} cents", "about {d} bucks"]


def styled(line: str, rng: random.Random) -> str:
    """A line as a transcription service writes it: sentence case, "I", punctuation, and
    the numbers of the call (so that not every call repeats the same sentences)."""
    words = line.split()
    words = ["I" if w == "i" else w for w in words]
    if rng.random() < 0.4:
        amount = rng.choice(AMOUNTS).format(d=rng.randint(2, 900), c=rng.randint(0, 99))
        words.insert(rng.randint(0, len(words)), f"({amount})" if rng.random() < 0.2 else amount)
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    return text + rng.choice([".", ".", "?", "!", ",", "..."])


def make_calls(n: int, turns: int = 60, seed: int = 1, *, style: bool = False) -> list[Interaction]:
    """`n` seeded calls; with `style`, in mixed case with punctuation and varying numbers."""
    rng = random.Random(seed)
    calls = []
    for c in range(n):
        agent, customer, surname = rng.choice(NAMES), rng.choice(NAMES), rng.choice(NAMES) + "son"
        clock = 0.0
        utterances = []
        for i in range(turns):
            speaker = Speaker.AGENT if i % 2 == 0 else Speaker.CUSTOMER
            if i == 0:
                line = AGENT_LINES[0]
            elif i == turns - 2:
                line = AGENT_LINES[-1]
            elif rng.random() < 0.7:
                line = rng.choice(AGENT_FILLER if speaker is Speaker.AGENT else CUSTOMER_FILLER)
            else:
                line = rng.choice(AGENT_LINES[1:-1] if speaker is Speaker.AGENT else CUSTOMER_LINES)
            text = line.format(agent=agent, customer=customer, surname=surname)
            if style:
                text = styled(text, rng)
            duration = len(text.split()) / 2.6
            gap = rng.choice([0.4, 0.6, 0.8, 1.2]) if rng.random() > 0.02 else 35.0
            utterances.append(
                Utterance(i, speaker, text, round(clock + gap, 2), round(clock + gap + duration, 2))
            )
            clock += gap + duration
        calls.append(
            Interaction(
                id=f"bench-{seed}-{c:06d}",
                channel=Channel.VOICE,
                utterances=utterances,
                agent_id=f"a{c % 40:02d}",
                queue="cards",
                language="en",
            )
        )
    return calls
