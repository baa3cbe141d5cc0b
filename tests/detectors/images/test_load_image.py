"""load_image: hostile and broken bytes become a clear ImageError subclass, never a crash."""

from __future__ import annotations

import hashlib
import struct
import time
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from detectors.images.errors import (
    ChecksumMismatch,
    DecompressionBomb,
    ImageDimensionsError,
    ImageError,
    ImageTooLarge,
    TruncatedImage,
    UnreadableImage,
    UnsupportedFormat,
)
from detectors.images.fetch import DecodeLimits, load_image
from schemas.models import ImageRef
from tests.detectors.images.conftest import encode


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` with one row of data: a bomb by its header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def small() -> Image.Image:
    return Image.new("RGB", (64, 48), (200, 120, 40))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_accepted_formats_load_as_rgb(small: Image.Image, fmt: str) -> None:
    image = load_image(encode(small, fmt))
    assert (image.mode, image.size) == ("RGB", (64, 48))


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "I;16", "1", "LA"])
def test_png_modes_convert_to_rgb(mode: str) -> None:
    assert load_image(encode(Image.new(mode, (8, 8)), "PNG")).mode == "RGB"


def test_compressed_bomb_refused_before_decoding() -> None:
    bomb = encode(Image.new("L", (6000, 6000)), "PNG", optimize=True)
    assert len(bomb) < 100_000  # 36 MB of pixels in a few tens of kB
    started = time.monotonic()
    with pytest.raises(ImageDimensionsError, match="6000x6000"):
        load_image(bomb)
    assert time.monotonic() - started < 0.5


def test_pillow_bomb_guard_is_mapped() -> None:
    # Our own limits lifted: Pillow's guard (2 x 89.5 Mpx) must still surface as an ImageError.
    with pytest.raises(DecompressionBomb):
        load_image(png_header_only(20_000, 20_000), DecodeLimits(max_side=10**6, max_pixels=10**12))


@pytest.mark.parametrize(("width", "height"), [(9000, 4), (4, 9000), (5000, 5000)])
def test_huge_dimensions(width: int, height: int) -> None:
    with pytest.raises(ImageDimensionsError):
        load_image(png_header_only(width, height))


def test_zero_size() -> None:
    with pytest.raises(UnreadableImage):
        load_image(png_header_only(0, 10))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated(fmt: str) -> None:
    data = encode(Image.effect_noise((256, 256), 60).convert("RGB"), fmt)
    for cut in (len(data) // 2, len(data) - 200):
        with pytest.raises(TruncatedImage) as caught:
            load_image(data[:cut])
        assert caught.value.__cause__ is not None


def test_truncated_png_names_the_problem() -> None:
    data = encode(Image.effect_noise((256, 256), 60), "PNG")
    with pytest.raises(TruncatedImage, match="PNG 256x256"):
        load_image(data[: len(data) // 2])


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_wrong_formats(small: Image.Image, fmt: str) -> None:
    with pytest.raises(UnsupportedFormat):
        load_image(encode(small, fmt))


@pytest.mark.parametrize("data", [b"", b"hello, not an image", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                                  b"%PDF-1.4\n", b"RIFF\0\0\0\0WAVE"])
def test_not_images(data: bytes) -> None:
    with pytest.raises(UnsupportedFormat):
        load_image(data)


def test_too_many_bytes(small: Image.Image) -> None:
    with pytest.raises(ImageTooLarge):
        load_image(encode(small, "PNG"), DecodeLimits(max_bytes=100))


def test_sha_verified_against_ref(small: Image.Image) -> None:
    data = encode(small, "PNG")
    ref = ImageRef(uri="mem://x", sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data))
    assert load_image(data, ref=ref).size == (64, 48)
    with pytest.raises(ChecksumMismatch):
        load_image(data, ref=ref.model_copy(update={"sha256": hashlib.sha256(b"other").hexdigest()}))


def test_error_cause_chained() -> None:
    with pytest.raises(UnsupportedFormat) as caught:
        load_image(b"GIF89a" + b"\0" * 20)
    assert caught.value.__cause__ is not None


def _loads_or_image_error(data: bytes) -> None:
    started = time.monotonic()
    try:
        image = load_image(data)
    except ImageError:
        pass
    else:
        assert image.mode == "RGB"
    assert time.monotonic() - started < 2.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data: bytes) -> None:
    _loads_or_image_error(data)


SEEDS = {fmt: encode(Image.effect_noise((48, 32), 50).convert("RGB"), fmt) for fmt in ("PNG", "JPEG", "WEBP")}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(sorted(SEEDS)), cut=st.integers(0, 4000),
       flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=8))
def test_mutated_real_images(fmt: str, cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(SEEDS[fmt])
    for position, value in flips:
        data[position % len(data)] = value
    _loads_or_image_error(bytes(data[: max(1, len(data) - cut % len(data))]))
