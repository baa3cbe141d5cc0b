"""rules.minors: minor cues, and minor cues combined with sexual content (``sexual/minors``).

Cues and their strength ``m`` (``minors`` score):

* strong (1.0): a child noun or slang (``lexicons/minors.txt`` [strong]), an age, grade or
  birth year under 18 (``detectors/ages.py``), in the prompt, a LoRA/embedding or the model.
* strong as well: a one-edit misspelling of an English [strong] term ("todler",
  ``detectors.fuzzy``), and a [noun] term used as a noun ("a minor posing", "minor, nude":
  followed by punctuation, a function word, a person or a sexual word); used as an adjective
  ("minor details") it is a weak cue.
* weak (0.5 each, combined ``1 - prod(1 - w)``, at most 0.75, or 0.85 for three or more
  different weak cues: "smol petite flat girl" piles up): [weak] terms ("girl", "petite",
  "school uniform"). An adult cue ([adult] terms, an age of 18 or more) halves the weak part;
  it never touches a strong cue.
* seeking minors (negative prompt): excluding adulthood ("adult", "18+") counts 0.9, or 1.0
  with a weak cue in the prompt; excluding maturity ("mature", "woman") counts as a weak cue
  of 0.6 and age marks ("old", "wrinkles") 0.4. Minor terms in the negative prompt are
  protective and never read.

``sexual/minors = m * s`` where ``s`` is the sexual strength (explicit 1.0, sexualised 0.8,
suggestive 0.55, attire 0.4; ``detectors.sexual``). So a strong cue with explicit or
sexualised content reaches the block band, a weak cue with explicit content the review band,
and a child in a swimsuit (attire) stays allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import regex

from detectors.ages import AgeReader
from detectors.base import Category, DetectorResult, Evidence, Field_, PromptInput
from detectors.fuzzy import FuzzyTerms
from detectors.lexicon import LEXICON_DIR, Lexicon, load_lexicon
from detectors.normalize import Normalized, ensure_ready
from detectors.prepared import PreparedField, PreparedPrompt, prepare
from detectors.sexual import default_sexual_lexicon, sexual_matches, strength

__all__ = ["MinorsDetector"]

CODE_VERSION = "2026.11.2"
STRONG, WEAK, WEAK_CAP = 1.0, 0.5, 0.75
#: Three or more different weak cues ("smol", "petite", "girl") read as more than any two.
MANY_WEAK, MANY_WEAK_CAP = 3, 0.85
SECTIONS = frozenset({"strong", "weak", "noun", "adult"})
# After a [noun] term, words that show it stands as a noun, not an adjective ("minor details").
_NOUN_FOLLOWERS = (
    "in on at with without wearing posing poses who that is was being and or getting gets taking takes "
    "girl girls boy boys child kid female male model models person teen nude naked topless undressed "
    "sexy lewd nsfw porn sex showing"
).split()
NEGATIVE_WEIGHT = {"strong": 0.9, "medium": 0.6, "weak": 0.4}
MAX_EVIDENCE = 8


@dataclass(frozen=True, slots=True)
class _Cue:
    kind: str  # minor, age, grade, born, negative
    term: str
    weight: float
    field: Field_

    @property
    def strong(self) -> bool:
        return self.weight >= 0.9


class MinorsDetector:
    """Scores ``minors`` and ``sexual/minors``; see the module docstring for the arithmetic."""

    name = "rules.minors"

    def __init__(self, lexicon_dir: Path = LEXICON_DIR, sexual: Lexicon | None = None) -> None:
        ensure_ready()
        self.cues = load_lexicon(lexicon_dir / "minors.txt", SECTIONS)
        self.negative = load_lexicon(lexicon_dir / "negative_adult.txt", frozenset(NEGATIVE_WEIGHT))
        self.ages = AgeReader(lexicon_dir / "numbers.tsv")
        self.sexual = sexual or default_sexual_lexicon()
        self.fuzzy = FuzzyTerms.for_lexicon(self.cues, ("strong",), self.sexual)
        # "m1nor": the leet view writes an i or l it cannot tell apart as "1".
        nouns = "|".join(regex.escape(t).replace("i", "[i1]").replace("l", "[l1]") for t in self.cues.sections["noun"])
        followers = "|".join(_NOUN_FOLLOWERS)
        self._noun_use = regex.compile(rf"\b(?:{nouns})\b(?=\s*(?:$|[^\sa-z0-9]|(?:{followers})\b))") if nouns else None
        self.version = f"{CODE_VERSION}+lex.{self.cues.version}"

    def score(self, item: PromptInput) -> DetectorResult:
        prepared = prepare(item)
        cues, adult = self._positive_cues(prepared)
        cues += self._negative_cues(prepared)
        minor = _minor_strength(cues, adult)
        sexual = sexual_matches(prepared, self.sexual)
        combined = round(minor * strength(sexual), 4)
        category = Category.SEXUAL_MINORS if combined else Category.MINORS
        evidence = [
            Evidence.of(self.name, category, c.term, kind=c.kind, field=c.field)
            for c in sorted(cues, key=lambda c: -c.weight)
        ][: MAX_EVIDENCE // 2 if combined else MAX_EVIDENCE]
        if combined:
            evidence += [
                Evidence.of(self.name, category, m.term, kind="sexual", field=f, start=m.start, end=m.end)
                for f, m in sexual[: MAX_EVIDENCE - len(evidence)]
            ]
        scores: dict[Category, float] = {}
        if minor:
            scores[Category.MINORS] = round(minor, 4)
        if combined:
            scores[Category.SEXUAL_MINORS] = combined
        return DetectorResult(detector=self.name, version=self.version, scores=scores, evidence=tuple(evidence))

    def _positive_cues(self, prepared: PreparedPrompt) -> tuple[list[_Cue], bool]:
        cues: list[_Cue] = []
        adult = False
        # The model is read for minor cues only: a checkpoint name says little about one
        # prompt's sexual content, but "loli" in a checkpoint name is a cue like any other.
        fields = [*prepared.positive(), PreparedField("model", prepared.model)]
        for f in fields:
            for m in self.cues.find(f.text):
                if m.section == "adult":
                    adult = True
                else:
                    strong = m.section == "strong" or (m.section == "noun" and self._as_noun(f.text))
                    cues.append(_Cue("minor", m.term, STRONG if strong else WEAK, f.field))
            cues += [_Cue("minor", m.term, STRONG, f.field) for m in self.fuzzy.find(f.text)]
            for age in self.ages.find(f.text, prepared.reference_year):
                if age.minor:
                    cues.append(_Cue(age.kind, age.term, STRONG, f.field))
                else:
                    adult = True
        return cues, adult

    def _as_noun(self, text: Normalized) -> bool:
        """A [noun] term standing as a noun in some Latin view ("a minor posing", "minor,")."""
        return self._noun_use is not None and any(self._noun_use.search(v) for v in text.latin)

    def _negative_cues(self, prepared: PreparedPrompt) -> list[_Cue]:
        return [
            _Cue("negative", m.term, NEGATIVE_WEIGHT[m.section], "negative_prompt")
            for m in self.negative.find(prepared.negative)
        ]


def _minor_strength(cues: list[_Cue], adult: bool) -> float:
    positive_weak = any(not c.strong and c.kind != "negative" for c in cues)
    strong = 0.0
    for c in cues:
        if c.strong and c.kind != "negative":
            strong = STRONG
        elif c.strong:  # adulthood excluded in the negative prompt
            seeking = STRONG if positive_weak else c.weight
            strong = max(strong, seeking * (0.5 if adult else 1.0))
    # Negative-prompt cues do not compound among themselves ("old, wrinkles, aged" is one
    # ordinary beauty negative): the strongest one joins the positive weak cues.
    negative = max((c.weight for c in cues if not c.strong and c.kind == "negative"), default=0.0)
    positive = [c for c in cues if not c.strong and c.kind != "negative"]
    weak = 1.0 - (1.0 - negative) * math.prod(1.0 - c.weight for c in positive)
    distinct = {c.term.removesuffix("s") for c in positive}
    weak = min(weak, MANY_WEAK_CAP if len(distinct) >= MANY_WEAK else WEAK_CAP) * (0.5 if adult else 1.0)
    return max(strong, weak)
