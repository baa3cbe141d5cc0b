"""Image policy as a table: assessments built by hand (score injection), verdicts checked."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from detectors.base import Action, Category, DetectorFailure
from detectors.images.base import (
    AnyCategory,
    FaceFinding,
    HashMatch,
    ImageAssessment,
    ImageCategory,
    ImageContext,
    ImageDetectorResult,
)
from detectors.images.policy import ImagePolicy

CLEAN_PROMPT = {"sexual/adult": 0.02, "sexual/minors": 0.0, "minors": 0.1}
SEXUAL_PROMPT = {"sexual/adult": 0.93}


@dataclass(frozen=True)
class Case:
    name: str
    nsfw: float = 0.0
    minor: float | None = None
    person: str | None = None
    hashes: tuple[tuple[str, str], ...] = ()  # (kind, label)
    failed: tuple[str, ...] = ()
    mature: bool = False
    prompt: dict[str, float] | None = None
    action: Action = Action.ALLOW
    categories: tuple[AnyCategory, ...] = ()
    hotline: bool = False
    evasion: bool = False
    reason_has: tuple[str, ...] = field(default=())


CASES = [
    Case("benign", nsfw=0.03, minor=0.01, mature=True, prompt=CLEAN_PROMPT),
    Case("benign, mature off, prompt unknown", nsfw=0.1),
    Case("minor and nudity", nsfw=0.6, minor=0.9, mature=True, prompt=SEXUAL_PROMPT, action=Action.BLOCK,
         categories=(Category.SEXUAL_MINORS,), hotline=True,
         reason_has=("faces: apparent minor p=0.90 >= 0.50 and nsfw 0.60 >= 0.40",)),
    Case("minor and nudity, mature off", nsfw=0.9, minor=0.9, action=Action.BLOCK,
         categories=(Category.SEXUAL_MINORS, Category.SEXUAL_ADULT), hotline=True),
    Case("minor and mild suggestiveness", nsfw=0.45, minor=0.7, mature=True, prompt=SEXUAL_PROMPT,
         action=Action.BLOCK, categories=(Category.SEXUAL_MINORS,), hotline=True),
    Case("minor, borderline", nsfw=0.25, minor=0.7, mature=True, prompt=SEXUAL_PROMPT, action=Action.REVIEW,
         categories=(Category.MINORS,)),
    Case("minor, no nudity", nsfw=0.05, minor=0.95, mature=True, prompt=CLEAN_PROMPT),
    Case("adult face under the minor threshold", nsfw=0.9, minor=0.3, mature=True, prompt=SEXUAL_PROMPT),
    Case("known-bad hash", hashes=(("pdq", "csam"),), action=Action.BLOCK,
         categories=(ImageCategory.KNOWN_BAD_HASH, Category.SEXUAL_MINORS), hotline=True,
         reason_has=("hashes: pdq match in bank 'b' (label 'csam'), distance 3 <= 31",)),
    Case("known-bad hash, unknown label", hashes=(("phash", "other"),), mature=True, action=Action.BLOCK,
         categories=(ImageCategory.KNOWN_BAD_HASH,), hotline=True),
    Case("ncii bank", hashes=(("pdq", "ncii"),), action=Action.BLOCK,
         categories=(ImageCategory.KNOWN_BAD_HASH, Category.SEXUAL_REAL_PERSON), hotline=False),
    Case("protected person and nudity", nsfw=0.8, minor=0.01, person="p-1", mature=True, prompt=SEXUAL_PROMPT,
         action=Action.BLOCK, categories=(Category.SEXUAL_REAL_PERSON,),
         reason_has=("faces: protected person 'p-1' at distance 0.30 and nsfw 0.80 >= 0.50",)),
    Case("protected person, clothed", nsfw=0.05, person="p-1", mature=True, prompt=CLEAN_PROMPT),
    Case("protected person, borderline", nsfw=0.3, person="p-1", mature=True, prompt=SEXUAL_PROMPT,
         action=Action.REVIEW, categories=(Category.REAL_PERSON,)),
    Case("nudity, mature off", nsfw=0.9, action=Action.BLOCK, categories=(Category.SEXUAL_ADULT,),
         reason_has=("nsfw 0.90 >= 0.70 with mature content off",)),
    Case("nudity, mature on, sexual prompt", nsfw=0.95, mature=True, prompt=SEXUAL_PROMPT),
    Case("nudity, mature on, prompt unknown", nsfw=0.95, mature=True),
    Case("nudity from a clean prompt: evasion", nsfw=0.9, mature=True, prompt=CLEAN_PROMPT, action=Action.BLOCK,
         categories=(Category.SEXUAL_ADULT,), evasion=True,
         reason_has=("nsfw 0.90 >= 0.70 but the prompt's sexual score 0.02 < 0.50: evasion by wording",)),
    Case("nudity from a clean prompt, mature off: evasion", nsfw=0.9, prompt=CLEAN_PROMPT, action=Action.BLOCK,
         categories=(Category.SEXUAL_ADULT,), evasion=True),
    Case("borderline nudity, mature off", nsfw=0.4, action=Action.REVIEW, categories=(Category.SEXUAL_ADULT,)),
    Case("borderline nudity, mature on", nsfw=0.4, mature=True, prompt=CLEAN_PROMPT),
    Case("a detector failed: fail closed", nsfw=0.01, failed=("faces",), action=Action.REVIEW,
         reason_has=("faces failed (RuntimeError: boom); held for review (fail-closed)",)),
    Case("failure does not soften a block", hashes=(("pdq", "csam"),), failed=("nsfw",), action=Action.BLOCK,
         categories=(ImageCategory.KNOWN_BAD_HASH, Category.SEXUAL_MINORS), hotline=True),
    Case("decode failed", failed=("decode",), action=Action.REVIEW),
]


def assessment_of(case: Case) -> ImageAssessment:
    faces = ()
    if case.minor is not None or case.person is not None:
        faces = (FaceFinding(box=(1, 2, 3, 4), apparent_age=30.0, minor_probability=case.minor,
                             person_id=case.person, person_distance=0.3 if case.person else None),)
    matches = tuple(HashMatch(kind=k, bank="b", label=label, distance=3, threshold=31 if k == "pdq" else 10)
                    for k, label in case.hashes)
    results = (
        ImageDetectorResult(detector="nsfw", version="t", scores={Category.SEXUAL_ADULT: case.nsfw}),
        ImageDetectorResult(detector="faces", version="t", faces=faces),
        ImageDetectorResult(detector="hashes", version="t", hash_matches=matches,
                            scores={ImageCategory.KNOWN_BAD_HASH: 1.0 if matches else 0.0}),
    )
    failures = tuple(DetectorFailure(detector=d, version="t", error="RuntimeError: boom") for d in case.failed)
    kept = tuple(r for r in results if r.detector not in case.failed and "decode" not in case.failed)
    return ImageAssessment(request_id="r1", results=kept, failures=failures)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_policy_table(case: Case) -> None:
    context = ImageContext(request_id="r1", mature_content_allowed=case.mature, prompt_scores=case.prompt)
    verdict = ImagePolicy().decide(assessment_of(case), context)
    assert verdict.action is case.action
    assert set(verdict.categories) == set(case.categories)
    assert (verdict.hotline, verdict.evasion) == (case.hotline, case.evasion)
    for text in case.reason_has:
        assert text in verdict.reasons
    assert (verdict.reasons == ()) == (case.action is Action.ALLOW)
    assert verdict.policy_version == "image-policy-1"


def test_thresholds_are_configurable() -> None:
    case = Case("x", nsfw=0.5)
    strict = ImagePolicy(version="strict-1", nudity_threshold=0.45)
    verdict = strict.decide(assessment_of(case), ImageContext(request_id="r1"))
    assert verdict.action is Action.BLOCK and verdict.policy_version == "strict-1"
