"""Lexicon files and their Aho-Corasick matcher, with word boundaries and longest-match-wins.

A lexicon file (``detectors/lexicons/*.txt``) is UTF-8, one entry per line::

    # comments start with "#"; blank lines are ignored
    version: 2026.11.1               first entry: the lexicon's version
    @colour = colour | color | tone  a slot class, used as {colour} in terms below
    [explicit]                       a section; which sections exist is up to the detector
    nude                             a term: matched as a whole word ("nudes" too)
    porn*                            a stem: any ending ("porno", "pornographic")
    nude {colour}                    expands to "nude colour", "nude color", "nude tone"
    =niña                            exact: diacritics required (not folded to "nina")

Latin-script terms are folded like the text (``normalize.fold``) and matched on every Latin
view, along with generated variants for censoring (one vowel as ``*``: ``p*rn``) and
ambiguous leetspeak (any ``i``/``l`` as ``1``: ``l0l1``). Other scripts match the native view;
Chinese and Japanese terms need no word boundary. Where matches overlap, the longest wins and
the ones inside it are dropped: that is how the ``safe`` section works ("nude lipstick" hides
"nude") and how a longer weak phrase ("school uniform") overrides a word inside it.

Any bad line fails loading with ``LexiconError`` naming the file and line.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick
import regex

from detectors.errors import LexiconError
from detectors.normalize import LEET_AMBIGUOUS, Normalized, fold, native_form

__all__ = ["Lexicon", "Match", "load_lexicon", "LEXICON_DIR"]

LEXICON_DIR = Path(__file__).parent / "lexicons"
MAX_TERM_CHARS = 48
SAFE = "safe"
_VERSION = regex.compile(r"version:\s*(\d{4}\.\d{1,2}\.\d+)")
_SLOT_DEF = regex.compile(r"@([a-z_]+)\s*=\s*(.+)")
_SLOT_USE = regex.compile(r"\{([a-z_]+)\}")
_SECTION = regex.compile(r"\[([a-z_]+)\]")
_VOWELS = "aeiouy"
_LATIN_WORD = frozenset("abcdefghijklmnopqrstuvwxyz*" + LEET_AMBIGUOUS)
_LATIN_ALNUM = _LATIN_WORD | frozenset("0123456789")
_UNBOUNDED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC", "HALFWIDTH")


@dataclass(frozen=True, slots=True)
class Match:
    """A lexicon term found in a view; ``start``/``end`` index that normalised view."""

    term: str
    section: str
    start: int
    end: int
    native: bool = False


@dataclass(frozen=True, slots=True)
class _Entry:
    term: str
    section: str
    length: int
    check_left: bool
    check_right: bool
    plural: bool


@dataclass(slots=True)
class Lexicon:
    """Terms by section, compiled into a Latin and a native automaton."""

    name: str
    version: str
    sections: dict[str, tuple[str, ...]]
    _latin: ahocorasick.Automaton = field(repr=False)
    _native: ahocorasick.Automaton = field(repr=False)
    _cached: object = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        # Several detectors ask for the same lexicon on the same text (rules.minors and
        # people.py reuse the sexual terms): a small cache makes that one scan.
        self._cached = lru_cache(maxsize=256)(self._find)

    def find(self, text: Normalized) -> tuple[Match, ...]:
        """Every term in any view of ``text``, once per (term, section), safe phrases removed."""
        return self._cached(text)  # type: ignore[operator]

    def _find(self, text: Normalized) -> tuple[Match, ...]:
        found: dict[tuple[str, str], Match] = {}
        for view in text.latin:
            for m in _resolve(_scan(self._latin, view, native=False)):
                found.setdefault((m.term, m.section), m)
        if not text.native.isascii() and len(self._native):
            for m in _resolve(_scan(self._native, text.native, native=True)):
                found.setdefault((m.term, m.section), m)
        return tuple(m for m in found.values() if m.section != SAFE)


def load_lexicon(path: Path, sections: frozenset[str]) -> Lexicon:
    """Read and compile one lexicon; ``sections`` are the ones its detector understands."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(path, 0, f"cannot read ({type(exc).__name__})") from exc
    version, slots, terms = _parse_lines(path, lines, sections | {SAFE})
    latin, native = ahocorasick.Automaton(), ahocorasick.Automaton()
    seen: dict[str, int] = {}
    by_section: dict[str, list[str]] = {s: [] for s in sections | {SAFE}}
    for lineno, section, raw in terms:
        for term in _expand(path, lineno, raw, slots):
            _add_term(path, lineno, section, term, latin, native, seen)
            by_section[section].append(term)
    for automaton in (latin, native):
        if len(automaton):
            automaton.make_automaton()
    return Lexicon(
        name=path.name, version=version,
        sections={s: tuple(t) for s, t in by_section.items()}, _latin=latin, _native=native,
    )


def _parse_lines(
    path: Path, lines: list[str], sections: frozenset[str]
) -> tuple[str, dict[str, list[str]], list[tuple[int, str, str]]]:
    version: str | None = None
    section: str | None = None
    slots: dict[str, list[str]] = {}
    terms: list[tuple[int, str, str]] = []
    for lineno, line in enumerate(lines, start=1):
        entry = line.split(" #", 1)[0].strip()
        if not entry or entry.startswith("#"):
            continue
        if version is None:
            if not (m := _VERSION.fullmatch(entry)):
                raise LexiconError(path, lineno, "first entry must be 'version: YYYY.MM.N'")
            version = m.group(1)
        elif m := _SECTION.fullmatch(entry):
            if m.group(1) not in sections:
                raise LexiconError(path, lineno, f"unknown section [{m.group(1)}]; known: {sorted(sections)}")
            section = m.group(1)
        elif m := _SLOT_DEF.fullmatch(entry):
            words = [w.strip() for w in m.group(2).split("|")]
            if not all(words):
                raise LexiconError(path, lineno, f"empty word in slot @{m.group(1)}")
            slots[m.group(1)] = words
        elif section is None:
            raise LexiconError(path, lineno, "term before any [section]")
        else:
            terms.append((lineno, section, entry))
    if version is None:
        raise LexiconError(path, 1, "no 'version: YYYY.MM.N' header")
    return version, slots, terms


