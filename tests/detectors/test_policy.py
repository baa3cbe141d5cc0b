"""Policy: thresholds per category, mature content, fail-closed failures, readable reasons."""

from __future__ import annotations

import pytest

from detectors import Action, Assessment, Category, DetectorFailure, DetectorResult, Evidence, Policy, PromptInput


def assess(scores: dict[Category, float], failures: int = 0, evidence: tuple[Evidence, ...] = ()) -> Assessment:
    result = DetectorResult(detector="rules.x", version="1", scores=scores, evidence=evidence)
    failed = tuple(DetectorFailure(detector=f"d{i}", version="1", error="ValueError: x") for i in range(failures))
    return Assessment(request_id="r", results=(result,), failures=failed)


def decide(scores: dict[Category, float], mature: bool = False, failures: int = 0) -> Action:
    item = PromptInput(request_id="r", prompt="p", mature_content_allowed=mature)
    return Policy().decide(item, assess(scores, failures)).action


M, R, A = Category.SEXUAL_MINORS, Category.SEXUAL_REAL_PERSON, Category.SEXUAL_ADULT


@pytest.mark.parametrize(
    ("scores", "mature", "failures", "expected"),
    [
        ({}, False, 0, Action.ALLOW),
        ({M: 0.8}, True, 0, Action.BLOCK),
        ({M: 0.6}, True, 0, Action.REVIEW),
        ({M: 0.49}, True, 0, Action.ALLOW),
        ({R: 0.9}, True, 0, Action.BLOCK),
        ({R: 0.5}, False, 0, Action.REVIEW),
        ({A: 0.95}, False, 0, Action.BLOCK),
        ({A: 0.95}, True, 0, Action.ALLOW),
        ({A: 0.6}, False, 0, Action.REVIEW),
        ({A: 0.6}, True, 0, Action.ALLOW),
        ({Category.MINORS: 1.0, Category.REAL_PERSON: 1.0}, False, 0, Action.ALLOW),  # context only
        ({}, True, 1, Action.REVIEW),  # fail closed
        ({A: 0.95}, True, 2, Action.REVIEW),  # a failure never allows
        ({M: 1.0}, False, 1, Action.BLOCK),  # a block still wins
    ],
)
def test_decisions(scores: dict[Category, float], mature: bool, failures: int, expected: Action) -> None:
    assert decide(scores, mature, failures) is expected


def test_reasons_name_category_detector_and_terms() -> None:
    evidence = (
        Evidence.of("rules.x", M, "12", kind="age"),
        Evidence.of("rules.x", M, "girl", kind="minor"),
        Evidence.of("rules.x", M, "nude", kind="sexual"),
    )
    verdict = Policy().decide(PromptInput(request_id="r", prompt="p"), assess({M: 1.0}, evidence=evidence))
    assert verdict.reasons == ("sexual/minors: rules.x matched age '12' + minor 'girl' + sexual 'nude'",)
    assert verdict.categories == (M,)


def test_reason_without_evidence_gives_the_score() -> None:
    verdict = Policy().decide(PromptInput(request_id="r", prompt="p"), assess({R: 0.9}))
    assert verdict.reasons == ("sexual/real_person: rules.x scored 0.90",)


def test_policy_is_versioned_and_configurable() -> None:
    strict = Policy(version="strict-1", adult={"review": 0.1, "block": 0.3})  # type: ignore[arg-type]
    verdict = strict.decide(PromptInput(request_id="r", prompt="p"), assess({A: 0.45}))
    assert verdict.action is Action.BLOCK and verdict.policy_version == "strict-1"
