"""The protected-persons gallery: reference face encodings, matched by Euclidean distance.

People who asked not to be depicted, and public figures under a platform's policy. Loaded
from a directory of reference images (``<dir>/<person_id>/*.jpg`` or ``<dir>/<person_id>.png``)
or from an encodings file, and extended at run time with ``register`` (an event, not a
redeploy). Encodings file (JSON lines; the first line names the encoder, since encodings
from another model are meaningless)::

    {"format": "modstream-face-gallery", "version": 1, "model": "dlib-20.0.1+resnet_v1"}
    {"person_id": "p-0001", "encoding": [0.0123, ...128 floats]}
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from detectors.images.errors import GalleryError, ImageError

__all__ = ["PERSON_ID", "FaceGallery"]

#: Person ids appear in reasons and evidence: short and plain.
PERSON_ID = re.compile(r"^[A-Za-z0-9._:-]{1,40}$")
FORMAT = "modstream-face-gallery"
DIMENSIONS = 128
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})


class FaceGallery:
    """Reference encodings per person; thread-safe; ``nearest`` is one matrix product."""

    def __init__(self, model: str, threshold: float = 0.6):
        self.model, self.threshold = model, threshold
        self._ids: list[str] = []
        self._matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def people(self) -> frozenset[str]:
        return frozenset(self._ids)

    def register(self, person_id: str, encoding: np.ndarray) -> None:
        """Add one reference encoding for ``person_id`` (several per person are fine)."""
        if not PERSON_ID.match(person_id):
            raise GalleryError(f"person id must match {PERSON_ID.pattern}")
        vector = np.asarray(encoding, dtype=np.float32).reshape(-1)
        if vector.shape != (DIMENSIONS,) or not np.isfinite(vector).all():
            raise GalleryError(f"encoding for {person_id!r} is not {DIMENSIONS} finite floats")
        with self._lock:
            self._ids.append(person_id)
            self._matrix = np.vstack([self._matrix, vector])

    def forget(self, person_id: str) -> int:
        """Drop every reference of ``person_id``; returns how many."""
        with self._lock:
            keep = [i for i, p in enumerate(self._ids) if p != person_id]
            dropped = len(self._ids) - len(keep)
            self._ids = [self._ids[i] for i in keep]
            self._matrix = self._matrix[keep]
        return dropped

    def nearest(self, encoding: np.ndarray) -> tuple[str, float] | None:
        """The closest reference's person id and distance, whatever the threshold."""
        with self._lock:
            if not self._ids:
                return None
            distances = np.linalg.norm(self._matrix - np.asarray(encoding, dtype=np.float32), axis=1)
            best = int(np.argmin(distances))
            return self._ids[best], float(distances[best])

    def likeness(self, distance: float) -> float:
        """Distance as a score in [0, 1]: 1 at distance 0, 0.5 at the threshold, 0 at twice it."""
        return float(np.clip(1.0 - distance / (2 * self.threshold), 0.0, 1.0))

    def save(self, path: Path) -> None:
        with self._lock:
            rows = list(zip(self._ids, self._matrix.tolist(), strict=True))
        lines = [json.dumps({"format": FORMAT, "version": 1, "model": self.model})]
        lines += [json.dumps({"person_id": p, "encoding": [round(v, 6) for v in e]}) for p, e in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def load(self, path: Path) -> int:
        """Add every encoding in an encodings file; bad lines raise ``GalleryError`` with ``file:line``."""
        count = 0
        for number, person_id, encoding in _read(path, self.model):
            try:
                self.register(person_id, np.asarray(encoding, dtype=np.float32))
            except (GalleryError, ValueError, TypeError) as exc:
                raise GalleryError(f"{path.name}:{number}: {exc}") from exc
            count += 1
        return count

    def load_directory(self, directory: Path, encode: Callable[[Image.Image], np.ndarray | None],
                       load: Callable[[bytes], Image.Image]) -> int:
        """Register the largest face of every reference image under ``directory``."""
        count = 0
        for person_id, path in _references(directory):
            try:
                encoding = encode(load(path.read_bytes()))
            except (OSError, ImageError) as exc:
                raise GalleryError(f"{path.name}: unusable reference image ({exc})") from exc
            if encoding is None:
                raise GalleryError(f"{path.name}: no face found in the reference image")
            self.register(person_id, encoding)
            count += 1
        return count


def _read(path: Path, model: str) -> Iterator[tuple[int, str, list[float]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GalleryError(f"cannot read gallery {path.name} ({type(exc).__name__})") from exc
    try:
        header = json.loads(lines[0]) if lines else {}
    except json.JSONDecodeError as exc:
        raise GalleryError(f"{path.name}:1: header is not JSON") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != 1:
        raise GalleryError(f"{path.name}:1: not a {FORMAT} v1 file")
    if header.get("model") != model:
        raise GalleryError(f"{path.name}:1: encodings are for model {header.get('model')!r}, not {model!r}")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            yield number, str(row["person_id"]), row["encoding"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise GalleryError(f"{path.name}:{number}: expected person_id and encoding") from exc


def _references(directory: Path) -> Iterator[tuple[str, Path]]:
    if not directory.is_dir():
        raise GalleryError(f"gallery directory {directory.name} does not exist")
    for entry in sorted(directory.iterdir()):
        if entry.is_dir():
            for image in sorted(entry.iterdir()):
                if image.suffix.lower() in IMAGE_SUFFIXES:
                    yield entry.name, image
        elif entry.suffix.lower() in IMAGE_SUFFIXES:
            yield entry.stem, entry