def _expand(path: Path, lineno: int, raw: str, slots: dict[str, list[str]]) -> list[str]:
    names = _SLOT_USE.findall(raw)
    for name in names:
        if name not in slots:
            raise LexiconError(path, lineno, f"undefined slot {{{name}}}")
    if not names:
        return [raw]
    template = _SLOT_USE.sub("{}", raw)
    return [template.format(*combo) for combo in itertools.product(*(slots[n] for n in names))]


def _add_term(
    path: Path, lineno: int, section: str, raw: str,
    latin: ahocorasick.Automaton, native: ahocorasick.Automaton, seen: dict[str, int],
) -> None:
    exact, raw = raw.startswith("="), raw.removeprefix("=").strip()
    stem = raw.endswith("*") and len(raw) > 1
    base = raw[:-1] if stem else raw
    if not base or len(base) > MAX_TERM_CHARS:
        raise LexiconError(path, lineno, f"term must be 1..{MAX_TERM_CHARS} characters")
    if any(unicodedata.category(c)[0] in "CZ" and c != " " for c in base):
        raise LexiconError(path, lineno, "term holds control or odd space characters")
    nat = native_form(base)
    latin_script = all(c.isascii() or unicodedata.name(c, "").startswith("LATIN") for c in nat if c.isalpha())
    keys: list[tuple[ahocorasick.Automaton, str, bool]] = []
    if latin_script and not exact:
        keys.append((latin, fold(base), False))
    if not nat.isascii():
        keys.append((native, nat, True))
    for automaton, key, is_native in keys:
        tag = ("n:" if is_native else "l:") + key
        if tag in seen:
            raise LexiconError(path, lineno, f"duplicate term {key!r} (first on line {seen[tag]})")
        seen[tag] = lineno
        variants = [key] if is_native else _variants(key)
        for variant in variants:
            entry = _entry(key, section, variant, stem, is_native)
            bucket = automaton.get(variant, ())
            automaton.add_word(variant, (*bucket, entry))


def _entry(term: str, section: str, key: str, stem: bool, native: bool) -> _Entry:
    def bounded(ch: str) -> bool:
        return not unicodedata.name(ch, "").startswith(_UNBOUNDED_SCRIPTS)

    return _Entry(
        term=term, section=section, length=len(key),
        check_left=bounded(key[0]), check_right=bounded(key[-1]) and not stem,
        plural=not native and not stem and term[-1].isalpha(),
    )


def _variants(key: str) -> list[str]:
    """The key, one-vowel-masked forms (``p*rn``) and ambiguous-leet forms (``lol1``)."""
    out = [key]
    letters = sum(c.isalpha() for c in key)
    if letters >= 3:
        out += [key[:i] + "*" + key[i + 1 :] for i, c in enumerate(key) if c in _VOWELS]
    spots = [i for i, c in enumerate(key) if c in "il"]
    subsets = (
        itertools.chain.from_iterable(itertools.combinations(spots, r) for r in range(1, len(spots) + 1))
        if len(spots) <= 4 else ([i] for i in spots)
    )
    for subset in subsets:
        chars = list(key)
        for i in subset:
            chars[i] = LEET_AMBIGUOUS
        out.append("".join(chars))
    return list(dict.fromkeys(out))


def _scan(automaton: ahocorasick.Automaton, view: str, native: bool) -> list[Match]:
    if not len(automaton):
        return []
    out: list[Match] = []
    n = len(view)
    for last, entries in automaton.iter(view):
        for e in entries:
            start, end = last - e.length + 1, last + 1
            if e.check_left and start > 0 and _is_word(view[start - 1], e.term[0], native):
                continue
            if e.check_right and end < n and _is_word(view[end], e.term[-1], native):
                if not e.plural:
                    continue
                end = _plural_end(view, end)
                if end < 0:
                    continue
            out.append(Match(e.term, e.section, start, end, native))
    return out


def _is_word(neighbour: str, edge: str, native: bool) -> bool:
    if native:
        return neighbour.isalpha() or (edge.isdigit() and neighbour.isdigit())
    return neighbour in (_LATIN_WORD if edge.isalpha() else _LATIN_ALNUM)


def _plural_end(view: str, end: int) -> int:
    """Where a plural "s"/"es" after a term ends, or -1 when the word goes on."""
    for suffix in ("s", "es"):
        stop = end + len(suffix)
        if view.startswith(suffix, end) and (stop == len(view) or view[stop] not in _LATIN_WORD):
            return stop
    return -1


def _resolve(matches: list[Match]) -> list[Match]:
    """Longest match wins: drop every match lying inside another (safe phrases included)."""
    matches.sort(key=lambda m: (m.start, -m.end))
    kept: list[Match] = []
    reach = -1
    for m in matches:
        if m.end <= reach:
            continue
        kept.append(m)
        reach = m.end
    return kept
