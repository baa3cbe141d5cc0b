"""Shared, built-once rule detectors for the detector tests (no conftest: other suites share
this folder)."""

from __future__ import annotations

from functools import cache

from detectors import PromptInput, PromptScreener, Screening
from detectors.minors import MinorsDetector
from detectors.sexual import SexualContentDetector


@cache
def rules_screener() -> PromptScreener:
    """The rule detectors only, so these tables test the rules and not other detectors."""
    return PromptScreener([SexualContentDetector(), MinorsDetector()])


def screen(prompt: str, negative: str = "", mature: bool = False, **kw: object) -> Screening:
    item = PromptInput(request_id="t", prompt=prompt, negative_prompt=negative, mature_content_allowed=mature, **kw)
    return rules_screener().screen(item)


def action(prompt: str, negative: str = "", mature: bool = False, **kw: object) -> str:
    return screen(prompt, negative, mature, **kw).verdict.action.value
