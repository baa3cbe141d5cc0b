"""The image screening chain: decode, run every detector in isolation, apply image policy.

Two halves, so the worker keeps consuming while images are scored:

* ``analyse(image_bytes) -> ImageAnalysis``: decode plus each detector's CPU-bound
  ``analyse``. Static models only; picklable in and out. Run it inline, or in a process
  pool built by ``ImageScreener.process_pool`` (each process loads the models once).
* ``judge(analysis, context) -> ImageScreening``: bank lookups, gallery matches and policy.
  Cheap; runs where run-time state is updated (``add_hash``, ``register_person``).

>>> screener = ImageScreener.default(banks=[Path("banks/sample.tsv")])     # doctest: +SKIP
>>> screening = screener.screen(image_bytes, ImageContext(request_id="r1"))  # doctest: +SKIP
>>> with screener.process_pool(2) as pool:                                   # doctest: +SKIP
...     screenings = screener.screen_batch([(image_bytes, context)], executor=pool)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from PIL import Image

from detectors.base import DetectorFailure
from detectors.images.base import (
    ImageAssessment,
    ImageContext,
    ImageDetector,
    ImageDetectorResult,
    ImageScreening,
    Pixels,
)
from detectors.images.errors import ImageError
from detectors.images.faces import FaceDetector, FaceEncoder, OnnxAgeModel
from detectors.images.fetch import DecodeLimits, load_image
from detectors.images.gallery import FaceGallery
from detectors.images.hashes import BankEntry, HashBank, HashDetector
from detectors.images.nsfw import NsfwDetector, OpenNsfwModel
from detectors.images.policy import ImagePolicy

__all__ = ["AnalysisConfig", "ImageAnalysis", "ImageScreener", "analyse_in_worker", "init_worker"]

DECODE = "decode"


@dataclass(frozen=True)
class AnalysisConfig:
    """Everything the CPU-bound half needs to build its detectors: picklable, no state."""

    limits: DecodeLimits = field(default_factory=DecodeLimits)
    threads: int = 1
    face_detect_max_side: int = 1024
    face_upsample: int = 0
    age_model: bool = True

    def detectors(self) -> list[ImageDetector]:
        encoder = FaceEncoder(detect_max_side=self.face_detect_max_side, upsample=self.face_upsample)
        age = OnnxAgeModel(self.threads) if self.age_model else None
        return [HashDetector(), NsfwDetector(OpenNsfwModel(self.threads)), FaceDetector(encoder, age)]


@dataclass(frozen=True)
class ImageAnalysis:
    """The CPU-bound half's output for one image: observations by detector, and failures."""

    sha256: str
    width: int | None = None
    height: int | None = None
    observations: dict[str, Any] = field(default_factory=dict)
    failures: tuple[DetectorFailure, ...] = ()


def analyse(detectors: Sequence[ImageDetector], image_bytes: bytes, limits: DecodeLimits) -> ImageAnalysis:
    """Decode and run each detector's ``analyse``; a failing detector becomes a failure entry."""
    sha = hashlib.sha256(image_bytes).hexdigest()
    try:
        image = load_image(image_bytes, limits)
    except ImageError as exc:
        return ImageAnalysis(sha, failures=(DetectorFailure(detector=DECODE, version="1", error=_describe(exc)),))
    pixels = Pixels.of(image)
    observations: dict[str, Any] = {}
    failures = []
    for detector in detectors:
        try:
            observations[detector.name] = detector.analyse(pixels)
        except Exception as exc:  # isolation: one detector's bug must not cost the others' results
            failures.append(DetectorFailure(detector=detector.name, version=detector.version, error=_describe(exc)))
    return ImageAnalysis(sha, image.width, image.height, observations, tuple(failures))


