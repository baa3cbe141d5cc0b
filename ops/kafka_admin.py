"""Explicit topic management over kafka-python's admin client (the embedded broker auto-creates nothing we want)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from ops.broker import BrokerError, ping

__all__ = [
    "BrokerUnreachable",
    "TopicError",
    "TopicSpec",
    "create_topics",
    "describe",
    "wait_for_broker",
]

#: Short on purpose: the embedded broker answers in milliseconds or not at all.
REQUEST_TIMEOUT_MS = 5_000
_TOPIC_ALREADY_EXISTS = 36


class BrokerUnreachable(BrokerError):
    """Nothing answering Kafka requests at the bootstrap address."""


class TopicError(BrokerError):
    """The broker refused a topic, or an existing topic does not match its spec."""


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A topic as it must exist: ``TopicSpec("prompts", partitions=4, config={"retention.ms": "3600000"})``."""

    name: str
    partitions: int
    replication: int = 1
    config: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Tansu accepts num_partitions=0 and creates an unusable topic, so refuse it here.
        if not self.name or self.partitions < 1 or self.replication < 1:
            raise ValueError(f"invalid topic spec {self!r}: need a name, partitions >= 1, replication >= 1")


def _split(bootstrap: str) -> tuple[str, int]:
    host, _, port = bootstrap.rpartition(":")
    return host or "127.0.0.1", int(port)


@contextmanager
def _admin(bootstrap: str, timeout: float = REQUEST_TIMEOUT_MS / 1000) -> Iterator[KafkaAdminClient]:
    # A raw ping first: it fails fast and quietly where kafka-python would log a retry storm.
    if not ping(*_split(bootstrap), timeout=min(timeout, 2.0)):
        raise BrokerUnreachable(f"no Kafka broker answers at {bootstrap}")
    try:
        client = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="modstream-admin",
            request_timeout_ms=REQUEST_TIMEOUT_MS,
            bootstrap_timeout_ms=int(timeout * 1000),
        )
    except KafkaError as exc:
        raise BrokerUnreachable(f"cannot bootstrap from {bootstrap}: {exc}") from exc
    try:
        yield client
    except KafkaError as exc:
        raise BrokerError(f"admin request to {bootstrap} failed: {exc}") from exc
    finally:
        client.close()


def wait_for_broker(bootstrap: str, timeout: float = 15) -> None:
    """Block until the broker at ``bootstrap`` answers a metadata request; ``BrokerUnreachable`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with _admin(bootstrap, timeout=max(0.5, min(2.0, deadline - time.monotonic()))) as client:
                client.list_topics()
            return
        except BrokerError as exc:
            last = exc
            time.sleep(0.1)
    raise BrokerUnreachable(f"broker at {bootstrap} not ready after {timeout:g}s: {last}")


def describe(bootstrap: str) -> dict[str, int]:
    """Return ``{topic: partition count}`` for every topic on the broker."""
    with _admin(bootstrap) as client:
        return {t["name"]: len(t["partitions"]) for t in client.describe_topics()}


def create_topics(bootstrap: str, specs: Iterable[TopicSpec]) -> list[str]:
    """Create the topics that do not exist yet and return their names.

    Existing topics are left alone, but one whose partition count differs from its spec raises
    ``TopicError``: a silently wrong partition count is how auto-declared topics hurt us.

    >>> create_topics("127.0.0.1:9092", [TopicSpec("prompts", 4), TopicSpec("verdicts", 4)])
    ['prompts', 'verdicts']
    """
    wanted = {spec.name: spec for spec in specs}
    if not wanted:
        return []
    request = {
        s.name: {"num_partitions": s.partitions, "replication_factor": s.replication, "configs": dict(s.config)}
        for s in wanted.values()
    }
    with _admin(bootstrap) as client:
        response = client.create_topics(request, timeout_ms=REQUEST_TIMEOUT_MS, raise_errors=False)
        created, existing = [], []
        for topic in response["topics"]:
            if topic["error_code"] == 0:
                created.append(topic["name"])
            elif topic["error_code"] == _TOPIC_ALREADY_EXISTS:
                existing.append(topic["name"])
            else:
                raise TopicError(
                    f"broker refused topic {topic['name']!r}: error {topic['error_code']} {topic['error_message']}"
                )
        if created:
            client.wait_for_topics(created, timeout_ms=REQUEST_TIMEOUT_MS)
        actual = {t["name"]: len(t["partitions"]) for t in client.describe_topics(existing)} if existing else {}
    wrong = {name: (wanted[name].partitions, n) for name, n in actual.items() if n != wanted[name].partitions}
    if wrong:
        detail = ", ".join(f"{name}: wanted {w}, has {n}" for name, (w, n) in sorted(wrong.items()))
        raise TopicError(f"existing topics have the wrong partition count ({detail}); delete and recreate them")
    return [name for name in wanted if name in created]
