"""Getting image bytes (``file://``, ``http(s)://``) and turning them into pixels, safely.

Fetchers are injectable (tests pass a ``MemoryFetcher``, like httpx's ``MockTransport``);
every failure is an ``ImageError`` subclass (see ``detectors.images.errors``), raised
``from`` the library error. Fetching blocks: call it from a thread
(``await asyncio.to_thread(fetch_ref, fetcher, ref)``), never on the event loop.

>>> fetcher = MemoryFetcher({"mem://a.png": png_bytes})          # doctest: +SKIP
>>> image = load_image(fetch_ref(fetcher, ref), ref=ref)          # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import http.client
import io
import ssl
import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import unquote, urljoin, urlsplit

from PIL import Image, UnidentifiedImageError

from detectors.images.errors import (
    BadContentType,
    ChecksumMismatch,
    DecompressionBomb,
    FetchError,
    FetchTimeout,
    ImageDimensionsError,
    ImageTooLarge,
    TooManyRedirects,
    TruncatedImage,
    UnsupportedFormat,
)
from schemas.models import ImageRef

__all__ = [
    "DecodeLimits",
    "FetchLimits",
    "FileFetcher",
    "HttpFetcher",
    "ImageFetcher",
    "MemoryFetcher",
    "SchemeFetcher",
    "default_fetcher",
    "fetch_ref",
    "load_image",
    "redact",
    "verify",
]

_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: What Pillow raises on hostile input besides its own errors (plugins parse headers in Python).
_PIL_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError, TypeError,
               ZeroDivisionError, OverflowError, RuntimeError)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How much a fetch may cost: bytes, time, redirects, and what it must be."""

    max_bytes: int = 32 * 1024 * 1024
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    total_timeout_s: float = 30.0
    max_redirects: int = 3
    content_types: frozenset[str] = frozenset({"image/png", "image/jpeg", "image/webp"})


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    """What a decodable image may be: byte size, dimensions, formats."""

    max_bytes: int = 32 * 1024 * 1024
    max_side: int = 8192
    max_pixels: int = 4096 * 4096
    formats: tuple[str, ...] = ("PNG", "JPEG", "WEBP")


@runtime_checkable
class ImageFetcher(Protocol):
    """Returns the bytes at ``uri`` or raises an ``ImageError``; blocking."""

    def fetch(self, uri: str) -> bytes: ...


def redact(uri: str) -> str:
    """``uri`` without user info, query or fragment: signed-URL tokens never reach a log."""
    parts = urlsplit(uri)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


@dataclass(frozen=True)
class MemoryFetcher:
    """Serves bytes from a mapping: for tests and local tools."""

    images: Mapping[str, bytes]

    def fetch(self, uri: str) -> bytes:
        try:
            return self.images[uri]
        except KeyError as exc:
            raise FetchError(f"no image at {redact(uri)}") from exc


@dataclass(frozen=True)
class FileFetcher:
    """``file://`` URIs, optionally confined to ``root`` (no escaping it through ``..`` or links)."""

    root: Path | None = None
    limits: FetchLimits = field(default_factory=FetchLimits)

    def fetch(self, uri: str) -> bytes:
        parts = urlsplit(uri)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise FetchError(f"not a local file URI: {redact(uri)}")
        path = Path(unquote(parts.path))
        try:
            resolved = path.resolve(strict=True)
            if self.root is not None and not resolved.is_relative_to(self.root.resolve()):
                raise FetchError(f"{redact(uri)} is outside the allowed directory")
            size = resolved.stat().st_size
            if size > self.limits.max_bytes:
                raise ImageTooLarge(f"{redact(uri)}: {size} bytes > {self.limits.max_bytes}")
            with resolved.open("rb") as fh:
                data = fh.read(self.limits.max_bytes + 1)
        except OSError as exc:
            raise FetchError(f"cannot read {redact(uri)} ({type(exc).__name__})") from exc
        if len(data) > self.limits.max_bytes:
            raise ImageTooLarge(f"{redact(uri)}: more than {self.limits.max_bytes} bytes")
        return data


