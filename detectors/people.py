"""rules.real_person: a real person named or cued in a prompt, and sexual content about them.

``real_person`` is context only: naming a celebrity is allowed. ``sexual/real_person`` is the
violation: a listed or protected person, an unknown name with a real-person cue, or a private
cue ("my neighbour", "undress her") together with sexual content.

    >>> detector = RealPersonDetector()
    >>> detector.score(PromptInput(request_id="r1", prompt="Taylor Swift on stage")).scores
    {<Category.REAL_PERSON: 'real_person'>: 0.9}
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import regex

from detectors.base import Category, DetectorResult, Evidence, Field_, PromptInput
from detectors.lexicon import LEXICON_DIR, load_lexicon
from detectors.normalize import LEET_AMBIGUOUS, MAX_FIELD_CHARS, normalize
from detectors.people_cues import Cue, CueKind, find_cues
from detectors.people_lexicon import IL_AS_ONE, LEXICONS, Match, PeopleIndex, Token, TokenView, load_words
from detectors.people_names import NameFinder, NameHit
from detectors.syntax import parse

__all__ = ["BLOCK", "REVIEW", "RealPersonDetector", "SexualLevel"]

#: Score levels; policy owns the thresholds, these sit clearly on either side of them.
BLOCK, REVIEW = 0.95, 0.7
MAX_EVIDENCE = 16
#: The fuzzy pass looks at this many tokens of a prompt; exact matching reads the whole field.
MAX_FUZZY_TOKENS = 400
_ASCII_WORD = regex.compile(r"[a-z0-9]+")

#: How sexual a text is, from the sexual lexicon's sections (or an injected function).
SexualLevel = int  # 0 none, 1 sexualised ("lingerie", "sexy"), 2 explicit
SexualTerms = Callable[[str], SexualLevel]


@dataclass(frozen=True, slots=True)
class _Signal:
    """One reason to think a real person is in the prompt, with its two candidate scores."""

    term: str
    field: Field_
    start: int | None
    end: int | None
    real: float  # real_person score
    sexual_explicit: float  # sexual/real_person score when the prompt is explicit
    sexual_mild: float  # ... when it is only sexualised


class RealPersonDetector:
    """Public figures, protected persons, unknown names and private cues, scored with sex.

    ``public_path``/``protected_path`` are people TSVs (``canonical<TAB>alias|alias``);
    ``sexual`` maps a text to a ``SexualLevel`` (default: the shared sexual lexicon).
    """

    name = "rules.real_person"

    def __init__(
        self,
        public_path: Path | None = None,
        protected_path: Path | None = None,
        lexicons: Path = LEXICONS,
        sexual: SexualTerms | None = None,
    ) -> None:
        self.names = NameFinder(lexicons)
        self.index = PeopleIndex.load(
            [public_path or lexicons / "people_public.tsv"],
            [protected_path] if protected_path else [],
            ambiguous=self.names.ambiguous | self.names.common,
        )
        self.sexual = sexual or _lexicon_sexual_level()
        lists = "+".join(f"{name.split('.')[0]}-{v}" for name, v in self.index.versions.items())
        self.version = f"1.0.0+{lists}"

    def score(self, item: PromptInput) -> DetectorResult:
        prompt = item.prompt[:MAX_FIELD_CHARS]
        parsed = parse(prompt)
        cues = find_cues(prompt)
        view = TokenView.of_text(prompt)
        signals = self._listed(view, parsed.text)
        signals += self._networks([*parsed.networks, *item.lora_ids], "lora")
        signals += self._networks(list(item.embedding_ids), "embedding")
        covered = {range(s.start, s.end) for s in signals if s.start is not None}
        signals += self._unknown(prompt, view.tokens, covered, cues)
        signals += [self._cue(c) for c in cues if c.kind is not CueKind.STRONG]
        level = max(self.sexual(parsed.text), self.sexual(" ".join([*parsed.networks, *item.lora_ids])))
        if any(c.kind is CueKind.UNDRESS for c in cues):
            level = 2  # "undress her", "nudify" are sexual requests in themselves
        return self._result(signals, level, [c for c in cues if c.minor_risk])

    # -- people on the lists ------------------------------------------------------------------

    def _listed(self, view: TokenView, parsed: str) -> list[_Signal]:
        found = {m.alias.person: m for m in self.index.exact(view)}
        for secondary, leet in _secondary_views(parsed, view.key):
            for m in self.index.exact(secondary, leet):
                found.setdefault(m.alias.person, Match(m.alias, -1, -1))
        skip = {i for m in found.values() if m.first >= 0 for i in range(m.first, m.last + 1)}
        for m in self.index.fuzzy(view, skip, self.names.plausible_name, MAX_FUZZY_TOKENS):
            found.setdefault(m.alias.person, m)
        return [self._person(m, view.tokens) for m in found.values()]

    def _person(self, m: Match, tokens: list[Token], field: Field_ = "prompt") -> _Signal:
        person = self.index.people[m.alias.person]
        start, end = (tokens[m.first].start, tokens[m.last].end) if m.first >= 0 else (None, None)
        term = _protected_term(person.canonical) if person.protected else person.canonical
        if person.protected:
            return _Signal(term, field, start, end, 0.9, 1.0, 1.0)
        if m.alias.ambiguous:  # "Madonna", "Drake": the word may mean something else
            return _Signal(term, field, start, end, 0.5, REVIEW, 0.5)
        if m.edits:
            return _Signal(term, field, start, end, 0.8, BLOCK, REVIEW)
        return _Signal(term, field, start, end, 0.9, 1.0, 0.8)

    def _networks(self, names: Iterable[str], field: Field_) -> list[_Signal]:
        """LoRA and embedding names ("taylor_swift_v2"): exact, unambiguous aliases only."""
        out = []
        for name in names:
            view = TokenView.of_text(name[:200])
            for m in self.index.exact(view):
                if not m.alias.ambiguous:
                    out.append(self._person(Match(m.alias, -1, -1), view.tokens, field))
        return out

    # -- people not on any list ---------------------------------------------------------------

    def _unknown(self, prompt: str, tokens: list[Token], covered: set[range], cues: list[Cue]) -> list[_Signal]:
        skip = {i for i, t in enumerate(tokens) if any(t.start in r for r in covered)}
        strong = any(c.kind is not CueKind.UNDRESS for c in cues)  # "real", "photo of", "my ..."
        out = []
        for hit in self.names.find(prompt, tokens, skip):
            out.append(self._name(hit, strong))
        return out

    def _name(self, hit: NameHit, strong: bool) -> _Signal:
        if hit.kind == "handle":
            listed = self.index.by_key.get(_handle_key(hit.term))
            if listed and not listed[0].ambiguous:
                return replace(self._person(Match(listed[0], -1, -1), []), start=hit.start, end=hit.end)
            return _Signal(hit.term, "prompt", hit.start, hit.end, 0.6, BLOCK if strong else 0.8, REVIEW)
        sure = strong or hit.kind == "photo_of"
        return _Signal(hit.term, "prompt", hit.start, hit.end, 0.5, BLOCK if sure else 0.6, REVIEW if sure else 0.5)

    @staticmethod
    def _cue(cue: Cue) -> _Signal:
        if cue.kind is CueKind.PRIVATE:
            return _Signal(cue.term, "prompt", cue.start, cue.end, 0.8, BLOCK, BLOCK)
        return _Signal(cue.term, "prompt", cue.start, cue.end, 0.8, 1.0, 1.0)  # tool, undress

    # -- result -------------------------------------------------------------------------------

    def _result(self, signals: list[_Signal], level: SexualLevel, minor_cues: list[Cue]) -> DetectorResult:
        scores: dict[Category, float] = {}
        evidence: list[Evidence] = []
        seen: set[str] = set()
        for s in sorted(signals, key=lambda s: (-s.sexual_explicit, -s.real)):
            if s.term in seen:  # one person found several ways (text, LoRA, handle, fuzzy)
                continue
            seen.add(s.term)
            sexual = s.sexual_explicit if level >= 2 else s.sexual_mild if level == 1 else 0.0
            scores[Category.REAL_PERSON] = max(scores.get(Category.REAL_PERSON, 0.0), s.real)
            category = Category.REAL_PERSON
            if sexual > 0:
                category = Category.SEXUAL_REAL_PERSON
                scores[category] = max(scores.get(category, 0.0), sexual)
            evidence.append(Evidence.of(self.name, category, s.term, field=s.field, start=s.start, end=s.end))
        for c in minor_cues:
            scores[Category.MINORS] = max(scores.get(Category.MINORS, 0.0), 0.5)
            evidence.append(Evidence.of(self.name, Category.MINORS, c.term, start=c.start, end=c.end))
        return DetectorResult(
            detector=self.name, version=self.version, scores=scores, evidence=tuple(evidence[:MAX_EVIDENCE])
        )


def _secondary_views(parsed: str, primary: str) -> list[tuple[TokenView, bool]]:
    """The shared normaliser's Latin views (confusables, joined letters, leet) as token views;
    views that add nothing to the ``primary`` key are skipped before any token is built."""
    out, seen = [], {primary}
    for view in normalize(parsed).latin:
        leet = LEET_AMBIGUOUS in view
        key = "".join(_ASCII_WORD.findall(view))
        key = key.translate(IL_AS_ONE) if leet else key
        if key in seen:
            continue
        seen.add(key)
        words = [
            Token(m.start(), m.end(), m.group(), m.group().translate(IL_AS_ONE) if leet else m.group(), False)
            for m in _ASCII_WORD.finditer(view)
        ]
        out.append((TokenView(words), leet))
    return out


def _handle_key(handle: str) -> str:
    """"@TaylorSwift13" -> "taylorswift": handles carry digits and separators around a name."""
    return regex.sub(r"[^a-z]", "", handle.lower().removeprefix("@").rstrip("0123456789_."))


def _protected_term(canonical: str) -> str:
    """Protected people asked not to be exposed: evidence names them by a stable digest."""
    return "protected:" + hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _lexicon_sexual_level() -> SexualTerms:
    # Shim until detectors/sexual.py exposes its function: the shared sexual lexicon directly.
    lexicon = load_lexicon(LEXICON_DIR / "sexual.txt", frozenset({"explicit", "sexualised", "suggestive"}))

    def level(text: str) -> SexualLevel:
        sections = {m.section for m in lexicon.find(normalize(text))} if text.strip() else set()
        return 2 if "explicit" in sections else 1 if "sexualised" in sections else 0

    return level
