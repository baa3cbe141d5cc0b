"""What the fault tests share: realistic traffic, fast raw publishing, and reading outputs by id."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from kafka import KafkaProducer
from pydantic import BaseModel

from ops.bench.workload import Message, prompt_mix
from ops.settings import Settings
from schemas.models import ModerationDecision
from streams import topics
from streams.client import Subscriber

TIMEOUT = 120  # worker start, a group join or a rebalance, and a few thousand prompts on a busy CI machine


def traffic(n: int, run: str) -> list[Message]:
    """``n`` encoded prompts of the benchmark's mature-platform mix, request ids ``{run}-NNNNNNN``."""
    return prompt_mix(n, run=run)


def send(s: Settings, topic: str, records: Iterable[tuple[bytes | None, bytes]]) -> int:
    """Produce raw ``(key, value)`` records to ``topic`` (un-prefixed), acks=all; returns how many."""
    producer = KafkaProducer(bootstrap_servers=s.bootstrap, acks="all", linger_ms=5,
                             max_request_size=4 * 1024 * 1024, client_id="modstream-fault-tests")
    count = 0
    try:
        for key, value in records:
            producer.send(s.topic(topic), key=key, value=value)
            count += 1
        producer.flush(timeout=60)
    finally:
        producer.close(timeout=10)
    return count


class Outputs:
    """Everything the worker wrote to ``names`` so far, read from the beginning and kept."""

    def __init__(self, s: Settings, *names: str):
        self.events: list[BaseModel] = []
        self._sub = Subscriber(s.bootstrap, names, topic_prefix=s.topic_prefix, from_beginning=True)

    def read(self, until: Callable[[Outputs], bool], timeout: float = TIMEOUT, quiet: float = 0.0) -> bool:
        """Poll until ``until(self)`` holds (then ``quiet`` more seconds), or ``timeout``; True if it held."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if until(self):
                end = time.monotonic() + quiet
                while time.monotonic() < end:
                    self.events += self._sub.poll(0.2)
                return True
            self.events += self._sub.poll(0.2)
        return until(self)

    def of(self, kind: type[BaseModel]) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    def decisions(self) -> dict[str, list[ModerationDecision]]:
        by_request: dict[str, list[ModerationDecision]] = defaultdict(list)
        for d in self.of(ModerationDecision):
            by_request[d.request_id].append(d)
        return by_request

    def decided(self, request_ids: Sequence[str]) -> int:
        got = self.decisions()
        return sum(1 for r in request_ids if r in got)

    def close(self) -> None:
        self._sub.close()

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def request_ids(messages: Sequence[Message]) -> list[str]:
    return [m.key.decode() for m in messages]


def inconsistent(decisions: dict[str, list[ModerationDecision]]) -> dict[str, set[tuple[str, str]]]:
    """Requests decided more than once with a different decision id or action (must be empty)."""
    out = {}
    for rid, ds in decisions.items():
        variants = {(d.decision_id, d.action.value) for d in ds}
        if len(variants) > 1:
            out[rid] = variants
    return out


PROMPTS, DECISIONS = topics.PROMPTS_SUBMITTED.name, topics.MODERATION_DECISIONS.name
