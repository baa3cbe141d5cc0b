"""What to do with an assessment: a versioned, pure policy from scores to a verdict.

Rules, gravest first (the strictest action wins):

* ``sexual/minors`` at or over ``block`` -> block; in the review band -> review.
* ``sexual/real_person`` at or over ``block`` -> block; in the review band -> review.
* ``sexual/adult`` -> allowed when the item allows mature content; otherwise block at or over
  ``block`` and review in the review band.
* any detector failure -> review (fail closed: never allow what was not fully screened);
  a block from another rule still wins.

Reasons name the category, the detector and the matched terms, never the prompt::

    sexual/minors: rules.minors matched age '12' + sexual 'nude'
"""

from __future__ import annotations

import itertools

from pydantic import BaseModel, ConfigDict, Field

from detectors.base import Action, Assessment, Category, DetectorResult, Evidence, PromptInput, Verdict

__all__ = ["Policy", "Thresholds"]

_SEVERITY = {Action.ALLOW: 0, Action.REVIEW: 1, Action.BLOCK: 2}
_MAX_TERMS = 5


class Thresholds(BaseModel):
    """A review band ``[review, block)`` and a block threshold for one category."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    review: float = Field(ge=0.0, le=1.0)
    block: float = Field(ge=0.0, le=1.0)


class Policy(BaseModel):
    """Thresholds per violation category; ``decide`` is pure and versioned."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = "2026.11.1"
    minors: Thresholds = Thresholds(review=0.5, block=0.8)
    real_person: Thresholds = Thresholds(review=0.5, block=0.8)
    adult: Thresholds = Thresholds(review=0.5, block=0.8)

    def decide(self, item: PromptInput, assessment: Assessment) -> Verdict:
        """The verdict for ``item`` given every detector's results and failures.

        >>> Policy().decide(PromptInput(request_id="r", prompt="a cat"), Assessment(request_id="r")).action
        <Action.ALLOW: 'allow'>
        """
        action, categories, reasons = Action.ALLOW, [], []
        rules = [
            (Category.SEXUAL_MINORS, self.minors, False),
            (Category.SEXUAL_REAL_PERSON, self.real_person, False),
            (Category.SEXUAL_ADULT, self.adult, item.mature_content_allowed),
        ]
        scores = assessment.scores
        for category, limits, allowed in rules:
            value = scores.get(category, 0.0)
            verdict = Action.BLOCK if value >= limits.block else Action.REVIEW if value >= limits.review else None
            if verdict is None or allowed:
                continue
            categories.append(category)
            reasons.append(_reason(category, assessment.results, limits.review))
            action = max(action, verdict, key=_SEVERITY.__getitem__)
        for failure in assessment.failures:
            reasons.append(f"fail-closed review: {failure.detector} failed ({failure.error})")
            action = max(action, Action.REVIEW, key=_SEVERITY.__getitem__)
        return Verdict(action=action, categories=tuple(categories), reasons=tuple(reasons), policy_version=self.version)


def _diverse(evidence: list[Evidence]) -> list[str]:
    """Up to ``_MAX_TERMS`` labelled terms, taking each kind in turn so none is crowded out."""
    by_kind: dict[str, list[str]] = {}
    for e in evidence:
        label = f"{e.kind or 'term'} '{e.term}'"
        if label not in by_kind.setdefault(e.kind, []):
            by_kind[e.kind].append(label)
    rounds = itertools.zip_longest(*by_kind.values())
    return [label for batch in rounds for label in batch if label][:_MAX_TERMS]


def _reason(category: Category, results: tuple[DetectorResult, ...], floor: float) -> str:
    """``"<category>: <detector> matched <kind> '<term>' + ..."`` for each detector over ``floor``."""
    parts = []
    for result in results:
        value = result.scores.get(category, 0.0)
        if value < floor:
            continue
        terms = _diverse([e for e in result.evidence if e.category == category])
        if terms:
            parts.append(f"{result.detector} matched " + " + ".join(terms))
        else:
            parts.append(f"{result.detector} scored {value:.2f}")
    return f"{category}: " + "; ".join(parts)
