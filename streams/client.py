"""Client API for the services around modstream, on kafka-python.

Platform services publish events::

    with EventPublisher("kafka:9092") as publisher:
        publisher.publish(PromptSubmitted(...))        # validated, Avro on the wire, keyed by request id

Enforcement systems and generators subscribe to decisions::

    with DecisionSubscriber("kafka:9092", group_id="enforcer") as decisions:
        for event in decisions:                        # typed ModerationDecision / EnforcementAction
            ...
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Self

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from pydantic import BaseModel

from schemas import decode, encode
from schemas.errors import DecodeError, DeliveryError
from streams import topics


class EventPublisher:
    """Publishes pydantic events as Avro (Confluent wire format), acks=all, to their topic."""

    def __init__(self, bootstrap: str, *, topic_prefix: str = "", linger_ms: int = 0, **kafka: object):
        self._prefix = topic_prefix
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap, acks="all", linger_ms=linger_ms,
            retries=5, client_id="modstream-publisher", **kafka,
        )

    def publish(self, event: BaseModel, *, wait: bool = False, timeout: float = 10.0) -> None:
        """Send ``event`` to the topic declared for its type; ``wait`` blocks for the broker's ack."""
        topic = topics.for_event(type(event))
        future = self._producer.send(
            self._prefix + topic.name, key=topic.key_of(event), value=encode(event)
        )
        if wait:
            try:
                future.get(timeout=timeout)
            except KafkaError as exc:
                raise DeliveryError(f"{type(event).__name__} not acknowledged: {exc}") from exc

    def publish_raw(self, topic_name: str, value: bytes, key: bytes | None = None) -> None:
        """Send bytes as they are (tests and replays of dead letters)."""
        self._producer.send(self._prefix + topic_name, key=key, value=value).get(timeout=10)

    def flush(self, timeout: float | None = 30.0) -> None:
        self._producer.flush(timeout=timeout)

    def close(self) -> None:
        self._producer.close(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.flush()
        self.close()


class Subscriber:
    """Yields typed events from modstream topics; undecodable records are skipped and counted."""

    def __init__(
        self,
        bootstrap: str,
        topic_names: Iterable[str],
        *,
        group_id: str | None = None,
        topic_prefix: str = "",
        from_beginning: bool = False,
        session_timeout_ms: int = 6000,
        **kafka: object,
    ):
        self.undecodable = 0
        names = list(topic_names)
        for name in names:
            topics.by_name(name)  # fail early on a topic modstream does not declare
        self._consumer = KafkaConsumer(
            *(topic_prefix + n for n in names),
            bootstrap_servers=bootstrap,
            group_id=group_id,
            auto_offset_reset="earliest" if from_beginning else "latest",
            enable_auto_commit=group_id is not None,
            session_timeout_ms=session_timeout_ms,
            heartbeat_interval_ms=min(1000, session_timeout_ms // 3),
            fetch_max_wait_ms=50,
            client_id="modstream-subscriber",
            **kafka,
        )

    def poll(self, timeout: float = 1.0) -> list[BaseModel]:
        """The events that arrived within ``timeout`` seconds (maybe none)."""
        batches = self._consumer.poll(timeout_ms=int(timeout * 1000))
        out: list[BaseModel] = []
        for records in batches.values():
            for record in records:
                try:
                    out.append(decode(record.value))
                except DecodeError:
                    self.undecodable += 1
        return out

    def collect(
        self,
        until: int,
        timeout: float,
        where: type[BaseModel] | None = None,
        stop: Callable[[list[BaseModel]], bool] | None = None,
    ) -> list[BaseModel]:
        """Poll until ``until`` events (of type ``where``) arrived, ``stop(events)`` holds,
        or ``timeout`` seconds passed; returns what arrived."""
        deadline = time.monotonic() + timeout
        got: list[BaseModel] = []
        while len(got) < until and time.monotonic() < deadline and not (stop and stop(got)):
            got += [e for e in self.poll(0.2) if where is None or isinstance(e, where)]
        return got

    def __iter__(self) -> Iterator[BaseModel]:
        while True:
            yield from self.poll()

    def close(self) -> None:
        self._consumer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


class DecisionSubscriber(Subscriber):
    """Subscribes to decisions and enforcement actions: what generators and enforcers act on."""

    def __init__(self, bootstrap: str, **kw: object):
        names = (topics.MODERATION_DECISIONS.name, topics.ENFORCEMENT_ACTIONS.name)
        super().__init__(bootstrap, names, **kw)  # type: ignore[arg-type]
