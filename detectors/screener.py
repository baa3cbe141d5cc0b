"""``PromptScreener``: the one object the stream agents hold to screen prompts.

    >>> screener = PromptScreener.default()
    >>> screener.screen(PromptInput(request_id="r1", prompt="a red fox in snow")).verdict.action
    <Action.ALLOW: 'allow'>
"""

from __future__ import annotations

from collections.abc import Sequence

from detectors.base import Detector, PromptInput, Screening
from detectors.chain import REGISTRY, Entry, assess_batch, build_detectors
from detectors.errors import DetectorError
from detectors.policy import Policy

__all__ = ["PromptScreener"]


class PromptScreener:
    """Detectors built once, run as a chain, and a policy that turns scores into verdicts."""

    def __init__(self, detectors: Sequence[Detector], policy: Policy | None = None) -> None:
        names = [d.name for d in detectors]
        if len(set(names)) != len(names):
            raise DetectorError(f"detector names must be unique: {names}")
        self._detectors = tuple(detectors)
        self.policy = policy or Policy()

    @classmethod
    def default(cls, policy: Policy | None = None, registry: Sequence[Entry] = REGISTRY) -> PromptScreener:
        """Every registered detector, built now: a bad lexicon fails here, naming file:line."""
        return cls(build_detectors(registry), policy)

    @property
    def detectors(self) -> tuple[tuple[str, str], ...]:
        """``(name, version)`` of every detector in the chain, in order."""
        return tuple((d.name, d.version) for d in self._detectors)

    def screen(self, item: PromptInput) -> Screening:
        """Assess one prompt and decide on it."""
        return self.screen_batch([item])[0]

    def screen_batch(self, items: Sequence[PromptInput]) -> list[Screening]:
        """``screen`` for many prompts: a list in, a list out, same order."""
        assessments = assess_batch(self._detectors, list(items))
        return [
            Screening(assessment=a, verdict=self.policy.decide(item, a))
            for item, a in zip(items, assessments, strict=True)
        ]
