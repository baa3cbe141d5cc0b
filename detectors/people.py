"""rules.real_person: a real person named or cued in a prompt, and sexual content about them.

``real_person`` is context only: naming a celebrity is allowed. ``sexual/real_person`` is the
violation: a listed or protected person, an unlisted name with a real-person cue, or a private
cue ("my neighbour", "undress her") together with sexual content (``detectors.sexual``).

Evidence terms are list words only: a listed person's canonical name, a protected person's
digest, a cue's label ("my neighbour", "deepfake"), "unlisted full name"; never prompt text.
Spans index the raw prompt where the match was made on it, and are ``None`` for matches made
in a normalised view or a LoRA name.

    >>> detector = RealPersonDetector()
    >>> detector.score(PromptInput(request_id="r1", prompt="Taylor Swift on stage")).scores
    {<Category.REAL_PERSON: 'real_person'>: 0.9}
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import regex

from detectors.base import Category, DetectorResult, Evidence, Field_, PromptInput
from detectors.normalize import LEET_AMBIGUOUS, MAX_FIELD_CHARS, Normalized
from detectors.people_cues import Cue, CueKind, find_cues
from detectors.people_lexicon import LEXICONS, Alias, Match, PeopleIndex
from detectors.people_names import NameFinder, NameHit
from detectors.people_tokens import IL_AS_ONE, Token, TokenView, fold_word, tokenize
from detectors.prepared import PreparedPrompt, prepare
from detectors.sexual import sexual_matches

__all__ = ["BLOCK", "CODE_VERSION", "REVIEW", "RealPersonDetector", "SexualLevel"]

CODE_VERSION = "2026.11.1"
#: Scores this detector emits for sexual/real_person: over policy's block threshold (0.8) and
#: inside its review band [0.5, 0.8).
BLOCK, REVIEW = 0.95, 0.7
MAX_EVIDENCE = 16
#: The fuzzy pass reads this many tokens of a prompt; exact matching reads the whole field.
MAX_FUZZY_TOKENS = 400
_ASCII_WORD = regex.compile(r"[a-z0-9]+")
_NAME_TERMS = {
    "pair": "unlisted full name",
    "initial": "unlisted full name",
    "title": "unlisted titled name",
    "photo_of": "unlisted given name",
}
# An alias in capitals ("AOC", "IU") written exactly so is an acronym of the person, not the
# everyday word it also spells.
_ACRONYM = regex.compile(r"[A-Z][A-Z0-9]{2,7}")

#: How sexual a prompt is: 0 none (or only suggestive), 1 sexualised ("lingerie"), 2 explicit.
SexualLevel = int


@dataclass(frozen=True, slots=True)
class _Signal:
    """One reason to think a real person is in the prompt, and what it scores."""

    term: str
    kind: str
    field: Field_
    start: int | None
    end: int | None
    real: float  # real_person
    explicit: float  # sexual/real_person when the prompt is explicit
    mild: float  # ... when it is only sexualised


class RealPersonDetector:
    """Public figures, protected persons, unlisted names and private cues, with sexual content.

    ``public_path``/``protected_path``: people TSVs (``canonical<TAB>alias|alias``);
    ``lexicons``: the folder with the word lists; ``sexual``: prompt -> ``SexualLevel``
    (default: the shared sexual lexicon over the prompt and its LoRAs, never the negative).
    """

    name = "rules.real_person"

    def __init__(
        self,
        public_path: Path | None = None,
        protected_path: Path | None = None,
        lexicons: Path = LEXICONS,
        sexual: Callable[[PreparedPrompt], SexualLevel] | None = None,
    ) -> None:
        self.names = NameFinder(lexicons)
        self.index = PeopleIndex.load(
            [public_path or lexicons / "people_public.tsv"],
            [protected_path] if protected_path else [],
            ambiguous=self.names.ambiguous | self.names.common,
            surname_skip=self.names.ambiguous | self.names.common | self.names.given | self.names.surnames,
        )
        self.sexual = sexual or _sexual_level
        self._initials = _initials_index(self.index)
        lists = "+".join(f"{name.split('.')[0]}.{v}" for name, v in self.index.versions.items())
        self.version = f"{CODE_VERSION}+{lists}+words.{self.names.digest}"

    def score(self, item: PromptInput) -> DetectorResult:
        prepared = prepare(item)
        prompt = item.prompt[:MAX_FIELD_CHARS]
        cues = _all_cues(prompt, prepared.prompt)
        kinds = {c.kind for c in cues}
        strong = bool(kinds - {CueKind.UNDRESS, CueKind.FICTION})  # "photo of", "real", "my ..."
        view = TokenView.of_text(prompt)
        signals = self._listed(prompt, view, prepared.prompt, strong)
        signals += self._networks(prepared)
        covered = [(s.start, s.end) for s in signals if s.start is not None and s.end is not None]
        # "Hinata Hyuga, anime": an unlisted name among fiction words is likely a character.
        signals += self._unlisted(prompt, view.tokens, covered, strong and CueKind.FICTION not in kinds)
        signals += [_cue_signal(c) for c in cues if c.kind in _CUE_SIGNALS]
        level = 2 if any(c.kind is CueKind.UNDRESS for c in cues) else self.sexual(prepared)
        return self._result(signals, level, [c for c in cues if c.minor_risk])

    # -- people on the lists ------------------------------------------------------------------

    def _listed(self, prompt: str, view: TokenView, norm: Normalized, strong: bool) -> list[_Signal]:
        found: dict[int, Match] = {}
        others: set[int] = set()  # people whose name, here, is part of someone else's
        for m in self.index.exact(view):
            if m.alias.tokens == 1 and self._inside_other_name(view, m):
                others.add(m.alias.person)  # "Shakira Dean", "Miriam Drake": another person
                continue
            if (
                m.alias.person not in found
                or m.last - m.first > found[m.alias.person].last - found[m.alias.person].first
            ):
                found[m.alias.person] = m
        # "Barack Obama": "Obama" alone (Michelle's surname alias) lies inside another match.
        spans = [(m.first, m.last) for m in found.values() if m.last > m.first]
        for person, m in list(found.items()):
            if m.last == m.first and any(a <= m.first and m.last <= b for a, b in spans):
                del found[person]
                others.add(person)
        for secondary, leet in _secondary_views(norm, view.key):
            for m in self.index.exact(secondary, leet):
                if m.alias.person not in others:
                    found.setdefault(m.alias.person, Match(m.alias, -1, -1))
        skip = {i for m in found.values() if m.first >= 0 for i in range(m.first, m.last + 1)}
        for m in self.index.fuzzy(view, skip, self.names.is_everyday, self.names.plausible_name, MAX_FUZZY_TOKENS):
            found.setdefault(m.alias.person, m)
        out = []
        for m in found.values():
            # An everyday word written exactly as the name ("AOC", "Madonna") next to a cue
            # such as "photo of" is the person; written otherwise, or with no cue, maybe not.
            span = (view.tokens[m.first].start, view.tokens[m.last].end) if m.first >= 0 else None
            written = span is not None and prompt[span[0] : span[1]] == m.alias.text
            acronym = written and _ACRONYM.fullmatch(m.alias.text) is not None
            out.append(self._person(m, span, "prompt", sure=(strong or acronym) and written))
        return out

    def _inside_other_name(self, view: TokenView, m: Match) -> bool:
        """A one-word name joined to a given name or surname: part of another person's name."""
        for j, joined in ((m.first - 1, m.first > 0 and view.joined[m.first - 1]), (m.last + 1, view.joined[m.last])):
            if not joined or j >= len(view.tokens) or view.tokens[j].cjk:
                continue
            word, raw = view.tokens[j].fold, view.tokens[j].raw
            # An everyday word ("Dean", "Moss") counts only capitalised in mid-sentence style.
            if (word in self.names.given or word in self.names.surnames) and (
                not self.names.is_everyday(word) or (raw[:1].isupper() and not raw.isupper())
            ):
                return True
        return False

    def _person(self, m: Match, span: tuple[int, int] | None, field: Field_, sure: bool = False) -> _Signal:
        person = self.index.people[m.alias.person]
        start, end = span or (None, None)
        if person.protected:
            return _Signal(_protected_term(person.canonical), "protected", field, start, end, 0.9, 1.0, 1.0)
        if m.alias.ambiguous:  # "Madonna", "Drake": the word may mean something else
            high = BLOCK if sure else REVIEW
            return _Signal(person.canonical, "ambiguous name", field, start, end, 0.5, high, BLOCK if sure else 0.5)
        if m.edits:
            return _Signal(person.canonical, "misspelt name", field, start, end, 0.8, BLOCK, BLOCK)
        return _Signal(person.canonical, "public figure", field, start, end, 0.9, 1.0, BLOCK)

    def _networks(self, prepared: PreparedPrompt) -> list[_Signal]:
        """LoRA and embedding names ("taylor_swift_v2"): exact, unambiguous aliases only."""
        out = []
        for network in prepared.networks:
            for m in self.index.exact(TokenView.of_text(network.text.native)):
                if not m.alias.ambiguous:
                    out.append(self._person(Match(m.alias, -1, -1), None, network.field))
        return out

    # -- people on no list --------------------------------------------------------------------

    def _unlisted(
        self, prompt: str, tokens: list[Token], covered: list[tuple[int, int]], strong: bool
    ) -> list[_Signal]:
        skip = {i for i, t in enumerate(tokens) if any(a <= t.start < b for a, b in covered)}
        return [self._name(hit, strong) for hit in self.names.find(prompt, tokens, skip)]

    def _name(self, hit: NameHit, strong: bool) -> _Signal:
        if hit.kind == "handle":
            listed = self.index.by_key.get(_handle_key(hit.term))
            if listed and not listed[0].ambiguous:
                return self._person(Match(listed[0], -1, -1), (hit.start, hit.end), "prompt")
            high = BLOCK if strong else REVIEW
            return _Signal("social handle", "name", "prompt", hit.start, hit.end, 0.6, high, high)
        if hit.kind == "initial":  # "Ariana G.": a listed person with that given name and initial
            listed = self._initials.get(_initial_key(hit.term))
            if listed is not None:
                return self._person(Match(listed, -1, -1, edits=1), (hit.start, hit.end), "prompt")
        term = _NAME_TERMS[hit.kind]
        if strong or hit.kind == "photo_of":  # (photo_of: "photo of" right before the name)
            return _Signal(term, "name", "prompt", hit.start, hit.end, 0.5, BLOCK, BLOCK)
        return _Signal(term, "name", "prompt", hit.start, hit.end, 0.5, 0.6, 0.5)

    # -- result -------------------------------------------------------------------------------

    def _result(self, signals: list[_Signal], level: SexualLevel, minor_cues: list[Cue]) -> DetectorResult:
        scores: dict[Category, float] = {}
        evidence: list[Evidence] = []
        seen: set[tuple[str, int | None]] = set()
        for s in sorted(signals, key=lambda s: (-s.explicit, -s.real)):
            # One person found several ways (text, LoRA, handle, fuzzy) is one piece of evidence.
            key = (s.term, s.start if s.kind == "name" else None)
            if key in seen:
                continue
            seen.add(key)
            sexual = s.explicit if level >= 2 else s.mild if level == 1 else 0.0
            scores[Category.REAL_PERSON] = max(scores.get(Category.REAL_PERSON, 0.0), s.real)
            category = Category.SEXUAL_REAL_PERSON if sexual > 0 else Category.REAL_PERSON
            if sexual > 0:
                scores[category] = max(scores.get(category, 0.0), sexual)
            evidence.append(
                Evidence.of(self.name, category, s.term, kind=s.kind, field=s.field, start=s.start, end=s.end)
            )
        for c in minor_cues:
            scores[Category.MINORS] = max(scores.get(Category.MINORS, 0.0), 0.5)
            evidence.append(
                Evidence.of(self.name, Category.MINORS, c.term, kind="minor relation", start=c.start, end=c.end)
            )
        return DetectorResult(
            detector=self.name, version=self.version, scores=scores, evidence=tuple(evidence[:MAX_EVIDENCE])
        )


