"""Words as the real-person detector compares them: tokens with spans, folded to ``[a-z0-9]``.

Each word (or each CJK character) is transliterated with ``anyascii``, case-folded and kept to
``[a-z0-9]``. A ``TokenView`` concatenates the folds into one ``key`` for the Aho-Corasick
automaton and remembers where each token starts and ends in it, so a match can be checked to
cover whole tokens: ``T a y l o r``, ``taylor_swift``, ``TaylorSwift`` and ``Тейлор Свифт``
all meet the same keys.

    >>> TokenView.of_text("T a y l o r  Swift!").key
    'taylorswift'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

import regex
from anyascii import anyascii

__all__ = ["IL_AS_ONE", "Token", "TokenView", "fold_word", "tokenize"]

# CJK and kana characters carry no spaces between words: each one is its own token, so a
# name followed by a particle ("泰勒斯威夫特的") still ends on a token boundary.
_TOKEN = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]|[[\p{L}\p{M}\p{N}\p{Cf}]--[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]]+",
    regex.VERSION1,
)
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9]+")  # stdlib re: faster than regex on a plain class
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_NOT_ALNUM = regex.compile(r"[^a-z0-9]+")
_INVISIBLE = regex.compile(r"\p{Cf}+")
# What may stand between two words of one name: "Taylor Swift", "Taylor-Swift", "T. Swift".
_NAME_GAP = regex.compile(r"[\s._\-'’·・*#]{0,3}")  # (* and #: a masked letter, "J*nna")
#: The shared normaliser writes an ambiguous leet "1" (i or l) as "1"; so do leet keys.
IL_AS_ONE = str.maketrans("il", "11")


class Token(NamedTuple):
    """One word; a named tuple, not a dataclass: a prompt makes dozens, and a frozen
    dataclass costs about twice as much to build."""

    start: int  # span in the original text
    end: int
    raw: str
    fold: str
    cjk: bool


def fold_word(word: str) -> str:
    """One word as the index compares it: ``"Beyoncé"`` -> ``"beyonce"``."""
    if word.isascii():
        return _NOT_ALNUM.sub("", word.lower())
    word = unicodedata.normalize("NFKC", _INVISIBLE.sub("", word))
    return _NOT_ALNUM.sub("", anyascii(word).casefold())


def tokenize(text: str) -> list[Token]:
    """Word tokens of ``text`` with their spans; tokens that fold to nothing are dropped."""
    if text.isascii():  # the common case: letters and digits only, folding is lower-casing
        return [Token(m.start(), m.end(), m.group(), m.group().lower(), False) for m in _ASCII_TOKEN.finditer(text)]
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        folded = fold_word(raw)
        if folded:
            out.append(Token(m.start(), m.end(), raw, folded, bool(_CJK.match(raw))))
    return out


@dataclass(slots=True)
class TokenView:
    """A text as tokens plus the concatenated folds (``key``) the automaton runs over.

    ``of_text`` keeps every token with its span; ``of_folds`` (a normalised view, matched for
    names only) keeps just the folds, their offsets and whether any is CJK.
    """

    folds: list[str]
    tokens: list[Token] = field(default_factory=list)
    #: joined[i]: token i and i+1 may be one name (no comma, bracket or line between them).
    joined: list[bool] = field(default_factory=list)
    cjk: list[bool] = field(default_factory=list)
    key: str = ""
    at_start: dict[int, int] = field(default_factory=dict)  # key offset -> token index
    at_end: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ends = list(accumulate(map(len, self.folds)))
        self.at_end = dict(zip(ends, range(len(ends)), strict=True))
        self.at_start = dict(zip([0, *ends[:-1]], range(len(ends)), strict=True)) if ends else {}
        self.key = "".join(self.folds)
        self.joined = self.joined or [True] * len(self.folds)
        self.cjk = self.cjk or [False] * len(self.folds)

    @classmethod
    def of_text(cls, text: str) -> TokenView:
        tokens = tokenize(text)
        pairs = zip(tokens, tokens[1:], strict=False)
        # Most gaps are one space: a string comparison answers those without the regex.
        joined = [
            text[a.end : b.start] == " " or _NAME_GAP.fullmatch(text, a.end, b.start) is not None for a, b in pairs
        ]
        return cls([t.fold for t in tokens], tokens, [*joined, False], [t.cjk for t in tokens])

    @classmethod
    def of_folds(cls, folds: list[str]) -> TokenView:
        return cls(folds)
