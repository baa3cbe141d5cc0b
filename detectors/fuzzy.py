"""Near-misses of lexicon words: "nakked", "toplees", "todler", one edit from a listed word.

``FuzzyTerms`` indexes the single-word English terms (5+ letters) of chosen lexicon sections
by their one-deletion neighbourhood (SymSpell), built once. A prompt's tokens are looked up
the same way and confirmed with the optimal string alignment distance (insert, delete,
substitute, swap): at most one edit, same first letter, and a letter added only by doubling
one ("nakked", not "teensy"). Tokens that are words in their own
right (the everyday-word and given-name lists of ``lexicons/``, or any term of the lexicons
given) are never read as misspellings, so "baked" is not "naked" and "books" not "boobs".

Only whole words are indexed, not stems (``shota*``: "shoto" is someone else), and only the
English part of a section: lexicon files list English terms first and
mark the other languages with a comment (``# es``...), and a one-edit neighbour of a foreign
word is too often another foreign word ("pelada", "pelado"). Cost: one set lookup per token,
and a few dict lookups for the rare token that is no known word.

    >>> fuzzy = FuzzyTerms.for_lexicon(default_sexual_lexicon(), ("explicit",))  # doctest: +SKIP
    >>> [(m.term, m.section) for m in fuzzy.find(normalize("nakked, toplees"))]  # doctest: +SKIP
    [('naked', 'explicit'), ('topless', 'explicit')]
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import regex
from rapidfuzz.distance import OSA

from detectors.lexicon import LEXICON_DIR, Lexicon, Match
from detectors.normalize import Normalized

__all__ = ["FuzzyTerms", "known_words"]

MIN_LEN = 5
MAX_LEN = 24
MAX_TOKENS = 200
MEMO_SIZE = 50_000
_TOKEN = regex.compile(r"[a-z]+")
_WORD = regex.compile(r"[a-z]{5,24}")
# A comment naming other languages ("# es", "# es, pt, fr, de", "# ru"): English ends there.
_LANGUAGE_COMMENT = regex.compile(r"#\s*(?:es|pt|fr|de|it|nl|pl|tr|ru|ja|zh|ko|ar)\b")
_SECTION = regex.compile(r"\[([a-z_]+)\]")
_WORD_LISTS = ("people_common_words.txt", "people_given_names.txt", "people_surnames_top.txt")


@cache
def known_words(folder: Path = LEXICON_DIR) -> frozenset[str]:
    """Everyday English words and given names: tokens that are never misspellings."""
    from detectors.people_lexicon import load_words  # the people lists' own loader and folding

    return frozenset().union(*(load_words(folder / name) for name in _WORD_LISTS))


def english_terms(path: Path, sections: Iterable[str]) -> dict[str, str]:
    """``{term: section}`` for the English single-word terms of ``sections`` in a lexicon file."""
    wanted, out = set(sections), {}
    section, english = None, False
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if m := _SECTION.fullmatch(entry):
            section, english = m.group(1), True
        elif _LANGUAGE_COMMENT.match(entry):
            english = False
        elif section in wanted and english and entry and not entry.startswith(("#", "@", "=")):
            term = entry.split(" #", 1)[0].strip()
            if _WORD.fullmatch(term):  # (stems, "shota*", are prefixes: "shoto" is a character)
                out.setdefault(term, section)
    return out


class FuzzyTerms:
    """One-edit near-misses of a lexicon's English single-word terms."""

    def __init__(self, terms: dict[str, str], exclude: frozenset[str]) -> None:
        self.terms = terms
        self.exclude = exclude
        self._index: dict[str, set[str]] = {}
        # Prompts reuse their vocabulary ("artstation", "rutkowski"): lookups are remembered.
        self._memo: dict[str, str | None] = {}
        for term in terms:
            for key in _deletes(term):
                self._index.setdefault(key, set()).add(term)

    @classmethod
    def for_lexicon(cls, lexicon: Lexicon, sections: Iterable[str], *others: Lexicon) -> FuzzyTerms:
        """Index ``sections`` of ``lexicon``; words of ``others`` are never read as misspellings."""
        sections = tuple(sections)
        terms = english_terms(LEXICON_DIR / lexicon.name, sections)
        own = {t for lex in (lexicon, *others) for ts in lex.sections.values() for t in ts}
        words = {w for t in own for w in _TOKEN.findall(t)}
        return cls(terms, known_words() | frozenset(words))

    def find(self, text: Normalized) -> list[Match]:
        """Tokens of the most normalised Latin view one edit from a term (not the term itself)."""
        views = text.leet or text.plain
        out: list[Match] = []
        if not views:
            return out
        view = views[-1]
        seen: set[str] = set()
        for i, m in enumerate(_WORD.finditer(view)):
            if i >= MAX_TOKENS:
                break
            token = m.group()
            if token in seen or token in self.exclude or _plural(token) in self.exclude:
                continue
            seen.add(token)
            term = self._closest(token)
            if term:
                out.append(Match(term, self.terms[term], m.start(), m.end()))
        return out

    def _closest(self, token: str) -> str | None:
        if token in self._memo:
            return self._memo[token]
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        found = self._memo[token] = self._search(token)
        return found

    def _search(self, token: str) -> str | None:
        candidates: set[str] = set()
        for key in _deletes(token):
            candidates |= self._index.get(key, set())
        best = [
            t for t in candidates
            if t[0] == token[0] and t != token and OSA.distance(t, token, score_cutoff=1) <= 1 and _typo(t, token)
        ]
        return min(best) if best else None


def _typo(term: str, token: str) -> bool:
    """A token one letter longer than the term only by a doubled letter ("nakked"): an added
    new letter is how real words extend a term ("teensy", "tweedy")."""
    if len(token) != len(term) + 1:
        return True
    return any(
        token[:i] + token[i + 1 :] == term and (token[i] == token[i - 1] if i else token[i] == token[i + 1])
        for i in range(len(token))
    )


def _deletes(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _plural(token: str) -> str:
    return token[:-2] if token.endswith("es") else token[:-1] if token.endswith("s") else token