class ImageScreener:
    """Detectors (with their run-time state) and image policy; ``screen`` = ``judge(analyse(...))``."""

    def __init__(self, detectors: Sequence[ImageDetector], policy: ImagePolicy | None = None,
                 config: AnalysisConfig | None = None):
        names = [d.name for d in detectors]
        if len(set(names)) != len(names) or DECODE in names:
            raise ValueError(f"detector names must be unique and not {DECODE!r}: {names}")
        self.detectors = list(detectors)
        self.policy = policy or ImagePolicy()
        self.config = config or AnalysisConfig()

    @classmethod
    def default(cls, *, banks: Sequence[Path] = (), gallery: Path | None = None, gallery_dir: Path | None = None,
                policy: ImagePolicy | None = None, config: AnalysisConfig | None = None) -> ImageScreener:
        """The production chain: hashes (banks loaded), open_nsfw, faces (age + gallery loaded)."""
        config = config or AnalysisConfig()
        hashes, nsfw, faces = config.detectors()
        assert isinstance(hashes, HashDetector) and isinstance(faces, FaceDetector)
        for path in banks:
            hashes.bank.load_file(path)
        if gallery is not None:
            faces.gallery.load(gallery)
        if gallery_dir is not None:
            faces.gallery.load_directory(gallery_dir, lambda im: faces.encoder.encode_largest(Pixels.of(im)),
                                         lambda data: load_image(data, config.limits))
        return cls([hashes, nsfw, faces], policy, config)

    @property
    def versions(self) -> dict[str, str]:
        return {d.name: d.version for d in self.detectors}

    # -- run-time state: called by the agent when a hash_bank or gallery event arrives --

    @property
    def bank(self) -> HashBank:
        return self._detector(HashDetector).bank

    @property
    def gallery(self) -> FaceGallery:
        return self._detector(FaceDetector).gallery

    def add_hash(self, entry: BankEntry) -> bool:
        return self.bank.add(entry)

    def register_person(self, person_id: str, image: Image.Image | bytes) -> None:
        faces = self._detector(FaceDetector)
        faces.register(person_id, load_image(image, self.config.limits) if isinstance(image, bytes) else image)

    # -- screening --

    def analyse(self, image_bytes: bytes) -> ImageAnalysis:
        return analyse(self.detectors, image_bytes, self.config.limits)

    def judge(self, analysis: ImageAnalysis, context: ImageContext) -> ImageScreening:
        results: list[ImageDetectorResult] = []
        failures = list(analysis.failures)
        failed = {f.detector for f in failures}
        for detector in self.detectors:
            if detector.name in failed:
                continue
            if detector.name not in analysis.observations:
                if DECODE not in failed:
                    failures.append(DetectorFailure(detector=detector.name, version=detector.version,
                                                    error="no observation from analysis"))
                continue
            try:
                results.append(detector.score(analysis.observations[detector.name]))
            except Exception as exc:  # isolation, as in analyse
                failures.append(DetectorFailure(detector=detector.name, version=detector.version, error=_describe(exc)))
        assessment = ImageAssessment(request_id=context.request_id, image_sha256=analysis.sha256,
                                     width=analysis.width, height=analysis.height,
                                     results=tuple(results), failures=tuple(failures))
        return ImageScreening(assessment=assessment, verdict=self.policy.decide(assessment, context))

    def screen(self, image_bytes: bytes, context: ImageContext) -> ImageScreening:
        return self.judge(self.analyse(image_bytes), context)

    def screen_batch(self, items: Sequence[tuple[bytes, ImageContext]],
                     executor: Executor | None = None) -> list[ImageScreening]:
        """Screen many images; with ``executor`` the analyses run there.

        A ``ProcessPoolExecutor`` must come from ``process_pool`` (its processes build the
        detectors from ``config``, so injected test models stay in this process); any other
        executor (threads) runs this screener's own detectors.
        """
        blobs = [data for data, _ in items]
        if executor is None:
            analyses = [self.analyse(b) for b in blobs]
        elif isinstance(executor, ProcessPoolExecutor):
            analyses = list(executor.map(analyse_in_worker, blobs))
        else:
            analyses = list(executor.map(self.analyse, blobs))
        return [self.judge(a, context) for a, (_, context) in zip(analyses, items, strict=True)]

    def process_pool(self, workers: int = 2) -> ProcessPoolExecutor:
        """A pool whose processes each build this screener's detectors once (from its config).

        Started by a fork server: forking a process that runs torch's or onnxruntime's threads can
        deadlock the child. (The worker's own pools also exit with it: ``streams.pools``.)
        """
        return ProcessPoolExecutor(workers, mp_context=get_context("forkserver"), initializer=init_worker,
                                   initargs=(self.config,))

    def _detector(self, kind: type) -> Any:
        for detector in self.detectors:
            if isinstance(detector, kind):
                return detector
        raise LookupError(f"this screener has no {kind.__name__}")


_worker: tuple[list[ImageDetector], DecodeLimits] | None = None


def init_worker(config: AnalysisConfig) -> None:
    """Process-pool initializer: load the models once per process."""
    global _worker  # one per pool process, set once by the initializer
    _worker = (config.detectors(), config.limits)


def analyse_in_worker(image_bytes: bytes) -> ImageAnalysis:
    """``ImageScreener.analyse`` in a pool process set up by ``init_worker``."""
    if _worker is None:
        raise RuntimeError("analyse_in_worker needs a pool built with initializer=init_worker")
    detectors, limits = _worker
    return analyse(detectors, image_bytes, limits)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"
