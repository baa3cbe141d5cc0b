"""The broker frozen (SIGSTOP) for 10 s under traffic, then thawed: the worker recovers by itself."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest

from ops.broker import EmbeddedBroker
from ops.kafka_admin import create_topics
from ops.settings import Settings
from streams import topics
from streams.client import EventPublisher
from tests.conftest import WorkerProcess
from tests.faults._stream import DECISIONS, TIMEOUT, Outputs, inconsistent
from tests.streams.test_pipeline_broker import prompt

pytestmark = pytest.mark.broker
PAUSE = 10.0
RATE = 40.0  # prompts/s, before, during (buffered by the publisher) and after the pause


class Publisher(threading.Thread):
    """Publishes prompts at RATE until stopped; records each request id with the phase it was sent in."""

    def __init__(self, s: Settings):
        super().__init__(daemon=True, name="pause-publisher")
        self.s, self.phase, self.sent = s, "before", []
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with EventPublisher(self.s.bootstrap, topic_prefix=self.s.topic_prefix, request_timeout_ms=60_000) as pub:
                while not self.stopping.wait(1 / RATE):
                    p = prompt("nude woman on a beach, 30 years old" if len(self.sent) % 2 else "a lighthouse at dusk")
                    pub.publish(p)  # not waiting: during the pause the client buffers
                    self.sent.append((p.request_id, self.phase))
        except BaseException as exc:  # surfaced by the test, not lost in a thread
            self.error = exc


def test_worker_recovers_after_the_broker_is_frozen_and_nothing_is_lost(tmp_path: Path) -> None:
    with EmbeddedBroker(log_path=tmp_path / "broker.log") as broker:
        tag = uuid.uuid4().hex[:6]
        s = Settings(broker=broker.bootstrap, topic_prefix=f"p{tag}.", app_id=f"pause-{tag}", data_dir=tmp_path,
                     partitions=2)
        create_topics(s.bootstrap, topics.specs(s))
        worker = WorkerProcess(s)
        publisher = Publisher(s)
        try:
            with Outputs(s, DECISIONS) as out:
                publisher.start()
                assert out.read(lambda o: len(o.decisions()) >= 5), f"worker never decided:\n{worker.log()}"
                os.killpg(broker.pid, signal.SIGSTOP)
                publisher.phase = "during"
                time.sleep(PAUSE)
                os.killpg(broker.pid, signal.SIGCONT)
                publisher.phase = "after"
                time.sleep(5)
                publisher.stopping.set()
                publisher.join(timeout=90)
                assert publisher.error is None and not publisher.is_alive()
                ids = {rid for rid, _ in publisher.sent}
                out.read(lambda o: ids <= o.decisions().keys(), timeout=TIMEOUT, quiet=1)
                decisions = out.decisions()
            assert worker.alive, f"the worker died:\n{worker.log(60)}"  # nothing restarts it here
            missing = {phase: sum(1 for rid, p in publisher.sent if p == phase and rid not in decisions)
                       for phase in ("before", "during", "after")}
            sent = {phase: sum(1 for _, p in publisher.sent if p == phase) for phase in missing}
            assert sent["during"] > 0 and sent["after"] > 0
            assert missing == {"before": 0, "during": 0, "after": 0}, f"sent {sent}; worker log:\n{worker.log(60)}"
            assert inconsistent(decisions) == {}
            print(f"sent {sent} around a {PAUSE:g} s broker freeze; all decided by the same worker process")
        finally:
            publisher.stopping.set()
            worker.stop()
            if broker.running:
                os.killpg(broker.pid, signal.SIGCONT)
