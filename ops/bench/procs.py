"""Processes under test: the real worker and the two pass-through ceilings, with CPU and RSS readings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ops.dev import spawn_worker, stop_process
from ops.settings import Settings

__all__ = ["Sut", "cpu_seconds", "joined_generation", "quiesce", "rss_bytes", "wait_for_members"]

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (all its threads) and of its live child processes (an
    image worker's analysis pool) so far; 0 if it is gone."""
    total = 0.0
    for p in (pid, *_descendants(pid)):
        if (fields := _stat(p)) is not None:
            total += (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15)
    return total


def rss_bytes(pid: int) -> int:
    """Resident set size (VmRSS) of ``pid`` and its live descendants (screening and image pools)
    now, summed; 0 if it is gone. Pool processes are started by a fork server and share little."""
    total = 0
    for p in (pid, *_descendants(pid)):
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as status:
                total += next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:")), 0)
        except OSError:
            pass
    return total


def quiesce(pids: Sequence[int], below: float = 0.4, timeout: float = 90, step: float = 1.0) -> float:
    """Wait until ``pids`` together use less than ``below`` of a core over ``step`` seconds.

    The worker goes on after its decisions are out (enforcement, escalation, table changelogs);
    the next phase must not inherit that work. An idle worker still polls its fetches (0.08 of a
    core on a quiet day, 0.26-0.29 on 2026-12-04), hence 0.4 of a core. Returns the seconds waited.
    """
    start = time.monotonic()
    before = sum(cpu_seconds(p) for p in pids)
    while time.monotonic() - start < timeout:
        time.sleep(step)
        now = sum(cpu_seconds(p) for p in pids)
        if now - before < below * step:
            break
        before = now
    return time.monotonic() - start


class Sut:
    """One process under test: ``kind`` is ``worker`` (``modstream worker``), ``raw`` or ``faust``
    (``ops.bench.passthrough``); it logs to ``log_path`` and is stopped by ``stop()``."""

    def __init__(self, kind: str, settings: Settings, log_path: Path, extra_env: dict[str, str] | None = None):
        self.kind, self.settings, self.log_path = kind, settings, log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "worker" and not extra_env:
            self.proc = spawn_worker(settings, log_path)
            return
        module = ["ops.cli", "worker"] if kind == "worker" else ["ops.bench.passthrough", kind]
        env = {**os.environ, **settings.as_env(), **(extra_env or {})}
        with log_path.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", *module], env=env,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace").splitlines() if self.log_path.exists() else []
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        stop_process(self.proc)


_JOINED = re.compile(r"Joined group '([^']+)' \(generation (\d+)\)")


def joined_generation(log_path: Path, group: str) -> int | None:
    """The latest group generation a faust worker's log says it joined, or None."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    found = [int(gen) for name, gen in _JOINED.findall(text) if name == group]
    return found[-1] if found else None


def wait_for_members(suts: Sequence[Sut], group: str, timeout: float = 60) -> float:
    """Seconds until every worker in ``suts`` has joined the same generation of ``group``.

    Read from the workers' logs: the embedded broker's DescribeGroups answer cannot be parsed
    by kafka-python 3.0.12 (an authorised-operations value of 15), so the broker cannot be asked.
    """
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        generations = {joined_generation(sut.log_path, group) for sut in suts}
        if len(generations) == 1 and None not in generations:
            return time.monotonic() - start
        time.sleep(0.25)
    raise TimeoutError(f"{len(suts)} workers did not join one generation of {group} in {timeout:g}s")
