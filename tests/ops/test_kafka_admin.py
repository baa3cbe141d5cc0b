"""Topic administration against the real embedded broker."""

from __future__ import annotations

import uuid

import pytest

from ops.broker import EmbeddedBroker, free_port
from ops.kafka_admin import BrokerUnreachable, TopicError, TopicSpec, create_topics, describe, wait_for_broker

pytestmark = pytest.mark.broker


def _name(stem: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:8]}"


def test_create_topics_is_idempotent(broker: EmbeddedBroker) -> None:
    a, b = _name("prompts"), _name("verdicts")
    specs = [TopicSpec(a, partitions=4), TopicSpec(b, partitions=2, config={"retention.ms": "3600000"})]
    assert create_topics(broker.bootstrap, specs) == [a, b]
    assert create_topics(broker.bootstrap, specs) == []
    topics = describe(broker.bootstrap)
    assert topics[a] == 4 and topics[b] == 2


def test_create_only_the_missing_topic(broker: EmbeddedBroker) -> None:
    a, b = _name("in"), _name("out")
    create_topics(broker.bootstrap, [TopicSpec(a, 1)])
    assert create_topics(broker.bootstrap, [TopicSpec(a, 1), TopicSpec(b, 3)]) == [b]
    assert describe(broker.bootstrap)[b] == 3


def test_existing_topic_with_other_partition_count_is_an_error(broker: EmbeddedBroker) -> None:
    a = _name("mismatch")
    create_topics(broker.bootstrap, [TopicSpec(a, 1)])
    with pytest.raises(TopicError, match=rf"{a}: wanted 4, has 1"):
        create_topics(broker.bootstrap, [TopicSpec(a, 4)])


def test_empty_specs_do_nothing(broker: EmbeddedBroker) -> None:
    assert create_topics(broker.bootstrap, []) == []


@pytest.mark.parametrize("kwargs", [{"partitions": 0}, {"partitions": 1, "replication": 0}, {"partitions": -1}])
def test_topic_spec_rejects_nonsense(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="invalid topic spec"):
        TopicSpec("t", **kwargs)


def test_wait_for_broker_returns_when_ready(broker: EmbeddedBroker) -> None:
    wait_for_broker(broker.bootstrap, timeout=5)


def test_unreachable_broker_errors_clearly() -> None:
    dead = f"127.0.0.1:{free_port()}"
    with pytest.raises(BrokerUnreachable, match=f"no Kafka broker answers at {dead}"):
        create_topics(dead, [TopicSpec("t", 1)])
    with pytest.raises(BrokerUnreachable, match=f"no Kafka broker answers at {dead}"):
        describe(dead)
    with pytest.raises(BrokerUnreachable, match=f"{dead} not ready after 0.5s"):
        wait_for_broker(dead, timeout=0.5)
