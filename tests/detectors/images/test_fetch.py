"""Fetching: file and http(s) fetchers with limits, against a local server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from detectors.images.errors import (
    BadContentType,
    ChecksumMismatch,
    FetchError,
    FetchTimeout,
    ImageError,
    ImageTooLarge,
    TooManyRedirects,
)
from detectors.images.fetch import (
    FetchLimits,
    FileFetcher,
    HttpFetcher,
    MemoryFetcher,
    default_fetcher,
    fetch_ref,
    redact,
)
from schemas.models import ImageRef

BODY = b"\x89PNG\r\n\x1a\n" + b"x" * 1000
LIMIT = 4096


def ref_of(data: bytes, uri: str) -> ImageRef:
    return ImageRef(uri=uri, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", content_type: str = "image/png",
              length: int | None = None, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up first, as tested
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/ok.png":
            self._send(200, BODY, length=len(BODY))
        elif path == "/declared-big":
            self._send(200, BODY, length=LIMIT * 10)
        elif path == "/streamed-big":  # no Content-Length: only the streamed count can stop it
            self._send(200, b"y" * (LIMIT * 4))
        elif path == "/html":
            self._send(200, b"<html></html>", content_type="text/html; charset=utf-8")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self._send(302, Location="/ok.png" if left == 0 else f"/hop/{left - 1}")
        elif path == "/loop":
            self._send(302, Location="/loop")
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, BODY, length=len(BODY))
        else:
            self._send(404, b"", content_type="text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def http() -> HttpFetcher:
    return HttpFetcher(FetchLimits(max_bytes=LIMIT, connect_timeout_s=1.0, read_timeout_s=0.5,
                                   total_timeout_s=5.0, max_redirects=2))


def test_http_ok_and_verified(server: str, http: HttpFetcher) -> None:
    uri = f"{server}/ok.png?token=secret"
    assert fetch_ref(http, ref_of(BODY, uri)) == BODY


@pytest.mark.parametrize(("path", "error"), [
    ("/declared-big", ImageTooLarge),
    ("/streamed-big", ImageTooLarge),
    ("/html", BadContentType),
    ("/loop", TooManyRedirects),
    ("/hop/3", TooManyRedirects),
    ("/missing", FetchError),
    ("/slow", FetchTimeout),
])
def test_http_refusals(server: str, http: HttpFetcher, path: str, error: type[ImageError]) -> None:
    started = time.monotonic()
    with pytest.raises(error) as caught:
        http.fetch(f"{server}{path}?sig=hunter2")
    assert time.monotonic() - started < 3
    assert "hunter2" not in str(caught.value)  # query strings (signed-URL tokens) never reach messages


def test_redirects_within_limit(server: str, http: HttpFetcher) -> None:
    assert http.fetch(f"{server}/hop/1") == BODY


def test_allowed_hosts(server: str) -> None:
    fetcher = HttpFetcher(allowed_hosts=frozenset({"images.example"}))
    with pytest.raises(FetchError, match="host not allowed"):
        fetcher.fetch(f"{server}/ok.png")


def test_connect_refused_is_fetch_error() -> None:
    with pytest.raises(FetchError):
        HttpFetcher(FetchLimits(connect_timeout_s=0.5)).fetch("http://127.0.0.1:9/x.png")


def test_file_fetcher(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(BODY)
    fetcher = FileFetcher(root=tmp_path)
    assert fetch_ref(fetcher, ref_of(BODY, path.as_uri())) == BODY
    with pytest.raises(ImageTooLarge):
        FileFetcher(limits=FetchLimits(max_bytes=10)).fetch(path.as_uri())
    with pytest.raises(FetchError, match="cannot read"):
        fetcher.fetch((tmp_path / "missing.png").as_uri())


def test_file_fetcher_confined_to_root(tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(BODY)
    root = tmp_path / "images"
    root.mkdir()
    (root / "link.png").symlink_to(outside)
    fetcher = FileFetcher(root=root)
    for uri in (outside.as_uri(), f"file://{root}/../secret.png", (root / "link.png").as_uri()):
        with pytest.raises(FetchError, match="outside"):
            fetcher.fetch(uri)


def test_sha_and_size_mismatch() -> None:
    fetcher = MemoryFetcher({"mem://a": BODY})
    good = ref_of(BODY, "mem://a")
    with pytest.raises(ChecksumMismatch, match="sha256"):
        fetch_ref(fetcher, good.model_copy(update={"sha256": "0" * 64}))
    with pytest.raises(ChecksumMismatch, match="bytes"):
        fetch_ref(fetcher, good.model_copy(update={"size_bytes": len(BODY) + 1}))
    with pytest.raises(ImageTooLarge):  # refused before fetching
        fetch_ref(MemoryFetcher({}), good, max_bytes=10)


def test_scheme_routing(server: str, tmp_path: Path) -> None:
    fetcher = default_fetcher()
    assert fetcher.fetch(f"{server}/ok.png") == BODY
    with pytest.raises(FetchError, match="unsupported URI scheme"):
        fetcher.fetch("gopher://x/y")


def test_redact() -> None:
    assert redact("https://user:pw@host:8443/a/b.png?X-Amz-Signature=abc#f") == "https://host:8443/a/b.png"
