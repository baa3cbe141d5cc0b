"""Image errors, under ``schemas.errors`` (modstream's one hierarchy)::

    ImageError                     (schemas.errors) an image could not be fetched or read
    ├── FetchError                 the bytes could not be fetched: scheme, path, network, HTTP status
    │   ├── FetchTimeout           connect or read timed out, or the whole fetch ran past its deadline
    │   ├── TooManyRedirects       more redirects than the fetcher allows
    │   └── BadContentType         the server did not say it was sending an accepted image type
    ├── ImageTooLarge              more bytes than allowed (declared, streamed or passed in)
    ├── ChecksumMismatch           the bytes do not match the ImageRef's sha256 or size
    └── UnreadableImage            the bytes are not an image this code will decode
        ├── UnsupportedFormat      empty, not an image, or a format outside the allowed set
        ├── TruncatedImage         the data ends early or is corrupt
        └── ImageDimensionsError   zero-size, wider, taller or more pixels than allowed
            └── DecompressionBomb  Pillow's own decompression-bomb guard fired

    DetectorError                  (schemas.errors) a detector failed to load or to score
    ├── HashBankError              a hash bank file or entry is malformed (``file:line: ...``)
    └── GalleryError               a face gallery file, directory or reference image is unusable

Messages name the URI without its query string, byte counts, dimensions and library error
classes; never image bytes, so they are safe to log and to put in a dead letter.
"""

from __future__ import annotations

from pathlib import Path

from schemas.errors import DetectorError, ImageError

__all__ = [
    "BadContentType",
    "ChecksumMismatch",
    "DecompressionBomb",
    "DetectorError",
    "FetchError",
    "FetchTimeout",
    "GalleryError",
    "HashBankError",
    "ImageDimensionsError",
    "ImageError",
    "ImageTooLarge",
    "TooManyRedirects",
    "TruncatedImage",
    "UnreadableImage",
    "UnsupportedFormat",
]


class FetchError(ImageError):
    """The image bytes could not be fetched."""


class FetchTimeout(FetchError):
    """Connecting or reading took longer than allowed."""


class TooManyRedirects(FetchError):
    """The server redirected more times than the fetcher follows."""


class BadContentType(FetchError):
    """The response's content-type is not one of the accepted image types."""


class ImageTooLarge(ImageError):
    """More bytes than the configured limit."""


class ChecksumMismatch(ImageError):
    """The bytes do not hash to the sha256 (or have the size) the ImageRef promised."""


class UnreadableImage(ImageError):
    """The bytes are not an image this code will decode."""


class UnsupportedFormat(UnreadableImage):
    """Empty, not an image at all, or an image format outside the allowed set."""


class TruncatedImage(UnreadableImage):
    """The image data ends early or is corrupt."""


class ImageDimensionsError(UnreadableImage):
    """Zero-size, or wider, taller or larger in pixels than allowed."""


class DecompressionBomb(ImageDimensionsError):
    """Pillow refused the image as a decompression bomb."""


class HashBankError(DetectorError):
    """A hash bank cannot be loaded or an entry is malformed; file errors start with ``file:line``."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        where = f"{path.name}:{line}: " if path is not None and line is not None else ""
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class GalleryError(DetectorError):
    """A face gallery cannot be loaded, or a reference image holds no usable face."""
