"""The benchmark runs end to end (tiny sizes): it must not rot between the times it is run."""

from __future__ import annotations

import pytest

from detectors.images import bench


def test_bench_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    bench.main(["--repeat", "1", "--sizes", "256", "--formats", "JPEG", "--workers", "1", "--bank-size", "2000"])
    out = capsys.readouterr().out
    for stage in ("decode", "hashes", "nsfw", "faces", "chain, 1 process", "chain, 1-process pool",
                  "lookup, multi-index", "add at run time"):
        assert stage in out
