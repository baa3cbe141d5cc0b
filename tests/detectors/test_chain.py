"""The chain and the screener: public API, failure isolation (fail closed), batches, registry."""

from __future__ import annotations

import math

import pytest

from detectors import Action, Category, DetectorResult, PromptInput, PromptScreener, Screening
from detectors.chain import REGISTRY, Entry, build_detectors
from detectors.errors import DetectorError
from detectors.minors import MinorsDetector
from detectors.normalize import MAX_FIELD_CHARS
from detectors.sexual import SexualContentDetector

from ._rules import rules_screener


class Raising:
    name, version = "test.raising", "0"

    def score(self, item: PromptInput) -> DetectorResult:
        raise RuntimeError("model file is corrupt")


class Quoting:
    """Raises with the prompt in its message: the chain must not copy it into the failure."""

    name, version = "test.quoting", "0"

    def score(self, item: PromptInput) -> DetectorResult:
        raise KeyError(item.prompt)


class Fixed:
    def __init__(self, name: str, scores: dict[Category, float] | object) -> None:
        self.name, self.version, self._scores = name, "0", scores

    def score(self, item: PromptInput) -> DetectorResult:
        if not isinstance(self._scores, dict):
            return self._scores  # type: ignore[return-value]
        return DetectorResult(detector=self.name, version=self.version, scores=self._scores)


class Batching:
    name, version = "test.batch", "0"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def score(self, item: PromptInput) -> DetectorResult:
        return self.score_batch([item])[0]

    def score_batch(self, items: list[PromptInput]) -> list[DetectorResult]:
        self.calls.append(len(items))
        if any("boom" in i.prompt for i in items):
            raise ValueError("batch failed")
        return [DetectorResult(detector=self.name, version=self.version, scores={Category.MINORS: 0.1}) for _ in items]


def item(prompt: str = "a red fox", **kw: object) -> PromptInput:
    return PromptInput(request_id="r1", prompt=prompt, **kw)


def rules_plus(*extra: object) -> PromptScreener:
    return PromptScreener([SexualContentDetector(), MinorsDetector(), *extra])  # type: ignore[list-item]


@pytest.mark.parametrize("mature", [False, True])
def test_a_raising_detector_fails_closed(mature: bool) -> None:
    result = rules_plus(Raising()).screen(item(mature_content_allowed=mature))
    assert result.verdict.action is Action.REVIEW
    assert result.assessment.failures[0].error == "RuntimeError: model file is corrupt"
    assert "fail-closed review: test.raising failed (RuntimeError: model file is corrupt)" in result.verdict.reasons


def test_a_block_still_wins_over_a_failure() -> None:
    result = rules_plus(Raising()).screen(item("12yo, nude"))
    assert result.verdict.action is Action.BLOCK
    assert len(result.verdict.reasons) == 3  # minors, adult, the failure


def test_failure_message_never_quotes_the_prompt() -> None:
    result = rules_plus(Quoting()).screen(item("very private words"))
    error = result.assessment.failures[0].error
    assert error.startswith("KeyError") and "private" not in error
    assert result.verdict.action is Action.REVIEW


@pytest.mark.parametrize(
    "bad",
    [
        {Category.SEXUAL_ADULT: 1.5},
        {Category.SEXUAL_ADULT: math.nan},
        "not a result",
        DetectorResult(detector="someone.else", version="0"),
    ],
)
def test_invalid_output_is_a_failure(bad: object) -> None:
    result = rules_plus(Fixed("test.fixed", bad)).screen(item())
    assert result.verdict.action is Action.REVIEW
    assert result.assessment.failures[0].error.startswith("DetectorOutputError")


def test_truncated_input_is_reviewed_not_allowed() -> None:
    result = rules_screener().screen(item("a red fox " * (MAX_FIELD_CHARS // 5)))
    assert result.verdict.action is Action.REVIEW
    assert result.assessment.failures[0].detector == "rules.input"
    assert "InputTruncated" in result.verdict.reasons[0]


def test_screen_batch_keeps_order_and_uses_score_batch() -> None:
    batching = Batching()
    screener = rules_plus(batching)
    prompts = ["a red fox", "12yo, nude", "nude woman", "a cat"]
    out = screener.screen_batch([PromptInput(request_id=str(i), prompt=p) for i, p in enumerate(prompts)])
    assert [s.assessment.request_id for s in out] == ["0", "1", "2", "3"]
    assert [s.verdict.action.value for s in out] == ["allow", "block", "block", "allow"]
    assert batching.calls == [4]


def test_a_failing_batch_is_retried_per_item() -> None:
    batching = Batching()
    out = rules_plus(batching).screen_batch([item("a cat"), item("boom"), item("a dog")])
    assert [s.verdict.action.value for s in out] == ["allow", "review", "allow"]
    assert batching.calls == [3, 1, 1, 1]


def test_screen_batch_of_nothing() -> None:
    assert rules_screener().screen_batch([]) == []


def test_default_screener_public_api() -> None:
    screener = PromptScreener.default()
    names = [name for name, _ in screener.detectors]
    assert names[:2] == ["rules.sexual", "rules.minors"]
    assert all(isinstance(v, str) and v for _, v in screener.detectors)
    result = screener.screen(item("12yo, nude"))
    assert isinstance(result, Screening) and result.verdict.action is Action.BLOCK
    assert result.verdict.policy_version == screener.policy.version
    assert not [f for f in result.assessment.failures if f.detector.startswith("rules.") and f.detector != "rules.real_person"]


def test_default_rules_allow_a_benign_prompt() -> None:
    screener = PromptScreener.default(registry=REGISTRY[:2])
    assert screener.screen(item("a red fox in snow")).verdict.action is Action.ALLOW


def test_registry_skips_only_missing_optional_modules() -> None:
    registry = [Entry("detectors.sexual", "SexualContentDetector"), Entry("detectors.not_written_yet", "X", optional=True)]
    assert [d.name for d in build_detectors(registry)] == ["rules.sexual"]
    with pytest.raises(ModuleNotFoundError):
        build_detectors([Entry("detectors.not_written_yet", "X")])


def test_registry_rejects_non_detectors_and_duplicates() -> None:
    with pytest.raises(DetectorError):
        build_detectors([Entry("detectors.policy", "Policy")])
    with pytest.raises(DetectorError, match="unique"):
        PromptScreener([SexualContentDetector(), SexualContentDetector()])


def test_missing_confusables_data_fails_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    from detectors import normalize as norm

    def missing(_: str) -> object:
        raise ModuleNotFoundError("No module named 'confusable_homoglyphs'")

    norm._confusable_table.cache_clear()
    monkeypatch.setattr(norm.resources, "files", missing)
    try:
        with pytest.raises(DetectorError, match="confusable-homoglyphs==3.3.1"):
            SexualContentDetector()
    finally:
        monkeypatch.undo()
        norm._confusable_table.cache_clear()
        norm.ensure_ready()
