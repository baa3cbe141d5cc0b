"""Known-bad hash matching: bank format, multi-index correctness, altered copies, run-time adds."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from detectors.base import Category
from detectors.images.base import ImageCategory, Pixels
from detectors.images.errors import HashBankError
from detectors.images.hashes import BITS, HEADER, BankEntry, HashBank, HashDetector, MultiIndex, compute_hashes

SAMPLE_BANK = Path(__file__).parents[3] / "detectors" / "images" / "banks" / "sample.tsv"


def jpeg(image: Image.Image, quality: int = 70) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def crop(image: Image.Image, fraction: float) -> Image.Image:
    dx, dy = int(image.width * fraction), int(image.height * fraction)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


ALTERATIONS = {
    "half-size": lambda im: im.resize((im.width // 2, im.height // 2), Image.Resampling.BILINEAR),
    "upscaled": lambda im: im.resize((im.width * 3 // 2, im.height * 3 // 2), Image.Resampling.BICUBIC),
    "jpeg-q70": jpeg,
    "crop-2pct": lambda im: crop(im, 0.02),
    "crop-5pct-one-side": lambda im: im.crop((0, 0, int(im.width * 0.95), im.height)),
    "brighter": lambda im: ImageEnhance.Brightness(im).enhance(1.2),
    "darker": lambda im: ImageEnhance.Brightness(im).enhance(0.8),
    "all-together": lambda im: jpeg(crop(ImageEnhance.Brightness(
        im.resize((im.width * 3 // 4, im.height * 3 // 4))).enhance(1.15), 0.02)),
}


def bank_of(image: Image.Image, label: str = "benign-test") -> HashBank:
    bank = HashBank()
    hashes = compute_hashes(Pixels.of(image))
    bank.add(BankEntry(hash=hashes.pdq, kind="pdq", bank="t", label=label))
    bank.add(BankEntry(hash=hashes.phash, kind="phash", bank="t", label=label))
    return bank


@pytest.mark.parametrize("source", ["astronaut", "camera", "coffee", "chelsea"])
@pytest.mark.parametrize("alteration", sorted(ALTERATIONS))
def test_altered_copies_match(photos: dict[str, Image.Image], source: str, alteration: str) -> None:
    detector = HashDetector(bank_of(photos[source]))
    result = detector.score(detector.analyse(Pixels.of(ALTERATIONS[alteration](photos[source]))))
    assert result.scores[ImageCategory.KNOWN_BAD_HASH] == 1.0
    assert result.hash_matches and all(m.bank == "t" for m in result.hash_matches)


@pytest.mark.parametrize("source", ["astronaut", "camera", "coffee", "chelsea"])
def test_other_images_do_not_match(photos: dict[str, Image.Image], source: str) -> None:
    detector = HashDetector(bank_of(photos[source]))
    for name, image in photos.items():
        if name == source:
            continue
        for variant in (image, ALTERATIONS["all-together"](image)):
            assert detector.score(detector.analyse(Pixels.of(variant))).hash_matches == ()


def test_exact_copy_matches_on_both_kinds(photos: dict[str, Image.Image]) -> None:
    detector = HashDetector(bank_of(photos["coffee"]))
    matches = detector.score(detector.analyse(Pixels.of(photos["coffee"]))).hash_matches
    assert {(m.kind, m.distance) for m in matches} == {("pdq", 0), ("phash", 0)}


def test_low_quality_pdq_is_not_matched() -> None:
    flat = Image.new("RGB", (256, 256), (90, 90, 90))
    hashes = compute_hashes(Pixels.of(flat))
    assert hashes.pdq_quality < 50
    bank = HashBank()
    bank.add(BankEntry(hash=hashes.pdq, kind="pdq", bank="t", label="x"))
    detector = HashDetector(bank)
    assert detector.score(hashes).hash_matches == ()


def test_sample_bank_loads_and_matches(photos: dict[str, Image.Image]) -> None:
    bank = HashBank.load([SAMPLE_BANK])
    assert len(bank) == 4
    detector = HashDetector(bank)
    for name in ("coffee", "chelsea"):
        assert detector.score(detector.analyse(Pixels.of(jpeg(photos[name])))).hash_matches
    for name in ("astronaut", "camera"):
        assert not detector.score(detector.analyse(Pixels.of(photos[name]))).hash_matches


def test_pdq_hex_is_threatexchange_order() -> None:
    # Bit k of the 256-bit hash is bit (k % 16) of 16-bit word k // 16, words printed high first.
    hashes = compute_hashes(Pixels.of(Image.effect_noise((128, 128), 80).convert("RGB")))
    assert len(hashes.pdq) == 64 and len(hashes.phash) == 16
    assert int(hashes.pdq, 16).to_bytes(32).hex() == hashes.pdq


# -- bank files and entries --


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


COLS = "hash\tkind\tbank\tlabel\tadded_at"
PDQ = "f" * 64


def test_round_trip(tmp_path: Path) -> None:
    bank = HashBank()
    bank.add(BankEntry(hash=PDQ, kind="pdq", bank="b", label="csam"))
    bank.add(BankEntry(hash="0" * 16, kind="phash", bank="b", label="ncii"))
    bank.save(tmp_path / "b.tsv")
    again = HashBank.load([tmp_path / "b.tsv"])
    assert sorted(e.line() for e in again.entries()) == sorted(e.line() for e in bank.entries())


@pytest.mark.parametrize(("lines", "message"), [
    (("hash\tkind",), "bank.tsv:1: first line"),
    ((HEADER, "hash\tkind\tlabel"), "bank.tsv:2: second line"),
    ((HEADER, COLS, f"{PDQ}\tpdq\tb\tcsam"), "bank.tsv:3: expected 5"),
    ((HEADER, COLS, "# comment", f"{PDQ[:-1]}\tpdq\tb\tcsam\t2026-01-01T00:00:00Z"), "bank.tsv:4: .*64 hex digits"),
    ((HEADER, COLS, f"{PDQ}\tmd5\tb\tcsam\t2026-01-01T00:00:00Z"), "bank.tsv:3: kind"),
    ((HEADER, COLS, f"{PDQ.upper()}\tpdq\tb\tcsam\t2026-01-01T00:00:00Z"), "bank.tsv:3: hash"),
    ((HEADER, COLS, f"{PDQ}\tpdq\tb\tcsam\tyesterday"), "bank.tsv:3: added_at"),
])
def test_bad_bank_lines_name_file_and_line(tmp_path: Path, lines: tuple[str, ...], message: str) -> None:
    with pytest.raises(HashBankError, match=message):
        HashBank.load([write(tmp_path / "bank.tsv", *lines)])


def test_run_time_add_and_remove(photos: dict[str, Image.Image]) -> None:
    bank = HashBank.load([SAMPLE_BANK])
    detector = HashDetector(bank)
    observation = detector.analyse(Pixels.of(jpeg(photos["astronaut"])))
    assert not detector.score(observation).hash_matches
    fresh = compute_hashes(Pixels.of(photos["astronaut"]))
    entry = BankEntry.model_validate_json(
        f'{{"hash": "{fresh.pdq}", "kind": "pdq", "bank": "live", "label": "csam", '
        '"added_at": "2026-02-01T00:00:00Z"}')
    assert bank.add(entry) is True
    assert bank.add(entry) is False  # idempotent: a replayed event adds nothing
    assert [m.bank for m in detector.score(observation).hash_matches] == ["live"]
    assert bank.remove("pdq", fresh.pdq, "live") is True
    assert not detector.score(observation).hash_matches


def test_evidence_names_bank_and_distance(photos: dict[str, Image.Image]) -> None:
    detector = HashDetector(bank_of(photos["chelsea"], label="csam"))
    result = detector.score(detector.analyse(Pixels.of(photos["chelsea"])))
    assert {e.term for e in result.evidence} == {"pdq:t/csam d=0", "phash:t/csam d=0"}
    assert all(e.category is ImageCategory.KNOWN_BAD_HASH for e in result.evidence)
    assert Category.SEXUAL_MINORS not in result.scores  # mapping labels to categories is policy's job


# -- multi-index hashing against brute force --


def brute(words: np.ndarray, query: bytes, radius: int) -> dict[int, int]:
    q = np.frombuffer(query, dtype=">u8").astype(np.uint64)
    d = np.bitwise_count(words ^ q).sum(axis=1)
    return {int(i): int(d[i]) for i in np.flatnonzero(d <= radius)}


def flip(digest: bytes, count: int, rng: np.random.Generator) -> bytes:
    value = int.from_bytes(digest)
    for bit in rng.choice(len(digest) * 8, size=count, replace=False):
        value ^= 1 << int(bit)
    return value.to_bytes(len(digest))


@pytest.mark.parametrize(("kind", "radius"), [("pdq", 31), ("pdq", 16), ("phash", 10), ("phash", 4)])
def test_multi_index_equals_brute_force(kind: str, radius: int) -> None:
    rng = np.random.default_rng(7)
    nbytes = BITS[kind] // 8
    index = MultiIndex(BITS[kind], radius, rebuild_every=1000)
    digests = [rng.bytes(nbytes) for _ in range(3000)]
    distances = rng.integers(0, radius + 8, 82)
    queries = [flip(digests[i], int(d), rng) for i, d in zip(range(0, 3000, 37), distances, strict=False)]
    for digest in digests[:2500]:
        index.add(digest)
    index.rebuild()
    for digest in digests[2500:]:  # some stay pending: the linear part of a query
        index.add(digest)
    words = np.frombuffer(b"".join(digests), dtype=">u8").astype(np.uint64).reshape(len(digests), -1)
    for query in queries + [rng.bytes(nbytes) for _ in range(20)]:
        assert dict(index.query(query)) == brute(words, query, radius)


def test_multi_index_discard() -> None:
    index = MultiIndex(64, 10)
    a = index.add(b"\x00" * 8)
    index.add(b"\xff" * 8)
    index.discard(a)
    assert index.query(b"\x00" * 8) == []
    assert len(index) == 2
