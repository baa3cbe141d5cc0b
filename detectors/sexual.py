"""rules.sexual: sexual content in the prompt and the LoRAs/embeddings it runs with.

``find_sexual_terms(text)`` is the shared signal: rules.minors and the real-person detector
(``detectors/people.py``) combine it with their own cues. Sections and what they weigh:

* ``explicit`` (nudity, sex acts, porn vocabulary): ``sexual/adult`` 0.95.
* ``sexualised`` (lingerie, "sexy"): 0.45, or 0.6 for two or more different terms.
* ``suggestive`` (bikini, underwear): 0.2; it only matters next to a strong minor cue.
* ``attire`` (swimsuits, shirtless, a bath): 0.2; everyday in family photos, it stays under
  policy's review band even next to a strong minor cue (``detectors.minors``).

Misspellings one edit from an English term of 5+ letters ("nakked", "toplees") count like the
term (``detectors.fuzzy``), unless the token is an everyday word or a name.

The negative prompt is never read here: naming sexual content there excludes it.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from detectors.base import Category, DetectorResult, Evidence, Field_, PromptInput
from detectors.fuzzy import FuzzyTerms
from detectors.lexicon import LEXICON_DIR, Lexicon, Match, load_lexicon
from detectors.normalize import Normalized, ensure_ready, normalize
from detectors.prepared import PreparedPrompt, prepare

__all__ = ["SEXUAL_SECTIONS", "SEXUAL_WEIGHT", "SexualContentDetector", "find_sexual_terms", "sexual_matches"]

#: How strongly each section signals sexual content, for combining with other cues.
SEXUAL_WEIGHT = {"explicit": 1.0, "sexualised": 0.8, "suggestive": 0.55, "attire": 0.4}
#: Sections whose English words are also matched one edit away.
FUZZY_SECTIONS = ("explicit", "sexualised")
SEXUAL_SECTIONS = frozenset(SEXUAL_WEIGHT)
MAX_EVIDENCE = 8
CODE_VERSION = "2026.11.1"


@cache
def default_sexual_lexicon(path: Path = LEXICON_DIR / "sexual.txt") -> Lexicon:
    """The shipped sexual lexicon, loaded once per process."""
    return load_lexicon(path, SEXUAL_SECTIONS)


@cache
def default_fuzzy() -> FuzzyTerms:
    """Near-misses of the shipped lexicon's English terms, built once per process."""
    return FuzzyTerms.for_lexicon(default_sexual_lexicon(), FUZZY_SECTIONS)


@lru_cache(maxsize=256)
def _default_terms(views: Normalized) -> tuple[Match, ...]:
    found = {(m.term, m.section): m for m in default_sexual_lexicon().find(views)}
    for m in default_fuzzy().find(views):
        found.setdefault((m.term, m.section), m)
    return tuple(found.values())


def find_sexual_terms(text: str | Normalized, lexicon: Lexicon | None = None) -> list[Match]:
    """Sexual terms in ``text`` (raw or already normalised), strongest section first; with the
    shipped lexicon, one-edit misspellings of its English terms too.

    >>> [(m.term, m.section) for m in find_sexual_terms("n.u.d.e, nude lipstick")]
    [('nude', 'explicit')]
    """
    views = normalize(text) if isinstance(text, str) else text
    if lexicon is None or lexicon is default_sexual_lexicon():
        found: tuple[Match, ...] = _default_terms(views)
    else:
        found = lexicon.find(views)
    return sorted(found, key=lambda m: -SEXUAL_WEIGHT[m.section])


def sexual_matches(prepared: PreparedPrompt, lexicon: Lexicon | None = None) -> list[tuple[Field_, Match]]:
    """Sexual terms in every positive field of a prepared prompt (not the negative prompt)."""
    return [(f.field, m) for f in prepared.positive() for m in find_sexual_terms(f.text, lexicon)]


def strength(matches: list[tuple[Field_, Match]]) -> float:
    """The strongest section among ``matches`` as a weight in [0, 1] (0 when none)."""
    return max((SEXUAL_WEIGHT[m.section] for _, m in matches), default=0.0)


class SexualContentDetector:
    """Scores ``sexual/adult`` from the sexual lexicon; policy decides what adults may see."""

    name = "rules.sexual"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        ensure_ready()
        self.lexicon = lexicon or default_sexual_lexicon()
        default_fuzzy()  # built now: a bad word list fails at start-up
        self.version = f"{CODE_VERSION}+lex.{self.lexicon.version}"

    def score(self, item: PromptInput) -> DetectorResult:
        matches = sexual_matches(prepare(item), self.lexicon)
        matches.sort(key=lambda fm: -SEXUAL_WEIGHT[fm[1].section])
        value = _adult_score(matches)
        evidence = tuple(
            Evidence.of(self.name, Category.SEXUAL_ADULT, m.term, kind=m.section, field=field, start=m.start, end=m.end)
            for field, m in matches[:MAX_EVIDENCE]
        )
        scores = {Category.SEXUAL_ADULT: value} if value else {}
        return DetectorResult(detector=self.name, version=self.version, scores=scores, evidence=evidence)


def _adult_score(matches: list[tuple[Field_, Match]]) -> float:
    sections = {m.section for _, m in matches}
    if "explicit" in sections:
        return 0.95
    if "sexualised" in sections:
        distinct = {m.term for _, m in matches if m.section == "sexualised"}
        return 0.6 if len(distinct) > 1 else 0.45
    return 0.2 if sections else 0.0
