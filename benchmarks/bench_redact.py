"""How long redaction takes per utterance, on a seeded synthetic set of 60,000 utterances.

Ingest must reach 2,000 conversations/s of 60 utterances, so redaction has to stay near
1-2 µs per utterance. About 95 % of the set is ordinary contact-center speech, numbers
included (amounts, times, dates, option numbers, short digit strings); 5 % carries a
card, phone, national id or email, written or spoken. Ingest calls `redact_turns` once
per conversation (`redact_many` plus the social security number asked for in an earlier
turn), so that is the figure that matters; `redact_many` per conversation, one call over
the whole set and one call per text are shown for comparison. Each figure is the median of 5 runs.

Run: .venv/bin/python -m benchmarks.bench_redact
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from coachloop.ingest.redact import Redactor

UTTERANCES = 60_000
PER_CONVERSATION = 60
SECRET_SHARE = 0.05
RUNS = 5
SEED = 20240303

CLEAN = [
    "thank you for calling how can i help you today",
    "let me pull up your account one moment please",
    "i see that the payment of ${amount} was posted on {date}",
    "is there anything else i can help you with today",
    "i would like to cancel my subscription please",
    "sure i can help you with that can i have your full name",
    "we are open until {time} eastern time monday to friday",
    "for billing you can choose option {small} on the menu",
    "i have two cards on file but only one of them works",
    "the order should arrive in five to seven business days",
    "sorry about the wait i really appreciate your patience",
    "can you confirm the last four digits {four}",
    "it was two hundred dollars last month and now it is higher",
    "i called at {time} and nobody answered the phone",
    "no that is not what i asked for at all",
    "okay perfect thank you so much have a great day",
    "someone told me the refund would be done by friday",
    "let me transfer you to the right department",
    "your ticket number is {ticket} and you will get an email shortly",
    "alright so the new plan starts on {date} and costs ${amount} a month",
    "I understand your frustration, Mr. Alvarez, and I'm going to fix this.",
    "Can you hear me okay? The line is a bit noisy on my end.",
    "i have been a customer since {year} and this never happened before",
    "the technician can come between 9 and 11 on {date}",
    "please hold while i check with my supervisor",
    "your balance is ${amount} and the minimum payment is ${small_amount}",
    "press {small} to speak to an agent or stay on the line",
    "the last time i called was about three weeks ago",
    "i'm going to send you a confirmation by text message",
    "we can waive the late fee this one time",
    "yeah uh so basically the app keeps crashing when i open it",
    "it says error code {ticket} on the screen",
]

CARD_PREFIXES = ["4", "51", "55", "37", "6011", "35"]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def luhn_complete(partial: str) -> str:
    """`partial` plus the check digit that makes it pass Luhn."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return partial + str((10 - total % 10) % 10)


def spoken(digits: str, rng: random.Random) -> str:
    words = [("oh" if rng.random() < 0.3 else "zero") if d == "0" else WORDS[int(d)] for d in digits]
    return " ".join(words)


def secret(rng: random.Random) -> str:
    prefix = rng.choice(CARD_PREFIXES)
    card = luhn_complete(prefix + "".join(rng.choice("0123456789") for _ in range(15 - len(prefix))))
    phone = "".join(rng.choice("23456789") for _ in range(3)) + "".join(
        rng.choice("0123456789") for _ in range(7)
    )
    kind = rng.randrange(8)
    if kind == 0:
        return f"sure my card number is {' '.join(card[i : i + 4] for i in range(0, 16, 4))}"
    if kind == 1:
        return f"okay the card is {spoken(card, rng)} and the expiry is next year"
    if kind == 2:
        return f"you can reach me at ({phone[:3]}) {phone[3:6]}-{phone[6:]} after five"
    if kind == 3:
        return f"my number is {spoken(phone, rng)}"
    if kind == 4:
        return f"my email is {rng.choice(['jane.doe', 'mk_88', 'a.smith'])}@example.com thanks"
    if kind == 5:
        return "it's jane dot doe at gmail dot com"
    if kind == 6:
        return f"my social security number is {rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    return f"the card ending {card[-4:]} no wait the full number is {card}"


def clean(rng: random.Random) -> str:
    fill = {
        "amount": f"{rng.randint(5, 2000)}.{rng.randint(0, 99):02d}",
        "small_amount": f"{rng.randint(5, 60)}.00",
        "date": rng.choice(["march 3rd 2024", "the 15th", "June 2", "next friday", "12/04/2024"]),
        "time": rng.choice(["3:30", "five", "10 am", "noon", "4:45 pm"]),
        "small": rng.choice(["two", "1", "three", "9"]),
        "four": rng.choice(["one two three four", "5 5 1 2", "eight eight oh one"]),
        "ticket": str(rng.randint(10_000, 999_999)),
        "year": str(rng.randint(1990, 2024)),
    }
    text = rng.choice(CLEAN).format(**fill)
    if rng.random() < 0.4:
        text += " " + rng.choice(CLEAN).format(**fill)
    return text


def corpus() -> list[str]:
    rng = random.Random(SEED)
    return [secret(rng) if rng.random() < SECRET_SHARE else clean(rng) for _ in range(UTTERANCES)]


def median_us_per_utterance(
    run: Callable[[], object], count: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    times = []
    for _ in range(RUNS):
        start = clock()
        run()
        times.append(clock() - start)
    return statistics.median(times) / count * 1e6


def main() -> None:
    texts = corpus()
    redactor = Redactor()
    conversations = [texts[i : i + PER_CONVERSATION] for i in range(0, len(texts), PER_CONVERSATION)]
    changed = sum(a != b for a, b in zip(texts, redactor.redact_many(texts), strict=True))
    mean_chars = sum(map(len, texts)) / len(texts)
    print(
        f"{len(texts):,} utterances, {mean_chars:.0f} characters on average, {changed:,} changed by redaction"
    )

    def per_conversation() -> None:
        for conversation in conversations:
            redactor.redact_turns(conversation)

    def per_conversation_many() -> None:
        for conversation in conversations:
            redactor.redact_many(conversation)

    def per_text() -> None:
        for text in texts:
            redactor.redact(text)

    figure = median_us_per_utterance(per_conversation, len(texts))
    print(
        f"redact_turns per conversation of {PER_CONVERSATION} (what ingest runs): {figure:.2f} µs/utterance"
        f" (= {1e6 / (figure * PER_CONVERSATION):,.0f} conversations/s for redaction alone)"
    )
    # On a shared machine the wall clock also counts time spent waiting for a CPU.
    cpu = median_us_per_utterance(per_conversation, len(texts), time.process_time)
    print(f"  the same in CPU time of this process:  {cpu:.2f} µs/utterance")
    many = median_us_per_utterance(per_conversation_many, len(texts))
    print(f"redact_many per conversation:            {many:.2f} µs/utterance")
    whole = median_us_per_utterance(lambda: redactor.redact_many(texts), len(texts))
    print(f"redact_many over all {len(texts):,} at once:  {whole:.2f} µs/utterance")
    print(
        f"redact one text at a time:               {median_us_per_utterance(per_text, len(texts)):.2f} µs/utterance"
    )
    clean_only = [t for t, r in zip(texts, redactor.redact_many(texts), strict=True) if t == r]
    clean_figure = median_us_per_utterance(lambda: redactor.redact_many(clean_only), len(clean_only))
    print(f"redact_many over the unchanged texts:    {clean_figure:.2f} µs/utterance")


if __name__ == "__main__":
    main()
