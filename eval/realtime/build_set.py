"""Writes calls.jsonl and labels.jsonl from the hand-written calls below.

Each turn is (speaker, text) or (speaker, text, labels): a label `kind:subject` says a
prompt of that kind and subject should fire at this turn (or the next: a recogniser's
final result may land one turn late); `trap:kind:why` marks a turn where a noisy tool
would fire and a prompt of that kind must not. Run: `python eval/realtime/build_set.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
DISCLOSE = "thank you for calling, this call may be recorded for quality. how can i help?"

CALLS: dict[str, list[tuple[str, ...] | tuple[str, str, list[str]]]] = {
    "rt-01-clean": [
        ("A", DISCLOSE),
        ("C", "hi, i'd like to check when my new statement is issued"),
        ("A", "sure, statements are issued on the first of every month"),
        ("C", "great, thanks so much"),
        ("A", "anything else i can help with? have a nice day"),
    ],
    "rt-02-no-disclosure": [
        ("A", "hello, this is dana, how can i help?"),
        ("C", "i want to know my branch opening hours"),
        ("A", "of course, one moment", ["compliance:recording_disclosure"]),
        ("A", "the branch is open nine to five"),
        ("C", "perfect, thank you"),
    ],
    "rt-03-late-disclosure": [
        ("A", "hello, northwind bank, how can i help?"),
        ("C", "i have a question about a standing order"),
        ("A", "sure, let me pull that up", ["compliance:recording_disclosure"]),
        ("A", "before we go on, i should mention this call may be recorded"),
        ("C", "that's fine"),
        ("A", "your standing order runs on the fifth"),
    ],
    "rt-04-paraphrased-disclosure": [
        ("A", "hi, you're through to northwind. just so you know, we record our calls to improve our service"),
        ("C", "okay. my card isn't working at the shop", ["trap:sentiment:a problem stated calmly"]),
        ("A", "let me check that for you"),
        ("C", "thanks"),
        ("A", "it was a temporary outage, it works again now"),
    ],
    "rt-05-paraphrased-disclosure-2": [
        ("A", "good morning, northwind bank"),
        ("A", "calls on this line are monitored and recorded for training. what can i do for you?",
         ["trap:compliance:disclosure in other words"]),
        ("C", "i want to ask about the transfer limit on my account", ["knowledge:wire_transfer_limits"]),
        ("A", "the daily limit is ten thousand"),
        ("C", "good to know, thanks"),
    ],
    "rt-06-lost-card": [
        ("A", DISCLOSE),
        ("C", "hi, i lost my card this morning", ["knowledge:lost_or_stolen_card"]),
        ("A", "i'm sorry to hear that. can you confirm your date of birth?"),
        ("C", "twelfth of june nineteen eighty"),
        ("A", "thank you. i've blocked the card and ordered a new one"),
        ("C", "great, thanks"),
    ],
    "rt-07-card-in-passing": [
        ("A", DISCLOSE),
        ("C", "i also have a credit card with you but that's fine, i'm calling about my savings rate",
         ["trap:knowledge:a product named in passing"]),
        ("A", "the savings rate is two percent"),
        ("C", "and my debit card, is it still valid next year?", ["trap:knowledge:a product named in passing"]),
        ("A", "yes, it expires in twenty twenty eight"),
        ("C", "wonderful, thank you"),
    ],
    "rt-08-found-card": [
        ("A", DISCLOSE),
        ("C", "i thought i lost my card but then i found it in my coat", ["trap:knowledge:issue resolved in the same breath"]),
        ("A", "oh good, then nothing to do"),
        ("C", "yes, sorry, just checking it wasn't used"),
        ("A", "no unusual payments, all good"),
    ],
    "rt-09-frustrated": [
        ("A", DISCLOSE),
        ("C", "this is the third time i'm calling about this and nobody has fixed it", ["sentiment:frustration"]),
        ("A", "i understand, that must be frustrating. let me look"),
        ("C", "i have been waiting for two weeks and still nothing"),
        ("A", "i'm sorry. i've escalated it and you'll hear back tomorrow"),
        ("C", "okay, thank you"),
        ("C", "fine, that works"),
        ("C", "good, bye"),
    ],
    "rt-10-loud-happy": [
        ("A", DISCLOSE),
        ("C", "WOW, THAT IS GREAT NEWS!!! my loan was approved?", ["trap:sentiment:loud but delighted"]),
        ("A", "yes, approved this morning"),
        ("C", "YES! PERFECT! THAT'S EXACTLY WHAT I NEEDED!", ["trap:sentiment:loud but delighted"]),
        ("A", "congratulations, the money arrives tomorrow"),
    ],
    "rt-11-bad-line": [
        ("A", DISCLOSE),
        ("C", "sorry i'm shouting, it's very noisy here", ["trap:sentiment:loud because of the line"]),
        ("A", "no problem, what can i do for you?"),
        ("C", "i'd like to order a new cheque book"),
        ("A", "can you confirm your date of birth?"),
        ("C", "third of march"),
        ("A", "thanks, a cheque book is on its way"),
    ],
    "rt-12-refund-nba": [
        ("A", DISCLOSE),
        ("C", "i was charged for a gym membership i cancelled, i want my money back", ["knowledge:refund_policy"]),
        ("A", "let me look at your transactions"),
        ("A", "yes, i can see the charge from city gym on the third", ["next_best_action:offer_refund_policy"]),
        ("C", "so what can you do?"),
        ("A", "under our refund policy we can dispute it for you"),
        ("C", "please do"),
    ],
    "rt-13-refund-offered-at-once": [
        ("A", DISCLOSE),
        ("C", "there's a purchase from an online shop i don't recognise"),
        ("A", "i can see the purchase, and you are eligible for a refund under our policy",
         ["trap:next_best_action:already done in the same turn"]),
        ("C", "great, please go ahead"),
        ("A", "done, you'll see it in three days"),
    ],
    "rt-14-purchase-not-found": [
        ("A", DISCLOSE),
        ("C", "i paid for concert tickets but never got them"),
        ("A", "i can't see the purchase on this account, which card did you use?",
         ["trap:next_best_action:purchase not validated"]),
        ("C", "maybe my other bank, sorry"),
        ("A", "no problem, check with them first"),
    ],
    "rt-15-change-before-verify": [
        ("A", DISCLOSE),
        ("C", "can you update my address, i moved last week"),
        ("A", "sure, i've updated it to the new address", ["compliance:verify_before_account_change"]),
        ("C", "thanks"),
        ("A", "anything else?"),
    ],
    "rt-16-verified-change": [
        ("A", DISCLOSE),
        ("C", "i need to reset my password, i'm locked out of my account", ["knowledge:password_reset"]),
        ("A", "of course, can you confirm your date of birth?"),
        ("C", "second of april"),
        ("A", "thanks, i've reset it and sent the link to your email"),
        ("C", "got it, thanks"),
    ],
    "rt-17-prohibited": [
        ("A", DISCLOSE),
        ("C", "i was charged twice and i am furious", ["sentiment:frustration", "knowledge:refund_policy"]),
        ("A", "please calm down", ["compliance:no_prohibited_language"]),
        ("C", "don't tell me to calm down"),
        ("A", "sorry, you're right, let me fix it"),
    ],
    "rt-18-customer-quotes-prohibited": [
        ("A", DISCLOSE),
        ("C", "the last agent told me to calm down, which was rude", ["trap:compliance:the customer quoting it"]),
        ("A", "i'm sorry that happened. how can i help today?"),
        ("C", "i need my overdraft fee looked at", ["knowledge:overdraft_fee"]),
        ("A", "i can waive it this once"),
        ("C", "thank you"),
    ],
    "rt-19-declined": [
        ("A", DISCLOSE),
        ("C", "my card was declined at the supermarket", ["knowledge:card_declined"]),
        ("A", "let me check, there was a fraud hold, i've removed it"),
        ("C", "my card got declined again just now though", ["trap:knowledge:the same article again"]),
        ("A", "it can take a minute, please try again"),
        ("C", "it works now, thanks"),
    ],
    "rt-20-mild-annoyance": [
        ("A", DISCLOSE),
        ("C", "ugh okay, i need to move money to savings", ["trap:sentiment:a sigh, not frustration"]),
        ("A", "how much would you like to move?"),
        ("C", "five hundred please"),
        ("A", "done, it's in your savings now"),
        ("C", "great"),
    ],
    "rt-21-manager": [
        ("A", DISCLOSE),
        ("C", "i want to speak to a manager right now", ["sentiment:frustration"]),
        ("A", "i understand, may i first try to help?"),
        ("C", "fine"),
        ("A", "what seems to be the problem?"),
        ("C", "my transfer hasn't arrived after a week", ["knowledge:wire_transfer_limits"]),
    ],
    "rt-22-two-episodes": [
        ("A", DISCLOSE),
        ("C", "this is absolutely ridiculous, the app deleted my payees", ["sentiment:frustration"]),
        ("A", "i'm sorry, let me restore them"),
        ("C", "okay thanks"),
        ("C", "great"),
        ("C", "lovely, good"),
        ("A", "they are back now"),
        ("C", "wonderful"),
        ("A", "anything else?"),
        ("C", "nobody told me about the fee, i am really angry about that", ["sentiment:frustration"]),
        ("A", "i understand, i'll refund it"),
    ],
}


def write_set(written: dict[str, list[Any]], folder: Path) -> None:
    """`calls.jsonl` and `labels.jsonl` in `folder` from calls written as above (the
    held-out set's script writes its calls with this too)."""
    calls, labels = [], []
    for call_id, turns in written.items():
        utterances, expected, traps, t = [], [], [], 0.0
        for i, turn in enumerate(turns):
            speaker, text = turn[0], turn[1]
            marks = turn[2] if len(turn) > 2 else []
            length = 1.5 + 0.06 * len(text)
            utterances.append({"index": i, "speaker": "agent" if speaker == "A" else "customer", "text": text,
                               "start": round(t, 2), "end": round(t + length, 2)})
            t += length + 0.4
            for mark in marks:
                parts = mark.split(":", 2)
                if parts[0] == "trap":
                    traps.append({"kind": parts[1], "at": i, "why": parts[2]})
                else:
                    expected.append({"kind": parts[0], "subject": parts[1], "from": i, "to": i + 1})
        calls.append({"id": call_id, "channel": "voice", "agent_id": "a-eval", "team": "eval",
                      "queue": "general", "utterances": utterances})
        labels.append({"id": call_id, "prompts": expected, "traps": traps})
    with (folder / "calls.jsonl").open("w") as f:
        f.writelines(json.dumps(c) + "\n" for c in calls)
    with (folder / "labels.jsonl").open("w") as f:
        f.writelines(json.dumps(lab) + "\n" for lab in labels)


def main() -> None:
    write_set(CALLS, HERE)


if __name__ == "__main__":
    main()