_CUE_SIGNALS = frozenset({CueKind.PRIVATE, CueKind.TOOL, CueKind.UNDRESS})


def _cue_signal(cue: Cue) -> _Signal:
    if cue.kind is CueKind.PRIVATE:
        return _Signal(cue.term, "private cue", "prompt", cue.start, cue.end, 0.8, BLOCK, BLOCK)
    return _Signal(cue.term, f"{cue.kind} cue", "prompt", cue.start, cue.end, 0.8, 1.0, 1.0)  # tool, undress


def _sexual_level(prepared: PreparedPrompt) -> SexualLevel:
    sections = {m.section for _, m in sexual_matches(prepared)}
    return 2 if "explicit" in sections else 1 if "sexualised" in sections else 0


def _all_cues(prompt: str, norm: Normalized) -> list[Cue]:
    """Cues in the prompt as written (with spans) and in the shared normaliser's Latin views
    (``d33pfak3``, ``x-rаy`` with a Cyrillic a; no spans), each (kind, term) once."""
    cues = find_cues(prompt)
    seen = {(c.kind, c.term) for c in cues}
    lower = " ".join(prompt.lower().replace("_", " ").replace("-", " ").split())
    for view in norm.latin:
        if view == lower:
            continue
        for cue in find_cues(view):
            if (cue.kind, cue.term) not in seen:
                seen.add((cue.kind, cue.term))
                cues.append(replace(cue, start=None, end=None))
    return cues


