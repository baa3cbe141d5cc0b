"""The screening chain end to end: real models on benign photos, injected scores for the rest."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from detectors.base import Action, Category
from detectors.images import BankEntry, ImageContext, ImageScreener
from detectors.images.base import ImageCategory, ImageDetectorResult, Pixels
from detectors.images.faces import FaceDetector, FaceEncoder, FixedAgeModel, OnnxAgeModel
from detectors.images.hashes import HashBank, HashDetector, compute_hashes
from detectors.images.nsfw import FixedNsfwModel, NsfwDetector, OpenNsfwModel
from tests.detectors.images.conftest import encode

SAMPLE_BANK = Path(__file__).parents[3] / "detectors" / "images" / "banks" / "sample.tsv"
MATURE_SEXUAL = ImageContext(request_id="r1", mature_content_allowed=True, prompt_scores={"sexual/adult": 0.9})


@pytest.fixture
def build(encoder: FaceEncoder, age_model: OnnxAgeModel, nsfw_model: OpenNsfwModel) -> Any:
    """A screener around the session's models, with fresh banks and gallery; scores injectable."""

    def make(nsfw: float | None = None, minor: float | None = None) -> ImageScreener:
        age = age_model if minor is None else FixedAgeModel(apparent_age=12.0, minor_probability=minor)
        model = nsfw_model if nsfw is None else FixedNsfwModel(nsfw)
        return ImageScreener([HashDetector(HashBank.load([SAMPLE_BANK])), NsfwDetector(model),
                              FaceDetector(encoder, age)])
    return make


@pytest.mark.parametrize("name", ["astronaut", "camera", "coffee", "chelsea"])
def test_benign_photos_pass_with_real_models(build: Any, photos: dict[str, Image.Image], name: str) -> None:
    # coffee and chelsea are in the sample bank on purpose; here they get a fresh, empty bank
    in_sample = name in ("coffee", "chelsea")
    screener = ImageScreener([HashDetector(), *build().detectors[1:]]) if in_sample else build()
    screening = screener.screen(encode(photos[name], "JPEG", quality=90), ImageContext(request_id="r1"))
    assert screening.verdict.action is Action.ALLOW, screening.verdict.reasons
    assert {r.detector for r in screening.assessment.results} == {"hashes", "nsfw", "faces"}
    assert screening.assessment.failures == ()
    assert len(screening.assessment.image_sha256) == 64


def test_sample_bank_photo_is_blocked_with_hotline(build: Any, photos: dict[str, Image.Image]) -> None:
    screening = build().screen(encode(photos["coffee"], "JPEG", quality=70), ImageContext(request_id="r1"))
    assert screening.verdict.action is Action.BLOCK and screening.verdict.hotline
    assert ImageCategory.KNOWN_BAD_HASH in screening.verdict.categories


def test_minor_and_nudity_blocks_with_hotline(build: Any, photos: dict[str, Image.Image]) -> None:
    screening = build(nsfw=0.6, minor=0.9).screen(encode(photos["astronaut"]), MATURE_SEXUAL)
    verdict = screening.verdict
    assert (verdict.action, verdict.hotline) == (Action.BLOCK, True)
    assert Category.SEXUAL_MINORS in verdict.categories


def test_registered_person_and_nudity_blocks(build: Any, photos: dict[str, Image.Image]) -> None:
    screener = build(nsfw=0.8)
    image = encode(photos["astronaut"], "JPEG", quality=70)
    assert screener.screen(image, MATURE_SEXUAL).verdict.action is Action.ALLOW
    screener.register_person("p-astronaut", encode(photos["astronaut"]))  # a run-time event
    verdict = screener.screen(image, MATURE_SEXUAL).verdict
    assert verdict.action is Action.BLOCK and verdict.categories == (Category.SEXUAL_REAL_PERSON,)
    assert not verdict.hotline


def test_run_time_hash_add_blocks(build: Any, photos: dict[str, Image.Image]) -> None:
    screener = build()
    image = encode(photos["astronaut"], "JPEG", quality=70)
    assert screener.screen(image, ImageContext(request_id="r1")).verdict.action is Action.ALLOW
    pdq = compute_hashes(Pixels.of(photos["astronaut"])).pdq
    assert screener.add_hash(BankEntry(hash=pdq, kind="pdq", bank="live", label="csam"))
    verdict = screener.screen(image, ImageContext(request_id="r1")).verdict
    assert (verdict.action, verdict.hotline) == (Action.BLOCK, True)


