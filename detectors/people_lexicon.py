"""Name lists for the real-person detector: loading, and the exact and fuzzy name index.

Names are compared as token folds (``detectors.people_tokens``): a name matches when its
folds, concatenated, equal a run of whole tokens in the text, so spacing tricks
(``T a y l o r``, ``taylor_swift``, ``TaylorSwift``) and scripts (``Тейлор Свифт`` ->
``teylorsvift``) meet the same key.

    >>> index = PeopleIndex.load([Path("people_public.tsv")])          # doctest: +SKIP
    >>> [m.alias for m in index.exact(TokenView.of_text("pics of Taylor Swift"))]  # doctest: +SKIP
    ['Taylor Swift']
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
import regex
from rapidfuzz import process
from rapidfuzz.distance import OSA

from detectors.errors import LexiconError
from detectors.people_tokens import IL_AS_ONE, TokenView, fold_word, tokenize

__all__ = ["LEXICONS", "Alias", "Match", "PeopleIndex", "Person", "lexicon_lines", "load_people", "load_words"]

LEXICONS = Path(__file__).parent / "lexicons"
_HEADER = "canonical\taliases"
_VERSION = regex.compile(r"^#\s*version:?\s+([\w.\-]+)", regex.IGNORECASE)
# Fuzzy matching: how many edits (OSA: insert, delete, substitute, swap) a name of a given
# length may carry. Short names get none: "halsey" one edit from "hailey" is another person.
_MIN_FUZZY_LEN = 6
_MAX_FUZZY_LEN = 40


# Words that never start a name: fuzzy runs starting with them are not tried.
_MEMO_SIZE = 100_000  # fuzzy lookups remembered per index (~10 MB at most)
_STOP = frozenset("a an and as at by for from in into is it of on or the to with".split())


def _edits_allowed(length: int) -> int:
    return 0 if length < _MIN_FUZZY_LEN else 1 if length < 9 else 2 if length < 15 else 3


@dataclass(frozen=True, slots=True)
class Person:
    canonical: str
    protected: bool = False


@dataclass(frozen=True, slots=True)
class Alias:
    person: int  # index into PeopleIndex.people
    text: str  # as written in the list
    key: str  # token folds concatenated
    tokens: int  # number of tokens
    cjk: bool  # written in CJK/kana/Hangul: must be matched in that script
    ambiguous: bool  # one token that is also an everyday word or place ("Madonna", "Drake")


@dataclass(frozen=True, slots=True)
class Match:
    alias: Alias
    first: int  # token indices in the view, inclusive
    last: int
    edits: int = 0  # 0 for exact matches


def load_words(path: Path) -> frozenset[str]:
    """A one-word-a-line list (``#`` comments); words are folded like names."""
    words = set()
    for number, line in lexicon_lines(path):
        word = fold_word(line)
        if not word or any(c.isspace() for c in line.strip()):
            raise LexiconError(path, number, "expected one word")
        words.add(word)
    return frozenset(words)


def load_people(path: Path) -> tuple[str, list[tuple[str, list[str]]]]:
    """``(version, [(canonical, aliases)])`` from a people TSV; fails naming file and line."""
    version, rows, seen, header = "unversioned", [], set(), False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(path, 0, f"cannot read ({type(exc).__name__})") from exc
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            found = _VERSION.match(line)
            version = found.group(1) if found and version == "unversioned" else version
            continue
        if not line.strip():
            continue
        if not header:
            if line.rstrip() != _HEADER:
                raise LexiconError(path, number, "expected header 'canonical<TAB>aliases'")
            header = True
            continue
        rows.append(_parse_row(path, number, line, seen))
    if not header:
        raise LexiconError(path, 1, "no header line 'canonical<TAB>aliases'")
    return version, rows


def _parse_row(path: Path, number: int, line: str, seen: set[str]) -> tuple[str, list[str]]:
    columns = line.rstrip("\r\n").split("\t")
    if len(columns) != 2:
        raise LexiconError(path, number, f"expected 2 tab-separated columns, got {len(columns)}")
    canonical, aliases = columns[0].strip(), [a.strip() for a in columns[1].split("|")] if columns[1] else []
    names = [canonical, *aliases]
    for name in names:
        if not name or any(unicodedata.category(c) == "Cc" for c in name):
            raise LexiconError(path, number, "empty name or control character in a name")
        if len("".join(t.fold for t in tokenize(name))) < 2:
            raise LexiconError(path, number, "a name folds to fewer than 2 letters or digits")
    key = "".join(t.fold for t in tokenize(canonical))
    if key in seen:
        raise LexiconError(path, number, "duplicate person (same canonical name as an earlier line)")
    seen.add(key)
    return canonical, aliases


def lexicon_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` for every line that is neither blank nor a ``#`` comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(path, 0, f"cannot read ({type(exc).__name__})") from exc
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield number, line


class PeopleIndex:
    """Every alias of every listed person: an Aho-Corasick automaton over alias keys for exact
    matches, and buckets by (first two letters, length) for the bounded fuzzy pass."""

    def __init__(self, people: list[Person], aliases: list[Alias], versions: dict[str, str]) -> None:
        self.people, self.aliases, self.versions = people, aliases, versions
        by_key: dict[str, list[int]] = defaultdict(list)
        by_leet_key: dict[str, list[int]] = defaultdict(list)
        for i, alias in enumerate(aliases):
            by_key[alias.key].append(i)
            if not alias.cjk:
                by_leet_key[alias.key.translate(IL_AS_ONE)].append(i)
        self._automaton, self._leet = _automaton(by_key), _automaton(by_leet_key)
        fuzzy: dict[str, list[Alias]] = defaultdict(list)
        for alias in aliases:
            if not alias.cjk and not alias.ambiguous and _MIN_FUZZY_LEN <= len(alias.key) <= _MAX_FUZZY_LEN:
                fuzzy[alias.key[:1]].append(alias)
        # Per first-letter bucket: the aliases and their keys, for rapidfuzz's C loop.
        self._fuzzy = {prefix: (bucket, [a.key for a in bucket]) for prefix, bucket in fuzzy.items()}
        self._shapes: dict[tuple[str, int, int], tuple[list[Alias], list[str]] | None] = {}
        self._memo: dict[str, tuple[Alias, int] | None] = {}
        self.by_key = {key: [aliases[i] for i in ids] for key, ids in by_key.items()}

    @classmethod
    def load(
        cls,
        public: Iterable[Path],
        protected: Iterable[Path] = (),
        ambiguous: frozenset[str] = frozenset(),
        surname_skip: frozenset[str] | None = None,
    ) -> PeopleIndex:
        """Every alias of every listed person. With ``surname_skip``, a public figure's surname
        alone ("Ocasio-Cortez", "Kardashian") is an alias too, unless it is in ``surname_skip``
        (everyday words, given names, common surnames) or shorter than 5 letters."""
        people: list[Person] = []
        aliases: list[Alias] = []
        versions: dict[str, str] = {}
        for path, is_protected in [*((p, False) for p in public), *((p, True) for p in protected)]:
            version, rows = load_people(path)
            versions[path.name] = version
            for canonical, names in rows:
                people.append(Person(canonical, is_protected))
                seen: set[str] = set()
                for name in (canonical, *names):
                    tokens = tokenize(name)
                    key = "".join(t.fold for t in tokens)
                    if key in seen:
                        continue
                    seen.add(key)
                    cjk = any(t.cjk for t in tokens)
                    vague = len(tokens) == 1 and (key in ambiguous or len(key) < 3) and not is_protected
                    aliases.append(Alias(len(people) - 1, name, key, len(tokens), cjk, vague))
                surname = _surname_alias(canonical, surname_skip) if surname_skip is not None and not is_protected else None
                if surname and surname.key not in seen:
                    aliases.append(Alias(len(people) - 1, surname.text, surname.key, 1, False, False))
        return cls(people, aliases, versions)

    def exact(self, view: TokenView, leet: bool = False) -> list[Match]:
        """Aliases whose key equals a run of whole tokens of ``view``; ``leet`` for a view whose
        keys had ``IL_AS_ONE`` applied."""
        out: list[Match] = []
        automaton = self._leet if leet else self._automaton
        if not len(automaton):
            return out
        for end, ids in automaton.iter(view.key):
            last = view.at_end.get(end + 1)
            if last is None:
                continue
            for i in ids:
                alias = self.aliases[i]
                first = view.at_start.get(end + 1 - len(alias.key))  # leet keys keep the length
                if first is None or not _fits(alias, view, first, last):
                    continue
                out.append(Match(alias, first, last))
        return out

    def fuzzy(
        self,
        view: TokenView,
        skip: set[int],
        is_word: Callable[[str], bool],
        plausible_name: Callable[[list[str]], bool],
        max_tokens: int,
    ) -> list[Match]:
        """Near-misses ("taylor swfit", "scarlet johansen") over runs of 1-3 Latin tokens.

        Bounded: only the first ``max_tokens`` tokens, only aliases that share the run's first
        letter, never tokens already matched exactly (``skip``), never runs made only of words
        (``is_word``), and never runs ``plausible_name`` says are someone's real name.
        """
        out: list[Match] = []
        folds = view.folds[:max_tokens]
        # Whether each token is a word in its own right, once per token, not once per run.
        plain = [len(fold) <= 2 or fold.isdigit() or is_word(fold) for fold in folds]
        for first, head in enumerate(folds):
            if first in skip or view.cjk[first] or head in _STOP or head[:1] not in self._fuzzy:
                continue
            key, words = "", True
            for last in range(first, min(first + 3, len(folds))):
                if last in skip or view.cjk[last] or (last > first and not view.joined[last - 1]):
                    break
                fold = folds[last]
                key += fold
                words = words and plain[last]
                if len(key) > _MAX_FUZZY_LEN:
                    break
                if words:  # "red dress", "film still": every word a word, no misspelt name
                    continue
                found = self._closest(key)
                if found and not plausible_name(folds[first : last + 1]):
                    out.append(Match(found[0], first, last, found[1]))
                    break
        return out

    def _closest(self, key: str) -> tuple[Alias, int] | None:
        """The nearest alias to ``key`` within its edit budget, memoised: prompts reuse their
        vocabulary ("artstation", "greg rutkowski"), so most lookups are repeats."""
        if key in self._memo:
            return self._memo[key]
        budget = _edits_allowed(len(key))
        bucket = self._bucket(key[:1], len(key), budget) if budget else None
        best = process.extractOne(key, bucket[1], scorer=OSA.distance, score_cutoff=budget) if bucket else None
        found = None
        if bucket and best is not None and 0 < best[1] <= _edits_allowed(len(bucket[0][best[2]].key)):
            found = (bucket[0][best[2]], int(best[1]))  # (the budget of the shorter name rules)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = found
        return found

    def _bucket(self, letter: str, length: int, budget: int) -> tuple[list[Alias], list[str]] | None:
        """Aliases starting with ``letter`` whose length is within ``budget`` of ``length``
        (an edit distance is at least the length difference); built once per shape."""
        shape = (letter, length, budget)
        if shape not in self._shapes:
            aliases = [a for a in self._fuzzy.get(letter, ((), ()))[0] if abs(len(a.key) - length) <= budget]
            self._shapes[shape] = (aliases, [a.key for a in aliases]) if aliases else None
        return self._shapes[shape]


@dataclass(frozen=True, slots=True)
class _Surname:
    text: str
    key: str


_MIN_SURNAME = 5


def _surname_alias(canonical: str, skip: frozenset[str]) -> _Surname | None:
    """The last word of a Latin-script name of two or more words, hyphenated parts kept together
    ("Alexandria Ocasio-Cortez" -> "Ocasio-Cortez"), when it says little else."""
    words = canonical.split()
    if len(words) < 2 or not canonical.isascii() and any(t.cjk for t in tokenize(canonical)):
        return None
    last = words[-1]
    parts = [t.fold for t in tokenize(last)]
    key = "".join(parts)
    if len(key) < _MIN_SURNAME or not key.isalpha() or key in skip or any(p in skip for p in parts if len(p) < 5):
        return None
    return _Surname(last, key)


def _automaton(keys: dict[str, list[int]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key, ids in keys.items():
        automaton.add_word(key, tuple(ids))
    if len(automaton):
        automaton.make_automaton()
    return automaton


def _fits(alias: Alias, view: TokenView, first: int, last: int) -> bool:
    """Short aliases must match as many tokens as they have (``"s i a"`` is not Sia), and CJK
    aliases only CJK text (pinyin "mei xi" is a person's name, not 梅西)."""
    if alias.cjk != any(view.cjk[first : last + 1]):
        return False
    return len(alias.key) >= 6 or last - first + 1 == alias.tokens
