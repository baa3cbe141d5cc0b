"""Shared fixtures: one embedded broker per session, and moderator workers on unique topics."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ops.broker import EmbeddedBroker
from ops.dev import spawn_worker, stop_process
from ops.kafka_admin import create_topics
from ops.settings import Settings
from streams import topics


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """One started Tansu broker on a free port for the whole session; tests use unique topics."""
    log_path = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_path=log_path) as started:
        yield started


def unique_settings(broker: EmbeddedBroker, data_dir: Path, **overrides: object) -> Settings:
    """Settings on ``broker`` with topics and consumer group of their own, topics created."""
    tag = uuid.uuid4().hex[:8]
    settings = Settings(
        broker=broker.bootstrap, topic_prefix=f"t{tag}.", app_id=f"modstream-{tag}",
        data_dir=data_dir, partitions=2, **overrides,
    )
    create_topics(settings.bootstrap, topics.specs(settings))
    return settings


class WorkerProcess:
    """A real `modstream worker` process; its log is kept for failure messages."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.log_path = settings.data_dir / "worker.log"
        self.proc = spawn_worker(settings, self.log_path)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self, last: int = 40) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines() if self.log_path.exists() else []
        return "\n".join(lines[-last:])

    def stop(self) -> None:
        stop_process(self.proc)


@pytest.fixture
def start_worker() -> Iterator[Callable[[Settings], WorkerProcess]]:
    """Start workers for a test; every one is stopped afterwards, whatever happened."""
    started: list[WorkerProcess] = []

    def start(settings: Settings) -> WorkerProcess:
        started.append(WorkerProcess(settings))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()
