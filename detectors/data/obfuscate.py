"""Character-level rewrites users apply to slip a word past filters, for the prompt-set generator."""

from __future__ import annotations

import random
from collections.abc import Callable

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "l": "1", "g": "9", "b": "8"}
# Latin letters and the Cyrillic/Greek look-alikes that render the same in most fonts.
CONFUSABLE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
              "k": "κ", "h": "һ", "s": "ѕ", "j": "ј", "n": "ո", "d": "ԁ"}
VOWELS = "aeiouy"


def _swap(text: str, table: dict[str, str], rng: random.Random, p: float) -> str:
    """Replace mapped letters with probability ``p``; at least one when any can be."""
    spots = [i for i, ch in enumerate(text) if ch.lower() in table]
    if not spots:
        return text
    chosen = {i for i in spots if rng.random() < p} or {rng.choice(spots)}
    return "".join(table[ch.lower()] if i in chosen else ch for i, ch in enumerate(text))


def leet(text: str, rng: random.Random) -> str:
    return _swap(text, LEET, rng, 0.6)


def confusables(text: str, rng: random.Random) -> str:
    return _swap(text, CONFUSABLE, rng, 0.5)


def spacing(text: str, rng: random.Random) -> str:
    sep = rng.choice([" ", ".", "-", "_", "*", " . "])
    gap = "  " if sep == " " else " "
    return gap.join(sep.join(word) for word in text.split(" "))


def zero_width(text: str, rng: random.Random) -> str:
    mark = rng.choice(ZERO_WIDTH)
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if i < len(text) - 1 and ch != " " and rng.random() < 0.7:
            out.append(mark)
    return "".join(out)


def fullwidth(text: str, rng: random.Random) -> str:
    del rng  # deterministic by nature
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text
    )


def repeat(text: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(text) if ch.lower() in VOWELS] or [
        i for i, ch in enumerate(text) if ch.isalpha()
    ]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[: i + 1] + text[i] * rng.randint(2, 4) + text[i + 1 :]


def masking(text: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(text) if ch.lower() in VOWELS]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + rng.choice("*#!@.") + text[i + 1 :]


def case(text: str, rng: random.Random) -> str:
    start = rng.randint(0, 1)
    return "".join(ch.upper() if (i + start) % 2 else ch.lower() for i, ch in enumerate(text))


KINDS: dict[str, Callable[[str, random.Random], str]] = {
    "leet": leet,
    "spacing": spacing,
    "confusables": confusables,
    "zero_width": zero_width,
    "fullwidth": fullwidth,
    "repeat": repeat,
    "masking": masking,
    "case": case,
}


def obfuscate(text: str, kind: str, rng: random.Random) -> str:
    """Rewrite ``text`` with one obfuscation ``kind`` (a key of ``KINDS``)."""
    return KINDS[kind](text, rng)