@pytest.mark.parametrize(("context", "action", "evasion"), [
    (ImageContext(request_id="r1"), Action.BLOCK, False),
    (MATURE_SEXUAL, Action.ALLOW, False),
    (ImageContext(request_id="r1", mature_content_allowed=True, prompt_scores={"sexual/adult": 0.01}),
     Action.BLOCK, True),
])
def test_nudity_paths(build: Any, photos: dict[str, Image.Image], context: ImageContext, action: Action,
                      evasion: bool) -> None:
    verdict = build(nsfw=0.92).screen(encode(photos["camera"].resize((200, 100))), context).verdict
    assert (verdict.action, verdict.evasion) == (action, evasion)


class Exploding:
    name, version = "exploding", "0"

    def __init__(self, where: str):
        self.where = where

    def analyse(self, pixels: Pixels) -> str:
        if self.where == "analyse":
            raise RuntimeError("model crashed")
        return "ok"

    def score(self, observation: str) -> ImageDetectorResult:
        raise ValueError("bad observation")


@pytest.mark.parametrize("where", ["analyse", "score"])
def test_one_failing_detector_is_isolated(build: Any, photos: dict[str, Image.Image], where: str) -> None:
    screener = ImageScreener([*build().detectors, Exploding(where)])
    screening = screener.screen(encode(photos["camera"]), ImageContext(request_id="r1"))
    assert {r.detector for r in screening.assessment.results} == {"hashes", "nsfw", "faces"}
    (failure,) = screening.assessment.failures
    assert failure.detector == "exploding" and failure.error.startswith(("RuntimeError", "ValueError"))
    assert screening.verdict.action is Action.REVIEW
    assert any("fail-closed" in r for r in screening.verdict.reasons)


def test_undecodable_bytes_are_held_for_review(build: Any) -> None:
    screening = build().screen(b"\x89PNG\r\n\x1a\n garbage", ImageContext(request_id="r1"))
    assert screening.assessment.results == ()
    assert [f.detector for f in screening.assessment.failures] == ["decode"]
    assert screening.verdict.action is Action.REVIEW


def test_duplicate_detector_names_refused(build: Any) -> None:
    with pytest.raises(ValueError, match="unique"):
        ImageScreener([*build().detectors, HashDetector()])


def test_analysis_is_picklable_and_pixel_free(build: Any, photos: dict[str, Image.Image]) -> None:
    data = encode(photos["astronaut"])
    analysis = build().analyse(data)
    blob = pickle.dumps(analysis)
    assert len(blob) < 8000 < len(data)
    assert pickle.loads(blob).observations["hashes"] == analysis.observations["hashes"]


def test_batch_in_threads_equals_sequential(build: Any, photos: dict[str, Image.Image]) -> None:
    screener = build()
    items = [(encode(image, "JPEG"), ImageContext(request_id=f"r{i}")) for i, image in enumerate(photos.values())]
    with ThreadPoolExecutor(2) as pool:
        threaded = screener.screen_batch(items, executor=pool)
    assert threaded == screener.screen_batch(items)


def test_batch_in_process_pool_equals_inline(photos: dict[str, Image.Image]) -> None:
    screener = ImageScreener.default(banks=[SAMPLE_BANK])
    items = [(encode(image, "JPEG"), ImageContext(request_id=f"r{i}")) for i, image in enumerate(photos.values())]
    items.append((b"not an image", ImageContext(request_id="bad")))
    with screener.process_pool(2) as pool:
        pooled = screener.screen_batch(items, executor=pool)
    assert pooled == screener.screen_batch(items)
    assert [s.verdict.action for s in pooled] == [Action.ALLOW, Action.ALLOW, Action.BLOCK, Action.BLOCK, Action.REVIEW]


def test_default_loads_banks_and_gallery(photos: dict[str, Image.Image], tmp_path: Path) -> None:
    (tmp_path / "p-astronaut.png").write_bytes(encode(photos["astronaut"]))
    screener = ImageScreener.default(banks=[SAMPLE_BANK], gallery_dir=tmp_path)
    assert len(screener.bank) == 4 and screener.gallery.people == {"p-astronaut"}
    screener.gallery.save(tmp_path / "gallery.jsonl")
    again = ImageScreener.default(gallery=tmp_path / "gallery.jsonl")
    faces = again.screen(encode(photos["astronaut"], "JPEG", quality=70), MATURE_SEXUAL).assessment.faces
    assert [f.person_id for f in faces if f.person_id] == ["p-astronaut"]
