"""Check digits: Luhn for payment cards, Verhoeff for Aadhaar, and where in a run a card can lie."""

from __future__ import annotations

# --- Check digits ------------------------------------------------------------------------

_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_CARD_MIN, _CARD_MAX = 13, 19


# Every second digit from the right, doubled and its digits summed, as an ASCII digit.
_LUHN_DOUBLED_ASCII = bytes.maketrans(b"0123456789", bytes(48 + d for d in _LUHN_DOUBLED))


def _luhn_ok(digits: str) -> bool:
    # On bytes, `translate` and `sum` do the loop in C.
    b = digits.encode()
    return (sum(b[-1::-2]) + sum(b[-2::-2].translate(_LUHN_DOUBLED_ASCII)) - 48 * len(b)) % 10 == 0


def _verhoeff_ok(digits: str) -> bool:
    check = 0
    for i, ch in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[i % 8][ord(ch) - 48]]
    return check == 0


def _card_hull(digits: str) -> tuple[int, int] | None:
    """The smallest digit range covering every Luhn-valid 13-19 digit window, if any.

    For a run longer than a card: the card ran into a neighbouring number or a stray
    digit word ("... three six six one more thing"). Which window is the card cannot be
    known, so all of them are covered. Prefix sums make each window O(1), so a pasted
    wall of digits stays linear.
    """
    n = len(digits)
    # Window [i, j) doubles the positions k with k % 2 == j % 2 (every second from the right).
    sums = ([0] * (n + 1), [0] * (n + 1))
    for k, ch in enumerate(digits):
        d = ord(ch) - 48
        for parity in (0, 1):
            sums[parity][k + 1] = sums[parity][k] + (_LUHN_DOUBLED[d] if k % 2 == parity else d)
    lo, hi = n, 0
    for j in range(_CARD_MIN, n + 1):
        prefix = sums[j % 2]
        for i in range(max(0, j - _CARD_MAX), j - _CARD_MIN + 1):
            if (prefix[j] - prefix[i]) % 10 == 0:
                lo, hi = min(lo, i), max(hi, j)
    return (lo, hi) if lo < hi else None
