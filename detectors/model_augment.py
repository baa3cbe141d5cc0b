"""Obfuscation augmentation for training the prompt models: the rewrites users try on filters.

Written apart from ``detectors/data/obfuscate.py`` (which built the labelled set) on purpose:
wider tables and different mixes, so that test-split obfuscations are not simply the training
augmentations replayed. Each rewrite hits a random subset of words, as users hide the one or
two words they expect a filter to know. A rewrite never changes the label.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

__all__ = ["AUGMENTS", "ages", "augment", "has_age"]

_LEET = {"a": "4@", "e": "3", "i": "1!|", "o": "0", "s": "5$", "t": "7+", "l": "1|", "g": "96", "b": "8", "z": "2"}
# Cyrillic, Greek, Armenian and mathematical look-alikes of Latin letters.
_CONFUSE = {
    "a": "аɑα𝖺",
    "b": "Ь𝖻",
    "c": "сϲ",
    "d": "ԁ𝖽",
    "e": "еҽ℮",
    "g": "ɡ",
    "h": "һ",
    "i": "іί",
    "j": "ј",
    "k": "κ",
    "l": "ӏℓ",
    "m": "м",
    "n": "ոп",
    "o": "оοσ",
    "p": "рρ",
    "r": "г",
    "s": "ѕ",
    "t": "т",
    "u": "υս",
    "v": "ν",
    "x": "хχ",
    "y": "уү",
}
_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
_SEPARATORS = (" ", ".", "-", "_", "*", "~", "·", "/", " . ")
_MASKS = "*#!@.?"


def _some_words(text: str, rng: random.Random, fn: Callable[[str], str], p: float) -> str:
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 3]
    if not spots:
        return text
    chosen = {i for i in spots if rng.random() < p} or {rng.choice(spots)}
    return " ".join(fn(w) if i in chosen else w for i, w in enumerate(words))


def _per_char(table: dict[str, str], rng: random.Random, p: float) -> Callable[[str], str]:
    return lambda w: "".join(rng.choice(table[c.lower()]) if c.lower() in table and rng.random() < p else c for c in w)


def leet(text: str, rng: random.Random) -> str:
    return _some_words(text, rng, _per_char(_LEET, rng, 0.5), 0.4)


def confusables(text: str, rng: random.Random) -> str:
    return _some_words(text, rng, _per_char(_CONFUSE, rng, 0.5), 0.4)


def spacing(text: str, rng: random.Random) -> str:
    sep = rng.choice(_SEPARATORS)
    return _some_words(text, rng, sep.join, 0.3)


def invisible(text: str, rng: random.Random) -> str:
    mark = rng.choice(_INVISIBLE)
    return _some_words(text, rng, mark.join, 0.5)


def case(text: str, rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return text.upper()
    if style == 1:
        return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(text))
    return "".join(c.upper() if rng.random() < 0.5 else c for c in text)


def repeat(text: str, rng: random.Random) -> str:
    def stretch(w: str) -> str:
        i = rng.randrange(len(w))
        return w[: i + 1] + w[i] * rng.randint(2, 5) + w[i + 1 :]

    return _some_words(text, rng, stretch, 0.3)


def mask(text: str, rng: random.Random) -> str:
    def hide(w: str) -> str:
        spots = [i for i, c in enumerate(w) if c.lower() in "aeiou"] or [len(w) // 2]
        i = rng.choice(spots)
        return w[:i] + rng.choice(_MASKS) + w[i + 1 :]

    return _some_words(text, rng, hide, 0.3)


def typo(text: str, rng: random.Random) -> str:
    def swap(w: str) -> str:
        i = rng.randrange(len(w) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            return w[:i] + w[i + 1] + w[i] + w[i + 2 :]  # transpose ("hentia")
        if kind == 1:
            return w[:i] + w[i + 1 :]  # drop a letter
        return w[: i + 1] + w[i] + w[i + 1 :]  # double a letter

    return _some_words(text, rng, swap, 0.25)


def fullwidth(text: str, rng: random.Random) -> str:
    return _some_words(text, rng, lambda w: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in w), 0.5)


def squash(text: str, rng: random.Random) -> str:
    """Punctuation dropped and words run together, as in tags typed fast."""
    del rng
    return text.replace(",", "").replace("  ", " ")


AUGMENTS: dict[str, Callable[[str, random.Random], str]] = {
    "leet": leet,
    "confusables": confusables,
    "spacing": spacing,
    "invisible": invisible,
    "case": case,
    "repeat": repeat,
    "mask": mask,
    "typo": typo,
    "fullwidth": fullwidth,
    "squash": squash,
}


def augment(text: str, rng: random.Random, *, age_rewrites: bool = True) -> str:
    """One or two random rewrites of ``text``; a stated age is re-stated half the time."""
    if age_rewrites and has_age(text) and rng.random() < 0.5:
        text = ages(text, rng)
        if rng.random() < 0.5:
            return text
    kinds = rng.sample(sorted(AUGMENTS), k=1 if rng.random() < 0.6 else 2)
    for kind in kinds:
        text = AUGMENTS[kind](text, rng)
    return text


# --- ages ------------------------------------------------------------------------------------

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty"}
_AGE = re.compile(
    r"\b(?:aged?\s+(?P<a>\d{1,2})|(?P<n>\d{1,2})\s*-?\s*(?:years?|yrs?|yr|y/o|y\.o\.|yo)\b(?:[\s-]*old)?)",
    re.IGNORECASE,
)
_AGE_FORMS = (
    "{n} year old",
    "{n}-year-old",
    "{n} years old",
    "{n}yo",
    "{n} y/o",
    "{n} yrs old",
    "aged {n}",
    "{w} year old",
    "{w}-year-old",
    "{w} years old",
    "age {n}",
)


def _words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens * 10] + (f"-{_ONES[ones]}" if ones else "")


def ages(text: str, rng: random.Random) -> str:
    """Every stated age rewritten to another age on the same side of 18, in another form
    (digits or words, ``yo``/``y/o``/``years old``/``aged``): the model learns ages, not the
    few numbers the data happens to hold. The label cannot change: a minor stays a minor."""

    def swap(m: re.Match[str]) -> str:
        age = int(m.group("a") or m.group("n"))
        new = rng.randint(3, 17) if age < 18 else rng.randint(18, 60)
        return rng.choice(_AGE_FORMS).format(n=new, w=_words(new))

    return _AGE.sub(swap, text)


def has_age(text: str) -> bool:
    return _AGE.search(text) is not None