@dataclass(frozen=True)
class HttpFetcher:
    """``http(s)://`` GET with stdlib ``http.client``: bounded bytes, time and redirects.

    ``allowed_hosts``, when set, is checked on the first URI and on every redirect target
    (a redirect to an internal address is how an image fetcher becomes an SSRF).
    """

    limits: FetchLimits = field(default_factory=FetchLimits)
    allowed_hosts: frozenset[str] | None = None
    ssl_context: ssl.SSLContext | None = None

    def fetch(self, uri: str) -> bytes:
        deadline = time.monotonic() + self.limits.total_timeout_s
        current = uri
        for _ in range(self.limits.max_redirects + 1):
            location = self._get(current, deadline)
            if isinstance(location, bytes):
                return location
            current = urljoin(current, location)
        raise TooManyRedirects(f"{redact(uri)}: more than {self.limits.max_redirects} redirects")

    def _connection(self, uri: str) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URI: {redact(uri)}")
        if self.allowed_hosts is not None and parts.hostname not in self.allowed_hosts:
            raise FetchError(f"host not allowed: {redact(uri)}")
        timeout = self.limits.connect_timeout_s
        if parts.scheme == "https":
            context = self.ssl_context or ssl.create_default_context()
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=timeout, context=context)
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return conn, target

    def _get(self, uri: str, deadline: float) -> bytes | str:
        """The body, or the Location of a redirect."""
        conn, target = self._connection(uri)
        try:
            conn.connect()
            assert conn.sock is not None
            conn.sock.settimeout(self.limits.read_timeout_s)
            accept = ", ".join(sorted(self.limits.content_types))
            conn.request("GET", target, headers={"Accept": accept, "User-Agent": "modstream-images/1"})
            response = conn.getresponse()
            if response.status in _REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{redact(uri)}: HTTP {response.status} without Location")
                return location
            if response.status != 200:
                raise FetchError(f"{redact(uri)}: HTTP {response.status}")
            self._check_headers(uri, response)
            return self._read_body(uri, response, deadline)
        except TimeoutError as exc:
            raise FetchTimeout(f"{redact(uri)}: timed out") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{redact(uri)}: {type(exc).__name__}") from exc
        finally:
            conn.close()

    def _check_headers(self, uri: str, response: http.client.HTTPResponse) -> None:
        content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if content_type not in self.limits.content_types:
            raise BadContentType(f"{redact(uri)}: content-type {content_type[:40]!r} is not an accepted image type")
        declared = response.getheader("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise ImageTooLarge(f"{redact(uri)}: declares {declared} bytes > {self.limits.max_bytes}")

    def _read_body(self, uri: str, response: http.client.HTTPResponse, deadline: float) -> bytes:
        body = bytearray()
        while chunk := response.read(_CHUNK):
            body += chunk
            if len(body) > self.limits.max_bytes:
                raise ImageTooLarge(f"{redact(uri)}: body over {self.limits.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchTimeout(f"{redact(uri)}: over {self.limits.total_timeout_s}s in total")
        return bytes(body)


@dataclass(frozen=True)
class SchemeFetcher:
    """Routes a URI to the fetcher registered for its scheme."""

    by_scheme: Mapping[str, ImageFetcher]

    def fetch(self, uri: str) -> bytes:
        scheme = urlsplit(uri).scheme.lower()
        fetcher = self.by_scheme.get(scheme)
        if fetcher is None:
            raise FetchError(f"unsupported URI scheme {scheme[:16]!r}")
        return fetcher.fetch(uri)


def default_fetcher(limits: FetchLimits | None = None, *, root: Path | None = None,
                    allowed_hosts: frozenset[str] | None = None) -> SchemeFetcher:
    """``file``, ``http`` and ``https`` with the same limits."""
    limits = limits or FetchLimits()
    web = HttpFetcher(limits, allowed_hosts)
    return SchemeFetcher({"file": FileFetcher(root, limits), "http": web, "https": web})


def verify(data: bytes, ref: ImageRef) -> None:
    """Raise ``ChecksumMismatch`` unless ``data`` has the ref's size and sha256."""
    if len(data) != ref.size_bytes:
        raise ChecksumMismatch(f"{redact(ref.uri)}: {len(data)} bytes, ImageRef says {ref.size_bytes}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != ref.sha256:
        raise ChecksumMismatch(f"{redact(ref.uri)}: sha256 {digest[:12]}… != ImageRef {ref.sha256[:12]}…")


def fetch_ref(fetcher: ImageFetcher, ref: ImageRef, max_bytes: int | None = None) -> bytes:
    """The verified bytes of ``ref``: refused before fetching if the ref is already too big."""
    if max_bytes is not None and ref.size_bytes > max_bytes:
        raise ImageTooLarge(f"{redact(ref.uri)}: ImageRef says {ref.size_bytes} bytes > {max_bytes}")
    data = fetcher.fetch(ref.uri)
    verify(data, ref)
    return data


def load_image(data: bytes, limits: DecodeLimits | None = None, *, ref: ImageRef | None = None) -> Image.Image:
    """Decode ``data`` into a loaded RGB image, or raise an ``UnreadableImage`` subclass.

    Dimensions are checked from the header, before any pixel is decoded, against
    ``limits`` (far below Pillow's own bomb threshold, which is also mapped to an error).
    """
    limits = limits or DecodeLimits()
    if ref is not None:
        verify(data, ref)
    if not data:
        raise UnsupportedFormat("empty image (0 bytes)")
    if len(data) > limits.max_bytes:
        raise ImageTooLarge(f"{len(data)} bytes > {limits.max_bytes}")
    try:
        image = Image.open(io.BytesIO(data), formats=limits.formats)
    except Image.DecompressionBombError as exc:
        raise DecompressionBomb(f"{len(data)} bytes: Pillow decompression-bomb guard") from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedFormat(f"{len(data)} bytes: not a {'/'.join(limits.formats)} image") from exc
    except _PIL_ERRORS as exc:  # a format plugin claimed the bytes, then failed on them
        raise TruncatedImage(f"{len(data)} bytes: truncated or corrupt header ({type(exc).__name__})") from exc
    with image:
        _check_dimensions(image.width, image.height, limits)
        try:
            image.load()
            return image.convert("RGB")
        except Image.DecompressionBombError as exc:
            raise DecompressionBomb(f"{image.width}x{image.height}: Pillow decompression-bomb guard") from exc
        except _PIL_ERRORS as exc:
            raise TruncatedImage(f"{image.format} {image.width}x{image.height}, {len(data)} bytes: "
                                 f"truncated or corrupt ({type(exc).__name__})") from exc


def _check_dimensions(width: int, height: int, limits: DecodeLimits) -> None:
    if width <= 0 or height <= 0:
        raise ImageDimensionsError(f"zero-size image {width}x{height}")
    if max(width, height) > limits.max_side or width * height > limits.max_pixels:
        raise ImageDimensionsError(
            f"{width}x{height} over the limit (side {limits.max_side}, pixels {limits.max_pixels})")
