"""Image policy: a pure function of an image assessment and its request's context.

Rules, first block wins (all of them are collected into reasons):

1. known-bad hash match                      -> block; hotline unless the bank label is ``ncii``
2. apparent minor and nudity                 -> block + hotline          (``sexual/minors``)
3. protected / registered person and nudity  -> block                    (``sexual/real_person``)
4. nudity with mature content off            -> block                    (``sexual/adult``)
5. nudity from a prompt the text detectors found free of sexual content
                                             -> block + evasion signal   (``sexual/adult``)
6. any detector failed                       -> review (fail-closed), unless already blocked
7. borderline nudity with a minor, a protected person or mature content off -> review

Thresholds are on the detectors' scores (see ``ImagePolicy``); reasons name the detector,
the score and the threshold, never image bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from detectors.base import Action, Category
from detectors.images.base import AnyCategory, ImageAssessment, ImageCategory, ImageContext, ImageVerdict

__all__ = ["ImagePolicy"]


@dataclass(frozen=True)
class ImagePolicy:
    """Thresholds and label mappings; ``version`` goes into every verdict."""

    version: str = "image-policy-1"
    #: open_nsfw: Yahoo reads < 0.2 as likely safe and > 0.8 as likely NSFW.
    nudity_threshold: float = 0.7
    #: Lower bar when an apparent minor is present: any suggestive image of a child is blocked.
    minor_nudity_threshold: float = 0.4
    person_nudity_threshold: float = 0.5
    review_nudity_threshold: float = 0.2
    #: P(apparent age < 18) at or above which a face counts as an apparent minor.
    minor_threshold: float = 0.5
    #: A prompt is "free of sexual content" when every ``sexual/*`` score is below this.
    prompt_sexual_threshold: float = 0.5
    #: Bank labels that block without a child-safety hotline report.
    no_hotline_labels: frozenset[str] = frozenset({"ncii"})
    label_categories: tuple[tuple[str, Category], ...] = (
        ("csam", Category.SEXUAL_MINORS), ("ncii", Category.SEXUAL_REAL_PERSON))

    def decide(self, assessment: ImageAssessment, context: ImageContext) -> ImageVerdict:
        d = _Decision()
        nudity = assessment.scores.get(Category.SEXUAL_ADULT, 0.0)
        self._hashes(assessment, d)
        self._minors(assessment, nudity, d)
        self._persons(assessment, nudity, d)
        self._adult(context, nudity, d)
        for failure in assessment.failures:
            d.review(f"{failure.detector} failed ({failure.error[:80]}); held for review (fail-closed)")
        return d.verdict(self.version)

    def _hashes(self, assessment: ImageAssessment, d: _Decision) -> None:
        labels = dict(self.label_categories)
        for m in assessment.hash_matches:
            category = labels.get(m.label)
            categories = (ImageCategory.KNOWN_BAD_HASH, *((category,) if category else ()))
            d.block(f"hashes: {m.kind} match in bank {m.bank!r} (label {m.label!r}), "
                    f"distance {m.distance} <= {m.threshold}", *categories,
                    hotline=m.label not in self.no_hotline_labels)

    def _minors(self, assessment: ImageAssessment, nudity: float, d: _Decision) -> None:
        minors = [f.minor_probability for f in assessment.faces
                  if f.minor_probability is not None and f.minor_probability >= self.minor_threshold]
        if not minors:
            return
        why = f"faces: apparent minor p={max(minors):.2f} >= {self.minor_threshold:.2f}"
        if nudity >= self.minor_nudity_threshold:
            d.block(f"{why} and nsfw {nudity:.2f} >= {self.minor_nudity_threshold:.2f}",
                    Category.SEXUAL_MINORS, hotline=True)
        elif nudity >= self.review_nudity_threshold:
            d.review(f"{why} and nsfw {nudity:.2f} >= {self.review_nudity_threshold:.2f}", Category.MINORS)

    def _persons(self, assessment: ImageAssessment, nudity: float, d: _Decision) -> None:
        people = [f for f in assessment.faces if f.person_id is not None]
        if not people:
            return
        nearest = min(people, key=lambda f: f.person_distance or 0.0)
        why = f"faces: protected person {nearest.person_id!r} at distance {nearest.person_distance:.2f}"
        if nudity >= self.person_nudity_threshold:
            d.block(f"{why} and nsfw {nudity:.2f} >= {self.person_nudity_threshold:.2f}",
                    Category.SEXUAL_REAL_PERSON)
        elif nudity >= self.review_nudity_threshold:
            d.review(f"{why} and nsfw {nudity:.2f} >= {self.review_nudity_threshold:.2f}", Category.REAL_PERSON)

    def _adult(self, context: ImageContext, nudity: float, d: _Decision) -> None:
        prompt_sexual = _prompt_sexual(context)
        clean = prompt_sexual is not None and prompt_sexual < self.prompt_sexual_threshold
        if nudity >= self.nudity_threshold:
            if clean:
                d.block(f"nsfw {nudity:.2f} >= {self.nudity_threshold:.2f} but the prompt's sexual score "
                        f"{prompt_sexual:.2f} < {self.prompt_sexual_threshold:.2f}: evasion by wording",
                        Category.SEXUAL_ADULT, evasion=True)
            elif not context.mature_content_allowed:
                d.block(f"nsfw {nudity:.2f} >= {self.nudity_threshold:.2f} with mature content off",
                        Category.SEXUAL_ADULT)
        elif nudity >= self.review_nudity_threshold and not context.mature_content_allowed:
            d.review(f"nsfw {nudity:.2f} >= {self.review_nudity_threshold:.2f} with mature content off",
                     Category.SEXUAL_ADULT)


def _prompt_sexual(context: ImageContext) -> float | None:
    if context.prompt_scores is None:
        return None
    return max((v for k, v in context.prompt_scores.items() if k.startswith("sexual/")), default=0.0)


class _Decision:
    """Collects blocks and reviews; the verdict is the strongest, with every reason kept."""

    def __init__(self) -> None:
        self.blocked = self.hotline = self.evasion = False
        self.reviewed = False
        self.categories: list[AnyCategory] = []
        self.reasons: list[str] = []

    def _note(self, reason: str, categories: tuple[AnyCategory, ...]) -> None:
        self.reasons.append(reason)
        self.categories += [c for c in categories if c not in self.categories]

    def block(self, reason: str, *categories: AnyCategory, hotline: bool = False, evasion: bool = False) -> None:
        self.blocked = True
        self.hotline |= hotline
        self.evasion |= evasion
        self._note(reason, categories)

    def review(self, reason: str, *categories: AnyCategory) -> None:
        self.reviewed = True
        self._note(reason, categories)

    def verdict(self, version: str) -> ImageVerdict:
        action = Action.BLOCK if self.blocked else Action.REVIEW if self.reviewed else Action.ALLOW
        return ImageVerdict(action=action, categories=tuple(self.categories), reasons=tuple(self.reasons),
                            policy_version=version, hotline=self.hotline, evasion=self.evasion)
