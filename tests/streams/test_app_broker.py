"""The faust app's broker-facing corrections, on the real embedded broker."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from faust.types import TP
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from ops.broker import EmbeddedBroker
from ops.kafka_admin import TopicSpec, create_topics
from schemas.models import EnforcementAction
from streams.app import fetched_end_offsets
from tests.conftest import WorkerProcess, unique_settings
from tests.streams.test_escalation_broker import of, outputs, publish, settled
from tests.streams.test_pipeline_broker import prompt

pytestmark = pytest.mark.broker


def test_fetched_end_offsets_correct_the_brokers_under_report(broker: EmbeddedBroker) -> None:
    topic = f"ends-{uuid.uuid4().hex[:8]}"
    create_topics(broker.bootstrap, [TopicSpec(topic, partitions=1)])
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=50, batch_size=1 << 20)
    for n in range(100):
        producer.send(topic, value=str(n).encode(), partition=0)
    producer.flush()
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap)
    reported = consumer.end_offsets([TopicPartition(topic, 0)])[TopicPartition(topic, 0)]
    consumer.close()

    fixed = asyncio.run(fetched_end_offsets(broker.bootstrap, {TP(topic, 0): reported}))
    assert fixed[TP(topic, 0)] == 100
    assert reported <= 100  # Tansu reports the last batch's base + 1 (91 for 10 batches of 10)


def test_a_fresh_worker_takes_over_and_recovers_user_state_from_the_changelog(broker: EmbeddedBroker, tmp_path: Path) -> None:
    s, user = unique_settings(broker, tmp_path / "a"), f"u-{uuid.uuid4().hex[:6]}"
    adult = "nude woman, 30 years old, boudoir photo"  # blocked: this platform allows no mature content
    first = WorkerProcess(s)
    try:
        publish(s, *(prompt(adult, user=user) for _ in range(3)))
        outputs(s, lambda got: settled(got, user, 3)
                and "warn" in {a.action.value for a in of(got, user, EnforcementAction)})
    finally:
        first.stop()
    # Every table's RocksDB got the memtable size from Settings, not faust's 64 MiB default.
    assert written_options(tmp_path / "a", "write_buffer_size") == {str(s.table_write_buffer_mib * 2**20)}
    # Same group and topics, empty local store: only the changelog can bring the strikes back.
    moved = s.model_copy(update={"data_dir": tmp_path / "b"})
    second = WorkerProcess(moved)
    try:
        publish(moved, *(prompt(adult, user=user) for _ in range(2)))
        events = outputs(moved, lambda got: "throttle" in {a.action.value for a in of(got, user, EnforcementAction)})
    finally:
        second.stop()
    assert "throttle" in {a.action.value for a in of(events, user, EnforcementAction)}, second.log()


def written_options(data_dir: Path, name: str) -> set[str]:
    """The values of option ``name`` in every RocksDB OPTIONS file the worker wrote under ``data_dir``."""
    files = list((data_dir / "faust").rglob("OPTIONS-*"))
    assert files, f"no RocksDB under {data_dir}"
    lines = (line.strip() for f in files for line in f.read_text().splitlines())
    return {line.split("=", 1)[1] for line in lines if line.startswith(f"{name}=")}
