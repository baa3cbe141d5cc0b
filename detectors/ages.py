"""Ages, school grades and birth years read from normalised text, in digits or number words.

Forms: "12 year old", "12-year-old", "12yo", "12 y/o", "12yrs", "age 12", "aged twelve",
"(age:12)" (the syntax parser keeps the weight), "a girl of six", Spanish/Portuguese
"12 años/anos", French "12 ans", German "12 Jahre"/"12-jährige", Russian "12 лет",
Japanese/Chinese "12歳"/"12岁"/"十二岁", Italian "12 anni", Dutch "12 jaar", Polish "12 lat",
Turkish "12 yaşında", Korean "12살"/"12세", "5th grade", "grade 7", "fifth grader", UK "year 7
student", "born in 2012" against the prompt's submission year, and ages said indirectly: "just
turned 13", "she is really 11", "before puberty"/"hasn't hit puberty" (read as 11), and a bare
number standing as a tag next to a person word ("girl, 12, ..."). Patterns are linear (no
nested quantifiers); number words come from ``lexicons/numbers.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from detectors.errors import LexiconError
from detectors.normalize import Normalized, fold

__all__ = ["AgeCue", "AgeReader", "ADULT_AGE"]

ADULT_AGE = 18
MAX_AGE = 120
# Atomic words: no backtracking inside a word. A second word ("twenty one") is never a unit.
_WORD = r"[a-z]++(?: (?!(?:years?|yrs?)\b)[a-z]++)?"
_NUM = rf"(?P<num>\d{{1,3}}|{_WORD})"
_LEFT = r"(?<![a-z0-9.])"
# A bare number only counts as an age when punctuation or the end follows it ("she's 11,").
_ENDS = r"(?=\s*(?:[,.;:)!\]]|$))"
_ADVERB = r"(?: only| just| barely| now| really| actually| secretly| truly| in fact| in reality)"
_AGE_WORD = (
    r"(?:(?:years?|yrs?|yr|y) ?(?:old|of age)\b|(?:yo|y/o|y\.o\.?|yrs?|yr)(?![a-z0-9])"
    r"|(?:anos|ano|anitos|ans|jahre?n?|anni|anno|enne|jaar|jarige|lat|latka|latek|letnia|letnie|yas|yasli)\b"
    r"|(?:jahrig|letni|yasinda)\w{0,3}\b)"
)
# Who an age is said of: pronouns, and the nouns a prompt names a child by ("the boy is 8").
_SUBJECT = (
    r"(?:she|he|who|i|they|girls?|boys?|kids?|child|children|daughters?|sons?|nieces?|nephews?"
    r"|sisters?|brothers?|toddlers?|students?|teens?)"
)
_LATIN_PATTERNS = [
    rf"\b{_SUBJECT}(?: is|'s| s|'m| m| am| was| are| were){_ADVERB}? {_NUM}(?: years?| yrs?)?{_ENDS}",
    rf"\b(?:actually|really|secretly|truly|in reality|in fact) {_NUM}{_ENDS}",
    rf"\bturn(?:ed|s|ing)? {_NUM}(?![a-z0-9]|\.\d| ?(?:degrees|percent|times|pages|minutes))",
    rf"\b(?:looks?|looking|appears?|appearing)(?: like)?(?: an?)?(?: only| about| around)? {_NUM}"
    rf"(?: ?(?:years?|yrs?|y)(?: ?old)?\b|{_ENDS})",
    rf"\bbarely {_NUM}(?![a-z0-9]|\.\d)",
    rf"\bage[ds]?(?: ?[:=]| of| is| about)? ?{_NUM}(?![a-z0-9]|\.\d)",
    rf"\b(?:girl|boy|child|kid|daughter|son|toddler|schoolgirl|schoolboy|woman|man|lady)s? (?:of|aged) {_NUM}\b",
    # A number then an age word, in one pass: en, es/pt, fr, de, it, nl, pl, tr (yaş, yaşında).
    rf"{_LEFT}{_NUM} ?{_AGE_WORD}",
]
# The age word of the last pattern always follows a space or a digit (a number word ends where
# `[a-z]++` stops, so a space comes next). That pattern tries a number at every word and is the
# slowest here: a view where this cheap search finds nothing (~95% of them) cannot match it.
# Stdlib ``re``, 3x faster than ``regex`` on this search; the views are ASCII, read alike by both.
_AGE_WORD_GATE = re.compile(rf"[ 0-9]{_AGE_WORD}")
_NATIVE_PATTERNS = [
    r"(?<![0-9])(?P<num>[0-9]{1,3}|[一二两三四五六七八九十]{1,3}) ?(?:歳|才|岁|歲)",
    r"(?<![0-9])(?P<num>[0-9]{1,3}) ?-? ?(?:лет|года|год|летн\w{0,4})",
    r"(?<![0-9])(?P<num>[0-9]{1,3}) ?(?:살|세)",
]
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
_GRADES = regex.compile(
    rf"\b(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<w>{'|'.join(_ORDINALS)})) ?grade(?:rs?)?\b"
    r"|\bgrade ?(?P<g>\d{1,2})(?![0-9.])"
)
# UK school years: "year 7 student", "in year 9" (year N holds children aged N+4 to N+5).
_SCHOOL_YEAR = regex.compile(
    r"\b(?:year|yr) ?(?P<y>\d{1,2})(?= (?:student|pupil|girl|boy|kid|child|class|schoolgirl|schoolboy)s?\b)"
    r"|\bin (?:year|yr) (?P<z>\d{1,2})(?![0-9.])"
)
PUBERTY_AGE = 11
_PUBERTY = regex.compile(
    r"\b(?:before|pre|prior to|yet to (?:hit|reach|start|go through|begin)"
    r"|(?:has|have|had|did|does|is|was)(?:n'?t| not)(?: yet| even)? (?:hit|reached|reach|started|start|gone through"
    r"|go through|begun|begin|in|entered)|not (?:yet )?(?:hit|reached|through|in))(?: her| his| their)? puberty\b"
)
# A number standing alone as a tag ("girl, 12, nude"): an age when the tag before or after it
# names a person; or a number right after a person word ("girl 13,", "girl (13)").
# Both on stdlib ``re`` with ASCII classes (the views are ASCII, which ``regex`` reads alike):
# with no single literal to scan for, ``regex`` ran them ~1.6x slower.
_BARE_TAG = re.compile(r"(?:^|[,;\n])\s*(?P<num>\d{1,2})\s*(?=[,;\n]|$)", re.ASCII)
_TAG = regex.compile(r"[^,;\n]*")
_PERSON_WORDS = (
    r"\d?girls?|\d?boys?|kids?|child|children|teens?|woman|women|man|men|lady|student|model|youngster"
    r"|daughter|son|niece|nephew|loli|shota|she|he|her|him|gravure|idol|person|female|male"
)
_PERSON = regex.compile(rf"\b(?:{_PERSON_WORDS})\b")
_PERSON_NUMBER = re.compile(rf"\b(?:{_PERSON_WORDS}),? (?P<num>\d{{1,2}})(?!\.\d)(?=\s*(?:[,;.)\n]|$))", re.ASCII)
_BORN = regex.compile(r"\bborn (?:in |on |around )?(?:[a-z]+ )?(?:\d{1,2},? )?(?P<year>(?:19|20)\d\d)\b")


@dataclass(frozen=True, slots=True)
class AgeCue:
    """An age read from text: ``kind`` is age, grade or born; ``term`` is safe to show."""

    kind: str
    value: int
    term: str

    @property
    def minor(self) -> bool:
        return self.value < ADULT_AGE


class AgeReader:
    """Finds ages; built once from the number-word table."""

    def __init__(self, numbers_path: Path) -> None:
        self.numbers = _load_numbers(numbers_path)
        self._latin = [regex.compile(p) for p in _LATIN_PATTERNS]
        self._gates = {self._latin[-1]: _AGE_WORD_GATE}
        self._native = [regex.compile(p) for p in _NATIVE_PATTERNS]
        # A model id is one of a few checkpoints, its normalised views shared by every prompt
        # run on it (``normalize`` caches them): its ages are read once, not once per prompt.
        self._cached = lru_cache(maxsize=256)(self._find)

    def find(self, text: Normalized, reference_year: int) -> list[AgeCue]:
        """Every age, grade and birth year in the plain and leet views of ``text``, deduplicated."""
        return list(self._cached(text, reference_year))

    def _find(self, text: Normalized, reference_year: int) -> tuple[AgeCue, ...]:
        cues: dict[tuple[str, int], AgeCue] = {}
        # Leet views too ("67h 9rade"): pure numbers are never rewritten there, so ages survive.
        for view in text.plain + text.leet:
            for cue in self._latin_cues(view, reference_year):
                cues.setdefault((cue.kind, cue.value), cue)
        if not text.native.isascii():
            for pattern in self._native:
                for m in pattern.finditer(text.native):
                    value = self._value(m.group("num"))
                    if value is not None and 0 < value <= MAX_AGE:
                        cues.setdefault(("age", value), AgeCue("age", value, str(value)))
        return tuple(cues.values())

    def _latin_cues(self, view: str, reference_year: int) -> list[AgeCue]:
        out: list[AgeCue] = []
        for pattern in self._latin:
            gate = self._gates.get(pattern)
            if gate is not None and gate.search(view) is None:
                continue
            for m in pattern.finditer(view):
                value = self._value(m.group("num"))
                if value is not None and 0 < value <= MAX_AGE:
                    out.append(AgeCue("age", value, str(value)))
        # (Substring tests first: every alternative of these patterns holds the word.)
        for m in _GRADES.finditer(view) if "grade" in view else ():
            grade = int(m.group("n") or m.group("g") or 0) or _ORDINALS.get(m.group("w") or "", 0)
            if 0 < grade <= 12:
                out.append(AgeCue("grade", grade + 5, f"grade {grade}"))
        for m in _SCHOOL_YEAR.finditer(view) if "year" in view or "yr" in view else ():
            year = int(m.group("y") or m.group("z"))
            if 0 < year <= 13:
                out.append(AgeCue("grade", year + 4, f"year {year}"))
        if "puberty" in view and _PUBERTY.search(view):
            out.append(AgeCue("puberty", PUBERTY_AGE, "before puberty"))
        for m in _BARE_TAG.finditer(view):
            value = int(m.group("num"))
            if 0 < value <= MAX_AGE and _tag_names_person(view, m.start(), m.end()):
                out.append(AgeCue("age", value, str(value)))
        for m in _PERSON_NUMBER.finditer(view):
            out.append(AgeCue("age", int(m.group("num")), m.group("num")))
        for m in _BORN.finditer(view):
            age = reference_year - int(m.group("year"))
            if 0 <= age <= MAX_AGE:
                out.append(AgeCue("born", age, f"born {m.group('year')}"))
        return out

    def _value(self, num: str) -> int | None:
        """Digits, a number word, a compound ("twenty one") or a phrase ending in one."""
        if num.isdigit():
            return int(num)
        if num in self.numbers:
            return self.numbers[num]
        words = num.split(" ")
        if len(words) == 2 and all(w in self.numbers for w in words):
            tens, unit = self.numbers[words[0]], self.numbers[words[1]]
            if tens >= 20 and tens % 10 == 0 and unit < 10:
                return tens + unit
        return self.numbers.get(words[-1])


def _tag_names_person(view: str, start: int, end: int) -> bool:
    """Whether the comma-separated tag just before ``start`` or just after ``end`` names a person."""
    before = view[max(0, start - 80) : start]
    after = view[end + 1 : end + 81] if end < len(view) else ""
    last = before.rsplit(",", 1)[-1] if before else ""
    following = _TAG.match(after)
    return bool(_PERSON.search(last) or (following and _PERSON.search(following.group())))


def _load_numbers(path: Path) -> dict[str, int]:
    numbers: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(path, 0, f"cannot read ({type(exc).__name__})") from exc
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        word, sep, value = line.partition("\t")
        if not sep or not value.strip().isdigit() or not word.strip():
            raise LexiconError(path, lineno, "expected 'word<TAB>number'")
        key = fold(word) if word.isascii() else word.strip()
        if key in numbers:
            raise LexiconError(path, lineno, f"duplicate number word {key!r}")
        numbers[key] = int(value)
    return numbers