def _secondary_views(norm: Normalized, primary: str) -> list[tuple[TokenView, bool]]:
    """The shared normaliser's Latin views (confusables, joined letters, leet) as token views;
    a view whose key adds nothing to the ``primary`` key is skipped."""
    out, seen = [], {primary}
    for view in norm.latin:
        leet = LEET_AMBIGUOUS in view
        words = _ASCII_WORD.findall(view.translate(IL_AS_ONE) if leet else view)
        key = "".join(words)
        if key not in seen:
            seen.add(key)
            out.append((TokenView.of_folds(words), leet))
    return out


def _initial_key(name: str) -> tuple[str, str]:
    """ "Ariana G." -> ("ariana", "g"): a given name and a surname's first letter."""
    words = [fold_word(w) for w in name.split()]
    words = [w for w in words if w]
    return (words[0], words[-1][:1]) if len(words) >= 2 else ("", "")


def _initials_index(index: PeopleIndex) -> dict[tuple[str, str], Alias]:
    """(given name, surname initial) -> the listed two-or-three-word alias it abbreviates; keys
    that fit several listed people are kept too (any of them is a real person)."""
    out: dict[tuple[str, str], Alias] = {}
    for alias in index.aliases:
        if alias.cjk or alias.tokens < 2 or index.people[alias.person].protected:
            continue
        words = [t.fold for t in tokenize(alias.text)]
        if len(words) >= 2 and len(words[0]) >= 3:
            out.setdefault((words[0], words[-1][:1]), alias)
    return out


def _handle_key(handle: str) -> str:
    """ "@TaylorSwift13" -> "taylorswift": handles carry digits and separators around a name."""
    return regex.sub(r"[^a-z]", "", handle.lower().removeprefix("@").rstrip("0123456789_."))


def _protected_term(canonical: str) -> str:
    """People who asked for protection are not named in verdicts: a stable digest instead."""
    return "protected:" + hashlib.sha256(canonical.encode()).hexdigest()[:12]
