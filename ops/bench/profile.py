"""Sample a running worker with py-spy and rank where its main thread spends its time.

py-spy (PyPI, MIT) attaches to a pid from outside, so the worker runs unmodified. Samples are
kept as folded stacks (``var/bench/profile.folded``, readable by any flamegraph tool); the
summary counts only the faust main thread's busy samples (the consumer thread mostly waits).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

__all__ = ["GROUPS", "Profiler", "summarise"]

#: Labels for frames worth reading in the report: substring of a frame -> what it is.
GROUPS = {
    "screen_safely": "screening (detectors chain + policy)",
    "fingerprint (detectors/fingerprint.py": "simhash fingerprint",
    "content_hash (detectors/fingerprint.py": "content hash",
    "Logger.": "logging",
    "encode (schemas/wire.py": "Avro encode",
    "decode (schemas/wire.py": "Avro decode",
    "streams/events.py": "event constructors (pydantic)",
    "Topic.send (faust/topics.py": "faust send path",
    "Sender.": "aiokafka producer sender",
    "send_decision (streams/pipeline.py": "decision + enforcement sends",
    "escalate_user": "agent escalate_user",
    "faust/stores/rocksdb.py": "rocksdb table store",
    "Fetcher._fetcher (faust": "faust fetcher",
}
_PROJECT = ("detectors/", "streams/", "schemas/", "ops/")
#: Where a busy sample's time goes: the first of these found walking up from the leaf frame
#: (libraries such as pydantic, numpy or fastavro count for whoever called them).
LAYERS = (
    ("logging/", "logging"),
    ("detectors/", "detectors (screening, fingerprint, content hash)"),
    ("schemas/", "schemas (Avro encode/decode, validation)"),
    ("streams/events.py", "streams.events (building events)"),
    ("aiokafka/", "faust / aiokafka / asyncio machinery"),
    ("faust/", "faust / aiokafka / asyncio machinery"),
    ("mode/", "faust / aiokafka / asyncio machinery"),
    ("asyncio/", "faust / aiokafka / asyncio machinery"),
    ("streams/", "streams (agents, pipeline)"),
)


def py_spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return found if Path(found).exists() else None


class Profiler:
    """``py-spy record`` on ``pid`` for ``seconds``, into ``out`` (folded stacks)."""

    def __init__(self, pid: int, seconds: float, out: Path, rate: int = 100):
        exe = py_spy()
        if exe is None:
            raise RuntimeError("py-spy is not installed: .venv/bin/pip install py-spy==0.4.3")
        self.out = out
        self.proc = subprocess.Popen(
            [exe, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", str(rate),
             "--format", "raw", "--nonblocking", "--output", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def wait(self, timeout: float = 60) -> Path:
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        if not self.out.exists():
            raise RuntimeError(f"py-spy wrote nothing: {err.decode(errors='replace')[-500:]}")
        return self.out


def _main_thread_samples(folded: Path) -> list[tuple[list[str], int]]:
    out = []
    for line in folded.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or not any("execute_from_commandline" in f for f in frames[:20]):
            continue
        if frames[-1].startswith("EpollSelector.select"):
            continue  # waiting for I/O
        out.append((frames, int(count)))
    return out


def summarise(folded: Path, top: int = 15) -> dict[str, object]:
    """Shares of the worker main thread's busy samples: by layer (each sample counted once), by
    named group (inclusive, overlapping), by own-code function (inclusive) and by leaf (self)."""
    samples = _main_thread_samples(folded)
    total = sum(n for _, n in samples) or 1
    layers: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    for frames, n in samples:
        stack = ";".join(frames)
        layers[_layer(frames)] += n
        for needle, label in GROUPS.items():
            if needle in stack:
                groups[label] += n
        for frame in {f for f in frames if any(p in f for p in _PROJECT) and "ops/cli.py" not in f
                      and "ops/worker.py" not in f}:
            inclusive[frame] += n
        leaf[frames[-1]] += n

    def pct(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / total, 1)) for name, n in counter.most_common(top)]

    return {"busy_samples": total, "layers": pct(layers), "groups": pct(groups), "inclusive": pct(inclusive),
            "self": pct(leaf)}


def _layer(frames: list[str]) -> str:
    for frame in reversed(frames):
        for needle, layer in LAYERS:
            if needle in frame:
                return layer
    return "other"
