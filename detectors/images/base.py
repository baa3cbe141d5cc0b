"""The image detector contract: what goes in, what comes out, and the categories in between.

Mirrors ``detectors.base`` for images, with one difference forced by CPU cost: a detector
works in two steps.

* ``analyse(image) -> observation``: the CPU-bound part (hashing, model inference). It
  depends only on static assets loaded at construction, takes decoded pixels and returns a
  small picklable observation (no pixels), so it can run in a process pool.
* ``score(observation) -> ImageDetectorResult``: the cheap part, run where the run-time
  state lives (hash banks, the protected-persons gallery), so bank updates and gallery
  registrations never have to reach the pool's processes.

Categories reuse ``detectors.base.Category``; the one image-only signal is
``ImageCategory.KNOWN_BAD_HASH``. Evidence and reasons name detectors, banks, person ids,
scores and thresholds, never image bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from detectors.base import MAX_EVIDENCE_CHARS, Action, Category, DetectorFailure

__all__ = [
    "Action",
    "AnyCategory",
    "Category",
    "DetectorFailure",
    "FaceFinding",
    "HashMatch",
    "ImageAssessment",
    "ImageCategory",
    "ImageContext",
    "ImageDetector",
    "ImageDetectorResult",
    "ImageEvidence",
    "ImageScreening",
    "ImageVerdict",
    "Pixels",
]


class ImageCategory(StrEnum):
    """Image-only signals that ``detectors.base.Category`` has no member for."""

    KNOWN_BAD_HASH = "known_bad_hash"


AnyCategory = Category | ImageCategory

#: A face box in source-image pixels: left, top, right, bottom.
Box = tuple[int, int, int, int]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True, slots=True)
class Pixels:
    """One decoded image as every detector receives it: RGB, both as Pillow image and array."""

    image: Image.Image
    array: np.ndarray  # (height, width, 3) uint8, C-contiguous

    @classmethod
    def of(cls, image: Image.Image) -> Pixels:
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        return cls(rgb, np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8)))


class ImageEvidence(_Frozen):
    """Why an image detector scored: a short term (bank, person id, face index), never pixels."""

    detector: str
    category: AnyCategory
    term: str = Field(max_length=MAX_EVIDENCE_CHARS)
    field: Literal["image"] = "image"
    box: Box | None = None

    @classmethod
    def of(cls, detector: str, category: AnyCategory, term: str, **kw: Any) -> ImageEvidence:
        return cls(detector=detector, category=category, term=term[:MAX_EVIDENCE_CHARS], **kw)


class HashMatch(_Frozen):
    """One known-bad bank entry within the Hamming threshold of the image's hash."""

    kind: str
    bank: str
    label: str
    distance: int
    threshold: int


class FaceFinding(_Frozen):
    """One detected face: where, how old it looks, and whom it resembles in the gallery."""

    box: Box
    apparent_age: float | None = None
    #: P(apparent age < 18) from the age model's distribution; None when no age model ran.
    minor_probability: float | None = None
    person_id: str | None = None
    person_distance: float | None = None


class ImageDetectorResult(_Frozen):
    """Scores in [0, 1] per category, the evidence behind them, and typed findings for policy."""

    detector: str
    version: str
    scores: dict[AnyCategory, float] = {}
    evidence: tuple[ImageEvidence, ...] = ()
    hash_matches: tuple[HashMatch, ...] = ()
    faces: tuple[FaceFinding, ...] = ()


@runtime_checkable
class ImageDetector(Protocol):
    """One image detector family: heavy ``analyse`` (pool-safe), cheap ``score`` (stateful)."""

    name: str
    version: str

    def analyse(self, pixels: Pixels) -> Any: ...

    def score(self, observation: Any) -> ImageDetectorResult: ...


class ImageContext(_Frozen):
    """What policy needs to know about the request an image came from."""

    request_id: str
    user_id: str = ""
    image_index: int = 0
    mature_content_allowed: bool = False
    #: The prompt's ``Assessment.scores`` (category value -> score); None when not known.
    prompt_scores: dict[str, float] | None = None


class ImageAssessment(_Frozen):
    """All image detectors' results for one image; scores are the per-category maximum."""

    request_id: str
    image_sha256: str = ""
    width: int | None = None
    height: int | None = None
    results: tuple[ImageDetectorResult, ...] = ()
    failures: tuple[DetectorFailure, ...] = ()

    @property
    def scores(self) -> dict[AnyCategory, float]:
        merged: dict[AnyCategory, float] = {}
        for result in self.results:
            for category, value in result.scores.items():
                merged[category] = max(merged.get(category, 0.0), value)
        return merged

    @property
    def evidence(self) -> tuple[ImageEvidence, ...]:
        return tuple(e for r in self.results for e in r.evidence)

    @property
    def hash_matches(self) -> tuple[HashMatch, ...]:
        return tuple(m for r in self.results for m in r.hash_matches)

    @property
    def faces(self) -> tuple[FaceFinding, ...]:
        return tuple(f for r in self.results for f in r.faces)

    def ran(self, detector: str) -> bool:
        return any(r.detector == detector for r in self.results)


class ImageVerdict(_Frozen):
    """What image policy decided, and the two flags enforcement acts on."""

    action: Action
    categories: tuple[AnyCategory, ...] = ()
    reasons: tuple[str, ...] = ()
    policy_version: str
    #: A child-safety hotline report is due (``EnforcementKind.hotline_report``), after review.
    hotline: bool = False
    #: "Evasion by wording": sexual imagery from a prompt the text detectors found clean.
    #: Counts against the user.
    evasion: bool = False


class ImageScreening(_Frozen):
    """An image assessment and the verdict drawn from it: what the image agent publishes."""

    assessment: ImageAssessment
    verdict: ImageVerdict
