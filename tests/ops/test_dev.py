"""`modstream dev`, the main job, as a user runs it: its own broker, worker and traffic, then a clean stop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.broker


def test_dev_shows_decisions_and_dead_letters_then_stops_everything(tmp_path: Path) -> None:
    env = {**os.environ, "MODSTREAM_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "ops.cli", "dev", "--count", "20", "--rate", "20", "--bad-every", "5"],
        env=env, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    # Traffic starts once the worker is ready, so decisions and dead letters come as they happen.
    assert "worker ready in" in out
    assert "block" in out and "allow" in out and "dead letter" in out
    assert "stopped:" in out
    assert "nude" not in out.split("reasons", 1)[0]  # the header, at least, shows no prompt text
    assert running_with(f"MODSTREAM_DATA_DIR={tmp_path}".encode()) == []  # broker and worker stopped
    assert not (tmp_path / "worker.ready").exists()  # a stopped worker no longer claims readiness


def running_with(marker: bytes) -> list[int]:
    """Pids whose environment carries ``marker`` (the broker and worker inherit dev's)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found
