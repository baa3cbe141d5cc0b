"""Benchmark the image detectors and the whole chain on this machine's CPU.

    .venv/bin/python -m detectors.images.bench [--repeat 10] [--workers 2] [--sizes 512 1024]

Per stage and for the chain: images/s (``items/s``; lookups or adds/s in the bank rows) and
p50/p99 ms per image, at typical generation
sizes, JPEG and PNG, on scikit-image's benign sample photos (one of four with a face; and
the face photo alone, as generated images of people would be). Then the
chain through a process pool, and hash-bank lookups over 100k random hashes
(multi-index vs. a numpy linear scan). ``cpu ms`` is this process's CPU time per image: on a
machine shared with other work, wall-clock rates fall but CPU per image does not, so
``1000 / cpu ms`` per idle core is the capacity to expect.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PIL import Image

from detectors.images.base import ImageContext, Pixels
from detectors.images.fetch import load_image
from detectors.images.hashes import BITS, MultiIndex
from detectors.images.screen import ImageScreener

PHOTOS = ("astronaut", "coffee", "chelsea", "camera")
Row = tuple[str, str, int, float, float, float, float]


def sample_images(size: int, fmt: str, names: Sequence[str] = PHOTOS) -> list[bytes]:
    import skimage.data

    out = []
    for name in names:
        photo = Image.fromarray(getattr(skimage.data, name)()).convert("RGB")
        image = photo.resize((size, size), Image.Resampling.BICUBIC)
        buffer = io.BytesIO()
        image.save(buffer, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
        out.append(buffer.getvalue())
    return out


def timed(fn: Callable[[Any], Any], inputs: Sequence[Any]) -> tuple[np.ndarray, float]:
    """Wall time per call, and this process's CPU seconds for all calls."""
    fn(inputs[0])  # warm-up: lazy allocations, first-run kernels
    times = []
    cpu = time.process_time()
    for item in inputs:
        started = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - started)
    return np.asarray(times), time.process_time() - cpu


def row(stage: str, case: str, measured: tuple[np.ndarray, float]) -> Row:
    times, cpu = measured
    return (stage, case, len(times), len(times) / times.sum(), 1e3 * np.percentile(times, 50),
            1e3 * np.percentile(times, 99), 1e3 * cpu / len(times))


def bench_stages(screener: ImageScreener, blobs: list[bytes], case: str) -> list[Row]:
    pixels = [Pixels.of(load_image(b)) for b in blobs]
    context = ImageContext(request_id="bench")
    rows = [row("decode", case, timed(load_image, blobs))]
    for detector in screener.detectors:
        rows.append(row(detector.name, case, timed(detector.analyse, pixels)))
    analyses = [screener.analyse(b) for b in blobs]
    rows.append(row("judge (lookups+policy)", case, timed(lambda a: screener.judge(a, context), analyses)))
    rows.append(row("chain, 1 process", case, timed(lambda b: screener.screen(b, context), blobs)))
    return rows


def bench_pool(screener: ImageScreener, blobs: list[bytes], case: str, workers: int) -> Row:
    items = [(b, ImageContext(request_id="bench")) for b in blobs]
    with screener.process_pool(workers) as pool:
        screener.screen_batch(items[:workers * 2], executor=pool)  # start and warm every process
        started = time.perf_counter()
        screener.screen_batch(items, executor=pool)
        elapsed = time.perf_counter() - started
    # Throughput only: with every image queued at once, per-image latency is queueing time.
    return (f"chain, {workers}-process pool", case, len(blobs), len(blobs) / elapsed, math.nan, math.nan, math.nan)


def bench_lookup(kind: str, radius: int, size: int = 100_000, queries: int = 500) -> list[Row]:
    rng = np.random.default_rng(0)
    nbytes = BITS[kind] // 8
    digests = [rng.bytes(nbytes) for _ in range(size)]
    index = MultiIndex(BITS[kind], radius)
    started = time.perf_counter()
    for digest in digests:
        index.add(digest)
    index.rebuild()
    build = time.perf_counter() - started
    words = np.frombuffer(b"".join(digests), dtype=">u8").astype(np.uint64).reshape(size, -1)
    probes = [rng.bytes(nbytes) for _ in range(queries // 2)]
    probes += [bytes(b ^ (1 << (j % 8)) if j < radius // 8 else b for j, b in enumerate(digests[i * 7]))
               for i in range(queries // 2)]  # near neighbours of indexed hashes

    def linear(q: bytes) -> np.ndarray:
        d = np.bitwise_count(words ^ np.frombuffer(q, dtype=">u8").astype(np.uint64)).sum(axis=1)
        return np.flatnonzero(d <= radius)

    case = f"{size / 1000:g}k {kind}, r={radius}"
    return [row(f"bank build ({build:.1f}s)", case, (np.asarray([build / size] * 2), build / size * 2)),
            row("lookup, multi-index", case, timed(index.query, probes)),
            row("lookup, numpy scan", case, timed(linear, probes)),
            row("add at run time (+20%)", case, timed(index.add, [rng.bytes(nbytes) for _ in range(size // 5)])),
            row("lookup after the adds", case, timed(index.query, probes))]


def table(rows: list[Row]) -> str:
    head = f"{'stage':<28} {'case':<24} {'n':>5} {'items/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'cpu ms':>9}"
    lines = [head, "-" * len(head)]
    lines += [f"{s:<28} {c:<24} {n:>5} {rate:>10.1f} {_ms(p50)} {_ms(p99)} {_ms(cpu)}"
              for s, c, n, rate, p50, p99, cpu in rows]
    return "\n".join(lines)


def _ms(value: float) -> str:
    return f"{'-':>9}" if math.isnan(value) else f"{value:>9.2f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="passes over the 4 sample photos per case")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024])
    parser.add_argument("--formats", nargs="+", default=["JPEG", "PNG"])
    parser.add_argument("--bank-size", type=int, default=100_000, help="random hashes per kind in the lookup bench")
    args = parser.parse_args(argv)
    screener = ImageScreener.default()
    print("detectors:", ", ".join(f"{k} {v}" for k, v in screener.versions.items()))
    print(f"cpus: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")
    rows: list[Row] = []
    for size in args.sizes:
        cases = [(f"{size}x{size} {fmt}", sample_images(size, fmt) * args.repeat) for fmt in args.formats]
        # The mix above has one face in four photos; generated images often all show people.
        cases.append((f"{size}x{size} JPEG, 1 face", sample_images(size, "JPEG", ["astronaut"]) * 4 * args.repeat))
        for case, blobs in cases:
            rows += bench_stages(screener, blobs, case)
            rows.append(bench_pool(screener, blobs, case, args.workers))
    rows += bench_lookup("pdq", 31, args.bank_size) + bench_lookup("phash", 10, args.bank_size)
    print(table(rows))
    print(f"load average after: {os.getloadavg()[0]:.2f} (this benchmark adds up to {args.workers}; "
          "more means other work shared the CPU: trust the cpu ms column)")


if __name__ == "__main__":
    main()
